//! The one integration-test binary: helpers, then one file per capability.

mod admin_cli;
mod helpers;
mod listing;
mod policy_table;
mod serve;
mod store_durability;
