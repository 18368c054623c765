//! The site's own address: the Host a request must name and the Origin a form must come
//! from. Both are the base URL's; when the base URL is the bound loopback address, the
//! other loopback names for the same port (`localhost`, `127.0.0.1`, `[::1]`) are too.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::operator::{Door, holds_token};
use crate::app::App;
use crate::config::Config;

/// The scheme and the host[:port] values that name this site, lower case.
#[derive(Debug, Clone)]
pub struct Site {
    scheme: String,
    hosts: Vec<String>,
}

impl Site {
    /// The site of a configuration.
    pub fn of(config: &Config) -> Site {
        let (scheme, authority) =
            split(&config.base_url).unwrap_or(("http".into(), config.http.to_string()));
        // Browsers leave a default port out of Host and Origin: so does the site.
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        let authority = authority
            .strip_suffix(default_port)
            .map(str::to_string)
            .unwrap_or(authority);
        let mut hosts = vec![authority];
        if !config.base_url_given && config.http.ip().is_loopback() {
            let port = config.http.port();
            for name in ["localhost", "127.0.0.1", "[::1]"] {
                let host = format!("{name}:{port}");
                if !hosts.contains(&host) {
                    hosts.push(host);
                }
            }
        }
        // An https or http URL without a port also answers to the explicit default one.
        if !hosts[0].ends_with(']') && !hosts[0].contains(':') {
            let explicit = format!("{}{default_port}", hosts[0]);
            hosts.push(explicit);
        }
        Site { scheme, hosts }
    }

    /// Whether a Host header names this site.
    pub fn is_host(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    /// Whether an Origin (or Referer) URL is this site: scheme, host and port compared
    /// whole, so that `http://127.0.0.1:8080.evil.example` is not `http://127.0.0.1:8080`.
    pub fn is_origin(&self, url: &str) -> bool {
        split(url).is_some_and(|(scheme, authority)| {
            scheme == self.scheme && self.hosts.contains(&authority)
        })
    }
}

/// `https://host:port/path` → (`https`, `host:port`), lower case; `None` for anything
/// that is not an http(s) URL.
fn split(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    (!authority.is_empty() && !authority.contains('@')).then_some((scheme, authority))
}

/// Answers 421 to a request whose Host is not this site's (a DNS rebinding page, or a
/// proxy that does not pass the Host on). `/healthz` answers whatever the Host, for
/// health checkers that name the container by its address, and so does a request with
/// an operator's token.
pub async fn check_host(State(app): State<App>, request: Request, next: Next) -> Response {
    let hosts = request.headers().get_all(header::HOST).iter().count();
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    // Two Host fields could be read differently by a proxy and by us.
    let ours = hosts <= 1 && host.as_deref().is_some_and(|h| app.site.is_host(h));
    // A program holding an operator token reaches the server by whatever address it
    // has: the token proves more than a Host could.
    let operator = [Door::Metrics, Door::Backup]
        .into_iter()
        .any(|door| holds_token(&app, request.headers(), door));
    if ours || operator || request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let sentence = format!(
        "This server answers to {} only. A proxy in front of it must pass the Host header on (nginx: proxy_set_header Host $http_host).\n",
        app.site.hosts.join(", ")
    );
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        sentence,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(http: &str, base: Option<&str>) -> Config {
        let args = crate::config::ConfigArgs {
            http: Some(http.parse().unwrap()),
            base_url: base.map(str::to_string),
            ..Default::default()
        };
        Config::load(&args).unwrap()
    }

    #[test]
    fn a_derived_loopback_site_answers_to_every_loopback_name_of_its_port() {
        let site = Site::of(&config("127.0.0.1:8080", None));
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "[::1]:8080",
        ] {
            assert!(site.is_host(host), "{host}");
        }
        for host in ["127.0.0.1:8081", "evil.example", "localhost", "127.0.0.1"] {
            assert!(!site.is_host(host), "{host}");
        }
        assert!(site.is_origin("http://localhost:8080"));
        assert!(!site.is_origin("https://localhost:8080"));
        assert!(!site.is_origin("http://127.0.0.1:8080.evil.example"));
        assert!(!site.is_origin("http://user@127.0.0.1:8080"));
    }

    #[test]
    fn a_configured_site_answers_to_its_own_name_only() {
        let site = Site::of(&config(
            "127.0.0.1:8080",
            Some("https://dossier.example.fr/"),
        ));
        assert!(site.is_host("dossier.example.fr"));
        assert!(site.is_host("dossier.example.fr:443"));
        assert!(!site.is_host("127.0.0.1:8080"), "not the bound address");
        assert!(site.is_origin("https://dossier.example.fr"));
        assert!(!site.is_origin("http://dossier.example.fr"));
        let explicit = Site::of(&config(
            "127.0.0.1:8080",
            Some("https://dossier.example.fr:443"),
        ));
        assert!(
            explicit.is_host("dossier.example.fr"),
            "the default port left out"
        );
        assert!(explicit.is_origin("https://dossier.example.fr"));
    }
}
