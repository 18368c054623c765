//! The operator's endpoints: `/healthz`, and `/metrics` and `/admin/backup`, which only
//! a credential opens; and the Host every other request must name.

use std::os::unix::fs::PermissionsExt;

use super::*;

/// A secret the server keeps in its data folder, checking that only its owner reads it.
fn token(site: &Site, name: &str) -> String {
    let path = site.test.app.store().root().join(name);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{name} is for the folder's owner only");
    std::fs::read_to_string(path).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn healthz_and_metrics_say_how_the_server_is() {
    let site = site().await;
    let health = browser()
        .get(format!("{}/healthz", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        health,
        r#"{"store":"ok","outbox_worker":"ok","mail_worker":"ok"}"#
    );
    let to = site
        .world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let mut smtp = crate::mail_support::Smtp::connect(site.test.smtp).await;
    let raw = crate::mail_support::reply_text(
        "helene@client.test",
        &to,
        "metrics-1@client.test",
        "Compté.",
    );
    let (rcpts, done) = smtp
        .deliver("helene@client.test", &[&to, "nobody@dossier.test"], &raw)
        .await;
    assert!(rcpts[1].starts_with("550") && done.starts_with("250"));
    site.test.processed().await;
    let text = browser()
        .get(format!("{}/metrics", site.base))
        .bearer_auth(token(&site, "metrics.token"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "dossier_mail_accepted_total 1",
        "dossier_mail_refused_total{kind=\"unknown-address\"} 1",
        "dossier_mail_outcomes_total{kind=\"posted\"} 1",
        "dossier_mail_held 0",
        "# TYPE dossier_http_request_duration_seconds histogram",
    ] {
        assert!(text.contains(line), "«{line}» in:\n{text}");
    }
    assert!(
        text.contains("dossier_http_requests_total{status=\"2xx\"}"),
        "{text}"
    );
    assert!(text.contains("dossier_notifications_pending "), "{text}");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_and_backups_open_only_with_a_credential() {
    let site = site().await;
    let get = |b: &reqwest::Client, path: &str| b.get(format!("{}{path}", site.base));
    for path in ["/metrics", "/admin/backup"] {
        // A local program, or a proxy on loopback that adds no header: nothing.
        let plain = get(&browser(), path).send().await.unwrap();
        assert_eq!(plain.status(), 401, "{path} from loopback");
        assert_eq!(plain.headers()["www-authenticate"], "Bearer");
        let proxied = get(&browser(), path)
            .header("X-Forwarded-For", "127.0.0.1")
            .header("Forwarded", "for=127.0.0.1")
            .send()
            .await
            .unwrap();
        assert_eq!(proxied.status(), 401, "{path} with proxy headers");
        let wrong = get(&browser(), path).bearer_auth("0123abcd").send().await;
        assert_eq!(wrong.unwrap().status(), 401, "{path} with a made-up token");
    }
    let (client, _) = signed_in(&site, &site.world.client.emails[0]).await;
    assert_eq!(get(&client, "/metrics").send().await.unwrap().status(), 401);
    assert_eq!(
        get(&client, "/admin/backup").send().await.unwrap().status(),
        401
    );
    let (staff, _) = signed_in(&site, &site.world.staff.emails[0]).await;
    assert_eq!(get(&staff, "/metrics").send().await.unwrap().status(), 200);
    assert_eq!(
        get(&staff, "/admin/backup").send().await.unwrap().status(),
        200
    );

    // Each token opens its own door only, whatever the Host it names.
    let (metrics, handover) = (token(&site, "metrics.token"), token(&site, "handover.key"));
    let with = |path: &str, token: &str| {
        get(&browser(), path)
            .header("Host", "scraper.internal:9100")
            .bearer_auth(token)
    };
    assert_eq!(
        with("/metrics", &metrics).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        with("/admin/backup", &metrics)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let archive = with("/admin/backup", &handover).send().await.unwrap();
    assert_eq!(archive.status(), 200);
    assert_eq!(archive.headers()["content-type"], "application/x-tar");
    assert_eq!(
        with("/metrics", &handover).send().await.unwrap().status(),
        401
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_naming_another_host_is_refused() {
    let site = site().await;
    let port = site.test.http.port();
    let with_host = |path: &str, host: &str| {
        browser()
            .get(format!("{}{path}", site.base))
            .header("Host", host)
            .send()
    };
    // A page of another site whose name was made to point at this server (DNS
    // rebinding) names its own host.
    for path in ["/login", "/dossiers", "/mute/abc", "/static/style.css"] {
        let answer = with_host(path, "evil.example").await.unwrap();
        assert_eq!(answer.status(), 421, "{path}");
        assert!(
            answer
                .text()
                .await
                .unwrap()
                .contains(&site.test.http.to_string())
        );
    }
    assert_eq!(
        with_host("/login", &format!("127.0.0.1:{}", port + 1))
            .await
            .unwrap()
            .status(),
        421,
        "another port is another site"
    );
    // The loopback names of the bound port are this site when no base URL is set.
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        assert_eq!(
            with_host("/login", &host).await.unwrap().status(),
            200,
            "{host}"
        );
    }
    // Health checkers name the container by its address.
    let health = with_host("/healthz", "10.0.0.7:8080").await.unwrap();
    assert_eq!(health.status(), 200);
    site.test.stop().await;
}
