//! What the mail doors record: reply and bounce addresses, the processing log, held
//! mail, claims (work done once), and the health of the addresses we send to.

use chrono::{DateTime, Utc};

use super::tx::{Tx, TxResult, abort};
use super::{Store, Tree, keys};
use crate::domain::{
    AddressHealth, BounceTarget, DossierId, EmailAddress, HARD_BOUNCE_LIMIT, HeldId, HeldMail,
    LogEntry, OutMail, OutState, ReplyAddress, Token, UserId,
};
use crate::error::{Error, Result};

impl Store {
    /// The reply address of `user` on `dossier` and its mute token, made on first use;
    /// read without a transaction once both exist, since every notification asks.
    pub fn reply_address(&self, dossier: DossierId, user: UserId) -> Result<ReplyAddress> {
        if let Some(found) = self.made_reply_address(dossier, user)? {
            return Ok(found);
        }
        self.make_reply_addresses(&[(dossier, user)])?;
        self.made_reply_address(dossier, user)?
            .ok_or_else(|| Error::storage("a reply address just made cannot be read"))
    }

    /// The reply address of `user` on `dossier` when it exists with its mute token.
    fn made_reply_address(&self, dossier: DossierId, user: UserId) -> Result<Option<ReplyAddress>> {
        let index = keys::two(dossier.raw(), user.raw());
        match self.get::<Token>(Tree::ReplyIndex, &index)? {
            Some(token) => Ok(self.reply_by_token(&token)?.filter(|r| r.mute.is_some())),
            None => Ok(None),
        }
    }

