//! A form shown again after a refusal keeps everything the reader typed and puts the
//! sentence next to the field it is about, in the reader's language (above the form
//! when it is about no field of it). Fresh forms show the item's current values.

use std::collections::HashMap;

use maud::{Markup, html};

use crate::domain::Lang;
use crate::error::Refusal;

/// A form's fields as posted: name → value.
pub type Fields = HashMap<String, String>;

/// The state a form is drawn in: fresh, or again with what was typed and why it was
/// refused.
#[derive(Clone, Copy)]
pub struct Typed<'a> {
    /// The reader's language.
    pub lang: Lang,
    fields: Option<&'a Fields>,
    refusal: Option<&'a Refusal>,
}

/// What a form shows again: the fields as posted, and why they were refused (none when
/// the form is only drawn again, with one more line).
#[derive(Debug, Clone, Default)]
pub struct Again {
    /// The fields as posted.
    pub fields: Fields,
    /// Why they were refused.
    pub refusal: Option<Refusal>,
    /// Which form of the page was posted, on a page with several ("" for the only one).
    pub form: &'static str,
}

impl<'a> Typed<'a> {
    /// A form shown for the first time.
    pub fn fresh(lang: Lang) -> Typed<'a> {
        Typed {
            lang,
            fields: None,
            refusal: None,
        }
    }

    /// A form shown again with what was posted, fresh when there is nothing to show again.
    pub fn of(lang: Lang, again: Option<&'a Again>) -> Typed<'a> {
        Typed {
            lang,
            fields: again.map(|a| &a.fields),
            refusal: again.and_then(|a| a.refusal.as_ref()),
        }
    }

    /// The form `form` of a page with several: shown again only if it is the one posted.
    pub fn of_form(lang: Lang, again: Option<&'a Again>, form: &str) -> Typed<'a> {
        Typed::of(lang, again.filter(|a| a.form == form))
    }

    /// Whether this is a form shown again.
    pub fn is_again(&self) -> bool {
        self.fields.is_some()
    }

    /// The fields as posted, on a form shown again.
    pub fn posted(&self) -> Option<&'a Fields> {
        self.fields
    }

    /// What the field `name` shows: what was typed, or `current` on a fresh form.
    pub fn value(&self, name: &str, current: &str) -> String {
        match self.fields {
            Some(fields) => fields.get(name).cloned().unwrap_or_default(),
            None => current.to_string(),
        }
    }

    /// Whether the checkbox `name` is ticked: as posted, or `current` on a fresh form.
    pub fn ticked(&self, name: &str, current: bool) -> bool {
        match self.fields {
            Some(fields) => fields.contains_key(name),
            None => current,
        }
    }

    /// The refusal's sentence if it is about `name`.
    fn about(&self, name: &str) -> Option<&'a str> {
        let refusal = self.refusal?;
        (refusal.field() == Some(name)).then(|| refusal.say(self.lang))
    }

    /// `aria-invalid` for the field `name`.
    pub fn invalid(&self, name: &str) -> Option<&'static str> {
        self.about(name).map(|_| "true")
    }

    /// `aria-describedby` for the field `name`: its sentence.
    pub fn described(&self, name: &str) -> Option<String> {
        self.about(name).map(|_| format!("{name}-error"))
    }

    /// The sentence next to the field `name`, if it is about it.
    pub fn error(&self, name: &str) -> Markup {
        html! {
            @if let Some(why) = self.about(name) {
                p.field-error id={ (name) "-error" } role="alert" { (why) }
            }
        }
    }

    /// A labelled one-line text field `name` showing `current` (what was typed, on a form
    /// shown again), with its sentence when it is the one refused.
    pub fn text(&self, name: &str, label: &str, current: &str) -> Markup {
        html! {
            label for=(name) { (label) }
            input id=(name) type="text" name=(name) value=(self.value(name, current)) aria-invalid=[self.invalid(name)] aria-describedby=[self.described(name)];
            (self.error(name))
        }
    }

    /// A labelled checkbox `name`, ticked as posted or as `current`.
    pub fn checkbox(&self, name: &str, label: &str, current: bool) -> Markup {
        html! {
            label.check {
                input type="checkbox" name=(name) value="on" checked[self.ticked(name, current)] aria-invalid=[self.invalid(name)] aria-describedby=[self.described(name)];
                " " (label)
            }
            (self.error(name))
        }
    }

    /// The sentence above a form whose fields are `names`, when it is about none of them.
    pub fn general(&self, names: &[&str]) -> Markup {
        html! {
            @if let Some(refusal) = self.refusal {
                @if refusal.field().is_none_or(|f| !names.contains(&f)) {
                    p.error role="alert" { (refusal.say(self.lang)) }
                }
            }
        }
    }
}

/// The most lines a document form reads (the service refuses more).
pub const MAX_LINES: usize = 500;
