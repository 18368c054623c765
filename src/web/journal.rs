//! `GET /admin/journal.csv?from=…&to=…`: the sales journal of a period for the
//! accountant, as a CSV that a French spreadsheet opens as it is (UTF-8 with its byte
//! order mark, `;` between fields, a decimal comma); `/admin/journal.zip`: the same
//! CSV with every invoice's and credit note's Factur-X PDF, in one archive. Staff only.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::errors::{blocking, page_for};
use super::session::Reader;
use crate::app::App;
use crate::domain::{Cents, DocKind, FileName, User};
use crate::error::{Cause, Error};
use crate::service::JournalLine;

/// The period asked for; this year so far when not given.
#[derive(Debug, Default, Deserialize)]
pub struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// An amount as a French spreadsheet reads it: `-1234,56`.
fn amount(cents: Cents) -> String {
    let sign = if cents.0 < 0 { "-" } else { "" };
    let abs = cents.0.unsigned_abs();
    format!("{sign}{},{:02}", abs / 100, abs % 100)
}

/// A field, quoted when it holds a separator, a quote or a line break; a text a
/// spreadsheet would take for a formula (`=`, `+`, `-`, `@` first) is kept as text.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The journal as CSV text.
pub fn csv(lines: &[JournalLine]) -> String {
    let mut out = String::from(
        "\u{feff}Date;Pièce;Type;Dossier;Client;SIREN;N° TVA;Taux TVA;Base HT;TVA;TTC;Échéance;Payée\r\n",
    );
    for l in lines {
        let kind = match l.number.kind {
            DocKind::CreditNote => "Avoir",
            _ => "Facture",
        };
        let row = [
            l.date.format("%d/%m/%Y").to_string(),
            l.number.to_string(),
            kind.to_string(),
            l.dossier.to_string(),
            field(&l.buyer),
            field(&l.siren),
            field(&l.vat_number),
            crate::templates::format::rate(l.rate),
            amount(l.base),
            amount(l.vat),
            amount(Cents(l.base.0 + l.vat.0)),
            l.due
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            if l.paid { "oui" } else { "non" }.to_string(),
        ];
        out.push_str(&row.join(";"));
        out.push_str("\r\n");
    }
    out
}

/// The period asked for, this year so far by default; a date not read is refused.
fn period_of(app: &App, period: &Period) -> Result<(NaiveDate, NaiveDate), Error> {
    let today = chrono::Utc::now()
        .with_timezone(&app.config.timezone)
        .date_naive();
    let day = |text: &str, default: NaiveDate| {
        if text.trim().is_empty() {
            Ok(default)
        } else {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                Error::invalid(
                    "Donnez les dates de la période au format AAAA-MM-JJ.",
                    "Give the period's dates as YYYY-MM-DD.",
                )
            })
        }
    };
    let start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    Ok((day(&period.from, start)?, day(&period.to, today)?))
}

/// The name of the period's journal, without its extension.
fn name_of(from: NaiveDate, to: NaiveDate) -> String {
    format!("journal-des-ventes-{from}-{to}")
}

/// Makes, off the async threads, the download `make` gives for the period asked for
/// (its file's extension, type and bytes), named after the period; a period not read
/// or an error becomes its page.
async fn download(
    app: App,
    reader: Reader,
    period: Period,
    make: impl FnOnce(
        &App,
        &User,
        NaiveDate,
        NaiveDate,
    ) -> Result<(&'static str, &'static str, Vec<u8>), Error>
    + Send
    + 'static,
) -> Response {
    let (from, to) = match period_of(&app, &period) {
        Ok(period) => period,
        Err(err) => return page_for(&reader, err),
    };
    let (held, user) = (app.clone(), reader.user.clone());
    match blocking(move || make(&held, &user, from, to)).await {
        Ok((extension, kind, bytes)) => {
            let name = format!("{}.{extension}", name_of(from, to));
            super::downloads::made(FileName::sanitize(&name), kind, bytes)
        }
        Err(err) => page_for(&reader, err),
    }
}

/// GET /admin/journal.csv.
pub async fn journal(
    State(app): State<App>,
    reader: Reader,
    Query(period): Query<Period>,
) -> Response {
    download(app, reader, period, |app, user, from, to| {
        let lines = app.services.sales_journal(user, from, to)?;
        Ok(("csv", "text/csv; charset=utf-8", csv(&lines).into_bytes()))
    })
    .await
}

/// GET /admin/journal.zip: the journal's CSV and, under `factures/`, the Factur-X PDF
/// of each of its documents. PDFs are compressed already: the archive stores them.
pub async fn journal_archive(
    State(app): State<App>,
    reader: Reader,
    Query(period): Query<Period>,
) -> Response {
    download(app, reader, period, |app, user, from, to| {
        let (lines, documents) = app.services.sales_archive(user, from, to, true)?;
        let mut archive = Archive::new();
        archive.add(
            &format!("{}.csv", name_of(from, to)),
            csv(&lines).as_bytes(),
        )?;
        // Each PDF goes into the archive as it is made: one at a time in memory.
        for printed in documents {
            let pdf = crate::printing::pdf(&printed, app.printer())?;
            archive.add(&format!("factures/{}", pdf.name), &pdf.bytes)?;
        }
        Ok(("zip", "application/zip", archive.finish()?))
    })
    .await
}

/// A ZIP archive made in memory, its entries stored without compression.
struct Archive(zip::ZipWriter<std::io::Cursor<Vec<u8>>>);

impl Archive {
    fn new() -> Archive {
        Archive(zip::ZipWriter::new(std::io::Cursor::new(Vec::new())))
    }

    fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        use std::io::Write;
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        self.0.start_file(name, stored).map_err(broken)?;
        self.0.write_all(bytes).map_err(broken)
    }

    fn finish(self) -> Result<Vec<u8>, Error> {
        Ok(self.0.finish().map_err(broken)?.into_inner())
    }
}

/// A failure to write the archive (in memory: never the reader's doing).
fn broken(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Storage(Cause::of("the journal's archive", e))
}

#[cfg(test)]
mod tests {
    use super::{amount, field};
    use crate::domain::Cents;

    #[test]
    fn fields_are_quoted_formulas_kept_as_text_and_amounts_written_the_french_way() {
        assert_eq!(field("SCI Les Tilleuls"), "SCI Les Tilleuls");
        assert_eq!(field("Dupont; fils"), "\"Dupont; fils\"");
        assert_eq!(field("Le \"Bon\" Coin"), "\"Le \"\"Bon\"\" Coin\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+33 4 72"), "'+33 4 72");
        assert_eq!(amount(Cents(-12_005)), "-120,05");
        assert_eq!(amount(Cents(7)), "0,07");
    }
}
