//! A document's PDF, drawn in-process with krilla from the same [`Sheet`] as its
//! printable page: A4, DejaVu Sans embedded (subset), PDF/A-3b so that an invoice can
//! carry its structured data as an associated file (Factur-X). Text is measured with
//! the font's own advances (skrifa) to wrap descriptions and align amounts.

use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use krilla::{Document, SerializeSettings};

mod face;
mod layout;

use face::Face;
use layout::Mark;

use crate::error::{Error, Result};
use crate::templates::sheet::Sheet;

pub(crate) static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 42.0;
pub(crate) const BODY: f32 = 9.0;
const SMALL: f32 = 7.5;

/// A file the PDF carries as an associated file (the invoice's CII XML).
pub struct Attachment {
    /// Its name in the PDF (`factur-x.xml`).
    pub name: String,
    /// Its MIME type.
    pub mime: &'static str,
    /// What it is, for the reader of the attachment list.
    pub description: String,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// Draws `sheet` as a PDF/A-3b document, with `attachment` associated to it.
pub fn render(sheet: &Sheet, attachment: Option<Attachment>) -> Result<Vec<u8>> {
    let regular = Face::load(REGULAR)?;
    let bold = Face::load(BOLD)?;
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| Error::storage(format!("PDF configuration: {e:?}")))?;
    let mut document = Document::new_with(SerializeSettings {
        configuration,
        ..Default::default()
    });
    // The document's own moment, not the printing's: the same document, the same bytes.
    let made = sheet.made;
    use chrono::{Datelike, Timelike};
    let date = DateTime::new(made.year() as u16)
        .month(made.month() as u8)
        .day(made.day() as u8)
        .hour(made.hour() as u8)
        .minute(made.minute() as u8)
        .second(made.second() as u8);
    document.set_metadata(
        Metadata::new()
            .title(sheet.title.clone())
            .language("fr".into())
            .authors(vec![sheet.seller.first().cloned().unwrap_or_default()])
            .creator("Dossier".into())
            .creation_date(date),
    );
    if let Some(file) = attachment {
        let mime = MimeType::new(file.mime)
            .ok_or_else(|| Error::storage("the attachment's type is not a MIME type"))?;
        document
            .embed_file(EmbeddedFile {
                path: file.name,
                mime_type: Some(mime),
                description: Some(file.description),
                association_kind: AssociationKind::Data,
                data: file.data.into(),
                modification_date: Some(date),
                compress: Some(true),
                location: None,
            })
            .ok_or_else(|| Error::storage("the attachment was given twice"))?;
    }
    paint(
        &mut document,
        &layout::lay_out(sheet, &regular, &bold),
        &regular,
        &bold,
    );
    document
        .finish()
        .map_err(|e| Error::storage(format!("the PDF cannot be written: {e:?}")))
}

/// Paints the marks of each page.
fn paint(document: &mut Document, pages: &[Vec<Mark>], regular: &Face, bold: &Face) {
    let grey = || Stroke {
        paint: rgb::Color::new(90, 90, 90).into(),
        width: 0.6,
        ..Default::default()
    };
    for marks in pages {
        let size = PageSettings::from_wh(WIDTH, HEIGHT).unwrap_or_default();
        let mut page = document.start_page_with(size);
        let mut surface = page.surface();
        for mark in marks {
            match mark {
                Mark::Text {
                    x,
                    y,
                    size,
                    bold: strong,
                    text,
                } => {
                    let face = if *strong { bold } else { regular };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        face.font.clone(),
                        *size,
                        &face.printable(text),
                        false,
                        TextDirection::Auto,
                    );
                }
                Mark::Rule { from, to, y, width } => {
                    let mut path = PathBuilder::new();
                    path.move_to(*from, *y);
                    path.line_to(*to, *y);
                    stroke(
                        &mut surface,
                        path,
                        Stroke {
                            width: *width,
                            ..grey()
                        },
                    );
                }
                Mark::Frame { x, y, w, h } => {
                    let mut path = PathBuilder::new();
                    if let Some(frame) = Rect::from_xywh(*x, *y, *w, *h) {
                        path.push_rect(frame);
                    }
                    stroke(&mut surface, path, grey());
                }
            }
        }
        surface.finish();
        page.finish();
    }
}

/// Strokes `path` without filling it.
fn stroke(surface: &mut Surface, path: PathBuilder, with: Stroke) {
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(with));
        surface.draw_path(&path);
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
    }
}
