//! Real mail servers as test peers, each on loopback with its own folder: Dovecot (IMAP)
//! now, started by the test and stopped on drop. A missing program skips the test with
//! one line; under CI (`CI=true`) it fails instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use futures_util::TryStreamExt;
use tempfile::TempDir;

/// A test cannot run here: one line saying why, locally; a failure under CI.
pub fn unavailable(why: &str) {
    assert!(std::env::var("CI").is_err(), "under CI: {why}");
    println!("skipped: {why}");
}

/// The program's path, or `None` (and one line saying why) when it is not installed.
pub fn program(name: &str) -> Option<PathBuf> {
    let found = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.is_file());
    if found.is_none() {
        unavailable(&format!("{name} is not installed (.ci/run installs it)"));
    }
    found
}

/// Lets the servers' own users walk into `dir` (a temp dir is private to its owner).
pub fn open_to_all(dir: &Path) {
    let mut permissions = std::fs::metadata(dir).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(dir, permissions).unwrap();
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether the tests run as root (servers then hand mail to `nobody`).
pub fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn current_user() -> String {
    Command::new("id")
        .arg("-un")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// A client connection, plain or TLS.
pub trait Stream:
    tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug
{
}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug> Stream
    for T
{
}

/// A Dovecot IMAP server with one user, plain LOGIN allowed, Maildir storage.
pub struct Dovecot {
    pub port: u16,
    pub user: String,
    pub password: String,
    /// With TLS: the server's self-signed certificate (PEM), for `--imap-ca`.
    pub certificate: Option<PathBuf>,
    conf: PathBuf,
    _dir: TempDir,
}

impl Dovecot {
    /// Plain IMAP.
    pub fn start() -> Option<Dovecot> {
        Dovecot::launch(false)
    }

    /// IMAP over TLS from the first byte, with a certificate for `localhost`.
    pub fn start_tls() -> Option<Dovecot> {
        Dovecot::launch(true)
    }

    fn launch(tls: bool) -> Option<Dovecot> {
        let program = program("dovecot")?;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let certificate = tls.then(|| {
            let key = rcgen::KeyPair::generate().unwrap();
            let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
                .unwrap()
                .self_signed(&key)
                .unwrap();
            std::fs::write(d.join("cert.pem"), cert.pem()).unwrap();
            std::fs::write(d.join("key.pem"), key.serialize_pem()).unwrap();
            d.join("cert.pem")
        });
        let port = free_port();
        let (ssl, plain_port, tls_port) = if tls {
            let ssl = format!(
                "ssl = required\nssl_cert = <{0}/cert.pem\nssl_key = <{0}/key.pem\n",
                d.display()
            );
            (ssl, 0, port)
        } else {
            ("ssl = no\n".to_string(), port, 0)
        };
        let (user, password) = ("dossiers".to_string(), "imap-test-secret".to_string());
        std::fs::write(
            d.join("passwd"),
            format!("{user}:{{PLAIN}}{password}::::::\n"),
        )
        .unwrap();
        let mail = d.join("mail");
        std::fs::create_dir_all(&mail).unwrap();
        let (uid, login_user, internal_user) = if as_root() {
            // Dovecot never runs mail processes as root.
            Command::new("chown")
                .args(["-R", "65534:65534"])
                .arg(&mail)
                .status()
                .unwrap();
            ("uid=65534 gid=65534".to_string(), "dovenull", "dovecot")
        } else {
            let me = current_user();
            let line = format!("uid={me} gid={me}");
            let me: &'static str = Box::leak(me.into_boxed_str());
            (line, me, me)
        };
        open_to_all(d);
        let conf = d.join("dovecot.conf");
        let d = d.display();
        std::fs::write(
            &conf,
            format!(
                "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\n\
                 log_path = {d}/log\ninstance_name = dossier-test-{port}\n\
                 default_login_user = {login_user}\ndefault_internal_user = {internal_user}\n\
                 first_valid_uid = 0\ndisable_plaintext_auth = no\n{ssl}\
                 auth_mechanisms = plain login\n\
                 passdb {{\n  driver = passwd-file\n  args = {d}/passwd\n}}\n\
                 userdb {{\n  driver = static\n  args = {uid} home={d}/mail/%u\n}}\n\
                 mail_location = maildir:~/Maildir\n\
                 service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {plain_port}\n  }}\n  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {tls_port}\n  }}\n}}\n\
                 service anvil {{\n  chroot =\n}}\n"
            ),
        )
        .unwrap();
        let status = Command::new(program)
            .arg("-c")
            .arg(&conf)
            .status()
            .expect("dovecot runs");
        assert!(status.success(), "dovecot did not start");
        answers(port, "dovecot");
        Some(Dovecot {
            port,
            certificate,
            user,
            password,
            conf,
            _dir: dir,
        })
    }

    /// A `master.cf` line for Postfix: a `dovecot` transport that hands each message to
    /// Dovecot's delivery agent, into this server's inbox.
    pub fn delivery_service(&self) -> String {
        format!(
            "dovecot unix - n n - - pipe flags=DRhu user=nobody argv=/usr/lib/dovecot/dovecot-lda -c {} -o log_path=/dev/stderr -d {}\n",
            self.conf.display(),
            self.user
        )
    }

    /// The `--imap` URL of the inbox.
    pub fn url(&self) -> String {
        match self.certificate {
            Some(_) => format!("imaps://{}@localhost:{}/INBOX", self.user, self.port),
            None => format!("imap://{}@127.0.0.1:{}/INBOX", self.user, self.port),
        }
    }

    async fn session(&self) -> async_imap::Session<Box<dyn Stream>> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .unwrap();
        let stream: Box<dyn Stream> = match &self.certificate {
            Some(pem) => {
                use rustls::pki_types::pem::PemObject;
                let mut roots = rustls::RootCertStore::empty();
                roots
                    .add(rustls::pki_types::CertificateDer::from_pem_file(pem).unwrap())
                    .unwrap();
                let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .unwrap()
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
                let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
                Box::new(connector.connect(name, tcp).await.unwrap())
            }
            None => Box::new(tcp),
        };
        let mut client = async_imap::Client::new(stream);
        client.read_response().await.unwrap();
        client
            .login(&self.user, &self.password)
            .await
            .map_err(|(e, _)| e)
            .unwrap()
    }

    /// Delivers `raw` into `folder`, as a mail server's delivery agent would.
    pub async fn append(&self, folder: &str, raw: &str) {
        let mut session = self.session().await;
        session.append(folder, None, None, raw).await.unwrap();
        session.logout().await.unwrap();
    }

    /// The raw messages in `folder` (none if it does not exist).
    pub async fn messages(&self, folder: &str) -> Vec<String> {
        let mut session = self.session().await;
        let mut out = Vec::new();
        let exists = match session.examine(folder).await {
            Ok(mailbox) => mailbox.exists,
            Err(_) => 0,
        };
        if exists > 0 {
            let fetched: Vec<_> = session
                .fetch("1:*", "BODY.PEEK[]")
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap();
            out = fetched
                .iter()
                .filter_map(|f| f.body())
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect();
        }
        session.logout().await.unwrap();
        out
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("dovecot")
            .arg("-c")
            .arg(&self.conf)
            .arg("stop")
            .status();
    }
}

/// A Postfix on loopback in front of Dossier: it relays `relay_domain` to `to_dossier`
/// (a Postfix transport such as `smtp:[127.0.0.1]:2525`) and mail for `client.test`
/// (bounces included) to `to_sender`. Postfix starts only as root.
pub struct Postfix {
    pub port: u16,
    conf: PathBuf,
    maillog: PathBuf,
    _dir: TempDir,
}

impl Postfix {
    /// `services` are extra lines of `master.cf` (a pipe to `dossier ingest`, say).
    pub fn start(
        relay_domain: &str,
        to_dossier: &str,
        to_sender: &str,
        services: &str,
    ) -> Option<Postfix> {
        let program = program("postfix")?;
        if !as_root() {
            unavailable("Postfix starts only as root");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        open_to_all(dir.path());
        let d = dir.path().display().to_string();
        for sub in ["conf", "queue", "data"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Command::new("chown")
            .arg("postfix")
            .arg(dir.path().join("data"))
            .status()
            .unwrap();
        std::fs::write(
            dir.path().join("conf/main.cf"),
            format!(
                "compatibility_level = 3.6\nqueue_directory = {d}/queue\ndata_directory = {d}/data\n\
                 mail_owner = postfix\nsetgid_group = postdrop\ninet_interfaces = 127.0.0.1\n\
                 inet_protocols = ipv4\nmyhostname = mx.sender.test\nmydestination =\n\
                 mynetworks = 127.0.0.0/8\nrelay_domains = {relay_domain}\n\
                 transport_maps = inline:{{ {relay_domain}={to_dossier}, client.test={to_sender} }}\n\
                 smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\n\
                 maillog_file_prefixes = {d}\nmaillog_file = {d}/maillog\n\
                 smtp_dns_support_level = disabled\ndossier_destination_recipient_limit = 1\n"
            ),
        )
        .unwrap();
        let standard = [
            ("pickup", "unix", "n", "60", "1", "pickup"),
            ("cleanup", "unix", "n", "-", "0", "cleanup"),
            ("qmgr", "unix", "n", "300", "1", "qmgr"),
            ("rewrite", "unix", "-", "-", "-", "trivial-rewrite"),
            ("bounce", "unix", "-", "-", "0", "bounce"),
            ("defer", "unix", "-", "-", "0", "bounce"),
            ("trace", "unix", "-", "-", "0", "bounce"),
            ("verify", "unix", "-", "-", "1", "verify"),
            ("flush", "unix", "n", "1000?", "0", "flush"),
            ("proxymap", "unix", "-", "-", "-", "proxymap"),
            ("smtp", "unix", "-", "-", "-", "smtp"),
            ("relay", "unix", "-", "-", "-", "smtp"),
            ("showq", "unix", "n", "-", "-", "showq"),
            ("error", "unix", "-", "-", "-", "error"),
            ("retry", "unix", "-", "-", "-", "error"),
            ("discard", "unix", "-", "-", "-", "discard"),
            ("lmtp", "unix", "-", "-", "-", "lmtp"),
            ("anvil", "unix", "-", "-", "1", "anvil"),
            ("scache", "unix", "-", "-", "1", "scache"),
            ("postlog", "unix-dgram", "n", "-", "1", "postlogd"),
        ];
        let conf = dir.path().join("conf");
        let maillog = dir.path().join("maillog");
        // A free port may be taken by another test before Postfix binds it: then
        // another one, a few times.
        let mut attempts = 0;
        let port = loop {
            attempts += 1;
            let port = free_port();
            let mut master = format!("127.0.0.1:{port} inet n - n - - smtpd\n");
            for (name, kind, private, wakeup, limit, command) in standard {
                master.push_str(&format!(
                    "{name} {kind} {private} - n {wakeup} {limit} {command}\n"
                ));
            }
            master.push_str(services);
            std::fs::write(dir.path().join("conf/master.cf"), master).unwrap();
            let status = Command::new(&program)
                .arg("-c")
                .arg(&conf)
                .arg("start")
                .status()
                .expect("postfix runs");
            let log = std::fs::read_to_string(&maillog).unwrap_or_default();
            if status.success() {
                break port;
            }
            assert!(
                attempts < 5 && log.contains("Address already in use"),
                "postfix did not start: {log}"
            );
            let _ = std::fs::remove_file(&maillog);
        };
        answers(port, "postfix");
        Some(Postfix {
            port,
            conf,
            maillog,
            _dir: dir,
        })
    }

    /// Postfix's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.maillog).unwrap_or_default()
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let _ = Command::new("postfix")
            .arg("-c")
            .arg(&self.conf)
            .arg("stop")
            .status();
    }
}

/// Waits until a peer just started answers on `port`.
fn answers(port: u16, peer: &str) {
    let within = std::time::Duration::from_secs(5);
    crate::polling::eventually(&format!("{peer} answering on port {port}"), within, || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
}
