//! Web sessions and one-time sign-in links, stored server side under the SHA-256 of
//! their secret: a stolen copy of the store does not give away live cookies or links.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::tx::abort;
use super::{Store, Tree, keys};
use crate::domain::{User, UserId};
use crate::error::{Error, Result};

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Who.
    pub user: UserId,
    /// The token every form of this session carries (CSRF).
    pub csrf: String,
    /// Since when.
    pub created_at: DateTime<Utc>,
    /// Until when.
    pub expires_at: DateTime<Utc>,
    /// The person's session generation when it began ([`User::session_epoch`]).
    #[serde(default)]
    pub epoch: u64,
}

fn key(id: &str) -> Vec<u8> {
    Sha256::digest(id.as_bytes()).to_vec()
}

impl Store {
    /// Records a session under its id.
    pub fn insert_session(&self, id: &str, session: &Session) -> Result<()> {
        self.write(|tx| tx.put(Tree::Sessions, &key(id), session))
    }

    /// The live session with this id, if any (an expired one is removed).
    pub fn session(&self, id: &str) -> Result<Option<Session>> {
        let Some(session) = self.get::<Session>(Tree::Sessions, &key(id))? else {
            return Ok(None);
        };
        if session.expires_at <= Utc::now() {
            self.remove_session(id)?;
            return Ok(None);
        }
        Ok(Some(session))
    }

    /// Ends a session.
    pub fn remove_session(&self, id: &str) -> Result<()> {
        self.write(|tx| tx.remove(Tree::Sessions, &key(id)))
    }

    /// Ends every session of `user` but the one with id `keep` (a changed password);
    /// returns how many ended.
    pub fn end_other_sessions(&self, user: UserId, keep: &str) -> Result<usize> {
        let others = self.other_sessions(user, keep)?;
        self.write(|tx| {
            for k in &others {
                tx.remove(Tree::Sessions, k)?;
            }
            Ok(())
        })?;
        Ok(others.len())
    }

    /// Sets `user`'s password hash and ends their sessions but `keep` (none when it is
    /// empty), in one transaction: a crash never leaves the new password with the old
    /// sessions still open. The person's session generation moves on with it, `keep`
    /// along: a session begun with the old password while this ran is over too, though
    /// the scan for the others did not see it.
    pub fn set_password_hash(&self, user: UserId, phc: &str, keep: &str) -> Result<User> {
        let others = self.other_sessions(user, keep)?;
        self.write(|tx| {
            let key = keys::one(user.raw());
            let Some(mut found) = tx.get::<User>(Tree::Users, &key)? else {
                return abort(Error::NotFound);
            };
            found.password_hash = Some(phc.to_string());
            found.session_epoch += 1;
            tx.put(Tree::Users, &key, &found)?;
            tx.people_changed()?;
            if let Some(mut kept) = tx.get::<Session>(Tree::Sessions, &self::key(keep))? {
                kept.epoch = found.session_epoch;
                tx.put(Tree::Sessions, &self::key(keep), &kept)?;
            }
            for k in &others {
                tx.remove(Tree::Sessions, k)?;
            }
            Ok(found)
        })
    }

    /// The keys of `user`'s sessions but `keep`.
    fn other_sessions(&self, user: UserId, keep: &str) -> Result<Vec<Vec<u8>>> {
        let kept = key(keep);
        let mut others = Vec::new();
        for entry in self.tree(Tree::Sessions).iter() {
            let (k, bytes) = entry?;
            let session: Session = serde_json::from_slice(&bytes)?;
            if session.user == user && k.as_ref() != kept.as_slice() {
                others.push(k.to_vec());
            }
        }
        Ok(others)
    }
}

/// A one-time sign-in link (also used for invitations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginLink {
    /// Who it signs in.
    pub user: UserId,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Records a sign-in link under its secret.
    pub fn insert_login_link(&self, secret: &str, link: &LoginLink) -> Result<()> {
        self.write(|tx| tx.put(Tree::LoginLinks, &key(secret), link))
    }

    /// Uses a sign-in link: returns it and removes it in one transaction, so it works
    /// once; an expired one is removed and gives nothing.
    pub fn take_login_link(&self, secret: &str) -> Result<Option<LoginLink>> {
        let link = self.write(|tx| {
            let link = tx.get::<LoginLink>(Tree::LoginLinks, &key(secret))?;
            if link.is_some() {
                tx.remove(Tree::LoginLinks, &key(secret))?;
            }
            Ok(link)
        })?;
        Ok(link.filter(|l| l.expires_at > Utc::now()))
    }
}
