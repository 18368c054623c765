//! Keeps the new text of a reply and cuts the rest: the quoted previous message, the
//! signature, mobile footers and our own notification quoted back. It decides on the
//! structure first (the marks the HTML part left, see `structure`), then on the text,
//! and never cuts a line above a quote header. What is cut is returned with the rule
//! that cut it, never thrown away. Pure text in, text out.

mod forward;
mod patterns;
mod quotes;
mod signature;
pub mod structure;

use serde::Serialize;

/// The kept text, the cut part, and why each part was cut.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Trimmed {
    /// The new text.
    pub kept: String,
    /// Quoted history, signature and footers.
    pub elided: String,
    /// Each cut, in the order of the text.
    pub cuts: Vec<Cut>,
}

/// Lines cut by one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cut {
    /// The rule.
    pub rule: Rule,
    /// The first line cut, counted from 1 in the text trimmed.
    pub line: usize,
    /// How many lines.
    pub lines: usize,
    /// The first of them that is not blank, shortened.
    pub first: String,
}

/// Why a line was cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The HTML part marks where the quoted message starts.
    HtmlQuote,
    /// "On … wrote:", "Le … a écrit :" and their kin, and what follows.
    QuoteHeader,
    /// "-----Original Message-----", "----- Mail original -----" and what follows.
    OriginalMessage,
    /// A "From: / Sent: / To: / Subject:" block and what follows.
    HeaderBlock,
    /// Quoted lines (`>`) after the last answer.
    QuotedLines,
    /// The quote above a bottom-posted answer.
    QuoteAbove,
    /// Lines of our own notification quoted back.
    OurNotification,
    /// A forward's marker and header block (the forwarded message is kept).
    ForwardHeader,
    /// "Reply above this line" markers.
    AboveThisLine,
    /// The `-- ` signature delimiter and what follows.
    Delimiter,
    /// A sign-off formula ("Cordialement") and the signature under it.
    SignOff,
    /// A block of contact data (name, title, phone, address, website) at the end.
    SignatureBlock,
    /// The signature the HTML part marks.
    HtmlSignature,
    /// "Sent from my iPhone" and the other app footers.
    DeviceFooter,
    /// Tracking marks of webmail extensions.
    TrackingMark,
}

impl Rule {
    /// What the rule cuts, for `dossier inspect` and the logs.
    pub fn describe(self) -> &'static str {
        match self {
            Rule::HtmlQuote => "quoted message, where the HTML part marks it",
            Rule::QuoteHeader => "quoted message, after its \"On … wrote:\" header",
            Rule::OriginalMessage => "quoted message, after its \"Original Message\" separator",
            Rule::HeaderBlock => "quoted message, after its From/Sent/To/Subject block",
            Rule::QuotedLines => "quoted lines after the last answer",
            Rule::QuoteAbove => "the quote above a bottom-posted answer",
            Rule::OurNotification => "our own notification, quoted back",
            Rule::ForwardHeader => "the forward's marker and header block",
            Rule::AboveThisLine => "a \"reply above this line\" marker",
            Rule::Delimiter => "signature, after its \"-- \" delimiter",
            Rule::SignOff => "signature, from its sign-off formula",
            Rule::SignatureBlock => "signature, by its shape (name and contact data)",
            Rule::HtmlSignature => "signature, where the HTML part marks it",
            Rule::DeviceFooter => "a mobile or app footer",
            Rule::TrackingMark => "a tracking mark",
        }
    }
}

/// A reply's lines and what has been decided about each.
pub(crate) struct Lines<'a> {
    /// The lines, marks removed.
    text: Vec<&'a str>,
    /// The rule that cut each line, if any.
    cut: Vec<Option<Rule>>,
    /// Where the structure of the HTML part marks something.
    marks: Vec<Option<structure::Mark>>,
    /// Marker lines, in neither part.
    hidden: Vec<bool>,
    /// Where the sender's own text ends and content that is not theirs begins (a
    /// forwarded message, a quote answered inside): signatures are looked for above.
    signature_until: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines: Vec<&str> = text.split('\n').collect();
        let n = lines.len();
        let mut marks = vec![None; n];
        let mut hidden = vec![false; n];
        for (i, line) in lines.iter_mut().enumerate() {
            if let Some(mark) = structure::Mark::of_line(line) {
                marks[i] = Some(mark);
                hidden[i] = true;
                *line = "";
            }
        }
        Lines {
            text: lines,
            cut: vec![None; n],
            marks,
            hidden,
            signature_until: n,
        }
    }

    fn len(&self) -> usize {
        self.text.len()
    }

    fn kept(&self, i: usize) -> bool {
        self.cut[i].is_none() && !self.hidden[i]
    }

    /// Cuts the lines of `range` not already cut.
    fn cut(&mut self, range: std::ops::Range<usize>, rule: Rule) {
        for i in range {
            if self.cut[i].is_none() {
                self.cut[i] = Some(rule);
            }
        }
    }

    /// The next line from `i` on that is neither blank nor a marker.
    fn next_text(&self, i: usize) -> Option<usize> {
        (i..self.len()).find(|&j| !self.hidden[j] && !is_blank(self.text[j]))
    }

    fn finish(self) -> Trimmed {
        let pick = |wanted: bool| -> String {
            let mut chosen: Vec<&str> = Vec::new();
            for i in (0..self.len()).filter(|&i| !self.hidden[i] && self.cut[i].is_none() == wanted)
            {
                let line = self.text[i];
                // Where cut lines leave blank lines together, one is enough.
                if !(is_blank(line) && chosen.last().is_none_or(|l| is_blank(l))) {
                    chosen.push(line);
                }
            }
            // A bare `>` left by a cut at either end of a quoted run says nothing.
            if wanted {
                chosen = without_bare_quote_ends(chosen);
            }
            let blank = |l: &&str| is_blank(l);
            while chosen.last().is_some_and(blank) {
                chosen.pop();
            }
            let first = chosen
                .iter()
                .position(|l| !blank(l))
                .unwrap_or(chosen.len());
            chosen[first..].join("\n").trim_end().to_string()
        };
        let mut cuts: Vec<Cut> = Vec::new();
        for i in 0..self.len() {
            let Some(rule) = self.cut[i].filter(|_| !self.hidden[i]) else {
                continue;
            };
            let line = self.text[i].trim();
            match cuts.last_mut() {
                Some(last) if last.rule == rule && last.line + last.lines == i + 1 => {
                    last.lines += 1;
                    if last.first.is_empty() {
                        last.first = shortened(line);
                    }
                }
                _ => cuts.push(Cut {
                    rule,
                    line: i + 1,
                    lines: 1,
                    first: shortened(line),
                }),
            }
        }
        // Runs of blank lines alone say nothing; they stay in the elided text.
        cuts.retain(|c| !c.first.is_empty());
        Trimmed {
            kept: pick(true),
            elided: pick(false),
            cuts,
        }
    }
}

