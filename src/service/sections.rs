//! A dossier page shows one section at a time (discussion, files, documents, agenda,
//! expenses, activities, intervenants, history) under a header with what matters at a
//! glance. Each section reads only what it shows, after the policy said the reader may.

use std::sync::Arc;

use chrono::Utc;

use crate::domain::{
    Cents, Client, DocKind, DocStatus, Document, Dossier, DossierId, Event, Expense, FileEntry,
    HistoryEntry, HistoryKind, ItemKind, Message,
};
use crate::error::Result;
use crate::policy::{self, Action, Role};
use crate::store::Tree;

use super::{IntervenantView, Services, Visit};
use crate::domain::User;

/// The parts of a dossier, each a page of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The messages, newest last, and the form to write one (the default page).
    Discussion,
    /// Every file, grouped by the message it came with.
    Files,
    /// Quotes, orders and invoices.
    Documents,
    /// The events.
    Agenda,
    /// The expenses the reader may see.
    Expenses,
    /// Time spent.
    Activities,
    /// Who works on the dossier.
    Intervenants,
    /// What happened to the dossier, as far as the reader may know.
    History,
}

impl Section {
    /// Every section, in the order of the tabs.
    pub const ALL: [Section; 8] = [
        Section::Discussion,
        Section::Files,
        Section::Documents,
        Section::Agenda,
        Section::Expenses,
        Section::Activities,
        Section::Intervenants,
        Section::History,
    ];

    /// What the reader must be allowed to open this section (reading only: a closed
    /// dossier shows every section it showed open).
    fn action(self) -> Action {
        match self {
            Section::Discussion => Action::ReadMessages,
            Section::Files => Action::DownloadFiles,
            Section::Documents => Action::SeeDocuments,
            Section::Agenda => Action::SeeEvents,
            // Which expenses are shown is decided per expense.
            Section::Expenses => Action::SeeDossier,
            Section::Activities => Action::SeeActivities,
            Section::Intervenants => Action::SeeIntervenants,
            Section::History => Action::SeeHistory,
        }
    }

    /// Whether `role` finds this section among its tabs.
    fn shown_to(self, role: Role) -> bool {
        policy::check(Some(role), crate::domain::Status::Open, self.action()).is_ok()
    }
}

/// Each dossier's money at a glance, per role and status (they decide which expenses
/// count), at the stamps of its documents and expenses.
pub(super) type KeptMoney =
    crate::kept::Kept<(DossierId, Role, crate::domain::Status), MoneySummary, (u64, u64)>;

/// Money at a glance, all taxes included, for who may see the documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoneySummary {
    /// Quotes sent and not answered yet: their id and number, oldest first.
    pub awaiting: Vec<(crate::domain::DocumentId, crate::domain::DocNumber)>,
    /// Quotes not refused.
    pub quoted: Cents,
    /// Orders.
    pub ordered: Cents,
    /// Invoices no longer drafts.
    pub invoiced: Cents,
    /// Invoices paid.
    pub paid: Cents,
    /// Expenses the reader may see, before tax.
    pub expenses: Cents,
}

/// What every section page shows above its part.
#[derive(Debug, Clone)]
pub struct DossierHeader {
    /// The dossier, its staff reference blanked for non-staff.
    pub dossier: Dossier,
    /// Its client.
    pub client: Client,
    /// The reader's role.
    pub role: Role,
    /// The next event to come that is not cancelled.
    pub next_event: Option<Event>,
    /// Money at a glance; `None` for who may not see the documents.
    pub money: Option<MoneySummary>,
    /// The sections the reader may open, in tab order.
    pub tabs: Vec<Section>,
    /// The reader's own reference for the dossier.
    pub own_reference: String,
}

/// The part of the dossier a section shows.
#[derive(Debug, Clone)]
pub enum SectionView {
    /// The newest messages, oldest first, with the files they came with.
    Discussion {
        /// The messages shown.
        messages: Arc<[Message]>,
        /// How many earlier ones are not shown.
        earlier: usize,
        /// The files of the messages shown.
        attachments: Vec<FileEntry>,
        /// What the shown messages were read at: the same version shows the same.
        version: DiscussionVersion,
    },
    /// Every file, oldest first.
    Files(Vec<FileEntry>),
    /// Every document, in creation order.
    Documents(Vec<Document>),
    /// Every event, soonest first.
    Agenda(Vec<Event>),
    /// The expenses the reader may see, by date.
    Expenses(Vec<Expense>),
    /// Time spent (the activity section has its own report).
    Activities,
    /// Who works on the dossier.
    Intervenants(Vec<IntervenantView>),
    /// The history lines the reader may read, newest first.
    History(Vec<HistoryEntry>),
}

