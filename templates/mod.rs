//! The view functions (maud) and the stylesheet, compiled into the binary. Templates
//! take plain data and return `Markup`; they never load anything and never mark user
//! text as pre-escaped.

pub mod admin;
pub mod business;
pub mod calendar;
pub mod directory;
pub mod dossier;
pub mod email;
pub mod fields;
pub mod format;
pub mod forms;
pub mod home;
pub mod item_pages;
pub mod layout;
pub mod pages;
pub mod settings;
pub mod sheet;

/// The one stylesheet.
pub const STYLESHEET: &str = include_str!("style.css");

/// The document form's line editor, for readers whose browser runs scripts.
pub const LINES_SCRIPT: &str = include_str!("lines.js");
