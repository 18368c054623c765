//! Keeps the new text of a reply and cuts the rest: the quoted previous message (headers
//! such as "On … wrote:" / "Le … a écrit :", "-----Original Message-----", Outlook
//! "From: / Sent:" blocks, `>` quotes) and the signature ("-- ", "Envoyé de mon iPhone",
//! "Cordialement"-style sign-offs). What is cut is returned too, never thrown away.
//! Pure text in, text out: no knowledge of MIME or of the corpus.

use std::sync::LazyLock;

use regex::Regex;

/// The kept text and the cut part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trimmed {
    /// The new text.
    pub kept: String,
    /// Quoted history and signature.
    pub elided: String,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

/// "On Mon, … wrote:" in the languages our users and their contacts write in.
static WROTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*[>\s]*(on|le|am|el|il|op|em|w dniu|в|el día|den|på|dne)\b.{0,400}\b(wrote|a écrit|a ecrit|écrit|ecrit|schrieb|escribió|escribio|ha scritto|schreef|escreveu|napisał|napisal|написал|написала|пишет|skrev|napsal)(\s*:?\s*$|\b.{0,80}:\s*$)",
    )
});
/// The first word of "On …", "Le …", "Op …" headers.
static WROTE_LEAD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*(on|le|am|el|il|op|em|w dniu|в|den|på|dne)\s"));
/// "2015-01-03 10:00 GMT+01:00 Name <a@b>:" (Gmail in some locales) and "Name <a@b> wrote:".
static DATED_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}).{0,200}<[^>\s]+@[^>\s]+>\s*:?\s*$|^\s*.{0,200}<[^>\s]+@[^>\s]+>\s+(wrote|a écrit|schrieb)\s*:?\s*$",
    )
});
/// "-----Original Message-----" and its translations.
static ORIGINAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*[-_=]{2,}\s*(original message|message d'origine|message d’origine|mensaje original|ursprüngliche nachricht|oorspronkelijk bericht|messaggio originale|mensagem original|исходное сообщение|wiadomość oryginalna)\s*[-_=]{2,}\s*$",
    )
});
/// The From line of a header block ("From: …", "De : …", "**From:** …").
static HEADER_FROM: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*\**(from|de|von|van|od|от|da|från|fra)\s*\**\s*:\s*\**.+"));
/// The other lines of such a block.
static HEADER_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*\**(sent|envoyé|envoye|date|gesendet|datum|to|à|a|an|aan|para|cc|subject|objet|betreff|onderwerp|asunto|oggetto|assunto|temat|тема|отправлено|кому|wysłano|do|enviado|inviato|verzonden)\s*\**\s*:",
    )
});
/// A short paragraph ending with a colon that names an address or a time: the
/// "<date> <name> <address> wrote:" of every language we cannot list.
static GENERIC_HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^.{0,300}(@|\b\d{1,2}:\d{2}\b|\b(19|20)\d{2}\b).{0,300}:\s*$"));
/// The marker of a forwarded message: what follows it is the content, not history.
static FORWARD_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(-{2,}\s*(forwarded message|message transféré|message transfere|weitergeleitete nachricht|mensaje reenviado|doorgestuurd bericht)\s*-{2,}|begin forwarded message:|début du message réexpédié\s*:)\s*$",
    )
});
/// Tracking marks some webmail extensions append to every message.
const TRACKING_MARKS: [&str; 1] = ["\u{1427}"];
/// A separator line Outlook puts above its header block.
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*(_{8,}|-{8,})\s*$"));
/// "Please reply above this line" markers of notification systems.
static ABOVE_THIS_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(reply above this line|répondez au-dessus de cette ligne)"));
/// Mobile and webmail footers.
static DEVICE_FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(sent from my .{1,40}|sent from mail for windows.*|sent with .{1,40}|sent via .{1,40}|envoyé de mon .{1,40}|envoyé depuis .{1,60}|envoye de mon .{1,40}|get outlook for .{1,20}|obtenir outlook pour .{1,20}|von meinem .{1,40} gesendet)\s*$",
    )
});
/// Sign-offs that open a signature block.
static SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(cordialement|bien cordialement|très cordialement|bien à vous|bien a vous|sincères salutations|salutations distinguées|meilleures salutations|best regards|kind regards|warm regards|regards|best wishes|sincerely|yours sincerely|cheers)\s*[,.!]?\s*$",
    )
});

