//! The SMTP and LMTP listener: a session state machine over any byte stream
//! ([`session`]) and the accept loop with its connection caps ([`server`]).

mod auth;
mod data;
mod envelope;
pub mod lines;
pub mod server;
pub mod session;
pub mod tls;

pub use server::{Listener, SmtpShared};
pub use session::{Mode, Peer, SessionSettings};
