//! SPEC §2's table, every row × staff, client (company member and private person),
//! intervenant and stranger × open and closed, through the service API. The expected
//! answers are written here independently of `policy.rs`; a mismatch names its row.

use dossier::Error;
use dossier::domain::{ClientKind, Door, NewFile, NewMessage, Status, User};
use dossier::service::NewDossierRequest;

use crate::helpers::{World, blob};

mod items;

/// What one role should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Allowed.
    Yes,
    /// Not found: the thing does not exist for them.
    Hidden,
    /// Refused: they see it but may not do this.
    No,
}
use Want::*;

/// What actually happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Got {
    Yes,
    Hidden,
    No,
    Closed,
}

pub(crate) type Attempt = fn(&World, &User) -> Result<(), Error>;

pub(crate) struct Row {
    pub(crate) name: &'static str,
    /// Whether the row changes the dossier (a closed dossier refuses it).
    pub(crate) change: bool,
    pub(crate) staff: Want,
    pub(crate) client: Want,
    pub(crate) intervenant: Want,
    pub(crate) attempt: Attempt,
}

pub(crate) fn upload(w: &World, name: &str) -> NewFile {
    NewFile::attached(blob(w.services(), name, name.as_bytes()))
}

/// The rows about the dossier itself, its discussion and files; the items' rows are in
/// `items.rs`.
const DOSSIER: &[Row] = &[
    Row {
        name: "see the dossier",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| {
            w.services().dossier_view(u, w.dossier.id)?;
            w.services().find_dossier(u, w.dossier.number)?;
            let listed = w
                .services()
                .visible_dossiers(u)?
                .iter()
                .any(|d| d.id == w.dossier.id);
            assert!(
                listed,
                "{} can open the dossier but does not see it listed",
                u.name
            );
            Ok(())
        },
    },
    Row {
        name: "read discussion messages",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| w.services().messages(u, w.dossier.id).map(drop),
    },
    Row {
        name: "post discussion messages",
        change: true,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| {
            let message = NewMessage {
                text: format!("Bonjour de {}", u.name),
                attachments: vec![upload(w, "photo.jpg")],
                ..NewMessage::default()
            };
            let posted = w
                .services()
                .post_message(u, w.dossier.id, Door::Web, message)?;
            let files = w.services().files(u, w.dossier.id)?;
            assert!(
                files.iter().any(|f| f.message == Some(posted.id)),
                "the attachment became a file"
            );
            Ok(())
        },
    },
    Row {
        name: "upload files",
        change: true,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| {
            w.services()
                .add_file(u, w.dossier.id, Door::Web, upload(w, "devis-signe.pdf"))
                .map(drop)
        },
    },
    Row {
        name: "download files",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| {
            let file = w.services().file(u, w.dossier.id, w.file.id)?;
            assert_eq!(
                w.services().store().blobs().read(&file.blob.sha256)?,
                b"content of plan.pdf"
            );
            Ok(())
        },
    },
    Row {
        name: "rename files",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            let file = w
                .services()
                .rename_file(u, w.dossier.id, w.file.id, "plan-v2.pdf")?;
            assert_eq!(file.blob.name.as_str(), "plan-v2.pdf");
            Ok(())
        },
    },
    Row {
        name: "delete files",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            w.services()
                .delete_file(u, w.dossier.id, w.doomed_file.id)?;
            let gone = w.services().file(u, w.dossier.id, w.doomed_file.id);
            assert!(
                matches!(gone, Err(Error::NotFound)),
                "a deleted file is gone"
            );
            Ok(())
        },
    },
    Row {
        name: "set their own reference",
        change: true,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| {
            w.services().set_own_reference(u, w.dossier.id, "REF-42")?;
            let view = w.services().dossier_view(u, w.dossier.id)?;
            let mine = [view.dossier.staff_reference, view.dossier.client_reference]
                .into_iter()
                .flatten()
                .chain(
                    view.intervenants
                        .into_iter()
                        .filter(|i| i.user == u.id)
                        .filter_map(|i| i.own_reference),
                )
                .any(|r| r == "REF-42");
            assert!(mine, "{} sees the reference they set", u.name);
            Ok(())
        },
    },
    Row {
        name: "create a dossier for this client, which may create dossiers",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Hidden,
        attempt: |w, u| {
            w.services()
                .store()
                .set_may_create_dossiers(w.dossier.client, true)?;
            let request = NewDossierRequest {
                client: w.dossier.client,
                title: "Nouveau".into(),
                description: String::new(),
            };
            w.services().create_dossier(u, request).map(drop)
        },
    },
    Row {
        name: "create a dossier for this client, which may not create dossiers",
        change: false,
        staff: Yes,
        client: No,
        intervenant: Hidden,
        attempt: |w, u| {
            w.services()
                .store()
                .set_may_create_dossiers(w.dossier.client, false)?;
            let request = NewDossierRequest {
                client: w.dossier.client,
                title: "Nouveau".into(),
                description: String::new(),
            };
            w.services().create_dossier(u, request).map(drop)
        },
    },
    // Last: it changes the status the other rows were run in.
    Row {
        name: "close an open dossier / reopen a closed one",
        change: false,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            let before = w
                .services()
                .store()
                .dossier(w.dossier.id)?
                .expect("dossier")
                .status;
            let after = match before {
                Status::Open => w.services().close_dossier(u, w.dossier.id)?,
                Status::Closed => w.services().reopen_dossier(u, w.dossier.id)?,
            };
            assert_ne!(after.status, before);
            Ok(())
        },
    },
];

