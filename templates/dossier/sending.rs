//! The page that sends a document by e-mail: what goes (number, title, total; an invoice
//! is issued on sending), to which of the client's people (all ticked; an address that
//! bounced for good cannot be chosen), with an optional note.

use maud::{Markup, html};

use super::{doc_kind, doc_number, form_page, format};
use crate::config::Config;
use crate::domain::{DocStatus, Dossier};
use crate::service::{Section, Sending};
use crate::templates::fields::Typed;
use crate::web::session::Reader;

/// The sending form of `sending`'s document.
pub fn send_form(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    sending: &Sending,
    typed: Typed,
) -> Markup {
    let l = reader.user.lang;
    let doc = &sending.printed.document;
    let title = format!(
        "{} {} {}",
        l.t("Envoyer :", "Send:"),
        doc_kind(l, doc.kind()).to_lowercase(),
        doc_number(l, doc)
    );
    let base = format!("/dossiers/{}/documents", dossier.number);
    let issuing = doc.kind().issued_once() && !doc.frozen() && doc.status == DocStatus::Draft;
    let anyone = sending.offered.iter().any(|o| !o.stopped);
    form_page(
        config,
        reader,
        dossier,
        Section::Documents,
        &title,
        html! {
            p { "« " (doc.title) " » — " (format::money(l, doc.totals().total)) " " (l.t("TTC", "incl. VAT")) " · " a href={ (base) "/" (doc.id) } { (l.t("Voir le document", "See the document")) } }
            @if issuing {
                p.notice { (l.t(
                    "Envoyer émet ce document : il reçoit son numéro et ne pourra plus être modifié, seulement corrigé par un avoir.",
                    "Sending issues this document: it gets its number and can no longer change, only be corrected by a credit note.",
                )) }
            }
            (typed.general(&["to", "note"]))
            @if anyone {
                form.stacked method="post" action={ (base) "/" (doc.id) "/send" } {
                    input type="hidden" name="csrf" value=(reader.session.csrf);
                    fieldset aria-describedby=[typed.described("to")] {
                        legend { (l.t("Destinataires", "Recipients")) }
                        @for offered in &sending.offered {
                            @let name = format!("to-{}", offered.user.id);
                            label.check {
                                input type="checkbox" name=(name) value="on" checked[!offered.stopped && typed.ticked(&name, true)] disabled[offered.stopped];
                                " " (offered.user.name) " <" (offered.user.primary_email()) ">"
                                @if offered.stopped { " — " (l.t("adresse en échec, plus d'envoi", "address bouncing, no more mail")) }
                            }
                        }
                        (typed.error("to"))
                    }
                    label for="note" { (l.t("Mot d'accompagnement (facultatif)", "Note (optional)")) }
                    textarea #note name="note" rows="4" maxlength="5000" aria-invalid=[typed.invalid("note")] aria-describedby=[typed.described("note")] { (typed.value("note", "")) }
                    (typed.error("note"))
                    p.hint { (l.t(
                        "Chacun reçoit un e-mail dans sa langue avec le PDF joint et un lien vers le document ; sa réponse arrive dans la discussion du dossier.",
                        "Each gets an e-mail in their language with the PDF attached and a link to the document; their reply comes into the dossier's discussion.",
                    )) }
                    button type="submit" { (l.t("Envoyer", "Send")) }
                    " " a href=(base) { (l.t("Annuler", "Cancel")) }
                }
            } @else {
                p { (l.t(
                    "Personne chez ce client ne peut recevoir ce document par e-mail : ajoutez une personne au client, ou corrigez son adresse.",
                    "No one at this client can receive this document by e-mail: add a person to the client, or fix their address.",
                )) }
                p { a href=(base) { (l.t("Retour aux documents", "Back to the documents")) } }
            }
        },
    )
}
