//! Reading `Authentication-Results` (RFC 8601) as an MTA in front of us wrote it: the
//! authserv-id, then `method=result` with its properties (`header.d`, `smtp.mailfrom`,
//! `header.from`). Comments are dropped; anything unknown is ignored, never guessed.

use crate::domain::{AuthResult, CheckedBy, SenderCheck};

/// One `method=result` of a header.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ResInfo {
    method: String,
    result: AuthResult,
    props: Vec<(String, String)>,
}

impl ResInfo {
    fn prop(&self, names: &[&str]) -> Option<String> {
        self.props
            .iter()
            .find(|(name, _)| names.contains(&name.as_str()))
            .map(|(_, value)| domain_of(value))
    }
}

/// `user@domain` or `@domain` or `domain` → `domain`, lower case.
fn domain_of(value: &str) -> String {
    let value = value.trim().trim_matches('"');
    value
        .rsplit_once('@')
        .map_or(value, |(_, domain)| domain)
        .to_ascii_lowercase()
}

/// Removes RFC 5322 comments, `(…)`, nested or not, outside quoted strings.
fn strip_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in value.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The authserv-id of a header value, lower case.
pub fn authserv_id(value: &str) -> String {
    strip_comments(value)
        .split(';')
        .next()
        .and_then(|head| head.split_whitespace().next())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn parse(value: &str) -> Vec<ResInfo> {
    let text = strip_comments(value);
    let mut infos = Vec::new();
    for piece in text.split(';').skip(1) {
        let mut words = piece.split_whitespace();
        let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else {
            continue;
        };
        // `dkim/1=pass`: a method version.
        let method = method.split('/').next().unwrap_or("").to_ascii_lowercase();
        let props = words
            .filter_map(|w| w.split_once('='))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_string()))
            .collect();
        infos.push(ResInfo {
            method,
            result: AuthResult::parse(result),
            props,
        });
    }
    infos
}

/// The `Authentication-Results` values of a raw message, topmost first.
pub fn header_values(raw: &[u8]) -> Vec<String> {
    mail_parser::MessageParser::default()
        .parse_headers(raw)
        .map(|message| {
            message
                .headers_raw()
                .filter(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
                .map(|(_, value)| value.to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The topmost header among `values` (in header order, topmost first) whose
/// authserv-id is one of `trusted`, read as a sender check; any other is ignored.
pub fn trusted(values: &[String], trusted: &[String]) -> Option<SenderCheck> {
    let (id, value) = values.iter().find_map(|value| {
        let id = authserv_id(value);
        trusted
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&id))
            .then_some((id, value))
    })?;
    Some(check_from(CheckedBy::Header(id), value))
}

/// A sender check from one header value (also an ARC-Authentication-Results one).
pub fn check_from(checked_by: CheckedBy, value: &str) -> SenderCheck {
    let infos = parse(value);
    let mut check = SenderCheck::nothing(checked_by, None);
    let of = |method: &'static str| infos.iter().filter(move |i| i.method == method);
    // DKIM: a passing signature if there is one, else the first result.
    let dkim = of("dkim")
        .find(|i| i.result == AuthResult::Pass)
        .or_else(|| of("dkim").next());
    if let Some(dkim) = dkim {
        check.dkim = dkim.result;
        check.dkim_domain = dkim.prop(&["header.d", "header.i"]);
    }
    if let Some(spf) = of("spf").next() {
        check.spf = spf.result;
        check.spf_domain = spf.prop(&["smtp.mailfrom", "smtp.helo"]);
    }
    if let Some(dmarc) = of("dmarc").next() {
        check.dmarc = dmarc.result;
        check.from_domain = dmarc.prop(&["header.from"]);
    }
    if let Some(arc) = of("arc").next() {
        check.arc = arc.result;
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_providers_header_is_read_with_its_comments_and_properties() {
        let value = "mx.google.com;\r\n       dkim=pass header.i=@client.test header.s=sel header.b=abc;\r\n       spf=softfail (google.com: domain of transitioning x@bulk.test) smtp.mailfrom=x@bulk.test;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=client.test";
        let check = trusted(&[value.to_string()], &["mx.google.com".into()]).unwrap();
        assert_eq!(check.checked_by, CheckedBy::Header("mx.google.com".into()));
        assert_eq!(
            (check.dkim, check.dkim_domain.as_deref()),
            (AuthResult::Pass, Some("client.test"))
        );
        assert_eq!(
            (check.spf, check.spf_domain.as_deref()),
            (AuthResult::SoftFail, Some("bulk.test"))
        );
        assert_eq!(
            (check.dmarc, check.from_domain.as_deref()),
            (AuthResult::Pass, Some("client.test"))
        );
    }

    #[test]
    fn only_the_topmost_header_of_a_trusted_authserv_id_counts() {
        let forged = "mx.evil.test; dmarc=pass header.from=client.test".to_string();
        let ours = "mx.dossier.test 1; dmarc=fail header.from=client.test".to_string();
        let older = "mx.dossier.test; dmarc=pass header.from=client.test".to_string();
        let trusted_ids = ["MX.dossier.test".to_string()];
        let check = trusted(&[forged.clone(), ours, older], &trusted_ids).unwrap();
        assert_eq!(check.dmarc, AuthResult::Fail);
        assert!(trusted(&[forged], &trusted_ids).is_none());
    }

    #[test]
    fn a_header_saying_none_gives_nothing_verified() {
        let check = trusted(&["mx.test; none".into()], &["mx.test".into()]).unwrap();
        assert!(!check.from_authenticated());
    }
}
