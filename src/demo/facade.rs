//! The façade of SCI Les Tilleuls: finished, invoiced, paid and closed.

use super::business::{Cast, document, line, ordered_quote, say};
use crate::domain::{Client, DocKind, DocStatus, Dossier};
use crate::error::Result;
use crate::service::NewDossierRequest;

/// Builds the dossier and its story; returns it.
pub(super) fn build(cast: &Cast, tilleuls: &Client) -> Result<Dossier> {
    let Cast {
        services,
        claire,
        marc,
        ..
    } = *cast;
    let facade = services.create_dossier(
        claire,
        NewDossierRequest {
            client: tilleuls.id,
            title: "Ravalement de façade — 12 rue des Tilleuls".into(),
            description: "Nettoyage, reprise des fissures et peinture de la façade sur rue.".into(),
        },
    )?;
    let lines = vec![
        line("Échafaudage (semaines)", 3, 95_000, 2000),
        line("Ravalement et peinture (m²)", 120, 4_200, 2000),
    ];
    let days = (cast.ago(120), cast.ago(110), DocStatus::Done);
    let order = ordered_quote(services, claire, &facade, "Ravalement", days, &lines)?;
    document(
        services,
        claire,
        &facade,
        DocKind::Invoice,
        ("Ravalement — solde", cast.ago(60), DocStatus::Paid),
        lines,
        Some(&order),
    )?;
    say(
        services,
        claire,
        &facade,
        "Les travaux sont terminés ; voici la photo de la façade avant reprise pour vos archives.",
        &["facade-avant-travaux.png"],
    )?;
    say(
        services,
        marc,
        &facade,
        "Parfait, merci pour le suivi. Facture réglée ce jour.",
        &[],
    )?;
    services.close_dossier(claire, facade.id)
}
