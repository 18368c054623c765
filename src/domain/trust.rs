//! Who really sent a message: the verdict of the sender checks (DKIM, SPF, DMARC, ARC),
//! decided once per message and recorded with it, the rule that says when its From is
//! authenticated, and how a posted message was trusted (the badge staff and actors see).

use serde::{Deserialize, Serialize};

use super::{Lang, UserId};

/// One mechanism's result, with RFC 8601's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthResult {
    /// Verified.
    Pass,
    /// Checked and wrong.
    Fail,
    /// SPF `~all`: probably not authorised.
    SoftFail,
    /// SPF `?all`: the domain says nothing.
    Neutral,
    /// Nothing to check (no signature, no record).
    None,
    /// The check could not finish (DNS).
    TempError,
    /// The record or signature is broken.
    PermError,
    /// Not checked on this road (SPF behind an MTA, ARC absent).
    NotChecked,
}

impl AuthResult {
    /// Reads an RFC 8601 result word.
    pub fn parse(word: &str) -> AuthResult {
        match word.trim().to_ascii_lowercase().as_str() {
            "pass" => AuthResult::Pass,
            "fail" | "hardfail" => AuthResult::Fail,
            "softfail" => AuthResult::SoftFail,
            "neutral" | "policy" => AuthResult::Neutral,
            "none" => AuthResult::None,
            "temperror" => AuthResult::TempError,
            "permerror" => AuthResult::PermError,
            _ => AuthResult::NotChecked,
        }
    }

    fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (AuthResult::Pass, _) => "pass",
            (AuthResult::Fail, _) => "fail",
            (AuthResult::SoftFail, _) => "softfail",
            (AuthResult::Neutral, _) => "neutral",
            (AuthResult::None, Lang::Fr) => "absent",
            (AuthResult::None, Lang::En) => "none",
            (AuthResult::TempError, Lang::Fr) => "erreur DNS temporaire",
            (AuthResult::TempError, Lang::En) => "temporary DNS error",
            (AuthResult::PermError, Lang::Fr) => "enregistrement invalide",
            (AuthResult::PermError, Lang::En) => "broken record",
            (AuthResult::NotChecked, Lang::Fr) => "non vérifié",
            (AuthResult::NotChecked, Lang::En) => "not checked",
        }
    }
}

/// Who ran the checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "name")]
pub enum CheckedBy {
    /// Dossier itself (as the MX, or DKIM alone behind an MTA).
    Dossier,
    /// The trusted `Authentication-Results` of this authserv-id.
    Header(String),
}

/// The sender checks of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderCheck {
    /// Who checked.
    pub checked_by: CheckedBy,
    /// The domain of the From address, lower case.
    pub from_domain: Option<String>,
    /// DKIM: the best result among the signatures.
    pub dkim: AuthResult,
    /// The `d=` of the signature that passed.
    pub dkim_domain: Option<String>,
    /// SPF of the envelope sender (or the HELO name for the null sender).
    pub spf: AuthResult,
    /// The domain SPF checked.
    pub spf_domain: Option<String>,
    /// DMARC of the From domain; `None` when the domain publishes no policy.
    pub dmarc: AuthResult,
    /// ARC, when the message carries a chain.
    pub arc: AuthResult,
    /// The newest ARC sealer, when it is one the operator trusts and it saw DMARC pass.
    pub arc_trusted: Option<String>,
}

/// Whether `signer` may speak for `from` (DMARC relaxed alignment, read as "the same
/// domain or one inside the other": `mail.example.fr` signs for `example.fr`).
fn aligned(signer: Option<&str>, from: Option<&str>) -> bool {
    let (Some(signer), Some(from)) = (signer, from) else {
        return false;
    };
    let (signer, from) = (signer.to_ascii_lowercase(), from.to_ascii_lowercase());
    signer == from || from.ends_with(&format!(".{signer}")) || signer.ends_with(&format!(".{from}"))
}

impl SenderCheck {
    /// A check that found nothing to verify.
    pub fn nothing(checked_by: CheckedBy, from_domain: Option<String>) -> SenderCheck {
        SenderCheck {
            checked_by,
            from_domain,
            dkim: AuthResult::None,
            dkim_domain: None,
            spf: AuthResult::NotChecked,
            spf_domain: None,
            dmarc: AuthResult::NotChecked,
            arc: AuthResult::NotChecked,
            arc_trusted: None,
        }
    }

    /// SPEC §4's rule: the From is authenticated by a DMARC pass, or by an aligned DKIM
    /// or SPF pass where the domain publishes no DMARC policy, or by a trusted ARC sealer
    /// that saw DMARC pass before a forwarder broke it.
    pub fn from_authenticated(&self) -> bool {
        let from = self.from_domain.as_deref();
        let by_domain = match self.dmarc {
            AuthResult::Pass => true,
            AuthResult::None | AuthResult::NotChecked => {
                (self.dkim == AuthResult::Pass && aligned(self.dkim_domain.as_deref(), from))
                    || (self.spf == AuthResult::Pass && aligned(self.spf_domain.as_deref(), from))
            }
            _ => false,
        };
        by_domain || (self.arc == AuthResult::Pass && self.arc_trusted.is_some())
    }

    /// DMARC says the From is forged: held on every address, reply addresses too.
    pub fn dmarc_failed(&self) -> bool {
        self.dmarc == AuthResult::Fail && !self.from_authenticated()
    }

