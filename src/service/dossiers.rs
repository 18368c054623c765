//! Opening, listing, reading, closing and reopening dossiers; each party's own reference.

use crate::domain::{
    Activity, Assignment, Client, ClientId, Document, Dossier, DossierId, DossierNumber,
    EmailAddress, Event, Expense, FileEntry, HistoryEntry, HistoryKind, Message, NewDossier,
    Status, User,
};
use crate::error::{Error, Result};
use crate::policy::{self, Action, Role};

use super::{DESCRIPTION, IntervenantView, REFERENCE, Services, TITLE, now};

/// What a person asks for when opening a dossier.
#[derive(Debug, Clone)]
pub struct NewDossierRequest {
    /// For which client.
    pub client: ClientId,
    /// Title (required).
    pub title: String,
    /// Description.
    pub description: String,
}

/// Everything of one dossier that the reader may see, and nothing else.
#[derive(Debug, Clone)]
pub struct DossierView {
    /// The dossier (its staff reference blanked for non-staff).
    pub dossier: Dossier,
    /// Its client.
    pub client: Client,
    /// The reader's role.
    pub role: Role,
    /// The history lines the reader may read, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Quotes, orders, invoices; `None` when the role may not see them.
    pub documents: Option<Vec<Document>>,
    /// Expenses the reader may see.
    pub expenses: Vec<Expense>,
    /// Intervenants (contacts for staff only).
    pub intervenants: Vec<IntervenantView>,
    /// Events, in the order they were added; only those of the window.
    pub events: Vec<Event>,
    /// How many events the dossier has in all.
    pub events_total: usize,
    /// Activities.
    pub activities: Vec<Activity>,
    /// The discussion, oldest first: the newest ones when the window is limited.
    pub messages: Vec<Message>,
    /// How many messages the dossier has in all.
    pub messages_total: usize,
    /// Files, oldest first: the newest ones when the window is limited.
    pub files: Vec<FileEntry>,
    /// How many files the dossier has in all.
    pub files_total: usize,
    /// The files attached to the messages shown.
    pub attachments: Vec<FileEntry>,
}

impl Services {
    /// Opens a dossier: staff for any client; a client's person for that client when it
    /// may create dossiers. Staff who open one follow it; a client's new dossier is
    /// followed by every staff member, so that someone hears of it.
    pub fn create_dossier(&self, actor: &User, request: NewDossierRequest) -> Result<Dossier> {
        self.create_dossier_once(actor, request, None)
    }

    /// Opens a dossier at most once for `once` (see [`NewDossier::once`]): asked again with
    /// the same key, it returns the dossier made the first time.
    pub(crate) fn create_dossier_once(
        &self,
        actor: &User,
        request: NewDossierRequest,
        once: Option<String>,
    ) -> Result<Dossier> {
        let client = self.store.client(request.client)?.ok_or(Error::NotFound)?;
        if !policy::may_create_dossier(actor, &client) {
            // A stranger to this client must not learn that it exists.
            return Err(if client.has_member(actor.id) {
                Error::Forbidden
            } else {
                Error::NotFound
            });
        }
        let title = TITLE.label(&request.title, 200)?;
        let description = DESCRIPTION.body(&request.description, 20_000)?;
        let followers = if actor.staff {
            vec![actor.id]
        } else {
            self.store
                .users()?
                .into_iter()
                .filter(|u| u.staff)
                .map(|u| u.id)
                .collect()
        };
        self.store.create_dossier(NewDossier {
            title,
            description,
            client: client.id,
            created_by: actor.id,
            followers,
            created_at: now(),
            once,
        })
    }

    /// The clients `actor` may open a dossier for: every client for staff, the clients
    /// they act for that may create dossiers otherwise.
    pub fn clients_for_new_dossier(&self, actor: &User) -> Result<Vec<Client>> {
        Ok(self
            .store
            .clients()?
            .into_iter()
            .filter(|c| policy::may_create_dossier(actor, c))
            .collect())
    }

    /// The dossiers `actor` may see, newest first.
    pub fn visible_dossiers(&self, actor: &User) -> Result<Vec<Dossier>> {
        let mut dossiers = self.store.dossiers_visible_to(actor)?;
        dossiers.reverse();
        Ok(dossiers)
    }

    /// The dossier numbered `number`, if `actor` may see it (else `NotFound`).
    pub fn find_dossier(&self, actor: &User, number: DossierNumber) -> Result<Dossier> {
        let dossier = self
            .store
            .dossier_by_number(number)?
            .ok_or(Error::NotFound)?;
        Ok(self
            .authorize(actor, dossier.id, Action::SeeDossier)?
            .dossier)
    }

    /// The dossier `number` if `actor` may do `action` on it: a door asks before it reads
    /// an upload, so that nothing of a refused post is stored.
    pub fn permit(&self, actor: &User, number: DossierNumber, action: Action) -> Result<DossierId> {
        let dossier = self.find_dossier(actor, number)?;
        self.authorize(actor, dossier.id, action)?;
        Ok(dossier.id)
    }

    /// The client of a dossier `reader` may see.
    pub fn client_of(&self, reader: &User, dossier: DossierId) -> Result<Client> {
        Ok(self.authorize(reader, dossier, Action::SeeDossier)?.client)
    }

