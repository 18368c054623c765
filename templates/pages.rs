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
