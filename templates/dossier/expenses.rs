//! The expenses section (date, category, description, amount, VAT, total, billed or
//! not, receipt; the totals) and the expense form page, whose VAT is a French rate of
//! the amount or, for a receipt with several rates, another amount.

use maud::{Markup, html};

use super::{Page, expense_category, form_page, format, section_page};
use crate::config::Config;
use crate::domain::{Cents, Dossier, Expense, ExpenseCategory, Lang, VatRate};
use crate::policy::Role;
use crate::service::Section;
use crate::templates::fields::Typed;
use crate::web::session::Reader;

/// The expenses section.
pub fn expenses(p: &Page, expenses: &[Expense]) -> Markup {
    let l = p.lang();
    let base = p.base();
    let staff = p.header.role == Role::Staff;
    let sum = |f: fn(&Expense) -> i64| Cents(expenses.iter().map(f).sum());
    section_page(
        p,
        Section::Expenses,
        html! {
            @if p.staff_may_change() {
                p.actions { a.button href={ (base) "/expenses/new" } { (l.t("Nouvelle dépense", "New expense")) } }
            }
            @if expenses.is_empty() { p { (l.t("Aucune dépense.", "No expense.")) } }
            @else {
                table.rows {
                    thead { tr {
                        th { (l.t("Date", "Date")) } th { (l.t("Catégorie", "Category")) } th { (l.t("Description", "Description")) }
                        th.num { (l.t("Montant HT", "Amount excl. VAT")) } th.num { (l.t("TVA", "VAT")) } th.num { (l.t("TTC", "Incl. VAT")) }
                        @if staff { th { (l.t("Refacturée", "Billed")) } }
                        th { span.visually-hidden { (l.t("Justificatif et actions", "Receipt and actions")) } }
                    } }
                    tbody { @for e in expenses {
                        tr id={ "expense-" (e.id) } {
                            td data-label=(l.t("Date", "Date")) { (format::date(l, e.date)) }
                            td data-label=(l.t("Catégorie", "Category")) { (expense_category(l, e.category)) }
                            td data-label=(l.t("Description", "Description")) { (e.description) }
                            td.num data-label=(l.t("Montant HT", "Amount excl. VAT")) { (format::money(l, e.amount)) }
                            td.num data-label=(l.t("TVA", "VAT")) { (format::money(l, e.vat)) }
                            td.num data-label=(l.t("TTC", "Incl. VAT")) { (format::money(l, Cents(e.amount.0 + e.vat.0))) }
                            @if staff { td data-label=(l.t("Refacturée", "Billed")) { (if e.billed_to_client { l.t("oui", "yes") } else { l.t("non", "no") }) } }
                            td.actions {
                                @if e.receipt.is_some() { a href={ (base) "/expenses/" (e.id) "/receipt" } { (l.t("Justificatif", "Receipt")) } }
                                @if p.staff_may_change() {
                                    @if e.receipt.is_some() { " · " }
                                    a href={ (base) "/expenses/" (e.id) "/edit" } aria-label={ (l.t("Modifier la dépense ", "Change the expense ")) (e.description) } { (l.t("Modifier", "Change")) }
                                }
                            }
                        }
                    } }
                    tfoot { tr {
                        th colspan="3" { (l.t("Total", "Total")) }
                        td.num data-label=(l.t("Montant HT", "Amount excl. VAT")) { (format::money(l, sum(|e| e.amount.0))) }
                        td.num data-label=(l.t("TVA", "VAT")) { (format::money(l, sum(|e| e.vat.0))) }
                        td.num data-label=(l.t("TTC", "Incl. VAT")) { (format::money(l, sum(|e| e.amount.0 + e.vat.0))) }
                        @if staff { td {} }
                        td {}
                    } }
                }
            }
        },
    )
}

fn cents(l: Lang, amount: Cents) -> String {
    format::decimal(l, &amount.to_string())
}