    /// The client names of dossiers `visible_dossiers` gave `reader` (already checked:
    /// one read per client, not a new check per dossier).
    pub fn client_names(&self, _reader: &User, dossiers: &[Dossier]) -> Result<Vec<String>> {
        let mut known: std::collections::HashMap<ClientId, String> = Default::default();
        let mut names = Vec::with_capacity(dossiers.len());
        for dossier in dossiers {
            let name = match known.entry(dossier.client) {
                std::collections::hash_map::Entry::Occupied(name) => name.get().clone(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    let name = self.store.client(dossier.client)?.map(|c| c.name);
                    slot.insert(name.unwrap_or_default()).clone()
                }
            };
            names.push(name);
        }
        Ok(names)
    }

    /// The person with this address, for staff naming someone in a dossier's form.
    pub fn person_by_address(
        &self,
        actor: &User,
        dossier: DossierId,
        email: &EmailAddress,
    ) -> Result<Option<User>> {
        self.authorize(actor, dossier, Action::AssignIntervenants)?;
        self.store.user_by_email(email)
    }

    /// Everyone, to name authors and attendees on the pages `reader` sees.
    pub fn people_named_for(&self, _reader: &User) -> Result<std::sync::Arc<[User]>> {
        self.store.people()
    }

    /// Everything of one dossier that `actor` may see.
    pub fn dossier_view(&self, actor: &User, id: DossierId) -> Result<DossierView> {
        let visit = self.authorize(actor, id, Action::SeeDossier)?;
        let may = |action| policy::check(Some(visit.role), visit.dossier.status, action).is_ok();
        let documents = if may(Action::SeeDocuments) {
            Some(self.store.items(id)?)
        } else {
            None
        };
        let expenses = self.visible_expenses(&visit)?;
        let mut dossier = visit.dossier.clone();
        if !may(Action::SeeStaffReference) {
            dossier.staff_reference = None;
        }
        let history = super::sections::readable_history(&visit, self.store.history(id)?);
        let messages: Vec<Message> = self.store.items(id)?;
        let files: Vec<FileEntry> = self.store.items(id)?;
        let attachments = files
            .iter()
            .filter(|f| f.message.is_some())
            .cloned()
            .collect();
        let events: Vec<Event> = self.store.items(id)?;
        Ok(DossierView {
            attachments,
            messages_total: messages.len(),
            messages,
            files_total: files.len(),
            files,
            intervenants: self.intervenant_views(actor, &visit)?,
            documents,
            expenses,
            events_total: events.len(),
            events,
            activities: self.store.items(id)?,
            history,
            client: visit.client,
            role: visit.role,
            dossier,
        })
    }

    /// Closes a dossier: it stays readable and refuses every change.
    pub fn close_dossier(&self, actor: &User, id: DossierId) -> Result<Dossier> {
        self.authorize(actor, id, Action::Close)?;
        self.store
            .update_dossier(id, &entry(actor, HistoryKind::Closed), |d| {
                if d.status == Status::Closed {
                    return Err(Error::Closed);
                }
                d.status = Status::Closed;
                Ok(())
            })
    }

    /// Reopens a closed dossier.
    pub fn reopen_dossier(&self, actor: &User, id: DossierId) -> Result<Dossier> {
        self.authorize(actor, id, Action::Reopen)?;
        self.store
            .update_dossier(id, &entry(actor, HistoryKind::Reopened), |d| {
                if d.status == Status::Open {
                    return Err(Error::invalid(
                        "Ce dossier est déjà ouvert.",
                        "This dossier is already open.",
                    ));
                }
                d.status = Status::Open;
                Ok(())
            })
    }

    /// Sets the actor's own reference for the dossier: the internal reference for staff,
    /// the client reference for the client's people, their own label for an intervenant.
    /// An empty text removes it.
    pub fn set_own_reference(&self, actor: &User, id: DossierId, reference: &str) -> Result<()> {
        let visit = self.authorize(actor, id, Action::SetOwnReference)?;
        let reference = match reference.trim() {
            "" => None,
            text => Some(REFERENCE.label(text, 100)?),
        };
        match visit.role {
            Role::Staff | Role::Client => {
                let staff = visit.role == Role::Staff;
                let note = entry(actor, HistoryKind::Reference { client: !staff });
                self.store.update_dossier(id, &note, |d| {
                    if d.status == Status::Closed {
                        return Err(Error::Closed);
                    }
                    let slot = if staff {
                        &mut d.staff_reference
                    } else {
                        &mut d.client_reference
                    };
                    *slot = reference.clone();
                    Ok(())
                })?;
            }
            Role::Intervenant => {
                let assignment = self.assignment_of(id, actor)?;
                self.store
                    .update_item(id, assignment.id.raw(), None, |a: &mut Assignment| {
                        a.own_reference = reference.clone();
                        Ok(())
                    })?;
            }
        }
        Ok(())
    }

    /// Edits the title and description (staff).
    pub fn edit_dossier(
        &self,
        actor: &User,
        id: DossierId,
        title: &str,
        description: &str,
    ) -> Result<Dossier> {
        self.authorize(actor, id, Action::EditDossier)?;
        let title = TITLE.label(title, 200)?;
        let description = DESCRIPTION.body(description, 20_000)?;
        self.store
            .update_dossier(id, &entry(actor, HistoryKind::Edited), |d| {
                if d.status == Status::Closed {
                    return Err(Error::Closed);
                }
                d.title = title.clone();
                d.description = description.clone();
                Ok(())
            })
    }
}

/// A history line by `actor`, now.
pub(super) fn entry(actor: &User, what: HistoryKind) -> HistoryEntry {
    HistoryEntry {
        at: now(),
        by: actor.id,
        what,
    }
}
