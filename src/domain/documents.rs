//! Quotes, orders and invoices: numbered per kind per year (`D-2026-0001`), with lines
//! and totals computed by the rounding rule of [`super::money`].

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::money::{Line, Totals, totals};
use super::{DocumentId, DossierId, UserId};

/// Quote, order or invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// Devis.
    Quote,
    /// Commande.
    Order,
    /// Facture.
    Invoice,
}

impl DocKind {
    /// The letter of its number: D (devis), C (commande), F (facture).
    pub fn letter(self) -> char {
        match self {
            DocKind::Quote => 'D',
            DocKind::Order => 'C',
            DocKind::Invoice => 'F',
        }
    }

    /// The status a new document of this kind starts in.
    pub fn initial_status(self) -> DocStatus {
        match self {
            DocKind::Quote | DocKind::Invoice => DocStatus::Draft,
            DocKind::Order => DocStatus::Open,
        }
    }

    /// Whether `status` belongs to this kind (SPEC §3).
    pub fn allows(self, status: DocStatus) -> bool {
        use DocStatus::*;
        match self {
            DocKind::Quote => matches!(status, Draft | Sent | Accepted | Refused),
            DocKind::Order => matches!(status, Open | Done),
            DocKind::Invoice => matches!(status, Draft | Sent | Paid | Overdue),
        }
    }

    /// The kind a document of this kind may come from: an order from a quote, an
    /// invoice from an order.
    pub fn source(self) -> Option<DocKind> {
        match self {
            DocKind::Quote => None,
            DocKind::Order => Some(DocKind::Quote),
            DocKind::Invoice => Some(DocKind::Order),
        }
    }
}

/// The status of a document; which ones apply depends on its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocStatus {
    /// Quote or invoice being written.
    Draft,
    /// Quote or invoice sent to the client.
    Sent,
    /// Quote accepted.
    Accepted,
    /// Quote refused.
    Refused,
    /// Order in progress.
    Open,
    /// Order delivered.
    Done,
    /// Invoice paid.
    Paid,
    /// Invoice past due.
    Overdue,
}

/// `D-2026-0001`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocNumber {
    /// Quote, order or invoice.
    pub kind: DocKind,
    /// Year of the sequence.
    pub year: u16,
    /// 1-based sequence within kind and year.
    pub seq: u32,
}

impl fmt::Display for DocNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:04}", self.kind.letter(), self.year, self.seq)
    }
}

/// A quote, an order or an invoice of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Store id.
    pub id: DocumentId,
    /// Its dossier.
    pub dossier: DossierId,
    /// Its number (which carries its kind).
    pub number: DocNumber,
    /// A short title (`Rénovation cuisine — lot 1`).
    pub title: String,
    /// Date of the document.
    pub date: NaiveDate,
    /// Status, valid for the kind.
    pub status: DocStatus,
    /// Lines.
    pub lines: Vec<Line>,
    /// The quote an order comes from, the order an invoice comes from.
    pub source: Option<DocumentId>,
    /// Who wrote it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl Document {
    /// Quote, order or invoice.
    pub fn kind(&self) -> DocKind {
        self.number.kind
    }

    /// Totals before tax, VAT per rate and total.
    pub fn totals(&self) -> Totals {
        totals(&self.lines)
    }
}

/// The editable content of a document, as a form or the CLI gives it.
#[derive(Debug, Clone)]
pub struct DocumentDraft {
    /// Title.
    pub title: String,
    /// Date.
    pub date: NaiveDate,
    /// Status (checked against the kind).
    pub status: DocStatus,
    /// Lines.
    pub lines: Vec<Line>,
}
