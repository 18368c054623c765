//! Where everything of a [`Sheet`] goes on the PDF's pages, decided without krilla: a
//! list of marks (text, rules, a frame) per page. Seller and buyer, title and facts, the
//! lines table (its header again on each page), totals, mentions, the signature block
//! and the answer's page. A page is turned when what comes next would not fit.

use super::face::Face;
use super::{BODY, HEIGHT, MARGIN, SMALL, WIDTH};
use crate::domain::Lang;
use crate::templates::format;
use crate::templates::sheet::Sheet;

/// One thing drawn on a page; `y` grows downwards from the top edge.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Mark {
    /// Text whose baseline starts at (`x`, `y`).
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    /// A grey horizontal rule.
    Rule {
        from: f32,
        to: f32,
        y: f32,
        width: f32,
    },
    /// A grey frame (the signature's box).
    Frame { x: f32, y: f32, w: f32, h: f32 },
}

/// The columns of the lines table: their right edges (the description's left edge).
const COLUMNS: [f32; 6] = [MARGIN, 330.0, 370.0, 445.0, 490.0, WIDTH - MARGIN];
/// Where the first line of a page goes.
const TOP: f32 = MARGIN + 12.0;

/// The pen: where the next line goes, on the last page.
struct Layout<'a> {
    regular: &'a Face,
    bold: &'a Face,
    pages: Vec<Vec<Mark>>,
    y: f32,
}

impl Layout<'_> {
    fn face(&self, bold: bool) -> &Face {
        if bold { self.bold } else { self.regular }
    }

    fn mark(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y;
        let text = text.to_string();
        self.mark(Mark::Text {
            x,
            y,
            size,
            bold,
            text,
        });
    }

    /// `text` ending at `right`.
    fn right(&mut self, right: f32, size: f32, bold: bool, text: &str) {
        let x = right - self.face(bold).width(text, size);
        self.text(x, size, bold, text);
    }

    /// `text` wrapped to `width` from `x`, one line every `step`.
    fn wrapped(&mut self, x: f32, size: f32, bold: bool, text: &str, width: f32, step: f32) {
        for part in self.face(bold).wrap(text, size, width) {
            self.text(x, size, bold, &part);
            self.y += step;
        }
    }

    fn rule(&mut self, width: f32) {
        let y = self.y;
        self.mark(Mark::Rule {
            from: MARGIN,
            to: WIDTH - MARGIN,
            y,
            width,
        });
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// A new page unless `needed` points still fit above `bottom`.
    fn room(&mut self, needed: f32, bottom: f32) -> bool {
        let turned = self.y + needed > bottom;
        if turned {
            self.new_page();
        }
        turned
    }
}

/// The marks of each page of `sheet`.
pub(super) fn lay_out(sheet: &Sheet, regular: &Face, bold: &Face) -> Vec<Vec<Mark>> {
    let mut pen = Layout {
        regular,
        bold,
        pages: Vec::new(),
        y: 0.0,
    };
    pen.new_page();
    parties(&mut pen, sheet);
    lines(&mut pen, sheet);
    totals(&mut pen, sheet);
    mentions(&mut pen, sheet);
    if sheet.signature {
        signature(&mut pen);
    }
    if let Some((heading, lines)) = &sheet.answer {
        pen.new_page();
        pen.text(MARGIN, 14.0, true, &sheet.title);
        pen.y += 20.0;
        pen.text(MARGIN, 12.0, true, heading);
        pen.y += 18.0;
        for line in lines {
            pen.wrapped(MARGIN, BODY, false, line, WIDTH - 2.0 * MARGIN, 12.0);
            pen.y += 4.0;
        }
    }
    pen.pages
}

/// Seller on the left, buyer on the right; then the title, the facts and the heading.
fn parties(pen: &mut Layout, sheet: &Sheet) {
    let top = pen.y;
    for (i, line) in sheet.seller.iter().enumerate() {
        let first = i == 0;
        pen.text(MARGIN, if first { 11.0 } else { SMALL }, first, line);
        pen.y += if first { 14.0 } else { 10.0 };
    }
    let left_end = pen.y;
    pen.y = top + 60.0;
    for (i, line) in sheet.buyer.iter().enumerate() {
        pen.wrapped(340.0, BODY, i == 0, line, 200.0, 12.0);
    }
    pen.y = pen.y.max(left_end) + 24.0;
    pen.text(MARGIN, 16.0, true, &sheet.title);
    pen.y += 20.0;
    for (label, value) in &sheet.facts {
        pen.text(MARGIN, BODY, true, label);
        pen.wrapped(150.0, BODY, false, value, 380.0, 12.0);
    }
    pen.y += 8.0;
    pen.wrapped(
        MARGIN,
        11.0,
        true,
        &sheet.heading,
        WIDTH - 2.0 * MARGIN,
        15.0,
    );
    pen.y += 6.0;
}

/// The lines table's header.
fn header(pen: &mut Layout, sheet: &Sheet) {
    pen.text(MARGIN, SMALL, true, "Désignation");
    pen.right(COLUMNS[1], SMALL, true, "Qté");
    pen.text(COLUMNS[1] + 6.0, SMALL, true, "Unité");
    pen.right(COLUMNS[3], SMALL, true, "PU HT");
    if sheet.shows_vat {
        pen.right(COLUMNS[4], SMALL, true, "TVA");
    }
    pen.right(COLUMNS[5], SMALL, true, "Montant HT");
    pen.y += 4.0;
    pen.rule(0.6);
    pen.y += 11.0;
}

