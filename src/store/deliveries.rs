//! Notification preferences and the delivery queue: outgoing e-mails keyed by id, and an
//! index of the pending ones by due time (second, id) so the worker reads only what is due.

use chrono::{DateTime, Utc};

use super::tx::{Tx, TxResult, abort};
use super::{Store, Tree, keys};
use crate::domain::{
    BounceTarget, Document, DocumentId, DossierId, HistoryEntry, IntentId, OutId, OutMail,
    OutState, Prefs, UserId,
};
use crate::error::{Error, Result};

fn due_key(mail: &OutMail) -> [u8; 16] {
    keys::two(mail.next_at.timestamp().max(0) as u64, mail.id.raw())
}

/// Writes a mail row and, while it is pending, its due-index entry (and while it is
/// dead, its entry in the dead index).
pub(super) fn put_mail(tx: &Tx, mail: &OutMail) -> TxResult<()> {
    let key = keys::one(mail.id.raw());
    tx.put(Tree::MailOut, &key, mail)?;
    if mail.state == OutState::Pending {
        tx.mark(Tree::MailDue, &due_key(mail))?;
    }
    match mail.state {
        OutState::Dead { .. } => tx.mark(Tree::MailDead, &key),
        _ => tx.remove(Tree::MailDead, &key),
    }
}

/// One group of intents and the e-mails that tell it.
pub struct GroupMails<'a> {
    /// The intents the e-mails answer (none for an e-mail sent on purpose).
    pub intents: &'a [IntentId],
    /// The e-mails.
    pub mails: &'a [OutMail],
    /// Their bounce addresses.
    pub bounces: &'a [BounceTarget],
}

/// The trees queuing e-mails writes.
const QUEUE_TREES: [Tree; 5] = [
    Tree::Intents,
    Tree::BounceTokens,
    Tree::MailOut,
    Tree::MailDue,
    Tree::MailDead,
];

/// Queues `group` in `tx` in place of its intents; false (and nothing written) when an
/// intent is gone.
fn queue(tx: &Tx, group: &GroupMails) -> TxResult<bool> {
    for intent in group.intents {
        if !tx.contains(Tree::Intents, &keys::one(intent.raw()))? {
            return Ok(false);
        }
    }
    for intent in group.intents {
        tx.remove(Tree::Intents, &keys::one(intent.raw()))?;
    }
    for bounce in group.bounces {
        tx.put(Tree::BounceTokens, bounce.token.as_str().as_bytes(), bounce)?;
    }
    for mail in group.mails {
        put_mail(tx, mail)?;
    }
    Ok(true)
}

impl Store {
    /// A person's preferences on a dossier (everything on when never set).
    pub fn prefs(&self, user: UserId, dossier: DossierId) -> Result<Prefs> {
        Ok(self
            .get(Tree::Prefs, &keys::two(user.raw(), dossier.raw()))?
            .unwrap_or_default())
    }

    /// Sets a person's preferences on a dossier.
    pub fn set_prefs(&self, user: UserId, dossier: DossierId, prefs: Prefs) -> Result<()> {
        self.write(|tx| tx.put(Tree::Prefs, &keys::two(user.raw(), dossier.raw()), &prefs))
    }

    /// The bytes of an outgoing e-mail: its blob, or its part of its pass's blob.
    pub fn out_raw(&self, mail: &OutMail) -> Result<Vec<u8>> {
        match mail.raw_part {
            Some(part) => self.blobs().read_part(&mail.raw_sha256, part),
            None => self.blobs().read(&mail.raw_sha256),
        }
    }

    /// Turns intents into queued e-mails in one transaction: the intents go, the e-mails
    /// and their bounce addresses come. Refused if an intent was taken meanwhile.
    pub fn enqueue_mail(
        &self,
        intents: &[IntentId],
        mails: &[OutMail],
        bounces: &[BounceTarget],
    ) -> Result<()> {
        let group = GroupMails {
            intents,
            mails,
            bounces,
        };
        self.write_in(&QUEUE_TREES, |tx| match queue(tx, &group)? {
            true => Ok(()),
            false => abort(Error::Duplicate),
        })
    }

    /// [`Store::enqueue_mail`] for the groups of a whole pass, in one transaction (one
    /// write of sled's log for them all); a group whose intents another pass took
    /// meanwhile is left out. Returns how many groups were queued.
    pub fn enqueue_pass(&self, groups: &[GroupMails]) -> Result<usize> {
        self.write_in(&QUEUE_TREES, |tx| {
            let mut queued = 0;
            for group in groups {
                queued += usize::from(queue(tx, group)?);
            }
            Ok(queued)
        })
    }

