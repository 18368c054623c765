//! The rows of SPEC §2's table about a dossier's items: documents, expenses,
//! intervenants, events and activities.

use dossier::Error;
use dossier::domain::DocKind;

use crate::helpers::{activity_draft, event_draft, expense_draft, quote_draft};

use super::Row;
use super::Want::*;

pub(super) const ITEMS: &[Row] = &[
    Row {
        name: "see quotes, orders, invoices",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Hidden,
        attempt: |w, u| {
            let docs = w.services().documents(u, w.dossier.id)?;
            assert_eq!(docs.len(), 2);
            w.services().document(u, w.dossier.id, w.quote.id)?;
            let view = w.services().dossier_view(u, w.dossier.id)?;
            view.documents.map(|_| ()).ok_or(Error::NotFound)
        },
    },
    Row {
        name: "create quotes, orders, invoices",
        change: true,
        staff: Yes,
        client: No,
        intervenant: Hidden,
        attempt: |w, u| {
            w.services()
                .create_document(u, w.dossier.id, DocKind::Quote, quote_draft(), None)
                .map(drop)
        },
    },
    Row {
        name: "edit quotes, orders, invoices",
        change: true,
        staff: Yes,
        client: No,
        intervenant: Hidden,
        attempt: |w, u| {
            w.services()
                .edit_document(u, w.dossier.id, w.quote.id, quote_draft())
                .map(drop)
        },
    },
    Row {
        name: "see an expense billed to the client",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| {
            w.services().expense(u, w.dossier.id, w.billed.id)?;
            let listed = w
                .services()
                .expenses(u, w.dossier.id)?
                .iter()
                .any(|e| e.id == w.billed.id);
            listed.then_some(()).ok_or(Error::NotFound)
        },
    },
    Row {
        name: "see an expense not billed to the client",
        change: false,
        staff: Yes,
        client: Hidden,
        intervenant: Hidden,
        attempt: |w, u| {
            let listed = w
                .services()
                .expenses(u, w.dossier.id)?
                .iter()
                .any(|e| e.id == w.unbilled.id);
            let viewed = w
                .services()
                .dossier_view(u, w.dossier.id)?
                .expenses
                .iter()
                .any(|e| e.id == w.unbilled.id);
            assert_eq!(listed, viewed, "expense list and dossier view disagree");
            w.services().expense(u, w.dossier.id, w.unbilled.id)?;
            assert!(
                listed,
                "{} may open the unbilled expense but it is not listed",
                u.name
            );
            Ok(())
        },
    },
    Row {
        name: "download the receipt of a billed expense",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| {
            let receipt = w.services().expense_receipt(u, w.dossier.id, w.billed.id)?;
            assert_eq!(
                w.services().store().blobs().read(&receipt.sha256)?,
                b"billed.pdf"
            );
            Ok(())
        },
    },
    Row {
        name: "download the receipt of an unbilled expense",
        change: false,
        staff: Yes,
        client: Hidden,
        intervenant: Hidden,
        attempt: |w, u| {
            w.services()
                .expense_receipt(u, w.dossier.id, w.unbilled.id)
                .map(drop)
        },
    },
    Row {
        name: "create expenses",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            w.services()
                .add_expense(u, w.dossier.id, expense_draft(true), None)
                .map(drop)
        },
    },
    Row {
        name: "edit expenses",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            w.services()
                .edit_expense(u, w.dossier.id, w.billed.id, expense_draft(true), None)
                .map(drop)
        },
    },
    Row {
        name: "see intervenants' names and roles",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| {
            let list = w.services().intervenants(u, w.dossier.id)?;
            assert!(
                list.iter()
                    .any(|i| i.name == "Thomas Fabre" && i.role == "Électricien")
            );
            Ok(())
        },
    },
    Row {
        name: "see intervenants' contact details",
        change: false,
        staff: Yes,
        client: Hidden,
        intervenant: Hidden,
        attempt: |w, u| {
            let list = w.services().intervenants(u, w.dossier.id)?;
            let view = w.services().dossier_view(u, w.dossier.id)?;
            assert_eq!(list, view.intervenants);
            match list.iter().all(|i| i.contact.is_some()) {
                true => Ok(()),
                false if list.iter().all(|i| i.contact.is_none()) => Err(Error::NotFound),
                false => panic!("contacts shown for some intervenants only"),
            }
        },
    },
    Row {
        name: "assign intervenants",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            w.services()
                .assign_intervenant(u, w.dossier.id, w.new_intervenant.id, "Plombier")
                .map(drop)
        },
    },
    Row {
        name: "remove intervenants",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            w.services()
                .remove_intervenant(u, w.dossier.id, w.spare_intervenant.id)
        },
    },
    Row {
        name: "see events",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| {
            let events = w.services().events(u, w.dossier.id)?;
            assert!(events.iter().any(|e| e.id == w.event.id));
            Ok(())
        },
    },
    Row {
        name: "create events",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            w.services()
                .add_event(u, w.dossier.id, event_draft())
                .map(drop)
        },
    },
    Row {
        name: "edit events",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            let event = w
                .services()
                .update_event(u, w.dossier.id, w.event.id, event_draft())?;
            assert_eq!(event.sequence, 1, "a change bumps the calendar SEQUENCE");
            Ok(())
        },
    },
    Row {
        name: "cancel events",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            let event = w.services().cancel_event(u, w.dossier.id, w.event.id)?;
            assert!(event.cancelled && event.sequence == 2 && event.uid == w.event.uid);
            Ok(())
        },
    },
    Row {
        name: "see activities in detail",
        change: false,
        staff: Yes,
        client: Yes,
        intervenant: Yes,
        attempt: |w, u| w.services().activities(u, w.dossier.id).map(drop),
    },
    Row {
        name: "record activities",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            let draft = activity_draft(&w.staff, &w.order);
            w.services()
                .record_activity(u, w.dossier.id, draft)
                .map(drop)
        },
    },
    Row {
        name: "edit activities",
        change: true,
        staff: Yes,
        client: No,
        intervenant: No,
        attempt: |w, u| {
            let mut draft = activity_draft(&w.staff, &w.order);
            draft.minutes = 120;
            let edited = w
                .services()
                .edit_activity(u, w.dossier.id, w.activity.id, draft)?;
            assert_eq!(edited.minutes, 120);
            Ok(())
        },
    },
];
