//! The sales journal an accountant asks for: every invoice and credit note issued in a
//! period, one line per VAT rate (a credit note's amounts negative), with the buyer as
//! the document names them, and the documents themselves as they print. Staff only.

use chrono::NaiveDate;

use super::Printed;
use super::{Services, staff_only};
use crate::domain::{Cents, DocKind, DocNumber, Document, DossierNumber, User, VatRate};
use crate::error::Result;
use crate::policy::Action;

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

/// The journal lines of one document: one per VAT rate, a credit note's negative.
fn lines_of(dossier: DossierNumber, doc: &Document) -> Vec<JournalLine> {
    let Some(issued) = &doc.issued else {
        return Vec::new();
    };
    let sign = if doc.kind() == DocKind::CreditNote {
        -1
    } else {
        1
    };
    let line = |vat: crate::domain::money::VatLine| JournalLine {
        date: doc.date,
        number: doc.number,
        dossier,
        buyer: issued.buyer.name.clone(),
        siren: issued.buyer.billing.siren.clone(),
        vat_number: issued.buyer.billing.vat_number.clone(),
        rate: vat.rate,
        base: Cents(sign * vat.base.0),
        vat: Cents(sign * vat.vat.0),
        due: doc.terms.due,
        paid: doc.status == crate::domain::DocStatus::Paid,
    };
    doc.totals().vat.into_iter().map(line).collect()
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
        Ok(self.sales_archive(actor, from, to, false)?.0)
    }

    /// The journal of `from` to `to` and, when `printed`, its documents as they print
    /// (their Factur-X PDF), both by date then number: each dossier's documents read
    /// once, its permission checked once.
    pub fn sales_archive(
        &self,
        actor: &User,
        from: NaiveDate,
        to: NaiveDate,
        printed: bool,
    ) -> Result<(Vec<JournalLine>, Vec<Printed>)> {
        staff_only(actor)?;
        let (mut lines, mut documents) = (Vec::new(), Vec::new());
        let seller = match printed {
            true => Some(self.business_profile()?),
            false => None,
        };
        for dossier in self.store.all_dossiers()?.iter() {
            let related: Vec<Document> = self.store.items(dossier.id)?;
            let chosen: Vec<&Document> =
                related.iter().filter(|d| in_journal(d, from, to)).collect();
            if chosen.is_empty() {
                continue;
            }
            lines.extend(chosen.iter().flat_map(|d| lines_of(dossier.number, d)));
            let Some(seller) = &seller else { continue };
            let visit = self.authorize_read(actor, dossier.clone(), Action::SeeDocuments)?;
            for doc in chosen {
                documents.push(Printed {
                    role: visit.role,
                    dossier: visit.dossier.clone(),
                    document: doc.clone(),
                    related: related.clone(),
                    client: visit.client.clone(),
                    seller: seller.clone(),
                });
            }
        }
        lines.sort_by_key(|l| (l.date, l.number.to_string()));
        documents.sort_by_key(|p| (p.document.date, p.document.number.to_string()));
        Ok((lines, documents))
    }
}