fn outcome(result: Result<(), Error>, row: &str, who: &str) -> Got {
    match result {
        Ok(()) => Got::Yes,
        Err(Error::NotFound) => Got::Hidden,
        Err(Error::Forbidden) => Got::No,
        Err(Error::Closed) => Got::Closed,
        Err(other) => panic!("{row} / {who}: unexpected error {other:?}"),
    }
}

fn expected(want: Want, row: &Row, status: Status) -> Got {
    match (want, row.change, status) {
        (Yes, true, Status::Closed) => Got::Closed,
        (Yes, _, _) => Got::Yes,
        (Hidden, _, _) => Got::Hidden,
        (No, _, _) => Got::No,
    }
}

fn walk(kind: ClientKind, status: Status) -> Vec<String> {
    let mut mismatches = Vec::new();
    for who in ["staff", "client", "intervenant", "stranger"] {
        let world = World::build(kind);
        if status == Status::Closed {
            world
                .services()
                .close_dossier(&world.staff, world.dossier.id)
                .expect("closed");
        }
        let (user, want_of): (&User, fn(&Row) -> Want) = match who {
            "staff" => (&world.staff, |r| r.staff),
            "client" => (&world.client, |r| r.client),
            "intervenant" => (&world.intervenant, |r| r.intervenant),
            _ => (&world.stranger, |_| Hidden),
        };
        for row in items::ITEMS.iter().chain(DOSSIER) {
            let got = outcome((row.attempt)(&world, user), row.name, who);
            let want = expected(want_of(row), row, status);
            if got != want {
                mismatches.push(format!(
                    "{:?} client, {} dossier, {who}: «{}» gave {got:?}, the table says {want:?}",
                    kind,
                    status.as_str(),
                    row.name
                ));
            }
        }
    }
    mismatches
}

fn assert_table(kind: ClientKind, status: Status) {
    let mismatches = walk(kind, status);
    assert!(
        mismatches.is_empty(),
        "policy table mismatches:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn every_cell_holds_for_a_company_client_on_an_open_dossier() {
    assert_table(ClientKind::Company, Status::Open);
}

#[test]
fn every_cell_holds_for_a_company_client_on_a_closed_dossier() {
    assert_table(ClientKind::Company, Status::Closed);
}

#[test]
fn every_cell_holds_for_a_private_client_on_an_open_dossier() {
    assert_table(ClientKind::Person, Status::Open);
}

#[test]
fn every_cell_holds_for_a_private_client_on_a_closed_dossier() {
    assert_table(ClientKind::Person, Status::Closed);
}

#[test]
fn a_closed_dossier_keeps_every_item_and_stores_nothing_new() {
    let world = World::build(ClientKind::Company);
    let s = world.services();
    let before = s.dossier_view(&world.staff, world.dossier.id).unwrap();
    s.close_dossier(&world.staff, world.dossier.id).unwrap();
    let message = NewMessage {
        text: "Encore une chose".into(),
        attachments: vec![upload(&world, "late.pdf")],
        ..NewMessage::default()
    };
    let refused = s.post_message(&world.client, world.dossier.id, Door::Email, message);
    assert!(matches!(refused, Err(Error::Closed)), "{refused:?}");
    let after = s.dossier_view(&world.staff, world.dossier.id).unwrap();
    assert_eq!(after.messages, before.messages);
    assert_eq!(after.files, before.files, "no half-stored attachment");
    assert_eq!(
        s.store().pending_intents().unwrap().len(),
        3,
        "the setup's two files and one event, nothing more"
    );
    let history: Vec<_> = after
        .history
        .iter()
        .map(|h| format!("{:?}", h.what))
        .collect();
    assert!(history.last().unwrap().contains("Closed"), "{history:?}");
}
