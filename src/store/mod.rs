//! The store: the only code that touches sled. One tree per collection, big-endian keys
//! (a prefix scan returns a dossier's items in order), indexes written in the same
//! transaction as their rows, file contents in [`blobs`], and one explicit [`Store::flush`]
//! that every acknowledgement calls. It speaks the domain: no byte key, tree or serde
//! value leaves this module. It does not check permissions: the services do.

mod backup;
pub mod blobs;
mod business;
mod check;
mod confirmations;
mod deliveries;
mod dossiers;
mod feeds;
mod flush;
mod glance;
mod intents;
mod items;
mod keys;
mod mail;
pub mod migrations;
mod people;
mod search_queue;
pub use deliveries::GroupMails;
pub use search_queue::Queued;
mod sessions;
mod tx;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use sled::Transactional;
use sled::transaction::TransactionError;

use crate::domain::Id;
use crate::error::{Error, Result};
use crate::kept::Kept;
pub use blobs::{BlobWriter, Blobs, Part, Stored};
pub use check::{Collected, Problem, Report};
pub use feeds::Feed;
pub use items::{Change, Item};
pub use sessions::{LoginLink, Session};
use tx::{Tx, TxResult};

/// Every tree; the discriminant is the tree's index in a transaction's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    /// Schema version and sequences.
    Meta = 0,
    /// id → User.
    Users,
    /// lower-case address → user id (unique).
    UserEmails,
    /// id → Client.
    Clients,
    /// (user, client) → (): the clients a user acts for.
    ClientMembers,
    /// id → Dossier.
    Dossiers,
    /// "2026-0042" → dossier id.
    DossierNumbers,
    /// mail key → dossier id.
    DossierKeys,
    /// (client, dossier) → ().
    DossiersByClient,
    /// (user, dossier) → assignment id: the dossiers an intervenant is on.
    DossiersByIntervenant,
    /// (dossier, id) → Document.
    Documents,
    /// (dossier, id) → Event.
    Events,
    /// (dossier, id) → Expense.
    Expenses,
    /// (dossier, id) → FileEntry.
    Files,
    /// (dossier, id) → Assignment.
    Assignments,
    /// (dossier, id) → Activity.
    Activities,
    /// (dossier, id) → Message.
    Messages,
    /// id → Intent: notifications to make.
    Intents,
    /// reply token → ReplyAddress.
    ReplyTokens,
    /// (dossier, user) → reply token.
    ReplyIndex,
    /// bounce token → BounceTarget.
    BounceTokens,
    /// address → AddressHealth.
    AddressHealth,
    /// claim text → (): work done once (a spooled message per recipient, a Message-ID per dossier).
    MailClaims,
    /// id → LogEntry: the mail processing log.
    MailLog,
    /// id → HeldMail.
    Held,
    /// (user, dossier) → Prefs.
    Prefs,
    /// id → OutMail: outgoing e-mails.
    MailOut,
    /// (due second, id) → (): pending e-mails by due time.
    MailDue,
    /// id → (): e-mails given up on.
    MailDead,
    /// SHA-256 of a session id → Session.
    Sessions,
    /// feed token → Feed: private calendar feeds.
    Feeds,
    /// (user, dossier or 0) → feed token.
    FeedIndex,
    /// SHA-256 of a sign-in link's secret → LoginLink.
    LoginLinks,
    /// mute token → the reply address it mutes (a secret of its own: a reply token is
    /// seen by everyone later in a thread).
    MuteTokens,
    /// dossier id → the instant of its last change: dossiers the search index has yet
    /// to read again (written in the same transaction as the change).
    SearchQueue,
    /// (user, dossier) → the newest message id the user has seen in its discussion.
    Seen,
    /// (dossier, id) → HistoryEntry: what happened to a dossier, in order, kept apart
    /// from the dossier so that reading a dossier does not read its whole past.
    History,
    /// (user, document) → Confirmation: a quote's answer waiting for its e-mailed code.
    Confirmations,
}

