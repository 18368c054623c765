//! Activities (time entries): staff record them, every actor sees them in detail.

use crate::domain::{Activity, ActivityDraft, ActivityId, DocKind, Document, DossierId, User};
use crate::domain::{HistoryKind, ItemChange, ItemKind};
use crate::error::{Error, Refusal, Result};
use crate::policy::Action;
use crate::store::Change;

use super::dossiers::entry;
use super::{DESCRIPTION, Services, now};

impl Services {
    /// The activities of a dossier, oldest first.
    pub fn activities(&self, actor: &User, dossier: DossierId) -> Result<Vec<Activity>> {
        self.authorize(actor, dossier, Action::SeeActivities)?;
        self.store.items(dossier)
    }

    /// Records time spent; the order, if any, must be an order of this dossier.
    pub fn record_activity(
        &self,
        actor: &User,
        dossier: DossierId,
        draft: ActivityDraft,
    ) -> Result<Activity> {
        self.authorize(actor, dossier, Action::RecordActivities)?;
        let draft = self.checked_activity(dossier, draft)?;
        let activity = Activity {
            id: self.store.new_id()?,
            dossier,
            user: draft.user,
            date: draft.date,
            minutes: draft.minutes,
            description: draft.description,
            order: draft.order,
            created_by: actor.id,
            created_at: now(),
        };
        let mut change = Change::to(dossier);
        change
            .put(&activity)?
            .record(entry(actor, activity_line(&activity, ItemChange::Added)));
        self.store.apply(&change)?;
        Ok(activity)
    }

    /// Checks a time entry: duration, order of this dossier, known person; cleans the text.
    fn checked_activity(&self, dossier: DossierId, draft: ActivityDraft) -> Result<ActivityDraft> {
        if draft.minutes == 0 || draft.minutes > 24 * 60 {
            return Err(Error::Invalid(
                Refusal::new(
                    "Un temps passé dure entre 1 minute et 24 heures.",
                    "A time entry lasts between 1 minute and 24 hours.",
                )
                .on("hours"),
            ));
        }
        if let Some(order) = draft.order {
            let doc: Option<Document> = self.store.item(dossier, order.raw())?;
            if doc.map(|d| d.kind()) != Some(DocKind::Order) {
                return Err(Error::Invalid(
                    Refusal::new(
                        "Le temps ne peut être compté que sur une commande de ce dossier.",
                        "Time can only count against an order of this dossier.",
                    )
                    .on("order"),
                ));
            }
        }
        self.store.user(draft.user)?.ok_or(Error::NotFound)?;
        Ok(ActivityDraft {
            description: DESCRIPTION.body(&draft.description, 2_000)?,
            ..draft
        })
    }
}

impl Services {
    /// Corrects a time entry (staff).
    pub fn edit_activity(
        &self,
        actor: &User,
        dossier: DossierId,
        id: ActivityId,
        draft: ActivityDraft,
    ) -> Result<Activity> {
        self.authorize(actor, dossier, Action::RecordActivities)?;
        let checked = self.checked_activity(dossier, draft)?;
        self.store.update_item_noted(
            dossier,
            id.raw(),
            None,
            |a: &mut Activity| {
                a.user = checked.user;
                a.date = checked.date;
                a.minutes = checked.minutes;
                a.description = checked.description.clone();
                a.order = checked.order;
                Ok(())
            },
            // An edit that changes nothing says nothing.
            |before, after| {
                (before != after).then(|| entry(actor, activity_line(after, ItemChange::Changed)))
            },
        )
    }
}

/// A history line's words for a time entry: its date and what was done.
fn activity_line(activity: &Activity, change: ItemChange) -> HistoryKind {
    HistoryKind::Item {
        item: ItemKind::Activity,
        label: format!("{} {}", activity.date, activity.description)
            .trim()
            .to_string(),
        change,
    }
}

/// Time spent, summed per order and per person over a period, with the entries behind.
#[derive(Debug, Clone)]
pub struct ActivityReport {
    /// Minutes per order (`None`: not counted against an order), in order of first entry.
    pub by_order: Vec<(Option<crate::domain::DocumentId>, u32)>,
    /// Minutes per person.
    pub by_person: Vec<(crate::domain::UserId, u32)>,
    /// All minutes.
    pub total: u32,
    /// The entries of the period, by date.
    pub entries: Vec<Activity>,
}

impl Services {
    /// The activity details of a dossier between `from` and `to` (inclusive, optional).
    pub fn activity_report(
        &self,
        actor: &User,
        dossier: DossierId,
        from: Option<chrono::NaiveDate>,
        to: Option<chrono::NaiveDate>,
    ) -> Result<ActivityReport> {
        let mut entries: Vec<Activity> = self
            .activities(actor, dossier)?
            .into_iter()
            .filter(|a| from.is_none_or(|f| a.date >= f) && to.is_none_or(|t| a.date <= t))
            .collect();
        entries.sort_by_key(|a| (a.date, a.id));
        let mut by_order: Vec<(Option<crate::domain::DocumentId>, u32)> = Vec::new();
        let mut by_person: Vec<(crate::domain::UserId, u32)> = Vec::new();
        for a in &entries {
            match by_order.iter_mut().find(|(o, _)| *o == a.order) {
                Some((_, m)) => *m += a.minutes,
                None => by_order.push((a.order, a.minutes)),
            }
            match by_person.iter_mut().find(|(u, _)| *u == a.user) {
                Some((_, m)) => *m += a.minutes,
                None => by_person.push((a.user, a.minutes)),
            }
        }
        let total = entries.iter().map(|a| a.minutes).sum();
        Ok(ActivityReport {
            by_order,
            by_person,
            total,
            entries,
        })
    }
}
