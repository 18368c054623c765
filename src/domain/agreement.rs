//! Whether a client's words agree to a quote ("bon pour accord", "j'accepte", "devis
//! accepté", "OK pour le devis", and their English equivalents). It only ever leads to
//! an offer staff confirm: a quote is never accepted on these words alone.

/// The phrases, lower-case, with straight apostrophes and single spaces.
const PHRASES: &[&str] = &[
    "bon pour accord",
    "j'accepte",
    "nous acceptons",
    "devis accepté",
    "devis accepte",
    "devis validé",
    "ok pour le devis",
    "d'accord pour le devis",
    "accord pour le devis",
    "je valide le devis",
    "nous validons le devis",
    "i accept",
    "we accept",
    "quote accepted",
    "quote approved",
    "ok for the quote",
    "okay for the quote",
    "i approve the quote",
    "we approve the quote",
];

/// Whether `text` says one of the phrases of agreement.
pub fn says_agreement(text: &str) -> bool {
    let words: String = text
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    PHRASES.iter().any(|phrase| {
        words.match_indices(phrase).any(|(at, _)| {
            // A whole phrase, not the end of a longer word ("qu'ok pour…" is fine).
            let before = words[..at].chars().next_back();
            before.is_none_or(|c| !c.is_alphanumeric())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::says_agreement;

    #[test]
    fn the_words_clients_write_to_agree_are_heard_and_refusals_are_not() {
        for yes in [
            "Bon pour accord.",
            "Bonjour,\nbon  pour\naccord, vous pouvez commencer lundi.",
            "J’accepte votre proposition.",
            "Devis accepté, merci !",
            "OK pour le devis",
            "Hi, I accept the quote.",
            "Quote accepted — see you Monday",
        ] {
            assert!(says_agreement(yes), "{yes}");
        }
        for no in [
            "Je n'accepte pas ce devis.",
            "I do not accept this.",
            "Pouvez-vous revoir le devis ?",
        ] {
            assert!(!says_agreement(no), "{no}");
        }
    }
}
