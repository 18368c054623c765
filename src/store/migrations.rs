//! The schema version and the ordered list of migrations, run at open. A migration is
//! appended, never edited: a store at version N runs migrations N+1… in order, and its
//! version is written after each one so a crash resumes at the first one not done.

use super::{Store, Tree};
use crate::error::{Error, Result};

/// One step of the schema.
pub struct Migration {
    /// The version the store has after this step.
    pub version: u32,
    /// What it does, for the log.
    pub name: &'static str,
    /// The step itself.
    pub run: fn(&Store) -> Result<()>,
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial layout: one tree per collection and its indexes",
        // The trees are opened by `Store::open`; a fresh store only needs its version.
        run: |_| Ok(()),
    },
    Migration {
        version: 2,
        name: "each dossier's history in a tree of its own",
        run: history_apart,
    },
    Migration {
        version: 3,
        name: "each dossier's message count kept with its messages",
        run: count_messages,
    },
    Migration {
        version: 4,
        name: "an index of the notifications given up on",
        run: index_dead_mail,
    },
];

/// Writes the dead index entry of every outgoing e-mail given up on (an entry is
/// written whole, so the step run again writes the same).
fn index_dead_mail(store: &Store) -> Result<()> {
    let dead: Vec<crate::domain::OutMail> = store
        .scan::<crate::domain::OutMail>(Tree::MailOut, &[])?
        .into_iter()
        .filter(|m| matches!(m.state, crate::domain::OutState::Dead { .. }))
        .collect();
    for mail in dead {
        store.write(|tx| tx.mark(Tree::MailDead, &super::keys::one(mail.id.raw())))?;
    }
    Ok(())
}

/// Counts each dossier's messages into its `meta` counter (a count is written whole, so
/// the step run again writes the same counts).
fn count_messages(store: &Store) -> Result<()> {
    use super::keys;
    let ids: Vec<u64> = store
        .tree(Tree::Dossiers)
        .iter()
        .keys()
        .map(|key| Ok(keys::first(&key?).unwrap_or_default()))
        .collect::<Result<_>>()?;
    for id in ids {
        let dossier = crate::domain::DossierId::from_raw(id);
        // Migrations run at opening, before any door: nothing is posted meanwhile.
        let count = store
            .tree(Tree::Messages)
            .scan_prefix(keys::one(id))
            .count() as u64;
        let name = super::message_count_key(dossier);
        store.write(|tx| tx.put(Tree::Meta, name.as_bytes(), &count))?;
    }
    Ok(())
}

/// Moves the `history` of each dossier record into the history tree, one dossier per
/// transaction: a crash leaves every dossier either moved or as it was, and the step
/// run again moves the rest.
fn history_apart(store: &Store) -> Result<()> {
    use super::keys;
    let dossiers: Vec<(sled::IVec, serde_json::Value)> = store
        .tree(Tree::Dossiers)
        .iter()
        .map(|entry| {
            let (key, value) = entry?;
            Ok((key, serde_json::from_slice(&value)?))
        })
        .collect::<Result<_>>()?;
    for (key, mut value) in dossiers {
        let Some(history) = value.as_object_mut().and_then(|o| o.remove("history")) else {
            continue;
        };
        let lines: Vec<crate::domain::HistoryEntry> = serde_json::from_value(history)?;
        let id = crate::domain::DossierId::from_raw(keys::first(&key).unwrap_or_default());
        store.write(|tx| {
            for line in &lines {
                tx.record(id, line)?;
            }
            tx.put(Tree::Dossiers, &key, &value)
        })?;
    }
    Ok(())
}

/// The version a store has once every migration ran.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const VERSION_KEY: &[u8] = b"schema_version";

/// The store's schema version (0 for a fresh store).
pub fn version(store: &Store) -> Result<u32> {
    Ok(store.get(Tree::Meta, VERSION_KEY)?.unwrap_or(0))
}

