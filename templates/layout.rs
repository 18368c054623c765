//! The page frame shared by every page: header with the business's name and, when
//! someone is signed in, the navigation and the sign-out button.

use maud::{DOCTYPE, Markup, html};

/// Who is signed in, for the header.
pub struct Nav<'a> {
    /// The business's name.
    pub business: &'a str,
    /// The reader's name.
    pub name: &'a str,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: &'a str,
    /// Staff see the administration links.
    pub staff: bool,
    /// The reader's language.
    pub lang: crate::domain::Lang,
}

impl<'a> Nav<'a> {
    /// The header of `reader`'s pages.
    pub fn of(business: &'a str, reader: &'a crate::web::session::Reader) -> Nav<'a> {
        Nav {
            business,
            name: &reader.user.name,
            csrf: &reader.session.csrf,
            staff: reader.user.staff,
            lang: reader.user.lang,
        }
    }
}

/// A whole page with `title` and `body`, without navigation.
pub fn page(title: &str, body: Markup) -> Markup {
    frame(title, None, body)
}

/// A whole page for a signed-in reader.
pub fn signed_in(title: &str, nav: &Nav, body: Markup) -> Markup {
    frame(title, Some(nav), body)
}

fn frame(title: &str, nav: Option<&Nav>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(nav.map_or("fr", |n| n.lang.code())) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                @if let Some(nav) = nav {
                    header.top {
                        a.brand href="/" { (nav.business) }
                        @let l = nav.lang;
                        nav aria-label=(l.t("Navigation principale", "Main navigation")) {
                            a href="/" { (l.t("Accueil", "Home")) } " " a href="/dossiers" { "Dossiers" } " " a href="/calendar" { (l.t("Calendrier", "Calendar")) } " " a href="/settings" { (l.t("Préférences", "Settings")) }
                            @if nav.staff { " " a href="/admin/mail" { (l.t("Courrier", "Mail")) } " " a href="/admin/people" { (l.t("Annuaire", "Directory")) } " " a href="/admin/business" { (l.t("Entreprise", "Business")) } }
                        }
                        form.signout method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(nav.csrf);
                            span { (nav.name) }
                            button type="submit" { (nav.lang.t("Se déconnecter", "Sign out")) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}
