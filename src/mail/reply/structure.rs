//! The reply structure mail programs write into the HTML: Gmail's `gmail_quote` and
//! `gmail_signature`, Outlook's `divRplyFwdMsg` and header border, Thunderbird's
//! `moz-cite-prefix` and `moz-signature`, Yahoo's `yahoo_quoted`, Zimbra's divider…
//! The DOM gets a marker line where each starts, before it is laid out as text; a text
//! part of the same message is then marked where the same lines appear (a hint).

use std::cell::RefCell;
use std::ops::Deref;
use std::sync::LazyLock;

use html2text::{Element, Handle};
use html5ever::{Attribute, LocalName, QualName, ns};
use regex::Regex;

use super::Lines;

/// The character around the name of a marker line (private use: no program writes it).
const MARK: char = '\u{E000}';

/// What the structure marks on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The quoted message starts here.
    Quote,
    /// The signature starts here.
    Signature,
    /// The signature ended above.
    SignatureEnd,
}

impl Mark {
    fn name(self) -> &'static str {
        match self {
            Mark::Quote => "quote",
            Mark::Signature => "signature",
            Mark::SignatureEnd => "end",
        }
    }

    /// The mark a laid-out line is, if it is one (the layout may put it in brackets).
    pub(super) fn of_line(line: &str) -> Option<Mark> {
        let inner = line
            .trim()
            .trim_matches(['[', ']'])
            .strip_prefix(MARK)?
            .strip_suffix(MARK)?;
        [Mark::Quote, Mark::Signature, Mark::SignatureEnd]
            .into_iter()
            .find(|m| m.name() == inner)
    }
}

/// A mark found in the HTML part, to be set on the text part where the same line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// What starts there.
    pub mark: Mark,
    /// The first line of text after the mark in the laid-out HTML.
    pub line: String,
}

/// What a DOM element is in a reply's structure.
fn element_mark(name: &str, attrs: &[Attribute]) -> Option<Mark> {
    let attr = |wanted: &str| {
        attrs
            .iter()
            .find(|a| (*a.name.local).eq_ignore_ascii_case(wanted))
            .map(|a| a.value.to_ascii_lowercase())
    };
    let id = attr("id").unwrap_or_default();
    // Outlook prefixes the ids of a quoted message with `x_` when it quotes again.
    let id = id.trim_start_matches("x_");
    let class = attr("class").unwrap_or_default();
    let classes: Vec<&str> = class
        .split_whitespace()
        .map(|c| c.trim_start_matches("x_"))
        .collect();
    let has_class = |names: &[&str]| classes.iter().any(|c| names.contains(c));
    if has_class(SIGNATURE_CLASSES)
        || attr("data-smartmail").is_some_and(|v| SIGNATURE_CLASSES.contains(&v.as_str()))
        || SIGNATURE_IDS.contains(&id)
    {
        return Some(Mark::Signature);
    }
    let quote = (name == "div" && has_class(GMAIL_QUOTE_CLASSES))
        || has_class(QUOTE_CLASSES)
        || id.starts_with("yahoo_quoted")
        || QUOTE_IDS.contains(&id)
        || attr("data-marker").is_some_and(|v| QUOTE_MARKERS.contains(&v.as_str()))
        || (name == "div" && outlook_header_border(&attr("style").unwrap_or_default()));
    quote.then_some(Mark::Quote)
}

/// The classes of the programs' signature containers (Gmail, Thunderbird, Proton).
const SIGNATURE_CLASSES: &[&str] = &[
    "gmail_signature",
    "moz-signature",
    "protonmail_signature_block",
];
/// The ids of theirs (Outlook on the web and on phones).
const SIGNATURE_IDS: &[&str] = &["signature", "ms-outlook-mobile-signature"];
/// Gmail's quote containers, on a `div` only (a `blockquote` of that class is quoted).
const GMAIL_QUOTE_CLASSES: &[&str] = &["gmail_quote", "gmail_quote_container"];
/// The classes of the others' quote containers (Thunderbird, Proton, Yahoo, Outlook).
const QUOTE_CLASSES: &[&str] = &[
    "moz-cite-prefix",
    "protonmail_quote",
    "yahoo_quoted",
    "outlookmessageheader",
];
/// The ids of Outlook's, Apple's and Zimbra's quote containers.
const QUOTE_IDS: &[&str] = &[
    "divrplyfwdmsg",
    "appendonsend",
    "stopspelling",
    "zwchr",
    "mail-editor-reference-message-container",
    "olk_src_body_section",
];
/// The `data-marker`s of Zimbra's divider and header block.
const QUOTE_MARKERS: &[&str] = &["__divider__", "__headers__"];