impl Tree {
    /// Every tree, in discriminant order.
    pub(crate) const ALL: [Tree; 38] = [
        Tree::Meta,
        Tree::Users,
        Tree::UserEmails,
        Tree::Clients,
        Tree::ClientMembers,
        Tree::Dossiers,
        Tree::DossierNumbers,
        Tree::DossierKeys,
        Tree::DossiersByClient,
        Tree::DossiersByIntervenant,
        Tree::Documents,
        Tree::Events,
        Tree::Expenses,
        Tree::Files,
        Tree::Assignments,
        Tree::Activities,
        Tree::Messages,
        Tree::Intents,
        Tree::ReplyTokens,
        Tree::ReplyIndex,
        Tree::BounceTokens,
        Tree::AddressHealth,
        Tree::MailClaims,
        Tree::MailLog,
        Tree::Held,
        Tree::Prefs,
        Tree::MailOut,
        Tree::MailDue,
        Tree::MailDead,
        Tree::Sessions,
        Tree::Feeds,
        Tree::FeedIndex,
        Tree::LoginLinks,
        Tree::MuteTokens,
        Tree::SearchQueue,
        Tree::Seen,
        Tree::History,
        Tree::Confirmations,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Tree::Meta => "meta",
            Tree::Users => "users",
            Tree::UserEmails => "user_emails",
            Tree::Clients => "clients",
            Tree::ClientMembers => "client_members",
            Tree::Dossiers => "dossiers",
            Tree::DossierNumbers => "dossier_numbers",
            Tree::DossierKeys => "dossier_keys",
            Tree::DossiersByClient => "dossiers_by_client",
            Tree::DossiersByIntervenant => "dossiers_by_intervenant",
            Tree::Documents => "documents",
            Tree::Events => "events",
            Tree::Expenses => "expenses",
            Tree::Files => "files",
            Tree::Assignments => "assignments",
            Tree::Activities => "activities",
            Tree::Messages => "messages",
            // The tree kept its first name on disk.
            Tree::Intents => "outbox",
            Tree::ReplyTokens => "reply_tokens",
            Tree::ReplyIndex => "reply_index",
            Tree::BounceTokens => "bounce_tokens",
            Tree::AddressHealth => "address_health",
            Tree::MailClaims => "mail_claims",
            Tree::MailLog => "mail_log",
            Tree::Held => "held",
            Tree::Prefs => "prefs",
            Tree::MailOut => "mail_out",
            Tree::MailDue => "mail_due",
            Tree::MailDead => "mail_dead",
            Tree::Sessions => "sessions",
            Tree::Feeds => "feeds",
            Tree::FeedIndex => "feed_index",
            Tree::LoginLinks => "login_links",
            Tree::MuteTokens => "mute_tokens",
            Tree::SearchQueue => "search_queue",
            Tree::Seen => "seen",
            Tree::History => "history",
            Tree::Confirmations => "confirmations",
        }
    }
}

struct Inner {
    /// Writes share it; a backup takes it alone while it copies the trees, so the copy
    /// is one consistent moment of the store.
    gate: std::sync::RwLock<()>,
    db: sled::Db,
    trees: Vec<sled::Tree>,
    blobs: Blobs,
    commit: flush::GroupCommit,
    root: PathBuf,
    /// The search index in `root/search`; without it searches answer "try later".
    search: Option<crate::search::Index>,
    /// Each dossier's events, as last read, at their stamp.
    events: Kept<crate::domain::DossierId, Arc<[crate::domain::Event]>>,
    /// The newest messages of each dossier (and how many), at their count.
    messages: Kept<(crate::domain::DossierId, usize), Arc<[crate::domain::Message]>>,
    /// Every dossier, at the dossiers' stamp.
    dossiers: Kept<(), Arc<[crate::domain::Dossier]>>,
    /// Everyone, at the people's stamp.
    people: Kept<(), Arc<[crate::domain::User]>>,
}

