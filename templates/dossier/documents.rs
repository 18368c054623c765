//! The documents section (quotes, orders, invoices: number, date, amounts, status; staff
//! change the status in place and edit on a page of their own), and the document form
//! with its line editor: as many lines as needed, a line added without JavaScript by
//! posting the form again, and in place with it (`/static/lines.js`, which also keeps
//! the totals as one types).

use maud::{Markup, html};

use super::{Page, doc_kind, doc_number, doc_status, form_page, format, section_page};
use crate::config::Config;
use crate::domain::{
    Cents, DocKind, DocStatus, Document, Dossier, Line, Nature, Quantity, Terms, VatRate,
    money::totals,
};
use crate::service::Section;
use crate::templates::fields::Typed;
use crate::web::session::Reader;

/// The statuses a document of `kind` may take, as their stored names.
fn statuses(kind: DocKind) -> &'static [(DocStatus, &'static str)] {
    use DocKind::*;
    use DocStatus::*;
    match kind {
        Quote => &[
            (Draft, "draft"),
            (Sent, "sent"),
            (Accepted, "accepted"),
            (Refused, "refused"),
        ],
        Order => &[(Open, "open"), (Done, "done")],
        Invoice => &[
            (Draft, "draft"),
            (Sent, "sent"),
            (Paid, "paid"),
            (Overdue, "overdue"),
        ],
        CreditNote => &[(Draft, "draft"), (Sent, "sent"), (Paid, "paid")],
    }
}

/// The kind a document of `kind` leads to: an order from a quote, an invoice from an order.
fn next_kind(kind: DocKind) -> Option<DocKind> {
    match kind {
        DocKind::Quote => Some(DocKind::Order),
        DocKind::Order => Some(DocKind::Invoice),
        DocKind::Invoice => Some(DocKind::CreditNote),
        DocKind::CreditNote => None,
    }
}

/// A kind's name in a URL.
pub fn kind_code(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Quote => "quote",
        DocKind::Order => "order",
        DocKind::Invoice => "invoice",
        DocKind::CreditNote => "credit_note",
    }
}

