//! SPEC §2's permission table, once. A user's role on a dossier is derived here from
//! facts the store gathers (staff flag, client membership, intervenant assignment); it is
//! never stored. This module decides; it does not load or write anything.

use crate::domain::{Client, Dossier, Status, User};

/// A user's role on one dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A staff member of the business: every dossier.
    Staff,
    /// A person of the dossier's client (the person, or a member of the company).
    Client,
    /// A third party assigned to the dossier.
    Intervenant,
}

/// Derives the role of `user` on `dossier`, or `None`: then the dossier does not exist
/// for them. `client` is the dossier's client; `assigned` whether the user is one of its
/// intervenants.
pub fn role(user: &User, dossier: &Dossier, client: &Client, assigned: bool) -> Option<Role> {
    debug_assert_eq!(client.id, dossier.client);
    if user.staff {
        Some(Role::Staff)
    } else if client.has_member(user.id) {
        Some(Role::Client)
    } else if assigned {
        Some(Role::Intervenant)
    } else {
        None
    }
}

/// Every action of the table that concerns one dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the dossier: title, status, address, participants.
    SeeDossier,
    /// Edit the dossier's title and description (not in SPEC §2's table: staff only,
    /// like every other change to the dossier itself).
    EditDossier,
    /// See quotes, orders and invoices.
    SeeDocuments,
    /// Create or edit quotes, orders and invoices.
    EditDocuments,
    /// Accept or refuse a quote sent to one's client (not in SPEC §2's table: the
    /// client's own answer, which staff do not give for them).
    AnswerQuote,
    /// See an expense (and download its receipt); `billed` whether it is billed to the client.
    SeeExpense {
        /// Billed to the client.
        billed: bool,
    },
    /// Create or edit expenses.
    EditExpenses,
    /// See the intervenants' names and roles.
    SeeIntervenants,
    /// See the intervenants' contact details.
    SeeIntervenantContacts,
    /// Assign or remove intervenants.
    AssignIntervenants,
    /// See events and the calendar, subscribe to it.
    SeeEvents,
    /// Create, edit or cancel events.
    EditEvents,
    /// See activities in detail.
    SeeActivities,
    /// Record activities.
    RecordActivities,
    /// Read discussion messages.
    ReadMessages,
    /// Post a discussion message (web or e-mail).
    PostMessage,
    /// Download files.
    DownloadFiles,
    /// Upload files.
    UploadFiles,
    /// Delete or rename files.
    ManageFiles,
    /// Set one's own reference for the dossier.
    SetOwnReference,
    /// See the business's internal reference of the dossier.
    SeeStaffReference,
    /// Read the dossier's history (the changes made to it and its items).
    SeeHistory,
    /// Close the dossier.
    Close,
    /// Reopen a closed dossier.
    Reopen,
}

impl Action {
    /// Whether the action changes the dossier: a closed dossier refuses these.
    /// Reopening is the one change a closed dossier accepts.
    pub fn is_change(self) -> bool {
        use Action::*;
        match self {
            SeeDossier
            | SeeDocuments
            | SeeExpense { .. }
            | SeeIntervenants
            | SeeIntervenantContacts
            | SeeEvents
            | SeeActivities
            | ReadMessages
            | DownloadFiles
            | SeeStaffReference
            | SeeHistory
            | Reopen => false,
            EditDossier | EditDocuments | AnswerQuote | EditExpenses | AssignIntervenants
            | EditEvents | RecordActivities | PostMessage | UploadFiles | ManageFiles
            | SetOwnReference | Close => true,
        }
    }
}

/// One cell of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// Yes.
    Allow,
    /// No, and the thing is not even shown: answer as if it did not exist.
    Hide,
    /// No: the reader sees the thing but may not change it.
    Refuse,
}

/// The table of SPEC §2: one row per action, one column per role.
fn cell(action: Action, role: Role) -> Cell {
    use Action::*;
    use Cell::*;
    use Role::*;
    match (action, role) {
        (SeeDossier, _) => Allow,
        (EditDossier, Staff) => Allow,
        (EditDossier, Client | Intervenant) => Refuse,
        (SeeDocuments, Staff | Client) => Allow,
        (SeeDocuments, Intervenant) => Hide,
        (EditDocuments, Staff) => Allow,
        (EditDocuments, Client) => Refuse,
        (EditDocuments, Intervenant) => Hide,
        (AnswerQuote, Client) => Allow,
        (AnswerQuote, Staff) => Refuse,
        (AnswerQuote, Intervenant) => Hide,
        (SeeExpense { .. }, Staff) => Allow,
        (SeeExpense { billed: true }, Client | Intervenant) => Allow,
        (SeeExpense { billed: false }, Client | Intervenant) => Hide,
        (EditExpenses, Staff) => Allow,
        (EditExpenses, Client | Intervenant) => Refuse,
        (SeeIntervenants, _) => Allow,
        (SeeIntervenantContacts, Staff) => Allow,
        (SeeIntervenantContacts, Client | Intervenant) => Hide,
        (AssignIntervenants, Staff) => Allow,
        (AssignIntervenants, Client | Intervenant) => Refuse,
        (SeeEvents, _) => Allow,
        (EditEvents, Staff) => Allow,
        (EditEvents, Client | Intervenant) => Refuse,
        (SeeActivities, _) => Allow,
        (RecordActivities, Staff) => Allow,
        (RecordActivities, Client | Intervenant) => Refuse,
        (ReadMessages | PostMessage, _) => Allow,
        (DownloadFiles | UploadFiles, _) => Allow,
        (ManageFiles, Staff) => Allow,
        (ManageFiles, Client | Intervenant) => Refuse,
        (SetOwnReference, _) => Allow,
        // Not in SPEC §2's table: the business's own label and its log of changes are
        // staff's, as every other change to the dossier itself is.
        (SeeStaffReference | SeeHistory, Staff) => Allow,
        (SeeStaffReference | SeeHistory, Client | Intervenant) => Hide,
        (Close | Reopen, Staff) => Allow,
        (Close | Reopen, Client | Intervenant) => Refuse,
    }
}

/// Why an action is refused; each maps to one answer at every door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// No role, or a thing the role may not see: "not found" (HTTP 404, never 403).
    NotFound,
    /// The role sees the thing but may not do this (HTTP 403).
    Forbidden,
    /// The dossier is closed: no change, for anyone.
    Closed,
}

/// Decides whether a user with `role` may do `action` on a dossier in `status`.
pub fn check(role: Option<Role>, status: Status, action: Action) -> Result<(), Denial> {
    let role = role.ok_or(Denial::NotFound)?;
    match cell(action, role) {
        Cell::Hide => Err(Denial::NotFound),
        Cell::Refuse => Err(Denial::Forbidden),
        Cell::Allow if status == Status::Closed && action.is_change() => Err(Denial::Closed),
        Cell::Allow => Ok(()),
    }
}

/// Whether `user` may open a new dossier for `client`: staff for any client; a client's
/// person for that client only, when the client is allowed to; intervenants never.
pub fn may_create_dossier(user: &User, client: &Client) -> bool {
    user.staff || (client.may_create_dossiers && client.has_member(user.id))
}

/// Whether `user`, with `role` on the dossier, may download the e-mail a message came
/// from as it was received: it carries its sender's personal reply address, so only
/// staff and its author may; everyone else reads the posted text and the attachments.
pub fn may_read_original(user: &User, role: Role, author: crate::domain::UserId) -> bool {
    role == Role::Staff || user.id == author
}

/// Whether `user` may administer users, clients, held mail and the outbox.
pub fn may_administer(user: &User) -> bool {
    user.staff
}
