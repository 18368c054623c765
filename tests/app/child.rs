//! The real `dossier` binary as a child process: one command run to its end, or a
//! running `serve` on free ports, with plain HTTP requests to it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::polling::found;

/// The real `dossier` binary.
pub fn dossier_bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command
        .env_remove("DOSSIER_CONFIG")
        // The MTA in front of the pipes and LMTP of these tests: see `verified`.
        .env("DOSSIER_TRUSTED_AUTHSERV_ID", "mx.dossier.test")
        // Sender checks never ask the machine's resolver: nothing answers on port 9, and
        // `Server::start` points them at a DNS server of the test's own.
        .env("DOSSIER_DNS", "127.0.0.1:9")
        .env("DOSSIER_LOG", "warn");
    command
}

/// Runs `dossier --data DIR args…` to completion with `stdin` as input.
pub fn run_dossier(data: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = dossier_bin()
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dossier starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    child.wait_with_output().expect("dossier ends")
}

/// A running `dossier serve`, killed on drop.
pub struct Server {
    pub child: Child,
    pub http: String,
    pub smtp: String,
    pub stdout: BufReader<std::process::ChildStdout>,
    /// The DNS server its sender checks ask.
    pub _dns: crate::dns::TestDns,
}

impl Server {
    /// Starts `dossier --data DIR serve extra…` on a free port and reads its first line.
    pub fn start(data: &Path, extra: &[&str]) -> Server {
        let dns = crate::dns::TestDns::in_thread();
        let mut child = dossier_bin()
            .arg("--data")
            .arg(data)
            .args(["--http", "127.0.0.1:0", "--smtp", "127.0.0.1:0"])
            .args(["--dns", &dns.addr.to_string(), "serve"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dossier serve starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("first line");
        assert!(first.starts_with("listening "), "{first:?}");
        let address = |name: &str| -> String {
            first
                .split_whitespace()
                .find_map(|word| word.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("the first line names the {name} address: {first:?}"))
                .to_string()
        };
        let (http, smtp) = (address("http"), address("smtp"));
        Server {
            child,
            http,
            smtp,
            stdout,
            _dns: dns,
        }
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        let stopped = || self.child.try_wait().expect("wait");
        found(Duration::from_secs(20), stopped, || {
            "the server did not stop on SIGTERM".into()
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET over plain HTTP/1.1; returns status and body.
pub fn http_get(addr: &str, path: &str) -> (u16, String) {
    http_request(addr, "GET", path)
}

/// POST with an empty body over plain HTTP/1.1; returns status and body.
pub fn http_post(addr: &str, path: &str) -> (u16, String) {
    http_request(addr, "POST", path)
}

fn http_request(addr: &str, method: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}
