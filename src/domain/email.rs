//! `EmailAddress`: parsed once where text enters, compared case-insensitively.
//! The whole address is kept lower-case: SPEC §2 compares addresses without case,
//! so two spellings of one address must never become two users.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A syntactically valid e-mail address, normalised to lower case.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

/// Why a text is not an e-mail address, in French and in English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{input}» is not a valid e-mail address: {}", why.1)]
pub struct BadAddress {
    input: String,
    why: (&'static str, &'static str),
}

impl BadAddress {
    /// The sentence for the person who typed it, about the form field `email`.
    pub fn refusal(&self) -> crate::error::Refusal {
        crate::error::Refusal::new(
            format!(
                "« {} » n'est pas une adresse e-mail valable : {}.",
                self.input, self.why.0
            ),
            self.to_string(),
        )
        .on("email")
    }
}

impl EmailAddress {
    /// Parses `text` (surrounding spaces and angle brackets allowed).
    pub fn parse(text: &str) -> Result<Self, BadAddress> {
        let bad = |why| BadAddress {
            input: text.chars().take(200).collect(),
            why,
        };
        let trimmed = text.trim();
        let trimmed = trimmed
            .strip_prefix('<')
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(trimmed);
        if trimmed.len() > 254 {
            return Err(bad((
                "elle dépasse 254 caractères",
                "it is longer than 254 characters",
            )));
        }
        let (local, domain) = trimmed
            .rsplit_once('@')
            .ok_or_else(|| bad(("il manque le @", "it has no @")))?;
        if local.is_empty() || local.len() > 64 {
            return Err(bad((
                "la partie avant le @ doit compter de 1 à 64 caractères",
                "the part before @ must have 1 to 64 characters",
            )));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(bad((
                "un point est mal placé avant le @",
                "the part before @ has a misplaced dot",
            )));
        }
        // RFC 5322 dot-atom; quoted local parts are not accepted (no one uses them for real).
        let local_ok = local.chars().all(|c| {
            c.is_alphanumeric()
                || "!#$%&'*+-/=?^_`{|}~.".contains(c)
                || (!c.is_ascii() && !c.is_control())
        });
        if !local_ok {
            return Err(bad((
                "la partie avant le @ contient un caractère interdit",
                "the part before @ has a character that is not allowed",
            )));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return Err(bad((
                "le domaine doit contenir au moins un point",
                "the domain needs at least one dot",
            )));
        }
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if !labels.iter().all(label_ok) {
            return Err(bad((
                "le domaine n'est pas valable",
                "the domain is not valid",
            )));
        }
        Ok(EmailAddress(trimmed.to_lowercase()))
    }

    /// The address as text, lower case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the last `@`.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or(&self.0)
    }

    /// The part after the last `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.0)
    }
}
impl Serialize for EmailAddress {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}
impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        EmailAddress::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_compare_without_case() {
        let a = EmailAddress::parse("Marie.Durand@Example.FR").unwrap();
        let b = EmailAddress::parse(" <marie.durand@example.fr> ").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "marie.durand@example.fr");
        assert_eq!(a.local_part(), "marie.durand");
        assert_eq!(a.domain(), "example.fr");
    }

    #[test]
    fn malformed_addresses_are_refused_with_a_reason() {
        for (text, why) in [
            ("", "no @"),
            ("marie", "no @"),
            ("@example.fr", "before @"),
            ("marie@", "domain"),
            ("marie@localhost", "dot"),
            ("ma rie@example.fr", "not allowed"),
            ("marie@exa mple.fr", "domain"),
            ("marie..d@example.fr", "dot"),
            ("marie@-example.fr", "domain"),
            ("marie\r\n@example.fr", "not allowed"),
        ] {
            let err = EmailAddress::parse(text).expect_err(text);
            assert!(err.to_string().contains(why), "{text:?}: {err}");
        }
    }
}
