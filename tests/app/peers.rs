//! Real mail servers as test peers, each on loopback with its own folder: Dovecot (IMAP)
//! now, started by the test and stopped on drop. A missing program skips the test with
//! one line; under CI (`CI=true`) it fails instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use futures_util::TryStreamExt;
use tempfile::TempDir;

/// The program's path, or `None` (and one line saying why) when it is not installed.
pub fn program(name: &str) -> Option<PathBuf> {
    let found = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "{name} is required under CI (.ci/run installs it)"
        );
        println!("skipped: {name} is not installed");
    }
    found
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
fn as_root() -> bool {
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

/// A Dovecot IMAP server with one user, plain LOGIN allowed, Maildir storage.
pub struct Dovecot {
    pub port: u16,
    pub user: String,
    pub password: String,
    conf: PathBuf,
    _dir: TempDir,
}

impl Dovecot {
    pub fn start() -> Option<Dovecot> {
        let program = program("dovecot")?;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let port = free_port();
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
        let mut permissions = std::fs::metadata(d).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(d, permissions).unwrap();
        let conf = d.join("dovecot.conf");
        let d = d.display();
        std::fs::write(
            &conf,
            format!(
                "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\n\
                 log_path = {d}/log\ninstance_name = dossier-test-{port}\n\
                 default_login_user = {login_user}\ndefault_internal_user = {internal_user}\n\
                 first_valid_uid = 0\ndisable_plaintext_auth = no\nssl = no\n\
                 auth_mechanisms = plain login\n\
                 passdb {{\n  driver = passwd-file\n  args = {d}/passwd\n}}\n\
                 userdb {{\n  driver = static\n  args = {uid} home={d}/mail/%u\n}}\n\
                 mail_location = maildir:~/Maildir\n\
                 service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
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
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(Dovecot {
                    port,
                    user,
                    password,
                    conf,
                    _dir: dir,
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("dovecot does not answer on port {port}");
    }

    /// The `--imap` URL of the inbox.
    pub fn url(&self) -> String {
        format!("imap://{}@127.0.0.1:{}/INBOX", self.user, self.port)
    }

    async fn session(&self) -> async_imap::Session<tokio::net::TcpStream> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .unwrap();
        let mut client = async_imap::Client::new(tcp);
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
