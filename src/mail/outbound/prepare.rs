//! From intents to e-mails: group one author's additions to one dossier made close
//! together (each within the window of the previous one), find every other actor who may
//! see them and wants to hear about them, and queue one e-mail each (and one more per
//! invitation) — removing the intents in the same transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::Notifier;
use super::compose::{Addition, Notice, Pack};
use crate::domain::{
    Assignment, Dossier, DossierId, Event, FileEntry, Intent, Message, NoticeKind, Subject, User,
    UserId,
};
use crate::error::{Error, Result};
use crate::policy::{self, Action};
use crate::store::GroupMails;

/// What one group of intents tells, and to whom.
struct Plan {
    dossier: Dossier,
    author: User,
    /// One e-mail each: its reader and what it tells them.
    letters: Vec<(User, Vec<Addition>)>,
}

/// Groups whose e-mails are written and queued together: they are held in memory until
/// queued, and delivery may start on them while the next ones are written.
pub const GROUPS_PER_PACK: usize = 100;

impl Notifier {
    /// Queues the e-mails of every group of intents whose window has closed at `now`.
    /// Returns how many groups were prepared.
    pub fn prepare(&self, now: DateTime<Utc>) -> Result<usize> {
        self.prepare_then(now, &|| true)
    }

    /// [`Notifier::prepare`], calling `queued` each time a pack of e-mails was queued;
    /// the pass stops after that pack when it answers false (the server is stopping).
    pub fn prepare_then(
        &self,
        now: DateTime<Utc>,
        queued: &(dyn Fn() -> bool + Sync),
    ) -> Result<usize> {
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
        // Packs are written on as many threads as there are cores (composing is the
        // work), each taking the next pack when its own is queued.
        let packs: Vec<_> = closed.chunks(GROUPS_PER_PACK).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || -> Result<()> {
            use std::sync::atomic::Ordering;
            while let Some(pack) = packs.get(next.fetch_add(1, Ordering::Relaxed)) {
                self.prepare_pack(pack, now)?;
                if !queued() {
                    // The others stop after their own pack too.
                    next.store(packs.len(), Ordering::Relaxed);
                }
            }
            Ok(())
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads.min(packs.len()))
                .map(|_| scope.spawn(work))
                .collect();
            let mine = work();
            helpers
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(Error::storage("preparing panicked")))
                })
                .chain([mine])
                .collect::<Result<Vec<()>>>()
        })?;
        Ok(closed.len())
    }

    /// The e-mails of `groups`, written in one pack made durable at once, then queued in
    /// place of their intents in one transaction (as are the reply addresses new
    /// dossiers need before): a pass writes sled's log twice, not twice per e-mail.
    fn prepare_pack(
        &self,
        groups: &[((DossierId, UserId), Vec<Intent>)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let store = self.services.store();
        let mut planned = Vec::with_capacity(groups.len());
        for ((dossier, author), group) in groups {
            let ids: Vec<_> = group.iter().map(|i| i.id).collect();
            planned.push((ids, self.plan_group(*dossier, *author, group)?));
        }
        let pairs: Vec<_> = planned
            .iter()
            .flat_map(|(_, plan)| plan.iter())
            .flat_map(|plan| plan.letters.iter().map(|(to, _)| (plan.dossier.id, to.id)))
            .collect();
        store.make_reply_addresses(&pairs)?;
        let mut pack = Pack::new(store);
        let mut prepared = Vec::with_capacity(planned.len());
        for (ids, plan) in planned {
            let (mut mails, mut bounces) = (Vec::new(), Vec::new());
            if let Some(plan) = plan {
                for (recipient, items) in plan.letters {
                    let notice = Notice {
                        dossier: &plan.dossier,
                        author: &plan.author,
                        recipient: &recipient,
                        items,
                    };
                    let (mail, bounce) = self.compose(&notice, now, &mut pack)?;
                    mails.push(mail);
                    bounces.push(bounce);
                }
            }
            prepared.push((ids, mails, bounces));
        }
        pack.seal(
            prepared
                .iter_mut()
                .flat_map(|(_, mails, _)| mails.iter_mut()),
        )?;
        let groups: Vec<_> = prepared
            .iter()
            .map(|(intents, mails, bounces)| GroupMails {
                intents,
                mails,
                bounces,
            })
            .collect();
        // A group another pass took meanwhile is left out: nothing to do for it.
        store.enqueue_pass(&groups)?;
        Ok(())
    }

    /// Whom to tell what of `group`: everyone else who may see it and wants to hear
    /// about it, each invitation apart; none when its dossier or author is gone.
    fn plan_group(
        &self,
        dossier: DossierId,
        author: UserId,
        group: &[Intent],
    ) -> Result<Option<Plan>> {
        let store = self.services.store();
        let (Some(dossier), Some(author)) = (store.dossier(dossier)?, store.user(author)?) else {
            return Ok(None);
        };
        let mut items = self.load_items(&dossier, group)?;
        // An event changed twice in the group is told once, as it is now.
        let mut seen = std::collections::HashSet::new();
        items.reverse();
        items.retain(|item| match item {
            Addition::Event(event, _) => seen.insert(event.id),
            _ => true,
        });
        items.reverse();
        let mut letters = Vec::new();
        for recipient in self.actors(&dossier)? {
            if recipient.id == author.id {
                continue;
            }
            if store.is_stopped(recipient.primary_email())? {
                continue;
            }
            let (_, role) = self.services.role_on(&recipient, &dossier)?;
            let prefs = store.prefs(recipient.id, dossier.id)?;
            let visible: Vec<Addition> = items
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
            let (events, rest): (Vec<Addition>, Vec<Addition>) = visible
                .into_iter()
                .partition(|item| matches!(item, Addition::Event(..)));
            let parts = (!rest.is_empty())
                .then_some(rest)
                .into_iter()
                .chain(events.into_iter().map(|event| vec![event]));
            for items in parts {
                letters.push((recipient.clone(), items));
            }
        }
        Ok(Some(Plan {
            dossier,
            author,
            letters,
        }))
    }

    fn load_items(&self, dossier: &Dossier, group: &[Intent]) -> Result<Vec<Addition>> {
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
                        items.push(Addition::Message(message, files));
                    }
                }
                Subject::File(id) => {
                    if let Some(file) = store.item::<FileEntry>(dossier.id, id.raw())? {
                        items.push(Addition::File(file));
                    }
                }
                Subject::Event(id, change) => {
                    if let Some(event) = store.item::<Event>(dossier.id, id.raw())? {
                        items.push(Addition::Event(event, change));
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

impl Addition {
    /// The action that lets a reader see this item.
    fn action(&self) -> Action {
        match self {
            Addition::Message(..) => Action::ReadMessages,
            Addition::File(_) => Action::DownloadFiles,
            Addition::Event(..) => Action::SeeEvents,
            Addition::Document(..) => Action::SeeDocuments,
        }
    }

    /// The preference that governs it; a document is sent on purpose, not a notice.
    fn kind(&self) -> Option<NoticeKind> {
        match self {
            Addition::Message(..) => Some(NoticeKind::Messages),
            Addition::File(_) => Some(NoticeKind::Files),
            Addition::Event(..) => Some(NoticeKind::Events),
            Addition::Document(..) => None,
        }
    }
}
