//! Sign-in throttling through HTTP: every attempt spends its budget before its password
//! is hashed, an address counts as one however it is written, the client is the one a
//! trusted proxy names (and no one else's header), and password changes count too.

use dossier::domain::ClientKind;

use super::*;

/// A browser on the sign-in page, and the page's token.
async fn at_login(site: &Site) -> (reqwest::Client, String) {
    let browser = browser();
    let form = text_of(&browser, &format!("{}/login", site.base)).await;
    (browser, csrf_in(&form))
}

/// One sign-in attempt; the status it gets.
async fn attempt(
    site: &Site,
    (browser, csrf): &(reqwest::Client, String),
    email: &str,
    password: &str,
    client: Option<&str>,
) -> u16 {
    let mut request = browser.post(format!("{}/login", site.base)).form(&[
        ("email", email),
        ("password", password),
        ("csrf", csrf.as_str()),
    ]);
    if let Some(ip) = client {
        request = request.header("X-Forwarded-For", ip);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_attempts_are_counted_before_any_password_is_checked() {
    let site = site().await;
    let door = at_login(&site).await;
    // Thirty at once, the right password last among them: ten are checked.
    let tries = (0..30).map(|n| {
        let password = if n == 29 { PASSWORD } else { "faux" };
        attempt(&site, &door, "thomas@fabre.test", password, None)
    });
    let statuses = futures_util::future::join_all(tries).await;
    let checked = statuses.iter().filter(|s| **s != 429).count();
    assert_eq!(checked, 10, "{statuses:?}");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_address_written_another_way_shares_its_budget() {
    let site = site().await;
    let door = at_login(&site).await;
    for typed in [
        "thomas@fabre.test",
        "THOMAS@fabre.test",
        " thomas@fabre.test ",
        "<thomas@fabre.test>",
        "thomas @fabre.test",
    ]
    .repeat(2)
    {
        assert_eq!(
            attempt(&site, &door, typed, "faux", None).await,
            401,
            "{typed:?}"
        );
    }
    assert_eq!(
        attempt(&site, &door, "<Thomas@Fabre.TEST>", PASSWORD, None).await,
        429
    );
    // Written that way, the right password signs in once the budget allows.
    let other = at_login(&site).await;
    assert_eq!(
        attempt(&site, &other, " <Helene@Client.test>", PASSWORD, None).await,
        303
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget() {
    let site = site_for(ClientKind::Company, |args| {
        args.trusted_proxy = vec!["127.0.0.1".parse().unwrap()]
    })
    .await;
    let door = at_login(&site).await;
    let mallory = Some("203.0.113.66");
    for n in 0..60 {
        let email = format!("personne{}@nulle.test", n % 6);
        assert_eq!(attempt(&site, &door, &email, "faux", mallory).await, 401);
    }
    assert_eq!(
        attempt(&site, &door, "helene@client.test", PASSWORD, mallory).await,
        429,
        "the attacker's budget is spent"
    );
    assert_eq!(
        attempt(
            &site,
            &door,
            "helene@client.test",
            PASSWORD,
            Some("198.51.100.2")
        )
        .await,
        303,
        "everyone else behind the proxy still signs in"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_trusted_proxy_a_forwarded_header_buys_no_budget() {
    let site = site().await;
    let door = at_login(&site).await;
    for n in 0..60 {
        let email = format!("personne{}@nulle.test", n % 6);
        let spoofed = format!("203.0.113.{n}");
        assert_eq!(
            attempt(&site, &door, &email, "faux", Some(&spoofed)).await,
            401
        );
    }
    assert_eq!(
        attempt(
            &site,
            &door,
            "helene@client.test",
            PASSWORD,
            Some("198.51.100.9")
        )
        .await,
        429,
        "the peer is the client"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn password_changes_are_throttled_too() {
    let site = site().await;
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let change = |current: &'static str| {
        client
            .post(format!("{}/settings/password", site.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("current", current),
                ("password", "un tout nouveau mot de passe"),
            ])
            .send()
    };
    // The sign-in spent one attempt of the account's budget: nine remain.
    for _ in 0..9 {
        assert_eq!(change("faux").await.unwrap().status(), 422);
    }
    assert_eq!(change(PASSWORD).await.unwrap().status(), 429);
    site.test.stop().await;
}
