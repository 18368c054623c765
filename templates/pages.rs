//! Simple pages: home and not found.

use maud::{Markup, html};

use super::layout::page;

/// The home page before signing in.
pub fn home(business: &str) -> Markup {
    page(
        business,
        html! {
            h1 { (business) }
            p { "Vos dossiers, partagés avec vos clients et vos intervenants." }
        },
    )
}

/// The page for anything that does not exist (or that the reader may not see).
pub fn not_found() -> Markup {
    page(
        "Page introuvable",
        html! {
            h1 { "Page introuvable" }
            p { "Cette page n'existe pas ou ne vous est pas accessible. Vérifiez l'adresse, ou revenez à l'accueil." }
            p { a href="/" { "Accueil" } }
        },
    )
}

/// "Stop e-mails about this dossier?" with one button.
pub fn mute_confirm(token: &str) -> Markup {
    page(
        "Ne plus recevoir d'e-mails",
        html! {
            h1 { "Ne plus recevoir d'e-mails pour ce dossier ?" }
            p { "Vous ne recevrez plus de message, fichier ni événement de ce dossier par e-mail. Vous pourrez les réactiver dans vos préférences." }
            form method="post" action={ "/mute/" (token) } {
                button type="submit" { "Ne plus recevoir d'e-mails" }
            }
        },
    )
}

/// Confirms the mute.
pub fn muted(number: &str, title: &str) -> Markup {
    page(
        "C'est noté",
        html! {
            h1 { "C'est noté" }
            p { "Vous ne recevrez plus d'e-mails pour le dossier " strong { (number) } " « " (title) " »." }
        },
    )
}

/// A temporary failure: try again.
pub fn unavailable() -> Markup {
    page(
        "Service momentanément indisponible",
        html! {
            h1 { "Service momentanément indisponible" }
            p { "Réessayez dans quelques instants." }
        },
    )
}
