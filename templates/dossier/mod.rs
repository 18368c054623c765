//! The dossier list, and the frame of a dossier's pages: the header with what matters
//! at a glance, the tabs of its sections, and the frame of its form pages. Each section
//! is drawn by its own module. Plain data in; every user text is escaped.

mod activities;
mod agenda;
mod answer;
mod discussion;
mod documents;
mod expenses;
mod files;
mod history;
mod intervenants;
mod sending;

pub use activities::{activities, activity_form};
pub use agenda::{agenda, event_form, webcal};
pub use answer::{answer_form, code_form};
pub use discussion::{discussion, messages};
pub use documents::{DocumentFor, document_form, documents};
pub use expenses::{expense_form, expenses};
pub use files::{files, rename_form};
pub use history::history;
pub use intervenants::intervenants;
pub use sending::send_form;

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{DocKind, DocStatus, Dossier, Lang, Status, User, UserId};
use crate::policy::Role;
use crate::service::{DossierHeader, Section};
use crate::web::session::Reader;

fn nav<'a>(business: &'a str, reader: &'a Reader) -> Nav<'a> {
    Nav::of(business, reader)
}

fn status(l: Lang, status: Status) -> &'static str {
    match status {
        Status::Open => l.t("Ouvert", "Open"),
        Status::Closed => l.t("Clôturé", "Closed"),
    }
}

/// A dossier of the list, and what matched in it when words were searched.
pub struct Row {
    /// The dossier.
    pub dossier: Dossier,
    /// Its client's name.
    pub client: String,
    /// What matched, best first.
    pub hits: Vec<crate::service::FoundHit>,
}

/// What a hit is, in words.
fn hit_kind(l: Lang, kind: crate::search::Kind) -> &'static str {
    use crate::search::Kind::*;
    match kind {
        Dossier => l.t("Dossier", "Dossier"),
        StaffReference => l.t("Référence interne", "Internal reference"),
        Message => l.t("Message", "Message"),
        Document => l.t("Document", "Document"),
        Event => l.t("Événement", "Event"),
        BilledExpense | Expense => l.t("Dépense", "Expense"),
        File => l.t("Fichier", "File"),
    }
}

/// Where a hit is shown.
fn hit_link(number: &crate::domain::DossierNumber, hit: &crate::service::FoundHit) -> String {
    use crate::search::Kind::*;
    let base = format!("/dossiers/{number}");
    match hit.kind {
        Dossier | StaffReference => base,
        Message => format!("{base}?all=messages#message-{}", hit.item),
        Document => format!("{base}/documents/{}", hit.item),
        Event => format!("{base}/events#event-{}", hit.item),
        BilledExpense | Expense => format!("{base}/expenses#expense-{}", hit.item),
        File => format!("{base}/files#file-{}", hit.item),
    }
}