/// What a discussion page shows is made of: its messages (their count), their files
/// (the files' stamp) and their authors' names (the people's stamp). A page rendered at
/// one version can be shown again while the version holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscussionVersion {
    messages: usize,
    files: u64,
    people: u64,
}

/// Messages a discussion page shows before "show the earlier ones".
pub const DISCUSSION_PAGE: usize = 50;

impl Services {
    /// The header of dossier `number` and its `section`, as `actor` may see them;
    /// `all_messages` shows the whole discussion rather than its newest messages. One
    /// permission check for the whole page.
    pub fn dossier_section(
        &self,
        actor: &User,
        number: crate::domain::DossierNumber,
        section: Section,
        all_messages: bool,
    ) -> Result<(DossierHeader, SectionView)> {
        let dossier = self
            .store
            .dossier_by_number(number)?
            .ok_or(crate::Error::NotFound)?;
        let visit = self.authorize_read(actor, dossier, Action::SeeDossier)?;
        policy::check(Some(visit.role), visit.dossier.status, section.action())?;
        if !section.shown_to(visit.role) {
            return Err(crate::Error::NotFound);
        }
        let id = visit.dossier.id;
        let view = match section {
            Section::Discussion => {
                // The stamps first: what is read after them is at least as new.
                let (files, people) = (
                    self.store.stamp(Tree::Files, id)?,
                    self.store.people_stamp()?,
                );
                let (messages, total) = if all_messages {
                    let messages: Vec<Message> = self.store.items(id)?;
                    let total = messages.len();
                    (messages.into(), total)
                } else {
                    self.store.latest_messages(id, DISCUSSION_PAGE)?
                };
                let earlier = total.saturating_sub(messages.len());
                if let Some(newest) = messages.last() {
                    self.store.mark_seen(actor.id, id, newest.id.raw())?;
                }
                let mut attachments = Vec::new();
                for file in messages.iter().flat_map(|m| &m.attachments) {
                    attachments.extend(self.store.item::<FileEntry>(id, file.raw())?);
                }
                SectionView::Discussion {
                    version: DiscussionVersion {
                        messages: total,
                        files,
                        people,
                    },
                    messages,
                    earlier,
                    attachments,
                }
            }
            Section::Files => SectionView::Files(self.store.items(id)?),
            Section::Documents => SectionView::Documents(self.store.items(id)?),
            Section::Agenda => SectionView::Agenda(self.store.events_of(id)?.to_vec()),
            Section::Expenses => {
                let mut expenses = self.visible_expenses(&visit)?;
                expenses.sort_by_key(|e| (e.date, e.id));
                SectionView::Expenses(expenses)
            }
            Section::Activities => SectionView::Activities,
            Section::Intervenants => {
                SectionView::Intervenants(self.intervenant_views(actor, &visit)?)
            }
            Section::History => {
                let mut lines = readable_history(&visit, self.store.history(id)?);
                lines.reverse();
                SectionView::History(lines)
            }
        };
        Ok((self.header(actor, visit)?, view))
    }

    fn header(&self, actor: &User, visit: Visit) -> Result<DossierHeader> {
        let (role, status) = (visit.role, visit.dossier.status);
        let may = |action| policy::check(Some(role), status, action).is_ok();
        let id = visit.dossier.id;
        let today = Utc::now().date_naive();
        let next_event = self.store.next_event(id, today)?;
        let money = if may(Action::SeeDocuments) {
            // The stamps first: what is read after them is at least as new.
            let stamps = (
                self.store.stamp(Tree::Documents, id)?,
                self.store.stamp(Tree::Expenses, id)?,
            );
            let key = (id, role, status);
            match self.money.get(&key, &stamps) {
                Some(money) => Some(money),
                None => {
                    let documents: Vec<Document> = self.store.items(id)?;
                    let expenses = self.visible_expenses(&visit)?;
                    let money = summary(&documents, &expenses);
                    let weight = size_of::<MoneySummary>() + 64 + 32 * money.awaiting.len();
                    self.money.put(key, stamps, money.clone(), weight);
                    Some(money)
                }
            }
        } else {
            None
        };
        let own_reference = self.reference_of(actor, &visit)?;
        let mut dossier = visit.dossier;
        if !may(Action::SeeStaffReference) {
            dossier.staff_reference = None;
        }
        Ok(DossierHeader {
            tabs: Section::ALL
                .into_iter()
                .filter(|s| s.shown_to(visit.role))
                .collect(),
            dossier,
            client: visit.client,
            role: visit.role,
            next_event,
            money,
            own_reference,
        })
    }

