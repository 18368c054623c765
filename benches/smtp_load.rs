//! An SMTP load client for the benchmarks: SESSIONS connections at once, each sending its
//! share of MESSAGES (the file's bytes, dot-stuffed) over one session, timing each message
//! from the end of DATA (the final dot sent) to the server's reply. Prints
//! `messages_per_second p50_ms p99_ms refused` on one line. `@@ID@@` in the file becomes
//! a fresh value in each message (a unique Message-ID, as real mail has).
//!
//! usage: smtp_load ADDR SESSIONS MESSAGES FILE FROM TO

use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

async fn reply(stream: &mut BufReader<TcpStream>) -> String {
    let mut all = String::new();
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
            return all;
        }
        all.push_str(&line);
        if line.as_bytes().get(3) != Some(&b'-') {
            return all;
        }
    }
}

async fn command(stream: &mut BufReader<TcpStream>, line: &str) -> String {
    stream.get_mut().write_all(line.as_bytes()).await.unwrap();
    reply(stream).await
}

fn dot_stuffed(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let mut out = String::new();
    for line in text.split('\n') {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out.into_bytes()
}

/// The message with `@@ID@@` replaced by a value never used before.
fn unique(data: &[u8]) -> Vec<u8> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let id = format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let text = String::from_utf8_lossy(data);
    text.replacen("@@ID@@", &id, 1).into_bytes()
}

async fn session(
    addr: String,
    count: usize,
    data: std::sync::Arc<Vec<u8>>,
    from: String,
    to: String,
) -> (Vec<Duration>, usize) {
    let tcp = TcpStream::connect(&addr).await.unwrap();
    // The final dot goes at once, as mail servers send it (no Nagle wait on the body).
    tcp.set_nodelay(true).unwrap();
    let mut stream = BufReader::new(tcp);
    reply(&mut stream).await;
    command(&mut stream, "EHLO bench.test\r\n").await;
    let (mut times, mut refused) = (Vec::new(), 0);
    for _ in 0..count {
        command(&mut stream, &format!("MAIL FROM:<{from}>\r\n")).await;
        let rcpt = command(&mut stream, &format!("RCPT TO:<{to}>\r\n")).await;
        if !rcpt.starts_with("250") {
            refused += 1;
            command(&mut stream, "RSET\r\n").await;
            continue;
        }
        command(&mut stream, "DATA\r\n").await;
        let data = unique(&data);
        let (body, dot) = data.split_at(data.len() - 3);
        stream.get_mut().write_all(body).await.unwrap();
        let start = Instant::now();
        stream.get_mut().write_all(dot).await.unwrap();
        let answer = reply(&mut stream).await;
        times.push(start.elapsed());
        if !answer.starts_with("250") {
            refused += 1;
        }
    }
    let _ = command(&mut stream, "QUIT\r\n").await;
    (times, refused)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [addr, sessions, messages, file, from, to] = &args[..] else {
        eprintln!("usage: smtp_load ADDR SESSIONS MESSAGES FILE FROM TO");
        std::process::exit(64);
    };
    let sessions: usize = sessions.parse().unwrap();
    let messages: usize = messages.parse().unwrap();
    let data = std::sync::Arc::new(dot_stuffed(&std::fs::read(file).unwrap()));
    let start = Instant::now();
    let tasks: Vec<_> = (0..sessions)
        .map(|i| {
            let share = messages / sessions + usize::from(i < messages % sessions);
            tokio::spawn(session(
                addr.clone(),
                share,
                data.clone(),
                from.clone(),
                to.clone(),
            ))
        })
        .collect();
    let (mut times, mut refused) = (Vec::new(), 0);
    for task in tasks {
        let (t, r) = task.await.unwrap();
        times.extend(t);
        refused += r;
    }
    let elapsed = start.elapsed().as_secs_f64();
    times.sort();
    let at = |q: f64| {
        times
            .get(((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    println!(
        "{:.1} {:.2} {:.2} {refused}",
        times.len() as f64 / elapsed,
        at(0.50),
        at(0.99)
    );
}
