//! Intervenants: staff assign and remove them; every actor sees names and roles, staff
//! also see contact details; an intervenant's own label is seen by them and staff.

use chrono::{DateTime, Utc};

use crate::domain::{Assignment, DossierId, EmailAddress, HistoryKind, User, UserId};
use crate::error::{Error, Refusal, Result};
use crate::policy::{self, Action, Role};
use crate::store::Change;

use super::dossiers::entry;
use super::{ROLE, Services, Visit, now};

/// One intervenant as a reader may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntervenantView {
    /// The user.
    pub user: UserId,
    /// Their name.
    pub name: String,
    /// Their role on the dossier.
    pub role: String,
    /// Since when.
    pub since: DateTime<Utc>,
    /// Addresses: staff only.
    pub contact: Option<Vec<EmailAddress>>,
    /// Their own label for the dossier: staff and themselves only.
    pub own_reference: Option<String>,
}

impl Services {
    /// The intervenants of a dossier, as `actor` may see them.
    pub fn intervenants(&self, actor: &User, dossier: DossierId) -> Result<Vec<IntervenantView>> {
        let visit = self.authorize(actor, dossier, Action::SeeIntervenants)?;
        self.intervenant_views(actor, &visit)
    }

    pub(super) fn intervenant_views(
        &self,
        actor: &User,
        visit: &Visit,
    ) -> Result<Vec<IntervenantView>> {
        let contacts = policy::check(
            Some(visit.role),
            visit.dossier.status,
            Action::SeeIntervenantContacts,
        )
        .is_ok();
        let mut views = Vec::new();
        for assignment in self.store.items::<Assignment>(visit.dossier.id)? {
            let user = self.store.user(assignment.user)?.ok_or_else(|| {
                Error::storage(format!("assignment names missing user {}", assignment.user))
            })?;
            let sees_label = visit.role == Role::Staff || user.id == actor.id;
            views.push(IntervenantView {
                user: user.id,
                name: user.name.clone(),
                role: assignment.role,
                since: assignment.since,
                contact: contacts.then(|| user.emails.clone()),
                own_reference: assignment.own_reference.filter(|_| sees_label),
            });
        }
        Ok(views)
    }

    /// Assigns `user` to the dossier with a role label.
    pub fn assign_intervenant(
        &self,
        actor: &User,
        dossier: DossierId,
        user: UserId,
        role: &str,
    ) -> Result<Assignment> {
        self.authorize(actor, dossier, Action::AssignIntervenants)?;
        let role = ROLE.label(role, 100)?;
        let person = self.store.user(user)?.ok_or(Error::NotFound)?;
        if person.staff {
            return Err(Error::Invalid(
                Refusal::new(
                    "Les membres de l'équipe voient tous les dossiers : ils ne sont pas ajoutés comme intervenants.",
                    "Staff members see every dossier; they are not assigned.",
                )
                .on("email"),
            ));
        }
        if self.store.is_assigned(user, dossier)? {
            return Err(Error::Conflict(
                Refusal::new(
                    format!("{} intervient déjà sur ce dossier.", person.name),
                    format!("{} is already an intervenant of this dossier.", person.name),
                )
                .on("email"),
            ));
        }
        let assignment = Assignment {
            id: self.store.new_id()?,
            dossier,
            user,
            role: role.clone(),
            since: now(),
            own_reference: None,
        };
        let mut change = Change::to(dossier);
        change
            .assign(&assignment)?
            .record(entry(actor, HistoryKind::Assigned { user, role }));
        self.store.apply(&change)?;
        Ok(assignment)
    }

    /// Removes an intervenant from the dossier.
    pub fn remove_intervenant(&self, actor: &User, dossier: DossierId, user: UserId) -> Result<()> {
        self.authorize(actor, dossier, Action::AssignIntervenants)?;
        let person = self.store.user(user)?.ok_or(Error::NotFound)?;
        let assignment = self.assignment_of(dossier, &person)?;
        let mut change = Change::to(dossier);
        change
            .unassign(&assignment)
            .record(entry(actor, HistoryKind::Unassigned { user }));
        self.store.apply(&change)
    }

    /// The assignment of `user` on `dossier`.
    pub(super) fn assignment_of(&self, dossier: DossierId, user: &User) -> Result<Assignment> {
        self.store
            .items::<Assignment>(dossier)?
            .into_iter()
            .find(|a| a.user == user.id)
            .ok_or(Error::NotFound)
    }
}
