//! Forwards: the marker ("---------- Forwarded message ---------", "Début du message
//! transféré :") and the header block under it are cut, the forwarded message is the
//! content and keeps its own signature.

use super::patterns::{ORIGINAL, SEPARATOR};
use super::quotes::{header_block_at, is_field};
use super::{Lines, Rule, is_blank, is_quoted};

/// A forward marker and the header block under it are cut; the message stays, and
/// its own signature is content (the sender's is looked for above the first marker).
pub(super) fn elide_forward_header(lines: &mut Lines, marker: usize) {
    lines.signature_until = lines.signature_until.min(marker);
    // Apple Mail quotes what it forwards, the marker too on a Mac, under it on an
    // iPhone: the forwarded message is content.
    let first = match is_quoted(lines.text[marker]) {
        true => Some(marker),
        false => (marker + 1..lines.len())
            .find(|&i| !is_blank(lines.text[i]))
            .filter(|&i| is_quoted(lines.text[i])),
    };
    if let Some(first) = first {
        for i in first..lines.len() {
            let Some(inner) = lines.text[i].trim_start().strip_prefix('>') else {
                break;
            };
            lines.text[i] = inner.strip_prefix(' ').unwrap_or(inner);
        }
    }
    lines.cut(marker..marker + 1, Rule::ForwardHeader);
    let mut i = marker + 1;
    // Blank lines between the marker and its fields go with them.
    while i < lines.len()
        && is_blank(lines.text[i])
        && lines.text[i + 1..]
            .first()
            .is_some_and(|l| is_field(l) || is_blank(l))
    {
        lines.cut(i..i + 1, Rule::ForwardHeader);
        i += 1;
    }
    // A field's value may go on over the next line, up to the next field.
    let text = lines.text.clone();
    let continued = |i: usize| !is_blank(text[i]) && text.get(i + 1).is_some_and(|l| is_field(l));
    while i < text.len() && (is_field(text[i]) || (i > marker + 1 && continued(i))) {
        lines.cut(i..i + 1, Rule::ForwardHeader);
        i += 1;
    }
}

/// A forward without marker (its subject says it is one): the first header block or
/// "Original Message" separator is the forward's header.
/// Only lines above `until` are looked at (a forward of a forward: the outer header
/// block without marker, above the inner marker).
pub(super) fn elide_forwarded_block(lines: &mut Lines, until: usize) {
    let found = (0..until).find_map(|i| {
        if ORIGINAL.is_match(lines.text[i]) {
            return Some((i, 1 + header_block_at(lines, i + 1).unwrap_or(0)));
        }
        header_block_at(lines, i).map(|block| (i, block))
    });
    if let Some((start, span)) = found {
        lines.signature_until = start;
        lines.cut(start..start + span, Rule::ForwardHeader);
    }
}

/// In a forward, the header blocks under a separator below its first marker are those
/// of the messages it forwards in turn (Outlook forwards without a marker): cut, the
/// messages kept. At most so many are looked for.
pub(super) fn elide_nested_blocks(lines: &mut Lines, below: usize) {
    let mut i = below + 1;
    let mut found = 0;
    while i < lines.len() && found < MAX_NESTED {
        if SEPARATOR.is_match(lines.text[i])
            && let Some(span) = header_block_at(lines, i)
        {
            lines.cut(i..i + span, Rule::ForwardHeader);
            found += 1;
            i += span;
        } else {
            i += 1;
        }
    }
}

/// Most header blocks of nested forwards cut.
const MAX_NESTED: usize = 16;
