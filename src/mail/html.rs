//! HTML bodies to plain text, through html2text: block quotes become `>` lines, so the
//! trimmer treats HTML and text replies alike. html2text's layout grows with the square
//! of the nesting, so a body that is too large or nested too deep for it (a mail bomb
//! of lists in lists) has its tags dropped instead: its words are kept, in bounded time.

/// HTML larger than this is not laid out, only stripped of its tags.
const MAX_LAID_OUT_BYTES: usize = 256 * 1024;
/// Nesting of containers (lists, quotes, tables, divisions) beyond which HTML is only
/// stripped. Real mail stays far below: a thirty-reply Gmail thread nests about sixty.
const MAX_NESTING: usize = 128;

/// Converts an HTML body to text without wrapping lines.
pub fn to_text(html: &str) -> String {
    if html.len() > MAX_LAID_OUT_BYTES || nesting(html) > MAX_NESTING {
        return stripped(html);
    }
    html2text::config::plain()
        .link_footnotes(false)
        .string_from_read(html.as_bytes(), 10_000)
        .unwrap_or_default()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `to_text` lays `html` out (false: it only drops the tags).
pub fn is_laid_out(html: &str) -> bool {
    html.len() <= MAX_LAID_OUT_BYTES && nesting(html) <= MAX_NESTING
}

/// The container tags whose nesting makes the layout slow.
const CONTAINERS: &[&str] = &[
    "ul",
    "ol",
    "dl",
    "li",
    "blockquote",
    "div",
    "table",
    "tr",
    "td",
];

/// The name of the tag starting at `tag` (after `<` or `</`), lower case.
fn tag_name(tag: &str) -> String {
    tag.chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The deepest nesting of container tags, in one pass.
fn nesting(html: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for piece in html.split('<').skip(1) {
        if let Some(closing) = piece.strip_prefix('/') {
            if CONTAINERS.contains(&tag_name(closing).as_str()) {
                depth = depth.saturating_sub(1);
            }
        } else if CONTAINERS.contains(&tag_name(piece).as_str()) {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The text of `html` with its tags dropped: block ends become line breaks, the usual
/// entities are read, scripts and styles are left out.
fn stripped(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skipping: Option<&str> = None;
    while let Some(open) = rest.find('<') {
        if skipping.is_none() {
            out.push_str(&entities(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..close];
        let name = tag_name(tag.trim_start_matches('/'));
        match skipping {
            Some(until) if tag.starts_with('/') && name == until => skipping = None,
            Some(_) => {}
            None if matches!(name.as_str(), "script" | "style" | "head")
                && !tag.starts_with('/') =>
            {
                skipping = Some(match name.as_str() {
                    "script" => "script",
                    "style" => "style",
                    _ => "head",
                });
            }
            None if matches!(
                name.as_str(),
                "br" | "p" | "div" | "li" | "tr" | "blockquote" | "h1" | "h2" | "h3" | "table"
            ) && !out.ends_with('\n') =>
            {
                out.push('\n');
            }
            None => {}
        }
        rest = &after[close + 1..];
    }
    if skipping.is_none() {
        out.push_str(&entities(rest));
    }
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim().to_string()
}

/// The named entities mail programs write most, and numeric ones.
fn entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|end| *end <= 8);
        let decoded = end.and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nested_list_bomb_is_only_stripped_and_keeps_its_words() {
        let bomb = format!(
            "<p>Bonjour &amp; merci</p>{}fond{}",
            "<ul><li>".repeat(40_000),
            "</li></ul>".repeat(40_000)
        );
        assert!(!is_laid_out(&bomb));
        let text = to_text(&bomb);
        assert!(text.starts_with("Bonjour & merci"), "{text:.40}");
        assert!(text.ends_with("fond"));
    }

    #[test]
    fn ordinary_html_is_still_laid_out() {
        let html = "<div>Oui.</div><blockquote><div>Le plan ?</div></blockquote>";
        assert!(is_laid_out(html));
        assert_eq!(to_text(html), "Oui.\n\n> Le plan ?");
    }
}
