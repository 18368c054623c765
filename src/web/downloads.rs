//! Stored files as responses: streamed from disk (never whole in memory), shown inline
//! only when they are a raster image or a PDF both by their declared type and by their
//! first bytes, otherwise offered as an attachment; the name is given both as plain
//! ASCII and as RFC 5987 UTF-8.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::domain::FileName;
use crate::error::{Error, Result};

/// A file ready to be sent.
pub struct Download {
    name: FileName,
    content_type: &'static str,
    inline: bool,
    size: u64,
    file: File,
}

/// The types shown inline, each with how its content starts.
const INLINE: [(&str, &[&[u8]]); 5] = [
    ("image/png", &[b"\x89PNG\r\n\x1a\n"]),
    ("image/jpeg", &[b"\xff\xd8\xff"]),
    ("image/gif", &[b"GIF87a", b"GIF89a"]),
    ("image/webp", &[b"RIFF"]),
    ("application/pdf", &[b"%PDF-"]),
];

impl Download {
    /// Prepares `file` (blocking: it reads the first bytes) under `name`, declared as
    /// `declared`.
    pub fn open(name: FileName, declared: &str, mut file: File) -> Result<Download> {
        let io = |e| Error::from_io("reading a file to send", e);
        let size = file.metadata().map_err(io)?.len();
        let mut head = [0u8; 16];
        let mut read = 0;
        while read < head.len() {
            match file.read(&mut head[read..]).map_err(io)? {
                0 => break,
                n => read += n,
            }
        }
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let head = &head[..read];
        let safe = INLINE.iter().find(|(kind, starts)| {
            *kind == declared
                && starts.iter().any(|s| head.starts_with(s))
                && (*kind != "image/webp" || head.get(8..12) == Some(b"WEBP"))
        });
        Ok(Download {
            name,
            content_type: safe.map_or("application/octet-stream", |(kind, _)| *kind),
            inline: safe.is_some(),
            size,
            file,
        })
    }
}

/// A file made for this response (a document's PDF, its XML), shown inline when it is a
/// PDF.
pub fn made(name: FileName, content_type: &'static str, bytes: Vec<u8>) -> Response {
    let inline = content_type == "application/pdf";
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition(&name, inline)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `Content-Disposition` for `name`, in plain ASCII and in RFC 5987 UTF-8.
fn disposition(name: &FileName, inline: bool) -> String {
    let ascii: String = name
        .as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded =
        percent_encoding::utf8_percent_encode(name.as_str(), percent_encoding::NON_ALPHANUMERIC);
    format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" },
    )
}

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        let disposition = disposition(&self.name, self.inline);
        let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(self.file));
        let mut response = (StatusCode::OK, Body::from_stream(stream)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(self.size));
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        response
    }
}
