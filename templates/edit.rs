//! Prefilled forms that change an existing item (staff), folded under "Modifier".

use chrono_tz::Tz;
use maud::{Markup, html};

use crate::domain::{Activity, Document, Event, EventTime, Expense, ExpenseCategory, Lang};

/// The VAT rate of an expense's form: the French rates, the current one selected (20 %
/// for a new expense); when the VAT kept is none of them, an option keeps it as it is;
/// a new expense may give another amount (a receipt with several rates).
pub fn vat_rate(l: Lang, current: Option<&Expense>) -> Markup {
    use crate::domain::VatRate;
    let selected = match current {
        None => Some(VatRate(2000)),
        Some(e) => VatRate::FRENCH
            .into_iter()
            .find(|r| r.of(e.amount) == e.vat),
    };
    html! {
        label { (l.t("TVA ", "VAT "))
            select name="vat_rate" {
                @if let (Some(e), None) = (current, selected) {
                    option value="keep" selected { (l.t("garder ", "keep ")) (cents(e.vat)) " €" }
                }
                @if current.is_none() {
                    option value="keep" { (l.t("autre montant", "another amount")) }
                }
                @for rate in VatRate::FRENCH {
                    option value=(rate.to_string().replace(" %", "")) selected[Some(rate) == selected] {
                        (rate.to_string().replace('.', ","))
                    }
                }
            }
        }
        @if let Some(e) = current { input type="hidden" name="vat" value=(cents(e.vat)); }
        @else {
            label { (l.t("Montant de TVA (autre montant) ", "VAT amount (another amount) ")) input type="text" name="vat" inputmode="decimal" value="0"; }
        }
    }
}

fn cents(amount: crate::domain::Cents) -> String {
    amount.to_string().replace('.', ",")
}

/// An event's form: title, days, times (in the business's zone), place, details.
pub fn event(l: Lang, base: &str, csrf: &str, e: &Event, zone: Tz) -> Markup {
    let (start, end, start_time, end_time) = match &e.time {
        EventTime::Timed { start, end } => {
            let (a, b) = (start.with_timezone(&zone), end.with_timezone(&zone));
            (
                a.date_naive(),
                b.date_naive(),
                a.format("%H:%M").to_string(),
                b.format("%H:%M").to_string(),
            )
        }
        EventTime::AllDay { first, last } => (*first, *last, String::new(), String::new()),
    };
    html! {
        details.edit { summary { (l.t("Modifier", "Change")) }
            form.stacked method="post" action={ (base) "/events/" (e.id) } {
                input type="hidden" name="csrf" value=(csrf);
                label { (l.t("Titre", "Title")) input type="text" name="title" value=(e.title) required; }
                label { (l.t("Début", "Start")) input type="date" name="start" value=(start) required; input type="time" name="start_time" value=(start_time); }
                label { (l.t("Fin", "End")) input type="date" name="end" value=(end); input type="time" name="end_time" value=(end_time); }
                label { (l.t("Lieu", "Place")) input type="text" name="place" value=(e.place); }
                label { (l.t("Détails", "Details")) textarea name="description" rows="2" { (e.description) } }
                button type="submit" { (l.t("Enregistrer", "Save")) }
            }
        }
    }
}

/// A document's form: title, date and its lines (up to eight).
pub fn document(l: Lang, base: &str, csrf: &str, doc: &Document) -> Markup {
    html! {
        details.edit { summary { (l.t("Modifier", "Change")) }
            form.stacked method="post" action={ (base) "/documents/" (doc.id) "/edit" } {
                input type="hidden" name="csrf" value=(csrf);
                label { (l.t("Titre", "Title")) input type="text" name="title" value=(doc.title) required; }
                label { "Date" input type="date" name="date" value=(doc.date) required; }
                table { tbody { @for i in 0..8usize {
                    @let line = doc.lines.get(i);
                    tr {
                        td { input type="text" name={ "description_" (i) } value=(line.map(|x| x.description.clone()).unwrap_or_default()) aria-label=(l.t("Désignation", "Description")); }
                        td { input type="text" name={ "quantity_" (i) } value=(line.map(|x| x.quantity.to_string().replace('.', ",")).unwrap_or_default()) aria-label=(l.t("Quantité", "Quantity")); }
                        td { input type="text" name={ "price_" (i) } value=(line.map(|x| cents(x.unit_price)).unwrap_or_default()) aria-label=(l.t("Prix unitaire HT", "Unit price")); }
                        td { input type="text" name={ "vat_" (i) } value=(line.map(|x| (x.vat_rate.0 as f64 / 100.0).to_string().replace('.', ",")).unwrap_or_default()) aria-label=(l.t("TVA %", "VAT %")); }
                    }
                } } }
                button type="submit" { (l.t("Enregistrer", "Save")) }
            }
        }
    }
}

/// An expense's form, with a new receipt if one is chosen.
pub fn expense(l: Lang, base: &str, csrf: &str, e: &Expense) -> Markup {
    html! {
        details.edit { summary { (l.t("Modifier", "Change")) }
            form.inline method="post" action={ (base) "/expenses/" (e.id) } enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(csrf);
                input type="date" name="date" value=(e.date) aria-label="Date" required;
                select name="category" aria-label=(l.t("Catégorie", "Category")) {
                    option value="travel" selected[e.category == ExpenseCategory::Travel] { (l.t("Déplacement", "Travel")) }
                    option value="purchase" selected[e.category == ExpenseCategory::Purchase] { (l.t("Achat", "Purchase")) }
                    option value="other" selected[e.category == ExpenseCategory::Other] { (l.t("Autre", "Other")) }
                }
                label { (l.t("Description ", "Description ")) input type="text" name="description" value=(e.description); }
                label { (l.t("Montant HT ", "Amount excl. VAT ")) input type="text" name="amount" value=(cents(e.amount)) inputmode="decimal" required; }
                (vat_rate(l, Some(e)))
                label { input type="checkbox" name="billed" checked[e.billed_to_client]; (l.t(" refacturée au client", " billed to the client")) }
                label { (l.t("Nouveau justificatif", "New receipt")) " " input type="file" name="receipt"; }
                button type="submit" { (l.t("Enregistrer", "Save")) }
            }
        }
    }
}

/// A time entry's form.
pub fn activity(l: Lang, base: &str, csrf: &str, a: &Activity, orders: &[&Document]) -> Markup {
    let hours = (a.minutes as f64 / 60.0).to_string().replace('.', ",");
    html! {
        details.edit { summary { (l.t("Modifier", "Change")) }
            form.inline method="post" action={ (base) "/activities/" (a.id) } {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="user" value=(a.user.raw());
                input type="date" name="date" value=(a.date) aria-label="Date" required;
                input type="text" name="hours" value=(hours) aria-label=(l.t("Heures", "Hours")) required;
                input type="text" name="description" value=(a.description) aria-label="Description";
                select name="order" aria-label=(l.t("Commande", "Order")) {
                    option value="" { (l.t("Hors commande", "No order")) }
                    @for doc in orders { option value=(doc.id.raw()) selected[a.order == Some(doc.id)] { (doc.number.to_string()) } }
                }
                button type="submit" { (l.t("Enregistrer", "Save")) }
            }
        }
    }
}
