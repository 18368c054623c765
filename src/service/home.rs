//! The home page of each role: what needs the reader. Staff: held mail, dossiers with
//! replies they have not read, invoices waiting for payment too long, today's and
//! tomorrow's events, open dossiers by recent activity. Clients and intervenants: their
//! dossiers, unread first, and their coming events. Everything through the policy.

use chrono::{DateTime, Duration, Utc};

use crate::domain::{DocKind, DocStatus, Document, Dossier, Event, Message, Status, User};
use crate::error::Result;
use crate::policy::{self, Action, Role};

use super::Services;

/// One dossier of the home page.
#[derive(Debug, Clone)]
pub struct HomeDossier {
    /// The dossier.
    pub dossier: Dossier,
    /// Its client's name.
    pub client: String,
    /// Messages the reader has not seen.
    pub unread: usize,
    /// Its newest message, if any.
    pub last: Option<Message>,
    /// When something last happened: its newest message, else its opening.
    pub active_at: DateTime<Utc>,
}

/// What the home page shows.
#[derive(Debug, Clone, Default)]
pub struct Home {
    /// Held messages waiting for staff (0 for others).
    pub held: usize,
    /// Invoices sent and not paid past their due date, or marked overdue (staff).
    pub unpaid: Vec<(Dossier, Document)>,
    /// Events of today and tomorrow (staff), or of the coming week (others).
    pub events: Vec<(Dossier, Event)>,
    /// The reader's dossiers: unread first, then by recent activity; open ones only for
    /// staff.
    pub dossiers: Vec<HomeDossier>,
}

/// Days after which a sent invoice with no due date and not paid is shown to staff.
pub const UNPAID_DAYS: i64 = 30;

/// Unread messages counted at most per dossier ("99+").
pub const UNREAD_CAP: usize = 100;

/// Dossiers the home page lists at most.
const LISTED: usize = 30;

impl Services {
    /// The home page of `actor`.
    pub fn home(&self, actor: &User) -> Result<Home> {
        let staff = policy::may_administer(actor);
        let now = Utc::now();
        let today = now.date_naive();
        let horizon = today + Duration::days(if staff { 1 } else { 7 });
        let mut home = Home {
            held: if staff { self.store.held_count() } else { 0 },
            ..Home::default()
        };
        for mut dossier in self.store.dossiers_visible_to(actor)? {
            let (client, role) = self.role_on(actor, &dossier)?;
            let Some(role) = role else { continue };
            let status = dossier.status;
            let may = |action| policy::check(Some(role), status, action).is_ok();
            // The internal reference is staff's: blanked before anything is kept.
            if !may(Action::SeeStaffReference) {
                dossier.staff_reference = None;
            }
            if may(Action::SeeEvents) {
                for event in self.store.items::<Event>(dossier.id)? {
                    let (first, last) = (event.time.first_day(), event.time.last_day());
                    if !event.cancelled && last >= today && first <= horizon {
                        home.events.push((dossier.clone(), event));
                    }
                }
            }
            if role == Role::Staff && may(Action::SeeDocuments) {
                for doc in self.store.items::<Document>(dossier.id)? {
                    // Past its due date; without one (an invoice written before due
                    // dates were kept), more than UNPAID_DAYS after its date.
                    let past_due = match doc.terms.due {
                        Some(due) => due < today,
                        None => (today - doc.date).num_days() > UNPAID_DAYS,
                    };
                    let late = doc.kind() == DocKind::Invoice
                        && (doc.status == DocStatus::Overdue
                            || (doc.status == DocStatus::Sent && past_due));
                    if late {
                        home.unpaid.push((dossier.clone(), doc));
                    }
                }
            }
            if staff && dossier.status != Status::Open {
                continue;
            }
            let seen = self.store.seen(actor.id, dossier.id)?;
            let last = self.store.last_message(dossier.id)?;
            // One's own last message is no news; nor is anything one wrote.
            let unread = match &last {
                Some(m) if m.author != actor.id => self
                    .store
                    .messages_after(dossier.id, seen, actor.id, UNREAD_CAP)?,
                _ => 0,
            };
            let active_at = last.as_ref().map_or(dossier.created_at, |m| m.at);
            home.dossiers.push(HomeDossier {
                dossier,
                client: client.name,
                unread,
                last,
                active_at,
            });
        }
        home.events.sort_by_key(|(_, e)| (e.time.first_day(), e.id));
        home.dossiers
            .sort_by_key(|d| (d.unread == 0, std::cmp::Reverse(d.active_at)));
        home.dossiers.truncate(LISTED);
        Ok(home)
    }
}
