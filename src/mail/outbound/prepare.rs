//! From intents to e-mails: group one author's additions to one dossier made close
//! together (each within the window of the previous one), find every other actor who may
//! see them and wants to hear about them, and queue one e-mail each (and one more per
//! invitation) — removing the intents in the same transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::Notifier;
use super::compose::{Item, Notice, Pack};
use crate::domain::{
    Assignment, BounceTarget, Dossier, DossierId, Event, FileEntry, Intent, Message, NoticeKind,
    OutMail, Subject, User, UserId,
};
use crate::error::Result;
use crate::policy::{self, Action};

/// Groups whose e-mails are written and queued together: they are held in memory until
/// queued, and delivery may start on them while the next ones are written.
pub const GROUPS_PER_PACK: usize = 100;

impl Notifier {
    /// Queues the e-mails of every group of intents whose window has closed at `now`.
    /// Returns how many groups were prepared.
    pub fn prepare(&self, now: DateTime<Utc>) -> Result<usize> {
        self.prepare_then(now, &|| {})
    }

    /// [`Notifier::prepare`], calling `queued` each time e-mails were queued.
    pub fn prepare_then(&self, now: DateTime<Utc>, queued: &dyn Fn()) -> Result<usize> {
        let store = self.services.store();
        let window = chrono::Duration::from_std(self.settings.window).unwrap_or_default();
        let mut groups: BTreeMap<(DossierId, UserId), Vec<Intent>> = BTreeMap::new();
        for intent in store.pending_intents()? {
            groups
                .entry((intent.dossier, intent.author))
                .or_default()
                .push(intent);
        }
        // A group closes once its author has been quiet for the window, or at the latest
        // ten windows after its first item, so a busy author still gets heard.
        let closed: Vec<_> = groups
            .into_iter()
            .filter(|(_, group)| {
                let (first, last) = (group[0].at, group[group.len() - 1].at);
                last + window <= now || first + window * 10 <= now
            })
            .collect();
        for chunk in closed.chunks(GROUPS_PER_PACK) {
            self.prepare_pack(chunk, now)?;
            queued();
        }
        Ok(closed.len())
    }

