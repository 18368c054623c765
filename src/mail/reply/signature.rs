//! The end of the new text: the signature (after `-- `, after a sign-off formula, where
//! the HTML marks it, or a block of name and contact data recognised by its shape) and
//! the footers mobile apps add. Only the kept lines are read: quotes are already cut.

use super::patterns::{
    COMPANY, CONTACT, DEVICE_FOOTER, DISCLAIMER, LINK_LINE, PHONE, POSTAL, RULE_LINE, SIGN_OFF,
};
use super::structure::Mark;
use super::{Lines, Rule, is_blank, is_quoted};

/// Most lines a signature under a sign-off has when it is not all contact data.
const SHORT_SIGNATURE: usize = 6;
/// Longest line a signature block holds.
const SIGNATURE_LINE: usize = 72;
/// Most words on a title or company line of a signature.
const SIGNATURE_WORDS: usize = 8;
/// Most lines a signature under a rule line has.
const RULED_SIGNATURE: usize = 15;

pub(super) fn cut_signature(lines: &mut Lines) {
    cut_marked(lines);
    let kept: Vec<usize> = (0..lines.signature_until)
        .filter(|&i| lines.kept(i))
        .collect();
    // Suffix facts, computed once so that the scan stays linear on long messages:
    // how many non-blank lines follow, whether only blanks and footers follow, and
    // whether only signature-like lines follow.
    let mut nonblank_after = vec![0usize; kept.len() + 1];
    let mut only_footers_after = vec![true; kept.len() + 1];
    let mut only_signature_after = vec![true; kept.len() + 1];
    let mut short_after = vec![true; kept.len() + 1];
    let mut contacts_after = vec![0usize; kept.len() + 1];
    for n in (0..kept.len()).rev() {
        let line = lines.text[kept[n]];
        let blank = is_blank(line);
        nonblank_after[n] = nonblank_after[n + 1] + usize::from(!blank);
        only_footers_after[n] = only_footers_after[n + 1]
            && (blank || DEVICE_FOOTER.is_match(line) || LINK_LINE.is_match(line));
        only_signature_after[n] = only_signature_after[n + 1]
            && (blank || signature_like(line) || DISCLAIMER.is_match(line));
        short_after[n] = short_after[n + 1]
            && (line.trim().chars().count() <= SIGNATURE_LINE || DISCLAIMER.is_match(line));
        contacts_after[n] = contacts_after[n + 1] + usize::from(contact_data(line));
    }
    let mut text_before = false;
    for (n, &i) in kept.iter().enumerate() {
        let line = lines.text[i];
        if is_quoted(line) {
            text_before = true;
            continue;
        }
        let ruled_signature = RULE_LINE.is_match(line)
            && text_before
            && nonblank_after[n + 1] <= RULED_SIGNATURE
            && short_after[n + 1]
            && contacts_after[n + 1] >= 2;
        if DEVICE_FOOTER.is_match(line) && quote_follows(lines, i) {
            // "Envoyé de mon iPhone" above answers written between the quoted lines.
            lines.cut(i..i + 1, Rule::DeviceFooter);
            continue;
        }
        let rule = if line.trim_end() == "--" || line.trim() == "—" || ruled_signature {
            Some(Rule::Delimiter)
        } else if DEVICE_FOOTER.is_match(line) && only_footers_after[n + 1] {
            Some(Rule::DeviceFooter)
        } else if SIGN_OFF.is_match(line)
            && text_before
            && (nonblank_after[n + 1] <= SHORT_SIGNATURE
                || only_signature_after[n + 1]
                || (nonblank_after[n + 1] <= RULED_SIGNATURE
                    && short_after[n + 1]
                    && contacts_after[n + 1] >= 2))
        {
            Some(Rule::SignOff)
        } else {
            None
        };
        if let Some(rule) = rule {
            for &j in &kept[n..] {
                lines.cut(j..j + 1, rule);
            }
            break;
        }
        text_before |= !is_blank(line);
    }
    cut_contact_block(lines);
}

/// Whether the next line with words after `i` is quoted.
fn quote_follows(lines: &Lines, i: usize) -> bool {
    (i + 1..lines.len())
        .find(|&j| !is_blank(lines.text[j]) && !lines.hidden[j])
        .is_some_and(|j| is_quoted(lines.text[j]))
}

/// Whether a line opens a signature or a footer rather than an answer.
pub(super) fn starts_signature(line: &str) -> bool {
    line.trim_end() == "--"
        || SIGN_OFF.is_match(line)
        || DEVICE_FOOTER.is_match(line)
        || RULE_LINE.is_match(line)
        || contact_data(line)
}

