//! The web view through HTTP: signing in (cookie flags, wrong password, rate limit,
//! sign-out), what each role sees (404 for the rest), CSRF and cross-origin refusals,
//! posting with a file and downloading it, a closed dossier, the security headers.

use chrono::TimeZone;
use dossier::domain::{ClientKind, EmailAddress, EventTime};
use dossier::service::Operator;
use reqwest::redirect::Policy;

use crate::helpers::World;
use crate::mail_support::TestApp;

const PASSWORD: &str = "un mot de passe solide";

struct Site {
    test: TestApp,
    world: World,
    base: String,
}

async fn site() -> Site {
    site_for(ClientKind::Company, |_| {}).await
}

/// A site whose dossier belongs to a company or to a private client, with settings tuned.
async fn site_for(kind: ClientKind, tune: impl FnOnce(&mut dossier::config::ConfigArgs)) -> Site {
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

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn csrf_in(html: &str) -> String {
    let at =
        html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

/// Signs in and returns the browser and the session's CSRF token.
async fn signed_in(site: &Site, email: &EmailAddress) -> (reqwest::Client, String) {
    let browser = browser();
    let form = browser
        .get(format!("{}/login", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
    let page = browser
        .get(format!("{}/dossiers", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (browser, csrf_in(&page))
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_sets_a_safe_cookie_and_shows_only_ones_dossiers() {
    let site = site().await;
    let browser = browser();
    let form = browser
        .get(format!("{}/login", site.base))
        .send()
        .await
        .unwrap();
    assert_eq!(form.headers()["x-content-type-options"], "nosniff");
    assert_eq!(form.headers()["x-frame-options"], "DENY");
    assert!(
        form.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    let form = form.text().await.unwrap();
    let wrong = browser
        .post(format!("{}/login", site.base))
        .form(&[
            ("email", "helene@client.test"),
            ("password", "pas le bon"),
            ("csrf", &csrf_in(&form)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let again = wrong.text().await.unwrap();
    assert!(
        again.contains("Adresse ou mot de passe incorrect")
            && again.contains("value=\"helene@client.test\""),
        "the form comes back with the error"
    );
    let ok = browser
        .post(format!("{}/login", site.base))
        .form(&[
            ("email", "Helene@Client.test"),
            ("password", PASSWORD),
            ("csrf", &csrf_in(&form)),
        ])
        .send()
        .await
        .unwrap();
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
    let list = browser
        .get(format!("{}/dossiers", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
async fn each_role_sees_what_the_table_allows_and_strangers_get_404() {
    let site = site().await;
    let number = site.world.dossier.number.to_string();
    let page_of = |browser: reqwest::Client| {
        let url = format!("{}/dossiers/{number}", site.base);
        async move { browser.get(url).send().await.unwrap() }
    };
    let (staff, _) = signed_in(&site, &site.world.staff.emails[0]).await;
    let staff_page = page_of(staff).await.text().await.unwrap();
    assert!(
        staff_page.contains("Devis, commandes et factures")
            && staff_page.contains("thomas@fabre.test"),
        "staff see documents and contacts"
    );
    let (client, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let client_page = page_of(client.clone()).await.text().await.unwrap();
    assert!(
        client_page.contains("Devis, commandes et factures")
            && !client_page.contains("thomas@fabre.test"),
        "clients see documents, not contacts"
    );
    let (intervenant, _) = signed_in(&site, &site.world.intervenant.emails[0]).await;
    let intervenant_page = page_of(intervenant).await.text().await.unwrap();
    assert!(
        !intervenant_page.contains("Devis, commandes et factures")
            && !intervenant_page.contains("D-2026"),
        "no quote for an intervenant"
    );
    let (stranger, _) = signed_in(&site, &site.world.stranger.emails[0]).await;
    assert_eq!(page_of(stranger.clone()).await.status(), 404);
    let file = format!(
        "{}/dossiers/{number}/files/{}",
        site.base, site.world.file.id
    );
    assert_eq!(
        stranger.get(&file).send().await.unwrap().status(),
        404,
        "nor its files"
    );
    assert_eq!(
        stranger
            .get(format!("{}/dossiers/9999-0001", site.base))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "a dossier that does not exist looks the same"
    );
    let download = client.get(&file).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        download.headers()["content-type"],
        "application/octet-stream"
    );
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        b"content of plan.pdf"
    );
    assert_eq!(
        browser()
            .get(format!("{}/dossiers", site.base))
            .send()
            .await
            .unwrap()
            .headers()["location"],
        "/login",
        "no session: sign in first"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn posting_a_message_with_a_file_needs_the_csrf_token_and_an_open_dossier() {
    let site = site().await;
    let number = site.world.dossier.number.to_string();
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let url = format!("{}/dossiers/{number}/messages", site.base);
    let form = |token: &str| {
        reqwest::multipart::Form::new()
            .text("csrf", token.to_string())
            .text("text", "Voici la photo du mur.")
            .part(
                "files",
                reqwest::multipart::Part::bytes(b"\x89PNG fake".to_vec())
                    .file_name("mur.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
    };
    assert_eq!(
        client
            .post(&url)
            .multipart(form(""))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "no token"
    );
    let cross = client
        .post(&url)
        .header("Origin", "https://evil.example")
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403, "cross-origin");
    // The configured address with more after it is another site.
    let lookalike = format!("{}.evil.example", site.test.app.config.base_url);
    let cross = client
        .post(&url)
        .header("Origin", lookalike.as_str())
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403, "{lookalike} is not our origin");
    let posted = client
        .post(&url)
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let page = client
        .get(format!("{}/dossiers/{number}", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Voici la photo du mur.") && page.contains("mur.png"));
    let message = site.test.messages(site.world.dossier.id).pop().unwrap();
    let file = site
        .world
        .services()
        .file(
            &site.world.client,
            site.world.dossier.id,
            message.attachments[0],
        )
        .unwrap();
    assert_eq!(file.blob.content_type, "image/png");
    let image = client
        .get(format!("{}/dossiers/{number}/files/{}", site.base, file.id))
        .send()
        .await
        .unwrap();
    assert!(
        image.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline"),
        "a raster image shows inline"
    );

    site.world
        .services()
        .close_dossier(&site.world.staff, site.world.dossier.id)
        .unwrap();
    let closed = client
        .post(&url)
        .multipart(form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 409);
    assert!(closed.text().await.unwrap().contains("closed"));
    let page = client
        .get(format!("{}/dossiers/{number}", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("name=\"text\""),
        "no post form on a closed dossier"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_sign_ins_are_limited_and_sign_out_ends_the_session() {
    let site = site().await;
    let tries = browser();
    let form = tries
        .get(format!("{}/login", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&form);
    let attempt = |password: &'static str| {
        let (tries, base, csrf) = (tries.clone(), site.base.clone(), csrf.clone());
        async move {
            tries
                .post(format!("{base}/login"))
                .form(&[
                    ("email", "thomas@fabre.test"),
                    ("password", password),
                    ("csrf", &csrf),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..5 {
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
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let out = client
        .post(format!("{}/logout", site.base))
        .form(&[("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(
        client
            .get(format!("{}/dossiers", site.base))
            .send()
            .await
            .unwrap()
            .status(),
        303,
        "the session is over"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forms_close_reopen_set_references_and_open_dossiers_by_role() {
    let site = site().await;
    let number = site.world.dossier.number.to_string();
    let at = |path: &str| format!("{}/dossiers/{number}/{path}", site.base);
    let (client, client_csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let (staff, staff_csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    assert_eq!(
        client
            .post(at("close"))
            .form(&[("csrf", &client_csrf)])
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "clients may not close"
    );
    assert_eq!(
        staff
            .post(at("close"))
            .form(&[("csrf", &staff_csrf)])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let refused = client
        .post(at("reference"))
        .form(&[("csrf", client_csrf.as_str()), ("reference", "BC-118")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409, "closed means closed");
    assert_eq!(
        staff
            .post(at("reopen"))
            .form(&[("csrf", &staff_csrf)])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        client
            .post(at("reference"))
            .form(&[("csrf", client_csrf.as_str()), ("reference", "BC-118")])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let page = client
        .get(format!("{}/dossiers/{number}", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("BC-118"));
    let history = staff
        .get(format!("{}/dossiers/{number}", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        history.contains("Dossier clôturé") && history.contains("Dossier rouvert"),
        "closing and reopening are in the history"
    );

    let form = client
        .get(format!("{}/dossiers/new", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("SCI Les Tilleuls") && !form.contains("Autre SARL"),
        "only her own company"
    );
    let client_id = site.world.dossier.client.raw().to_string();
    let empty = client
        .post(format!("{}/dossiers", site.base))
        .form(&[
            ("csrf", client_csrf.as_str()),
            ("client", client_id.as_str()),
            ("title", " "),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("title must not be empty"),
        "the form comes back with the sentence"
    );
    let made = client
        .post(format!("{}/dossiers", site.base))
        .form(&[
            ("csrf", client_csrf.as_str()),
            ("client", client_id.as_str()),
            ("title", "Salle de bain"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let (intervenant, csrf) = signed_in(&site, &site.world.intervenant.emails[0]).await;
    assert_eq!(
        intervenant
            .get(format!("{}/dossiers/new", site.base))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let forged = intervenant
        .post(format!("{}/dossiers", site.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("client", client_id.as_str()),
            ("title", "Pirate"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        404,
        "an intervenant cannot open a dossier for a client"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_calendar_shows_what_one_may_see_and_its_private_feed_can_be_reset() {
    let site = site().await;
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let month = client
        .get(format!("{}/calendar?month=2026-03", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        month.contains("mars 2026") && month.contains("Visite"),
        "the event is in March"
    );
    let (stranger, _) = signed_in(&site, &site.world.stranger.emails[0]).await;
    let theirs = stranger
        .get(format!("{}/calendar?month=2026-03", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !theirs.contains("Visite"),
        "a stranger's calendar does not show it"
    );
    let feed_at = |page: &str| {
        page.split("<code>")
            .nth(1)
            .unwrap()
            .split("</code>")
            .next()
            .unwrap()
            .replace("http://127.0.0.1:8080", &site.base)
    };
    let feed = feed_at(&month);
    let anonymous = browser();
    let ics = anonymous.get(&feed).send().await.unwrap();
    assert_eq!(ics.status(), 200, "{feed}");
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let calendar: icalendar::Calendar = ics.text().await.unwrap().parse().unwrap();
    let uids: Vec<String> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| icalendar::Component::get_uid(e).map(str::to_string))
        .collect();
    assert_eq!(uids, std::slice::from_ref(&site.world.event.uid));
    assert_eq!(
        client
            .post(format!("{}/calendar/feed/reset", site.base))
            .form(&[("csrf", &csrf)])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        anonymous.get(&feed).send().await.unwrap().status(),
        404,
        "the old address stops working"
    );
    let month = client
        .get(format!("{}/calendar?month=2026-03", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_ne!(feed_at(&month), feed, "a new address");
    let page = client
        .get(format!(
            "{}/dossiers/{}",
            site.base, site.world.dossier.number
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dossier_feed = page
        .split("<code>")
        .nth(2)
        .expect("a dossier feed")
        .split("</code>")
        .next()
        .unwrap()
        .replace("http://127.0.0.1:8080", &site.base);
    let only: icalendar::Calendar = anonymous
        .get(&dossier_feed)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        only.components
            .iter()
            .filter(|c| c.as_event().is_some())
            .count(),
        1,
        "the dossier's own feed"
    );
    let one = client
        .get(format!(
            "{}/dossiers/{}/events/{}/ics",
            site.base, site.world.dossier.number, site.world.event.id
        ))
        .send()
        .await
        .unwrap();
    assert!(
        one.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("event.ics")
    );
    assert_eq!(
        stranger
            .get(format!(
                "{}/dossiers/{}/events/{}/ics",
                site.base, site.world.dossier.number, site.world.event.id
            ))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    site.test.stop().await;
}

/// The sign-in link in the newest queued e-mail to `to`.
fn link_in_queue(site: &Site, to: &str) -> String {
    let store = site.test.app.store();
    let mail = store
        .out_mails(100)
        .unwrap()
        .into_iter()
        .find(|m| m.recipient.as_str() == to)
        .expect("an e-mail");
    let raw = store.blobs().read(&mail.raw_sha256).unwrap();
    let text = mail_parser::MessageParser::default()
        .parse(&raw)
        .unwrap()
        .body_text(0)
        .unwrap()
        .to_string();
    let at = text.find("/login/link/").expect("a link");
    text[at..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_link_works_once_within_its_time_and_tells_nothing_to_strangers() {
    let site = site().await;
    let browser = browser();
    let form = browser
        .get(format!("{}/login", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&form);
    let known = browser
        .post(format!("{}/login/link", site.base))
        .form(&[("email", "helene@client.test"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    let unknown = browser
        .post(format!("{}/login/link", site.base))
        .form(&[("email", "nobody@nowhere.test"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (known.status(), unknown.status()),
        (reqwest::StatusCode::OK, reqwest::StatusCode::OK)
    );
    assert_eq!(
        known.text().await.unwrap(),
        unknown.text().await.unwrap(),
        "the same answer either way"
    );
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
    let enter = browser
        .post(format!("{}{link}", site.base))
        .send()
        .await
        .unwrap();
    assert_eq!(enter.status(), 303);
    let list = browser
        .get(format!("{}/dossiers", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains(&site.world.dossier.number.to_string()),
        "signed in as the client"
    );
    assert_eq!(
        browser
            .post(format!("{}{link}", site.base))
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
async fn detail_pages_and_downloads_follow_the_table() {
    let site = site().await;
    let d = site.world.dossier.number.to_string();
    let at = |path: String| format!("{}/dossiers/{d}/{path}", site.base);
    let (client, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let (intervenant, _) = signed_in(&site, &site.world.intervenant.emails[0]).await;
    let quote = at(format!("documents/{}", site.world.quote.id));
    let printable = client
        .get(&quote)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // 2 × 50 € at 20 %: 100 € before tax, 20 € VAT, 120 € in all.
    assert!(
        printable.contains("100,00\u{a0}€")
            && printable.contains("20,00\u{a0}€")
            && printable.contains("120,00\u{a0}€"),
        "{printable}"
    );
    assert!(printable.contains("Total TTC"));
    assert_eq!(
        intervenant.get(&quote).send().await.unwrap().status(),
        404,
        "no quote for an intervenant"
    );
    let activities = intervenant
        .get(at("activities".into()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        activities.contains("1 h 30") && activities.contains("Pose"),
        "activities are detailed for every role"
    );
    let empty = intervenant
        .get(at("activities?from=2030-01-01".into()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(empty.contains("0 h 00"), "a period with nothing");
    let billed = at(format!("expenses/{}/receipt", site.world.billed.id));
    let unbilled = at(format!("expenses/{}/receipt", site.world.unbilled.id));
    assert_eq!(client.get(&billed).send().await.unwrap().status(), 200);
    assert_eq!(
        client.get(&unbilled).send().await.unwrap().status(),
        404,
        "a receipt of an expense not billed to the client"
    );
    let (staff, _) = signed_in(&site, &site.world.staff.emails[0]).await;
    assert_eq!(staff.get(&unbilled).send().await.unwrap().status(), 200);

    // An e-mail reply keeps its original, readable from the page.
    let to = site
        .world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let raw =
        crate::mail_support::reply_text("helene@client.test", &to, "orig-1@client.test", "Vu.");
    let mut smtp = crate::mail_support::Smtp::connect(site.test.smtp).await;
    assert!(
        smtp.deliver("helene@client.test", &[&to], &raw)
            .await
            .1
            .starts_with("250")
    );
    site.test.processed().await;
    let message = site.test.messages(site.world.dossier.id).pop().unwrap();
    let original = client
        .get(at(format!("messages/{}/original", message.id)))
        .send()
        .await
        .unwrap();
    assert!(
        original.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        original
            .text()
            .await
            .unwrap()
            .contains("Message-ID: <orig-1@client.test>")
    );
    let (stranger, _) = signed_in(&site, &site.world.stranger.emails[0]).await;
    assert_eq!(
        stranger
            .get(at(format!("messages/{}/original", message.id)))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_review_held_mail_and_the_outbox_and_everyone_has_settings() {
    let site = site().await;
    let s = site.world.services();
    // A stranger writes to the dossier: held.
    let to = site
        .world
        .dossier
        .mail_address(&dossier::domain::Addressing::bare("dossier.test"));
    let raw = crate::mail_support::reply_text(
        "eve@autre.test",
        &to,
        "held-web@x.test",
        "Je passe par là.",
    );
    let mut smtp = crate::mail_support::Smtp::connect(site.test.smtp).await;
    assert!(
        smtp.deliver("eve@autre.test", &[&to], &raw)
            .await
            .1
            .starts_with("250")
    );
    site.test.processed().await;
    let (client, client_csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    assert_eq!(
        client
            .get(format!("{}/admin/mail", site.base))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "staff only"
    );
    let (staff, csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    let admin = staff
        .get(format!("{}/admin/mail", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        admin.contains("Je passe par là") || admin.contains("not an actor"),
        "the held message and its reason"
    );
    assert!(
        admin.contains("expéditeur vérifié : DKIM absent, SPF pass, DMARC pas de politique"),
        "the sender checks' verdict in words"
    );
    let held = s.held_mail(&site.world.staff).unwrap();
    let author = site.world.client.id.raw().to_string();
    let approved = staff
        .post(format!("{}/admin/held/{}/approve", site.base, held[0].id))
        .form(&[("csrf", csrf.as_str()), ("author", author.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 303);
    assert_eq!(
        site.test
            .messages(site.world.dossier.id)
            .pop()
            .unwrap()
            .text,
        "Je passe par là."
    );
    let page = staff
        .get(format!(
            "{}/dossiers/{}",
            site.base, site.world.dossier.number
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("approuvé par Claire Moreau"),
        "the approved message says who vouched for it"
    );
    let raw_link = format!("{}/admin/raw/{}", site.base, held[0].raw_sha256);
    assert_eq!(staff.get(&raw_link).send().await.unwrap().status(), 200);
    assert_eq!(client.get(&raw_link).send().await.unwrap().status(), 404);

    // Settings: notifications per dossier and kind, language, password.
    let id = site.world.dossier.id.raw().to_string();
    let saved = client
        .post(format!("{}/settings/notifications", site.base))
        .form(&[
            ("csrf", client_csrf.as_str()),
            ("dossier", id.as_str()),
            ("files", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let prefs = s
        .notification_prefs(&site.world.client, site.world.dossier.id)
        .unwrap();
    assert_eq!(
        prefs,
        dossier::domain::Prefs {
            messages: false,
            files: true,
            events: false
        }
    );
    client
        .post(format!("{}/settings/language", site.base))
        .form(&[("csrf", client_csrf.as_str()), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        s.store().user(site.world.client.id).unwrap().unwrap().lang,
        dossier::domain::Lang::En
    );
    let wrong = client
        .post(format!("{}/settings/password", site.base))
        .form(&[
            ("csrf", client_csrf.as_str()),
            ("current", "not it"),
            ("password", "a brand new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("current password is not right")
    );
    let ok = client
        .post(format!("{}/settings/password", site.base))
        .form(&[
            ("csrf", client_csrf.as_str()),
            ("current", PASSWORD),
            ("password", "a brand new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_forms_add_and_change_every_kind_of_item_and_others_are_refused() {
    let site = site().await;
    let s = site.world.services();
    let d = site.world.dossier.id;
    let at = |path: &str| {
        format!(
            "{}/dossiers/{}/{path}",
            site.base, site.world.dossier.number
        )
    };
    let (staff, csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let (staff, csrf) = (staff.clone(), csrf.clone());
        async move {
            let mut form: Vec<(&str, String)> = vec![("csrf", csrf)];
            form.extend(fields);
            staff
                .post(path)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let page = staff
        .get(at("").trim_end_matches('/'))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Nouvel événement")
            && page.contains("Ajouter un intervenant")
            && page.contains("Nouveau document"),
        "staff see the forms"
    );
    assert_eq!(
        post(
            at("events"),
            vec![
                ("title", "Réunion".into()),
                ("start", "2026-04-02".into()),
                ("start_time", "09:30".into()),
                ("end", "2026-04-02".into()),
                ("end_time", "10:30".into()),
                ("place", "Bureau".into())
            ]
        )
        .await,
        303
    );
    let event = s
        .events(&site.world.staff, d)
        .unwrap()
        .into_iter()
        .find(|e| e.title == "Réunion")
        .unwrap();
    assert_eq!(
        format!("{:?}", event.time),
        format!(
            "{:?}",
            EventTime::Timed {
                start: chrono::Utc.with_ymd_and_hms(2026, 4, 2, 7, 30, 0).unwrap(),
                end: chrono::Utc.with_ymd_and_hms(2026, 4, 2, 8, 30, 0).unwrap()
            }
        ),
        "Paris time stored as UTC"
    );
    assert_eq!(
        post(at(&format!("events/{}/cancel", event.id)), vec![]).await,
        303
    );
    assert_eq!(
        post(
            at("intervenants"),
            vec![
                ("email", "leo@plomb.test".into()),
                ("role", "Plombier".into())
            ]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at(&format!(
                "intervenants/{}/remove",
                site.world.spare_intervenant.id
            )),
            vec![]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at(&format!("files/{}/rename", site.world.file.id)),
            vec![("name", "plan-final.pdf".into())]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at(&format!("files/{}/delete", site.world.doomed_file.id)),
            vec![]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at("activities"),
            vec![
                ("date", "2026-03-05".into()),
                ("hours", "1,5".into()),
                ("description", "Métré".into()),
                ("order", site.world.order.id.raw().to_string())
            ]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            at("documents"),
            vec![
                ("kind", "invoice".into()),
                ("title", "Solde".into()),
                ("date", "2026-03-20".into()),
                ("source", site.world.order.id.raw().to_string()),
                ("description_0", "Pose".into()),
                ("quantity_0", "2".into()),
                ("price_0", "150".into()),
                ("vat_0", "10".into())
            ]
        )
        .await,
        303
    );
    let invoice = s
        .documents(&site.world.staff, d)
        .unwrap()
        .into_iter()
        .find(|x| x.title == "Solde")
        .unwrap();
    assert_eq!(
        invoice.totals().total,
        dossier::domain::Cents(33000),
        "2 × 150 € at 10 %"
    );
    assert_eq!(
        post(
            at(&format!("documents/{}/status", invoice.id)),
            vec![("status", "paid".into())]
        )
        .await,
        303
    );
    let expense = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("date", "2026-03-06")
        .text("category", "purchase")
        .text("description", "Joints")
        .text("amount", "12,50")
        .text("vat", "2,50")
        .text("billed", "on")
        .part(
            "receipt",
            reqwest::multipart::Part::bytes(b"%PDF ticket".to_vec())
                .file_name("ticket.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    assert_eq!(
        staff
            .post(at("expenses"))
            .multipart(expense)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let bad = post(
        at("documents"),
        vec![
            ("kind", "quote".into()),
            ("title", "X".into()),
            ("date", "2026-03-20".into()),
            ("description_0", "Pose".into()),
            ("quantity_0", "deux".into()),
            ("price_0", "1".into()),
            ("vat_0", "20".into()),
        ],
    )
    .await;
    assert_eq!(bad, 422, "a wrong number is explained, nothing stored");

    let view = s.dossier_view(&site.world.staff, d).unwrap();
    assert!(
        view.events
            .iter()
            .any(|e| e.title == "Réunion" && e.cancelled)
    );
    assert!(
        view.intervenants.iter().any(|i| i.name == "Léo Plombier")
            && !view.intervenants.iter().any(|i| i.name == "Nadia Benali")
    );
    assert!(
        view.files
            .iter()
            .any(|f| f.blob.name.as_str() == "plan-final.pdf")
            && !view.files.iter().any(|f| f.id == site.world.doomed_file.id)
    );
    assert!(
        view.activities
            .iter()
            .any(|a| a.minutes == 90 && a.description == "Métré")
    );
    assert!(
        view.documents
            .unwrap()
            .iter()
            .any(|x| x.title == "Solde" && x.status == dossier::domain::DocStatus::Paid)
    );
    assert!(
        view.expenses
            .iter()
            .any(|e| e.description == "Joints" && e.billed_to_client)
    );

    let (client, client_csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let refused = client
        .post(at("events"))
        .form(&[
            ("csrf", client_csrf.as_str()),
            ("title", "X"),
            ("start", "2026-04-02"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "a client may not add events");
    let (intervenant, i_csrf) = signed_in(&site, &site.world.intervenant.emails[0]).await;
    let hidden = intervenant
        .post(at("documents"))
        .form(&[
            ("csrf", i_csrf.as_str()),
            ("kind", "quote"),
            ("title", "X"),
            ("date", "2026-03-20"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        hidden.status(),
        404,
        "an intervenant does not know documents exist"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_answers_each_role_as_the_table_says_for_a_company_client() {
    route_table(ClientKind::Company).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_answers_each_role_as_the_table_says_for_a_private_client() {
    route_table(ClientKind::Person).await;
}

async fn route_table(kind: ClientKind) {
    let site = site_for(kind, |_| {}).await;
    let w = &site.world;
    let n = w.dossier.number.to_string();
    // (path, staff, client, intervenant, stranger); anonymous readers are always sent to /login.
    let routes: Vec<(String, [u16; 4])> = vec![
        ("/dossiers".into(), [200, 200, 200, 200]),
        (format!("/dossiers/{n}"), [200, 200, 200, 404]),
        (
            format!("/dossiers/{n}/files/{}", w.file.id),
            [200, 200, 200, 404],
        ),
        (
            format!("/dossiers/{n}/documents/{}", w.quote.id),
            [200, 200, 404, 404],
        ),
        (
            format!("/dossiers/{n}/documents/{}", w.order.id),
            [200, 200, 404, 404],
        ),
        (format!("/dossiers/{n}/activities"), [200, 200, 200, 404]),
        (
            format!("/dossiers/{n}/expenses/{}/receipt", w.billed.id),
            [200, 200, 200, 404],
        ),
        (
            format!("/dossiers/{n}/expenses/{}/receipt", w.unbilled.id),
            [200, 404, 404, 404],
        ),
        (
            format!("/dossiers/{n}/events/{}/ics", w.event.id),
            [200, 200, 200, 404],
        ),
        ("/dossiers/new".into(), [200, 200, 404, 200]),
        ("/calendar".into(), [200, 200, 200, 200]),
        ("/settings".into(), [200, 200, 200, 200]),
        ("/admin/mail".into(), [200, 404, 404, 404]),
        ("/admin/people".into(), [200, 404, 404, 404]),
    ];
    let mut browsers = Vec::new();
    for user in [&w.staff, &w.client, &w.intervenant, &w.stranger] {
        browsers.push(signed_in(&site, &user.emails[0]).await.0);
    }
    let anonymous = browser();
    let mut wrong = Vec::new();
    for (path, expected) in &routes {
        for (who, (browser, want)) in ["staff", "client", "intervenant", "stranger"]
            .iter()
            .zip(browsers.iter().zip(expected))
        {
            let got = browser
                .get(format!("{}{path}", site.base))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            if got != *want {
                wrong.push(format!("{who} GET {path}: {got}, expected {want}"));
            }
        }
        let got = anonymous
            .get(format!("{}{path}", site.base))
            .send()
            .await
            .unwrap();
        if got.status() != 303 || got.headers()["location"] != "/login" {
            wrong.push(format!("anonymous GET {path}: {}", got.status()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_add_people_and_clients_and_invite_them() {
    let site = site().await;
    let (staff, csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    let company = site.world.dossier.client.raw().to_string();
    let added = staff
        .post(format!("{}/admin/people", site.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Julie Martin"),
            ("email", "julie@client.test"),
            ("lang", "en"),
            ("client", company.as_str()),
            ("invite", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 303);
    let julie = site
        .world
        .services()
        .store()
        .user_by_email(&EmailAddress::parse("julie@client.test").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(julie.lang, dossier::domain::Lang::En);
    assert!(
        site.world
            .services()
            .visible_dossiers(&julie)
            .unwrap()
            .iter()
            .any(|d| d.id == site.world.dossier.id),
        "a new member sees the company's dossiers"
    );
    let invitation = link_in_queue(&site, "julie@client.test");
    assert!(invitation.starts_with("/login/link/"));
    let twin = staff
        .post(format!("{}/admin/people", site.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Twin"),
            ("email", "JULIE@client.test"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(twin.status(), 422);
    assert!(
        twin.text()
            .await
            .unwrap()
            .contains("already used by Julie Martin")
    );
    let company = staff
        .post(format!("{}/admin/clients", site.base))
        .form(&[("csrf", csrf.as_str()), ("name", "Boulangerie Durand")])
        .send()
        .await
        .unwrap();
    assert_eq!(company.status(), 303);
    let durand = s_clients(&site)
        .into_iter()
        .find(|c| c.name == "Boulangerie Durand")
        .unwrap();
    let joined = staff
        .post(format!("{}/admin/clients/{}/members", site.base, durand.id))
        .form(&[("csrf", csrf.as_str()), ("email", "julie@client.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status(), 303);
    assert!(
        s_clients(&site)
            .into_iter()
            .find(|c| c.name == "Boulangerie Durand")
            .unwrap()
            .has_member(julie.id)
    );
    site.world
        .services()
        .add_user(
            &Operator::command_line(),
            dossier::service::PersonRequest {
                name: "Paul Rousseau".into(),
                emails: vec![EmailAddress::parse("paul@perso.test").unwrap()],
                lang: dossier::domain::Lang::Fr,
                staff: false,
                password: None,
            },
        )
        .unwrap();
    let private = staff
        .post(format!("{}/admin/clients/private", site.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "paul@perso.test"),
            ("may_create", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(private.status(), 303);
    assert!(s_clients(&site).iter().any(|c| c.name == "Paul Rousseau"
        && c.kind == dossier::domain::ClientKind::Person
        && c.may_create_dossiers));
    let unknown = staff
        .post(format!("{}/admin/clients/private", site.base))
        .form(&[("csrf", csrf.as_str()), ("email", "ghost@nowhere.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        unknown.status(),
        422,
        "the directory again, with the sentence"
    );
    let (client, client_csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let forged = client
        .post(format!("{}/admin/clients", site.base))
        .form(&[("csrf", client_csrf.as_str()), ("name", "Pirate")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_https_the_cookie_is_secure_and_host_prefixed() {
    let site = site_for(ClientKind::Company, |args| {
        args.base_url = Some("https://dossiers.atelier.test".into())
    })
    .await;
    let browser = browser();
    let form = browser
        .get(format!("{}/login", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = browser
        .post(format!("{}/login", site.base))
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
async fn an_upload_over_the_limit_gets_a_sentence_and_stores_nothing() {
    let site = site_for(ClientKind::Company, |args| {
        args.max_message_bytes = Some(1000)
    })
    .await;
    let (client, csrf) = signed_in(&site, &site.world.client.emails[0]).await;
    let before = site.test.messages(site.world.dossier.id).len();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("text", "Trop gros")
        .part(
            "files",
            reqwest::multipart::Part::bytes(vec![7u8; 200_000]).file_name("gros.bin"),
        );
    let response = client
        .post(format!(
            "{}/dossiers/{}/messages",
            site.base, site.world.dossier.number
        ))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert!(
        response.text().await.unwrap().contains("trop volumineux"),
        "a sentence says why"
    );
    assert_eq!(site.test.messages(site.world.dossier.id).len(), before);
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_who_chose_english_reads_english() {
    let site = site().await;
    site.world
        .services()
        .set_language(&site.world.client, dossier::domain::Lang::En)
        .unwrap();
    let (client, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let page = client
        .get(format!(
            "{}/dossiers/{}",
            site.base, site.world.dossier.number
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<html lang=\"en\">"),
        "the page says its language"
    );
    assert!(
        page.contains("Quotes, orders and invoices")
            && page.contains("Sign out")
            && !page.contains("Devis, commandes et factures")
    );
    let quote = client
        .get(format!(
            "{}/dossiers/{}/documents/{}",
            site.base, site.world.dossier.number, site.world.quote.id
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        quote.contains("€120.00") && quote.contains("Total incl. VAT"),
        "money as English writes it"
    );
    let calendar = client
        .get(format!("{}/calendar?month=2026-03", site.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
    let (staff, _) = signed_in(&site, &site.world.staff.emails[0]).await;
    let french = staff
        .get(format!(
            "{}/dossiers/{}",
            site.base, site.world.dossier.number
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        french.contains("<html lang=\"fr\">") && french.contains("Devis, commandes et factures"),
        "French by default"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_change_existing_items_and_a_mistake_shows_the_page_again_with_its_sentence() {
    let site = site().await;
    let (s, w) = (site.world.services(), &site.world);
    let at = |path: String| format!("{}/dossiers/{}/{path}", site.base, w.dossier.number);
    let (staff, csrf) = signed_in(&site, &w.staff.emails[0]).await;
    let page = staff
        .get(format!("{}/dossiers/{}", site.base, w.dossier.number))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("/events/{}\"", w.event.id))
            && page.contains(&format!("/documents/{}/edit", w.quote.id)),
        "prefilled forms for staff"
    );
    let send = |path: String, fields: Vec<(&'static str, &'static str)>| {
        let (staff, csrf) = (staff.clone(), csrf.clone());
        async move {
            let mut form = vec![("csrf", csrf.as_str().to_string())];
            form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
            staff.post(path).form(&form).send().await.unwrap()
        }
    };
    let changed = send(
        at(format!("events/{}", w.event.id)),
        vec![
            ("title", "Visite avancée"),
            ("start", "2026-03-09"),
            ("start_time", "08:00"),
            ("end_time", "09:00"),
            ("place", "Sur place"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    let event = s
        .events(&w.staff, w.dossier.id)
        .unwrap()
        .into_iter()
        .find(|e| e.id == w.event.id)
        .unwrap();
    assert_eq!(
        (event.title.as_str(), event.sequence),
        ("Visite avancée", 1)
    );
    let edited = send(
        at(format!("documents/{}/edit", w.quote.id)),
        vec![
            ("title", "Travaux révisés"),
            ("date", "2026-03-02"),
            ("description_0", "Main d'œuvre"),
            ("quantity_0", "3"),
            ("price_0", "50"),
            ("vat_0", "20"),
        ],
    )
    .await;
    assert_eq!(edited.status(), 303);
    let quote = s.document(&w.staff, w.dossier.id, w.quote.id).unwrap();
    assert_eq!(
        (quote.title.as_str(), quote.totals().total),
        ("Travaux révisés", dossier::domain::Cents(18000))
    );
    let who: &'static str = Box::leak(w.staff.id.raw().to_string().into_boxed_str());
    let hours = send(
        at(format!("activities/{}", w.activity.id)),
        vec![
            ("user", who),
            ("date", "2026-03-04"),
            ("hours", "2"),
            ("description", "Pose"),
        ],
    )
    .await;
    assert_eq!(hours.status(), 303);
    assert_eq!(
        s.activities(&w.staff, w.dossier.id)
            .unwrap()
            .into_iter()
            .find(|a| a.id == w.activity.id)
            .unwrap()
            .minutes,
        120
    );
    let expense = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("date", "2026-03-03")
        .text("category", "travel")
        .text("description", "Péage A6")
        .text("amount", "9,60")
        .text("vat", "1,60")
        .text("billed", "on");
    assert_eq!(
        staff
            .post(at(format!("expenses/{}", w.billed.id)))
            .multipart(expense)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let billed = s.expense(&w.staff, w.dossier.id, w.billed.id).unwrap();
    assert_eq!(
        (billed.description.as_str(), billed.amount),
        ("Péage A6", dossier::domain::Cents(960))
    );
    assert!(
        billed.receipt.is_some(),
        "the receipt stays when no new one is sent"
    );

    let mistake = send(
        at(format!("documents/{}/edit", w.quote.id)),
        vec![
            ("title", "X"),
            ("date", "2026-03-02"),
            ("description_0", "Pose"),
            ("quantity_0", "deux"),
            ("price_0", "1"),
            ("vat_0", "20"),
        ],
    )
    .await;
    assert_eq!(mistake.status(), 422);
    let again = mistake.text().await.unwrap();
    assert!(
        again.contains("role=\"alert\"")
            && again.contains("Line 1")
            && again.contains("Nouvel événement"),
        "the dossier page again, with the sentence above its forms"
    );
    assert_eq!(
        s.document(&w.staff, w.dossier.id, w.quote.id)
            .unwrap()
            .title,
        "Travaux révisés",
        "nothing changed"
    );
    site.test.stop().await;
}

fn s_clients(site: &Site) -> Vec<dossier::domain::Client> {
    site.world.services().store().clients().unwrap()
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
async fn behind_a_local_proxy_metrics_and_backups_are_for_staff_only() {
    let site = site().await;
    let proxied = |path: &str| {
        browser()
            .get(format!("{}{path}", site.base))
            .header("X-Forwarded-For", "203.0.113.7")
            .send()
    };
    assert_eq!(
        proxied("/metrics").await.unwrap().status(),
        404,
        "a visitor through the proxy is not local"
    );
    assert_eq!(proxied("/admin/backup").await.unwrap().status(), 404);
    let (client, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let forwarded = |b: &reqwest::Client, path: &str| {
        b.get(format!("{}{path}", site.base))
            .header("Forwarded", "for=203.0.113.7")
            .send()
    };
    assert_eq!(
        forwarded(&client, "/metrics").await.unwrap().status(),
        404,
        "nor is a client"
    );
    let (staff, _) = signed_in(&site, &site.world.staff.emails[0]).await;
    assert_eq!(
        forwarded(&staff, "/metrics").await.unwrap().status(),
        200,
        "staff are"
    );
    assert_eq!(
        browser()
            .get(format!("{}/metrics", site.base))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "a local program is"
    );
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_discussion_shows_its_newest_messages_and_the_rest_on_demand() {
    let site = site().await;
    let s = site.world.services();
    let d = &site.world.dossier;
    // The first message carries a file: it stays reachable from its message when the
    // files list shows only the newest.
    let stored = s.store().blobs().put(b"first plan").unwrap();
    let first = dossier::domain::NewMessage {
        text: "Message numéro 0".into(),
        attachments: vec![dossier::domain::NewFile::attached(
            dossier::domain::BlobRef {
                name: dossier::domain::FileName::sanitize("premier-plan.pdf"),
                content_type: "application/pdf".into(),
                size: stored.size,
                sha256: stored.sha256,
            },
        )],
        ..Default::default()
    };
    s.post_message(&site.world.client, d.id, dossier::domain::Door::Web, first)
        .unwrap();
    for i in 0..55 {
        let file = crate::helpers::blob(s, &format!("plan-{i}.pdf"), format!("{i}").as_bytes());
        s.add_file(
            &site.world.staff,
            d.id,
            dossier::domain::Door::Web,
            dossier::domain::NewFile::attached(file),
        )
        .unwrap();
    }
    for i in 1..60 {
        let message = dossier::domain::NewMessage {
            text: format!("Message numéro {i}"),
            ..Default::default()
        };
        s.post_message(
            &site.world.client,
            d.id,
            dossier::domain::Door::Web,
            message,
        )
        .unwrap();
    }
    let (browser, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let get = |path: String| {
        let browser = browser.clone();
        async move {
            browser
                .get(path)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let page = get(format!("{}/dossiers/{}", site.base, d.number)).await;
    assert!(page.contains("Message numéro 59"));
    assert!(page.contains("Message numéro 10<"), "the newest fifty");
    assert!(!page.contains("Message numéro 9<"), "not the older ones");
    assert!(
        page.contains("Afficher les 10 messages précédents"),
        "a link says how many"
    );
    let all = get(format!("{}/dossiers/{}?all=messages", site.base, d.number)).await;
    assert!(all.contains("Message numéro 0<") && all.contains("Message numéro 59<"));
    assert!(
        all.contains("premier-plan.pdf"),
        "the first message's file is linked, though older than the files listed"
    );
    assert!(page.contains("fichiers plus anciens"), "{}", page.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dossier_with_many_events_shows_the_nearest_and_all_on_demand() {
    use chrono::TimeZone;
    let site = site().await;
    let s = site.world.services();
    let d = &site.world.dossier;
    let add = |title: String, start: chrono::DateTime<chrono::Utc>| {
        let mut draft = crate::helpers::event_draft();
        draft.title = title;
        draft.time = dossier::domain::EventTime::Timed {
            start,
            end: start + chrono::Duration::hours(1),
        };
        s.add_event(&site.world.staff, d.id, draft).unwrap();
    };
    add(
        "Visite à venir".into(),
        chrono::Utc::now() + chrono::Duration::days(3),
    );
    for i in 0..24 {
        let start = chrono::Utc
            .with_ymd_and_hms(2020, 1, 1 + i, 9, 0, 0)
            .unwrap();
        add(format!("Passée {i:02}"), start);
    }
    let (browser, _) = signed_in(&site, &site.world.client.emails[0]).await;
    let page = |query: &'static str| {
        let url = format!("{}/dossiers/{}{query}", site.base, d.number);
        let browser = browser.clone();
        async move { browser.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let shown = page("").await;
    assert!(shown.contains("Visite à venir"), "the next one to come");
    assert!(shown.contains("Passée 23"), "the most recent past ones");
    assert!(!shown.contains("Passée 00"), "not the oldest");
    assert!(shown.contains("Afficher les 26 événements"));
    let all = page("?all=events").await;
    assert!(all.contains("Passée 00") && all.contains("Visite à venir"));
}
