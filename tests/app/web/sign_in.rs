//! Signing in and out through HTTP: the cookie's flags, wrong passwords and their limit,
//! sign-in links, sign-out, https cookies, and the reader's language.

use dossier::domain::ClientKind;

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_sets_a_safe_cookie_and_shows_only_ones_dossiers() {
    let site = site().await;
    let mut guest = guest(&site).await;
    let form = guest.response("/login").await;
    assert_eq!(form.headers()["x-content-type-options"], "nosniff");
    assert_eq!(form.headers()["x-frame-options"], "DENY");
    assert!(
        form.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    // A form read again has a token of its own.
    guest.csrf = csrf_in(&form.text().await.unwrap());
    let wrong = [("email", "helene@client.test"), ("password", "pas le bon")];
    let (status, again) = guest.post("/login", &wrong).await;
    assert_eq!(status, 401);
    assert!(
        again.contains("Adresse ou mot de passe incorrect")
            && again.contains("value=\"helene@client.test\""),
        "the form comes back with the error"
    );
    let right = [("email", "Helene@Client.test"), ("password", PASSWORD)];
    let ok = guest.post_response("/login", &right).await;
    assert_eq!(ok.status(), 303);
    let cookie = ok
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("dossier="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let list = guest.page("/dossiers").await;
    assert!(
        list.contains(&site.world.dossier.number.to_string()),
        "her dossier is listed"
    );
    let others: Vec<_> = site
        .world
        .services()
        .visible_dossiers(&site.world.stranger)
        .unwrap();
    assert!(
        !list.contains(&others[0].number.to_string()),
        "another company's dossier is not"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_sign_ins_are_limited_and_sign_out_ends_the_session() {
    let site = site().await;
    let tries = guest(&site).await;
    let attempt = |password: &'static str| {
        let tries = tries.clone();
        async move {
            let fields = [("email", "thomas@fabre.test"), ("password", password)];
            tries.posted("/login", &fields).await
        }
    };
    for _ in 0..10 {
        assert_eq!(attempt("faux").await, 401);
    }
    assert_eq!(
        attempt(PASSWORD).await,
        429,
        "even the right password waits now"
    );
    assert_eq!(
        browser()
            .post(format!("{}/login", site.base))
            .form(&[("email", "helene@client.test"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "a sign-in without its form token is refused"
    );
    let client = visitor(&site, &site.world.client.emails[0]).await;
    assert_eq!(client.posted("/logout", &[]).await, 303);
    assert_eq!(client.get("/dossiers").await.0, 303, "the session is over");
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_link_works_once_within_its_time_and_tells_nothing_to_strangers() {
    let site = site().await;
    let guest = guest(&site).await;
    let browser = guest.browser.clone();
    let known = guest
        .post("/login/link", &[("email", "helene@client.test")])
        .await;
    let unknown = guest
        .post("/login/link", &[("email", "nobody@nowhere.test")])
        .await;
    assert_eq!((known.0, unknown.0), (200, 200));
    assert_eq!(known.1, unknown.1, "the same answer either way");
    let link = link_in_queue(&site, "helene@client.test");
    let confirm = browser
        .get(format!("{}{link}", site.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        confirm.status(),
        200,
        "opening the link changes nothing yet"
    );
    let token = csrf_in(&confirm.text().await.unwrap());
    // A page of another site cannot sign this browser in with a link of its own.
    let forged = browser
        .post(format!("{}{link}", site.base))
        .header("Origin", "http://evil.example")
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403, "a cross-site post of the link");
    let untokened = browser
        .post(format!("{}{link}", site.base))
        .send()
        .await
        .unwrap();
    assert_eq!(untokened.status(), 403, "a post without the page's token");
    let enter = browser
        .post(format!("{}{link}", site.base))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        enter.status(),
        303,
        "the refused posts left the link usable"
    );
    let list = guest.page("/dossiers").await;
    assert!(
        list.contains(&site.world.dossier.number.to_string()),
        "signed in as the client"
    );
    assert_eq!(
        browser
            .post(format!("{}{link}", site.base))
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        410,
        "used twice"
    );
    // A link past its time is refused too.
    let late = dossier::store::LoginLink {
        user: site.world.client.id,
        expires_at: chrono::Utc::now() - chrono::Duration::minutes(1),
    };
    site.test
        .app
        .store()
        .insert_login_link("0123456789abcdef0123456789abcdef", &late)
        .unwrap();
    assert_eq!(
        browser
            .post(format!(
                "{}/login/link/0123456789abcdef0123456789abcdef",
                site.base
            ))
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        410,
        "too late"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_https_the_cookie_is_secure_and_host_prefixed() {
    let site = site_for(ClientKind::Company, |args| {
        args.base_url = Some("https://dossiers.atelier.test".into())
    })
    .await;
    // The TLS proxy in front passes the public Host on.
    const HOST: &str = "dossiers.atelier.test";
    let browser = browser();
    let form = browser
        .get(format!("{}/login", site.base))
        .header("Host", HOST)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = browser
        .post(format!("{}/login", site.base))
        .header("Host", HOST)
        .form(&[
            ("email", "helene@client.test"),
            ("password", PASSWORD),
            ("csrf", &csrf_in(&form)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("__Host-dossier="))
        .expect("a __Host- cookie");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"),
        "{cookie}"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_who_chose_english_reads_english() {
    let site = site().await;
    site.world
        .services()
        .set_language(&site.world.client, dossier::domain::Lang::En)
        .unwrap();
    let client = visitor(&site, &site.world.client.emails[0]).await;
    let page = client
        .page(&format!(
            "{}/dossiers/{}",
            site.base, site.world.dossier.number
        ))
        .await;
    assert!(
        page.contains("<html lang=\"en\">"),
        "the page says its language"
    );
    assert!(
        page.contains("Quotes &amp; invoices")
            && page.contains("Sign out")
            && !page.contains("Devis &amp; factures")
    );
    let quote = client
        .page(&format!(
            "{}/dossiers/{}/documents/{}",
            site.base, site.world.dossier.number, site.world.quote.id
        ))
        .await;
    // The page speaks English; the document itself is a French commercial document.
    assert!(
        quote.contains("← Quotes &amp; invoices"),
        "the page in English"
    );
    assert!(
        quote.contains(r#"<article class="document" lang="fr">"#)
            && quote.contains("120,00\u{a0}€")
            && quote.contains("Total TTC"),
        "the document in French, and saying so"
    );
    let calendar = client
        .page(&format!("{}/calendar?month=2026-03", site.base))
        .await;
    assert!(calendar.contains("March 2026") && calendar.contains("Subscribe"));
    let english_form = browser()
        .get(format!("{}/login", site.base))
        .header("Accept-Language", "en-GB,en;q=0.9,fr;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        english_form.contains("Sign in") && english_form.contains("Get a sign-in link"),
        "the sign-in page follows the browser"
    );
    let staff = visitor(&site, &site.world.staff.emails[0]).await;
    let french = staff
        .page(&format!(
            "{}/dossiers/{}",
            site.base, site.world.dossier.number
        ))
        .await;
    assert!(
        french.contains("<html lang=\"fr\">") && french.contains("Devis &amp; factures"),
        "French by default"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_leads_back_to_the_page_asked_for_and_an_ended_session_says_so() {
    let site = site().await;
    let w = &site.world;
    let page = format!("/dossiers/{}?all=files", w.dossier.number);
    let returning = browser();
    let asked = returning
        .get(format!("{}{page}", site.base))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 303);
    assert_eq!(asked.headers()["location"], "/login");
    let form = text_of(&returning, &format!("{}/login", site.base)).await;
    let signed = returning
        .post(format!("{}/login", site.base))
        .form(&[
            ("email", w.client.emails[0].as_str()),
            ("password", PASSWORD),
            ("csrf", &csrf_in(&form)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    assert_eq!(
        signed.headers()["location"],
        page.as_str(),
        "back to the page asked for"
    );
    // Its session ended elsewhere (a password change): the next page says so.
    let other = visitor(&site, &w.client.emails[0]).await;
    let change = [
        ("current", PASSWORD),
        ("password", "un tout nouveau mot de passe"),
    ];
    assert_eq!(other.posted("/settings/password", &change).await, 303);
    let ended = returning
        .get(format!("{}/dossiers", site.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.headers()["location"], "/login?ended=1");
    let notice = text_of(&returning, &format!("{}/login?ended=1", site.base)).await;
    assert!(notice.contains("Votre session a pris fin"), "{notice}");
    site.test.stop().await;
}
