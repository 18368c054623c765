//! The staff pages that say who sells and who buys: the business profile (identity,
//! legal mentions, bank details, document defaults) and a client's billing details.

use maud::{Markup, html};

use super::fields::Typed;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{Billing, BusinessProfile, Client, Lang, PostalAddress};
use crate::web::session::Reader;

/// The fields of an address; a delivery address's are named `delivery_…`.
fn address(t: &Typed, l: Lang, delivery: bool, current: &PostalAddress) -> Markup {
    let name = |part: &str| {
        if delivery {
            format!("delivery_{part}")
        } else {
            part.to_string()
        }
    };
    html! {
        (t.text(&name("line1"), l.t("Rue et numéro", "Street and number"), &current.line1))
        (t.text(&name("line2"), l.t("Complément d'adresse", "Address line 2"), &current.line2))
        (t.text(&name("postcode"), l.t("Code postal", "Postal code"), &current.postcode))
        (t.text(&name("city"), l.t("Ville", "City"), &current.city))
        (t.text(&name("country"), l.t("Pays (deux lettres)", "Country (two letters)"), if current.country.is_empty() { "FR" } else { &current.country }))
    }
}

const PROFILE_FIELDS: [&str; 27] = [
    "legal_name",
    "legal_form",
    "capital",
    "line1",
    "line2",
    "postcode",
    "city",
    "country",
    "siren",
    "siret",
    "registry",
    "vat_number",
    "vat_exempt",
    "vat_on_debits",
    "ape",
    "insurer",
    "policy",
    "cover",
    "iban",
    "bic",
    "payment_days",
    "late_rate",
    "quote_days",
    "phone",
    "reminder_days",
    "quote_reminder_days",
    "no_reminders",
];

