//! The quoted previous message: where its header starts (never on a line of the
//! sender's own), and what of it goes: all of it under a top-posted reply, the quote
//! above a bottom-posted one, only the header and the unanswered rest around answers
//! written between the quoted lines or inside an Outlook quote.

use super::patterns::{
    ABOVE_THIS_LINE, ANSWERS_BELOW, AUTHOR_FIRST, DATED, DATED_HEADER, GENERIC_HEADER, GREETING,
    GROUPWISE, HEADER_FIELD, HEADER_FROM, HEADER_LEAD, LINK_LINE, MESSAGE_OF, NAME_VERB_DATE,
    ORIGINAL, OUR_AUTHOR, OUR_LINES, OUR_LINK, OUR_TITLE, SEPARATOR, VERB_ENDS, WROTE, YEAR,
};
use super::structure::Mark;
use super::{Lines, Rule, is_blank, is_quoted, signature};

pub(super) fn is_field(line: &str) -> bool {
    // A field's name and its colon come first: a line without an early colon is none.
    let early_colon = line.char_indices().take(48).any(|(_, c)| c == ':');
    early_colon && (HEADER_FROM.is_match(line) || HEADER_FIELD.is_match(line))
}

/// A line with its quote marks taken off, Supercite's initials (`YB>`) too.
fn bare(line: &str) -> &str {
    let mut line = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    while super::is_quoted(line) {
        let initials = line.bytes().take_while(u8::is_ascii_uppercase).count();
        line = line[initials..].trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    }
    line
}

/// The quote header starting at line `i`: how many lines it spans (Gmail and others
/// wrap long headers) and which rule it is.
fn header_at(lines: &Lines, i: usize) -> Option<(usize, Rule)> {
    header_found(lines, i).map(|(span, rule, _)| (span, rule))
}

/// [`header_at`], and whether the header is known only by its shape (a paragraph
/// ending with a colon after a date), which is weak evidence.
fn header_found(lines: &Lines, i: usize) -> Option<(usize, Rule, bool)> {
    if lines.marks[i] == Some(Mark::Quote) {
        return Some((1, Rule::HtmlQuote, false));
    }
    let line = lines.text[i];
    if ORIGINAL.is_match(line) {
        return Some((1, Rule::OriginalMessage, false));
    }
    if ABOVE_THIS_LINE.is_match(line) {
        return Some((1, Rule::AboveThisLine, false));
    }
    if GROUPWISE.is_match(line) {
        return Some((1, Rule::QuoteHeader, false));
    }
    if MESSAGE_OF.is_match(line) && lines.text.get(i + 1).is_some_and(|l| is_field(l)) {
        return Some((1, Rule::HeaderBlock, false));
    }
    for span in 1..=3 {
        // A wrapped header is one paragraph: its lines are consecutive and not blank.
        if i + span > lines.len() || is_blank(lines.text[i + span - 1]) {
            break;
        }
        // The paragraph ends as its last line does (one of quote marks only aside):
        // only then is it joined.
        let last = bare(lines.text[i + span - 1]).trim();
        if !last.is_empty() && !ends_like_header(last) {
            continue;
        }
        let joined = lines.text[i..i + span]
            .iter()
            .map(|l| bare(l).trim())
            .collect::<Vec<_>>()
            .join(" ");
        if joined.len() > 500 {
            break;
        }
        if !ends_like_header(&joined) {
            continue;
        }
        // A sentence can read like a header ("Am Dienstag schrieb mir der
        // Schornsteinfeger:"): without quoted lines under it, a header must name an
        // address or a date.
        let quoted_under = followed_by_quote_or_end(lines, i + span);
        let known = WROTE.is_match(&joined) || DATED_HEADER.is_match(&joined);
        // "Vous avez écrit le 12/03 :" is a sentence unless a quote follows it: the
        // shapes with the name first need one.
        if (known && (quoted_under || DATED.is_match(&joined)))
            || (quoted_under
                && (AUTHOR_FIRST.is_match(&joined) || NAME_VERB_DATE.is_match(&joined)))
        {
            return Some((span, Rule::QuoteHeader, false));
        }
        // The shape alone is weak evidence: the paragraph must start with a date or a
        // header's first word and be followed by quoted lines.
        if starts_like_header(line)
            && GENERIC_HEADER.is_match(&joined)
            && followed_by_quote_or_end(lines, i + span)
        {
            return Some((span, Rule::QuoteHeader, true));
        }
    }
    if let Some(span) = broken_header_at(lines, i) {
        return Some((span, Rule::QuoteHeader, false));
    }
    header_block_at(lines, i).map(|_| (1, Rule::HeaderBlock, false))
}

