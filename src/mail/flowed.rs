//! `format=flowed` text (RFC 3676), as Thunderbird and others send it: a line that ends
//! with a space goes on in the next line of the same quote depth. Joined here so that
//! a paragraph is one line again, and quoted lines keep one `> ` prefix per depth.

/// The text of a `format=flowed` part with its soft line breaks joined; `delsp` when
/// the part says `delsp=yes` (the space before a soft break is not part of the text).
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    // The paragraph being joined: its depth and text, while its lines are flowed.
    let mut open: Option<(usize, String)> = None;
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let depth = line.chars().take_while(|c| *c == '>').count();
        let mut content = &line[depth..];
        // Space-stuffing: one space the sender added before text that starts with a
        // space, a `>` or "From ".
        content = content.strip_prefix(' ').unwrap_or(content);
        // The signature delimiter is never flowed.
        let flowed = content.ends_with(' ') && content != "-- ";
        let piece = if flowed && delsp {
            &content[..content.len() - 1]
        } else {
            content
        };
        match open.take() {
            Some((d, mut joined)) if d == depth => {
                joined.push_str(piece);
                if flowed {
                    open = Some((d, joined));
                } else {
                    out.push(prefixed(d, &joined));
                }
            }
            other => {
                if let Some((d, joined)) = other {
                    out.push(prefixed(d, &joined));
                }
                if flowed {
                    open = Some((depth, piece.to_string()));
                } else {
                    out.push(prefixed(depth, piece));
                }
            }
        }
    }
    if let Some((d, joined)) = open {
        out.push(prefixed(d, &joined));
    }
    out.join("\n")
}

fn prefixed(depth: usize, text: &str) -> String {
    if depth == 0 && text == "-- " {
        return text.to_string();
    }
    if depth == 0 {
        return text.trim_end().to_string();
    }
    format!("{} {}", ">".repeat(depth), text.trim_end())
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::unflow;

    #[test]
    fn soft_breaks_are_joined_and_quotes_keep_their_depth() {
        let text = "Bonjour,\r\n\r\nLe carreleur passe jeudi \r\nvers 9 h.\r\n\r\nLe 3 nov. 2025, Claire a écrit :\r\n> Pouvez-vous \r\n> confirmer ?\r\n>> Plus ancien\r\n-- \r\nHélène";
        assert_eq!(
            unflow(text, false),
            "Bonjour,\n\nLe carreleur passe jeudi vers 9 h.\n\nLe 3 nov. 2025, Claire a écrit :\n> Pouvez-vous confirmer ?\n>> Plus ancien\n-- \nHélène"
        );
    }

    #[test]
    fn delsp_drops_the_space_of_the_soft_break_and_stuffing_is_undone() {
        assert_eq!(
            unflow("Verl\u{e4}nge \nrung\n  indented", true),
            "Verl\u{e4}ngerung\n indented"
        );
    }
}
