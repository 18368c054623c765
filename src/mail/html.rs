//! HTML bodies to plain text, through html2text (never by hand): block quotes become
//! `>` lines, so the trimmer treats HTML and text replies alike.

/// Converts an HTML body to text without wrapping lines.
pub fn to_text(html: &str) -> String {
    html2text::config::plain()
        .link_footnotes(false)
        .string_from_read(html.as_bytes(), 10_000)
        .unwrap_or_default()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}