/// The documents section.
pub fn documents(p: &Page, documents: &[Document], typed: Typed) -> Markup {
    let l = p.lang();
    let base = p.base();
    section_page(
        p,
        Section::Documents,
        html! {
            @if p.staff_may_change() {
                p.actions {
                    @for kind in [DocKind::Quote, DocKind::Order, DocKind::Invoice] {
                        a.button href={ (base) "/documents/new?kind=" (kind_code(kind)) } {
                            (match kind { DocKind::Quote => l.t("Nouveau devis", "New quote"), DocKind::Order => l.t("Nouvelle commande", "New order"), DocKind::Invoice | DocKind::CreditNote => l.t("Nouvelle facture", "New invoice") })
                        } " "
                    }
                }
            }
            (typed.general(&[]))
            @if documents.is_empty() { p { (l.t("Aucun document.", "No document.")) } }
            @else {
                table.rows {
                    thead { tr {
                        th { (l.t("Numéro", "Number")) } th { (l.t("Titre", "Title")) } th { (l.t("Date", "Date")) }
                        th.num { (l.t("Total HT", "Excl. VAT")) } th.num { (l.t("Total TTC", "Incl. VAT")) } th { (l.t("État", "Status")) }
                        @if p.staff_may_change() { th { span.visually-hidden { (l.t("Actions", "Actions")) } } }
                    } }
                    tbody { @for doc in documents {
                        @let totals = doc.totals();
                        tr id={ "document-" (doc.id) } {
                            td data-label=(l.t("Numéro", "Number")) { a href={ (base) "/documents/" (doc.id) } { (doc_kind(l, doc.kind())) " " span.docnum { (doc_number(l, doc)) } } }
                            td data-label=(l.t("Titre", "Title")) { (doc.title) }
                            td data-label=(l.t("Date", "Date")) { (format::date(l, doc.date)) }
                            td.num data-label=(l.t("Total HT", "Excl. VAT")) { (format::money(l, totals.before_tax)) }
                            td.num data-label=(l.t("Total TTC", "Incl. VAT")) { (format::money(l, totals.total)) }
                            td data-label=(l.t("État", "Status")) {
                                @if p.staff_may_change() && doc.answer.is_none() {
                                    form.inline method="post" action={ (base) "/documents/" (doc.id) "/status" } {
                                        input type="hidden" name="csrf" value=(p.csrf());
                                        select name="status" aria-label={ (l.t("État de ", "Status of ")) (doc_number(l, doc)) } {
                                            @for (st, code) in statuses(doc.kind()).iter().filter(|(st, _)| !doc.frozen() || *st != DocStatus::Draft) { option value=(code) selected[*st == doc.status] { (doc_status(l, doc.kind(), *st)) } }
                                        }
                                        button type="submit" { (l.t("Changer", "Change")) }
                                    }
                                } @else { (doc_status(l, doc.kind(), doc.status)) }
                            }
                            @if p.staff_may_change() {
                                td.actions {
                                    a href={ (base) "/documents/" (doc.id) "/send" } aria-label={ (l.t("Envoyer ", "Send ")) (doc_kind(l, doc.kind()).to_lowercase()) " " (doc_number(l, doc)) } { (l.t("Envoyer", "Send")) }
                                    @if !doc.frozen() {
                                        " · " a href={ (base) "/documents/" (doc.id) "/edit" } aria-label={ (l.t("Modifier ", "Change ")) (doc_number(l, doc)) } { (l.t("Modifier", "Change")) }
                                    }
                                    @let refused = doc.status == DocStatus::Refused;
                                    @let one_click = doc.kind() == DocKind::Quote && doc.status == DocStatus::Accepted && !documents.iter().any(|d| d.source == Some(doc.id));
                                    @if let Some(next) = next_kind(doc.kind()).filter(|k| (*k != DocKind::CreditNote || doc.frozen()) && !refused && !one_click) {
                                        " · "
                                        a href={ (base) "/documents/new?kind=" (kind_code(next)) "&from=" (doc.id) } {
                                            (match next { DocKind::Order => l.t("En faire une commande", "Make an order of it"), DocKind::CreditNote => l.t("Faire un avoir", "Make a credit note"), _ => l.t("En faire une facture", "Make an invoice of it") })
                                        }
                                    }
                                    @if one_click {
                                        form.inline method="post" action={ (base) "/documents" } {
                                            input type="hidden" name="csrf" value=(p.csrf());
                                            input type="hidden" name="kind" value="order";
                                            input type="hidden" name="source" value=(doc.id);
                                            input type="hidden" name="date" value=(chrono::Utc::now().with_timezone(&p.config.timezone).date_naive());
                                            button type="submit" { (l.t("Créer la commande", "Create the order")) }
                                        }
                                    }
                                    @if matches!(doc.kind(), DocKind::Quote | DocKind::Order) && !refused {
                                        form.inline method="post" action={ (base) "/documents/" (doc.id) "/deposit" } {
                                            input type="hidden" name="csrf" value=(p.csrf());
                                            input.share type="text" name="share" value="30 %" size="8" aria-label={ (l.t("Part de l'acompte sur ", "Deposit share of ")) (doc_number(l, doc)) };
                                            button.secondary type="submit" { (l.t("Facture d'acompte", "Deposit invoice")) }
                                        }
                                    }
                                    @if matches!(doc.kind(), DocKind::Quote | DocKind::Invoice) {
                                        form.inline method="post" action={ (base) "/documents/" (doc.id) "/reminders" } {
                                            input type="hidden" name="csrf" value=(p.csrf());
                                            input type="hidden" name="off" value=(if doc.reminders.off { "no" } else { "yes" });
                                            button.secondary type="submit" aria-label={ (if doc.reminders.off { l.t("Réactiver les relances de ", "Turn reminders back on for ") } else { l.t("Désactiver les relances de ", "Turn reminders off for ") }) (doc_number(l, doc)) } {
                                                (if doc.reminders.off { l.t("Relances désactivées · réactiver", "Reminders off · turn on") } else { l.t("Désactiver les relances", "Turn reminders off") })
                                            }
                                        }
                                    }
                                    @if doc.kind() == DocKind::Order {
                                        form.inline method="post" action={ (base) "/documents/" (doc.id) "/final" } {
                                            input type="hidden" name="csrf" value=(p.csrf());
                                            button.secondary type="submit" { (l.t("Facture de solde", "Final invoice")) }
                                        }
                                    }
                                }
                            }
                        }
                    } }
                }
            }
        },
    )
}

