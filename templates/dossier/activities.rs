//! The activities section: time per order, per person and in total over a period, and
//! the entries behind it; and the time entry form page (staff).

use maud::{Markup, html};

use super::{Page, form_page, format, name_of, section_page};
use crate::config::Config;
use crate::domain::{Activity, DocKind, Document, DocumentId, Dossier};
use crate::service::{ActivityReport, Section};
use crate::templates::fields::Typed;
use crate::web::session::Reader;

fn hours(minutes: u32) -> String {
    format!("{} h {:02}", minutes / 60, minutes % 60)
}

/// The activities section for the period `(from, to)` as typed.
pub fn activities(
    p: &Page,
    report: &ActivityReport,
    documents: &[Document],
    period: (&str, &str),
) -> Markup {
    let l = p.lang();
    let base = p.base();
    let order_name =
        |id: Option<DocumentId>| match id.and_then(|id| documents.iter().find(|d| d.id == id)) {
            Some(doc) => format!("{} {}", doc.number, doc.title),
            None if id.is_some() => l.t("Commande", "Order").to_string(),
            None => l.t("Hors commande", "No order").to_string(),
        };
    section_page(
        p,
        Section::Activities,
        html! {
            @if p.staff_may_change() {
                p.actions { a.button href={ (base) "/activities/new" } { (l.t("Enregistrer du temps", "Record time")) } }
            }
            form.search method="get" action={ (base) "/activities" } {
                div { label for="from" { (l.t("Du", "From")) } input #from type="date" name="from" value=(period.0); }
                div { label for="to" { (l.t("au", "to")) } input #to type="date" name="to" value=(period.1); }
                button type="submit" { (l.t("Afficher", "Show")) }
            }
            @if report.entries.is_empty() { p { (l.t("Aucun temps enregistré sur cette période.", "No time recorded in this period.")) } }
            @else {
                p.total { (l.t("Total : ", "Total: ")) strong { (hours(report.total)) } }
                // Orders are documents: who may not see them sees no order at all.
                @let orders = p.header.tabs.contains(&Section::Documents);
                div.columns {
                    @if orders {
                        div {
                            h3 { (l.t("Par commande", "Per order")) }
                            table { tbody { @for (order, minutes) in &report.by_order { tr { th { (order_name(*order)) } td.num { (hours(*minutes)) } } } } }
                        }
                    }
                    div {
                        h3 { (l.t("Par personne", "Per person")) }
                        table { tbody { @for (user, minutes) in &report.by_person { tr { th { (name_of(p.people, *user)) } td.num { (hours(*minutes)) } } } } }
                    }
                }
                h3 { (l.t("Détail", "Entries")) }
                table.rows {
                    thead { tr { th { (l.t("Date", "Date")) } th { (l.t("Personne", "Person")) } @if orders { th { (l.t("Commande", "Order")) } } th { (l.t("Description", "Description")) } th.num { (l.t("Durée", "Duration")) } @if p.staff_may_change() { th { span.visually-hidden { "Actions" } } } } }
                    tbody { @for a in &report.entries {
                        tr id={ "activity-" (a.id) } {
                            td data-label=(l.t("Date", "Date")) { (format::date(l, a.date)) }
                            td data-label=(l.t("Personne", "Person")) { (name_of(p.people, a.user)) }
                            @if orders { td data-label=(l.t("Commande", "Order")) { (order_name(a.order)) } }
                            td data-label=(l.t("Description", "Description")) { (a.description) }
                            td.num data-label=(l.t("Durée", "Duration")) { (hours(a.minutes)) }
                            @if p.staff_may_change() { td.actions { a href={ (base) "/activities/" (a.id) "/edit" } { (l.t("Modifier", "Change")) } } }
                        }
                    } }
                }
            }
        },
    )
}

/// The time entry form page: a new entry (`None`) or a change to one.
pub fn activity_form(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    activity: Option<&Activity>,
    documents: &[Document],
    typed: Typed,
) -> Markup {
    let l = reader.user.lang;
    let base = format!("/dossiers/{}", dossier.number);
    let (title, action) = match activity {
        Some(a) => (
            l.t("Modifier le temps passé", "Change the time entry"),
            format!("{base}/activities/{}", a.id),
        ),
        None => (
            l.t("Enregistrer du temps", "Record time"),
            format!("{base}/activities"),
        ),
    };
    let today = chrono::Utc::now().date_naive().to_string();
    let current_hours = activity
        .map(|a| format::decimal(l, &(a.minutes as f64 / 60.0).to_string()))
        .unwrap_or_default();
    let order = typed.value(
        "order",
        &activity
            .and_then(|a| a.order)
            .map(|o| o.raw().to_string())
            .unwrap_or_default(),
    );
    let v = |name: &str, current: &str| typed.value(name, current);
    form_page(
        config,
        reader,
        dossier,
        Section::Activities,
        title,
        html! {
            (typed.general(&["date", "hours", "description", "order"]))
            form.stacked method="post" action=(action) {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                @if let Some(a) = activity { input type="hidden" name="user" value=(a.user.raw()); }
                label for="date" { (l.t("Date", "Date")) }
                input #date type="date" name="date" required value=(v("date", &activity.map_or(today, |a| a.date.to_string()))) aria-invalid=[typed.invalid("date")] aria-describedby=[typed.described("date")];
                (typed.error("date"))
                label for="hours" { (l.t("Durée en heures (1,5 pour 1 h 30)", "Hours (1.5 for 1 h 30)")) }
                input #hours type="text" name="hours" inputmode="decimal" required value=(v("hours", &current_hours)) aria-invalid=[typed.invalid("hours")] aria-describedby=[typed.described("hours")];
                (typed.error("hours"))
                label for="description" { (l.t("Description", "Description")) }
                input #description type="text" name="description" maxlength="2000" value=(v("description", activity.map_or("", |a| &a.description))) aria-invalid=[typed.invalid("description")] aria-describedby=[typed.described("description")];
                (typed.error("description"))
                label for="order" { (l.t("Commande", "Order")) }
                select #order name="order" aria-invalid=[typed.invalid("order")] aria-describedby=[typed.described("order")] {
                    option value="" { (l.t("Hors commande", "No order")) }
                    @for doc in documents.iter().filter(|d| d.kind() == DocKind::Order) {
                        option value=(doc.id.raw()) selected[order == doc.id.raw().to_string()] { (doc.number.to_string()) " " (doc.title) }
                    }
                }
                (typed.error("order"))
                button type="submit" { (l.t("Enregistrer", "Save")) }
                " " a href={ (base) "/activities" } { (l.t("Annuler", "Cancel")) }
            }
        },
    )
}
