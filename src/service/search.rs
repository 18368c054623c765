//! Search, for one reader: the index is asked only within the dossiers the reader has
//! a role on (staff: all), and each hit is kept only if the policy lets the reader see
//! that kind of thing on that dossier (a client never finds an internal reference, an
//! unbilled expense or, as an intervenant, a quote). Indexing reads queued dossiers from
//! the store into the index.

use std::collections::HashMap;

use crate::domain::{
    Client, Document, Dossier, DossierId, Event, Expense, FileEntry, Message, Status, User,
};
use crate::error::{Error, Result};
use crate::policy::{self, Action, Role};
use crate::search::{Entry, Kind};

use super::Services;

/// A dossier found, with what matched in it.
#[derive(Debug, Clone)]
pub struct Found {
    /// The dossier (its staff reference blanked for non-staff).
    pub dossier: Dossier,
    /// Its client's name.
    pub client: String,
    /// What matched, best first.
    pub hits: Vec<FoundHit>,
}

/// One thing that matched.
#[derive(Debug, Clone)]
pub struct FoundHit {
    /// What it is.
    pub kind: Kind,
    /// Its id in the dossier.
    pub item: u64,
    /// The words around the match.
    pub excerpt: String,
}

/// Dossiers read into the index in one round.
const INDEX_ROUND: usize = 200;

/// Hits asked of the index before they are grouped by dossier.
const HITS: usize = 400;

/// What the reader must be allowed to find an entry of `kind`.
fn action(kind: Kind) -> Action {
    match kind {
        Kind::Dossier => Action::SeeDossier,
        Kind::StaffReference => Action::SeeStaffReference,
        Kind::Message => Action::ReadMessages,
        Kind::Document => Action::SeeDocuments,
        Kind::Event => Action::SeeEvents,
        Kind::BilledExpense => Action::SeeExpense { billed: true },
        Kind::Expense => Action::SeeExpense { billed: false },
        Kind::File => Action::DownloadFiles,
    }
}

fn may_find(role: Role, status: Status, kind: Kind) -> bool {
    policy::check(Some(role), status, action(kind)).is_ok()
}

impl Services {
    /// The dossiers matching `text` that `actor` may see, best first, each with what
    /// matched and the reader may see.
    pub fn search(&self, actor: &User, text: &str) -> Result<Vec<Found>> {
        let index = self
            .store
            .search_index()
            .ok_or_else(|| Error::storage("the search index is not open"))?;
        let visible = self.store.dossiers_visible_to(actor)?;
        let ids: Vec<DossierId> = visible.iter().map(|d| d.id).collect();
        let within = (!actor.staff).then_some(ids.as_slice());
        let hits = index.search(text, within, HITS)?;
        let by_id: HashMap<DossierId, &Dossier> = visible.iter().map(|d| (d.id, d)).collect();
        let mut found: Vec<Found> = Vec::new();
        let mut roles: HashMap<DossierId, Option<(Role, Client)>> = HashMap::new();
        for hit in hits {
            let Some(dossier) = by_id.get(&hit.dossier) else {
                continue;
            };
            let role = match roles.get(&hit.dossier) {
                Some(known) => known.clone(),
                None => {
                    let (client, role) = self.role_on(actor, dossier)?;
                    let known = role.map(|r| (r, client));
                    roles.insert(hit.dossier, known.clone());
                    known
                }
            };
            let Some((role, client)) = role else { continue };
            // An expense is judged as it is now, not as it was indexed (it may have
            // stopped being billed a moment ago).
            let kind = match hit.kind {
                Kind::Expense | Kind::BilledExpense => {
                    match self.store.item::<Expense>(hit.dossier, hit.item)? {
                        Some(e) if e.billed_to_client => Kind::BilledExpense,
                        Some(_) => Kind::Expense,
                        None => continue,
                    }
                }
                kind => kind,
            };
            if !may_find(role, dossier.status, kind) {
                continue;
            }
            let found_hit = FoundHit {
                kind: hit.kind,
                item: hit.item,
                excerpt: hit.excerpt,
            };
            match found.iter_mut().find(|f| f.dossier.id == hit.dossier) {
                Some(f) => f.hits.push(found_hit),
                None => {
                    let mut dossier = (*dossier).clone();
                    if !may_find(role, dossier.status, Kind::StaffReference) {
                        dossier.staff_reference = None;
                    }
                    found.push(Found {
                        dossier,
                        client: client.name,
                        hits: vec![found_hit],
                    });
                }
            }
        }
        Ok(found)
    }

