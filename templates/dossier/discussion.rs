//! The discussion section: the newest messages (with a link to the earlier ones), each
//! with its files, how its sender was recognised and its quoted text folded; then the
//! form to write one.

use maud::{Markup, PreEscaped, html};

use super::{Page, format, name_of, section_page};
use crate::domain::{Door, FileEntry, Message, Status, Trust};
use crate::service::Section;
use crate::templates::fields::Typed;

/// The discussion section, around `shown`: the messages as [`messages`] renders them;
/// `agreed`, a client's message that agrees to a quote, offers staff to accept the
/// quotes waiting for an answer.
pub fn discussion(
    p: &Page,
    earlier: usize,
    shown: PreEscaped<&str>,
    agreed: Option<&Message>,
    typed: Typed,
) -> Markup {
    let l = p.lang();
    let d = &p.header.dossier;
    let awaiting = p
        .header
        .money
        .as_ref()
        .map(|m| m.awaiting.as_slice())
        .unwrap_or_default();
    section_page(
        p,
        Section::Discussion,
        html! {
            @if let Some(message) = agreed {
                aside.offer aria-labelledby="offer-title" {
                    p #offer-title {
                        strong { (name_of(p.people, message.author)) }
                        (l.t(" semble accepter un devis : ", " seems to accept a quote: "))
                        a href={ "#message-" (message.id) } { (l.t("lire son message", "read the message")) }
                        (l.t(". Rien n'est accepté sans votre clic.", ". Nothing is accepted without your click."))
                    }
                    @for (id, number) in awaiting {
                        form.inline method="post" action={ (p.base()) "/documents/" (id) "/status" } {
                            input type="hidden" name="csrf" value=(p.csrf());
                            input type="hidden" name="status" value="accepted";
                            button type="submit" { (l.t("Accepter le devis ", "Accept quote ")) (number) }
                        } " "
                    }
                }
            }
            @if earlier > 0 {
                p.more { a href={ (p.base()) "?all=messages" } {
                    (l.t("Afficher les ", "Show the ")) (earlier) (l.t(" messages précédents", " earlier messages"))
                } }
            }
            (shown)
            @if d.status == Status::Open {
                form.post method="post" action={ (p.base()) "/messages" } enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(p.csrf());
                    (typed.general(&["text"]))
                    label for="text" { (l.t("Votre message", "Your message")) }
                    textarea #text name="text" rows="4" aria-invalid=[typed.invalid("text")] aria-describedby=[typed.described("text")] { (typed.value("text", "")) }
                    (typed.error("text"))
                    label for="files" { (l.t("Fichiers", "Files")) }
                    input #files type="file" name="files" multiple;
                    @if typed.is_again() {
                        p.hint { (l.t("Les fichiers ne sont pas gardés quand un message est refusé : choisissez-les à nouveau.", "Files are not kept when a message is refused: choose them again.")) }
                    }
                    button type="submit" { (l.t("Envoyer", "Send")) }
                }
            }
        },
    )
}

/// The messages, each with its files, how its sender was recognised and its quoted
/// text folded. It depends only on the messages, their files, their authors' names, the
/// reader's language and what the reader may open: the same for the same
/// [`crate::service::DiscussionVersion`] and reader, so it can be kept.
pub fn messages(p: &Page, messages: &[Message], attachments: &[FileEntry]) -> Markup {
    let (l, zone) = (p.lang(), p.config.timezone);
    html! {
        @if messages.is_empty() { p { (l.t("Aucun message pour l'instant.", "No message yet.")) } }
        @for message in messages {
            article.message id={ "message-" (message.id) } {
                header {
                    strong { (name_of(p.people, message.author)) }
                    " · " time datetime=(message.at.to_rfc3339()) { (format::datetime(l, zone, message.at)) }
                    @if message.door == Door::Email { (l.t(" · par e-mail", " · by e-mail")) }
                    @if let Some(trust) = message.mail.as_ref().and_then(|m| m.trust.as_ref()) {
                        " " span.trust.(trust_class(trust)) title=(l.t("Comment l'expéditeur a été reconnu", "How the sender was recognised")) { (trust.label(l)) }
                    }
                }
                div.text { (message.text) }
                @if !message.elided.is_empty() {
                    details { summary { (l.t("Afficher le texte cité", "Show the quoted text")) } pre { (message.elided) } }
                }
                @let files: Vec<&FileEntry> = attachments.iter().filter(|f| message.attachments.contains(&f.id)).collect();
                @if !files.is_empty() {
                    ul.attachments { @for f in files { li {
                        a href={ (p.base()) "/files/" (f.id) } { (f.blob.name) }
                        " " span.meta { (format::size(l, f.blob.size)) }
                    } } }
                }
                @if message.mail.is_some() && crate::policy::may_read_original(&p.reader.user, p.header.role, message.author) {
                    p.original { a href={ (p.base()) "/messages/" (message.id) "/original" } { (l.t("Afficher l'e-mail d'origine", "Show the original e-mail")) } }
                }
            }
        }
    }
}

/// The badge's style: verified in green, anything a person vouched for in neutral, the
/// unsafe setting in warning colours.
fn trust_class(trust: &Trust) -> &'static str {
    match trust {
        Trust::Domain { .. } | Trust::ReplyAddress => "verified",
        Trust::ApprovedBy { .. } => "approved",
        Trust::Unverified => "unverified",
    }
}