/// The list of the dossiers the reader can see, with the search form.
pub fn list(
    business: &str,
    reader: &Reader,
    rows: &[Row],
    q: &str,
    which: &str,
    may_create: bool,
) -> Markup {
    let l = reader.user.lang;
    signed_in(
        "Dossiers",
        &nav(business, reader),
        html! {
            h1 { (l.t("Dossiers", "Dossiers")) }
            @if may_create { p { a href="/dossiers/new" { (l.t("Nouveau dossier", "New dossier")) } } }
            form.search method="get" action="/dossiers" role="search" {
                label for="q" { (l.t("Rechercher", "Search")) }
                input #q type="search" name="q" value=(q) placeholder=(l.t("Numéro, titre, client, référence, message…", "Number, title, client, reference, message…"));
                label for="status" { (l.t("État", "Status")) }
                select #status name="status" {
                    option value="" selected[which.is_empty()] { (l.t("Tous", "All")) }
                    option value="open" selected[which == "open"] { (l.t("Ouverts", "Open")) }
                    option value="closed" selected[which == "closed"] { (l.t("Clôturés", "Closed")) }
                }
                button type="submit" { (l.t("Chercher", "Search")) }
            }
            @if rows.is_empty() {
                p { @if q.trim().is_empty() { (l.t("Aucun dossier.", "No dossier.")) } @else { (l.t("Aucun résultat pour « ", "Nothing found for “")) (q) (l.t(" ».", "”.")) } }
            } @else if !q.trim().is_empty() {
                ol.found { @for row in rows {
                    li {
                        p.title { a href={ "/dossiers/" (row.dossier.number) } { (row.dossier.number) " " (row.dossier.title) } " · " (row.client) " · " (status(l, row.dossier.status)) }
                        ul.hits { @for hit in row.hits.iter().take(3) {
                            li { a href=(hit_link(&row.dossier.number, hit)) { (hit_kind(l, hit.kind)) } " — " (hit.excerpt) }
                        } }
                    }
                } }
            } @else {
                table.dossiers {
                    thead { tr { th { (l.t("Numéro", "Number")) } th { (l.t("Titre", "Title")) } th { (l.t("Client", "Client")) } th { (l.t("Référence", "Reference")) } th { (l.t("État", "Status")) } } }
                    tbody {
                        @for Row { dossier, client, .. } in rows {
                            tr {
                                td { a href={ "/dossiers/" (dossier.number) } { (dossier.number) } }
                                td { a href={ "/dossiers/" (dossier.number) } { (dossier.title) } }
                                td { (client) }
                                td { (dossier.client_reference.as_deref().unwrap_or("")) }
                                td { (status(l, dossier.status)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A person's name, or a dash for someone no longer in the directory.
pub(super) fn name_of(people: &[User], id: UserId) -> String {
    people
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| "—".into())
}

/// A document's status, in words that agree with its kind (un devis envoyé, une
/// facture envoyée).
fn doc_status(l: Lang, kind: DocKind, status: DocStatus) -> &'static str {
    use DocStatus::*;
    let feminine = kind != DocKind::Quote;
    match status {
        Draft => l.t("Brouillon", "Draft"),
        Sent if feminine => l.t("Envoyée", "Sent"),
        Sent => l.t("Envoyé", "Sent"),
        Accepted => l.t("Accepté", "Accepted"),
        Refused => l.t("Refusé", "Refused"),
        Open => l.t("En cours", "Open"),
        Done => l.t("Livrée", "Done"),
        Paid => l.t("Payée", "Paid"),
        Overdue => l.t("En retard", "Overdue"),
    }
}

/// A document's number, or what it is while a draft invoice or credit note has none.
pub(super) fn doc_number(l: Lang, doc: &crate::domain::Document) -> String {
    if doc.numbered() {
        doc.number.to_string()
    } else {
        l.t("(brouillon)", "(draft)").to_string()
    }
}

/// A kind of document, in words.
fn doc_kind(l: Lang, kind: DocKind) -> &'static str {
    match kind {
        DocKind::Quote => l.t("Devis", "Quote"),
        DocKind::Order => l.t("Commande", "Order"),
        DocKind::Invoice => l.t("Facture", "Invoice"),
        DocKind::CreditNote => l.t("Avoir", "Credit note"),
    }
}

/// An expense's category, in words.
fn expense_category(l: Lang, category: crate::domain::ExpenseCategory) -> &'static str {
    use crate::domain::ExpenseCategory::*;
    match category {
        Travel => l.t("Déplacement", "Travel"),
        Purchase => l.t("Achat", "Purchase"),
        Other => l.t("Autre", "Other"),
    }
}

/// A section's tab label.
fn tab_label(l: Lang, section: Section) -> &'static str {
    match section {
        Section::Discussion => l.t("Discussion", "Discussion"),
        Section::Files => l.t("Fichiers", "Files"),
        Section::Documents => l.t("Devis & factures", "Quotes & invoices"),
        Section::Agenda => l.t("Agenda", "Calendar"),
        Section::Expenses => l.t("Dépenses", "Expenses"),
        Section::Activities => l.t("Activités", "Activities"),
        Section::Intervenants => l.t("Intervenants", "Intervenants"),
        Section::History => l.t("Historique", "History"),
    }
}

/// Where a section lives, under `/dossiers/{number}`.
pub fn section_path(number: &crate::domain::DossierNumber, section: Section) -> String {
    let tail = match section {
        Section::Discussion => "",
        Section::Files => "/files",
        Section::Documents => "/documents",
        Section::Agenda => "/events",
        Section::Expenses => "/expenses",
        Section::Activities => "/activities",
        Section::Intervenants => "/intervenants",
        Section::History => "/history",
    };
    format!("/dossiers/{number}{tail}")
}

/// What every page of one dossier needs.
pub struct Page<'a> {
    /// The configuration (business name, time zone, addresses).
    pub config: &'a Config,
    /// Who reads.
    pub reader: &'a Reader,
    /// The dossier at a glance.
    pub header: &'a DossierHeader,
    /// Everyone, to name authors.
    pub people: &'a [User],
}

impl Page<'_> {
    fn lang(&self) -> Lang {
        self.reader.user.lang
    }

    /// Staff on an open dossier: the ones offered changes.
    pub fn staff_may_change(&self) -> bool {
        self.header.role == Role::Staff && self.header.dossier.status == Status::Open
    }

    fn base(&self) -> String {
        format!("/dossiers/{}", self.header.dossier.number)
    }

    fn csrf(&self) -> &str {
        &self.reader.session.csrf
    }
}

/// A section page: the header, the tabs with `section` current, then `body`.
pub fn section_page(p: &Page, section: Section, body: Markup) -> Markup {
    let (h, l) = (p.header, p.lang());
    let d = &h.dossier;
    let zone = p.config.timezone;
    let title = format!("{} {} · {}", d.number, d.title, tab_label(l, section));
    signed_in(
        &title,
        &Nav::of(&p.config.business_name, p.reader),
        html! {
            header.dossier {
                p.crumbs { a href="/dossiers" { (l.t("Dossiers", "Dossiers")) } " › " (d.number) }
                h1 { (d.number) " " (d.title) }
                dl.glance {
                    div { dt { (l.t("Client", "Client")) } dd { (h.client.name) } }
                    div { dt { (l.t("État", "Status")) } dd { (status(l, d.status)) } }
                    @if h.role == Role::Staff {
                        @if let Some(reference) = &d.client_reference { div { dt { (l.t("Référence client", "Client reference")) } dd { (reference) } } }
                        @if let Some(reference) = &d.staff_reference { div { dt { (l.t("Référence interne", "Internal reference")) } dd { (reference) } } }
                    } @else if !h.own_reference.is_empty() {
                        div { dt { (l.t("Votre référence", "Your reference")) } dd { (h.own_reference) } }
                    }
                    div.address { dt { (l.t("Adresse du dossier", "Dossier address")) } dd { code { (d.mail_address(&p.config.addressing())) } } }
                    @if let Some(e) = &h.next_event {
                        div { dt { (l.t("Prochain événement", "Next event")) } dd {
                            a href={ (p.base()) "/events#event-" (e.id) } { (e.title) }
                            " · " (format::event_time(l, zone, &e.time))
                            @if !e.place.is_empty() { " · " (e.place) }
                        } }
                    }
                }
                @if let Some(money) = &h.money {
                    dl.money aria-label=(l.t("Montants du dossier", "The dossier's amounts")) {
                        div { dt { (l.t("Devisé", "Quoted")) } dd { (format::money(l, money.quoted)) } }
                        div { dt { (l.t("Commandé", "Ordered")) } dd { (format::money(l, money.ordered)) } }
                        div { dt { (l.t("Facturé", "Invoiced")) } dd { (format::money(l, money.invoiced)) } }
                        div { dt { (l.t("Payé", "Paid")) } dd { (format::money(l, money.paid)) } }
                        div { dt { (l.t("Dépenses HT", "Expenses excl. VAT")) } dd { (format::money(l, money.expenses)) } }
                    }
                }
                @if !d.description.is_empty() { p.description { (d.description) } }
                p.actions {
                    @if d.status == Status::Open {
                        a.button href={ (p.base()) "/reference" } {
                            @if h.role == Role::Staff { (l.t("Référence interne…", "Internal reference…")) } @else { (l.t("Votre référence…", "Your reference…")) }
                        }
                    }
                    @if h.role == Role::Staff {
                        @if d.status == Status::Open {
                            " " a.button href={ (p.base()) "/close" } { (l.t("Clôturer le dossier…", "Close the dossier…")) }
                        } @else {
                            form.inline method="post" action={ (p.base()) "/reopen" } {
                                input type="hidden" name="csrf" value=(p.csrf());
                                button type="submit" { (l.t("Rouvrir le dossier", "Reopen the dossier")) }
                            }
                        }
                    }
                }
                @if d.status == Status::Closed {
                    p.notice { (l.t("Ce dossier est clôturé : il reste consultable mais ne peut plus être modifié.", "This dossier is closed: it can be read but no longer changed.")) }
                }
            }
            nav.tabs aria-label=(l.t("Sections du dossier", "The dossier's sections")) {
                @for tab in &h.tabs {
                    @if *tab == section {
                        a href=(section_path(&d.number, *tab)) aria-current="page" { (tab_label(l, *tab)) }
                    } @else {
                        a href=(section_path(&d.number, *tab)) { (tab_label(l, *tab)) }
                    }
                }
            }
            section.part aria-labelledby="part-title" {
                h2 #part-title { (tab_label(l, section)) }
                (body)
            }
        },
    )
}

/// A form page of a dossier, under its section: the way back, the title, the form.
pub fn form_page(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    section: Section,
    title: &str,
    body: Markup,
) -> Markup {
    let l = reader.user.lang;
    signed_in(
        &format!("{} · {title}", dossier.number),
        &Nav::of(&config.business_name, reader),
        html! {
            p.crumbs {
                a href="/dossiers" { (l.t("Dossiers", "Dossiers")) } " › "
                a href={ "/dossiers/" (dossier.number) } { (dossier.number) " " (dossier.title) } " › "
                a href=(section_path(&dossier.number, section)) { (tab_label(l, section)) }
            }
            h1 { (title) }
            (body)
        },
    )
}

/// The reference form: staff's internal reference, or the reader's own.
pub fn reference_form(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    current: &str,
    typed: super::fields::Typed,
) -> Markup {
    let l = reader.user.lang;
    let staff = reader.user.staff;
    let title = if staff {
        l.t("Référence interne", "Internal reference")
    } else {
        l.t("Votre référence", "Your reference")
    };
    form_page(
        config,
        reader,
        dossier,
        Section::Discussion,
        title,
        html! {
            (typed.general(&["reference"]))
            form.stacked method="post" action={ "/dossiers/" (dossier.number) "/reference" } {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                label for="reference" { (title) }
                p.hint #reference-hint { (l.t("Le numéro de votre dossier chez vous, tel que vous le citez. Vide pour l'enlever.", "Your own number for this dossier, as you quote it. Empty to remove it.")) }
                input #reference type="text" name="reference" maxlength="100" value=(typed.value("reference", current)) aria-invalid=[typed.invalid("reference")] aria-describedby=(typed.described("reference").unwrap_or_else(|| "reference-hint".into()));
                (typed.error("reference"))
                button type="submit" { (l.t("Enregistrer", "Save")) }
            }
        },
    )
}

/// A person's name in a sentence after "de": "d'Hélène", "de Nadia".
pub(super) fn of_name(l: Lang, name: &str) -> String {
    match l {
        Lang::Fr if name.chars().next().is_some_and(starts_with_vowel_sound) => format!("d'{name}"),
        Lang::Fr => format!("de {name}"),
        Lang::En => format!("by {name}"),
    }
}

fn starts_with_vowel_sound(c: char) -> bool {
    "aeiouyàâäéèêëîïôöùûühAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜH".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_elides_before_a_vowel_and_agrees_with_the_kind() {
        assert_eq!(of_name(Lang::Fr, "Hélène Garnier"), "d'Hélène Garnier");
        assert_eq!(of_name(Lang::Fr, "Atelier Moreau"), "d'Atelier Moreau");
        assert_eq!(of_name(Lang::Fr, "Nadia Benali"), "de Nadia Benali");
        assert_eq!(
            doc_status(Lang::Fr, DocKind::Invoice, DocStatus::Sent),
            "Envoyée"
        );
        assert_eq!(
            doc_status(Lang::Fr, DocKind::Quote, DocStatus::Sent),
            "Envoyé"
        );
    }
}
