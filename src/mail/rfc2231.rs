//! File names split in pieces. Over RFC 2231 continuations (`filename*0*=iso-8859-1''…;
//! filename*1*=…`): mail-parser 0.11 joins them but decodes every part after the first
//! as UTF-8, so a Latin-1 name loses its accents after the first part. Here the parts
//! are joined as bytes first, then decoded once with the charset the first part names,
//! through mail-parser's own decoders. Over several RFC 2047 words (Gmail folds a long
//! name so): mail-parser keeps the spaces between the words, which RFC 2047 drops.

use std::sync::LazyLock;

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{MessageParser, MimeHeaders};
use regex::bytes::Regex;

/// A part header longer than this is not searched (a name is never that long).
const MAX_HEADER: usize = 64 * 1024;
/// At most so many pieces, and so many bytes of name.
const MAX_PIECES: usize = 64;
const MAX_NAME: usize = 4096;

/// The name in `param` (`filename`, `name`) of a raw MIME header block, when it is
/// given in numbered continuations 0, 1, 2… without a gap; `None` otherwise (and for
/// a header too large, or a name in RFC 2047 words, which mail-parser decodes itself).
pub fn continued(header: &[u8], param: &str) -> Option<String> {
    if header.len() > MAX_HEADER {
        return None;
    }
    let text = String::from_utf8_lossy(header);
    // Unfolded: continuation lines join their field.
    let unfolded = text
        .replace("\r\n", "\n")
        .replace("\n ", " ")
        .replace("\n\t", " ");
    let mut parts: std::collections::BTreeMap<u32, (bool, String)> = Default::default();
    for field in unfolded.lines() {
        let starts = |prefix: &str| {
            field
                .get(..prefix.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
        };
        if !(starts("content-disposition:") || starts("content-type:")) {
            continue;
        }
        for piece in field.split(';').skip(1) {
            let Some((name, value)) = piece.trim().split_once('=') else {
                continue;
            };
            let name = name.trim().to_ascii_lowercase();
            let Some(rest) = name.strip_prefix(param).and_then(|r| r.strip_prefix('*')) else {
                continue;
            };
            let (number, extended) = match rest.strip_suffix('*') {
                Some(number) => (number, true),
                None => (rest, false),
            };
            if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let Ok(number) = number.parse::<u32>() else {
                continue;
            };
            if parts.len() >= MAX_PIECES {
                return None;
            }
            let value = value.trim().trim_matches('"').to_string();
            parts.entry(number).or_insert((extended, value));
        }
        if !parts.is_empty() {
            break;
        }
    }
    // Numbered 0, 1, 2… with no gap, or it is not a continued name.
    if parts.len() < 2 || parts.keys().copied().ne(0..parts.len() as u32) {
        return None;
    }
    let mut charset = String::new();
    let mut bytes = Vec::new();
    for (number, (extended, value)) in &parts {
        let mut value = value.as_str();
        if *number == 0 && *extended {
            // charset'language'text
            let mut fields = value.splitn(3, '\'');
            charset = fields.next().unwrap_or("").to_string();
            let _language = fields.next();
            value = fields.next().unwrap_or("");
        }
        if *extended {
            bytes.extend(percent_encoding::percent_decode_str(value));
        } else {
            bytes.extend_from_slice(value.as_bytes());
        }
        if bytes.len() > MAX_NAME {
            return None;
        }
    }
    let decoded = match charset_decoder(charset.as_bytes()) {
        Some(decode) if !charset.eq_ignore_ascii_case("utf-8") => decode(&bytes),
        _ => String::from_utf8_lossy(&bytes).into_owned(),
    };
    (!decoded.trim().is_empty() && !decoded.contains("=?")).then_some(decoded)
}

/// The attachment's name in a raw MIME header block whose RFC 2047 words stand
/// side by side with spaces between them: the spaces dropped (RFC 2047 §6.2), then
/// the block read by mail-parser. `None` when no words stand so.
pub fn in_adjacent_words(header: &[u8]) -> Option<String> {
    static BETWEEN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\?=[ \t\r\n]+=\?").expect("valid pattern"));
    if header.len() > MAX_HEADER || !BETWEEN.is_match(header) {
        return None;
    }
    let mut joined = BETWEEN.replace_all(header, &b"?==?"[..]).into_owned();
    joined.extend_from_slice(b"\r\n\r\n");
    let message = MessageParser::new().parse_headers(&joined)?;
    message.root_part().attachment_name().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::{continued, in_adjacent_words};

    #[test]
    fn a_name_folded_over_two_words_keeps_its_own_spaces_only() {
        // "… Tilleuls " and "(extrait).pdf": one space, the first word's own.
        let header = b"Content-Type: application/pdf; name=\"=?UTF-8?B?UGxhbiBMZXMgVGlsbGV1bHMg?= =?UTF-8?B?KGV4dHJhaXQpLnBkZg==?=\"\r\nContent-Disposition: attachment; filename=\"=?UTF-8?B?UGxhbiBMZXMgVGlsbGV1bHMg?=\r\n =?UTF-8?B?KGV4dHJhaXQpLnBkZg==?=\"\r\n\r\n";
        assert_eq!(
            in_adjacent_words(header).as_deref(),
            Some("Plan Les Tilleuls (extrait).pdf")
        );
        let one = b"Content-Disposition: attachment; filename=\"=?UTF-8?B?UGxhbi5wZGY=?=\"\r\n";
        assert_eq!(in_adjacent_words(one), None, "one word: mail-parser's own");
    }

    #[test]
    fn latin1_continuations_keep_every_accent() {
        let header = b"Content-Type: application/pdf\r\nContent-Disposition: attachment;\r\n filename*0*=iso-8859-1''plan%20du%20rez-de-chauss%E9e%20;\r\n filename*1*=version%20d%E9finitive.pdf\r\n\r\n";
        assert_eq!(
            continued(header, "filename").as_deref(),
            Some("plan du rez-de-chaussée version définitive.pdf")
        );
    }

    #[test]
    fn plain_and_quoted_parts_join_in_their_order() {
        let header = b"Content-Disposition: attachment; filename*1=\"finale.pdf\";\r\n filename*0=\"plan \"\r\n";
        assert_eq!(
            continued(header, "filename").as_deref(),
            Some("plan finale.pdf")
        );
        assert_eq!(
            continued(
                b"Content-Disposition: attachment; filename=\"a.pdf\"\r\n",
                "filename"
            ),
            None
        );
    }

    #[test]
    fn gaps_floods_and_encoded_words_are_left_to_mail_parser() {
        let gap = b"Content-Disposition: attachment; filename*0=\"a\"; filename*2=\"b\"\r\n";
        assert_eq!(continued(gap, "filename"), None);
        let words = b"Content-Disposition: attachment; filename*0=\"=?UTF-8?B?w6k=\"; filename*1=\"?=.pdf\"\r\n";
        assert_eq!(continued(words, "filename"), None);
        // Too many pieces, or a header too large to hold a name: not read further.
        for pieces in [1_000, 100_000] {
            let mut flood = String::from("Content-Disposition: attachment");
            for n in 0..pieces {
                flood.push_str(&format!(";\r\n filename*{n}=x"));
            }
            assert_eq!(continued(flood.as_bytes(), "filename"), None, "{pieces}");
        }
    }
}
