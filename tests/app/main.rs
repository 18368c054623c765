//! The one integration-test binary: helpers, then one file per capability.

mod admin_cli;
mod behind_postfix;
mod blob_gc;
mod dkim_signing;
mod dns;
mod docs;
mod faults;
mod helpers;
mod hostile_mail;
mod inbound_analysis;
mod inbound_doors;
mod inbound_imap;
mod inbound_ingest;
mod inbound_smtp;
mod listing;
mod mail_support;
mod notify;
mod peers;
mod policy_table;
mod reply_corpus;
mod search_index;
mod sender_auth;
mod serve;
mod smtp_session;
mod store_durability;
mod web;