/// The signature the HTML marks, up to its end mark or the end of the kept text.
fn cut_marked(lines: &mut Lines) {
    let Some(start) = (0..lines.len()).find(|&i| lines.marks[i] == Some(Mark::Signature)) else {
        return;
    };
    let mut end = start;
    while end < lines.len()
        && lines.marks[end] != Some(Mark::SignatureEnd)
        && lines.marks[end] != Some(Mark::Quote)
        && (lines.kept(end) || lines.hidden[end])
    {
        end += 1;
    }
    // Text of the sender's must stay above it: a reply that is all signature is kept.
    let text_above = (0..start).any(|i| lines.kept(i) && !is_blank(lines.text[i]));
    if text_above {
        lines.cut(start..end, Rule::HtmlSignature);
    }
}

/// Words that close a message and are not a name, though they look like one.
const CLOSINGS: &[&str] = &[
    "merci",
    "thanks",
    "thank you",
    "danke",
    "gracias",
    "grazie",
    "bedankt",
    "obrigado",
    "obrigada",
    "dziękuję",
    "tack",
    "tak",
    "takk",
    "děkuji",
    "kiitos",
    "bises",
    "bisous",
    "amitiés",
    "ciao",
    "salut",
    "à bientôt",
    "a bientôt",
    "bonne journée",
    "bonne soirée",
    "bon week-end",
    "ok",
    "d'accord",
    "parfait",
    "super",
    "oui",
    "non",
    "yes",
    "no",
];

/// A name as signatures write it: one to four capitalised words.
fn name_like(line: &str) -> bool {
    let line = line.trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 || CLOSINGS.contains(&line.to_lowercase().as_str()) {
        return false;
    }
    // A sentence ends with a stop; a name only with an initial ("Paul R.").
    let last = words[words.len() - 1];
    if last.ends_with(['.', ',', '!', '?', ';', ':']) && last.chars().count() != 2 {
        return false;
    }
    let particle = |w: &str| {
        matches!(
            w,
            "de" | "du" | "des" | "la" | "le" | "van" | "von" | "der" | "den" | "di" | "da" | "dos"
        )
    };
    words.iter().all(|w| {
        particle(w)
            || (w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.')))
    })
}

/// Whether a line holds contact data: a phone number, an address, a website, a logo.
fn contact_data(line: &str) -> bool {
    PHONE.is_match(line) || CONTACT.is_match(line) || POSTAL.is_match(line)
}

/// A line that can belong to a signature block.
fn signature_like(line: &str) -> bool {
    let line = line.trim();
    line.chars().count() <= SIGNATURE_LINE
        && !line.ends_with('?')
        && !line.ends_with(':')
        && !is_quoted(line)
        && (contact_data(line)
            || name_like(line)
            || (line.split_whitespace().count() <= SIGNATURE_WORDS
                && (COMPANY.is_match(line) || line.contains(" | "))))
}

/// A block of name and contact data closing the new text, without `-- ` or sign-off:
/// cut when it has at least two lines of contact data and starts with a name, a
/// company or a logo, and when the line above it does not introduce it ("Adresse du
/// chantier :") but ends a sentence or a paragraph.
fn cut_contact_block(lines: &mut Lines) {
    let kept: Vec<usize> = (0..lines.signature_until)
        .filter(|&i| lines.kept(i) && !is_blank(lines.text[i]))
        .collect();
    let mut start = kept.len();
    while start > 0 && signature_like(lines.text[kept[start - 1]]) {
        start -= 1;
    }
    if start == kept.len() || start == 0 {
        return;
    }
    let block = &kept[start..];
    let contacts = block
        .iter()
        .filter(|&&i| contact_data(lines.text[i]))
        .count();
    let top = lines.text[block[0]];
    let opens = name_like(top) || COMPANY.is_match(top) || CONTACT.is_match(top);
    let above = lines.text[kept[start - 1]].trim_end();
    let separated = block[0] > kept[start - 1] + 1
        || above.ends_with([',', '!', '.'])
        || CLOSINGS.contains(&above.trim().to_lowercase().as_str());
    // A name over a phone number is a signature too; other blocks need two lines of
    // contact data.
    let enough = contacts >= 2 || (contacts == 1 && block.len() >= 2 && name_like(top));
    if enough && opens && separated && !above.ends_with(':') {
        let last = block[block.len() - 1];
        lines.cut(block[0]..last + 1, Rule::SignatureBlock);
    }
}
