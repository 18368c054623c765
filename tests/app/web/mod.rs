//! The web view through HTTP, one file per capability; this module holds the site every
//! test signs in to: the app served on port 0, a small world, a password for each person.

mod access;
mod admin;
mod answers;
mod business;
mod calendar;
mod discussion;
mod document_files;
mod documents;
mod dossier_forms;
mod files;
mod forms_again;
mod home;
mod item_forms;
mod money;
mod operator;
mod reminders;
mod search;
mod sending;
mod sessions;
mod sign_in;
mod throttle;
mod uploads;

use crate::helpers::World;
use crate::mail_support::TestApp;
use dossier::domain::{ClientKind, EmailAddress};
use dossier::service::Operator;
use reqwest::redirect::Policy;

pub const PASSWORD: &str = "un mot de passe solide";

pub struct Site {
    pub test: TestApp,
    pub world: World,
    pub base: String,
}

pub async fn site() -> Site {
    site_for(ClientKind::Company, |_| {}).await
}

/// A site whose dossier belongs to a company or to a private client, with settings tuned.
pub async fn site_for(
    kind: ClientKind,
    tune: impl FnOnce(&mut dossier::config::ConfigArgs),
) -> Site {
    let test = TestApp::spawn_with(tune, None).await;
    let world = World::build_in(&test, kind);
    for user in [
        &world.staff,
        &world.client,
        &world.intervenant,
        &world.stranger,
    ] {
        world
            .services()
            .set_password(&Operator::command_line(), &user.emails[0], PASSWORD)
            .unwrap();
    }
    let base = format!("http://{}", test.http);
    Site { test, world, base }
}

/// What every test browser says it is (a quote's answer keeps it as proof).
pub const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(USER_AGENT)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub fn csrf_in(html: &str) -> String {
    let at =
        html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

/// Signs in and returns the browser and the session's CSRF token.
pub async fn signed_in(site: &Site, email: &EmailAddress) -> (reqwest::Client, String) {
    let browser = browser();
    let form = text_of(&browser, &format!("{}/login", site.base)).await;
    let response = browser
        .post(format!("{}/login", site.base))
        .form(&[
            ("email", email.as_str()),
            ("password", PASSWORD),
            ("csrf", &csrf_in(&form)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{email} signs in");
    let page = text_of(&browser, &format!("{}/dossiers", site.base)).await;
    (browser, csrf_in(&page))
}

/// The sign-in link in the newest queued e-mail to `to`.
pub fn link_in_queue(site: &Site, to: &str) -> String {
    let store = site.test.app.store();
    let mail = store
        .out_mails(100)
        .unwrap()
        .into_iter()
        .find(|m| m.recipient.as_str() == to)
        .expect("an e-mail");
    let raw = store.out_raw(&mail).unwrap();
    let text = mail_parser::MessageParser::default()
        .parse(&raw)
        .unwrap()
        .body_text(0)
        .unwrap()
        .to_string();
    let at = text.find("/login/link/").expect("a link");
    text[at..].split_whitespace().next().unwrap().to_string()
}

pub fn s_clients(site: &Site) -> Vec<dossier::domain::Client> {
    site.world.services().store().clients().unwrap()
}

/// The text of the page at `url`, as `browser` gets it.
pub async fn text_of(browser: &reqwest::Client, url: &str) -> String {
    browser.get(url).send().await.unwrap().text().await.unwrap()
}

/// A signed-in browser: its session's CSRF token goes with every post. Paths are the
/// site's own (`/dossiers/…`) or whole URLs.
#[derive(Clone)]
pub struct Visitor {
    pub browser: reqwest::Client,
    pub csrf: String,
    base: String,
}

/// A file for a multipart form: its field, name, type and bytes.
pub type Attached<'a> = (&'a str, &'a str, &'a str, &'a [u8]);

impl Visitor {
    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Posts `fields` with the token: the status and the page.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let response = self.post_response(path, fields).await;
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The status of posting `fields` with the token.
    pub async fn posted(&self, path: &str, fields: &[(&str, &str)]) -> u16 {
        self.post(path, fields).await.0
    }

    /// Posts `fields` as a multipart form, the token first, with `file` if any.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<Attached<'_>>,
    ) -> (u16, String) {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf.clone());
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        if let Some((field, name, mime, bytes)) = file {
            let part = reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(name.to_string())
                .mime_str(mime)
                .unwrap();
            form = form.part(field.to_string(), part);
        }
        let response = self
            .browser
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Posts `fields` with the token: the response itself, for its headers.
    pub async fn post_response(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        form.extend_from_slice(fields);
        self.browser
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Gets `path`: the response itself, for its headers or bytes.
    pub async fn response(&self, path: &str) -> reqwest::Response {
        self.browser.get(self.url(path)).send().await.unwrap()
    }

    /// Gets `path`: the status and the page.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self.response(path).await;
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The page at `path`, whatever its status.
    pub async fn page(&self, path: &str) -> String {
        self.get(path).await.1
    }
}

/// A browser not signed in that has read the sign-in form: its posts carry that
/// form's token.
pub async fn guest(site: &Site) -> Visitor {
    let browser = browser();
    let form = text_of(&browser, &format!("{}/login", site.base)).await;
    Visitor {
        browser,
        csrf: csrf_in(&form),
        base: site.base.clone(),
    }
}

/// Signs `email` in.
pub async fn visitor(site: &Site, email: &EmailAddress) -> Visitor {
    let (browser, csrf) = signed_in(site, email).await;
    Visitor {
        browser,
        csrf,
        base: site.base.clone(),
    }
}
