//! HTML bodies to plain text, through html2text: block quotes become `>` lines, so the
//! trimmer treats HTML and text replies alike. html2text's layout grows with the square
//! of the nesting, so a body too large, or nested too deep once parsed (a mail bomb of
//! lists in lists), has its tags dropped instead: its words are kept, in bounded time.
//! Before the layout, the reply structure the HTML shows is marked in the tree.

/// HTML larger than this is not laid out, only stripped of its tags.
const MAX_LAID_OUT_BYTES: usize = 256 * 1024;
/// Depth of the parsed tree beyond which HTML is only stripped. Real mail stays far
/// below: a thirty-reply Gmail thread nests about a hundred elements deep.
const MAX_DEPTH: usize = 256;

/// An HTML body as text.
pub struct Converted {
    /// The text, lines unwrapped.
    pub text: String,
    /// False when the HTML was too large or too deep and only its tags were dropped.
    pub laid_out: bool,
    /// True when the text carries marker lines of the reply structure (see
    /// [`crate::mail::reply::structure`]).
    pub marked: bool,
}

/// Converts an HTML part within what is left of a message's layout `budget` (bytes):
/// beyond it, only the tags are dropped.
pub fn convert_within(html: &str, budget: &mut usize) -> Converted {
    if html.len() > *budget {
        return Converted {
            text: stripped(html),
            laid_out: false,
            marked: false,
        };
    }
    *budget -= html.len();
    convert(html)
}

/// Converts an HTML body to text, saying whether it was laid out or only stripped.
pub fn convert(html: &str) -> Converted {
    let stripped_only = |html: &str| Converted {
        text: stripped(html),
        laid_out: false,
        marked: false,
    };
    // The parser itself spends time with the depth at each tag: a quick estimate first.
    if html.len() > MAX_LAID_OUT_BYTES || estimated_depth(html) > MAX_DEPTH {
        return stripped_only(html);
    }
    // Links and emphasis as their words only: the text is what the sender wrote.
    let config = html2text::config::plain_no_decorate().link_footnotes(false);
    // The depth is measured on the tree the parser built (stray end tags and implied
    // ones counted as the layout will see them), then the same tree is laid out.
    let Ok(dom) = config.parse_html(html.as_bytes()) else {
        return stripped_only(html);
    };
    if depth(&dom.document) > MAX_DEPTH {
        return stripped_only(html);
    }
    let marked = crate::mail::reply::structure::mark(&dom.document);
    let text = config
        .dom_to_render_tree(&dom)
        .and_then(|tree| config.render_to_string(tree, 10_000))
        .unwrap_or_default();
    Converted {
        text: text
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n"),
        laid_out: true,
        marked,
    }
}

/// Elements that never hold others.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The element an opening `tag` closes when one is open (an implied end tag).
fn implied_end(tag: &str) -> Option<&'static str> {
    match tag {
        "li" => Some("li"),
        "p" | "div" | "ul" | "ol" | "table" | "blockquote" => Some("p"),
        "dt" | "dd" => Some("dd"),
        "tr" => Some("tr"),
        "td" | "th" => Some("td"),
        "option" => Some("option"),
        _ => None,
    }
}

/// The nesting the parser will build, estimated in one pass over the tags: an end tag
/// closes up to its element only when one is open (a stray one changes nothing), and
/// a new list item, paragraph, row or cell closes the one still open.
fn estimated_depth(html: &str) -> usize {
    let mut stack: Vec<String> = Vec::new();
    let mut open: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut deepest = 0;
    let pop = |stack: &mut Vec<String>, open: &mut std::collections::HashMap<String, usize>| {
        if let Some(name) = stack.pop()
            && let Some(n) = open.get_mut(&name)
        {
            *n -= 1;
        }
    };
    for piece in html.split('<').skip(1) {
        let (closing, rest) = match piece.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, piece),
        };
        let name = tag_name(rest);
        if name.is_empty() || VOID.contains(&name.as_str()) {
            continue;
        }
        if closing {
            if open.get(&name).copied().unwrap_or(0) > 0 {
                while let Some(top) = stack.last().cloned() {
                    pop(&mut stack, &mut open);
                    if top == name {
                        break;
                    }
                }
            }
            continue;
        }
        if let Some(ends) = implied_end(&name)
            && stack.last().map(String::as_str) == Some(ends)
        {
            pop(&mut stack, &mut open);
        }
        *open.entry(name.clone()).or_default() += 1;
        stack.push(name);
        deepest = deepest.max(stack.len());
    }
    deepest
}

/// The depth of a parsed tree, walked without recursion (the tree may be deep).
fn depth(root: &html2text::Handle) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((node, level)) = stack.pop() {
        deepest = deepest.max(level);
        if deepest > MAX_DEPTH {
            break;
        }
        for child in node.children.borrow().iter() {
            stack.push((child.clone(), level + 1));
        }
    }
    deepest
}

/// The name of the tag starting at `tag` (after `<` or `</`), lower case.
fn tag_name(tag: &str) -> String {
    tag.chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The text of `html` with its tags dropped: block ends become line breaks, the usual
/// entities are read, scripts and styles are left out.
pub(crate) fn stripped(html: &str) -> String {
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
        let converted = convert(&bomb);
        assert!(!converted.laid_out);
        assert!(
            converted.text.starts_with("Bonjour & merci"),
            "{:.40}",
            converted.text
        );
        assert!(converted.text.ends_with("fond"));
    }

    #[test]
    fn stray_end_tags_do_not_hide_the_nesting() {
        // The parser ignores `</td>` outside a table: the lists really nest 28,000 deep.
        let bomb = format!("{}au fond", "<ul><li></td></td>".repeat(14_000));
        assert!(!convert(&bomb).laid_out);
    }

    #[test]
    fn ordinary_html_is_still_laid_out() {
        let html = "<div>Oui.</div><blockquote><div>Le plan ?</div></blockquote>";
        let converted = convert(html);
        assert!(converted.laid_out);
        assert_eq!(converted.text, "Oui.\n\n> Le plan ?");
    }
}
