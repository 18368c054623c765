//! Listing the dossiers a user can see: through the client, member and intervenant
//! indexes, never by filtering the whole store.

use dossier::domain::User;
use dossier::service::{NewDossierRequest, Operator};

use crate::helpers::{People, TestStore};

#[test]
fn each_person_lists_exactly_the_dossiers_they_have_a_role_on() {
    let test = TestStore::new();
    let s = &test.services;
    let op = Operator::command_line();
    let staff = test.person("Claire", "claire@atelier.test", true);
    let member_a = test.person("Hélène", "helene@a.test", false);
    let member_a2 = test.person("Marc", "marc@a.test", false);
    let member_b = test.person("Bruno", "bruno@b.test", false);
    let private = test.person("Paul", "paul@perso.test", false);
    let intervenant = test.person("Thomas", "thomas@fabre.test", false);
    let a = s.add_company(&op, "A", false).unwrap();
    s.add_member(&op, a.id, &member_a.emails[0]).unwrap();
    s.add_member(&op, a.id, &member_a2.emails[0]).unwrap();
    let b = s.add_company(&op, "B", false).unwrap();
    s.add_member(&op, b.id, &member_b.emails[0]).unwrap();
    let paul = s.add_person_client(&op, &private.emails[0], false).unwrap();
    let open = |client, title: &str| {
        let request = NewDossierRequest {
            client,
            title: title.into(),
            description: String::new(),
        };
        s.create_dossier(&staff, request).unwrap()
    };
    // Many dossiers of B that A's people must never see.
    for i in 0..150 {
        open(b.id, &format!("B{i}"));
    }
    let a1 = open(a.id, "A1");
    let a2 = open(a.id, "A2");
    let p1 = open(paul.id, "P1");
    s.assign_intervenant(&staff, a2.id, intervenant.id, "Électricien")
        .unwrap();
    s.assign_intervenant(&staff, p1.id, intervenant.id, "Électricien")
        .unwrap();

    let titles = |user: &User| -> Vec<String> {
        s.visible_dossiers(user)
            .unwrap()
            .into_iter()
            .map(|d| d.title)
            .collect()
    };
    assert_eq!(titles(&member_a), ["A2", "A1"], "newest first, only A's");
    assert_eq!(
        titles(&member_a2),
        ["A2", "A1"],
        "every member sees all of the company's dossiers"
    );
    assert_eq!(titles(&private), ["P1"]);
    assert_eq!(
        titles(&intervenant),
        ["P1", "A2"],
        "only the dossiers they are assigned to"
    );
    assert_eq!(titles(&member_b).len(), 150);
    assert_eq!(titles(&staff).len(), 153);
    let _ = a1;

    s.remove_intervenant(&staff, a2.id, intervenant.id).unwrap();
    assert_eq!(
        titles(&intervenant),
        ["P1"],
        "removal takes the dossier away at once"
    );
}

#[test]
fn dossier_numbers_follow_each_other_within_the_year() {
    let test = TestStore::new();
    let s = &test.services;
    let staff = test.person("Claire", "claire@atelier.test", true);
    let client = s
        .add_company(&Operator::command_line(), "A", false)
        .unwrap();
    let numbers: Vec<String> = (0..3)
        .map(|i| {
            let request = NewDossierRequest {
                client: client.id,
                title: format!("D{i}"),
                description: String::new(),
            };
            s.create_dossier(&staff, request)
                .unwrap()
                .number
                .to_string()
        })
        .collect();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(
        numbers,
        [
            format!("{year}-0001"),
            format!("{year}-0002"),
            format!("{year}-0003")
        ]
    );
}
