//! The notification e-mail: subject, text part and HTML part, in the reader's language.
//! Plain data in; every user text is escaped by maud.

use maud::{DOCTYPE, Markup, html};

use crate::domain::reminders::Tone;
use crate::domain::{DocKind, EventChange, Lang};

/// One addition, ready to show.
pub enum ItemView {
    /// A message, with the files that came with it.
    Message {
        /// Its text.
        text: String,
        /// Attached files: name and link.
        files: Vec<(String, String)>,
        /// Link to the message.
        url: String,
    },
    /// A file.
    File {
        /// Its name.
        name: String,
        /// Link to download it.
        url: String,
    },
    /// An event, new, changed or cancelled.
    Event {
        /// What happened.
        change: EventChange,
        /// Title.
        title: String,
        /// When, formatted.
        when: String,
        /// Where.
        place: String,
        /// Details.
        description: String,
        /// Link to the event.
        url: String,
    },
    /// A quote, order, invoice or credit note, sent with its PDF.
    Document {
        /// Its kind.
        kind: DocKind,
        /// Its number (`D-2026-0001`).
        number: String,
        /// Its title.
        title: String,
        /// Its total with VAT, formatted.
        total: String,
        /// Until when a quote holds, or when an invoice is due, formatted.
        until: Option<String>,
        /// What the sender wrote with it.
        note: String,
        /// The attached PDF's name.
        pdf: String,
        /// Link to it.
        url: String,
        /// The tone of the reminder this is, if it is one (its words are the note).
        reminder: Option<Tone>,
    },
}

/// Everything one e-mail shows.
pub struct EmailView {
    /// The reader's language.
    pub lang: Lang,
    /// The business's name.
    pub business: String,
    /// `2026-0042`.
    pub number: String,
    /// The dossier's title.
    pub title: String,
    /// Who added the items.
    pub author: String,
    /// The items, in order.
    pub items: Vec<ItemView>,
    /// Link to the dossier.
    pub dossier_url: String,
    /// One-click mute link.
    pub mute_url: String,
}

fn fr(lang: Lang) -> bool {
    lang == Lang::Fr
}

/// The subject: dossier number and title, then what happened.
pub fn subject(view: &EmailView) -> String {
    let what = match (view.items.as_slice(), fr(view.lang)) {
        ([ItemView::Message { .. }], true) => format!("nouveau message de {}", view.author),
        ([ItemView::Message { .. }], false) => format!("new message from {}", view.author),
        ([ItemView::File { name, .. }], true) => format!("nouveau fichier {name}"),
        ([ItemView::File { name, .. }], false) => format!("new file {name}"),
        ([ItemView::Event { change, title, .. }], french) => {
            format!("{} {title}", event_word(*change, french))
        }
        (
            [
                ItemView::Document {
                    kind,
                    number,
                    reminder,
                    ..
                },
            ],
            french,
        ) => {
            let what = match (reminder, french) {
                (None, _) => "",
                (Some(Tone::Formal), true) => "mise en demeure : ",
                (Some(Tone::Formal), false) => "formal notice: ",
                (Some(_), true) => "rappel : ",
                (Some(_), false) => "reminder: ",
            };
            format!("{what}{} {number}", document_word(*kind, french))
        }
        (items, true) => format!("{} nouveautés de {}", items.len(), view.author),
        (items, false) => format!("{} updates from {}", items.len(), view.author),
    };
    format!("[{}] {} — {what}", view.number, view.title)
}

fn event_word(change: EventChange, french: bool) -> &'static str {
    match (change, french) {
        (EventChange::Created, true) => "nouvel événement :",
        (EventChange::Updated, true) => "événement modifié :",
        (EventChange::Cancelled, true) => "événement annulé :",
        (EventChange::Created, false) => "new event:",
        (EventChange::Updated, false) => "event changed:",
        (EventChange::Cancelled, false) => "event cancelled:",
    }
}

/// A kind of document as a subject names it.
fn document_word(kind: DocKind, french: bool) -> &'static str {
    match (kind, french) {
        (DocKind::Quote, true) => "devis",
        (DocKind::Order, true) => "commande",
        (DocKind::Invoice, true) => "facture",
        (DocKind::CreditNote, true) => "avoir",
        (DocKind::Quote, false) => "quote",
        (DocKind::Order, false) => "order",
        (DocKind::Invoice, false) => "invoice",
        (DocKind::CreditNote, false) => "credit note",
    }
}

/// What a document e-mail says before the sender's note: who sends what, for how much,
/// until when.
fn document_lines(view: &EmailView, item: &ItemView) -> (String, Option<String>, String) {
    let ItemView::Document {
        kind,
        number,
        title,
        total,
        until,
        pdf,
        ..
    } = item
    else {
        return Default::default();
    };
    let author = &view.author;
    match view.lang {
        Lang::Fr => {
            let what = match kind {
                DocKind::Quote => "le devis",
                DocKind::Order => "la commande",
                DocKind::Invoice => "la facture",
                DocKind::CreditNote => "l'avoir",
            };
            let until = until.as_ref().map(|day| match kind {
                DocKind::Quote => format!("Valable jusqu'au {day}."),
                _ => format!("À régler au plus tard le {day}."),
            });
            (
                format!("{author} vous envoie {what} {number} « {title} » : {total} TTC."),
                until,
                match kind {
                    DocKind::Quote => format!(
                        "Le PDF ({pdf}) est joint à cet e-mail ; vous pouvez aussi le lire et l'accepter en ligne :"
                    ),
                    _ => format!(
                        "Le PDF ({pdf}) est joint à cet e-mail ; vous le retrouvez aussi en ligne :"
                    ),
                },
            )
        }
        Lang::En => {
            let until = until.as_ref().map(|day| match kind {
                DocKind::Quote => format!("Valid until {day}."),
                _ => format!("Due by {day}."),
            });
            (
                format!(
                    "{author} sends you {} {number} “{title}”: {total} incl. VAT.",
                    document_word(*kind, false)
                ),
                until,
                match kind {
                    DocKind::Quote => format!(
                        "The PDF ({pdf}) is attached to this e-mail; you can also read and accept it online:"
                    ),
                    _ => format!("The PDF ({pdf}) is attached to this e-mail; it is also online:"),
                },
            )
        }
    }
}

