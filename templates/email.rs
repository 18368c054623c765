//! The notification e-mail: subject, text part and HTML part, in the reader's language.
//! Plain data in; every user text is escaped by maud.

use maud::{DOCTYPE, Markup, html};

use crate::domain::{EventChange, Lang};

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
                    }
                }
                hr;
                p { (reply_line(view.lang)) }
                p style="font-size: 0.9em;" { a href=(view.dossier_url) { (open) } " · " a href=(view.mute_url) { (mute) } }
            }
        }
    }
}