/// What a document says besides its lines: validity or due date, payment, nature,
/// building work, reverse charge and a note.
fn terms_fields(t: &Typed, kind: DocKind, terms: &Terms) -> Markup {
    let l = t.lang;
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let nature = t.value(
        "nature",
        match terms.nature {
            Nature::Services => "services",
            Nature::Goods => "goods",
            Nature::Mixed => "mixed",
        },
    );
    html! {
        fieldset.terms {
            legend { (l.t("Conditions", "Terms")) }
            @if kind == DocKind::Quote {
                label for="valid_until" { (l.t("Valable jusqu'au", "Valid until")) }
                input #valid_until type="date" name="valid_until" value=(t.value("valid_until", &day(terms.valid_until))) aria-invalid=[t.invalid("valid_until")] aria-describedby=[t.described("valid_until")];
                (t.error("valid_until"))
            }
            @if kind.issued_once() {
                label for="due" { (l.t("Échéance", "Due date")) }
                p.hint #due-hint { (l.t("Vide : fixée à l'émission selon le délai de paiement de l'entreprise.", "Empty: set at issue from the business's payment terms.")) }
                input #due type="date" name="due" value=(t.value("due", &day(terms.due))) aria-invalid=[t.invalid("due")] aria-describedby=(t.described("due").unwrap_or_else(|| "due-hint".into()));
                (t.error("due"))
            }
            (t.text("payment", l.t("Conditions de paiement (virement, chèque…)", "Payment terms (transfer, cheque…)"), &terms.payment))
            label for="nature" { (l.t("Nature", "Nature")) }
            select #nature name="nature" {
                option value="services" selected[nature == "services"] { (l.t("Prestations de services", "Services")) }
                option value="goods" selected[nature == "goods"] { (l.t("Livraison de biens", "Goods")) }
                option value="mixed" selected[nature == "mixed"] { (l.t("Biens et services", "Goods and services")) }
            }
            (t.checkbox("building_work", l.t("Travaux du bâtiment (mentions et assurance professionnelle)", "Building work (its mentions and professional insurance)"), terms.building_work))
            (t.checkbox("reverse_charge", l.t("Autoliquidation de la TVA (sous-traitance du bâtiment)", "VAT reverse charge (building subcontracting)"), terms.reverse_charge))
            label for="note" { (l.t("Note imprimée sous les totaux", "Note printed under the totals")) }
            textarea #note name="note" rows="2" aria-invalid=[t.invalid("note")] aria-describedby=[t.described("note")] { (t.value("note", &terms.note)) }
            (t.error("note"))
        }
    }
}

/// One line of the editor, as text.
struct Row {
    description: String,
    quantity: String,
    unit: String,
    price: String,
    vat: String,
}

impl Row {
    fn of(l: crate::domain::Lang, line: &Line) -> Row {
        Row {
            description: line.description.clone(),
            quantity: format::decimal(l, &line.quantity.to_string()),
            unit: line.unit.clone(),
            price: format::decimal(l, &line.unit_price.to_string()),
            vat: format::rate(line.vat_rate),
        }
    }

    fn blank() -> Row {
        Row {
            description: String::new(),
            quantity: "1".into(),
            unit: String::new(),
            price: String::new(),
            vat: "20".into(),
        }
    }

    fn is_blank(&self) -> bool {
        self.description.trim().is_empty() && self.price.trim().is_empty()
    }

    /// The line it reads as, when every number reads.
    fn line(&self) -> Option<Line> {
        Some(Line {
            description: self.description.clone(),
            quantity: Quantity::parse(&self.quantity).ok()?,
            unit: self.unit.clone(),
            unit_price: Cents::parse(&self.price).ok()?,
            vat_rate: VatRate::parse(&self.vat).ok()?,
        })
    }
}

