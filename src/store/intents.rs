//! Notification intents waiting for the notifier, in the order they were written.

use super::{Store, Tree, keys};
use crate::domain::{Intent, IntentId};
use crate::error::Result;

impl Store {
    /// Every pending intent, oldest first.
    pub fn pending_intents(&self) -> Result<Vec<Intent>> {
        self.scan(Tree::Intents, &[])
    }

    /// Removes an intent once the notifications it causes are queued.
    pub fn remove_intent(&self, id: IntentId) -> Result<()> {
        self.write(|tx| tx.remove(Tree::Intents, &keys::one(id.raw())))
    }
}
