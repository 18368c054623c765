//! Read-only detail pages and downloads of a dossier: the printable page of a quote,
//! order or invoice; the activity details; an expense's receipt; a message's original
//! e-mail. Each goes through the services, so what the reader may not see is a 404.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::downloads::Download;
use super::errors::{blocking, page_for};
use super::session::Reader;
use crate::app::App;
use crate::domain::{ClientKind, DocumentId, DossierNumber, ExpenseId, FileName, MessageId};
use crate::error::Error;
use crate::service::Printed;
use crate::templates::details;
use crate::templates::sheet::{Parties, Sheet, sheet};

fn number(text: &str) -> crate::Result<DossierNumber> {
    DossierNumber::parse(text).ok_or(Error::NotFound)
}

/// GET /dossiers/{number}/documents/{id}: the printable page.
pub async fn document(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found =
        blocking(move || services.printed_document(&user, number(&n)?, DocumentId::from_raw(id)))
            .await;
    match found {
        Ok(printed) => {
            let sheet = sheet_of(&app, &printed);
            let (dossier, document) = (&printed.dossier, &printed.document);
            let pdf = format!("/dossiers/{}/documents/{}/pdf", dossier.number, document.id);
            details::document(&app.config, &reader, dossier, &sheet, &pdf).into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}

/// GET /dossiers/{number}/documents/{id}/pdf: the document as a PDF (what its printable
/// page says); an issued invoice or credit note is Factur-X.
pub async fn document_pdf(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let (services, user, app2) = (app.services.clone(), reader.user.clone(), app.clone());
    let made = blocking(move || {
        let printed = services.printed_document(&user, number(&n)?, DocumentId::from_raw(id))?;
        let document = &printed.document;
        let name = if document.numbered() {
            format!("{}.pdf", document.number)
        } else {
            format!("{}-brouillon.pdf", printed.dossier.number)
        };
        let sheet = sheet_of(&app2, &printed);
        let pdf = match crate::facturx::cii(document, &printed.related) {
            Some(xml) => {
                let attachment = crate::pdf::Attachment {
                    name: "factur-x.xml".into(),
                    mime: "text/xml",
                    description: "Factur-X (EN 16931)".into(),
                    data: xml.into_bytes(),
                };
                crate::facturx::with_facturx_metadata(crate::pdf::render(
                    &sheet,
                    Some(attachment),
                )?)?
            }
            None => crate::pdf::render(&sheet, None)?,
        };
        Ok((FileName::sanitize(&name), pdf))
    })
    .await;
    match made {
        Ok((name, pdf)) => super::downloads::made(name, "application/pdf", pdf),
        Err(err) => page_for(&reader, err),
    }
}

/// GET /dossiers/{number}/documents/{id}/xml: an issued invoice's or credit note's CII
/// XML (EN 16931), as its Factur-X PDF carries it; 404 for any other document.
pub async fn document_xml(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let made = blocking(move || {
        let printed = services.printed_document(&user, number(&n)?, DocumentId::from_raw(id))?;
        let xml =
            crate::facturx::cii(&printed.document, &printed.related).ok_or(Error::NotFound)?;
        let name = FileName::sanitize(&format!("{}.xml", printed.document.number));
        Ok((name, xml))
    })
    .await;
    match made {
        Ok((name, xml)) => super::downloads::made(name, "application/xml", xml.into_bytes()),
        Err(err) => page_for(&reader, err),
    }
}

/// The printed form of a document: with the seller and buyer kept at issue, or as they
/// are today for a document not issued.
fn sheet_of(app: &App, printed: &Printed) -> Sheet {
    let (document, client) = (&printed.document, &printed.client);
    let parties = match &document.issued {
        Some(issued) => Parties {
            seller: &issued.seller,
            business_name: &app.config.business_name,
            buyer: &issued.buyer.name,
            company: issued.buyer.company,
            billing: &issued.buyer.billing,
        },
        None => Parties {
            seller: &printed.seller,
            business_name: &app.config.business_name,
            buyer: &client.name,
            company: client.kind == ClientKind::Company,
            billing: &client.billing,
        },
    };
    sheet(document, &printed.dossier, &parties, &printed.related)
}

/// GET /dossiers/{number}/expenses/{id}/receipt.
pub async fn receipt(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        let dossier = services.find_dossier(&user, number(&n)?)?;
        let (blob, content) =
            services.receipt_content(&user, dossier.id, ExpenseId::from_raw(id))?;
        Download::open(blob.name, &blob.content_type, content)
    })
    .await;
    match found {
        Ok(download) => download.into_response(),
        Err(err) => page_for(&reader, err),
    }
}

/// GET /dossiers/{number}/messages/{id}/original: the e-mail as received, as a file.
pub async fn original(
    State(app): State<App>,
    reader: Reader,
    Path((n, id)): Path<(String, u64)>,
) -> Response {
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        let dossier = services.find_dossier(&user, number(&n)?)?;
        let content = services.original_mail(&user, dossier.id, MessageId::from_raw(id))?;
        let name = FileName::sanitize(&format!("message-{id}.eml"));
        Download::open(name, "message/rfc822", content)
    })
    .await;
    match found {
        Ok(download) => download.into_response(),
        Err(err) => page_for(&reader, err),
    }
}
