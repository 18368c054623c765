//! The page frame shared by every page.

use maud::{DOCTYPE, Markup, html};

/// A whole page with `title` and `body`.
pub fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                main { (body) }
            }
        }
    }
}