    /// The reference `actor` keeps for `dossier` (staff: the internal one), to change it.
    pub fn own_reference(&self, actor: &User, dossier: DossierId) -> Result<String> {
        let visit = self.authorize(actor, dossier, Action::SetOwnReference)?;
        self.reference_of(actor, &visit)
    }

    fn reference_of(&self, actor: &User, visit: &Visit) -> Result<String> {
        Ok(match visit.role {
            Role::Staff => visit.dossier.staff_reference.clone(),
            Role::Client => visit.dossier.client_reference.clone(),
            Role::Intervenant => self
                .intervenant_views(actor, visit)?
                .into_iter()
                .find(|i| i.user == actor.id)
                .and_then(|i| i.own_reference),
        }
        .unwrap_or_default())
    }

    /// The expenses of a dossier that the visitor's role may see.
    pub(super) fn visible_expenses(&self, visit: &Visit) -> Result<Vec<Expense>> {
        Ok(self
            .store
            .items::<Expense>(visit.dossier.id)?
            .into_iter()
            .filter(|e| {
                let action = Action::SeeExpense {
                    billed: e.billed_to_client,
                };
                policy::check(Some(visit.role), visit.dossier.status, action).is_ok()
            })
            .collect())
    }
}

/// The history lines of a dossier its visitor may read: each line about an item only
/// to who may see that kind of item.
pub(super) fn readable_history(visit: &Visit, mut lines: Vec<HistoryEntry>) -> Vec<HistoryEntry> {
    let may = |action| policy::check(Some(visit.role), visit.dossier.status, action).is_ok();
    lines.retain(|line| match &line.what {
        HistoryKind::Item { item, .. } => match item {
            ItemKind::Quote | ItemKind::Order | ItemKind::Invoice | ItemKind::CreditNote => {
                may(Action::SeeDocuments)
            }
            // An unbilled expense is staff's: its lines are too.
            ItemKind::Expense => may(Action::SeeExpense { billed: false }),
            ItemKind::Event => may(Action::SeeEvents),
            ItemKind::Activity => may(Action::SeeActivities),
        },
        HistoryKind::Reference { client } => *client || may(Action::SeeStaffReference),
        _ => true,
    });
    lines
}

/// The money of a dossier's documents and expenses.
fn summary(documents: &[Document], expenses: &[Expense]) -> MoneySummary {
    let mut money = MoneySummary::default();
    for doc in documents {
        let total = doc.totals().total.0;
        let slot = match (doc.kind(), doc.status) {
            (DocKind::Quote, DocStatus::Refused) => None,
            (DocKind::Quote, _) => Some(&mut money.quoted),
            (DocKind::Order, _) => Some(&mut money.ordered),
            (DocKind::Invoice | DocKind::CreditNote, DocStatus::Draft) => None,
            (DocKind::Invoice, _) => Some(&mut money.invoiced),
            // A credit note takes back what its invoice asked.
            (DocKind::CreditNote, _) => {
                money.invoiced.0 -= total;
                None
            }
        };
        if let Some(slot) = slot {
            slot.0 += total;
        }
        if doc.kind() == DocKind::Invoice && doc.status == DocStatus::Paid {
            money.paid.0 += total;
        }
        if doc.kind() == DocKind::Quote && doc.status == DocStatus::Sent && doc.answer.is_none() {
            money.awaiting.push((doc.id, doc.number));
        }
    }
    money.expenses = Cents(expenses.iter().map(|e| e.amount.0).sum());
    money
}