/// The expense form page: a new expense (`None`) or a change to one.
pub fn expense_form(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    expense: Option<&Expense>,
    typed: Typed,
) -> Markup {
    let l = reader.user.lang;
    let base = format!("/dossiers/{}", dossier.number);
    let (title, action) = match expense {
        Some(e) => (
            l.t("Modifier la dépense", "Change the expense"),
            format!("{base}/expenses/{}", e.id),
        ),
        None => (
            l.t("Nouvelle dépense", "New expense"),
            format!("{base}/expenses"),
        ),
    };
    let today = chrono::Utc::now().date_naive().to_string();
    // The rate it was kept at, if it is one of the French rates; "keep" otherwise.
    let current_rate = match expense {
        None => "20".to_string(),
        Some(e) => VatRate::FRENCH
            .into_iter()
            .find(|r| r.of(e.amount) == e.vat)
            .map(format::rate)
            .unwrap_or_else(|| "keep".into()),
    };
    let rate = typed.value("vat_rate", &current_rate);
    let category = typed.value(
        "category",
        match expense.map(|e| e.category) {
            Some(ExpenseCategory::Travel) => "travel",
            Some(ExpenseCategory::Purchase) => "purchase",
            _ => "other",
        },
    );
    let v = |name: &str, current: &str| typed.value(name, current);
    form_page(
        config,
        reader,
        dossier,
        Section::Expenses,
        title,
        html! {
            (typed.general(&["date", "category", "description", "amount", "vat_rate", "vat", "receipt"]))
            form.stacked method="post" action=(action) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                label for="date" { (l.t("Date", "Date")) }
                input #date type="date" name="date" required value=(v("date", &expense.map_or(today, |e| e.date.to_string()))) aria-invalid=[typed.invalid("date")] aria-describedby=[typed.described("date")];
                (typed.error("date"))
                label for="category" { (l.t("Catégorie", "Category")) }
                select #category name="category" {
                    option value="travel" selected[category == "travel"] { (l.t("Déplacement", "Travel")) }
                    option value="purchase" selected[category == "purchase"] { (l.t("Achat", "Purchase")) }
                    option value="other" selected[category == "other"] { (l.t("Autre", "Other")) }
                }
                label for="description" { (l.t("Description", "Description")) }
                input #description type="text" name="description" maxlength="2000" value=(v("description", expense.map_or("", |e| &e.description))) aria-invalid=[typed.invalid("description")] aria-describedby=[typed.described("description")];
                (typed.error("description"))
                label for="amount" { (l.t("Montant HT (€)", "Amount excl. VAT (€)")) }
                input #amount type="text" name="amount" inputmode="decimal" required value=(v("amount", &expense.map(|e| cents(l, e.amount)).unwrap_or_default())) aria-invalid=[typed.invalid("amount")] aria-describedby=[typed.described("amount")];
                (typed.error("amount"))
                label for="vat_rate" { (l.t("Taux de TVA", "VAT rate")) }
                select #vat_rate name="vat_rate" aria-describedby="vat-hint" {
                    @for r in VatRate::FRENCH { option value=(format::rate(r)) selected[rate == format::rate(r)] { (format::rate(r)) " %" } }
                    option value="keep" selected[rate == "keep"] { (l.t("autre montant, ci-dessous", "another amount, below")) }
                }
                (typed.error("vat_rate"))
                label for="vat" { (l.t("Montant de TVA (€), pour un autre montant", "VAT amount (€), for another amount")) }
                p.hint #vat-hint { (l.t("Le montant de TVA est calculé à partir du taux ; choisissez « autre montant » pour un ticket à plusieurs taux.", "The VAT is computed from the rate; choose \"another amount\" for a receipt with several rates.")) }
                input #vat type="text" name="vat" inputmode="decimal" value=(v("vat", &expense.map(|e| cents(l, e.vat)).unwrap_or_else(|| "0".into()))) aria-invalid=[typed.invalid("vat")] aria-describedby=[typed.described("vat")];
                (typed.error("vat"))
                label.check { input type="checkbox" name="billed" checked[typed.ticked("billed", expense.is_some_and(|e| e.billed_to_client))]; " " (l.t("Refacturée au client", "Billed to the client")) }
                label for="receipt" { @if expense.is_some_and(|e| e.receipt.is_some()) { (l.t("Nouveau justificatif (remplace l'actuel)", "New receipt (replaces the current one)")) } @else { (l.t("Justificatif", "Receipt")) } }
                input #receipt type="file" name="receipt" aria-invalid=[typed.invalid("receipt")] aria-describedby=[typed.described("receipt")];
                (typed.error("receipt"))
                @if typed.is_again() {
                    p.hint { (l.t("Un justificatif choisi n'est pas gardé quand le formulaire est refusé : choisissez-le à nouveau.", "A chosen receipt is not kept when the form is refused: choose it again.")) }
                }
                button type="submit" { (l.t("Enregistrer", "Save")) }
                " " a href={ (base) "/expenses" } { (l.t("Annuler", "Cancel")) }
            }
        },
    )
}
