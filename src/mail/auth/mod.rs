//! Sender authentication, decided once per message: as the MX (our SMTP listener facing
//! the Internet) Dossier verifies DKIM, SPF, DMARC and ARC itself with `mail-auth`;
//! behind an MTA or a mailbox it believes only the topmost `Authentication-Results` of an
//! authserv-id the operator named, and otherwise checks DKIM alone. Never the From's word.

pub mod results;

use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use std::time::Duration;

use mail_auth::hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use mail_auth::spf::verify::SpfParameters;
use mail_auth::{
    AuthenticatedMessage, DkimOutput, DkimResult, DmarcResult, MessageAuthenticator, SpfResult,
    dmarc::verify::DmarcParameters,
};

use crate::domain::{AuthResult, CheckedBy, Entrance, Envelope, SenderCheck};

/// The longest the checks of one message may take (DNS included).
const BUDGET: Duration = Duration::from_secs(12);

/// Who the checks trust, and where DNS questions go.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// A DNS server to ask instead of the system's (`--dns 127.0.0.1:5353`).
    pub dns: Option<SocketAddr>,
    /// authserv-ids whose `Authentication-Results` are believed behind an MTA.
    pub trusted_authserv: Vec<String>,
    /// Peers of the SMTP listener that are the operator's own MTA, not the Internet.
    pub trusted_relays: Vec<IpAddr>,
    /// ARC sealers whose word on a forwarded message is taken (`google.com`).
    pub trusted_arc_sealers: Vec<String>,
    /// Our host name, for SPF's `%{r}`.
    pub host: String,
}

/// Runs the sender checks.
pub struct Authenticator {
    settings: AuthSettings,
    // Made on first use, inside the runtime that runs the checks.
    resolver: OnceLock<Option<MessageAuthenticator>>,
}

fn dkim_result(result: &DkimResult) -> AuthResult {
    match result {
        DkimResult::Pass => AuthResult::Pass,
        // RFC 6376 §6.1.3: a body that does not match its hash fails the signature.
        DkimResult::Neutral(mail_auth::Error::Dkim(
            mail_auth::dkim::DkimError::FailedBodyHashMatch,
        )) => AuthResult::Fail,
        DkimResult::Neutral(_) => AuthResult::Neutral,
        DkimResult::Fail(_) => AuthResult::Fail,
        DkimResult::PermError(_) => AuthResult::PermError,
        DkimResult::TempError(_) => AuthResult::TempError,
        DkimResult::None => AuthResult::None,
    }
}

fn dmarc_result(result: &DmarcResult) -> AuthResult {
    match result {
        DmarcResult::Pass => AuthResult::Pass,
        DmarcResult::Fail(_) => AuthResult::Fail,
        DmarcResult::TempError(_) => AuthResult::TempError,
        DmarcResult::PermError(_) => AuthResult::PermError,
        DmarcResult::None => AuthResult::None,
    }
}

fn spf_result(result: SpfResult) -> AuthResult {
    match result {
        SpfResult::Pass => AuthResult::Pass,
        SpfResult::Fail => AuthResult::Fail,
        SpfResult::SoftFail => AuthResult::SoftFail,
        SpfResult::Neutral => AuthResult::Neutral,
        SpfResult::TempError => AuthResult::TempError,
        SpfResult::PermError => AuthResult::PermError,
        SpfResult::None => AuthResult::None,
    }
}

/// The best DKIM result among the signatures, and the domain of the one that passed.
fn best_dkim(outputs: &[DkimOutput]) -> (AuthResult, Option<String>) {
    if let Some(pass) = outputs.iter().find(|o| o.result() == &DkimResult::Pass) {
        let domain = pass.signature().map(|s| s.d.to_ascii_lowercase());
        return (AuthResult::Pass, domain);
    }
    match outputs.first() {
        Some(first) => (dkim_result(first.result()), None),
        None => (AuthResult::None, None),
    }
}

fn domain_of(address: &str) -> Option<String> {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.trim_end_matches('>').to_ascii_lowercase())
}

impl Authenticator {
    /// Checks configured by `settings`.
    pub fn new(settings: AuthSettings) -> Authenticator {
        Authenticator {
            settings,
            resolver: OnceLock::new(),
        }
    }

    fn resolver(&self) -> Option<&MessageAuthenticator> {
        self.resolver
            .get_or_init(|| {
                let made = match self.settings.dns {
                    Some(server) => {
                        let mut name_server = NameServerConfig::udp_and_tcp(server.ip());
                        for connection in &mut name_server.connections {
                            connection.port = server.port();
                        }
                        let mut options = ResolverOpts::default();
                        options.timeout = Duration::from_secs(3);
                        options.attempts = 2;
                        MessageAuthenticator::new(
                            ResolverConfig::from_name_servers(vec![name_server]),
                            options,
                        )
                    }
                    None => MessageAuthenticator::new_system_conf(),
                };
                made.map_err(|err| tracing::error!(error = %err, "no DNS resolver: sender checks will answer temperror"))
                    .ok()
            })
            .as_ref()
    }