/// A case-insensitive pattern that finds any of `names` in an HTML source.
fn any_of<'a>(names: impl IntoIterator<Item = &'a str>) -> Regex {
    let names: Vec<String> = names.into_iter().map(regex::escape).collect();
    Regex::new(&format!("(?i){}", names.join("|"))).expect("valid pattern")
}

/// The top border Outlook draws above the header block of the message it quotes.
fn outlook_header_border(style: &str) -> bool {
    let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
    style.contains("border-top:solid#e1e1e1") || style.contains("border-top:solid#b5c4df")
}

/// A new element for a marker line: `<p><img src="#" alt="…"></p>`.
fn marker(mark: Mark) -> Handle {
    type Node = <Handle as Deref>::Target;
    let element = |name: &str, attrs: Vec<Attribute>| {
        Node::new(Element {
            name: QualName::new(None, ns!(html), LocalName::from(name)),
            attrs: RefCell::new(attrs),
            template_contents: RefCell::new(None),
            mathml_annotation_xml_integration_point: false,
        })
    };
    let attribute = |name: &str, value: String| Attribute {
        name: QualName::new(None, ns!(), LocalName::from(name)),
        value: value.into(),
    };
    let image = element(
        "img",
        vec![
            attribute("src", "#".into()),
            attribute("alt", format!("{MARK}{}{MARK}", mark.name())),
        ],
    );
    let paragraph = element("p", Vec::new());
    paragraph.children.borrow_mut().push(image);
    paragraph
}

/// Puts a marker line before the first quoted message and around the first signature
/// the structure shows (the trimmer uses no other, and a hostile part may hold
/// thousands); true if it found any. Walks without recursion (the tree may be deep)
/// and does not look inside what it marked.
pub fn mark(document: &Handle) -> bool {
    let mut found = Vec::new();
    // Each open element and the index of its next child: a walk in document order.
    let mut stack = vec![(document.clone(), 0usize)];
    while let Some((node, next)) = stack.pop() {
        let Some(child) = node.children.borrow().get(next).cloned() else {
            continue;
        };
        stack.push((node.clone(), next + 1));
        let mark = match &child.data {
            Element { name, attrs, .. } => element_mark(&name.local, &attrs.borrow()),
            _ => None,
        };
        match mark {
            Some(Mark::Signature) if found.iter().any(|(_, _, m)| *m == Mark::Signature) => {}
            Some(mark) => {
                found.push((node, next, mark));
                // After the quoted message starts, all is history.
                if mark == Mark::Quote {
                    break;
                }
            }
            None => stack.push((child, 0)),
        }
    }
    // From the last, so that the indexes of the earlier ones still hold.
    for (parent, index, mark) in found.iter().rev() {
        let mut children = parent.children.borrow_mut();
        if *mark == Mark::Signature {
            children.insert(index + 1, marker(Mark::SignatureEnd));
        }
        children.insert(*index, marker(*mark));
    }
    !found.is_empty()
}

/// The hints a laid-out, marked HTML part gives: each mark and the line after it.
pub fn hints(marked: &str) -> Vec<Hint> {
    let lines: Vec<&str> = marked.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(mark) = Mark::of_line(line) else {
            continue;
        };
        if mark == Mark::SignatureEnd {
            continue;
        }
        // The first line with words: rules and separators are laid out differently.
        let next = lines[i + 1..]
            .iter()
            .find(|l| Mark::of_line(l).is_none() && comparable(l).chars().count() >= 4);
        if let Some(next) = next {
            out.push(Hint {
                mark,
                line: next.to_string(),
            });
        }
    }
    out
}