/// Cuts `text` into the new text and the rest. `forwarded` when the message is a
/// forward (its subject says so): then the embedded message is content, not history.
pub fn trim(text: &str, forwarded: bool) -> Trimmed {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalized.split('\n').collect();
    let mut keep: Vec<bool> = lines
        .iter()
        .map(|l| !TRACKING_MARKS.contains(&l.trim()))
        .collect();
    match lines.iter().position(|l| FORWARD_MARKER.is_match(l)) {
        Some(marker) => elide_forward_header(&lines, marker, &mut keep),
        None if forwarded => {}
        None => cut_quotes(&lines, &mut keep),
    }
    cut_signature(&lines, &mut keep);
    let pick = |wanted: bool| -> String {
        let chosen: Vec<&str> = lines
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k == wanted)
            .map(|(l, _)| *l)
            .collect();
        chosen.join("\n").trim_matches('\n').trim_end().to_string()
    };
    Trimmed {
        kept: pick(true),
        elided: pick(false),
    }
}

/// A forward marker and the header block under it are elided; the message stays.
fn elide_forward_header(lines: &[&str], marker: usize, keep: &mut [bool]) {
    keep[marker] = false;
    let mut i = marker + 1;
    while i < lines.len() && (HEADER_FROM.is_match(lines[i]) || HEADER_FIELD.is_match(lines[i])) {
        keep[i] = false;
        i += 1;
    }
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Whether a quote header starts at line `i`, and how many lines it spans (Gmail wraps
/// long "On … wrote:" lines).
fn quote_header_at(lines: &[&str], i: usize) -> Option<usize> {
    if ORIGINAL.is_match(lines[i]) || ABOVE_THIS_LINE.is_match(lines[i]) {
        return Some(1);
    }
    for span in 1..=3 {
        // A wrapped header is one paragraph: its lines are consecutive and not blank.
        if i + span > lines.len() || is_blank(lines[i + span - 1]) {
            break;
        }
        let joined = lines[i..i + span]
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ");
        if joined.len() > 500 {
            break;
        }
        if WROTE.is_match(&joined) || DATED_HEADER.is_match(&joined) {
            return Some(span);
        }
        // The shape alone is weak evidence: the paragraph must start with a date or a
        // weekday-like word and be followed by quoted lines.
        let starts_like_header = lines[i]
            .trim()
            .chars()
            .next()
            .is_some_and(|c| c.is_numeric() || c.is_lowercase())
            || WROTE_LEAD.is_match(lines[i]);
        if starts_like_header
            && GENERIC_HEADER.is_match(&joined)
            && followed_by_quote_or_end(lines, i + span)
        {
            return Some(span);
        }
    }
    if outlook_block_at(lines, i) {
        return Some(1);
    }
    None
}

/// Whether only blank lines separate `start` from a `>` line or the end.
fn followed_by_quote_or_end(lines: &[&str], start: usize) -> bool {
    lines[start..]
        .iter()
        .find(|l| !is_blank(l))
        .is_none_or(|l| is_quoted(l))
}

/// A block of header fields ("From:", "Sent:", "To:", "Subject:"…), at least three of
/// them with a From among them, as Outlook and webmails write above the quoted message.
fn outlook_block_at(lines: &[&str], i: usize) -> bool {
    let first = if SEPARATOR.is_match(lines[i]) {
        i + 1
    } else {
        i
    };
    let is_field = |l: &&str| HEADER_FROM.is_match(l) || HEADER_FIELD.is_match(l);
    if first >= lines.len() || !is_field(&lines[first]) {
        return false;
    }
    let block: Vec<&&str> = lines[first..]
        .iter()
        .take(8)
        .take_while(|l| !is_blank(l))
        .collect();
    let fields = block.iter().filter(|l| is_field(l)).count();
    fields >= 3 && block.iter().any(|l| HEADER_FROM.is_match(l))
}

fn cut_quotes(lines: &[&str], keep: &mut [bool]) {
    let mut i = 0;
    while i < lines.len() {
        let Some(span) = quote_header_at(lines, i) else {
            i += 1;
            continue;
        };
        let after = i + span;
        if !has_text(&lines[..i]) && !followed_by_quote_or_end(lines, after) {
            // A header with nothing above it introduces what follows (a message pasted
            // in, a reply written under a forwarded header): only the header goes.
            keep[i..after].iter_mut().for_each(|k| *k = false);
            i = after;
            continue;
        }
        if interleaved(lines, after) {
            // An answer written between the quoted lines: the quotes give it meaning,
            // so only the header goes.
            keep[i..after].iter_mut().for_each(|k| *k = false);
            return;
        }
        let end = quote_block_end(lines, after);
        if end < lines.len()
            && lines[after..end].iter().any(|l| is_quoted(l))
            && has_text(&lines[end..])
        {
            // Bottom-posting: the quote comes first, the answer after it.
            keep[i..end].iter_mut().for_each(|k| *k = false);
        } else {
            keep[i..].iter_mut().for_each(|k| *k = false);
        }
        return;
    }
    cut_trailing_quote(lines, keep);
}

/// The end of the `>` block starting at (or just after blank lines at) `start`.
fn quote_block_end(lines: &[&str], start: usize) -> usize {
    let mut end = start;
    while end < lines.len() && (is_quoted(lines[end]) || is_blank(lines[end])) {
        end += 1;
    }
    end
}

fn has_text(lines: &[&str]) -> bool {
    lines.iter().any(|l| !is_blank(l) && !is_quoted(l))
}

/// Two or more `>` blocks separated by unquoted text after `start`.
fn interleaved(lines: &[&str], start: usize) -> bool {
    let mut blocks = 0;
    let mut answers_between = 0;
    let mut in_quote = false;
    for line in &lines[start..] {
        if is_quoted(line) {
            if !in_quote {
                blocks += 1;
                in_quote = true;
            }
        } else if !is_blank(line) {
            if in_quote && blocks >= 1 {
                answers_between += 1;
            }
            in_quote = false;
        }
    }
    blocks >= 2 && answers_between >= 2
}

/// With no header, a `>` block that runs to the end of the text is history. A message
/// that is nothing but a quote is kept: cutting it all would lose what was sent.
fn cut_trailing_quote(lines: &[&str], keep: &mut [bool]) {
    let mut start = lines.len();
    for i in (0..lines.len()).rev() {
        if is_quoted(lines[i]) || is_blank(lines[i]) {
            start = i;
        } else {
            break;
        }
    }
    if start < lines.len()
        && lines[start..].iter().any(|l| is_quoted(l))
        && has_text(&lines[..start])
    {
        keep[start..].iter_mut().for_each(|k| *k = false);
    }
}

fn cut_signature(lines: &[&str], keep: &mut [bool]) {
    let kept: Vec<usize> = (0..lines.len()).filter(|&i| keep[i]).collect();
    // Suffix facts, computed once so that the scan stays linear on long messages:
    // how many non-blank lines follow, and whether only blanks and footers follow.
    let mut nonblank_after = vec![0usize; kept.len() + 1];
    let mut only_footers_after = vec![true; kept.len() + 1];
    for n in (0..kept.len()).rev() {
        let line = lines[kept[n]];
        nonblank_after[n] = nonblank_after[n + 1] + usize::from(!is_blank(line));
        only_footers_after[n] =
            only_footers_after[n + 1] && (is_blank(line) || DEVICE_FOOTER.is_match(line));
    }
    let mut text_before = false;
    for (n, &i) in kept.iter().enumerate() {
        let line = lines[i];
        let short_rest = nonblank_after[n + 1] <= 6;
        let delimiter = line.trim_end() == "--" || line == "-- " || line.trim() == "—";
        let footer = DEVICE_FOOTER.is_match(line) && only_footers_after[n + 1];
        let sign_off = SIGN_OFF.is_match(line) && text_before && short_rest;
        if delimiter || footer || sign_off {
            kept[n..].iter().for_each(|&j| keep[j] = false);
            return;
        }
        text_before |= !is_blank(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(text: &str) -> String {
        trim(text, false).kept
    }

    #[test]
    fn quote_headers_in_french_and_english_cut_the_history() {
        let cases = [
            "Bonjour,\n\nC'est d'accord.\n\nLe lun. 3 nov. 2025 à 14:30, Claire Moreau <claire@atelier.test> a écrit :\n> Pouvez-vous valider ?\n",
            "Bonjour,\n\nC'est d'accord.\n\nOn Mon, Nov 3, 2025 at 2:30 PM Claire Moreau <claire@atelier.test>\nwrote:\n> Can you confirm?\n",
            "Bonjour,\n\nC'est d'accord.\n\n-----Message d'origine-----\nDe : Claire\nEnvoyé : lundi\nÀ : Hélène\nObjet : Devis\n\nPouvez-vous valider ?",
            "Bonjour,\n\nC'est d'accord.\n\n________________________________\nDe : Claire Moreau <claire@atelier.test>\nEnvoyé : lundi 3 novembre 2025 14:30\nÀ : Hélène Garnier\nObjet : Devis\n\nPouvez-vous valider ?",
            "Bonjour,\n\nC'est d'accord.\n\nFrom: Claire Moreau\nSent: Monday, November 3, 2025 2:30 PM\nTo: Hélène Garnier\nSubject: Quote\n\nCan you confirm?",
            "Bonjour,\n\nC'est d'accord.\n\n> Pouvez-vous valider ?\n> Merci",
        ];
        for case in cases {
            let t = trim(case, false);
            assert_eq!(t.kept, "Bonjour,\n\nC'est d'accord.", "{case}");
            assert!(
                t.elided.contains("valider") || t.elided.contains("confirm"),
                "{case}"
            );
        }
    }

    #[test]
    fn signatures_and_device_footers_are_cut() {
        assert_eq!(
            kept("C'est noté.\n\n-- \nClaire Moreau\n06 12 34 56 78"),
            "C'est noté."
        );
        assert_eq!(kept("C'est noté.\n\nEnvoyé de mon iPhone"), "C'est noté.");
        assert_eq!(kept("Ok for me.\n\nSent from my iPhone"), "Ok for me.");
        assert_eq!(
            kept("C'est noté.\n\nCordialement,\nHélène Garnier\nSCI Les Tilleuls"),
            "C'est noté."
        );
        assert_eq!(
            kept("Cordialement"),
            "Cordialement",
            "a sign-off alone is the message"
        );
    }

    #[test]
    fn bottom_posted_and_inline_replies_keep_the_answer() {
        let bottom = "On Mon, Nov 3, 2025, Claire wrote:\n> Can you confirm?\n\nYes, confirmed.";
        assert_eq!(kept(bottom), "Yes, confirmed.");
        let inline = "On Mon, Claire wrote:\n> First question?\nFirst answer.\n> Second question?\nSecond answer.";
        assert_eq!(
            kept(inline),
            "> First question?\nFirst answer.\n> Second question?\nSecond answer."
        );
    }

    #[test]
    fn a_forward_keeps_the_forwarded_message() {
        let text = "Pour info.\n\n---------- Forwarded message ----------\nFrom: Fournisseur <f@x.test>\nDate: lun. 3 nov.\nSubject: Livraison\nTo: Claire <c@a.test>\n\nLivraison jeudi.";
        assert_eq!(kept(text), "Pour info.\n\n\nLivraison jeudi.");
        let outlook = "Voir ci-dessous.\n\nFrom: Fournisseur\nSent: Monday\nTo: Claire\nSubject: Livraison\n\nLivraison jeudi.";
        assert_eq!(
            trim(outlook, true).kept,
            outlook,
            "a forward without marker keeps its block"
        );
    }

    #[test]
    fn unknown_languages_are_cut_by_the_shape_of_their_header() {
        let text = "Yes.\n\n20 окт. 2016 г. 19:37 пользователь \"Rafael\" <\nmeta@example.test> написал:\n\n> Question?";
        assert_eq!(kept(text), "Yes.");
    }

    #[test]
    fn text_without_history_is_kept_whole() {
        let text = "Bonjour,\n\nVoici le plan.\nÀ bientôt";
        assert_eq!(
            trim(text, false),
            Trimmed {
                kept: text.into(),
                elided: String::new()
            }
        );
    }
}
