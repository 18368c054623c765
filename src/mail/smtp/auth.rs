//! `AUTH PLAIN` for one purpose: `dossier ingest` handing a message over to the server
//! that holds its data folder, proven with the key that server wrote there. Offered only
//! to this machine; the message is then judged as coming from behind the MTA.

use tokio::io::{AsyncBufRead, AsyncWrite};

use super::session::{Input, MAX_COMMAND_LINE, Next, Session, State};

impl<S: AsyncBufRead + AsyncWrite + Unpin> Session<S> {
    /// `AUTH PLAIN` is offered only to this machine, for `ingest`'s hand-over.
    pub(super) fn offers_handover(&self) -> bool {
        self.shared.handover.is_some()
            && self
                .peer
                .parse::<std::net::SocketAddr>()
                .is_ok_and(|p| p.ip().to_canonical().is_loopback())
    }

    /// RFC 4954 `AUTH PLAIN`, with the hand-over key as the password. Three wrong keys
    /// end the session.
    pub(super) async fn auth(&mut self, rest: &str) -> std::io::Result<Next> {
        if !matches!(self.state, State::Greeted) || self.handed_over {
            self.reply("503 5.5.1 AUTH is not possible now").await?;
            return Ok(Next::Continue);
        }
        let mut words = rest.split_whitespace();
        let mechanism = words.next().unwrap_or("");
        if !self.offers_handover() || !mechanism.eq_ignore_ascii_case("PLAIN") {
            self.reply("504 5.5.4 Unrecognized authentication type")
                .await?;
            return Ok(Next::Continue);
        }
        let answer = match words.next() {
            Some(initial) => initial.to_string(),
            None => {
                self.reply("334 ").await?;
                match self.read(MAX_COMMAND_LINE).await? {
                    Input::Line => String::from_utf8_lossy(&self.buf).trim().to_string(),
                    Input::TooLong(_) => String::new(),
                    ended => return self.close(ended).await,
                }
            }
        };
        if answer == "*" {
            self.reply("501 5.7.0 Authentication cancelled").await?;
            return Ok(Next::Continue);
        }
        let decoded = mail_parser::decoders::base64::base64_decode(answer.as_bytes())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        // authzid NUL authcid NUL password
        let password = decoded.split('\0').nth(2).unwrap_or("");
        let matches = self
            .shared
            .handover
            .as_ref()
            .is_some_and(|key| key.matches(password));
        if matches {
            self.handed_over = true;
            self.reply("235 2.7.0 Authentication successful").await?;
            return Ok(Next::Continue);
        }
        self.auth_failures += 1;
        self.refused("bad-credentials");
        if self.auth_failures >= 3 {
            self.reply("421 4.7.0 Too many failed attempts, closing the connection")
                .await?;
            return Ok(Next::Quit);
        }
        self.reply("535 5.7.8 Authentication credentials invalid")
            .await?;
        Ok(Next::Continue)
    }
}
