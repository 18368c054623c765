//! The history section (staff): what happened to the dossier, newest first, with who
//! and when, in the reader's language.

use maud::{Markup, html};

use super::{Page, doc_status, format, name_of, section_page};
use crate::domain::{DocKind, HistoryEntry, Lang, User};
use crate::service::Section;

/// The history section.
pub fn history(p: &Page, lines: &[HistoryEntry]) -> Markup {
    let (l, zone) = (p.lang(), p.config.timezone);
    section_page(
        p,
        Section::History,
        html! {
            ol.history { @for h in lines {
                li {
                    time datetime=(h.at.to_rfc3339()) { (format::datetime(l, zone, h.at)) }
                    " · " span.who { (name_of(p.people, h.by)) }
                    " · " (words(l, &h.what, p.people))
                }
            } }
        },
    )
}

/// A line of history, in words.
fn words(l: Lang, what: &crate::domain::HistoryKind, people: &[User]) -> String {
    use crate::domain::HistoryKind::*;
    let fr = l == Lang::Fr;
    match what {
        Created => l.t("Dossier ouvert", "Dossier opened").into(),
        Closed => l.t("Dossier clôturé", "Dossier closed").into(),
        Reopened => l.t("Dossier rouvert", "Dossier reopened").into(),
        Edited => l
            .t(
                "Titre ou description modifiés",
                "Title or description changed",
            )
            .into(),
        Followed => l.t("Suit le dossier", "Follows the dossier").into(),
        Assigned { user, role } if fr => format!(
            "Ajout {} comme intervenant ({role})",
            super::of_name(l, &name_of(people, *user))
        ),
        Assigned { user, role } => format!("{} added as {role}", name_of(people, *user)),
        Unassigned { user } if fr => format!(
            "Retrait {} des intervenants",
            super::of_name(l, &name_of(people, *user))
        ),
        Unassigned { user } => format!("{} removed from the intervenants", name_of(people, *user)),
        FileRenamed { from, to } if fr => format!("Fichier {from} renommé en {to}"),
        FileRenamed { from, to } => format!("File {from} renamed {to}"),
        FileDeleted { name } if fr => format!("Fichier {name} supprimé"),
        FileDeleted { name } => format!("File {name} deleted"),
        Item {
            item,
            label,
            change,
        } => {
            use crate::domain::{ItemChange, ItemKind};
            let kind = match item {
                ItemKind::Quote => l.t("devis", "quote"),
                ItemKind::Order => l.t("commande", "order"),
                ItemKind::Invoice => l.t("facture", "invoice"),
                ItemKind::CreditNote => l.t("avoir", "credit note"),
                ItemKind::Event => l.t("événement", "event"),
                ItemKind::Expense => l.t("dépense", "expense"),
                ItemKind::Activity => l.t("temps passé", "time entry"),
            };
            match change {
                ItemChange::Added => {
                    format!("{} {kind} {}", l.t("Ajout :", "Added:"), quoted(l, label))
                }
                ItemChange::Changed => {
                    format!(
                        "{} {kind} {}",
                        l.t("Modification :", "Changed:"),
                        quoted(l, label)
                    )
                }
                ItemChange::Cancelled => {
                    format!(
                        "{} {kind} {}",
                        l.t("Annulation :", "Cancelled:"),
                        quoted(l, label)
                    )
                }
                ItemChange::Sent { to, pdf_sha256 } => format!(
                    "{} {kind} {label} → {} (PDF SHA-256 {pdf_sha256})",
                    l.t("Envoi :", "Sent:"),
                    to.join(", ")
                ),
                ItemChange::Attendance { user, answer } => {
                    let said = match answer {
                        crate::domain::PartStat::Accepted => l.t("vient", "comes"),
                        crate::domain::PartStat::Declined => l.t("ne vient pas", "does not come"),
                        crate::domain::PartStat::Tentative => l.t("viendra peut-être", "may come"),
                    };
                    format!(
                        "{}{}{} {said} — {kind} {}",
                        l.t("Réponse à l'invitation", "Answer to the invitation"),
                        l.t(" : ", ": "),
                        name_of(people, *user),
                        quoted(l, label)
                    )
                }
                ItemChange::Reminded { step, tone, to } => {
                    let how = format::reminder_tone(l, *tone);
                    format!(
                        "{} {step} ({how}){}{kind} {label} → {}",
                        l.t("Relance", "Reminder"),
                        l.t(" : ", ": "),
                        to.join(", ")
                    )
                }
                ItemChange::Answered(answer) => {
                    let said = match (answer.decision, l) {
                        (crate::domain::Decision::Accept, Lang::Fr) => "Accepté électroniquement",
                        (crate::domain::Decision::Refuse, Lang::Fr) => "Refusé électroniquement",
                        (crate::domain::Decision::Accept, Lang::En) => "Accepted online",
                        (crate::domain::Decision::Refuse, Lang::En) => "Refused online",
                    };
                    let mut line = format!(
                        "{said}{}{kind} {label} — {}",
                        l.t(" : ", ": "),
                        quoted(l, &answer.name)
                    );
                    if !answer.reason.is_empty() {
                        line.push_str(&format!(
                            " ({} {})",
                            l.t("motif :", "reason:"),
                            answer.reason
                        ));
                    }
                    line.push_str(&format!(
                        " · {} {} · IP {} · {} · PDF SHA-256 {}",
                        l.t("code envoyé à", "code sent to"),
                        answer.code_sent_to,
                        answer.ip,
                        answer.user_agent,
                        answer.pdf_sha256
                    ));
                    line
                }
                ItemChange::Status { from, to } => {
                    let doc = match item {
                        ItemKind::Order => DocKind::Order,
                        ItemKind::Invoice => DocKind::Invoice,
                        _ => DocKind::Quote,
                    };
                    format!(
                        "{} {kind} {label} : {} → {}",
                        l.t("Statut :", "Status:"),
                        doc_status(l, doc, *from),
                        doc_status(l, doc, *to)
                    )
                }
            }
        }
        Reference { client: true } => l
            .t("Référence client modifiée", "Client reference changed")
            .into(),
        Reference { client: false } => l
            .t("Référence interne modifiée", "Internal reference changed")
            .into(),
    }
}

/// A label between the quotation marks of the language: « … » / “…”.
fn quoted(l: Lang, label: &str) -> String {
    match l {
        Lang::Fr => format!("« {label} »"),
        Lang::En => format!("“{label}”"),
    }
}
