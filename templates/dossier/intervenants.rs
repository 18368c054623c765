//! The intervenants section: who works on the dossier, in which role (their addresses
//! for staff), and for staff the form to add one and a link to remove each.

use maud::{Markup, html};

use super::{Page, format, section_page};
use crate::service::{IntervenantView, Section};
use crate::templates::fields::Typed;

/// The intervenants section.
pub fn intervenants(p: &Page, intervenants: &[IntervenantView], typed: Typed) -> Markup {
    let l = p.lang();
    let base = p.base();
    section_page(
        p,
        Section::Intervenants,
        html! {
            @if intervenants.is_empty() { p { (l.t("Aucun intervenant.", "No intervenant.")) } }
            ul.people { @for i in intervenants {
                li {
                    strong { (i.name) } " — " (i.role)
                    " · " span.meta { (l.t("depuis le ", "since ")) (format::date(l, i.since.date_naive())) }
                    @if let Some(contact) = &i.contact { " · " @for (n, e) in contact.iter().enumerate() { @if n > 0 { ", " } a href={ "mailto:" (e.as_str()) } { (e.as_str()) } } }
                    @if p.staff_may_change() {
                        " · " a href={ (base) "/intervenants/" (i.user) "/remove" } aria-label={ (l.t("Retirer ", "Remove ")) (i.name) } { (l.t("Retirer…", "Remove…")) }
                    }
                }
            } }
            @if p.staff_may_change() {
                h3 { (l.t("Ajouter un intervenant", "Add an intervenant")) }
                (typed.general(&["email", "role"]))
                form.stacked method="post" action={ (base) "/intervenants" } {
                    input type="hidden" name="csrf" value=(p.csrf());
                    label for="email" { (l.t("Adresse e-mail", "E-mail address")) }
                    input #email type="email" name="email" required value=(typed.value("email", "")) aria-invalid=[typed.invalid("email")] aria-describedby=[typed.described("email")];
                    (typed.error("email"))
                    label for="role" { (l.t("Rôle sur le dossier", "Role on the dossier")) }
                    input #role type="text" name="role" required maxlength="100" placeholder=(l.t("électricien, architecte…", "electrician, architect…")) value=(typed.value("role", "")) aria-invalid=[typed.invalid("role")] aria-describedby=[typed.described("role")];
                    (typed.error("role"))
                    button type="submit" { (l.t("Ajouter", "Add")) }
                }
            }
        },
    )
}