    /// The e-mails of `groups`, written in one pack made durable at once; each group's
    /// intents then give way to its e-mails in one transaction.
    fn prepare_pack(
        &self,
        groups: &[((DossierId, UserId), Vec<Intent>)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let store = self.services.store();
        let mut pack = Pack::new(store);
        let mut prepared = Vec::with_capacity(groups.len());
        for ((dossier, author), group) in groups {
            let ids: Vec<_> = group.iter().map(|i| i.id).collect();
            let (mails, bounces) = self.prepare_group(*dossier, *author, group, now, &mut pack)?;
            prepared.push((ids, mails, bounces));
        }
        pack.seal(
            prepared
                .iter_mut()
                .flat_map(|(_, mails, _)| mails.iter_mut()),
        )?;
        for (ids, mails, bounces) in prepared {
            match store.enqueue_mail(&ids, &mails, &bounces) {
                // Another pass took these intents meanwhile: nothing to do.
                Ok(()) | Err(crate::Error::Duplicate) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// The e-mails (and their bounce addresses) that tell `group` to everyone else who
    /// may see it: none when its dossier or author is gone.
    fn prepare_group(
        &self,
        dossier: DossierId,
        author: UserId,
        group: &[Intent],
        now: DateTime<Utc>,
        pack: &mut Pack,
    ) -> Result<(Vec<OutMail>, Vec<BounceTarget>)> {
        let store = self.services.store();
        let (Some(dossier), Some(author)) = (store.dossier(dossier)?, store.user(author)?) else {
            return Ok((Vec::new(), Vec::new()));
        };
        let mut items = self.load_items(&dossier, group)?;
        // An event changed twice in the group is told once, as it is now.
        let mut seen = std::collections::HashSet::new();
        items.reverse();
        items.retain(|item| match item {
            Item::Event(event, _) => seen.insert(event.id),
            _ => true,
        });
        items.reverse();
        let mut mails = Vec::new();
        let mut bounces = Vec::new();
        for recipient in self.actors(&dossier)? {
            if recipient.id == author.id {
                continue;
            }
            if store.is_stopped(recipient.primary_email())? {
                continue;
            }
            let (_, role) = self.services.role_on(&recipient, &dossier)?;
            let prefs = store.prefs(recipient.id, dossier.id)?;
            let visible: Vec<Item> = items
                .iter()
                .filter(|item| policy::check(role, dossier.status, item.action()).is_ok())
                .filter(|item| item.kind().is_none_or(|kind| prefs.wants(kind)))
                .cloned()
                .collect();
            if visible.is_empty() {
                continue;
            }
            // Each invitation travels in its own e-mail (one METHOD per message, as
            // calendar programs expect); the rest of the group goes together.
            let (events, rest): (Vec<Item>, Vec<Item>) = visible
                .into_iter()
                .partition(|item| matches!(item, Item::Event(..)));
            let parts = (!rest.is_empty())
                .then_some(rest)
                .into_iter()
                .chain(events.into_iter().map(|event| vec![event]));
            for items in parts {
                let notice = Notice {
                    dossier: &dossier,
                    author: &author,
                    recipient: &recipient,
                    items,
                };
                let (mail, bounce) = self.compose(&notice, now, pack)?;
                mails.push(mail);
                bounces.push(bounce);
            }
        }
        Ok((mails, bounces))
    }

    fn load_items(&self, dossier: &Dossier, group: &[Intent]) -> Result<Vec<Item>> {
        let store = self.services.store();
        let mut items = Vec::new();
        for intent in group {
            match intent.subject {
                Subject::Message(id) => {
                    if let Some(message) = store.item::<Message>(dossier.id, id.raw())? {
                        let mut files = Vec::new();
                        for file in &message.attachments {
                            if let Some(f) = store.item::<FileEntry>(dossier.id, file.raw())?
                                && !f.inline
                            {
                                files.push(f);
                            }
                        }
                        items.push(Item::Message(message, files));
                    }
                }
                Subject::File(id) => {
                    if let Some(file) = store.item::<FileEntry>(dossier.id, id.raw())? {
                        items.push(Item::File(file));
                    }
                }
                Subject::Event(id, change) => {
                    if let Some(event) = store.item::<Event>(dossier.id, id.raw())? {
                        items.push(Item::Event(event, change));
                    }
                }
            }
        }
        Ok(items)
    }

    /// The dossier's actors: its staff followers, its client's people, its intervenants.
    fn actors(&self, dossier: &Dossier) -> Result<Vec<User>> {
        let store = self.services.store();
        let mut ids: Vec<UserId> = dossier.followers.clone();
        if let Some(client) = store.client(dossier.client)? {
            ids.extend(client.members);
        }
        ids.extend(
            store
                .items::<Assignment>(dossier.id)?
                .into_iter()
                .map(|a| a.user),
        );
        ids.sort();
        ids.dedup();
        let mut users = Vec::new();
        for id in ids {
            if let Some(user) = store.user(id)? {
                users.push(user);
            }
        }
        Ok(users)
    }
}

impl Item {
    /// The action that lets a reader see this item.
    fn action(&self) -> Action {
        match self {
            Item::Message(..) => Action::ReadMessages,
            Item::File(_) => Action::DownloadFiles,
            Item::Event(..) => Action::SeeEvents,
            Item::Document(..) => Action::SeeDocuments,
        }
    }

    /// The preference that governs it; a document is sent on purpose, not a notice.
    fn kind(&self) -> Option<NoticeKind> {
        match self {
            Item::Message(..) => Some(NoticeKind::Messages),
            Item::File(_) => Some(NoticeKind::Files),
            Item::Event(..) => Some(NoticeKind::Events),
            Item::Document(..) => None,
        }
    }
}
