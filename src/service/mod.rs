//! The services: the one API that the web view, the mail pipeline and the CLI call. Each
//! call takes the acting user, asks [`crate::policy`] once, then writes through the store
//! in one transaction (outbox intents included). Nothing here renders or sends mail.

mod activities;
mod answers;
mod business;
mod calendar;
mod directory;
mod discussion;
mod documents;
mod dossiers;
mod events;
mod expenses;
mod home;
mod intervenants;
mod journal;
mod mail_review;
pub use discussion::message_text;
pub use expenses::expense_description;
pub use mail_review::HELD_PAGE;
mod notifications;
mod operations;
mod reminders;
mod search;
mod sections;
mod sending;
mod sessions;

use chrono::{DateTime, Utc};

use crate::domain::{Client, Dossier, DossierId, Intent, Lang, Subject, User, text};
use crate::error::{Error, Result};
use crate::policy::{self, Action, Role};
use crate::store::Store;

pub use activities::ActivityReport;
pub use answers::AnswerRequest;
pub use directory::{Operator, PersonRequest};
pub use documents::{Printed, frozen_refusal};
pub use dossiers::{DossierView, NewDossierRequest};
pub use home::{Home, HomeDossier, UNPAID_DAYS, UNREAD_CAP};
pub use intervenants::IntervenantView;
pub use journal::JournalLine;
pub use operations::Gauges;
pub use reminders::DueReminder;
pub use search::{Found, FoundHit, index_worker};
pub use sections::{
    DISCUSSION_PAGE, DiscussionVersion, DossierHeader, MoneySummary, Section, SectionView,
};
pub use sending::{Offered, Sending};

/// The service API; cheap to clone.
#[derive(Clone)]
pub struct Services {
    store: Store,
    mail_domain: std::sync::Arc<str>,
    metrics: std::sync::Arc<crate::metrics::Metrics>,
    /// The business profile of the configuration file, until staff save one.
    configured_business: std::sync::Arc<crate::domain::BusinessProfile>,
    /// Each dossier's money at a glance, per role and status, at the stamps of its
    /// documents and expenses.
    money: std::sync::Arc<sections::KeptMoney>,
}

/// A dossier the actor may act on, with their role, after the policy said yes.
pub struct Visit {
    /// The dossier as read.
    pub dossier: Dossier,
    /// Its client.
    pub client: Client,
    /// The actor's role on it.
    pub role: Role,
}

impl Services {
    /// Services over `store`; `mail_domain` names event UIDs and addresses.
    pub fn new(store: Store, mail_domain: impl Into<String>) -> Self {
        Services {
            store,
            mail_domain: mail_domain.into().into(),
            metrics: std::sync::Arc::default(),
            configured_business: std::sync::Arc::default(),
            money: std::sync::Arc::new(crate::kept::Kept::new(4 << 20)),
        }
    }

    /// The same services, with the business profile of the configuration file.
    pub fn with_business(mut self, profile: crate::domain::BusinessProfile) -> Self {
        self.configured_business = profile.into();
        self
    }

    /// The store, for doors that read blobs or flush.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The counters of `/metrics`, shared by every door and worker.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    /// The configured mail domain.
    pub fn mail_domain(&self) -> &str {
        &self.mail_domain
    }

    /// Whether the store answers reads (`/healthz`).
    pub fn store_alive(&self) -> bool {
        self.store.is_alive()
    }

    /// The actor's role on `dossier`, or `None`; `NotFound` if there is no such dossier.
    pub fn role_on(&self, actor: &User, dossier: &Dossier) -> Result<(Client, Option<Role>)> {
        let client = self
            .store
            .client(dossier.client)?
            .ok_or_else(|| Error::storage(format!("dossier {} has no client", dossier.number)))?;
        let assigned = !actor.staff
            && !client.has_member(actor.id)
            && self.store.is_assigned(actor.id, dossier.id)?;
        let role = policy::role(actor, dossier, &client, assigned);
        Ok((client, role))
    }

    /// Loads `dossier` and checks that `actor` may do `action` on it.
    pub fn authorize(&self, actor: &User, dossier: DossierId, action: Action) -> Result<Visit> {
        let dossier = self.store.dossier(dossier)?.ok_or(Error::NotFound)?;
        self.authorize_read(actor, dossier, action)
    }

    /// [`Services::authorize`] for a dossier just read.
    pub(crate) fn authorize_read(
        &self,
        actor: &User,
        dossier: Dossier,
        action: Action,
    ) -> Result<Visit> {
        let (client, role) = self.role_on(actor, &dossier)?;
        policy::check(role, dossier.status, action)?;
        let role = role.ok_or(Error::NotFound)?;
        Ok(Visit {
            dossier,
            client,
            role,
        })
    }

    /// A new outbox intent about `subject`, caused by `author`.
    fn intent(&self, visit: &Visit, author: &User, subject: Subject) -> Result<Intent> {
        Ok(Intent {
            id: self.store.new_id()?,
            dossier: visit.dossier.id,
            author: author.id,
            subject,
            at: now(),
        })
    }
}

/// The current instant; one place, so that every record of one call agrees.
fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Administration is staff's; anyone else is told it does not exist.
fn staff_only(actor: &User) -> Result<()> {
    if policy::may_administer(actor) {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// A text a service call checks: the form field it comes from, and how French and
/// English name it in a sentence ("Le titre", "title").
pub(crate) struct Named {
    field: &'static str,
    fr: &'static str,
    en: &'static str,
}

const TITLE: Named = Named::new("title", "Le titre", "title");
const DESCRIPTION: Named = Named::new("description", "La description", "description");
const DETAILS: Named = Named::new("description", "Le détail", "details");
const PLACE: Named = Named::new("place", "Le lieu", "place");
const REFERENCE: Named = Named::new("reference", "La référence", "reference");
const ROLE: Named = Named::new("role", "Le rôle", "role");
const NAME: Named = Named::new("name", "Le nom", "name");
const COMPANY: Named = Named::new("name", "Le nom de la société", "company name");
const LINE: Named = Named::new("lines", "La désignation d'une ligne", "line description");
const UNIT: Named = Named::new("lines", "L'unité d'une ligne", "line unit");
const MESSAGE: Named = Named::new("text", "Le message", "message");

impl Named {
    const fn new(field: &'static str, fr: &'static str, en: &'static str) -> Named {
        Named { field, fr, en }
    }

    /// The refusal of a text that [`text::label`] or [`text::body`] found wrong.
    fn refusal(&self, fault: text::TextFault) -> Error {
        let (fr, en) = match fault {
            text::TextFault::Empty => (
                format!("{} est obligatoire.", self.fr),
                format!("The {} is required.", self.en),
            ),
            text::TextFault::TooLong(max) => (
                format!(
                    "{} ne doit pas dépasser {} caractères.",
                    self.fr,
                    Lang::Fr.number(max as u64)
                ),
                format!(
                    "The {} must not exceed {} characters.",
                    self.en,
                    Lang::En.number(max as u64)
                ),
            ),
        };
        Error::Invalid(crate::error::Refusal::new(fr, en).on(self.field))
    }

    /// A one-line text: trimmed, not empty, at most `max` characters.
    fn label(&self, value: &str, max: usize) -> Result<String> {
        text::label(value, max).map_err(|fault| self.refusal(fault))
    }

    /// A text of several lines, possibly empty, at most `max` characters.
    fn body(&self, value: &str, max: usize) -> Result<String> {
        text::body(value, max).map_err(|fault| self.refusal(fault))
    }
}
