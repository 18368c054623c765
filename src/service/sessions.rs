//! Who is signed in: password checks (with a decoy hash for unknown addresses, so timing
//! tells nothing), sessions in the store, one-time sign-in links. The web's sign-in
//! doors call only these.

use chrono::{Duration, Utc};

use super::Services;
use crate::domain::{EmailAddress, Token, User};
use crate::error::Result;
use crate::store::Session;

/// How long a session lasts.
const LIFETIME_DAYS: i64 = 30;

/// A real argon2id hash, checked for unknown addresses and people without a password.
static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::password::hash(&Token::generate().to_string()).unwrap_or_default()
});

impl Services {
    /// The person `email` and `password` name, if they do (slow: argon2).
    pub fn check_password(&self, email: &EmailAddress, password: &str) -> Result<Option<User>> {
        let user = self.store.user_by_email(email)?;
        let phc = user
            .as_ref()
            .and_then(|u| u.password_hash.clone())
            .unwrap_or_else(|| DECOY.clone());
        let ok = crate::password::verify(password, &phc);
        Ok(user.filter(|u| ok && u.password_hash.is_some()))
    }

    /// Starts a session for `user`: its secret id (for the cookie) and the session.
    pub fn start_session(&self, user: &User) -> Result<(String, Session)> {
        let id = Token::generate().to_string();
        let now = Utc::now();
        let session = Session {
            user: user.id,
            csrf: Token::generate().to_string(),
            created_at: now,
            expires_at: now + Duration::days(LIFETIME_DAYS),
            epoch: user.session_epoch,
        };
        self.store.insert_session(&id, &session)?;
        Ok((id, session))
    }

    /// The live session with this id and its person, if any: one of an earlier
    /// generation than the person's (begun before a password change) is over.
    pub fn session(&self, id: &str) -> Result<Option<(Session, User)>> {
        let Some(session) = self.store.session(id)? else {
            return Ok(None);
        };
        // Not removed here: read just as a password change commits, the session kept
        // by that change would be taken for an old one. The change removes the others.
        Ok(self
            .store
            .user(session.user)?
            .filter(|user| user.session_epoch == session.epoch)
            .map(|user| (session, user)))
    }

    /// Ends a session.
    pub fn end_session(&self, id: &str) -> Result<()> {
        self.store.remove_session(id)
    }

    /// Uses a sign-in link once: the person it signs in, if it still works.
    pub fn take_login_link(&self, secret: &str) -> Result<Option<User>> {
        match self.store.take_login_link(secret)? {
            Some(link) => self.store.user(link.user),
            None => Ok(None),
        }
    }

    /// The person with this address, for a sign-in link asked for by anyone (the answer
    /// to the asker never says whether there is one).
    pub fn account_of(&self, email: &EmailAddress) -> Result<Option<User>> {
        self.store.user_by_email(email)
    }
}
