//! The envelope of an SMTP/LMTP transaction: MAIL FROM (with its SIZE checked against
//! what we accept) and RCPT TO, each recipient judged by the intake before it is taken.
//! Too many refused recipients end the session.

use tokio::io::{AsyncBufRead, AsyncWrite};

use super::session::{Session, State, Transaction, multiline};
use crate::mail::pipeline::Verdict;

/// Refused recipients after which a session is closed.
const MAX_REFUSALS: u32 = 20;

impl<S: AsyncBufRead + AsyncWrite + Unpin> Session<S> {
    pub(super) async fn mail(&mut self, rest: &str) -> std::io::Result<()> {
        match self.state {
            State::Connected => return self.reply("503 5.5.1 Say EHLO first").await,
            State::Transaction(_) => {
                return self
                    .reply("503 5.5.1 A transaction is already open; RSET first")
                    .await;
            }
            State::Greeted => {}
        }
        let Some((address, params)) = path_argument(rest, "FROM:") else {
            return self.reply("501 5.5.4 Syntax: MAIL FROM:<address>").await;
        };
        for param in params.split_whitespace() {
            if let Some(size) = param.to_ascii_uppercase().strip_prefix("SIZE=")
                && size
                    .parse::<u64>()
                    .is_ok_and(|s| s > self.shared.settings.max_message_bytes)
            {
                self.refused("too-large");
                return self
                    .reply("552 5.3.4 The message is larger than the size we accept")
                    .await;
            }
        }
        let sender = (!address.is_empty()).then(|| address.to_string());
        self.state = State::Transaction(Transaction {
            sender,
            recipients: Vec::new(),
        });
        self.reply("250 2.1.0 Ok").await
    }

    /// One more refused recipient; past [`MAX_REFUSALS`] the session ends, so that
    /// guessing addresses (each refusal logged for staff) costs a new connection each
    /// time (Postfix's `smtpd_hard_error_limit`).
    async fn count_refusal(&mut self) -> std::io::Result<()> {
        self.refusals += 1;
        if self.refusals >= MAX_REFUSALS {
            self.reply("421 4.7.0 Too many refused recipients, closing the connection")
                .await?;
            return Err(std::io::Error::other("too many refused recipients"));
        }
        Ok(())
    }

    pub(super) async fn rcpt(&mut self, rest: &str) -> std::io::Result<()> {
        let State::Transaction(tx) = &self.state else {
            return self.reply("503 5.5.1 MAIL first").await;
        };
        let count = tx.recipients.len();
        let Some((address, _)) = path_argument(rest, "TO:") else {
            return self.reply("501 5.5.4 Syntax: RCPT TO:<address>").await;
        };
        if count >= self.shared.settings.max_recipients {
            return self.reply("452 4.5.3 Too many recipients").await;
        }
        let intake = self.shared.intake.clone();
        let recipient = address.to_string();
        let sender = tx.sender.clone();
        let verdict =
            tokio::task::spawn_blocking(move || intake.judge(sender.as_deref(), &recipient)).await;
        match verdict {
            Ok(Ok(Verdict::Accept)) => {
                if let State::Transaction(tx) = &mut self.state {
                    tx.recipients.push(address.to_string());
                }
                self.reply("250 2.1.5 Ok").await
            }
            Ok(Ok(Verdict::Unknown)) => {
                self.reply("550 5.1.1 No such address here").await?;
                self.count_refusal().await
            }
            Ok(Ok(Verdict::Closed(sentence))) => {
                self.reply(&multiline("550", "5.7.1", &sentence)).await?;
                self.count_refusal().await
            }
            Ok(Err(err)) => {
                tracing::warn!(peer = %self.peer, error = %err, "judging a recipient failed");
                self.reply("451 4.3.0 Temporary failure, try again later")
                    .await
            }
            Err(err) => {
                tracing::error!(peer = %self.peer, error = %err, "judging a recipient panicked");
                self.reply("451 4.3.0 Temporary failure, try again later")
                    .await
            }
        }
    }
}

/// Reads `FROM:<address> params` (or `TO:`), tolerating a space after the colon.
fn path_argument<'a>(rest: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let rest = rest.trim_start();
    // `get`, not indexing: the argument may start with a character wider than one byte.
    let head = rest.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = rest[keyword.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some((rest[..end].trim(), rest[end + 1..].trim()))
}

#[cfg(test)]
mod tests {
    use super::path_argument;

    #[test]
    fn paths_are_read_with_or_without_a_space_and_with_parameters() {
        assert_eq!(
            path_argument("FROM:<a@b.test> SIZE=10", "FROM:"),
            Some(("a@b.test", "SIZE=10"))
        );
        assert_eq!(
            path_argument("from: <a@b.test>", "FROM:"),
            Some(("a@b.test", ""))
        );
        assert_eq!(path_argument("FROM:<>", "FROM:"), Some(("", "")));
        assert_eq!(path_argument("TO:a@b.test", "TO:"), None);
        assert_eq!(path_argument("FROM:<a@b.test>", "TO:"), None);
    }
}
