//! The sales journal an accountant asks for: every invoice and credit note issued in a
//! period, one line per VAT rate (a credit note's amounts negative), with the buyer as
//! the document names them, and the documents themselves as they print. Staff only.

use chrono::NaiveDate;

use super::Printed;
use super::{Services, staff_only};
use crate::domain::{Cents, DocKind, DocNumber, Document, DossierNumber, User, VatRate};
use crate::error::Result;

/// Whether `doc` is in the journal of `from` to `to`: an invoice or a credit note,
/// issued, dated in the period.
fn in_journal(doc: &Document, from: NaiveDate, to: NaiveDate) -> bool {
    doc.issued.is_some()
        && matches!(doc.kind(), DocKind::Invoice | DocKind::CreditNote)
        && (from..=to).contains(&doc.date)
}

/// One line of the journal: one VAT rate of one document.
pub struct JournalLine {
    /// The document's date.
    pub date: NaiveDate,
    /// Its number.
    pub number: DocNumber,
    /// Its dossier.
    pub dossier: DossierNumber,
    /// The buyer's name.
    pub buyer: String,
    /// The buyer's SIREN.
    pub siren: String,
    /// The buyer's VAT number.
    pub vat_number: String,
    /// The VAT rate.
    pub rate: VatRate,
    /// The base before tax at that rate.
    pub base: Cents,
    /// The VAT at that rate.
    pub vat: Cents,
    /// Its due date, if any.
    pub due: Option<NaiveDate>,
    /// Whether it is paid.
    pub paid: bool,
}

impl Services {
    /// The journal of the documents issued from `from` to `to` (both included), by date
    /// then number.
    pub fn sales_journal(
        &self,
        actor: &User,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<JournalLine>> {
        staff_only(actor)?;
        let mut lines = Vec::new();
        for dossier in self.store.all_dossiers()?.iter() {
            let documents: Vec<Document> = self.store.items(dossier.id)?;
            for doc in documents.into_iter().filter(|d| in_journal(d, from, to)) {
                let Some(issued) = &doc.issued else { continue };
                let sign = if doc.kind() == DocKind::CreditNote {
                    -1
                } else {
                    1
                };
                for vat in doc.totals().vat {
                    lines.push(JournalLine {
                        date: doc.date,
                        number: doc.number,
                        dossier: dossier.number,
                        buyer: issued.buyer.name.clone(),
                        siren: issued.buyer.billing.siren.clone(),
                        vat_number: issued.buyer.billing.vat_number.clone(),
                        rate: vat.rate,
                        base: Cents(sign * vat.base.0),
                        vat: Cents(sign * vat.vat.0),
                        due: doc.terms.due,
                        paid: doc.status == crate::domain::DocStatus::Paid,
                    });
                }
            }
        }
        lines.sort_by_key(|l| (l.date, l.number.to_string()));
        Ok(lines)
    }

    /// The documents of the journal of `from` to `to`, as they print (their Factur-X
    /// PDF), by date then number.
    pub fn sales_documents(
        &self,
        actor: &User,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Printed>> {
        staff_only(actor)?;
        let mut printed = Vec::new();
        for dossier in self.store.all_dossiers()?.iter() {
            let documents: Vec<Document> = self.store.items(dossier.id)?;
            for doc in documents.iter().filter(|d| in_journal(d, from, to)) {
                printed.push(self.printed_document(actor, dossier.number, doc.id)?);
            }
        }
        printed.sort_by_key(|p| (p.document.date, p.document.number.to_string()));
        Ok(printed)
    }
}