    /// Makes the reply addresses (and mute tokens) of `pairs` that do not exist yet, in
    /// one transaction: a pass of notifications to new dossiers writes sled's log once.
    pub fn make_reply_addresses(&self, pairs: &[(DossierId, UserId)]) -> Result<()> {
        let mut missing = Vec::new();
        for &(dossier, user) in pairs {
            if self.made_reply_address(dossier, user)?.is_none() {
                missing.push(ReplyAddress {
                    token: Token::generate(),
                    dossier,
                    user,
                    created_at: Utc::now(),
                    revoked: false,
                    mute: Some(Token::generate()),
                });
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let touched = [Tree::ReplyIndex, Tree::ReplyTokens, Tree::MuteTokens];
        self.write_in(&touched, |tx| {
            for fresh in &missing {
                let index = keys::two(fresh.dossier.raw(), fresh.user.raw());
                let existing = match tx.get::<Token>(Tree::ReplyIndex, &index)? {
                    Some(token) => {
                        tx.get::<ReplyAddress>(Tree::ReplyTokens, token.as_str().as_bytes())?
                    }
                    None => None,
                };
                let address = match existing {
                    Some(found) if found.mute.is_some() => continue,
                    // An address made before mute tokens came with it gets its own now.
                    Some(found) => ReplyAddress {
                        mute: fresh.mute.clone(),
                        ..found
                    },
                    None => fresh.clone(),
                };
                tx.put(Tree::ReplyIndex, &index, &address.token)?;
                tx.put(
                    Tree::ReplyTokens,
                    address.token.as_str().as_bytes(),
                    &address,
                )?;
                if let Some(mute) = &address.mute {
                    tx.put(Tree::MuteTokens, mute.as_str().as_bytes(), &address.token)?;
                }
            }
            Ok(())
        })
    }

    /// The reply address a mute token mutes.
    pub fn reply_by_mute_token(&self, mute: &Token) -> Result<Option<ReplyAddress>> {
        match self.get::<Token>(Tree::MuteTokens, mute.as_str().as_bytes())? {
            Some(token) => self.reply_by_token(&token),
            None => Ok(None),
        }
    }

    /// The reply address with this token.
    pub fn reply_by_token(&self, token: &Token) -> Result<Option<ReplyAddress>> {
        self.get(Tree::ReplyTokens, token.as_str().as_bytes())
    }

    /// Revokes a reply address: mail to it is held from now on, and the next
    /// notification gets a new one.
    pub fn revoke_reply(&self, token: &Token) -> Result<()> {
        self.write(|tx| {
            let Some(mut reply) =
                tx.get::<ReplyAddress>(Tree::ReplyTokens, token.as_str().as_bytes())?
            else {
                return abort(Error::NotFound);
            };
            reply.revoked = true;
            tx.put(Tree::ReplyTokens, token.as_str().as_bytes(), &reply)?;
            tx.remove(
                Tree::ReplyIndex,
                &keys::two(reply.dossier.raw(), reply.user.raw()),
            )
        })
    }

    /// Records where a new bounce address points.
    pub fn insert_bounce_target(&self, target: &BounceTarget) -> Result<()> {
        self.write(|tx| tx.put(Tree::BounceTokens, target.token.as_str().as_bytes(), target))
    }

    /// Where a bounce address points.
    pub fn bounce_target(&self, token: &Token) -> Result<Option<BounceTarget>> {
        self.get(Tree::BounceTokens, token.as_str().as_bytes())
    }

    /// Counts a bounce reported for `target` with its log line and claims, in one
    /// transaction: a report processed again after a crash finds its claim made and is
    /// not counted twice. Three hard bounces stop mail to its recipient; a hard one marks
    /// the e-mail it came back from as bounced.
    pub fn log_bounce(
        &self,
        target: &BounceTarget,
        hard: bool,
        entry: &LogEntry,
        claims: &[String],
    ) -> Result<AddressHealth> {
        let now = Utc::now();
        self.write(|tx| {
            for claim in claims {
                super::items::claim(tx, claim.as_bytes())?;
            }
            if hard && let Some(id) = target.mail {
                let key = keys::one(id.raw());
                if let Some(mut mail) = tx.get::<OutMail>(Tree::MailOut, &key)?
                    && matches!(mail.state, OutState::Sent { .. })
                {
                    mail.state = OutState::Bounced { at: now };
                    tx.put(Tree::MailOut, &key, &mail)?;
                }
            }
            tx.put(Tree::MailLog, &keys::one(entry.id.raw()), entry)?;
            count_bounce(tx, &target.recipient, hard, now)
        })
    }

    /// Counts a bounce against `email`; three hard bounces stop mail to it.
    pub fn record_bounce(&self, email: &EmailAddress, hard: bool) -> Result<AddressHealth> {
        let now = Utc::now();
        self.write(|tx| count_bounce(tx, email, hard, now))
    }

    /// Whether mail to `email` stopped (three hard bounces).
    pub fn is_stopped(&self, email: &EmailAddress) -> Result<bool> {
        Ok(self.address_health(email)?.is_some_and(|h| h.stopped))
    }

    /// Bounces seen for `email`, if any.
    pub fn address_health(&self, email: &EmailAddress) -> Result<Option<AddressHealth>> {
        self.get(Tree::AddressHealth, email.as_str().as_bytes())
    }

    /// Where the IMAP intake stopped in `mailbox`: its UIDVALIDITY and the last UID taken.
    pub fn imap_position(&self, mailbox: &str) -> Result<Option<(u32, u32)>> {
        self.get(Tree::Meta, format!("imap/{mailbox}").as_bytes())
    }

    /// Records that the IMAP intake has taken `uid` of `mailbox`.
    pub fn set_imap_position(&self, mailbox: &str, validity: u32, uid: u32) -> Result<()> {
        let key = format!("imap/{mailbox}");
        self.write(|tx| tx.put(Tree::Meta, key.as_bytes(), &(validity, uid)))
    }

    /// Whether a piece of work was claimed (done) already.
    pub fn is_claimed(&self, claim: &str) -> Result<bool> {
        Ok(self.tree(Tree::MailClaims).contains_key(claim.as_bytes())?)
    }

    /// Writes a log line (and claims) for an outcome that stores nothing else.
    pub fn log_mail(&self, entry: &LogEntry, claims: &[String]) -> Result<()> {
        self.write(|tx| {
            for claim in claims {
                super::items::claim(tx, claim.as_bytes())?;
            }
            tx.put(Tree::MailLog, &keys::one(entry.id.raw()), entry)
        })
    }

    /// Holds a message for review, with its log line and claims, in one transaction.
    pub fn hold_mail(&self, held: &HeldMail, entry: &LogEntry, claims: &[String]) -> Result<()> {
        self.write(|tx| {
            for claim in claims {
                super::items::claim(tx, claim.as_bytes())?;
            }
            tx.put(Tree::Held, &keys::one(held.id.raw()), held)?;
            tx.put(Tree::MailLog, &keys::one(entry.id.raw()), entry)
        })
    }

    /// The mail log, newest first, at most `limit` lines.
    pub fn mail_log(&self, limit: usize) -> Result<Vec<LogEntry>> {
        self.tree(Tree::MailLog)
            .iter()
            .rev()
            .take(limit)
            .map(|entry| Ok(serde_json::from_slice(&entry?.1)?))
            .collect()
    }

    /// Every held message, oldest first.
    pub fn held_mail(&self) -> Result<Vec<HeldMail>> {
        self.scan(Tree::Held, &[])
    }

    /// Held messages from the `skip`-th, at most `limit`, oldest first; and how many
    /// there are in all.
    pub fn held_page(&self, skip: usize, limit: usize) -> Result<(Vec<HeldMail>, usize)> {
        let tree = self.tree(Tree::Held);
        let items = tree
            .iter()
            .skip(skip)
            .take(limit)
            .map(|entry| Ok(serde_json::from_slice(&entry?.1)?))
            .collect::<Result<Vec<HeldMail>>>()?;
        Ok((items, tree.len()))
    }

    /// How many messages are held.
    pub fn held_count(&self) -> usize {
        self.tree(Tree::Held).len()
    }

    /// One held message.
    pub fn held(&self, id: HeldId) -> Result<Option<HeldMail>> {
        self.get(Tree::Held, &keys::one(id.raw()))
    }

    /// Removes a held message (approved or discarded).
    pub fn remove_held(&self, id: HeldId) -> Result<()> {
        self.write(|tx| tx.remove(Tree::Held, &keys::one(id.raw())))
    }
}

/// Counts a bounce against `email` inside `tx`.
pub(super) fn count_bounce(
    tx: &Tx,
    email: &EmailAddress,
    hard: bool,
    now: DateTime<Utc>,
) -> TxResult<AddressHealth> {
    let key = email.as_str().as_bytes();
    let mut health = tx
        .get::<AddressHealth>(Tree::AddressHealth, key)?
        .unwrap_or(AddressHealth {
            email: email.clone(),
            hard_bounces: 0,
            soft_bounces: 0,
            last_bounce: None,
            stopped: false,
        });
    if hard {
        health.hard_bounces += 1;
    } else {
        health.soft_bounces += 1;
    }
    health.last_bounce = Some(now);
    health.stopped = health.hard_bounces >= HARD_BOUNCE_LIMIT;
    tx.put(Tree::AddressHealth, key, &health)?;
    Ok(health)
}
