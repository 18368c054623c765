//! A font face of the PDF: the font krilla embeds and the same bytes read with skrifa,
//! to measure text by the font's own advances, wrap it at spaces, and replace what the
//! font cannot draw.

use krilla::text::Font;
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use crate::error::{Error, Result};

/// One face: the font krilla embeds and the same bytes read to measure with.
pub(super) struct Face {
    pub(super) font: Font,
    measured: skrifa::FontRef<'static>,
}

impl Face {
    pub(super) fn load(data: &'static [u8]) -> Result<Face> {
        let unreadable = || Error::storage("the PDF font cannot be read");
        let font = Font::new(data.into(), 0).ok_or_else(unreadable)?;
        let measured = skrifa::FontRef::new(data).map_err(|_| unreadable())?;
        Ok(Face { font, measured })
    }

    /// `text` with what the font cannot draw replaced (PDF/A refuses a missing glyph):
    /// control characters by a space, other missing characters by `?`.
    pub(super) fn printable(&self, text: &str) -> String {
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
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
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
    pub(super) fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::Face;
    use crate::pdf::{BODY, REGULAR};

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
