//! SPEC §4's outcome table through SMTP, one row per case: who writes, to which
//! address, and what must happen; a message-id posted once.

use dossier::domain::OurAddress;

use super::{Setup, address, setup};
use crate::mail_support::Smtp;

/// One row of SPEC §4's table: what is sent, and what must happen.
pub(super) struct Case {
    pub(super) name: &'static str,
    pub(super) from: &'static str,
    pub(super) to: fn(&Setup) -> String,
    pub(super) extra_headers: &'static str,
    pub(super) subject: &'static str,
    pub(super) body: &'static str,
    pub(super) outcome: &'static str,
    pub(super) posted: bool,
}

fn reply_address_of_client(s: &Setup) -> String {
    let reply = s
        .test
        .app
        .store()
        .reply_address(s.world.dossier.id, s.world.client.id)
        .unwrap();
    OurAddress::Reply(reply.token).at("dossier.test")
}

fn dossier_address(s: &Setup) -> String {
    address(&s.world.dossier)
}

pub(super) const CASES: &[Case] = &[
    Case {
        name: "an actor writes to the dossier address",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Re: Cuisine",
        body: "C'est validé.",
        outcome: "posted",
        posted: true,
    },
    Case {
        name: "the owner answers their reply address",
        from: "helene@client.test",
        to: reply_address_of_client,
        extra_headers: "",
        subject: "Re: Cuisine",
        body: "Merci.",
        outcome: "posted",
        posted: true,
    },
    Case {
        name: "a stranger writes to the dossier address",
        from: "eve@autre.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Hello",
        body: "Je m'invite.",
        outcome: "held",
        posted: false,
    },
    Case {
        name: "an unknown sender writes to the dossier address",
        from: "spam@nowhere.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Offre",
        body: "Achetez.",
        outcome: "held",
        posted: false,
    },
    Case {
        name: "someone else answers a reply address",
        from: "thomas@fabre.test",
        to: reply_address_of_client,
        extra_headers: "",
        subject: "Re: Cuisine",
        body: "Je réponds pour Hélène.",
        outcome: "held",
        posted: false,
    },
    Case {
        name: "as the MX, a verdict written before us is ignored, even under a trusted name",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "Authentication-Results: mx.dossier.test; dmarc=fail header.from=client.test\r\n",
        subject: "Re: Cuisine",
        body: "Vérifié par nous.",
        outcome: "posted",
        posted: true,
    },
    Case {
        name: "an untrusted DMARC verdict is ignored",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "Authentication-Results: evil.example; dmarc=fail\r\n",
        subject: "Re: Cuisine",
        body: "Bonjour.",
        outcome: "posted",
        posted: true,
    },
    Case {
        name: "Auto-Submitted",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "Auto-Submitted: auto-replied\r\n",
        subject: "Re: Cuisine",
        body: "Je suis absente.",
        outcome: "auto-reply",
        posted: false,
    },
    Case {
        name: "X-Autoreply",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "X-Autoreply: yes\r\n",
        subject: "Re: Cuisine",
        body: "Absente.",
        outcome: "auto-reply",
        posted: false,
    },
    Case {
        name: "Precedence: bulk",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "Precedence: bulk\r\n",
        subject: "Newsletter",
        body: "Promo.",
        outcome: "auto-reply",
        posted: false,
    },
    Case {
        name: "an out-of-office subject",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Réponse automatique : Cuisine",
        body: "Absente jusqu'au 12.",
        outcome: "auto-reply",
        posted: false,
    },
    Case {
        name: "our own loop header",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "X-Dossier-Loop: dossier.test\r\n",
        subject: "Re: Cuisine",
        body: "Boucle.",
        outcome: "loop",
        posted: false,
    },
    Case {
        name: "nothing left after trimming",
        from: "helene@client.test",
        to: dossier_address,
        extra_headers: "",
        subject: "Re: Cuisine",
        body: "Le lun. 3 nov. 2025, Claire a écrit :\r\n> Pouvez-vous valider ?",
        outcome: "empty",
        posted: false,
    },
];

pub(super) async fn send_case(setup: &Setup, case: &Case, message_id: &str) -> String {
    let to = (case.to)(setup);
    let message = format!(
        "From: {}\r\nTo: {to}\r\nSubject: {}\r\nMessage-ID: <{message_id}>\r\n{}Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        case.from, case.subject, case.extra_headers, case.body
    );
    let mut smtp = Smtp::connect(setup.test.smtp).await;
    let (_, done) = smtp.deliver(case.from, &[&to], &message).await;
    done
}

#[tokio::test(flavor = "multi_thread")]
async fn every_outcome_of_the_table_holds_through_smtp() {
    let setup = setup().await;
    let mut failures = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let before = setup.test.messages(setup.world.dossier.id).len();
        let done = send_case(&setup, case, &format!("case-{i}@client.test")).await;
        assert!(done.starts_with("250"), "{}: {done}", case.name);
        setup.test.processed().await;
        let log = setup.test.last_log();
        let after = setup.test.messages(setup.world.dossier.id).len();
        if log.outcome.name() != case.outcome || (after > before) != case.posted {
            failures.push(format!(
                "«{}»: {} (posted: {}), expected {} (posted: {}); reasons {:?}",
                case.name,
                log.outcome.name(),
                after > before,
                case.outcome,
                case.posted,
                log.reasons
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let held = setup.test.app.store().held_mail().unwrap();
    assert_eq!(
        held.len(),
        CASES.iter().filter(|c| c.outcome == "held").count(),
        "every held mail waits for review"
    );
    setup.test.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_message_id_is_posted_once() {
    let setup = setup().await;
    let case = &CASES[0];
    for _ in 0..2 {
        assert!(
            send_case(&setup, case, "same@client.test")
                .await
                .starts_with("250")
        );
        setup.test.processed().await;
    }
    let posted = setup
        .test
        .messages(setup.world.dossier.id)
        .iter()
        .filter(|m| m.text == case.body)
        .count();
    assert_eq!(posted, 1);
    assert_eq!(setup.test.last_log().outcome.name(), "duplicate");
    setup.test.stop().await;
}
