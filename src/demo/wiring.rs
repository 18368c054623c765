//! Paul Rousseau's electrical work: a private client, a quote waiting for his answer.

use super::business::{Cast, at, document, line, say};
use crate::domain::{Client, DocKind, DocStatus, Dossier, EventDraft};
use crate::error::Result;
use crate::service::NewDossierRequest;

/// Builds the dossier and its story; returns it.
pub(super) fn build(cast: &Cast, rousseau: &Client) -> Result<Dossier> {
    let Cast {
        services,
        julien,
        paul,
        thomas,
        ..
    } = *cast;
    let wiring = services.create_dossier(
        julien,
        NewDossierRequest {
            client: rousseau.id,
            title: "Mise aux normes électriques".into(),
            description:
                "Remplacement du tableau et mise à la terre, maison individuelle à Écully.".into(),
        },
    )?;
    services.assign_intervenant(julien, wiring.id, thomas.id, "Électricien")?;
    document(
        services,
        julien,
        &wiring,
        DocKind::Quote,
        ("Mise aux normes NF C 15-100", cast.ago(3), DocStatus::Sent),
        vec![
            line("Tableau électrique 3 rangées", 1, 68_000, 1000),
            line("Mise à la terre", 1, 32_000, 1000),
            line("Main d'œuvre (heures)", 12, 5_500, 1000),
        ],
        None,
    )?;
    services.add_event(
        julien,
        wiring.id,
        EventDraft {
            title: "Diagnostic électrique".into(),
            time: at(cast.ahead(2), 10, 120),
            place: "4 chemin des Vignes, 69130 Écully".into(),
            description: "Prévoir l'accès au compteur.".into(),
            attendees: vec![julien.id, paul.id, thomas.id],
        },
    )?;
    say(
        services,
        paul,
        &wiring,
        "Bonjour, le devis me convient mais pouvez-vous commencer après le 15 ?",
        &[],
    )?;
    Ok(wiring)
}
