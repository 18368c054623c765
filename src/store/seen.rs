//! What each reader has seen of each discussion: the newest message id they were shown,
//! for the unread markers of their home page. Kept apart from the dossier (a read is not
//! a change of the dossier): one small write when a discussion shows something new.

use super::{Store, Tree, keys};
use crate::domain::{DossierId, Message, UserId};
use crate::error::Result;

impl Store {
    /// The newest message of `dossier` that `user` has seen, if any.
    pub fn seen(&self, user: UserId, dossier: DossierId) -> Result<Option<u64>> {
        self.get(Tree::Seen, &keys::two(user.raw(), dossier.raw()))
    }

    /// Notes that `user` has seen `dossier`'s discussion up to `message`; an older mark
    /// never replaces a newer one.
    pub fn mark_seen(&self, user: UserId, dossier: DossierId, message: u64) -> Result<()> {
        if self
            .seen(user, dossier)?
            .is_some_and(|seen| seen >= message)
        {
            return Ok(());
        }
        let key = keys::two(user.raw(), dossier.raw());
        self.tree(Tree::Seen)
            .insert(key, serde_json::to_vec(&message)?)?;
        Ok(())
    }

    /// The newest message of `dossier`, if it has one.
    pub fn last_message(&self, dossier: DossierId) -> Result<Option<Message>> {
        match self
            .tree(Tree::Messages)
            .scan_prefix(keys::one(dossier.raw()))
            .next_back()
        {
            Some(entry) => Ok(Some(serde_json::from_slice(&entry?.1)?)),
            None => Ok(None),
        }
    }

    /// How many messages of `dossier` by someone else than `reader` came after the
    /// message `seen` (all of them when nothing was seen), counting at most `cap`.
    pub fn messages_after(
        &self,
        dossier: DossierId,
        seen: Option<u64>,
        reader: UserId,
        cap: usize,
    ) -> Result<usize> {
        let from = keys::two(dossier.raw(), seen.map_or(0, |s| s.saturating_add(1)));
        let to = keys::two(dossier.raw(), u64::MAX);
        let mut count = 0;
        for entry in self.tree(Tree::Messages).range(from..=to) {
            let message: Message = serde_json::from_slice(&entry?.1)?;
            if message.author != reader {
                count += 1;
                if count >= cap {
                    break;
                }
            }
        }
        Ok(count)
    }
}
