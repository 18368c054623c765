//! `dossier check`: every record that names a blob (files, receipts, kept e-mails,
//! queued notifications) is checked against the blob folder — present, and with the
//! content its SHA-256 promises. It reads everything and changes nothing.

use std::io::Read;

use sha2::{Digest, Sha256};

use super::{Store, Tree};
use crate::domain::{Dossier, Expense, FileEntry, HeldMail, LogEntry, Message, OutMail};
use crate::error::{Error, Result};

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
    /// Checks every blob reference of the store.
    pub fn check(&self) -> Result<Report> {
        let mut report = Report::default();
        let dossiers: Vec<Dossier> = self.scan(Tree::Dossiers, &[])?;
        let number = |id| {
            dossiers
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.number.to_string())
                .unwrap_or_else(|| format!("#{id}"))
        };
        for file in self.scan::<FileEntry>(Tree::Files, &[])? {
            let what = format!(
                "the file «{}» of dossier {}",
                file.blob.name,
                number(file.dossier)
            );
            self.check_blob(&mut report, &what, &file.blob.sha256)?;
        }
        for expense in self.scan::<Expense>(Tree::Expenses, &[])? {
            if let Some(receipt) = &expense.receipt {
                let what = format!(
                    "the receipt «{}» of an expense of dossier {}",
                    receipt.name,
                    number(expense.dossier)
                );
                self.check_blob(&mut report, &what, &receipt.sha256)?;
            }
        }
        for message in self.scan::<Message>(Tree::Messages, &[])? {
            if let Some(mail) = &message.mail {
                let what = format!(
                    "the original e-mail of message {} of dossier {}",
                    message.id,
                    number(message.dossier)
                );
                self.check_blob(&mut report, &what, &mail.raw_sha256)?;
            }
        }
        for held in self.scan::<HeldMail>(Tree::Held, &[])? {
            self.check_blob(
                &mut report,
                &format!("the held e-mail «{}»", held.subject),
                &held.raw_sha256,
            )?;
        }
        for line in self.scan::<LogEntry>(Tree::MailLog, &[])? {
            self.check_blob(
                &mut report,
                &format!("the e-mail of log line {} («{}»)", line.id, line.subject),
                &line.raw_sha256,
            )?;
        }
        for mail in self.scan::<OutMail>(Tree::MailOut, &[])? {
            self.check_blob(
                &mut report,
                &format!("the notification «{}» to {}", mail.subject, mail.recipient),
                &mail.raw_sha256,
            )?;
        }
        Ok(report)
    }

    fn check_blob(&self, report: &mut Report, what: &str, sha256: &str) -> Result<()> {
        report.checked += 1;
        let path = self.blobs().path(sha256);
        let mut file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.problems.push(Problem(format!(
                    "{what}: its content is missing ({})",
                    path.display()
                )));
                return Ok(());
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
        if actual != sha256 {
            report.problems.push(Problem(format!(
                "{what}: its content is corrupted ({} holds {actual})",
                path.display()
            )));
        }
        Ok(())
    }
}