/// A line reduced to what both parts of a message share: its words, in lower case,
/// without quote marks, emphasis, brackets or the spaces between.
fn comparable(line: &str) -> String {
    line.chars()
        .filter(|c| c.is_alphanumeric() || *c == '@')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Sets each hint on the first line of the text from where the previous one was
/// found that says the same (a header may be wrapped differently: the text line is
/// enough when it starts the hint's line). A hint not found is dropped.
pub(super) fn apply(lines: &mut Lines, hints: &[Hint]) {
    let mut from = 0;
    for hint in hints {
        let wanted = comparable(&hint.line);
        if wanted.chars().count() < 4 {
            continue;
        }
        let found = (from..lines.len()).find(|&i| {
            let here = comparable(lines.text[i]);
            here.chars().count() >= 4.min(wanted.len())
                && (here == wanted
                    || (here.chars().count() >= 12 && wanted.starts_with(&here))
                    || (wanted.chars().count() >= 12 && here.starts_with(&wanted)))
        });
        if let Some(i) = found
            && lines.marks[i].is_none()
        {
            lines.marks[i] = Some(hint.mark);
            from = i + 1;
        }
    }
}

/// What an HTML part beside a text part tells of the reply's structure.
#[derive(Debug, PartialEq, Eq)]
pub enum Beside {
    /// No signature container: the text part says all.
    Nothing,
    /// The first signature, read without laying the HTML out.
    Hint(Hint),
    /// The quick read cannot tell: the part must be parsed and laid out.
    Parse,
}

/// How much HTML after a signature's tag is read for its first line.
const SIGNATURE_WINDOW: usize = 4096;
/// The names the programs give their signature containers, as they stand in the HTML
/// source.
static SIGNATURE_NAMES: LazyLock<Regex> = LazyLock::new(|| {
    let ids = SIGNATURE_IDS.iter().map(|id| match *id {
        // A bare "signature" is too common a word: only as an id.
        "signature" => r#"id="signature""#,
        other => other,
    });
    any_of(SIGNATURE_CLASSES.iter().copied().chain(ids))
});
/// The names of their quote containers, with Outlook's header border and any quote.
static QUOTE_NAMES: LazyLock<Regex> = LazyLock::new(|| {
    let names = GMAIL_QUOTE_CLASSES
        .iter()
        .chain(QUOTE_CLASSES)
        .chain(QUOTE_IDS);
    any_of(
        names
            .chain(QUOTE_MARKERS)
            .copied()
            .chain(["border-top", "blockquote"]),
    )
});

/// Reads an HTML part beside a text part for its signature, without parsing it when
/// the source is plain enough: the first signature container opens a tag, no quote
/// container comes before it, and its first line of words is taken from the source
/// with the tags dropped. Parsing and laying out HTML costs more than all the rest of
/// the analysis, and beside a text part only the signature is needed (the text rules
/// find the quotes as well as the HTML would, measured on the corpus).
pub fn beside_text(html: &str) -> Beside {
    let Some(at) = SIGNATURE_NAMES.find(html).map(|m| m.start()) else {
        return Beside::Nothing;
    };
    let before = &html[..at];
    let Some(open) = before.rfind('<') else {
        return Beside::Parse;
    };
    let in_tag = !before[open..].contains('>');
    if !in_tag || QUOTE_NAMES.is_match(before) {
        return Beside::Parse;
    }
    // The signature's first words are near its tag: the history after it is not read.
    let mut end = html.len().min(open + SIGNATURE_WINDOW);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let text = crate::mail::html::stripped(&html[open..end]);
    // A line the window cuts through is not read.
    let whole = match end < html.len() {
        true => text.rsplit_once('\n').map_or("", |(lines, _)| lines),
        false => &text,
    };
    let first = whole
        .lines()
        .find(|line| comparable(line).chars().count() >= 4);
    match first {
        Some(line) => Beside::Hint(Hint {
            mark: Mark::Signature,
            line: line.to_string(),
        }),
        None if end < html.len() => Beside::Parse,
        None => Beside::Nothing,
    }
}