/// Lines without the bare `>` at the start or the end of each quoted run.
fn without_bare_quote_ends(lines: Vec<&str>) -> Vec<&str> {
    let bare = |l: &str| l.trim() == ">";
    let text = |l: &str| is_quoted(l) && !bare(l);
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for line in lines {
        // At the start of a run: nothing quoted with words just above.
        if bare(line) && !out.last().is_some_and(|l| text(l) || bare(l)) {
            continue;
        }
        out.push(line);
    }
    // At the end of a run: nothing quoted with words just below.
    let mut kept: Vec<&str> = Vec::with_capacity(out.len());
    for line in out.into_iter().rev() {
        if bare(line) && !kept.last().is_some_and(|l| text(l) || bare(l)) {
            continue;
        }
        kept.push(line);
    }
    kept.reverse();
    kept
}

fn shortened(line: &str) -> String {
    match line.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

/// A quoted line: `>`, or Supercite's initials before it (`C> …`, `JD> …`).
pub(crate) fn is_quoted(line: &str) -> bool {
    let line = line.trim_start();
    if line.starts_with('>') {
        return true;
    }
    let initials = line.bytes().take_while(u8::is_ascii_uppercase).count();
    (1..=3).contains(&initials)
        && line[initials..].starts_with('>')
        && line[initials + 1..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '>')
}

pub(crate) fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// At most so many forward markers are read (each is a forwarded message's).
const MAX_FORWARDS: usize = 16;

/// Cuts `text` into the new text and the rest. `forwarded` when the message is a
/// forward (its subject says so): then the embedded message is content, not history.
/// `hints` are what the HTML part of the same message marks (see
/// [`structure::hints`]); a text that carries its own marks needs none.
pub fn trim(text: &str, hints: &[structure::Hint], forwarded: bool) -> Trimmed {
    // A byte-order mark inside the text (iOS writes one before a quoted body) and the
    // invisible marks apps put around their footers are no characters of the sender's.
    let normalized: std::borrow::Cow<str> =
        match text.contains(['\r', '\u{feff}', '\u{200b}', '\u{2063}']) {
            true => text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace(['\u{feff}', '\u{200b}', '\u{2063}'], "")
                .into(),
            false => text.into(),
        };
    let mut lines = Lines::new(&normalized);
    structure::apply(&mut lines, hints);
    for i in 0..lines.len() {
        if patterns::TRACKING_MARKS.contains(&lines.text[i].trim()) {
            lines.cut(i..i + 1, Rule::TrackingMark);
        }
    }
    // A quoted marker is a forward only when the subject says so: in a reply it is
    // the history's (a forwarded message the sender answers).
    // A forward of a forward has a marker per message, a note between them perhaps.
    let markers: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let line = lines.text[i].trim_start();
            match line.strip_prefix('>') {
                Some(inner) => forwarded && patterns::FORWARD_MARKER.is_match(inner),
                None => patterns::FORWARD_MARKER.is_match(line),
            }
        })
        .take(MAX_FORWARDS)
        .collect();
    match markers.first() {
        Some(&first) => {
            for &marker in &markers {
                forward::elide_forward_header(&mut lines, marker);
            }
            forward::elide_nested_blocks(&mut lines, first);
            if forwarded {
                forward::elide_forwarded_block(&mut lines, first);
            }
        }
        None if forwarded => {
            let end = lines.len();
            forward::elide_forwarded_block(&mut lines, end);
        }
        None => quotes::cut_quotes(&mut lines),
    }
    signature::cut_signature(&mut lines);
    lines.finish()
}

#[cfg(test)]
mod tests;