/// The editor's rows: as posted when shown again (up to the last one typed in), or the
/// document's lines; then one blank row.
fn rows(typed: &Typed, current: &[Line]) -> Vec<Row> {
    let l = typed.lang;
    let mut rows: Vec<Row> = match typed.posted() {
        Some(fields) => {
            let get = |name: &str, i: usize| fields.get(&format!("{name}_{i}")).cloned();
            (0..crate::templates::fields::MAX_LINES)
                .map_while(|i| {
                    Some(Row {
                        description: get("description", i)?,
                        quantity: get("quantity", i).unwrap_or_default(),
                        unit: get("unit", i).unwrap_or_default(),
                        price: get("price", i).unwrap_or_default(),
                        vat: get("vat", i).unwrap_or_default(),
                    })
                })
                .collect()
        }
        None => current.iter().map(|line| Row::of(l, line)).collect(),
    };
    while rows.last().is_some_and(Row::is_blank) {
        rows.pop();
    }
    rows.push(Row::blank());
    rows
}

/// What the document form is for.
pub enum DocumentFor<'a> {
    /// A new document of this kind, perhaps from another (whose lines it starts with).
    New {
        /// Its kind.
        kind: DocKind,
        /// The documents it may come from, and the one chosen.
        sources: Vec<&'a Document>,
        /// The one it comes from.
        from: Option<&'a Document>,
    },
    /// A change to this document.
    Edit(&'a Document),
}