    /// The domain a posted message is shown as verified for.
    pub fn verified_domain(&self) -> Option<String> {
        self.from_authenticated()
            .then(|| self.from_domain.clone())
            .flatten()
    }

    /// The verdict in words, for the held list: "expéditeur non vérifié : DKIM absent,
    /// SPF softfail, DMARC fail".
    pub fn words(&self, lang: Lang) -> String {
        let timed_out = [self.dkim, self.spf, self.dmarc]
            .iter()
            .all(|r| *r == AuthResult::TempError);
        if timed_out {
            return match lang {
                Lang::Fr => {
                    "expéditeur non vérifié : le DNS n'a pas répondu à temps (DKIM, SPF, DMARC)"
                }
                Lang::En => "sender not verified: DNS did not answer in time (DKIM, SPF, DMARC)",
            }
            .into();
        }
        let mut parts = vec![
            format!("DKIM {}", self.dkim.word(lang)),
            format!("SPF {}", self.spf.word(lang)),
        ];
        if self.dmarc != AuthResult::NotChecked {
            let dmarc = match (self.dmarc, lang) {
                (AuthResult::None, Lang::Fr) => "pas de politique".to_string(),
                (AuthResult::None, Lang::En) => "no policy".to_string(),
                (result, _) => result.word(lang).to_string(),
            };
            parts.push(format!("DMARC {dmarc}"));
        }
        if self.arc != AuthResult::NotChecked {
            parts.push(format!("ARC {}", self.arc.word(lang)));
        }
        let head = match (self.from_authenticated(), lang) {
            (true, Lang::Fr) => "expéditeur vérifié",
            (true, Lang::En) => "sender verified",
            (false, Lang::Fr) => "expéditeur non vérifié",
            (false, Lang::En) => "sender not verified",
        };
        let by = match (&self.checked_by, lang) {
            (CheckedBy::Dossier, _) => String::new(),
            (CheckedBy::Header(id), Lang::Fr) => format!(" (selon {id})"),
            (CheckedBy::Header(id), Lang::En) => format!(" (according to {id})"),
        };
        let colon = if lang == Lang::Fr { " : " } else { ": " };
        format!("{head}{colon}{}{by}", parts.join(", "))
    }
}

/// How a posted e-mail message was trusted, shown as a badge on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Trust {
    /// The From's domain was authenticated (DMARC, or aligned DKIM/SPF).
    Domain {
        /// The verified domain.
        domain: String,
    },
    /// It came to the author's own secret reply address, from the author's address.
    ReplyAddress,
    /// Held, then approved by a staff member.
    ApprovedBy {
        /// Who approved.
        user: UserId,
        /// Their name then.
        name: String,
    },
    /// Posted without authentication because the operator turned the check off.
    Unverified,
}

impl Trust {
    /// The badge's words.
    pub fn label(&self, lang: Lang) -> String {
        match (self, lang) {
            (Trust::Domain { domain }, Lang::Fr) => format!("domaine vérifié ({domain})"),
            (Trust::Domain { domain }, Lang::En) => format!("verified domain ({domain})"),
            (Trust::ReplyAddress, Lang::Fr) => "adresse de réponse personnelle".into(),
            (Trust::ReplyAddress, Lang::En) => "personal reply address".into(),
            (Trust::ApprovedBy { name, .. }, Lang::Fr) => format!("approuvé par {name}"),
            (Trust::ApprovedBy { name, .. }, Lang::En) => format!("approved by {name}"),
            (Trust::Unverified, Lang::Fr) => "expéditeur non vérifié".into(),
            (Trust::Unverified, Lang::En) => "sender not verified".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(dkim: AuthResult, dkim_d: &str, spf: AuthResult, dmarc: AuthResult) -> SenderCheck {
        SenderCheck {
            checked_by: CheckedBy::Dossier,
            from_domain: Some("client.test".into()),
            dkim,
            dkim_domain: Some(dkim_d.into()),
            spf,
            spf_domain: Some("bulk.test".into()),
            dmarc,
            arc: AuthResult::NotChecked,
            arc_trusted: None,
        }
    }

    #[test]
    fn the_from_is_authenticated_by_dmarc_or_by_alignment_without_a_policy() {
        use AuthResult::*;
        let cases = [
            (check(Pass, "client.test", None, Pass), true, "DMARC pass"),
            (
                check(Pass, "client.test", None, None),
                true,
                "aligned DKIM, no policy",
            ),
            (
                check(Pass, "mail.client.test", None, None),
                true,
                "DKIM of a subdomain",
            ),
            (
                check(Pass, "other.test", Pass, None),
                false,
                "unaligned DKIM and SPF",
            ),
            (
                check(Pass, "client.test", None, Fail),
                false,
                "DMARC fail wins",
            ),
            (check(None, "", SoftFail, None), false, "nothing verified"),
            (
                check(Fail, "client.test", None, NotChecked),
                false,
                "a broken signature",
            ),
        ];
        for (check, expected, why) in cases {
            assert_eq!(check.from_authenticated(), expected, "{why}");
        }
    }

    #[test]
    fn the_verdict_reads_as_a_sentence_in_the_readers_language() {
        let c = check(AuthResult::None, "", AuthResult::SoftFail, AuthResult::None);
        assert_eq!(
            c.words(Lang::Fr),
            "expéditeur non vérifié : DKIM absent, SPF softfail, DMARC pas de politique"
        );
        assert_eq!(
            c.words(Lang::En),
            "sender not verified: DKIM none, SPF softfail, DMARC no policy"
        );
    }
}
