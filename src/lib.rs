//! Dossier: a self-hosted server where a small business and the people it works with
//! share each job's dossier, on the web and by e-mail.
//!
//! Data flows one way: a door ([`web`], [`mail`], [`cli`]) parses input into [`domain`] types,
//! calls the [`service`] API, which asks [`policy`] and writes through [`store`] in one
//! transaction (outbox intents included); the door then renders with [`templates`].
//!
//! - [`domain`]: plain types and rules, no I/O (ids, addresses, money, dossier contents).
//! - [`policy`]: SPEC §2's permission table, once.
//! - [`store`]: the only code that touches sled; blobs on disk; group-commit flush.
//! - [`service`]: the one API behind every door; takes the acting user.
//! - [`app`]: the running application: configuration, services, `serve`.
//! - [`web`]: the router and handlers; [`templates`]: maud views and the stylesheet.
//! - [`mail`]: inbound mail (the intake, sender checks, analysis, the pipeline, the SMTP
//!   and LMTP sessions, the IMAP reader) and `mail::outbound`, the notifications.
//! - [`cli`]: `serve`, `admin`, `ingest`, `backup`…; [`config`]: defaults → file → env →
//!   flags; [`running`]: what a running server records in its data folder.
//! - [`metrics`]: counters for `/metrics` and `/healthz`; [`password`]: argon2 hashing;
//!   [`limits`]: every rate limit, on one keyed limiter; [`ical`]: iCalendar
//!   invitations and feeds; [`pdf`], [`facturx`] and [`printing`]: documents as PDF.
//! - [`demo`]: the demo business of `serve --demo`; [`dedicated`]: threads of our own
//!   for heavy blocking work.

pub mod app;
pub mod cli;
pub mod config;
pub mod dedicated;
pub mod demo;
pub mod domain;
pub mod error;
pub mod facturx;
pub mod ical;
pub mod kept;
pub mod limits;
pub mod mail;
pub mod metrics;
pub mod password;
pub mod pdf;
pub mod policy;
pub mod printing;
pub mod running;
pub mod search;
pub mod service;
pub mod store;
#[path = "../templates/mod.rs"]
pub mod templates;
pub mod thumbnails;
pub mod web;

pub use error::{Error, Result};
