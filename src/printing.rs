//! A document as it is printed: its sheet (with the seller and buyer kept at issue, or
//! as they are today for a document not issued), its PDF — Factur-X for an issued
//! invoice or credit note, the same bytes for the same document — and the PDF's file
//! name. The download, the e-mail that sends a document and the answer's proof print
//! through here.

use crate::domain::{ClientKind, FileName};
use crate::error::Result;
use crate::service::Printed;
use crate::templates::sheet::{Parties, Sheet, answer_block, sheet};

/// Who prints: the business's name (for a profile with no legal name) and its time zone
/// (for the moment a quote was answered).
#[derive(Debug, Clone, Copy)]
pub struct Printer<'a> {
    /// The business's name.
    pub business_name: &'a str,
    /// Its time zone.
    pub zone: chrono_tz::Tz,
}

/// A document's PDF and the name it is offered under.
pub struct Pdf {
    /// `D-2026-0001.pdf`, or the dossier's number for a draft not numbered yet.
    pub name: FileName,
    /// The PDF.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Pdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pdf({}, {} bytes)", self.name, self.bytes.len())
    }
}

/// The printed form of `printed`, by `printer`.
pub fn sheet_of(printed: &Printed, printer: Printer) -> Sheet {
    let business_name = printer.business_name;
    let (document, client) = (&printed.document, &printed.client);
    let parties = match &document.issued {
        Some(issued) => Parties {
            seller: &issued.seller,
            business_name,
            buyer: &issued.buyer.name,
            company: issued.buyer.company,
            billing: &issued.buyer.billing,
        },
        None => Parties {
            seller: &printed.seller,
            business_name,
            buyer: &client.name,
            company: client.kind == ClientKind::Company,
            billing: &client.billing,
        },
    };
    let mut sheet = sheet(document, &printed.dossier, &parties, &printed.related);
    sheet.answer = document
        .answer
        .as_ref()
        .map(|answer| answer_block(answer, printer.zone));
    sheet
}

/// The PDF of `printed`: what its printable page says; an issued invoice or credit
/// note carries its CII XML and the Factur-X metadata.
pub fn pdf(printed: &Printed, printer: Printer) -> Result<Pdf> {
    let document = &printed.document;
    let name = if document.numbered() {
        format!("{}.pdf", document.number)
    } else {
        format!("{}-brouillon.pdf", printed.dossier.number)
    };
    let sheet = sheet_of(printed, printer);
    let bytes = match crate::facturx::cii(document, &printed.related) {
        Some(xml) => {
            let attachment = crate::pdf::Attachment {
                name: "factur-x.xml".into(),
                mime: "text/xml",
                description: "Factur-X (EN 16931)".into(),
                data: xml.into_bytes(),
            };
            crate::facturx::with_facturx_metadata(crate::pdf::render(&sheet, Some(attachment))?)?
        }
        None => crate::pdf::render(&sheet, None)?,
    };
    Ok(Pdf {
        name: FileName::sanitize(&name),
        bytes,
    })
}
