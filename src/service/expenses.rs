//! Expenses and their receipts: staff see and write them all; clients and intervenants
//! see only those billed to the client, and only those receipts.

use crate::domain::{BlobRef, DossierId, Expense, ExpenseDraft, ExpenseId, User};
use crate::domain::{HistoryKind, ItemChange, ItemKind};
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::store::Change;

use super::dossiers::entry;
use super::{DESCRIPTION, Services, now};

/// An expense's description as it is kept, or why it cannot be (asked by the doors
/// before they keep a receipt, too).
pub fn expense_description(draft: &ExpenseDraft) -> Result<String> {
    DESCRIPTION.body(&draft.description, 2_000)
}

impl Services {
    /// The expenses of a dossier that `actor` may see.
    pub fn expenses(&self, actor: &User, dossier: DossierId) -> Result<Vec<Expense>> {
        let visit = self.authorize(actor, dossier, Action::SeeDossier)?;
        let may_see = |e: &Expense| {
            let action = Action::SeeExpense {
                billed: e.billed_to_client,
            };
            crate::policy::check(Some(visit.role), visit.dossier.status, action).is_ok()
        };
        Ok(self
            .store
            .items(dossier)?
            .into_iter()
            .filter(may_see)
            .collect())
    }

    /// One expense, if `actor` may see it.
    pub fn expense(&self, actor: &User, dossier: DossierId, id: ExpenseId) -> Result<Expense> {
        let expense: Expense = self.store.item(dossier, id.raw())?.ok_or(Error::NotFound)?;
        self.authorize(
            actor,
            dossier,
            Action::SeeExpense {
                billed: expense.billed_to_client,
            },
        )?;
        Ok(expense)
    }

    /// The receipt of an expense `actor` may see.
    pub fn expense_receipt(
        &self,
        actor: &User,
        dossier: DossierId,
        id: ExpenseId,
    ) -> Result<BlobRef> {
        self.expense(actor, dossier, id)?
            .receipt
            .ok_or(Error::NotFound)
    }

    /// An expense's receipt and its content, for downloading.
    pub fn receipt_content(
        &self,
        actor: &User,
        dossier: DossierId,
        id: ExpenseId,
    ) -> Result<(BlobRef, std::fs::File)> {
        let receipt = self.expense_receipt(actor, dossier, id)?;
        let content = self.store.blobs().open_blob(&receipt.sha256)?;
        Ok((receipt, content))
    }

    /// Records an expense, with its receipt already stored as a blob.
    pub fn add_expense(
        &self,
        actor: &User,
        dossier: DossierId,
        draft: ExpenseDraft,
        receipt: Option<BlobRef>,
    ) -> Result<Expense> {
        self.authorize(actor, dossier, Action::EditExpenses)?;
        let expense = Expense {
            id: self.store.new_id()?,
            dossier,
            date: draft.date,
            category: draft.category,
            description: expense_description(&draft)?,
            amount: draft.amount,
            vat: draft.vat,
            billed_to_client: draft.billed_to_client,
            receipt,
            created_by: actor.id,
            created_at: now(),
        };
        let mut change = Change::to(dossier);
        change
            .put(&expense)?
            .record(entry(actor, expense_line(&expense, ItemChange::Added)));
        self.store.apply(&change)?;
        Ok(expense)
    }

    /// Changes an expense; the receipt is replaced only when one is given.
    pub fn edit_expense(
        &self,
        actor: &User,
        dossier: DossierId,
        id: ExpenseId,
        draft: ExpenseDraft,
        receipt: Option<BlobRef>,
    ) -> Result<Expense> {
        self.authorize(actor, dossier, Action::EditExpenses)?;
        let description = expense_description(&draft)?;
        self.store.update_item_noted(
            dossier,
            id.raw(),
            None,
            |e: &mut Expense| {
                e.date = draft.date;
                e.category = draft.category;
                e.description = description.clone();
                e.amount = draft.amount;
                e.vat = draft.vat;
                e.billed_to_client = draft.billed_to_client;
                if receipt.is_some() {
                    e.receipt = receipt.clone();
                }
                Ok(())
            },
            // An edit that changes nothing says nothing.
            |before, after| {
                (before != after).then(|| entry(actor, expense_line(after, ItemChange::Changed)))
            },
        )
    }
}

/// A history line's words for an expense.
fn expense_line(expense: &Expense, change: ItemChange) -> HistoryKind {
    let label = match expense.description.trim() {
        "" => expense.date.to_string(),
        text => text.to_string(),
    };
    HistoryKind::Item {
        item: ItemKind::Expense,
        label,
        change,
    }
}
