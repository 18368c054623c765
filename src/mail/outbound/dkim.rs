//! DKIM signatures (RFC 6376) on everything we send, with mail-auth: the business's key
//! (Ed25519 or RSA, PKCS#8 PEM as `dossier admin dkim-generate` writes it), its selector
//! and our mail domain; and making such a key with the DNS record to publish.

use std::path::Path;

use base64::Engine;
use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{DkimSigner, Done};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

use crate::error::{Error, Result};

/// The headers signed: what a reader sees and what makes replies come back.
const SIGNED: [&str; 14] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "In-Reply-To",
    "References",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
    "MIME-Version",
    "Content-Type",
];

enum Key {
    Ed25519(DkimSigner<Ed25519Key, Done>),
    Rsa(DkimSigner<RsaKey<Sha256>, Done>),
}

/// Signs as `selector._domainkey.domain`.
pub struct Signer {
    key: Key,
    selector: String,
    domain: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({}._domainkey.{})", self.selector, self.domain)
    }
}

impl Signer {
    /// The key in the PEM (or DER) file at `path`; the sentence says why it cannot be.
    pub fn load(path: &Path, selector: &str, domain: &str) -> std::result::Result<Signer, String> {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("the DKIM key {} cannot be read: {e}", path.display()))?;
        let der = if bytes.starts_with(b"-----BEGIN") {
            PrivateKeyDer::from_pem_slice(&bytes)
                .map_err(|e| format!("the DKIM key {} is not a PEM key: {e}", path.display()))?
        } else {
            PrivateKeyDer::try_from(bytes.clone())
                .map_err(|e| format!("the DKIM key {} is not a DER key: {e}", path.display()))?
        };
        let selector = selector.trim();
        if selector.is_empty()
            || !selector
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            return Err(format!("the DKIM selector «{selector}» is not a DNS label"));
        }
        let key = match Ed25519Key::from_pkcs8_der(der.secret_der()) {
            Ok(key) => Key::Ed25519(
                DkimSigner::from_key(key)
                    .domain(domain)
                    .selector(selector)
                    .headers(SIGNED),
            ),
            Err(_) => {
                let key = RsaKey::<Sha256>::from_key_der(der).map_err(|e| {
                    format!(
                        "the DKIM key {} is neither Ed25519 nor RSA: {e}",
                        path.display()
                    )
                })?;
                Key::Rsa(
                    DkimSigner::from_key(key)
                        .domain(domain)
                        .selector(selector)
                        .headers(SIGNED),
                )
            }
        };
        Ok(Signer {
            key,
            selector: selector.to_string(),
            domain: domain.to_string(),
        })
    }

    /// `raw` with its DKIM-Signature header first.
    pub fn sign(&self, raw: &[u8]) -> Result<Vec<u8>> {
        let failed =
            |e: mail_auth::Error| Error::Storage(crate::error::Cause::of("DKIM signing", e));
        let header = match &self.key {
            Key::Ed25519(signer) => signer.sign(raw).map_err(failed)?.to_header(),
            Key::Rsa(signer) => signer.sign(raw).map_err(failed)?.to_header(),
        };
        let mut signed = header.into_bytes();
        signed.extend_from_slice(raw);
        Ok(signed)
    }
}

/// A new key (RSA 2048, which every receiver checks, or Ed25519) as PEM, and the
/// TXT record to publish at `selector._domainkey.domain`.
pub fn generate(ed25519: bool) -> Result<(String, String)> {
    use mail_auth::dkim::generate::DkimKeyPair;
    let failed =
        |e: mail_auth::Error| Error::Storage(crate::error::Cause::of("making a DKIM key", e));
    // RSA keys come as PKCS#1, Ed25519 ones as PKCS#8: each PEM says which.
    let (pair, kind, label) = if ed25519 {
        (
            DkimKeyPair::generate_ed25519().map_err(failed)?,
            "ed25519",
            "PRIVATE KEY",
        )
    } else {
        (
            DkimKeyPair::generate_rsa(2048).map_err(failed)?,
            "rsa",
            "RSA PRIVATE KEY",
        )
    };
    let body = base64::engine::general_purpose::STANDARD.encode(pair.private_key());
    let mut pem = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    let record = format!("v=DKIM1; k={kind}; p={}", pair.encoded_public_key());
    Ok((pem, record))
}