/// Whether a paragraph ends as every header pattern needs: with a colon, a verb (a
/// letter, decorations aside) or an address's `>` (a quick look before the patterns).
fn ends_like_header(joined: &str) -> bool {
    let end = joined
        .trim_end()
        .trim_end_matches(|c: char| c.is_whitespace() || "-_=*~:".contains(c));
    joined.trim_end().ends_with(':')
        || end.ends_with(['>', ')'])
        || end.ends_with(char::is_alphabetic)
}

/// An "On … wrote:" header some programs break over blank lines ("On …, Name\n\n<\n
/// mailto:…>\n> wrote:"): its first line leads, a later one ends with the verb.
fn broken_header_at(lines: &Lines, i: usize) -> Option<usize> {
    if !HEADER_LEAD.is_match(lines.text[i]) {
        return None;
    }
    let last = (i + 1..lines.len().min(i + 6))
        .find(|&k| lines.text[k].trim_end().ends_with(':') && VERB_ENDS.is_match(lines.text[k]))?;
    let joined = lines.text[i..=last]
        .iter()
        .map(|l| bare(l).trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // Broken over blank lines, a header is told from a sentence by its address
    // ("L'architecte m'a écrit :" is the sender's).
    (joined.len() <= 500 && WROTE.is_match(&joined) && joined.contains('@')).then_some(last + 1 - i)
}

/// Whether a line can open a header known only by its shape: a header's first word,
/// a date, or a lower-case word (weekdays in many languages).
fn starts_like_header(line: &str) -> bool {
    HEADER_LEAD.is_match(line)
        || bare(line)
            .chars()
            .next()
            .is_some_and(|c| c.is_numeric() || c.is_lowercase())
}

/// The first quote header from `from` on. A header found over several lines starts
/// on a later line when that line starts a header itself, or when the first does not
/// look like the start of one: the line above a header is the sender's ("OK pour
/// jeudi." glued to "Le … a écrit :"). A header inside a quote takes the whole quote.
fn next_header(lines: &Lines, from: usize) -> Option<(usize, usize, Rule)> {
    let (start, span, rule) = (from..lines.len()).find_map(|i| {
        let (span, rule) = header_at(lines, i)?;
        let end = i + span;
        // A first line that leads (a date, "Le", "On") opens the header unless it holds no
        // date, time or address: then it is the sender's ("O orçamento está aprovado.").
        let first_leads = HEADER_LEAD.is_match(lines.text[i]) && DATED.is_match(lines.text[i]);
        let later = (i + 1..end).rev().find_map(|j| {
            header_found(lines, j)
                .filter(|(s, _, by_shape)| j + s <= end && !by_shape)
                .filter(|_| !first_leads || HEADER_LEAD.is_match(lines.text[j]))
                .map(|(_, r, _)| (j, end - j, r))
        });
        Some(later.unwrap_or((i, span, rule)))
    })?;
    // Gmail wraps a long header inside the address: the line above that ends with its
    // "<" is the header's first, in any language.
    let address_end = bare(lines.text[start])
        .split_whitespace()
        .next()
        .is_some_and(|word| word.contains('@') && word.ends_with('>'));
    let (start, span) =
        match address_end && start > from && lines.text[start - 1].trim_end().ends_with('<') {
            true => (start - 1, span + 1),
            false => (start, span),
        };
    let mut first = start;
    while is_quoted(lines.text[start]) && first > from && is_quoted(lines.text[first - 1]) {
        first -= 1;
    }
    Some((first, span + start - first, rule))
}

/// Whether only blank lines separate `start` from a `>` line or the end.
fn followed_by_quote_or_end(lines: &Lines, start: usize) -> bool {
    lines
        .next_text(start)
        .is_none_or(|j| is_quoted(lines.text[j]))
}

/// A block of header fields ("From:", "Sent:", "To:", "Subject:"…), at least three
/// of them with a From among them, as Outlook and webmails write above the quoted
/// message; its length in lines, from its separator if it has one.
pub(super) fn header_block_at(lines: &Lines, i: usize) -> Option<usize> {
    let first = if SEPARATOR.is_match(lines.text.get(i)?) {
        i + 1
    } else {
        i
    };
    if first >= lines.len() || !is_field(lines.text[first]) {
        return None;
    }
    let block: Vec<&str> = lines.text[first..]
        .iter()
        .take(10)
        .take_while(|l| !bare(l).trim().is_empty())
        .copied()
        .collect();
    let fields = block.iter().filter(|l| is_field(l)).count();
    let from = block.iter().any(|l| HEADER_FROM.is_match(l));
    // Without a separator above it, a block names an address or a year: "From: 8am /
    // To: 6pm / At: 14 Elm St" is the sender's.
    let proved = first > i || block.iter().any(|l| l.contains('@') || YEAR.is_match(l));
    // The block ends with its last field (a wrapped value may sit between two).
    let last = block.iter().rposition(|l| is_field(l))?;
    (fields >= 3 && from && proved).then_some(first - i + last + 1)
}

/// The end of a header that starts at `start` with `span` lines: the field block, the
/// "On … wrote:" line and the separator that come with it.
fn header_end(lines: &Lines, start: usize, span: usize) -> usize {
    let mut end = start + span;
    loop {
        let Some(next) = lines.next_text(end) else {
            return end;
        };
        if next > end + 1 {
            return end;
        }
        let line = lines.text[next];
        if let Some(block) = header_block_at(lines, next) {
            end = next + block;
        } else if is_field(line)
            || SEPARATOR.is_match(line)
            || MESSAGE_OF.is_match(line)
            || (end - start < 12 && WROTE.is_match(bare(line)))
        {
            end = next + 1;
        } else {
            return end;
        }
    }
}

pub(super) fn cut_quotes(lines: &mut Lines) {
    let mut from = 0;
    // Whether the sender wrote text above `from`, kept as the scan goes (linear).
    let mut text_before = false;
    let mut words_before = false;
    let mut bottom_posts = 0;
    while let Some((start, span, rule)) = next_header(lines, from) {
        let end = header_end(lines, start, span);
        let above = text_before || has_text(lines, from, start);
        text_before = above;
        let wrote_above = words_before || (above && has_words(lines, from, start));
        words_before = wrote_above;
        if !above && !followed_by_quote_or_end(lines, end) {
            // A header with nothing above it introduces what follows (a message pasted
            // in, a reply written inside a quote): only the header goes.
            lines.cut(start..end, rule);
            from = end;
            continue;
        }
        // Under a top-posted reply a quote can hold lines that lost their `>` in
        // wrapping: answers between quotes need two of them there.
        if interleaved(lines, end, if above { 2 } else { 1 }) {
            // Answers written between the quoted lines: the quotes give them meaning.
            lines.cut(start..end, rule);
            cut_ours(lines, end);
            cut_after_last_answer(lines, end);
            return;
        }
        if above && answers_announced(lines, start) && !starts_quoted(lines, end) {
            // Answers written inside an Outlook quote, announced above it: the quoted
            // message's own sign-off is not the sender's.
            lines.cut(start..end, rule);
            cut_ours(lines, end);
            lines.signature_until = start;
            return;
        }
        let quote_end = quote_block_end(lines, end);
        let answered = quote_end < lines.len()
            && (end..quote_end).any(|j| is_quoted(lines.text[j]))
            && lines
                .next_text(quote_end)
                .is_some_and(|j| !signature::closes_text(lines, j));
        if answered && wrote_above {
            // Text above the quote and an answer under it: the quote is part of what
            // the sender says, as between the quoted lines.
            lines.cut(start..end, rule);
            cut_ours(lines, end);
            cut_after_last_answer(lines, end);
            return;
        }
        if answered {
            // Bottom-posting: the quote comes first, the answer after it. A text of
            // hundreds of such quotes is hostile: past the bound, the rest is kept.
            lines.cut(start..quote_end, Rule::QuoteAbove);
            from = quote_end;
            bottom_posts += 1;
            if bottom_posts > MAX_BOTTOM_POSTS {
                return;
            }
            continue;
        }
        let n = lines.len();
        lines.cut(start..n, rule);
        return;
    }
    cut_trailing_quote(lines);
}

/// Whether the sender says, above line `start`, that the answers are below.
fn answers_announced(lines: &Lines, start: usize) -> bool {
    (0..start).any(|i| lines.kept(i) && ANSWERS_BELOW.is_match(lines.text[i]))
}

/// Whether the text after `start` begins with a `>` line.
fn starts_quoted(lines: &Lines, start: usize) -> bool {
    lines
        .next_text(start)
        .is_some_and(|j| is_quoted(lines.text[j]))
}

/// Cuts the lines of our own notification from `start` on: its title and author
/// lines, its links, and its footer from the `-- ` delimiter to the end of the quote.
fn cut_ours(lines: &mut Lines, start: usize) {
    let mut i = start;
    while i < lines.len() {
        let line = bare(lines.text[i]);
        let delimiter = line.trim_end() == "--" || SEPARATOR.is_match(line);
        let footer_follows = lines.text[i + 1..]
            .iter()
            .take(3)
            .find(|l| !bare(l).trim().is_empty())
            .is_some_and(|l| OUR_LINES.is_match(bare(l)));
        if delimiter && footer_follows {
            // Our footer: the delimiter, its lines, up to the end of the quote.
            let quoted = is_quoted(lines.text[i]);
            let mut end = i + 1;
            while end < lines.len()
                && (OUR_LINES.is_match(bare(lines.text[end]))
                    || (quoted && is_quoted(lines.text[end]) && bare(lines.text[end]).is_empty())
                    || (!quoted && is_blank(lines.text[end])))
            {
                end += 1;
            }
            lines.cut(i..end, Rule::OurNotification);
            i = end;
            continue;
        }
        let link = OUR_LINK.is_match(line);
        if OUR_LINES.is_match(line) || OUR_TITLE.is_match(line) || OUR_AUTHOR.is_match(line) || link
        {
            lines.cut(i..i + 1, Rule::OurNotification);
        }
        i += 1;
    }
}

/// The end of the `>` block starting at (or just after blank lines at) `start`.
fn quote_block_end(lines: &Lines, start: usize) -> usize {
    let mut end = start;
    while end < lines.len()
        && (is_quoted(lines.text[end])
            || is_blank(lines.text[end])
            || lines.hidden[end]
            || continues_quote(lines, end))
    {
        end += 1;
    }
    end
}

/// Most quotes answered one after the other that a text is read for.
const MAX_BOTTOM_POSTS: usize = 64;
/// Shortest quoted line a mail program wraps.
const WRAPPED: usize = 60;

/// Whether line `i` is a quoted line's end that lost its `>` in wrapping: right under
/// a long quoted line that stops mid-sentence, it starts in lower case (or is the link
/// a quoted "Ouvrir le dossier :" announced). A short quoted line ("> - Votre avis
/// d'imposition") is a question its answer ("ci-joint") may follow.
fn continues_quote(lines: &Lines, i: usize) -> bool {
    let line = lines.text[i];
    if i == 0 || is_quoted(line) || !is_quoted(lines.text[i - 1]) {
        return false;
    }
    let above = lines.text[i - 1].trim_end();
    let lower = line
        .trim_start()
        .chars()
        .next()
        .is_some_and(char::is_lowercase);
    (lower
        && above.chars().count() >= WRAPPED
        && !above.ends_with(['.', '!', '?', ':', ';', ')', '>']))
        || (above.ends_with(':') && LINK_LINE.is_match(line))
}

/// Whether line `i` is text of the sender's (kept, not blank, not quoted).
fn sender_line(lines: &Lines, i: usize) -> bool {
    lines.kept(i) && !is_blank(lines.text[i]) && !is_quoted(lines.text[i])
}

/// Whether lines `from..to` hold text of the sender's.
fn has_text(lines: &Lines, from: usize, to: usize) -> bool {
    (from..to).any(|i| sender_line(lines, i))
}

/// Whether lines `from..to` hold more of the sender's than the "Envoyé de mon iPhone"
/// a phone writes above a bottom-posted answer, or than the one greeting a reply
/// template writes there (The Bat!'s "Здравствуйте, Yves.").
fn has_words(lines: &Lines, from: usize, to: usize) -> bool {
    let mut said =
        (from..to).filter(|&i| sender_line(lines, i) && !signature::footer(lines.text[i]));
    match (said.next(), said.next()) {
        (None, _) => false,
        (Some(one), None) => !GREETING.is_match(lines.text[one]),
        (Some(_), Some(_)) => true,
    }
}

/// Whether `>` blocks alternate with the sender's text after `start`: at least two
/// blocks, and at least `answers` of them followed by an answer.
fn interleaved(lines: &Lines, start: usize, answers: usize) -> bool {
    let mut blocks = 0;
    let mut answered = 0;
    let mut in_quote = false;
    for i in start..lines.len() {
        let line = lines.text[i];
        if lines.hidden[i] || is_blank(line) {
            continue;
        }
        if is_quoted(line) || (in_quote && continues_quote(lines, i)) {
            if !in_quote {
                blocks += 1;
                in_quote = true;
            }
        } else if lines.kept(i) {
            if in_quote {
                answered += 1;
            }
            in_quote = false;
        }
    }
    blocks >= 2 && answered >= answers
}

/// Around answers, the quoted lines after the last answer are history.
fn cut_after_last_answer(lines: &mut Lines, start: usize) {
    // The sender's signature under the answers is not an answer: the quoted
    // lines above it go, the signature is left to its own rule.
    let n = lines.len();
    let end = (start..n)
        .rev()
        .find(|&i| lines.kept(i) && signature::delimits(lines, i))
        .unwrap_or(n);
    let last_answer = (start..end).rev().find(|&i| sender_line(lines, i));
    if let Some(last) = last_answer {
        let rest = (last + 1..end).any(|i| is_quoted(lines.text[i]));
        if rest {
            lines.cut(last + 1..end, Rule::QuotedLines);
        }
    }
}

/// With no header, a `>` block that runs to the end of the text is history, and so
/// are the quoted lines after the last answer written between quotes. A message that
/// is nothing but a quote is kept: cutting it all would lose what was sent.
fn cut_trailing_quote(lines: &mut Lines) {
    let first_quote = (0..lines.len()).find(|&i| is_quoted(lines.text[i]));
    let above = first_quote.is_some_and(|f| has_text(lines, 0, f));
    if interleaved(lines, 0, if above { 2 } else { 1 }) {
        cut_ours(lines, 0);
        cut_after_last_answer(lines, 0);
        return;
    }
    let mut start = lines.len();
    for i in (0..lines.len()).rev() {
        if is_quoted(lines.text[i]) || is_blank(lines.text[i]) || !lines.kept(i) {
            start = i;
        } else {
            break;
        }
    }
    let n = lines.len();
    if start < n && (start..n).any(|i| is_quoted(lines.text[i])) && has_text(lines, 0, start) {
        lines.cut(start..n, Rule::QuotedLines);
    }
}
