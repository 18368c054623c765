//! The sign-in doors' limits: password checks (sign-in, password change) and sign-in link
//! requests each have a budget per account and per client address, spent *before* the
//! password is hashed; argon2 runs two at a time. The account is the address as typed,
//! normalised (`<Helene@Client.test >` is `helene@client.test`); the client address is
//! the peer's, or the one a proxy named in `--trusted-proxy` added to `X-Forwarded-For`.
//! A client out of budget spends no account's. IPv6 clients count
//! per /64, the block one subscriber gets. Argon2 runs on two threads of its own.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::http::HeaderMap;

use crate::dedicated::Dedicated;
use crate::limits::Limit;

/// Attempts per account, and per client address, within [`WINDOW`]. Every attempt
/// counts, successes too, since it is counted before its password is checked: sized so
/// that people signing in from several devices, or an office behind one address, never
/// meet them, while a guesser gets 40 an hour per account (ASVS allows 100).
const PER_ACCOUNT: u32 = 10;
const PER_CLIENT: u32 = 60;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Accounts and client addresses remembered, per limit.
const MAX_KEYS: usize = 100_000;

/// What a budget is spent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Door {
    /// A password checked: sign-in, or a password change.
    Password,
    /// A sign-in link asked for.
    Link,
}

/// State of the sign-in doors shared by every request.
pub struct Guard {
    hashing: Dedicated,
    accounts: Limit<(Door, String)>,
    clients: Limit<(Door, IpAddr)>,
    trusted_proxies: Vec<IpAddr>,
}

impl Guard {
    /// The limits, believing the client address written by `trusted_proxies`.
    pub fn new(trusted_proxies: Vec<IpAddr>) -> Guard {
        Guard {
            hashing: Dedicated::new("password", 2, None),
            accounts: Limit::new(PER_ACCOUNT, WINDOW, MAX_KEYS),
            clients: Limit::new(PER_CLIENT, WINDOW, MAX_KEYS),
            trusted_proxies: trusted_proxies.into_iter().map(canonical).collect(),
        }
    }

    /// Spends one attempt of `account` (an address as typed, or a person's id) and of the
    /// request's client at `door`; false when either budget is spent.
    pub fn allow(&self, door: Door, account: &str, peer: SocketAddr, headers: &HeaderMap) -> bool {
        let client = block(self.client(peer, headers));
        // The client first: a client out of budget spends no account's, so it can
        // neither lock someone out for free nor fill the map with made-up addresses.
        self.clients.take(&(door, client)) && self.accounts.take(&(door, normalise(account)))
    }

    /// Runs password work (argon2) on the two password threads.
    pub async fn hash<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> crate::Result<T> + Send + 'static,
    ) -> crate::Result<T> {
        self.hashing.run(work).await
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy, whose
    /// headers name it (the nearest address that is not one of our proxies).
    pub fn client(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer.ip());
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        let named = forwarded_for(headers);
        named
            .into_iter()
            .rev()
            .map(canonical)
            .find(|ip| !self.trusted_proxies.contains(ip))
            .unwrap_or(peer)
    }
}

/// An address as typed, as the limits count it: without spaces, angle brackets or case.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '<' && *c != '>')
        .collect::<String>()
        .to_lowercase()
}

/// The client addresses of `X-Forwarded-For`, nearest last. Only that header: the usual
/// proxies append the peer they saw to it, while they pass a client's own `Forwarded`
/// on untouched, so believing `Forwarded` would let a client name itself.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| {
            String::from_utf8_lossy(value.as_bytes())
                .split(',')
                .filter_map(|v| parse_node(v.trim()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `192.0.2.7`, `192.0.2.7:4711`, `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_node(text: &str) -> Option<IpAddr> {
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    text.strip_prefix('[')?.split(']').next()?.parse().ok()
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The unit a client is counted by: its IPv4 address, or its IPv6 /64.
fn block(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::V6(octets.into())
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn the_client_comes_from_a_header_only_behind_a_trusted_proxy() {
        let proxy: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9")]);
        let untrusting = Guard::new(vec![]);
        assert_eq!(untrusting.client(proxy, &spoofed), proxy.ip());
        let behind = Guard::new(vec!["127.0.0.1".parse().unwrap()]);
        assert_eq!(behind.client(proxy, &spoofed).to_string(), "203.0.113.9");
        // A client's own X-Forwarded-For comes first; the proxy appends the real one.
        let chained = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.9")]);
        assert_eq!(behind.client(proxy, &chained).to_string(), "203.0.113.9");
        // A client's own Forwarded is not read: the proxy does not rewrite it.
        let forwarded = headers(&[
            ("forwarded", "for=198.51.100.1"),
            ("x-forwarded-for", "[2001:db8::7]:4711"),
        ]);
        assert_eq!(behind.client(proxy, &forwarded).to_string(), "2001:db8::7");
        let mapped = Guard::new(vec!["::ffff:127.0.0.1".parse().unwrap()]);
        assert_eq!(mapped.client(proxy, &spoofed).to_string(), "203.0.113.9");
        assert_eq!(behind.client(proxy, &HeaderMap::new()), proxy.ip());
    }

    #[test]
    fn addresses_are_counted_as_one_however_they_are_written() {
        for typed in [
            "helene@client.test",
            " <Helene@Client.TEST> ",
            "helene @client.test",
        ] {
            assert_eq!(normalise(typed), "helene@client.test", "{typed:?}");
        }
        let v6 = |s: &str| block(s.parse().unwrap()).to_string();
        assert_eq!(v6("2001:db8:1:2:aaaa::1"), v6("2001:db8:1:2:bbbb::2"));
    }
}
