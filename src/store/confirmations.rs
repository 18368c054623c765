//! Quote answers waiting for their e-mailed code, keyed (user, document): one at a time
//! per person and quote (asking again replaces it), each typed code checked and its try
//! counted in one transaction, the right code used once.

use chrono::{DateTime, Utc};

use super::tx::TxResult;
use super::{Store, Tree, keys};
use crate::domain::{CodeCheck, Confirmation, DocumentId, UserId};
use crate::error::Result;

fn key(user: UserId, document: DocumentId) -> [u8; 16] {
    keys::two(user.raw(), document.raw())
}

impl Store {
    /// The answer `user` is confirming on `document`, if any.
    pub fn confirmation(&self, user: UserId, document: DocumentId) -> Result<Option<Confirmation>> {
        self.get(Tree::Confirmations, &key(user, document))
    }

    /// Keeps `confirmation`, replacing the one before.
    pub fn put_confirmation(&self, confirmation: &Confirmation) -> Result<()> {
        let key = key(confirmation.user, confirmation.document);
        self.write(|tx| tx.put(Tree::Confirmations, &key, confirmation))
    }

    /// Checks `typed` against the code `user` was sent for `document`: the right code in
    /// time is used up, a wrong one costs a try, a spent or late one is forgotten.
    pub fn check_code(
        &self,
        user: UserId,
        document: DocumentId,
        typed: &str,
        now: DateTime<Utc>,
    ) -> Result<CodeCheck> {
        let key = key(user, document);
        self.write(|tx| -> TxResult<CodeCheck> {
            let Some(mut pending) = tx.get::<Confirmation>(Tree::Confirmations, &key)? else {
                return Ok(CodeCheck::Over);
            };
            if !pending.open_at(now) {
                tx.remove(Tree::Confirmations, &key)?;
                return Ok(CodeCheck::Over);
            }
            if pending.is_code(typed) {
                tx.remove(Tree::Confirmations, &key)?;
                return Ok(CodeCheck::Right(Box::new(pending)));
            }
            pending.tries_left -= 1;
            if pending.tries_left == 0 {
                tx.remove(Tree::Confirmations, &key)?;
            } else {
                tx.put(Tree::Confirmations, &key, &pending)?;
            }
            Ok(CodeCheck::Wrong(pending.tries_left))
        })
    }
}
