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
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use crate::domain::Lang;
use crate::error::{Error, Result};
use crate::templates::format;
use crate::templates::sheet::Sheet;

static REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 42.0;
const BODY: f32 = 9.0;
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

/// One face: the font krilla embeds and the same bytes read to measure with.
struct Face {
    font: Font,
    measured: skrifa::FontRef<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> Result<Face> {
        let unreadable = || Error::storage("the PDF font cannot be read");
        let font = Font::new(data.into(), 0).ok_or_else(unreadable)?;
        let measured = skrifa::FontRef::new(data).map_err(|_| unreadable())?;
        Ok(Face { font, measured })
    }

    /// `text` with what the font cannot draw replaced (PDF/A refuses a missing glyph):
    /// control characters by a space, other missing characters by `?`.
    fn printable(&self, text: &str) -> String {
        let charmap = self.measured.charmap();
        text.chars()
            .map(|c| match c {
                c if c.is_control() => ' ',
                c if charmap.map(c).is_some() => c,
                _ => '?',
            })
            .collect()
    }

    /// The width of `text` at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let charmap = self.measured.charmap();
        let metrics = self
            .measured
            .glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.5)
            })
            .sum()
    }

    /// `text` cut into lines no wider than `width` at `size`, at spaces (a word wider
    /// than the line is cut where it must).
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        // Widths are added as words and characters come: linear in the text's length.
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let (mut line, mut used) = (String::new(), 0.0);
            for word in paragraph.split_whitespace() {
                let wide = self.width(word, size);
                if !line.is_empty() && used + space + wide <= width {
                    line.push(' ');
                    line.push_str(word);
                    used += space + wide;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                used = 0.0;
                if wide <= width {
                    line.push_str(word);
                    used = wide;
                    continue;
                }
                // A word wider than the line is cut where it must.
                for c in word.chars() {
                    let w = self.width(c.encode_utf8(&mut [0; 4]), size);
                    if used + w > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        used = 0.0;
                    }
                    line.push(c);
                    used += w;
                }
            }
            lines.push(line);
        }
        lines
    }
}

/// Where the next line goes, on which page.
struct Pen<'a> {
    regular: &'a Face,
    bold: &'a Face,
    y: f32,
}

fn grey() -> rgb::Color {
    rgb::Color::new(90, 90, 90)
}

impl Pen<'_> {
    fn text(&self, surface: &mut Surface, x: f32, size: f32, bold: bool, text: &str) {
        let face = if bold { self.bold } else { self.regular };
        surface.draw_text(
            Point::from_xy(x, self.y),
            face.font.clone(),
            size,
            &face.printable(text),
            false,
            TextDirection::Auto,
        );
    }

    /// `text` ending at `right`.
    fn right(&self, surface: &mut Surface, right: f32, size: f32, bold: bool, text: &str) {
        let face = if bold { self.bold } else { self.regular };
        let x = right - face.width(text, size);
        self.text(surface, x, size, bold, text);
    }

    fn rule(&self, surface: &mut Surface, from: f32, to: f32, width: f32) {
        let mut path = PathBuilder::new();
        path.move_to(from, self.y);
        path.line_to(to, self.y);
        if let Some(path) = path.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: grey().into(),
                width,
                ..Default::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
            surface.set_fill(Some(Fill::default()));
        }
    }
}

/// The columns of the lines table: their right edges (the description's left edge).
const COLUMNS: [f32; 6] = [MARGIN, 330.0, 370.0, 445.0, 490.0, WIDTH - MARGIN];

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
    draw(&mut document, sheet, &regular, &bold);
    document
        .finish()
        .map_err(|e| Error::storage(format!("the PDF cannot be written: {e:?}")))
}

fn new_page(document: &mut Document) -> krilla::page::Page<'_> {
    document.start_page_with(PageSettings::from_wh(WIDTH, HEIGHT).unwrap_or_default())
}

