//! Quotes, orders, invoices and credit notes: numbered per kind per year
//! (`D-2026-0001`), with lines and totals computed by the rounding rule of
//! [`super::money`]. Quotes and orders take their number when written; an invoice or a
//! credit note takes the next one of its sequence when it is issued, so the sequence
//! has no gap, and is frozen from then on (a credit note corrects it). What a document
//! says besides its lines is in [`Terms`]; who sold and who bought, as they were at
//! issue, in [`Issued`].

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::money::{Line, Totals, totals};
use super::{DocumentId, DossierId, UserId};

/// Quote, order, invoice or credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// Devis.
    Quote,
    /// Commande.
    Order,
    /// Facture (deposit and final invoices included).
    Invoice,
    /// Avoir: corrects an issued invoice.
    #[serde(rename = "credit_note")]
    CreditNote,
}

impl DocKind {
    /// The letter of its number: D (devis), C (commande), F (facture).
    pub fn letter(self) -> char {
        match self {
            DocKind::Quote => 'D',
            DocKind::Order => 'C',
            DocKind::Invoice => 'F',
            DocKind::CreditNote => 'A',
        }
    }

    /// The status a new document of this kind starts in.
    pub fn initial_status(self) -> DocStatus {
        match self {
            DocKind::Quote | DocKind::Invoice | DocKind::CreditNote => DocStatus::Draft,
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
            DocKind::CreditNote => matches!(status, Draft | Sent | Paid),
        }
    }

    /// The kind a document of this kind may come from: an order from a quote, an
    /// invoice from an order, a credit note from an invoice.
    pub fn source(self) -> Option<DocKind> {
        match self {
            DocKind::Quote => None,
            DocKind::Order => Some(DocKind::Quote),
            DocKind::Invoice => Some(DocKind::Order),
            DocKind::CreditNote => Some(DocKind::Invoice),
        }
    }

    /// Whether documents of this kind are numbered when issued and frozen from then on
    /// (invoices and credit notes, by French law).
    pub fn issued_once(self) -> bool {
        matches!(self, DocKind::Invoice | DocKind::CreditNote)
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
    /// The quote an order comes from, the order an invoice comes from, the invoice a
    /// credit note corrects; for a deposit invoice, the quote or order it is a share of.
    pub source: Option<DocumentId>,
    /// Who wrote it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// What it says besides its lines.
    #[serde(default)]
    pub terms: Terms,
    /// For a deposit invoice, the share of its source it asks.
    #[serde(default)]
    pub deposit: Option<Share>,
    /// For a final invoice, the deposit invoices it deducts (one line per VAT rate each).
    #[serde(default)]
    pub deducts: Vec<DocumentId>,
    /// When an invoice or a credit note was issued, with who sold and who bought as they
    /// were then.
    #[serde(default)]
    pub issued: Option<Issued>,
    /// What an e-invoicing platform said of it (déposée, rejetée, refusée, encaissée…),
    /// oldest first.
    #[serde(default)]
    pub lifecycle: Vec<Lifecycle>,
    /// A quote's answer by the client on the web, with its proof.
    #[serde(default)]
    pub answer: Option<super::Answer>,
    /// Its reminders: turned off, and which went.
    #[serde(default)]
    pub reminders: super::reminders::Reminders,
}

/// Goods, services, or both (a mention of invoices since the 2026 reform).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Nature {
    /// Prestations de services.
    #[default]
    Services,
    /// Livraisons de biens.
    Goods,
    /// Both.
    Mixed,
}

/// What a document says besides its lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Terms {
    /// The last day a quote may be accepted.
    pub valid_until: Option<NaiveDate>,
    /// The day an invoice is due.
    pub due: Option<NaiveDate>,
    /// How to pay (`Virement à réception`); the business's default when empty.
    pub payment: String,
    /// Goods, services or both.
    pub nature: Nature,
    /// Building work: the quote says it was received before the work, and the
    /// professional insurance is printed.
    pub building_work: bool,
    /// Reverse charge of VAT (subcontracted building work, art. 283-2 nonies du CGI):
    /// no VAT on the document, the buyer pays it.
    pub reverse_charge: bool,
    /// A free note printed under the totals.
    pub note: String,
}

/// The share of a quote or order a deposit invoice asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Share {
    /// A percentage in basis points (3000 is 30 %) of every VAT rate's base.
    Percent(u32),
    /// An amount before tax, spread over the VAT rates in proportion to their bases.
    Amount(super::Cents),
}

/// The moment an invoice or credit note was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// When.
    pub at: DateTime<Utc>,
    /// By whom.
    pub by: UserId,
    /// The seller as the business profile said then.
    pub seller: super::BusinessProfile,
    /// The buyer as its client record said then.
    pub buyer: Buyer,
}

/// Who buys, as an issued document names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    /// The client's name.
    pub name: String,
    /// A company or a private person (late-payment mentions apply to companies).
    pub company: bool,
    /// Addresses and identification.
    pub billing: super::Billing,
}

/// One status an e-invoicing platform gave the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// When.
    pub at: DateTime<Utc>,
    /// The platform's status code (`200` déposée, `210` refusée, `212` encaissée…).
    pub code: u16,
    /// Its words.
    pub label: String,
}

impl Document {
    /// Quote, order, invoice or credit note.
    pub fn kind(&self) -> DocKind {
        self.number.kind
    }

    /// Whether it may no longer change but for its status: an issued invoice or credit
    /// note, a quote its client answered on the web (the proof names its PDF).
    pub fn frozen(&self) -> bool {
        self.issued.is_some() || self.answer.is_some()
    }

    /// The staff member the document speaks for: who issued it, else who wrote it.
    pub fn owner(&self) -> super::UserId {
        self.issued.as_ref().map_or(self.created_by, |i| i.by)
    }

    /// What the issued credit notes among `related` take back of this invoice, with tax.
    pub fn credited(&self, related: &[Document]) -> super::Cents {
        super::Cents(
            related
                .iter()
                .filter(|d| {
                    d.kind() == DocKind::CreditNote && d.source == Some(self.id) && d.frozen()
                })
                .map(|d| d.totals().total.0)
                .sum(),
        )
    }

    /// Whether it carries a number yet (an invoice or credit note draft does not).
    pub fn numbered(&self) -> bool {
        self.number.seq > 0
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
    /// What it says besides its lines.
    pub terms: Terms,
}

#[cfg(test)]
impl Document {
    /// A document for unit tests: number 2026-1 of its kind, dated 1 March 2026, one
    /// line of `cents` (at `rate` hundredths of a percent) per pair, nothing issued yet.
    pub fn sample(kind: DocKind, status: DocStatus, lines: &[(i64, u32)]) -> Document {
        use super::money::{Cents, Quantity, VatRate};
        Document {
            id: DocumentId::from_raw(1),
            dossier: DossierId::from_raw(1),
            number: DocNumber {
                kind,
                year: 2026,
                seq: 1,
            },
            title: "t".into(),
            date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
            status,
            lines: lines
                .iter()
                .map(|&(cents, rate)| Line {
                    description: "x".into(),
                    quantity: Quantity(1000),
                    unit: String::new(),
                    unit_price: Cents(cents),
                    vat_rate: VatRate(rate),
                })
                .collect(),
            source: None,
            created_by: UserId::from_raw(1),
            created_at: Utc::now(),
            terms: Terms::default(),
            deposit: None,
            deducts: Vec::new(),
            issued: None,
            lifecycle: Vec::new(),
            answer: None,
            reminders: Default::default(),
        }
    }
}