    /// The connecting IP when the message came from a peer we do not know as our own MTA
    /// (SMTP, or LMTP from a peer not named in `--trusted-relay`): we are the MX and
    /// check everything ourselves. `None` behind our MTA (`ingest`, IMAP, trusted relays).
    fn as_mx(&self, envelope: &Envelope) -> Option<IpAddr> {
        if !matches!(envelope.entrance, Entrance::Smtp | Entrance::Lmtp) {
            return None;
        }
        let ip = envelope
            .peer
            .as_deref()?
            .parse::<SocketAddr>()
            .ok()?
            .ip()
            .to_canonical();
        let trusted = self
            .settings
            .trusted_relays
            .iter()
            .any(|relay| relay.to_canonical() == ip);
        (!trusted).then_some(ip)
    }

    /// The sender checks of `raw`, within a bounded time.
    pub async fn check(&self, envelope: &Envelope, raw: &[u8]) -> SenderCheck {
        // Some programs put blank lines before the header.
        let start = raw
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .unwrap_or(raw.len());
        let raw = &raw[start..];
        let Some(message) = AuthenticatedMessage::parse(raw) else {
            return SenderCheck::nothing(CheckedBy::Dossier, None);
        };
        let from_domain = message.from.first().and_then(|f| domain_of(f));
        match tokio::time::timeout(BUDGET, self.run(envelope, &message, from_domain.clone())).await
        {
            Ok(check) => check,
            Err(_) => {
                let mut check = SenderCheck::nothing(CheckedBy::Dossier, from_domain);
                check.dkim = AuthResult::TempError;
                check.spf = AuthResult::TempError;
                check.dmarc = AuthResult::TempError;
                check
            }
        }
    }

    async fn run(
        &self,
        envelope: &Envelope,
        message: &AuthenticatedMessage<'_>,
        from_domain: Option<String>,
    ) -> SenderCheck {
        let ip = self.as_mx(envelope);
        if ip.is_none() && !self.settings.trusted_authserv.is_empty() {
            let values: Vec<Option<String>> = message
                .headers
                .iter()
                .map(|(name, value)| {
                    name.eq_ignore_ascii_case(b"Authentication-Results")
                        .then(|| String::from_utf8_lossy(value).into_owned())
                })
                .collect();
            if let Some(mut check) = results::trusted(&values, &self.settings.trusted_authserv) {
                // The header's DMARC speaks for the From it saw; another From is not covered.
                if check.from_domain.is_some() && check.from_domain != from_domain {
                    check.dmarc = AuthResult::NotChecked;
                }
                check.from_domain = from_domain;
                return check;
            }
        }
        let mut check = SenderCheck::nothing(CheckedBy::Dossier, from_domain.clone());
        // Behind an MTA without a trusted header, nothing but a signature can be checked.
        if ip.is_none() && message.dkim_headers.is_empty() {
            return check;
        }
        let Some(resolver) = self.resolver() else {
            check.dkim = AuthResult::TempError;
            return check;
        };
        let dkim = resolver.verify_dkim(message).await;
        (check.dkim, check.dkim_domain) = best_dkim(&dkim);
        let helo = envelope.helo.clone().unwrap_or_default();
        let sender = envelope.sender.clone().filter(|s| !s.is_empty());
        let spf = match (ip, &sender) {
            (Some(ip), Some(sender)) => Some(
                resolver
                    .verify_spf(SpfParameters::verify_mail_from(
                        ip,
                        &helo,
                        &self.settings.host,
                        sender,
                    ))
                    .await,
            ),
            (Some(ip), None) => Some(
                resolver
                    .verify_spf(SpfParameters::verify_ehlo(ip, &helo, &self.settings.host))
                    .await,
            ),
            (None, _) => None,
        };
        let spf = match spf {
            Some(output) => {
                check.spf = spf_result(output.result());
                check.spf_domain = Some(output.domain().to_ascii_lowercase());
                output
            }
            None => mail_auth::SpfOutput::new(String::new()),
        };
        if ip.is_some() && !message.as_headers.is_empty() {
            let arc = resolver.verify_arc(message).await;
            check.arc = dkim_result(arc.result());
            if check.arc == AuthResult::Pass
                && let Some(set) = arc.sets().last()
            {
                let sealer = set.seal.header.d.to_ascii_lowercase();
                let trusted = self
                    .settings
                    .trusted_arc_sealers
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(&sealer));
                let said = String::from_utf8_lossy(set.results.value);
                // `i=1; mx.google.com; dmarc=pass …`: the sealer's own results.
                let said = said.split_once(';').map_or("", |(_, rest)| rest);
                let seen = results::check_from(CheckedBy::Header(sealer.clone()), said);
                // …and for the From this message has, not another one.
                if trusted && seen.dmarc == AuthResult::Pass && seen.from_domain == from_domain {
                    check.arc_trusted = Some(sealer);
                }
            }
        }
        let mail_from_domain = sender
            .as_deref()
            .and_then(domain_of)
            .unwrap_or_else(|| helo.to_ascii_lowercase());
        let dmarc = resolver
            .verify_dmarc(DmarcParameters::new(
                message,
                &dkim,
                &mail_from_domain,
                &spf,
            ))
            .await;
        check.dmarc = match (dmarc_result(&dmarc.result()), ip) {
            // Behind an MTA SPF was not checked: only a pass or "no policy" is conclusive.
            (AuthResult::Pass, _) => AuthResult::Pass,
            (AuthResult::None, _) => AuthResult::None,
            (_, None) => AuthResult::NotChecked,
            (other, Some(_)) => other,
        };
        check
    }
}
