//! Dossiers with their number, mail-key, client and intervenant indexes, and the one
//! listing query that takes the reader: it costs what the reader can see, not the size
//! of the store.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Datelike;

use super::tx::abort;
use super::{Store, Tree, keys};
use crate::domain::{
    ClientId, Dossier, DossierId, DossierNumber, HistoryEntry, HistoryKind, MailKey, NewDossier,
    Status, User, UserId,
};
use crate::error::{Error, Result};

impl Store {
    /// Opens a dossier: numbers it in its year, indexes it by number, mail key and client.
    pub fn create_dossier(&self, new: NewDossier) -> Result<Dossier> {
        let id: DossierId = self.new_id()?;
        let mail_key = MailKey::generate();
        let year = new.created_at.year() as u16;
        self.write(|tx| {
            if let Some(once) = &new.once {
                if let Some(made) = tx.get::<DossierId>(Tree::MailClaims, once.as_bytes())? {
                    return match tx.get::<Dossier>(Tree::Dossiers, &keys::one(made.raw()))? {
                        Some(dossier) => Ok(dossier),
                        None => abort(Error::NotFound),
                    };
                }
                tx.put(Tree::MailClaims, once.as_bytes(), &id)?;
            }
            if !tx.contains(Tree::Clients, &keys::one(new.client.raw()))? {
                return abort(Error::NotFound);
            }
            let seq = tx.next_seq(&format!("dossier/{year}"))?;
            let dossier = Dossier {
                id,
                number: DossierNumber { year, seq },
                title: new.title.clone(),
                description: new.description.clone(),
                client: new.client,
                status: Status::Open,
                created_by: new.created_by,
                created_at: new.created_at,
                followers: new.followers.clone(),
                client_reference: None,
                staff_reference: None,
                mail_key: mail_key.clone(),
            };
            tx.put(Tree::Dossiers, &keys::one(id.raw()), &dossier)?;
            tx.dossiers_changed()?;
            let created = HistoryEntry {
                at: new.created_at,
                by: new.created_by,
                what: HistoryKind::Created,
            };
            tx.record(id, &created)?;
            tx.queue_for_search(id)?;
            tx.put(
                Tree::DossierNumbers,
                dossier.number.to_string().as_bytes(),
                &id,
            )?;
            tx.put(Tree::DossierKeys, mail_key.as_str().as_bytes(), &id)?;
            tx.mark(
                Tree::DossiersByClient,
                &keys::two(new.client.raw(), id.raw()),
            )?;
            Ok(dossier)
        })
    }

    /// The history of a dossier, oldest first.
    pub fn history(&self, dossier: DossierId) -> Result<Vec<HistoryEntry>> {
        self.scan(Tree::History, &keys::one(dossier.raw()))
    }

    /// One dossier, without any permission check.
    pub fn dossier(&self, id: DossierId) -> Result<Option<Dossier>> {
        self.get(Tree::Dossiers, &keys::one(id.raw()))
    }

    /// The dossier numbered `number`.
    pub fn dossier_by_number(&self, number: DossierNumber) -> Result<Option<Dossier>> {
        match self.get::<DossierId>(Tree::DossierNumbers, number.to_string().as_bytes())? {
            Some(id) => self.dossier(id),
            None => Ok(None),
        }
    }

    /// The dossier whose mail key is `key`.
    pub fn dossier_by_key(&self, key: &MailKey) -> Result<Option<Dossier>> {
        match self.get::<DossierId>(Tree::DossierKeys, key.as_str().as_bytes())? {
            Some(id) => self.dossier(id),
            None => Ok(None),
        }
    }

    /// Changes a dossier with `edit` in one transaction, with the history line `note`
    /// (the edit checks the status it needs, so that a concurrent close cannot slip
    /// between check and write).
    pub fn update_dossier(
        &self,
        id: DossierId,
        note: &HistoryEntry,
        edit: impl Fn(&mut Dossier) -> Result<()>,
    ) -> Result<Dossier> {
        self.write(|tx| {
            let key = keys::one(id.raw());
            let Some(mut dossier) = tx.get::<Dossier>(Tree::Dossiers, &key)? else {
                return abort(Error::NotFound);
            };
            if let Err(err) = edit(&mut dossier) {
                return abort(err);
            }
            dossier.id = id;
            tx.put(Tree::Dossiers, &key, &dossier)?;
            tx.dossiers_changed()?;
            tx.record(id, note)?;
            tx.queue_for_search(id)?;
            Ok(dossier)
        })
    }

    /// Whether `user` is assigned to `dossier` as an intervenant.
    pub fn is_assigned(&self, user: UserId, dossier: DossierId) -> Result<bool> {
        Ok(self
            .tree(Tree::DossiersByIntervenant)
            .contains_key(keys::two(user.raw(), dossier.raw()))?)
    }

    /// The dossiers of one client, oldest first.
    pub fn dossiers_of_client(&self, client: ClientId) -> Result<Vec<Dossier>> {
        let ids = self.scan_pairs(Tree::DossiersByClient, client.raw())?;
        self.load_dossiers(ids)
    }

    /// Every dossier `reader` has a role on, oldest first. Staff see them all; anyone
    /// else costs one index scan per client they act for, plus one for assignments.
    pub fn dossiers_visible_to(&self, reader: &User) -> Result<Vec<Dossier>> {
        if reader.staff {
            return Ok(self.all_dossiers()?.to_vec());
        }
        let mut ids = BTreeSet::new();
        for client in self.clients_of(reader.id)? {
            ids.extend(self.scan_pairs(Tree::DossiersByClient, client.raw())?);
        }
        ids.extend(self.scan_pairs(Tree::DossiersByIntervenant, reader.id.raw())?);
        self.load_dossiers(ids)
    }

    /// Every dossier, oldest first, kept in memory until one changes or is made.
    pub fn all_dossiers(&self) -> Result<Arc<[Dossier]>> {
        let stamp = self.get(Tree::Meta, super::DOSSIERS_STAMP)?.unwrap_or(0u64);
        if let Some(dossiers) = self.inner.dossiers.get(&(), &stamp) {
            return Ok(dossiers);
        }
        let dossiers: Vec<Dossier> = self.scan(Tree::Dossiers, &[])?;
        let bytes = dossiers
            .iter()
            .map(|d| size_of::<Dossier>() + d.title.len() + d.description.len())
            .sum();
        let dossiers: Arc<[Dossier]> = dossiers.into();
        self.inner.dossiers.put((), stamp, dossiers.clone(), bytes);
        Ok(dossiers)
    }

    /// How many dossiers the store holds (statistics, tests).
    pub fn dossier_count(&self) -> usize {
        self.tree(Tree::Dossiers).len()
    }

    fn load_dossiers(&self, ids: impl IntoIterator<Item = u64>) -> Result<Vec<Dossier>> {
        let mut dossiers = Vec::new();
        for id in ids {
            match self.dossier(DossierId::from_raw(id))? {
                Some(d) => dossiers.push(d),
                None => return Err(Error::storage(format!("index names missing dossier {id}"))),
            }
        }
        Ok(dossiers)
    }
}