    /// Reads the dossiers queued by changes into the search index; how many it read.
    pub fn index_queued(&self) -> Result<usize> {
        let Some(index) = self.store.search_index() else {
            return Ok(0);
        };
        let queued = self.store.search_queue(INDEX_ROUND)?;
        if queued.is_empty() {
            return Ok(0);
        }
        let mut entries = Vec::new();
        let ids: Vec<DossierId> = queued.iter().map(|q| q.dossier).collect();
        for id in &ids {
            entries.extend(self.entries_of(*id)?);
        }
        index.replace(&ids, entries)?;
        for q in &queued {
            self.store.search_done(q)?;
        }
        Ok(queued.len())
    }

    /// Reads every dossier into an emptied search index (`dossier check --reindex`).
    pub fn reindex_all(&self) -> Result<usize> {
        let index = self
            .store
            .search_index()
            .ok_or_else(|| Error::storage("the search index is not open"))?;
        index.clear()?;
        self.store.queue_all_for_search()?;
        let mut total = 0;
        loop {
            let read = self.index_queued()?;
            if read == 0 {
                return Ok(total);
            }
            total += read;
        }
    }

    /// What the index holds of one dossier; nothing for a dossier that is gone.
    fn entries_of(&self, id: DossierId) -> Result<Vec<Entry>> {
        let Some(d) = self.store.dossier(id)? else {
            return Ok(Vec::new());
        };
        let client = self
            .store
            .client(d.client)?
            .map(|c| c.name)
            .unwrap_or_default();
        let entry = |kind, item, text: String| Entry {
            kind,
            dossier: id,
            item,
            text,
        };
        let mut entries = vec![entry(
            Kind::Dossier,
            0,
            format!(
                "{} {} {} {} {}",
                d.number,
                d.title,
                client,
                d.client_reference.clone().unwrap_or_default(),
                d.description
            ),
        )];
        if let Some(reference) = &d.staff_reference {
            entries.push(entry(Kind::StaffReference, 0, reference.clone()));
        }
        for m in self.store.items::<Message>(id)? {
            entries.push(entry(Kind::Message, m.id.raw(), m.text));
        }
        for doc in self.store.items::<Document>(id)? {
            let lines: Vec<&str> = doc.lines.iter().map(|l| l.description.as_str()).collect();
            let text = format!("{} {} {}", doc.number, doc.title, lines.join(" "));
            entries.push(entry(Kind::Document, doc.id.raw(), text));
        }
        for e in self.store.items::<Event>(id)? {
            let text = format!("{} {} {}", e.title, e.place, e.description);
            entries.push(entry(Kind::Event, e.id.raw(), text));
        }
        for e in self.store.items::<Expense>(id)? {
            let kind = if e.billed_to_client {
                Kind::BilledExpense
            } else {
                Kind::Expense
            };
            entries.push(entry(kind, e.id.raw(), e.description));
        }
        for f in self.store.items::<FileEntry>(id)? {
            if !f.inline {
                entries.push(entry(Kind::File, f.id.raw(), f.blob.name.to_string()));
            }
        }
        Ok(entries)
    }
}

/// Keeps the search index in step with the store until `shutdown`: what changes is
/// readable by search within about a second.
pub async fn index_worker(services: Services, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    // One thread of its own: what indexing allocates stays in one arena. Catching up
    // (a restored backup, a thousand new dossiers) gives way to mail and pages.
    let thread = crate::dedicated::Dedicated::background("search", 1);
    loop {
        let s = services.clone();
        // A full round means more are waiting: at once; otherwise a pause, so that a
        // flood of messages to one dossier reads it once a second, not once a message.
        let more = match thread.run(move || s.index_queued()).await {
            Ok(n) => n >= INDEX_ROUND,
            Err(err) => {
                tracing::warn!(error = %err, "indexing for search failed; it is tried again");
                false
            }
        };
        if more && !*shutdown.borrow() {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
