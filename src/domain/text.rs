//! Small text types built at the boundary: non-empty bounded labels and safe file names.

use serde::{Deserialize, Serialize};

/// What is wrong with a text: empty when it must not be, or longer than its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFault {
    /// Nothing but spaces.
    Empty,
    /// More characters than this bound.
    TooLong(usize),
}

/// Trims `text`, refuses it when empty or longer than `max` characters, and replaces
/// control characters (CR, LF, NUL…) by spaces so that no label can break a header or a line.
pub fn label(text: &str, max: usize) -> Result<String, TextFault> {
    let cleaned: String = text
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Err(TextFault::Empty);
    }
    if cleaned.chars().count() > max {
        return Err(TextFault::TooLong(max));
    }
    Ok(cleaned)
}

/// Like [`label`] but keeps line breaks (descriptions, message texts) and allows empty text.
pub fn body(text: &str, max: usize) -> Result<String, TextFault> {
    let cleaned: String = text
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect();
    if cleaned.chars().count() > max {
        return Err(TextFault::TooLong(max));
    }
    Ok(cleaned.trim_end().to_string())
}

/// A file name safe to store and to offer for download: no directory part, no control
/// characters, no leading dots, at most 200 characters, extension kept.
/// Read back from the store, a name is made safe again: names kept before a rule was
/// added (format characters) follow it too.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String")]
pub struct FileName(String);

impl From<String> for FileName {
    fn from(raw: String) -> FileName {
        FileName::sanitize(&raw)
    }
}

/// Unicode's format characters (general category Cf): bidirectional controls that
/// reorder what is shown (`report\u{202E}gnp.exe` reads "reportexe.png"), zero-width
/// characters, joiners, the byte-order mark, tags; and the fillers that render as
/// nothing (the combining grapheme joiner, Hangul fillers). None belongs in a file name.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
        | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

impl FileName {
    /// Makes a safe name out of whatever a browser or a mail program sent.
    /// Never fails: an unusable name becomes `file` (keeping a usable extension).
    pub fn sanitize(raw: &str) -> FileName {
        // Keep the last path component, whatever the separator.
        let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
        let mut name: String = base
            .chars()
            .filter(|&c| !invisible(c))
            .map(|c| match c {
                c if c.is_control() => '_',
                ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
                c => c,
            })
            .collect();
        name = name.trim().trim_start_matches('.').trim().to_string();
        if name.chars().count() > 200 {
            name = shorten(&name, 200);
        }
        if name.is_empty() || name.chars().all(|c| c == '.' || c == '_') {
            name = "file".to_string();
        }
        FileName(name)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The extension without the dot, lower case, if any.
    pub fn extension(&self) -> Option<String> {
        let (stem, ext) = self.0.rsplit_once('.')?;
        (!stem.is_empty() && !ext.is_empty() && ext.len() <= 10).then(|| ext.to_ascii_lowercase())
    }
}

/// Cuts a long name to `max` characters, keeping its extension.
fn shorten(name: &str, max: usize) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if e.chars().count() <= 10 && !s.is_empty() => (s, Some(e)),
        _ => (name, None),
    };
    let room = max - ext.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    match ext {
        Some(e) => format!("{stem}.{e}"),
        None => stem,
    }
}

impl std::fmt::Display for FileName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_control_characters_but_keep_extensions() {
        for (raw, safe) in [
            ("../../etc/passwd", "passwd"),
            ("/absolute/plan.pdf", "plan.pdf"),
            ("C:\\Users\\marie\\devis.xlsx", "devis.xlsx"),
            ("rapport\r\nfinal.pdf", "rapport__final.pdf"),
            ("nul\0byte.txt", "nul_byte.txt"),
            (".htaccess", "htaccess"),
            ("..", "file"),
            ("", "file"),
            ("photo chantier été.JPG", "photo chantier été.JPG"),
            ("report\u{202E}gnp.exe", "reportgnp.exe"),
            ("\u{2066}devis\u{2069}\u{200B}.pdf\u{FEFF}", "devis.pdf"),
            ("\u{200D}\u{202E}", "file"),
        ] {
            assert_eq!(FileName::sanitize(raw).as_str(), safe, "{raw:?}");
        }
        let long = format!("{}.pdf", "a".repeat(500));
        let cut = FileName::sanitize(&long);
        assert_eq!(cut.as_str().chars().count(), 200);
        assert_eq!(cut.extension().as_deref(), Some("pdf"));
    }

    #[test]
    fn labels_refuse_empty_text_and_lose_line_breaks() {
        assert_eq!(
            label("  Rénovation\r\nBcc: x ", 100),
            Ok("Rénovation  Bcc: x".into())
        );
        assert!(label("   ", 100).is_err());
        assert!(label(&"x".repeat(101), 100).is_err());
    }
}