    /// Queues the e-mails that send document `id` with their bounce addresses, moves its
    /// status with `edit` and writes `lines` to the history, in one transaction: a
    /// document is marked sent exactly when its e-mails are queued. Refused when the
    /// dossier is closed.
    pub fn send_document(
        &self,
        dossier: DossierId,
        id: DocumentId,
        edit: impl Fn(&mut Document),
        lines: &[HistoryEntry],
        mails: &[OutMail],
        bounces: &[BounceTarget],
    ) -> Result<Document> {
        self.write(|tx| {
            super::items::open_dossier(tx, dossier)?;
            let key = keys::two(dossier.raw(), id.raw());
            let Some(mut doc) = tx.get::<Document>(Tree::Documents, &key)? else {
                return abort(Error::NotFound);
            };
            let before = doc.clone();
            edit(&mut doc);
            if doc != before {
                tx.put(Tree::Documents, &key, &doc)?;
                tx.items_changed(dossier, Tree::Documents)?;
            }
            for line in lines {
                tx.record(dossier, line)?;
            }
            for bounce in bounces {
                tx.put(Tree::BounceTokens, bounce.token.as_str().as_bytes(), bounce)?;
            }
            for mail in mails {
                put_mail(tx, mail)?;
            }
            Ok(doc)
        })
    }

    /// Pending e-mails due at `now`, earliest first, at most `limit`.
    pub fn due_mail(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutMail>> {
        let end = keys::two(now.timestamp().max(0) as u64, u64::MAX);
        let mut out = Vec::new();
        for entry in self
            .tree(Tree::MailDue)
            .range(..=end.as_slice())
            .take(limit)
        {
            let (key, _) = entry?;
            let id = keys::second(&key).ok_or_else(|| Error::storage("short due key"))?;
            if let Some(mail) = self.get::<OutMail>(Tree::MailOut, &keys::one(id))? {
                out.push(mail);
            }
        }
        Ok(out)
    }

    /// When the next pending e-mail is due, if any.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>> {
        let Some((key, _)) = self.tree(Tree::MailDue).first()? else {
            return Ok(None);
        };
        let secs = u64::from_be_bytes(
            key[..8]
                .try_into()
                .map_err(|_| Error::storage("short due key"))?,
        );
        Ok(DateTime::from_timestamp(secs as i64, 0))
    }

    /// Replaces an e-mail's row after an attempt (or a retry by staff), moving its
    /// due-index entry in the same transaction; a row becoming bounced counts a hard
    /// bounce of its recipient with it.
    pub fn update_mail(&self, before: &OutMail, after: &OutMail) -> Result<()> {
        self.update_mails(&[(before.clone(), after.clone())])
    }

    /// [`Store::update_mail`] for several e-mails (`(before, after)`), in one transaction.
    pub fn update_mails(&self, changes: &[(OutMail, OutMail)]) -> Result<()> {
        let bounced = |m: &OutMail| matches!(m.state, OutState::Bounced { .. });
        let now = Utc::now();
        let touched = [
            Tree::MailDue,
            Tree::MailOut,
            Tree::MailDead,
            Tree::AddressHealth,
        ];
        self.write_in(&touched, |tx| {
            for (before, after) in changes {
                tx.remove(Tree::MailDue, &due_key(before))?;
                if bounced(after) && !bounced(before) {
                    super::mail::count_bounce(tx, &after.recipient, true, now)?;
                }
                put_mail(tx, after)?;
            }
            Ok(())
        })
    }

    /// How many notifications wait (queued e-mails, and additions not yet made into
    /// e-mails) and how many were given up on: from the indexes, without reading a row.
    pub fn outbox_counts(&self) -> (usize, usize) {
        let waiting = self.tree(Tree::MailDue).len() + self.tree(Tree::Intents).len();
        (waiting, self.tree(Tree::MailDead).len())
    }

    /// One outgoing e-mail.
    pub fn out_mail(&self, id: OutId) -> Result<Option<OutMail>> {
        self.get(Tree::MailOut, &keys::one(id.raw()))
    }

    /// Every outgoing e-mail, newest first, at most `limit`.
    pub fn out_mails(&self, limit: usize) -> Result<Vec<OutMail>> {
        self.tree(Tree::MailOut)
            .iter()
            .rev()
            .take(limit)
            .map(|entry| Ok(serde_json::from_slice(&entry?.1)?))
            .collect()
    }
}