/// The business profile form.
pub fn profile(config: &Config, reader: &Reader, p: &BusinessProfile, t: Typed) -> Markup {
    let l = reader.user.lang;
    let days = |n: u32| if n == 0 { String::new() } else { n.to_string() };
    signed_in(
        l.t("Entreprise", "Business"),
        &Nav::of(&config.business_name, reader),
        html! {
            h1 { (l.t("L'entreprise sur ses documents", "The business on its documents")) }
            p.hint { (l.t(
                "Ces mentions figurent sur les devis, commandes et factures. Une facture ne peut être émise sans adresse, SIREN ou SIRET, et numéro de TVA (sauf franchise).",
                "These details are printed on quotes, orders and invoices. An invoice cannot be issued without an address, a SIREN or SIRET, and a VAT number (unless exempt)."
            )) }
            (t.general(&PROFILE_FIELDS))
            form.stacked method="post" action="/admin/business" {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                fieldset {
                    legend { (l.t("Identité", "Identity")) }
                    (t.text("legal_name", l.t("Raison sociale", "Legal name"), &p.legal_name))
                    (t.text("legal_form", l.t("Forme juridique (SARL, SAS, EI…)", "Legal form (SARL, SAS, EI…)"), &p.legal_form))
                    (t.text("capital", l.t("Capital social", "Share capital"), &p.capital))
                    (t.text("siren", "SIREN", &p.siren))
                    (t.text("siret", "SIRET", &p.siret))
                    (t.text("registry", l.t("Registre (RCS Lyon, RM 69…)", "Register (RCS Lyon, RM 69…)"), &p.registry))
                    (t.text("ape", l.t("Code APE", "APE code"), &p.ape))
                    (t.text("phone", l.t("Téléphone", "Phone"), &p.phone))
                }
                fieldset {
                    legend { (l.t("Siège", "Head office")) }
                    (address(&t, l, false, &p.address))
                }
                fieldset {
                    legend { (l.t("TVA", "VAT")) }
                    (t.text("vat_number", l.t("Numéro de TVA intracommunautaire", "Intra-community VAT number"), &p.vat_number))
                    (t.checkbox("vat_exempt", l.t("Franchise en base de TVA (art. 293 B du CGI)", "Exempt from VAT (art. 293 B CGI)"), p.vat_exempt))
                    (t.checkbox("vat_on_debits", l.t("Option pour le paiement de la TVA d'après les débits", "Opted for VAT on debits"), p.vat_on_debits))
                }
                fieldset {
                    legend { (l.t("Assurance professionnelle", "Professional insurance")) }
                    (t.text("insurer", l.t("Assureur", "Insurer"), &p.insurance.insurer))
                    (t.text("policy", l.t("Numéro de contrat", "Policy number"), &p.insurance.policy))
                    (t.text("cover", l.t("Couverture géographique", "Geographic cover"), &p.insurance.cover))
                }
                fieldset {
                    legend { (l.t("Paiement", "Payment")) }
                    (t.text("iban", "IBAN", &p.iban))
                    (t.text("bic", "BIC", &p.bic))
                    (t.text("payment_days", l.t("Délai de paiement (jours, 30 par défaut)", "Payment terms (days, 30 by default)"), &days(p.payment_days)))
                    (t.text("late_rate", l.t("Pénalités de retard", "Late-payment penalties"), &p.late_rate))
                    (t.text("quote_days", l.t("Validité des devis (jours, 30 par défaut)", "Quotes valid for (days, 30 by default)"), &days(p.quote_days)))
                }
                fieldset {
                    legend { (l.t("Relances", "Reminders")) }
                    @let steps = p.reminder_days.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
                    (t.text("reminder_days", l.t("Relances des factures impayées (jours après l'échéance : aimable, ferme, mise en demeure ; 7, 15, 30 par défaut)", "Reminders of unpaid invoices (days after the due date: courteous, firm, formal notice; 7, 15, 30 by default)"), &steps))
                    (t.text("quote_reminder_days", l.t("Rappel d'un devis sans réponse (jours avant la fin de validité, 3 par défaut)", "Reminder of an unanswered quote (days before it expires, 3 by default)"), &days(p.quote_reminder_days)))
                    (t.checkbox("no_reminders", l.t("Aucune relance automatique", "No automatic reminder"), p.no_reminders))
                }
                button type="submit" { (l.t("Enregistrer", "Save")) }
            }
            section aria-labelledby="journal" {
                h2 #journal { (l.t("Journal des ventes", "Sales journal")) }
                p.hint { (l.t("Les factures et avoirs émis sur la période, une ligne par taux de TVA, en CSV pour votre comptable ; ou le même journal avec le PDF Factur-X de chaque pièce, dans une archive ZIP.", "The invoices and credit notes issued in the period, one line per VAT rate, as CSV for your accountant; or the same journal with each one's Factur-X PDF, in a ZIP archive.")) }
                form.stacked method="get" action="/admin/journal.csv" {
                    label for="from" { (l.t("Du", "From")) }
                    input #from type="date" name="from";
                    label for="to" { (l.t("Au", "To")) }
                    input #to type="date" name="to";
                    button type="submit" { (l.t("Télécharger le journal", "Download the journal")) }
                    button type="submit" formaction="/admin/journal.zip" { (l.t("Le journal et les factures (ZIP)", "The journal and the invoices (ZIP)")) }
                }
            }
        },
    )
}

const BILLING_FIELDS: [&str; 12] = [
    "line1",
    "line2",
    "postcode",
    "city",
    "country",
    "delivery_line1",
    "delivery_line2",
    "delivery_postcode",
    "delivery_city",
    "delivery_country",
    "siren",
    "vat_number",
];

/// A client's billing details form.
pub fn billing(config: &Config, reader: &Reader, client: &Client, b: &Billing, t: Typed) -> Markup {
    let l = reader.user.lang;
    signed_in(
        &client.name,
        &Nav::of(&config.business_name, reader),
        html! {
            h1 { (client.name) " — " (l.t("facturation", "billing")) }
            (t.general(&BILLING_FIELDS))
            form.stacked method="post" action={ "/admin/clients/" (client.id) "/billing" } {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                fieldset {
                    legend { (l.t("Adresse de facturation", "Billing address")) }
                    (address(&t, l, false, &b.address))
                }
                fieldset {
                    legend { (l.t("Adresse de livraison ou du chantier (si différente)", "Delivery or site address (if different)")) }
                    (address(&t, l, true, &b.delivery))
                }
                fieldset {
                    legend { (l.t("Identification (entreprises)", "Identification (companies)")) }
                    (t.text("siren", "SIREN", &b.siren))
                    (t.text("vat_number", l.t("Numéro de TVA intracommunautaire", "Intra-community VAT number"), &b.vat_number))
                }
                button type="submit" { (l.t("Enregistrer", "Save")) }
            }
            p { a href="/admin/people" { (l.t("← Annuaire", "← Directory")) } }
        },
    )
}
