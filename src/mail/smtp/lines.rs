//! Reading protocol lines with a bound: a line longer than the bound is consumed to its
//! end but not kept, so a hostile client cannot make us buffer without limit.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// What one read gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A whole line, with its line ending, in the buffer.
    Complete,
    /// A line longer than the bound (discarded); whether it ended in CRLF.
    TooLong {
        /// The line ended with CR LF, not a bare LF.
        crlf: bool,
    },
    /// The peer closed the connection.
    Closed,
}

/// Reads one line ending in LF into `buf` (cleared first), keeping at most `max` bytes.
pub async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Line> {
    buf.clear();
    let mut too_long = false;
    // The byte before the newline, which may have come in an earlier chunk.
    let mut last = None;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            // The peer left, possibly in the middle of a line: nothing more will come.
            return Ok(Line::Closed);
        }
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(pos) => (&available[..=pos], true),
            None => (available, false),
        };
        let before_newline = if done {
            chunk.len().checked_sub(2).map(|i| chunk[i]).or(last)
        } else {
            chunk.last().copied().or(last)
        };
        if buf.len() + chunk.len() > max {
            too_long = true;
        } else if !too_long {
            buf.extend_from_slice(chunk);
        }
        let used = chunk.len();
        last = before_newline;
        reader.consume(used);
        if done {
            return Ok(if too_long {
                Line::TooLong {
                    crlf: last == Some(b'\r'),
                }
            } else {
                Line::Complete
            });
        }
    }
}