/// The `meta` key of the stamp a change of a dossier's items of `tree` moves on.
pub(crate) fn stamp_key(tree: Tree, dossier: crate::domain::DossierId) -> String {
    format!("stamp/{}/{}", tree.name(), dossier.raw())
}

/// The `meta` key of the stamp every change of a person moves on.
const PEOPLE_STAMP: &[u8] = b"stamp/people";

/// The `meta` key of the stamp every new or changed dossier moves on.
const DOSSIERS_STAMP: &[u8] = b"stamp/dossiers";

/// The `meta` key of a dossier's message count.
pub(crate) fn message_count_key(dossier: crate::domain::DossierId) -> String {
    format!("count/messages/{}", dossier.raw())
}

/// A cheap, cloneable handle on the open store.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl Store {
    /// [`Store::open`], waiting at most `within` while the folder is still locked by a
    /// store of it closed a moment ago (sled lets go of its lock once its last thread
    /// has ended). The doors that hand over to a running server use `open`, which
    /// answers at once.
    pub fn reopen(root: &Path, within: std::time::Duration) -> Result<Store> {
        let deadline = std::time::Instant::now() + within;
        loop {
            match Store::open(root) {
                Err(Error::Locked(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                opened => return opened,
            }
        }
    }

    /// Opens (creates) the store in the data folder `root`: sled under `root/store`,
    /// blobs under `root/blobs`; runs pending migrations.
    pub fn open(root: &Path) -> Result<Store> {
        std::fs::create_dir_all(root).map_err(|e| Error::from_io("creating the data folder", e))?;
        let sled_dir = root.join("store");
        let db = sled::Config::new()
            .path(&sled_dir)
            .open()
            .map_err(|e| locked_or(e, root))?;
        let trees = Tree::ALL
            .iter()
            .map(|t| db.open_tree(t.name()))
            .collect::<sled::Result<Vec<_>>>()?;
        let blobs = Blobs::open(root.join("blobs"))?;
        blobs.clean_tmp()?;
        let search = match crate::search::Index::open(&root.join("search")) {
            Ok(index) => Some(index),
            Err(err) => {
                tracing::error!(error = %err, "the search index cannot be opened; searches will fail");
                None
            }
        };
        let store = Store {
            inner: Arc::new(Inner {
                gate: std::sync::RwLock::new(()),
                commit: flush::GroupCommit::new(sled_dir.join("db")),
                db,
                trees,
                blobs,
                root: root.to_path_buf(),
                search,
                events: Kept::new(16 << 20),
                messages: Kept::new(32 << 20),
                people: Kept::new(64 << 20),
                dossiers: Kept::new(64 << 20),
            }),
        };
        migrations::run(&store)?;
        if store.search_index().is_some_and(|i| i.fresh) {
            store.queue_all_for_search()?;
        }
        Ok(store)
    }

    /// The stamp of `dossier`'s items of `tree` (events, files): it moves in every
    /// transaction that changes them.
    pub fn stamp(&self, tree: Tree, dossier: crate::domain::DossierId) -> Result<u64> {
        Ok(self
            .get(Tree::Meta, stamp_key(tree, dossier).as_bytes())?
            .unwrap_or(0))
    }

    /// The stamp every change of a person moves.
    pub fn people_stamp(&self) -> Result<u64> {
        Ok(self.get(Tree::Meta, PEOPLE_STAMP)?.unwrap_or(0))
    }

    /// The data folder.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// The blob folder.
    pub fn blobs(&self) -> &Blobs {
        &self.inner.blobs
    }

    /// Makes everything written so far durable; concurrent callers share one flush.
    /// Blocking: async code calls it through `spawn_blocking`.
    pub fn flush(&self) -> Result<()> {
        self.inner.commit.flush(&self.inner.db)
    }

    /// How many flushes reached the disk since open: fewer than the calls to
    /// [`Store::flush`] when concurrent callers shared them.
    pub fn physical_flushes(&self) -> u64 {
        self.inner.commit.physical_flushes()
    }

    /// A fresh id, greater than every id given before (also across restarts).
    pub fn new_id<T>(&self) -> Result<Id<T>> {
        Ok(Id::from_raw(self.inner.db.generate_id()?))
    }

    /// Bytes the store takes on disk (sled's files and the blobs are counted apart: this
    /// is sled's own estimate).
    pub fn size_on_disk(&self) -> u64 {
        self.inner.db.size_on_disk().unwrap_or(0)
    }

    /// Whether the store answers reads (for `/healthz`).
    pub fn is_alive(&self) -> bool {
        self.get::<u32>(Tree::Meta, b"schema_version").is_ok()
    }

    /// Runs `f` as one transaction over every tree; retried by sled on conflict.
    fn write<R>(&self, f: impl Fn(&Tx) -> TxResult<R>) -> Result<R> {
        self.transact(&self.inner.trees, None, f)
    }

    /// [`Store::write`] over the named trees only: the hot paths (a notification's
    /// reply address, queuing and marking e-mails) pay for the few trees they touch, not
    /// for every tree of the store. Touching another tree aborts with an error.
    fn write_in<R>(&self, touched: &[Tree], f: impl Fn(&Tx) -> TxResult<R>) -> Result<R> {
        let mut slots = [tx::ABSENT; Tree::ALL.len()];
        let mut trees = Vec::with_capacity(touched.len());
        for tree in touched {
            if slots[*tree as usize] == tx::ABSENT {
                slots[*tree as usize] = trees.len() as u8;
                trees.push(self.tree(*tree).clone());
            }
        }
        self.transact(&trees, Some(&slots), f)
    }

    /// One sled transaction over `trees`, placed by `slots` (in [`Tree`] order when none).
    fn transact<R>(
        &self,
        trees: &[sled::Tree],
        slots: Option<&[u8; Tree::ALL.len()]>,
        f: impl Fn(&Tx) -> TxResult<R>,
    ) -> Result<R> {
        let _shared = self.inner.gate.read().unwrap_or_else(|p| p.into_inner());
        match trees.transaction(|trees| f(&Tx { trees, slots })) {
            Ok(value) => Ok(value),
            Err(TransactionError::Abort(err)) => Err(err),
            Err(TransactionError::Storage(err)) => Err(err.into()),
        }
    }

    fn tree(&self, tree: Tree) -> &sled::Tree {
        &self.inner.trees[tree as usize]
    }

    fn get<V: DeserializeOwned>(&self, tree: Tree, key: &[u8]) -> Result<Option<V>> {
        match self.tree(tree).get(key)? {
            Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    /// Decodes every value under `prefix`, in key order.
    fn scan<V: DeserializeOwned>(&self, tree: Tree, prefix: &[u8]) -> Result<Vec<V>> {
        self.tree(tree)
            .scan_prefix(prefix)
            .map(|entry| Ok(serde_json::from_slice(&entry?.1)?))
            .collect()
    }

    /// The second ids of every pair key under the one-id `prefix`.
    fn scan_pairs(&self, tree: Tree, first: u64) -> Result<Vec<u64>> {
        self.tree(tree)
            .scan_prefix(keys::one(first))
            .map(|entry| {
                let (key, _) = entry?;
                keys::second(&key).ok_or_else(|| Error::storage("short index key"))
            })
            .collect()
    }
}

/// sled reports a folder locked by another process as an I/O error with this sentence.
fn locked_or(err: sled::Error, root: &Path) -> Error {
    if let sled::Error::Io(io) = &err
        && io.to_string().contains("could not acquire lock")
    {
        return Error::Locked(root.display().to_string());
    }
    err.into()
}
