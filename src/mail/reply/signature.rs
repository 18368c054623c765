//! The end of the new text: the signature (after `-- `, after a sign-off formula, where
//! the HTML marks it, or a block of name and contact data recognised by its shape) and
//! the footers mobile apps add. Only the kept lines are read: quotes are already cut.

use super::patterns::{
    COMPANY, CONTACT, DEVICE_FOOTER, DISCLAIMER, FORMAL_SIGN_OFF, INLINE_LINK, LINK_LINE, PHONE,
    POSTAL, RULE_LINE, is_sign_off,
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

/// What follows each kept line, computed once for all (the scan stays linear on long
/// messages) and only when a line may open a signature.
struct After {
    /// Whether only blanks, footers and links follow.
    only_footers: Vec<bool>,
    /// Whether only signature-like lines (and notices) follow.
    only_signature: Vec<bool>,
    /// Whether every line that follows is short.
    short: Vec<bool>,
    /// How many lines of contact data follow.
    contacts: Vec<usize>,
}

impl After {
    fn of(lines: &Lines, kept: &[usize]) -> After {
        let n = kept.len();
        let mut after = After {
            only_footers: vec![true; n + 1],
            only_signature: vec![true; n + 1],
            short: vec![true; n + 1],
            contacts: vec![0; n + 1],
        };
        for k in (0..n).rev() {
            let line = lines.text[kept[k]];
            let blank = is_blank(line);
            let notice = !blank && DISCLAIMER.is_match(line);
            after.only_footers[k] =
                after.only_footers[k + 1] && (blank || footer(line) || LINK_LINE.is_match(line));
            after.only_signature[k] =
                after.only_signature[k + 1] && (blank || notice || signature_like(line));
            let short = shown_len(line) <= SIGNATURE_LINE || notice;
            after.short[k] = after.short[k + 1] && short;
            // Contacts are counted only under lines all short: a long line's are not read.
            after.contacts[k] = after.contacts[k + 1] + usize::from(short && contact_data(line));
        }
        after
    }
}

pub(super) fn cut_signature(lines: &mut Lines) {
    cut_marked(lines);
    let kept: Vec<usize> = (0..lines.signature_until)
        .filter(|&i| lines.kept(i))
        .collect();
    let mut nonblank_after = vec![0usize; kept.len() + 1];
    for n in (0..kept.len()).rev() {
        nonblank_after[n] = nonblank_after[n + 1] + usize::from(!is_blank(lines.text[kept[n]]));
    }
    let mut after: Option<After> = None;
    let mut text_before = false;
    for (n, &i) in kept.iter().enumerate() {
        let line = lines.text[i];
        if is_quoted(line) {
            text_before = true;
            continue;
        }
        // Only short lines can open a signature or be a footer.
        if line.len() > 400 {
            text_before = true;
            continue;
        }
        let is_footer = footer(line);
        if is_footer && quote_follows(lines, i) {
            // "Envoyé de mon iPhone" above answers written between the quoted lines.
            lines.cut(i..i + 1, Rule::DeviceFooter);
            continue;
        }
        let ruled = RULE_LINE.is_match(line);
        let signs_off = sign_off(line);
        let rest = if is_footer || ruled || signs_off {
            Some(&*after.get_or_insert_with(|| After::of(lines, &kept)))
        } else {
            None
        };
        let contact_rest = |rest: &After| {
            nonblank_after[n + 1] <= RULED_SIGNATURE
                && rest.short[n + 1]
                && rest.contacts[n + 1] >= 2
        };
        let rule = if line.trim_end() == "--"
            || line.trim() == "—"
            || (ruled && text_before && (rest.is_some_and(contact_rest) || delimits(lines, i)))
        {
            Some(Rule::Delimiter)
        } else if is_footer && rest.is_some_and(|r| r.only_footers[n + 1]) {
            Some(Rule::DeviceFooter)
        } else if signs_off
            && text_before
            && (nonblank_after[n + 1] <= SHORT_SIGNATURE
                || rest.is_some_and(|r| r.only_signature[n + 1] || contact_rest(r)))
        {
            Some(Rule::SignOff)
        } else {
            None
        };
        if let Some(rule) = rule {
            // The link a footer's logo carries, on the line just above it, goes with it.
            let mut from = n;
            // Only when a link follows the footer too (Avast: link, footer, link).
            let linked = kept
                .get(n + 1)
                .is_some_and(|&j| LINK_LINE.is_match(lines.text[j]));
            while rule == Rule::DeviceFooter
                && linked
                && from > 0
                && kept[from - 1] + 1 == kept[from]
                && LINK_LINE.is_match(lines.text[kept[from - 1]])
            {
                from -= 1;
            }
            for &j in &kept[from..] {
                lines.cut(j..j + 1, rule);
            }
            break;
        }
        text_before |= !is_blank(line);
    }
    cut_contact_block(lines);
}

/// Most lines a signature under a rule line has without contact data, at the very end.
const SHORT_RULED: usize = 2;

/// Whether line `i` is a rule with a short signature under it to the end of the text:
/// one or two short lines, not quoted.
fn short_ending(lines: &Lines, i: usize) -> bool {
    // Never more than one line past the bound is read: the scan stays linear.
    let under: Vec<&str> = lines.text[i + 1..]
        .iter()
        .copied()
        .filter(|l| !is_blank(l))
        .take(SHORT_RULED + 1)
        .collect();
    (1..=SHORT_RULED).contains(&under.len())
        && under.iter().all(|l| {
            let l = l.trim();
            !is_quoted(l) && l.chars().count() <= 40 && !l.to_ascii_lowercase().starts_with("ps")
        })
}

/// Whether line `i` opens the sender's signature: `-- `, or a rule over a short
/// ending.
pub(super) fn delimits(lines: &Lines, i: usize) -> bool {
    let line = lines.text[i];
    // A rule under a line of text introduces what follows ("Mes disponibilités :").
    line.trim_end() == "--"
        || (RULE_LINE.is_match(line)
            && i > 0
            && is_blank(lines.text[i - 1])
            && short_ending(lines, i))
}

/// A mobile or app footer, its links taken out first ("Envoyé à partir de
/// Courrier<https://…> pour Windows").
pub(super) fn footer(line: &str) -> bool {
    if !line.contains("http") {
        return DEVICE_FOOTER.is_match(line);
    }
    DEVICE_FOOTER.is_match(line) || DEVICE_FOOTER.is_match(&INLINE_LINK.replace_all(line, ""))
}

/// A sign-off formula, short ("Cordialement") or long ("Je vous prie d'agréer…").
fn sign_off(line: &str) -> bool {
    is_sign_off(line) || FORMAL_SIGN_OFF.is_match(line)
}

/// Whether the next line with words after `i` is quoted.
fn quote_follows(lines: &Lines, i: usize) -> bool {
    (i + 1..lines.len())
        .find(|&j| !is_blank(lines.text[j]) && !lines.hidden[j])
        .is_some_and(|j| is_quoted(lines.text[j]))
}

/// Whether line `j` opens what closes the text rather than an answer: a signature or
/// footer opener with only signature lines, footers and links under it, up to the next
/// quote. A greeting that opens an answer ("Üdv!", "Pozdrav,") has sentences under it.
/// The `-- ` delimiter says so by itself.
pub(super) fn closes_text(lines: &Lines, j: usize) -> bool {
    if lines.text[j].trim_end() == "--" {
        return true;
    }
    starts_signature(lines.text[j])
        && lines.text[j + 1..]
            .iter()
            .filter(|l| !is_blank(l))
            .take_while(|l| !is_quoted(l))
            .take(RULED_SIGNATURE + 1)
            .all(|l| signature_like(l) || footer(l) || LINK_LINE.is_match(l) || sign_off(l))
}

/// Whether a line opens a signature or a footer rather than an answer.
pub(super) fn starts_signature(line: &str) -> bool {
    line.trim_end() == "--"
        || sign_off(line)
        || footer(line)
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
/// Cheap tests first: most lines of a message have none of what the patterns need.
fn contact_data(line: &str) -> bool {
    let digits = line.bytes().filter(u8::is_ascii_digit).count();
    let marks = line.contains(['@', ':', '[', '.']);
    (digits >= 6 && PHONE.is_match(line))
        || (marks && CONTACT.is_match(line))
        || (digits >= 1 && POSTAL.is_match(line))
}

/// The length of a line as its reader sees it: the `<https://…>` Outlook writes after
/// a link's text is not shown.
fn shown_len(line: &str) -> usize {
    let line = line.trim();
    match line.contains("<http") {
        true => INLINE_LINK.replace_all(line, "").chars().count(),
        false => line.chars().count(),
    }
}

/// Whether a line opens with a greeting or thanks ("Merci Sophie"), not a name.
fn greets(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("").to_lowercase();
    matches!(
        first.as_str(),
        "merci" | "bonjour" | "bonsoir" | "salut" | "cher" | "chère" | "hello" | "hi" | "dear"
    )
}

/// A job title as signatures write it: a few words, capitalised, no digits, no stop,
/// not a sentence opening with a pronoun ("Je signe demain").
fn title_like(line: &str) -> bool {
    let line = line.trim();
    let first = line.split_whitespace().next().unwrap_or("").to_lowercase();
    let pronoun = matches!(
        first.as_str(),
        "je" | "nous"
            | "on"
            | "il"
            | "elle"
            | "ils"
            | "vous"
            | "tu"
            | "i"
            | "we"
            | "you"
            | "ich"
            | "wir"
    ) || first.starts_with("j'")
        || first.starts_with("j’");
    if pronoun {
        return false;
    }
    let words = line.split_whitespace().count();
    (1..=5).contains(&words)
        && line.chars().count() <= 40
        && line.chars().next().is_some_and(char::is_uppercase)
        && !line.chars().any(|c| c.is_ascii_digit())
        && !line.ends_with(['.', ',', '!', '?', ';', ':'])
}

/// A line that can belong to a signature block.
fn signature_like(line: &str) -> bool {
    let line = line.trim();
    shown_len(line) <= SIGNATURE_LINE
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
    // A confidentiality notice under the block goes with it.
    let mut end = kept.len();
    while end > 0 && DISCLAIMER.is_match(lines.text[kept[end - 1]]) {
        end -= 1;
    }
    // Only as a paragraph of its own, under a blank line.
    if end < kept.len() && (end == 0 || kept[end] == kept[end - 1] + 1) {
        end = kept.len();
    }
    let mut start = end;
    while start > 0 {
        if signature_like(lines.text[kept[start - 1]]) {
            start -= 1;
            continue;
        }
        // Titles and a firm under the name ("Responsable des services généraux",
        // "Girard & Associés – Avocats"): up to three lines, right under it.
        let mut top = start;
        let mut named = false;
        while !named
            && top > 0
            && start - top < 3
            && title_like(lines.text[kept[top - 1]])
            && (top == start || kept[top - 1] + 1 == kept[top])
        {
            top -= 1;
            named = top > 0
                && kept[top - 1] + 1 == kept[top]
                && name_like(lines.text[kept[top - 1]])
                && !greets(lines.text[kept[top - 1]]);
        }
        if !named {
            break;
        }
        start = top;
    }
    if start == end || start == 0 {
        return;
    }
    let block = &kept[start..end];
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
        let last = kept[kept.len() - 1];
        lines.cut(block[0]..last + 1, Rule::SignatureBlock);
    }
}
