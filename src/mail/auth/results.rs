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

/// A raw message's header fields in order, topmost first: the value of each
/// `Authentication-Results`, `None` for any other field.
pub fn header_values(raw: &[u8]) -> Vec<Option<String>> {
    mail_parser::MessageParser::default()
        .parse_headers(raw)
        .map(|message| {
            message
                .headers_raw()
                .map(|(name, value)| {
                    name.eq_ignore_ascii_case("Authentication-Results")
                        .then(|| value.to_string())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The topmost header among `values` (in header order, topmost first) whose
/// authserv-id is one of `trusted`, read as a sender check; any other is ignored.
///
/// `fields` are the header fields in order, `Some` for each `Authentication-Results`.
/// Headers of trusted ids written right below the topmost one (a DKIM milter's and a
/// DMARC milter's, with no other field between) are read with it; for each method the
/// topmost result counts.
pub fn trusted(fields: &[Option<String>], trusted: &[String]) -> Option<SenderCheck> {
    let is_trusted = |value: &str| {
        let id = authserv_id(value);
        trusted.iter().any(|t| t.eq_ignore_ascii_case(&id))
    };
    let first = fields
        .iter()
        .position(|f| f.as_deref().is_some_and(is_trusted))?;
    let block: Vec<&str> = fields[first..]
        .iter()
        .map_while(|f| f.as_deref().filter(|v| is_trusted(v)))
        .collect();
    let id = authserv_id(block[0]);
    Some(check_from_all(CheckedBy::Header(id), &block))
}

/// A sender check from one header value (also an ARC-Authentication-Results one).
pub fn check_from(checked_by: CheckedBy, value: &str) -> SenderCheck {
    check_from_all(checked_by, &[value])
}

/// A sender check from header values read as one, the first saying a method counting.
fn check_from_all(checked_by: CheckedBy, values: &[&str]) -> SenderCheck {
    let infos: Vec<ResInfo> = values.iter().flat_map(|value| parse(value)).collect();
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
        let check = trusted(&[Some(value.to_string())], &["mx.google.com".into()]).unwrap();
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
        // Our MTA's Received field stands between its header and the older ones.
        let fields = [Some(ours), None, Some(forged.clone()), Some(older)];
        let check = trusted(&fields, &trusted_ids).unwrap();
        assert_eq!(check.dmarc, AuthResult::Fail);
        assert!(trusted(&[Some(forged)], &trusted_ids).is_none());
    }

    #[test]
    fn a_header_saying_none_gives_nothing_verified() {
        let check = trusted(&[Some("mx.test; none".into())], &["mx.test".into()]).unwrap();
        assert!(!check.from_authenticated());
    }

    #[test]
    fn a_dkim_and_a_dmarc_milter_writing_one_header_each_are_read_together() {
        let ids = ["mx.example.fr".to_string()];
        let fields = [
            Some("mx.example.fr; dmarc=pass header.from=client.test".to_string()),
            Some("mx.example.fr; dkim=pass header.d=client.test".to_string()),
            None,
            Some("mx.example.fr; dmarc=fail header.from=client.test".to_string()),
        ];
        let check = trusted(&fields, &ids).unwrap();
        assert_eq!(
            (check.dmarc, check.dkim),
            (AuthResult::Pass, AuthResult::Pass)
        );
    }
}