fn reply_line(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => {
            "Répondez à cet e-mail pour écrire dans le dossier ; vos pièces jointes y seront ajoutées."
        }
        Lang::En => {
            "Reply to this e-mail to write in the dossier; your attachments will be added to it."
        }
    }
}

fn labels(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::Fr => (
            "Ouvrir le dossier",
            "Ne plus recevoir d'e-mails pour ce dossier",
            "a écrit",
        ),
        Lang::En => (
            "Open the dossier",
            "Stop e-mails about this dossier",
            "wrote",
        ),
    }
}

/// The text part.
pub fn text(view: &EmailView) -> String {
    let (open, mute, wrote) = labels(view.lang);
    let mut out = format!("{} — {} {}\n\n", view.business, view.number, view.title);
    for item in &view.items {
        match item {
            ItemView::Message { text, files, url } => {
                out.push_str(&format!("{} {wrote} :\n\n{text}\n", view.author));
                for (name, link) in files {
                    out.push_str(&format!("  📎 {name} <{link}>\n"));
                }
                out.push_str(&format!("<{url}>\n\n"));
            }
            ItemView::File { name, url } => out.push_str(&format!("📎 {name} <{url}>\n\n")),
            ItemView::Event {
                change,
                title,
                when,
                place,
                description,
                url,
            } => {
                out.push_str(&format!(
                    "{} {title}\n{when}\n",
                    event_word(*change, fr(view.lang))
                ));
                if !place.is_empty() {
                    out.push_str(&format!("{place}\n"));
                }
                if !description.is_empty() {
                    out.push_str(&format!("{description}\n"));
                }
                out.push_str(&format!("<{url}>\n\n"));
            }
            ItemView::Document {
                note,
                url,
                reminder,
                ..
            } => {
                let (sends, until, online) = document_lines(view, item);
                if reminder.is_none() {
                    out.push_str(&format!("{sends}\n"));
                    if let Some(until) = until {
                        out.push_str(&format!("{until}\n"));
                    }
                    out.push('\n');
                }
                if !note.is_empty() {
                    out.push_str(&format!("{note}\n"));
                }
                out.push_str(&format!("\n{online}\n<{url}>\n\n"));
            }
        }
    }
    out.push_str(&format!(
        "-- \n{}\n{open} : {}\n{mute} : {}\n",
        reply_line(view.lang),
        view.dossier_url,
        view.mute_url
    ));
    out
}

/// The HTML part.
pub fn html(view: &EmailView) -> Markup {
    let (open, mute, wrote) = labels(view.lang);
    html! {
        (DOCTYPE)
        html lang=(view.lang.code()) {
            head { meta charset="utf-8"; title { (subject(view)) } }
            body style="font-family: system-ui, sans-serif; color: #1f2933; max-width: 40rem;" {
                p style="color: #52606d;" { (view.business) " — " strong { (view.number) } " " (view.title) }
                @for item in &view.items {
                    @match item {
                        ItemView::Message { text, files, url } => {
                            p { strong { (view.author) } " " (wrote) " :" }
                            blockquote style="white-space: pre-wrap; border-left: 3px solid #2f6f62; margin: 0; padding-left: 1em;" { (text) }
                            @if !files.is_empty() {
                                ul { @for (name, link) in files { li { a href=(link) { (name) } } } }
                            }
                            p { a href=(url) { (open) } }
                        }
                        ItemView::File { name, url } => {
                            p { "📎 " a href=(url) { (name) } }
                        }
                        ItemView::Event { change, title, when, place, description, url } => {
                            h2 style="font-size: 1.1em;" { (event_word(*change, fr(view.lang))) " " (title) }
                            p { (when) @if !place.is_empty() { br; (place) } }
                            @if !description.is_empty() { p style="white-space: pre-wrap;" { (description) } }
                            p { a href=(url) { (open) } }
                        }
                        ItemView::Document { note, url, reminder, .. } => {
                            @let (sends, until, online) = document_lines(view, item);
                            @if reminder.is_none() { p { strong { (sends) } @if let Some(until) = until { br; (until) } } }
                            @if !note.is_empty() { p style="white-space: pre-wrap;" { (note) } }
                            p { (online) " " a href=(url) { (url) } }
                        }
                    }
                }
                hr;
                p { (reply_line(view.lang)) }
                p style="font-size: 0.9em;" { a href=(view.dossier_url) { (open) } " · " a href=(view.mute_url) { (mute) } }
            }
        }
    }
}