/// The lines, the header again on each new page; a description longer than a page goes
/// on over the next one.
fn lines(pen: &mut Layout, sheet: &Sheet) {
    let fr = Lang::Fr;
    header(pen, sheet);
    for line in &sheet.lines {
        let parts = pen
            .regular
            .wrap(&line.description, BODY, COLUMNS[1] - MARGIN - 40.0);
        if pen.room(12.0 * parts.len() as f32, HEIGHT - MARGIN - 20.0) {
            header(pen, sheet);
        }
        let quantity = format::decimal(fr, &line.quantity.to_string());
        pen.right(COLUMNS[1], BODY, false, &quantity);
        pen.text(COLUMNS[1] + 6.0, BODY, false, &line.unit);
        pen.right(COLUMNS[3], BODY, false, &format::money(fr, line.unit_price));
        if sheet.shows_vat {
            let rate = format!("{} %", format::rate(line.vat_rate));
            pen.right(COLUMNS[4], BODY, false, &rate);
        }
        pen.right(COLUMNS[5], BODY, false, &format::money(fr, line.amount()));
        for part in parts {
            pen.room(0.0, HEIGHT - MARGIN - 12.0);
            pen.text(MARGIN, BODY, false, &part);
            pen.y += 12.0;
        }
        pen.y += 2.0;
    }
    pen.rule(0.6);
    pen.y += 14.0;
}

/// Total before tax, the VAT per rate, the grand total; on a new page if they and the
/// mentions would not fit (at most 300 points are kept together).
fn totals(pen: &mut Layout, sheet: &Sheet) {
    let fr = Lang::Fr;
    let mut totals = vec![(
        "Total HT".to_string(),
        format::money(fr, sheet.totals.before_tax),
        false,
    )];
    if sheet.shows_vat {
        for vat in &sheet.totals.vat {
            let rate = format::rate(vat.rate);
            let label = format!("TVA {rate} % sur {}", format::money(fr, vat.base));
            totals.push((label, format::money(fr, vat.vat), false));
        }
    }
    let grand = sheet.grand_total_label().to_string();
    totals.push((grand, format::money(fr, sheet.totals.total), true));
    let needed = 14.0 * totals.len() as f32 + 12.0 * sheet.mentions.len() as f32 * 2.0;
    pen.room(needed.min(300.0), HEIGHT - MARGIN);
    for (label, amount, strong) in &totals {
        pen.right(COLUMNS[3] + 20.0, BODY, *strong, label);
        pen.right(COLUMNS[5], BODY, *strong, amount);
        pen.y += 14.0;
    }
    pen.y += 10.0;
}

fn mentions(pen: &mut Layout, sheet: &Sheet) {
    for mention in &sheet.mentions {
        for part in pen.regular.wrap(mention, SMALL, WIDTH - 2.0 * MARGIN) {
            pen.room(0.0, HEIGHT - MARGIN);
            pen.text(MARGIN, SMALL, false, &part);
            pen.y += 10.0;
        }
    }
}

/// "Bon pour accord" and a frame for the client's signature.
fn signature(pen: &mut Layout) {
    pen.y += 24.0;
    pen.room(60.0, HEIGHT - MARGIN);
    let words = "Bon pour accord — date et signature du client :";
    pen.text(320.0, BODY, true, words);
    pen.y += 8.0;
    let (x, y) = (320.0, pen.y);
    pen.mark(Mark::Frame {
        x,
        y,
        w: WIDTH - MARGIN - x,
        h: 60.0,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::totals;
    use crate::domain::{Cents, DocKind, Line, Quantity, VatRate};
    use crate::pdf::{BOLD, REGULAR};

    #[test]
    fn a_long_document_turns_pages_with_the_table_header_again_and_nothing_below_the_margin() {
        let (regular, bold) = (Face::load(REGULAR).unwrap(), Face::load(BOLD).unwrap());
        let line = |i: usize| Line {
            description: format!("Pose de faïence, lot {i}"),
            quantity: Quantity(1000),
            unit: "m²".into(),
            unit_price: Cents(4500),
            vat_rate: VatRate(1000),
        };
        let lines: Vec<Line> = (0..150).map(line).collect();
        let sheet = Sheet {
            title: "Devis D-2026-0001".into(),
            kind: DocKind::Quote,
            seller: vec!["Atelier Moreau SARL".into()],
            buyer: vec!["SCI Les Tilleuls".into()],
            facts: vec![("Date".into(), "2 mars 2026".into())],
            heading: "Rénovation".into(),
            totals: totals(&lines),
            lines,
            shows_vat: true,
            mentions: vec!["Devis reçu avant l'exécution des travaux.".into()],
            signature: true,
            answer: None,
            made: chrono::Utc::now(),
        };
        let pages = lay_out(&sheet, &regular, &bold);
        assert!(pages.len() >= 3, "150 lines take several pages");
        let texts = |page: &[Mark]| -> Vec<String> {
            let text = |m: &Mark| match m {
                Mark::Text { text, .. } => Some(text.clone()),
                _ => None,
            };
            page.iter().filter_map(text).collect()
        };
        for page in &pages {
            let bottom = |m: &Mark| match m {
                Mark::Text { y, .. } | Mark::Rule { y, .. } => *y,
                Mark::Frame { y, h, .. } => y + h,
            };
            assert!(page.iter().all(|m| bottom(m) <= HEIGHT - MARGIN));
            let page = texts(page);
            if page.iter().any(|t| t.starts_with("Pose de faïence")) {
                assert_eq!(page.iter().filter(|t| *t == "Désignation").count(), 1);
            }
        }
        let all: Vec<String> = pages.iter().flat_map(|p| texts(p)).collect();
        let kept = (0..150).all(|i| all.contains(&format!("Pose de faïence, lot {i}")));
        assert!(kept, "every line is drawn once the pages are turned");
        let last = pages.last().unwrap();
        assert!(
            matches!(last.last(), Some(Mark::Frame { .. })),
            "the signature ends it"
        );
    }
}
