//! The business profile and a client's billing details through the staff pages: who
//! may open them, refusals next to their field with what was typed kept, and the
//! configuration file's `[business]` table as the starting profile.

use dossier::domain::ClientKind;

use super::*;

/// INSEE's SIREN, SIRET and VAT number: real numbers whose keys are right.
const SIREN: &str = "130005481";
const SIRET: &str = "13000548100010";

fn vat() -> String {
    format!("FR{:02}{SIREN}", (12 + 3 * (130_005_481u64 % 97)) % 97)
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_set_the_business_profile_and_a_mistake_is_said_next_to_its_field() {
    let site = site().await;
    let url = format!("{}/admin/business", site.base);
    let (client, _) = signed_in(&site, &site.world.client.emails[0]).await;
    assert_eq!(client.get(&url).send().await.unwrap().status(), 404);
    let (staff, csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    let form = text_of(&staff, &url).await;
    assert!(form.contains("Raison sociale") && form.contains("IBAN"));
    let vat = vat();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("legal_name", "Atelier Moreau SARL"),
        ("legal_form", "SARL"),
        ("capital", "10 000 €"),
        ("line1", "12 rue des Lilas"),
        ("postcode", "69003"),
        ("city", "Lyon"),
        ("country", "FR"),
        ("siren", "130 005 482"),
        ("siret", SIRET),
        ("registry", "RCS Lyon"),
        ("vat_number", vat.as_str()),
        ("iban", "FR76 3000 6000 0112 3456 7890 189"),
        ("payment_days", "45"),
    ];
    let refused = staff.post(&url).form(&fields).send().await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("clé de contrôle"), "the sentence, in French");
    assert!(page.contains(
        r#"id="siren" type="text" name="siren" value="130 005 482" aria-invalid="true""#
    ));
    assert!(
        page.contains("Atelier Moreau SARL"),
        "what was typed is kept"
    );
    fields[8] = ("siren", SIREN);
    let saved = staff.post(&url).form(&fields).send().await.unwrap();
    assert_eq!(saved.status(), 303);
    let profile = site.world.services().business_profile().unwrap();
    assert_eq!(profile.siren, SIREN);
    assert_eq!(profile.iban, "FR7630006000011234567890189");
    assert_eq!(profile.payment_days, 45);
    assert!(profile.missing().is_empty(), "{:?}", profile.missing());
    assert!(text_of(&staff, &url).await.contains("RCS Lyon"));
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clients_billing_details_are_checked_and_kept() {
    let site = site_for(ClientKind::Company, |_| {}).await;
    let id = site.world.dossier.client;
    let url = format!("{}/admin/clients/{id}/billing", site.base);
    let (client, _) = signed_in(&site, &site.world.client.emails[0]).await;
    assert_eq!(client.get(&url).send().await.unwrap().status(), 404);
    let (staff, csrf) = signed_in(&site, &site.world.staff.emails[0]).await;
    assert!(
        text_of(&staff, &format!("{}/admin/people", site.base))
            .await
            .contains(&format!("/admin/clients/{id}/billing"))
    );
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("line1", "3 place Bellecour"),
        ("postcode", "69002"),
        ("city", "Lyon"),
        ("delivery_line1", "Chantier, 8 chemin des Vignes"),
        ("delivery_postcode", "6940"),
        ("delivery_city", "Tassin"),
        ("siren", SIREN),
    ];
    let refused = staff.post(&url).form(&fields).send().await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(r#"aria-describedby="delivery_postcode-error""#),
        "next to the delivery postcode"
    );
    assert!(
        page.contains("Chantier, 8 chemin des Vignes"),
        "what was typed is kept"
    );
    fields[5] = ("delivery_postcode", "69160");
    assert_eq!(
        staff
            .post(&url)
            .form(&fields)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let clients = s_clients(&site);
    let billing = &clients.iter().find(|c| c.id == id).unwrap().billing;
    assert_eq!(billing.address.city, "Lyon");
    assert_eq!(billing.delivery.postcode, "69160");
    assert_eq!(billing.siren, SIREN);
    site.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_configuration_files_business_table_is_the_starting_profile() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dossier.toml");
    std::fs::write(
        &file,
        format!(
            "[business]\nlegal-name = \"Menuiserie Bernard SAS\"\nsiren = \"{SIREN}\"\nvat-number = \"{}\"\n\n[business.address]\nline1 = \"2 quai Vallin\"\npostcode = \"74000\"\ncity = \"Annecy\"\n",
            vat()
        ),
    )
    .unwrap();
    let test =
        crate::mail_support::TestApp::spawn_with(|args| args.config = Some(file.clone()), None)
            .await;
    let profile = test.app.services.business_profile().unwrap();
    assert_eq!(profile.legal_name, "Menuiserie Bernard SAS");
    assert_eq!(profile.address.city, "Annecy");
    assert_eq!(profile.address.country, "FR");
    // Saved from the settings page, the profile is the saved one.
    let saved = dossier::domain::BusinessProfile {
        legal_name: "Menuiserie Bernard".into(),
        ..profile
    };
    test.app
        .services
        .set_business_profile(&dossier::service::Operator::command_line(), saved)
        .unwrap();
    assert_eq!(
        test.app.services.business_profile().unwrap().legal_name,
        "Menuiserie Bernard"
    );
    test.stop().await;

    std::fs::write(&file, "[business]\nsiren = \"123\"\n").unwrap();
    let args = dossier::config::ConfigArgs {
        config: Some(file.clone()),
        ..Default::default()
    };
    let err = dossier::config::Config::load(&args).unwrap_err();
    assert!(
        err.to_string()
            .contains("[business] siren: A SIREN has nine digits."),
        "{err}"
    );
}

#[test]
fn the_readmes_business_table_is_a_configuration_that_loads() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("```toml\n[business]")
        .expect("the README shows a [business] table")
        + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dossier.toml");
    std::fs::write(&file, &readme[start..end]).unwrap();
    let args = dossier::config::ConfigArgs {
        config: Some(file),
        ..Default::default()
    };
    let config = dossier::config::Config::load(&args).unwrap();
    assert_eq!(config.business.legal_name, "Atelier Moreau SARL");
    assert!(
        config.business.missing().is_empty(),
        "{:?}",
        config.business.missing()
    );
}
