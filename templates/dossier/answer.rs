//! The client's answer to a quote: the form (accept with "bon pour accord" and the name
//! typed, or refuse with a reason), then the page where the e-mailed code is typed.

use maud::{Markup, html};

use super::{form_page, format};
use crate::config::Config;
use crate::domain::{CODE_MINUTES, Confirmation, Decision, Document, Dossier};
use crate::service::Section;
use crate::templates::fields::Typed;
use crate::web::session::Reader;

fn summary(reader: &Reader, dossier: &Dossier, doc: &Document) -> Markup {
    let l = reader.user.lang;
    let base = format!("/dossiers/{}/documents/{}", dossier.number, doc.id);
    html! {
        p {
            "« " (doc.title) " » — " (format::money(l, doc.totals().total)) " " (l.t("TTC", "incl. VAT"))
            @if let Some(until) = doc.terms.valid_until { " · " (l.t("valable jusqu'au ", "valid until ")) (format::date(l, until)) }
        }
        p { a href=(base) { (l.t("Lire le devis", "Read the quote")) } " · " a href={ (base) "/pdf" } { (l.t("Le PDF", "The PDF")) } }
    }
}

/// The answer form of quote `doc`.
pub fn answer_form(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    doc: &Document,
    typed: Typed,
) -> Markup {
    let l = reader.user.lang;
    let title = format!(
        "{} {}",
        l.t("Répondre au devis", "Answer quote"),
        doc.number
    );
    let decision = typed.value("decision", "accept");
    form_page(
        config,
        reader,
        dossier,
        Section::Documents,
        &title,
        html! {
            (summary(reader, dossier, doc))
            (typed.general(&["decision", "name", "agree", "reason"]))
            form.stacked method="post" action={ "/dossiers/" (dossier.number) "/documents/" (doc.id) "/answer" } {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                fieldset {
                    legend { (l.t("Votre réponse", "Your answer")) }
                    label.check { input type="radio" name="decision" value="accept" checked[decision != "refuse"]; " " (l.t("J'accepte ce devis", "I accept this quote")) }
                    label.check { input type="radio" name="decision" value="refuse" checked[decision == "refuse"]; " " (l.t("Je refuse ce devis", "I refuse this quote")) }
                }
                (typed.text("name", l.t("Votre nom et prénom", "Your full name"), &reader.user.name))
                (typed.checkbox("agree", l.t("Bon pour accord : j'accepte le devis tel qu'il est rédigé (si vous acceptez)", "Agreed: I accept the quote as written (if you accept)"), false))
                label for="reason" { (l.t("Motif (si vous refusez)", "Reason (if you refuse)")) }
                textarea #reason name="reason" rows="3" maxlength="2000" aria-invalid=[typed.invalid("reason")] aria-describedby=[typed.described("reason")] { (typed.value("reason", "")) }
                (typed.error("reason"))
                p.hint { (l.t("Un code à six chiffres vous est envoyé par e-mail à ", "A six-digit code is e-mailed to ")) (reader.user.primary_email()) (l.t(" : le saisir confirme votre réponse.", ": typing it confirms your answer.")) }
                button type="submit" { (l.t("Recevoir le code", "Get the code")) }
                " " a href={ "/dossiers/" (dossier.number) "/documents/" (doc.id) } { (l.t("Annuler", "Cancel")) }
            }
        },
    )
}

/// The page where the code sent for `pending` is typed.
pub fn code_form(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    doc: &Document,
    pending: &Confirmation,
    typed: Typed,
) -> Markup {
    let l = reader.user.lang;
    let accept = pending.decision == Decision::Accept;
    let title = match accept {
        true => format!(
            "{} {}",
            l.t(
                "Confirmer l'acceptation du devis",
                "Confirm you accept quote"
            ),
            doc.number
        ),
        false => format!(
            "{} {}",
            l.t("Confirmer le refus du devis", "Confirm you refuse quote"),
            doc.number
        ),
    };
    let base = format!("/dossiers/{}/documents/{}/answer", dossier.number, doc.id);
    form_page(
        config,
        reader,
        dossier,
        Section::Documents,
        &title,
        html! {
            (summary(reader, dossier, doc))
            p {
                (l.t("Nous avons envoyé un code à six chiffres à ", "We sent a six-digit code to ")) strong { (pending.sent_to) }
                @match l { crate::domain::Lang::Fr => { " ; il est valable " (CODE_MINUTES) " minutes." } crate::domain::Lang::En => { "; it is valid for " (CODE_MINUTES) " minutes." } }
            }
            (typed.general(&["code"]))
            form.stacked method="post" action={ (base) "/code" } {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                label for="code" { (l.t("Code reçu", "Code received")) }
                input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required aria-invalid=[typed.invalid("code")] aria-describedby=[typed.described("code")];
                (typed.error("code"))
                button type="submit" { (if accept { l.t("Confirmer l'acceptation", "Confirm acceptance") } else { l.t("Confirmer le refus", "Confirm refusal") }) }
                " " a href=(base) { (l.t("Recevoir un autre code", "Get another code")) }
            }
        },
    )
}