/// The document form page.
pub fn document_form(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    what: DocumentFor,
    typed: Typed,
) -> Markup {
    let l = reader.user.lang;
    let base = format!("/dossiers/{}", dossier.number);
    let today = chrono::Utc::now().date_naive().to_string();
    let (title, action, current_title, current_date, current_lines, kind) = match &what {
        DocumentFor::New { kind, from, .. } => (
            match kind {
                DocKind::Quote => l.t("Nouveau devis", "New quote"),
                DocKind::Order => l.t("Nouvelle commande", "New order"),
                DocKind::Invoice => l.t("Nouvelle facture", "New invoice"),
                DocKind::CreditNote => l.t("Nouvel avoir", "New credit note"),
            }
            .to_string(),
            format!("{base}/documents"),
            from.map(|d| d.title.clone()).unwrap_or_default(),
            today,
            from.map(|d| d.lines.clone()).unwrap_or_default(),
            *kind,
        ),
        DocumentFor::Edit(doc) => (
            format!("{} {}", doc_kind(l, doc.kind()), doc.number),
            format!("{base}/documents/{}/edit", doc.id),
            doc.title.clone(),
            doc.date.to_string(),
            doc.lines.clone(),
            doc.kind(),
        ),
    };
    let current_terms = match &what {
        DocumentFor::Edit(doc) => doc.terms.clone(),
        DocumentFor::New { from, .. } => from.map(|d| d.terms.clone()).unwrap_or_default(),
    };
    let rows = rows(&typed, &current_lines);
    let read: Vec<Line> = rows
        .iter()
        .filter(|r| !r.is_blank())
        .filter_map(Row::line)
        .collect();
    let sums = totals(&read);
    let mut rates: Vec<VatRate> = VatRate::FRENCH.to_vec();
    for line in &current_lines {
        if !rates.contains(&line.vat_rate) {
            rates.push(line.vat_rate);
        }
    }
    form_page(
        config,
        reader,
        dossier,
        Section::Documents,
        &title,
        html! {
            (typed.general(&["title", "date", "source", "lines", "status", "valid_until", "due", "payment", "note", "building_work", "reverse_charge"]))
            form.stacked.document method="post" action=(action) {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                input type="hidden" name="kind" value=(kind_code(kind));
                label for="title" { (l.t("Titre", "Title")) }
                input #title type="text" name="title" required maxlength="200" value=(typed.value("title", &current_title)) aria-invalid=[typed.invalid("title")] aria-describedby=[typed.described("title")];
                (typed.error("title"))
                label for="date" { (l.t("Date", "Date")) }
                input #date type="date" name="date" required value=(typed.value("date", &current_date)) aria-invalid=[typed.invalid("date")] aria-describedby=[typed.described("date")];
                (typed.error("date"))
                @if let DocumentFor::New { sources, from, .. } = &what {
                    @if !sources.is_empty() {
                        label for="source" { (l.t("Issu de", "From")) }
                        @let chosen = typed.value("source", &from.map(|d| d.id.raw().to_string()).unwrap_or_default());
                        select #source name="source" aria-describedby="source-hint" {
                            option value="" { "—" }
                            @for doc in sources { option value=(doc.id.raw()) selected[chosen == doc.id.raw().to_string()] { (doc.number.to_string()) " " (doc.title) } }
                        }
                        p.hint #source-hint { (l.t("Sans ligne saisie, les lignes du document d'origine sont reprises.", "With no line typed, the lines of the source document are copied.")) }
                    }
                    // Said even when there is no document to choose from.
                    (typed.error("source"))
                }
                fieldset.lines {
                    legend { (l.t("Lignes", "Lines")) }
                    p.hint { (l.t("Une ligne sans désignation est ignorée.", "A line with no description is left out.")) }
                    (typed.error("lines"))
                    table.lines data-lines="" {
                        thead { tr {
                            th { (l.t("Désignation", "Description")) } th { (l.t("Quantité", "Quantity")) } th { (l.t("Unité", "Unit")) }
                            th { (l.t("Prix unitaire HT", "Unit price excl. VAT")) } th { (l.t("TVA", "VAT")) } th.num { (l.t("Montant HT", "Amount excl. VAT")) }
                        } }
                        tbody { @for (i, row) in rows.iter().enumerate() {
                            tr {
                                td data-label=(l.t("Désignation", "Description")) { input type="text" name={ "description_" (i) } value=(row.description) aria-label={ (l.t("Désignation, ligne ", "Description, line ")) (i + 1) }; }
                                td data-label=(l.t("Quantité", "Quantity")) { input.qty type="text" inputmode="decimal" name={ "quantity_" (i) } value=(row.quantity) aria-label={ (l.t("Quantité, ligne ", "Quantity, line ")) (i + 1) }; }
                                td data-label=(l.t("Unité", "Unit")) { input.unit type="text" name={ "unit_" (i) } value=(row.unit) maxlength="20" placeholder=(l.t("h, m², forfait", "h, m², flat")) aria-label={ (l.t("Unité, ligne ", "Unit, line ")) (i + 1) }; }
                                td data-label=(l.t("Prix unitaire HT", "Unit price excl. VAT")) { input.price type="text" inputmode="decimal" name={ "price_" (i) } value=(row.price) aria-label={ (l.t("Prix unitaire HT, ligne ", "Unit price, line ")) (i + 1) }; }
                                td data-label=(l.t("TVA", "VAT")) { select.vat name={ "vat_" (i) } aria-label={ (l.t("TVA, ligne ", "VAT, line ")) (i + 1) } {
                                    @for rate in &rates { option value=(format::rate(*rate)) selected[format::rate(*rate) == row.vat] { (format::rate(*rate)) " %" } }
                                } }
                                td.num.amount data-label=(l.t("Montant HT", "Amount excl. VAT")) { (row.line().filter(|_| !row.is_blank()).map(|x| format::money(l, x.amount())).unwrap_or_default()) }
                            }
                        } }
                    }
                    button.secondary type="submit" name="more" value="1" formnovalidate data-add-line="" { (l.t("Ajouter une ligne", "Add a line")) }
                }
                (terms_fields(&typed, kind, &current_terms))
                table.totals aria-live="polite" {
                    tbody {
                        tr { th { (l.t("Total HT", "Total excl. VAT")) } td.num data-total="before" { (format::money(l, sums.before_tax)) } }
                        @for vat in &sums.vat {
                            tr { th { (l.t("TVA ", "VAT ")) (format::rate(vat.rate)) " %" } td.num { (format::money(l, vat.vat)) } }
                        }
                        tr.grand { th { (l.t("Total TTC", "Total incl. VAT")) } td.num data-total="all" { (format::money(l, sums.total)) } }
                    }
                }
                button type="submit" { (l.t("Enregistrer", "Save")) }
                " " a href={ (base) "/documents" } { (l.t("Annuler", "Cancel")) }
            }
            script src="/static/lines.js" defer {}
        },
    )
}
