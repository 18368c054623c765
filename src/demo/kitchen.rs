//! The kitchen of SCI Les Tilleuls: a full, lively dossier — intervenants, the whole
//! chain of documents (quote, order, deposit, final invoice, credit note), events,
//! expenses, activities, files and a discussion.

use super::business::{Cast, at, blob, line, ordered_quote, say};
use crate::domain::{
    ActivityDraft, Cents, Client, DocKind, DocStatus, DocumentDraft, Dossier, EventDraft,
    EventTime, ExpenseCategory, ExpenseDraft, Share,
};
use crate::error::Result;
use crate::service::NewDossierRequest;

/// Builds the dossier and its story; returns it.
pub(super) fn build(cast: &Cast, tilleuls: &Client) -> Result<Dossier> {
    let Cast {
        services,
        claire,
        julien,
        helene,
        marc,
        thomas,
        nadia,
        ..
    } = *cast;
    let kitchen = services.create_dossier(claire, NewDossierRequest { client: tilleuls.id, title: "Rénovation de la cuisine — 12 rue des Tilleuls".into(), description: "Dépose de l'ancienne cuisine, reprise de l'électricité, pose d'une cuisine équipée et d'un îlot central.".into() })?;
    services.assign_intervenant(claire, kitchen.id, thomas.id, "Sous-traitant électricité")?;
    services.assign_intervenant(claire, kitchen.id, nadia.id, "Architecte")?;
    services.set_own_reference(helene, kitchen.id, "BC-2026-118")?;
    services.set_own_reference(thomas, kitchen.id, "Chantier FAB-0412")?;
    let lines = vec![
        line("Dépose de la cuisine existante", 1, 85_000, 2000),
        line("Reprise du réseau électrique", 1, 142_000, 2000),
        line("Fourniture et pose de faïence (m²)", 14, 6_800, 1000),
        line("Pose de la cuisine équipée", 1, 210_000, 1000),
    ];
    let days = (cast.ago(30), cast.ago(21), DocStatus::Open);
    let order = ordered_quote(
        services,
        claire,
        &kitchen,
        "Rénovation cuisine",
        days,
        &lines,
    )?;
    // A deposit of 30 %, issued; the final invoice deducts it; a credit note takes back
    // a line of the final invoice that was not done.
    let deposit = services.create_deposit(claire, kitchen.id, order.id, Share::Percent(3000))?;
    services.issue_document(claire, kitchen.id, deposit.id)?;
    let last = services.create_final(claire, kitchen.id, order.id)?;
    let last = services.issue_document(claire, kitchen.id, last.id)?;
    let credit = services.create_document(
        claire,
        kitchen.id,
        DocKind::CreditNote,
        DocumentDraft {
            title: String::new(),
            date: cast.today,
            status: DocStatus::Draft,
            lines: vec![line(
                "Dépose de la cuisine existante, faite par le client",
                1,
                85_000,
                2000,
            )],
            terms: Default::default(),
        },
        Some(last.id),
    )?;
    services.issue_document(claire, kitchen.id, credit.id)?;
    services.add_event(
        claire,
        kitchen.id,
        EventDraft {
            title: "Visite de chantier".into(),
            time: at(cast.ago(14), 9, 90),
            place: "12 rue des Tilleuls, 69006 Lyon".into(),
            description: "État des lieux avant dépose.".into(),
            attendees: vec![claire.id, helene.id, nadia.id],
        },
    )?;
    services.add_event(
        julien,
        kitchen.id,
        EventDraft {
            title: "Pose de la cuisine".into(),
            time: EventTime::AllDay {
                first: cast.ahead(7),
                last: cast.ahead(9),
            },
            place: "12 rue des Tilleuls, 69006 Lyon".into(),
            description: "Accès par la cour ; prévoir le monte-charge.".into(),
            attendees: vec![julien.id, thomas.id],
        },
    )?;
    services.add_event(
        claire,
        kitchen.id,
        EventDraft {
            title: "Réception des travaux".into(),
            time: at(cast.ahead(12), 14, 60),
            place: "Sur place".into(),
            description: String::new(),
            attendees: vec![claire.id, helene.id, marc.id],
        },
    )?;
    let toll = blob(services, "ticket-peage.pdf")?;
    services.add_expense(
        julien,
        kitchen.id,
        ExpenseDraft {
            date: cast.ago(14),
            category: ExpenseCategory::Travel,
            description: "Péage Villefranche – Lyon Nord".into(),
            amount: Cents(800),
            vat: Cents(160),
            billed_to_client: true,
        },
        Some(toll),
    )?;
    let tiles = blob(services, "facture-carrelage.pdf")?;
    services.add_expense(
        julien,
        kitchen.id,
        ExpenseDraft {
            date: cast.ago(10),
            category: ExpenseCategory::Purchase,
            description: "Faïence blanche 10x20, 14 m²".into(),
            amount: Cents(41_200),
            vat: Cents(8_240),
            billed_to_client: false,
        },
        Some(tiles),
    )?;
    for (who, days, minutes, what) in [
        (julien, 14, 90, "Visite et métré"),
        (julien, 6, 420, "Dépose de la cuisine existante"),
        (claire, 5, 60, "Commande des fournitures"),
    ] {
        services.record_activity(
            claire,
            kitchen.id,
            ActivityDraft {
                user: who.id,
                date: cast.ago(days),
                minutes,
                description: what.into(),
                order: Some(order.id),
            },
        )?;
    }
    say(
        services,
        claire,
        &kitchen,
        "Bonjour à tous,\n\nVoici le compte rendu de la visite et le plan validé. La dépose commence lundi.",
        &["compte-rendu-visite.txt", "plan-cuisine.pdf"],
    )?;
    say(
        services,
        helene,
        &kitchen,
        "Merci Claire. Pouvez-vous confirmer que l'eau sera coupée seulement le mardi matin ?",
        &[],
    )?;
    say(
        services,
        thomas,
        &kitchen,
        "Le nouveau tableau arrive jeudi, je passe le poser vendredi.",
        &[],
    )?;
    say(
        services,
        julien,
        &kitchen,
        "Confirmé : coupure d'eau mardi de 8 h à 11 h.",
        &[],
    )?;
    Ok(kitchen)
}
