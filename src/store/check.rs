//! `dossier check`: every record that names a blob (files, receipts, kept e-mails,
//! queued notifications) is checked against the blob folder — present, and with the
//! content its SHA-256 promises. It reads everything and changes nothing. The garbage
//! collection removes the blobs no record names.

use std::io::Read;

use sha2::{Digest, Sha256};

use super::{Store, Tree};
use crate::domain::{
    Document, Dossier, Expense, FileEntry, HeldMail, HistoryEntry, HistoryKind, ItemChange,
    LogEntry, Message, OutMail,
};
use crate::error::{Error, Result};

/// What a garbage collection removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Collected {
    /// Blobs removed.
    pub blobs: usize,
    /// Their bytes.
    pub bytes: u64,
}

/// One problem found, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Blob references checked.
    pub checked: usize,
    /// What is wrong, one sentence each.
    pub problems: Vec<Problem>,
}

impl Store {
    /// Every blob reference of the store: its SHA-256 and, when `described`, what names
    /// it in a sentence (the collection needs only the hashes).
    fn references(&self, described: bool) -> Result<Vec<(String, String)>> {
        let mut refs = Vec::new();
        let numbers: std::collections::HashMap<_, String> = self
            .scan::<Dossier>(Tree::Dossiers, &[])?
            .into_iter()
            .map(|d| (d.id, d.number.to_string()))
            .collect();
        let number = |id| {
            numbers
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}"))
        };
        let say =
            |sentence: &dyn Fn() -> String| if described { sentence() } else { String::new() };
        for file in self.scan::<FileEntry>(Tree::Files, &[])? {
            let what = say(&|| {
                format!(
                    "the file «{}» of dossier {}",
                    file.blob.name,
                    number(file.dossier)
                )
            });
            refs.push((what, file.blob.sha256));
        }
        for expense in self.scan::<Expense>(Tree::Expenses, &[])? {
            if let Some(receipt) = expense.receipt {
                let what = say(&|| {
                    format!(
                        "the receipt «{}» of an expense of dossier {}",
                        receipt.name,
                        number(expense.dossier)
                    )
                });
                refs.push((what, receipt.sha256));
            }
        }
        for message in self.scan::<Message>(Tree::Messages, &[])? {
            if let Some(mail) = message.mail {
                let what = say(&|| {
                    format!(
                        "the original e-mail of message {} of dossier {}",
                        message.id,
                        number(message.dossier)
                    )
                });
                refs.push((what, mail.raw_sha256));
            }
        }
        for doc in self.scan::<Document>(Tree::Documents, &[])? {
            if let Some(answer) = doc.answer {
                let what = say(&|| {
                    format!(
                        "the PDF of quote {} of dossier {} as its client answered it",
                        doc.number,
                        number(doc.dossier)
                    )
                });
                refs.push((what, answer.pdf_sha256));
            }
        }
        for line in self.scan::<HistoryEntry>(Tree::History, &[])? {
            if let HistoryKind::Item {
                label,
                change: ItemChange::Sent { pdf_sha256, .. },
                ..
            } = line.what
            {
                let what = say(&|| format!("the PDF of {label} as it was sent"));
                refs.push((what, pdf_sha256));
            }
        }
        for held in self.scan::<HeldMail>(Tree::Held, &[])? {
            let what = say(&|| format!("the held e-mail «{}»", held.subject));
            refs.push((what, held.raw_sha256));
        }
        for line in self.scan::<LogEntry>(Tree::MailLog, &[])? {
            let what = say(&|| format!("the e-mail of log line {} («{}»)", line.id, line.subject));
            refs.push((what, line.raw_sha256));
        }
        for mail in self.scan::<OutMail>(Tree::MailOut, &[])? {
            let what =
                say(&|| format!("the notification «{}» to {}", mail.subject, mail.recipient));
            refs.push((what, mail.raw_sha256));
        }
        Ok(refs)
    }

    /// Checks every blob reference of the store.
    pub fn check(&self) -> Result<Report> {
        let mut report = Report::default();
        // A blob many records name (a pass's pack of e-mails) is read and hashed once.
        let mut found: std::collections::HashMap<String, Option<String>> = Default::default();
        for (what, sha256) in self.references(true)? {
            report.checked += 1;
            let problem = match found.get(&sha256) {
                Some(problem) => problem.clone(),
                None => {
                    let problem = self.blob_problem(&sha256)?;
                    found.insert(sha256, problem.clone());
                    problem
                }
            };
            if let Some(problem) = problem {
                report.problems.push(Problem(format!("{what}: {problem}")));
            }
        }
        Ok(report)
    }

    /// Removes the blobs nothing names that were last written more than `older_than`
    /// ago (a post refused after its file was kept, a crash before its record): a blob
    /// younger than that may belong to a write still under way.
    pub fn collect_garbage(&self, older_than: std::time::Duration) -> Result<Collected> {
        let named: std::collections::HashSet<String> = self
            .references(false)?
            .into_iter()
            .map(|(_, sha)| sha)
            .collect();
        let mut collected = Collected::default();
        for (sha256, size, written) in self.blobs().list()? {
            let old = written.elapsed().is_ok_and(|age| age >= older_than);
            if old && !named.contains(&sha256) && self.blobs().remove(&sha256)? {
                collected.blobs += 1;
                collected.bytes += size;
            }
        }
        Ok(collected)
    }

    /// What is wrong with the blob `sha256`: missing, or holding other bytes; none when
    /// it is whole.
    fn blob_problem(&self, sha256: &str) -> Result<Option<String>> {
        let path = self.blobs().path(sha256);
        let mut file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Some(format!("its content is missing ({})", path.display())));
            }
            Err(e) => return Err(Error::from_io("reading a blob", e)),
        };
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = file
                .read(&mut buffer)
                .map_err(|e| Error::from_io("reading a blob", e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
        }
        let actual = hex::encode(hasher.finalize());
        Ok((actual != sha256).then(|| {
            format!(
                "its content is corrupted ({} holds {actual})",
                path.display()
            )
        }))
    }
}
