//! TLS for the connections Dossier opens (the IMAP mailbox, the SMTP relay): rustls with
//! ring, the usual web authorities, and those of an optional CA file.

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// A client configuration trusting the web's authorities and those of `ca_file`
/// (`what` names the connection in the sentence when the file is unusable).
pub fn client_config(ca_file: Option<&Path>, what: &str) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in authorities(ca_file, what)? {
        roots
            .add(cert)
            .map_err(|e| format!("the {what} CA file: {e}"))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The certificates of the PEM file `ca_file` (none without one); `what` names the
/// connection in the sentence when the file is unusable.
pub fn authorities(
    ca_file: Option<&Path>,
    what: &str,
) -> Result<Vec<CertificateDer<'static>>, String> {
    let Some(path) = ca_file else {
        return Ok(Vec::new());
    };
    let cannot = |e: String| format!("cannot read the {what} CA file {}: {e}", path.display());
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect())
        .map_err(|e| cannot(e.to_string()))?;
    if certs.is_empty() {
        return Err(cannot("there is no certificate in it".into()));
    }
    Ok(certs)
}
