//! The dossier list, posting a message (with files), and file downloads. Each handler: load the reader, validate, call the services, render or
//! redirect. Whatever the reader may not see answers 404.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::downloads::Download;
use super::errors::{blocking, page_for};
use super::forms::{PostedFiles, discard};
use super::items::Reshow;
use super::session::Reader;
use super::uploads::{cut_short, is_too_large, permit, receive, too_large};
use crate::app::App;
use crate::domain::{Door, DossierNumber, FileId, NewFile, NewMessage, Status};
use crate::error::Error;
use crate::policy::Action;
use crate::service::Section;
use crate::templates::dossier as views;
use crate::templates::fields::Again;

/// The list's search: free text and open / closed.
#[derive(Debug, Default, Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
}

/// GET /dossiers.
pub async fn list(
    State(app): State<App>,
    reader: Reader,
    Query(search): Query<Search>,
) -> Response {
    let services = app.services.clone();
    let user = reader.user.clone();
    let found = blocking(move || {
        let status_ok = |dossier: &crate::domain::Dossier| match search.status.as_str() {
            "open" => dossier.status == Status::Open,
            "closed" => dossier.status == Status::Closed,
            _ => true,
        };
        // Words typed: the search index, within what the reader may see; none: the list.
        let rows: Vec<views::Row> = if search.q.trim().is_empty() {
            let dossiers = services.visible_dossiers(&user)?;
            let clients = services.client_names(&user, &dossiers)?;
            dossiers
                .into_iter()
                .zip(clients)
                .filter(|(d, _)| status_ok(d))
                .map(|(dossier, client)| views::Row {
                    dossier,
                    client,
                    hits: Vec::new(),
                })
                .collect()
        } else {
            services
                .search(&user, &search.q)?
                .into_iter()
                .filter(|f| status_ok(&f.dossier))
                .map(|f| views::Row {
                    dossier: f.dossier,
                    client: f.client,
                    hits: f.hits,
                })
                .collect()
        };
        // Offered only to who may open one: intervenants never may.
        let may_create = !services.clients_for_new_dossier(&user)?.is_empty();
        Ok((rows, search, may_create))
    })
    .await;
    match found {
        Ok((rows, search, may_create)) => views::list(
            &app.config.business_name,
            &reader,
            &rows,
            &search.q,
            &search.status,
            may_create,
        )
        .into_response(),
        Err(err) => page_for(&reader, err),
    }
}

fn number(text: &str) -> Result<DossierNumber, Error> {
    DossierNumber::parse(text).ok_or(Error::NotFound)
}

/// POST /dossiers/{number}/messages: text and files, multipart. The token (first field)
/// and the permission are checked before any file is read; the files are kept only once
/// the whole form was read.
pub async fn post_message(
    State(app): State<App>,
    Path(number_text): Path<String>,
    PostedFiles {
        reader,
        mut multipart,
    }: PostedFiles,
) -> Response {
    let number = match number(&number_text) {
        Ok(n) => n,
        Err(err) => return page_for(&reader, err),
    };
    let dossier = match permit(&app, &reader, number, Action::PostMessage).await {
        Ok(id) => id,
        Err(err) => {
            discard(multipart).await;
            return page_for(&reader, err);
        }
    };
    let (mut text, mut files, mut may_upload) = (String::new(), Vec::new(), false);
    loop {
        let field = match multipart.next_field().await.map_err(cut_short) {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if is_too_large(&err) => return too_large(&app),
            Err(err) => return page_for(&reader, err),
        };
        match field.name().unwrap_or("") {
            "text" => text = field.text().await.unwrap_or_default(),
            "files" => {
                if !may_upload {
                    if let Err(err) = permit(&app, &reader, number, Action::UploadFiles).await {
                        drop(field);
                        discard(multipart).await;
                        return page_for(&reader, err);
                    }
                    may_upload = true;
                }
                match receive(&app, field).await {
                    Ok(Some(upload)) => files.push(upload),
                    Ok(None) => {}
                    Err(err) if is_too_large(&err) => return too_large(&app),
                    Err(err) => return page_for(&reader, err),
                }
            }
            _ => {}
        }
    }
    // What the service would refuse is refused before a file is kept, on the dossier's
    // page, with the sentence.
    if let Err(Error::Invalid(why)) = crate::service::message_text(&text, !files.is_empty()) {
        let again = Again {
            fields: [("text".to_string(), text)].into_iter().collect(),
            refusal: Some(why),
            form: "",
        };
        let discussion = Reshow::Section(Section::Discussion);
        return super::items::show_again(&app, &reader, number, discussion, again).await;
    }
    let (services, user) = (app.services.clone(), reader.user.clone());
    let posted = blocking(move || {
        let attachments = files
            .into_iter()
            .map(|upload| upload.keep().map(NewFile::attached))
            .collect::<crate::Result<Vec<_>>>()?;
        let message = NewMessage {
            text,
            attachments,
            ..NewMessage::default()
        };
        services.post_message(&user, dossier, Door::Web, message)
    })
    .await;
    match posted {
        Ok(message) => {
            Redirect::to(&format!("/dossiers/{number}#message-{}", message.id)).into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}

/// GET /dossiers/{number}/files/{id}: the file, streamed (see [`Download`]).
pub async fn download(
    State(app): State<App>,
    reader: Reader,
    Path((number_text, id)): Path<(String, u64)>,
) -> Response {
    let number = match number(&number_text) {
        Ok(n) => n,
        Err(err) => return page_for(&reader, err),
    };
    let (services, user) = (app.services.clone(), reader.user.clone());
    let found = blocking(move || {
        let dossier = services.find_dossier(&user, number)?;
        let (file, content) = services.file_content(&user, dossier.id, FileId::from_raw(id))?;
        Download::open(file.blob.name, &file.blob.content_type, content)
    })
    .await;
    match found {
        Ok(download) => download.into_response(),
        Err(err) => page_for(&reader, err),
    }
}

/// GET /dossiers/{number}/files/{id}/preview: a small JPEG of an image file, for who may
/// download the file; 404 when it has none.
pub async fn preview(
    State(app): State<App>,
    reader: Reader,
    Path((number_text, id)): Path<(String, u64)>,
) -> Response {
    let number = match number(&number_text) {
        Ok(n) => n,
        Err(err) => return page_for(&reader, err),
    };
    let (services, user) = (app.services.clone(), reader.user.clone());
    let data = app.config.data.clone();
    let found = blocking(move || {
        let dossier = services.find_dossier(&user, number)?;
        let (file, content) = services.file_content(&user, dossier.id, FileId::from_raw(id))?;
        if !crate::thumbnails::previewable(&file.blob.content_type) {
            return Err(Error::NotFound);
        }
        let path = crate::thumbnails::preview(&data, &file.blob.sha256, content, file.blob.size)?
            .ok_or(Error::NotFound)?;
        let kept =
            std::fs::File::open(&path).map_err(|e| Error::from_io("reading a preview", e))?;
        let name = crate::domain::FileName::sanitize(&format!("{}.jpg", file.blob.name));
        Download::open(name, "image/jpeg", kept)
    })
    .await;
    match found {
        Ok(download) => download.into_response(),
        Err(err) => page_for(&reader, err),
    }
}