fn draw(document: &mut Document, sheet: &Sheet, regular: &Face, bold: &Face) {
    let fr = Lang::Fr;
    let mut page = new_page(document);
    let mut surface = page.surface();
    let mut pen = Pen {
        regular,
        bold,
        y: MARGIN + 12.0,
    };
    // Seller on the left, buyer on the right.
    let top = pen.y;
    for (i, line) in sheet.seller.iter().enumerate() {
        pen.text(
            &mut surface,
            MARGIN,
            if i == 0 { 11.0 } else { SMALL },
            i == 0,
            line,
        );
        pen.y += if i == 0 { 14.0 } else { 10.0 };
    }
    let left_end = pen.y;
    pen.y = top + 60.0;
    for (i, line) in sheet.buyer.iter().enumerate() {
        for part in regular.wrap(line, BODY, 200.0) {
            pen.text(&mut surface, 340.0, BODY, i == 0, &part);
            pen.y += 12.0;
        }
    }
    pen.y = pen.y.max(left_end) + 24.0;
    pen.text(&mut surface, MARGIN, 16.0, true, &sheet.title);
    pen.y += 20.0;
    for (label, value) in &sheet.facts {
        pen.text(&mut surface, MARGIN, BODY, true, label);
        for part in regular.wrap(value, BODY, 380.0) {
            pen.text(&mut surface, 150.0, BODY, false, &part);
            pen.y += 12.0;
        }
    }
    pen.y += 8.0;
    for part in bold.wrap(&sheet.heading, 11.0, WIDTH - 2.0 * MARGIN) {
        pen.text(&mut surface, MARGIN, 11.0, true, &part);
        pen.y += 15.0;
    }
    pen.y += 6.0;
    // The lines.
    let header = |pen: &mut Pen, surface: &mut Surface| {
        pen.text(surface, MARGIN, SMALL, true, "Désignation");
        pen.right(surface, COLUMNS[1], SMALL, true, "Qté");
        pen.text(surface, COLUMNS[1] + 6.0, SMALL, true, "Unité");
        pen.right(surface, COLUMNS[3], SMALL, true, "PU HT");
        if sheet.shows_vat {
            pen.right(surface, COLUMNS[4], SMALL, true, "TVA");
        }
        pen.right(surface, COLUMNS[5], SMALL, true, "Montant HT");
        pen.y += 4.0;
        pen.rule(surface, MARGIN, WIDTH - MARGIN, 0.6);
        pen.y += 11.0;
    };
    header(&mut pen, &mut surface);
    for line in &sheet.lines {
        let parts = regular.wrap(&line.description, BODY, COLUMNS[1] - MARGIN - 40.0);
        if pen.y + 12.0 * parts.len() as f32 > HEIGHT - MARGIN - 20.0 {
            surface.finish();
            page.finish();
            page = new_page(document);
            surface = page.surface();
            pen.y = MARGIN + 12.0;
            header(&mut pen, &mut surface);
        }
        pen.right(
            &mut surface,
            COLUMNS[1],
            BODY,
            false,
            &format::decimal(fr, &line.quantity.to_string()),
        );
        pen.text(&mut surface, COLUMNS[1] + 6.0, BODY, false, &line.unit);
        pen.right(
            &mut surface,
            COLUMNS[3],
            BODY,
            false,
            &format::money(fr, line.unit_price),
        );
        if sheet.shows_vat {
            pen.right(
                &mut surface,
                COLUMNS[4],
                BODY,
                false,
                &format!("{} %", format::rate(line.vat_rate)),
            );
        }
        pen.right(
            &mut surface,
            COLUMNS[5],
            BODY,
            false,
            &format::money(fr, line.amount()),
        );
        for part in parts {
            // A description longer than a page goes on over the next one.
            if pen.y > HEIGHT - MARGIN - 12.0 {
                surface.finish();
                page.finish();
                page = new_page(document);
                surface = page.surface();
                pen.y = MARGIN + 12.0;
            }
            pen.text(&mut surface, MARGIN, BODY, false, &part);
            pen.y += 12.0;
        }
        pen.y += 2.0;
    }
    pen.rule(&mut surface, MARGIN, WIDTH - MARGIN, 0.6);
    pen.y += 14.0;
    // The totals, then the mentions.
    let mut totals = vec![(
        "Total HT".to_string(),
        format::money(fr, sheet.totals.before_tax),
        false,
    )];
    if sheet.shows_vat {
        for vat in &sheet.totals.vat {
            totals.push((
                format!(
                    "TVA {} % sur {}",
                    format::rate(vat.rate),
                    format::money(fr, vat.base)
                ),
                format::money(fr, vat.vat),
                false,
            ));
        }
    }
    totals.push((
        sheet.grand_total_label().to_string(),
        format::money(fr, sheet.totals.total),
        true,
    ));
    let needed = 14.0 * totals.len() as f32 + 12.0 * sheet.mentions.len() as f32 * 2.0;
    if pen.y + needed.min(300.0) > HEIGHT - MARGIN {
        surface.finish();
        page.finish();
        page = new_page(document);
        surface = page.surface();
        pen.y = MARGIN + 12.0;
    }
    for (label, amount, strong) in &totals {
        pen.right(&mut surface, COLUMNS[3] + 20.0, BODY, *strong, label);
        pen.right(&mut surface, COLUMNS[5], BODY, *strong, amount);
        pen.y += 14.0;
    }
    pen.y += 10.0;
    for mention in &sheet.mentions {
        for part in regular.wrap(mention, SMALL, WIDTH - 2.0 * MARGIN) {
            if pen.y > HEIGHT - MARGIN {
                surface.finish();
                page.finish();
                page = new_page(document);
                surface = page.surface();
                pen.y = MARGIN + 12.0;
            }
            pen.text(&mut surface, MARGIN, SMALL, false, &part);
            pen.y += 10.0;
        }
    }
    if sheet.signature {
        pen.y += 24.0;
        if pen.y + 60.0 > HEIGHT - MARGIN {
            surface.finish();
            page.finish();
            page = new_page(document);
            surface = page.surface();
            pen.y = MARGIN + 12.0;
        }
        pen.text(
            &mut surface,
            320.0,
            BODY,
            true,
            "Bon pour accord — date et signature du client :",
        );
        pen.y += 8.0;
        let frame = Rect::from_xywh(320.0, pen.y, WIDTH - MARGIN - 320.0, 60.0);
        let mut path = PathBuilder::new();
        if let Some(frame) = frame {
            path.push_rect(frame);
        }
        if let Some(path) = path.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: grey().into(),
                width: 0.6,
                ..Default::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
    }
    surface.finish();
    page.finish();
    if let Some((heading, lines)) = &sheet.answer {
        let mut page = new_page(document);
        let mut surface = page.surface();
        pen.y = MARGIN + 12.0;
        pen.text(&mut surface, MARGIN, 14.0, true, &sheet.title);
        pen.y += 20.0;
        pen.text(&mut surface, MARGIN, 12.0, true, heading);
        pen.y += 18.0;
        for line in lines {
            for part in regular.wrap(line, BODY, WIDTH - 2.0 * MARGIN) {
                pen.text(&mut surface, MARGIN, BODY, false, &part);
                pen.y += 12.0;
            }
            pen.y += 4.0;
        }
        surface.finish();
        page.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::{BODY, Face, REGULAR};

    #[test]
    fn text_wraps_at_spaces_and_a_long_word_is_cut_in_linear_time() {
        let face = Face::load(REGULAR).unwrap();
        let lines = face.wrap("Fourniture et pose de faïence murale", BODY, 80.0);
        assert!(lines.len() > 1 && lines.iter().all(|l| face.width(l, BODY) <= 80.0));
        assert_eq!(lines.join(" "), "Fourniture et pose de faïence murale");
        let word = "x".repeat(200_000);
        let lines = face.wrap(&word, BODY, 200.0);
        assert!(lines.iter().all(|l| face.width(l, BODY) <= 200.0));
        assert_eq!(lines.concat(), word, "nothing of the word is lost");
    }
}