/// Runs every migration the store has not had yet.
pub fn run(store: &Store) -> Result<()> {
    let current = version(store)?;
    if current > latest() {
        return Err(Error::storage(format!(
            "the store has schema version {current}, newer than this program knows ({}); \
             run a newer dossier",
            latest()
        )));
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "migrating the store"
        );
        (migration.run)(store)?;
        store.write(|tx| tx.put(Tree::Meta, VERSION_KEY, &migration.version))?;
        store.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dead_index_is_built_for_a_store_that_had_none_and_a_narrow_write_stays_narrow() {
        use crate::domain::{OutMail, OutState};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let row = |id: u64, dead: bool| {
            serde_json::json!({
                "id": id, "created_at": "2026-03-01T08:00:00Z", "dossier": null, "user": 1,
                "recipient": "a@client.test", "envelope_from": "b@dossier.test",
                "message_id": format!("{id}@dossier.test"), "subject": "x", "raw_sha256": "",
                "attempts": 1, "next_at": "2026-03-01T08:00:00Z",
                "state": {"state": if dead { "dead" } else { "sent" }, "at": "2026-03-01T08:00:00Z"},
                "last_error": null
            })
        };
        for (id, dead) in [(1, true), (2, false), (3, true)] {
            let value = row(id, dead);
            // A row as the store of version 3 wrote it.
            serde_json::from_value::<OutMail>(value.clone()).unwrap();
            store
                .tree(Tree::MailOut)
                .insert(
                    super::super::keys::one(id),
                    serde_json::to_vec(&value).unwrap(),
                )
                .unwrap();
        }
        assert_eq!(store.outbox_counts(), (0, 0));
        index_dead_mail(&store).unwrap();
        index_dead_mail(&store).unwrap();
        assert_eq!(store.outbox_counts(), (0, 2), "run twice, counted once");
        let outside = store.write_in(&[Tree::MailOut], |tx| {
            tx.mark(Tree::MailDead, b"x")?;
            Ok(())
        });
        assert!(
            matches!(&outside, Err(Error::Storage(why)) if why.to_string().contains("mail_dead")),
            "{outside:?}"
        );
        assert_eq!(store.outbox_counts(), (0, 2), "nothing written");
        let rows: Vec<OutMail> = store.scan(Tree::MailOut, &[]).unwrap();
        assert!(matches!(rows[0].state, OutState::Dead { .. }));
    }

    #[test]
    fn a_version_1_store_gets_its_histories_moved_out_of_the_dossiers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let id = 7u64;
        let old = serde_json::json!({
            "id": id, "number": {"year": 2026, "seq": 1}, "title": "Cuisine",
            "description": "", "client": 3, "status": "open", "created_by": 1,
            "created_at": "2026-03-01T08:00:00Z", "followers": [],
            "client_reference": null, "staff_reference": null, "mail_key": "0123456789abcdef0123",
            "history": [
                {"at": "2026-03-01T08:00:00Z", "by": 1, "what": {"kind": "created"}},
                {"at": "2026-03-02T08:00:00Z", "by": 1, "what": {"kind": "closed"}}
            ]
        });
        store
            .tree(Tree::Dossiers)
            .insert(
                super::super::keys::one(id),
                serde_json::to_vec(&old).unwrap(),
            )
            .unwrap();
        store
            .write(|tx| tx.put(Tree::Meta, VERSION_KEY, &1u32))
            .unwrap();
        store.flush().unwrap();
        drop(store);

        let store = Store::reopen(dir.path(), std::time::Duration::from_secs(10)).unwrap();
        assert_eq!(version(&store).unwrap(), latest());
        let dossier = crate::domain::DossierId::from_raw(id);
        let lines = store.history(dossier).unwrap();
        assert_eq!(lines.len(), 2, "both lines moved, in order");
        assert!(matches!(lines[1].what, crate::domain::HistoryKind::Closed));
        let raw: serde_json::Value = serde_json::from_slice(
            &store
                .tree(Tree::Dossiers)
                .get(super::super::keys::one(id))
                .unwrap()
                .unwrap(),
        )
        .unwrap();
        assert!(
            raw.get("history").is_none(),
            "the record no longer carries it"
        );
        assert_eq!(store.dossier(dossier).unwrap().unwrap().title, "Cuisine");
    }
}
