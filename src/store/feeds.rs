//! Private calendar feeds: an unguessable token per person (and per person and dossier)
//! that a calendar application subscribes to without signing in. Resetting gives new
//! tokens and the old ones stop working.

use serde::{Deserialize, Serialize};

use super::tx::abort;
use super::{Store, Tree, keys};
use crate::domain::{DossierId, Token, UserId};
use crate::error::{Error, Result};

/// What a feed token opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feed {
    /// Whose feed: events are those this person may see.
    pub user: UserId,
    /// One dossier's events only, or every dossier's.
    pub dossier: Option<DossierId>,
}

fn index(user: UserId, dossier: Option<DossierId>) -> [u8; 16] {
    keys::two(user.raw(), dossier.map_or(0, |d| d.raw()))
}

impl Store {
    /// The token of a feed, made on first use.
    pub fn feed_token(&self, user: UserId, dossier: Option<DossierId>) -> Result<Token> {
        // Read first: every calendar and dossier page asks, and the token is made once.
        if let Some(token) = self.get::<Token>(Tree::FeedIndex, &index(user, dossier))? {
            return Ok(token);
        }
        let fresh = Token::generate();
        self.write(|tx| {
            if let Some(token) = tx.get::<Token>(Tree::FeedIndex, &index(user, dossier))? {
                return Ok(token);
            }
            tx.put(Tree::FeedIndex, &index(user, dossier), &fresh)?;
            tx.put(
                Tree::Feeds,
                fresh.as_str().as_bytes(),
                &Feed { user, dossier },
            )?;
            Ok(fresh.clone())
        })
    }

    /// The feed a token opens.
    pub fn feed(&self, token: &Token) -> Result<Option<Feed>> {
        self.get(Tree::Feeds, token.as_str().as_bytes())
    }

    /// Forgets every feed token of `user`: subscriptions must be made again.
    pub fn reset_feeds(&self, user: UserId) -> Result<()> {
        let entries: Vec<(Vec<u8>, Token)> = self
            .tree(Tree::FeedIndex)
            .scan_prefix(keys::one(user.raw()))
            .map(|e| {
                let (key, value) = e?;
                Ok((key.to_vec(), serde_json::from_slice(&value)?))
            })
            .collect::<Result<_>>()?;
        self.write(|tx| {
            for (key, token) in &entries {
                tx.remove(Tree::FeedIndex, key)?;
                tx.remove(Tree::Feeds, token.as_str().as_bytes())?;
            }
            if entries.is_empty() && !tx.contains(Tree::Users, &keys::one(user.raw()))? {
                return abort(Error::NotFound);
            }
            Ok(())
        })
    }
}
