//! A document as it is printed: its sheet (with the seller and buyer kept at issue, or
//! as they are today for a document not issued), its PDF — Factur-X for an issued
//! invoice or credit note — and the PDF's file name. The download and the e-mail that
//! sends a document both print through here.

use crate::domain::{ClientKind, FileName};
use crate::error::Result;
use crate::service::Printed;
use crate::templates::sheet::{Parties, Sheet, sheet};

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

/// The printed form of `printed`, for the business named `business_name`.
pub fn sheet_of(printed: &Printed, business_name: &str) -> Sheet {
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
    sheet(document, &printed.dossier, &parties, &printed.related)
}

/// The PDF of `printed`: what its printable page says; an issued invoice or credit
/// note carries its CII XML and the Factur-X metadata.
pub fn pdf(printed: &Printed, business_name: &str) -> Result<Pdf> {
    let document = &printed.document;
    let name = if document.numbered() {
        format!("{}.pdf", document.number)
    } else {
        format!("{}-brouillon.pdf", printed.dossier.number)
    };
    let sheet = sheet_of(printed, business_name);
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
