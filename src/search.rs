//! The search index: a tantivy index in `data/search/`, one entry per searchable thing
//! of a dossier (its title, number, client and references; each message, document,
//! event, expense and file), its words folded (lower case, accents removed) so that
//! "facade" finds "façade". It decides nothing about who may read what: the search
//! service asks only within the reader's dossiers and drops what the policy hides. The
//! store queues each changed dossier in the transaction that changes it; the search
//! worker reads queued dossiers again, so the index follows the store, and a lost or
//! damaged index is rebuilt from it.

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index as Tantivy, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::domain::DossierId;
use crate::error::{Error, Result};

const TOKENIZER: &str = "folded";

/// What an entry is; the search service asks the policy about each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The dossier itself: number, title, description, client, client reference.
    Dossier,
    /// The staff's internal reference (staff only).
    StaffReference,
    /// A message of the discussion.
    Message,
    /// A quote, order or invoice: number, title, lines.
    Document,
    /// An event: title, place, details.
    Event,
    /// An expense billed to the client.
    BilledExpense,
    /// An expense not billed (staff only).
    Expense,
    /// A file's name.
    File,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::Dossier,
        Kind::StaffReference,
        Kind::Message,
        Kind::Document,
        Kind::Event,
        Kind::BilledExpense,
        Kind::Expense,
        Kind::File,
    ];

    fn code(self) -> u64 {
        self as u64
    }

    fn of(code: u64) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One thing to find.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What it is.
    pub kind: Kind,
    /// Its dossier.
    pub dossier: DossierId,
    /// Its id in the dossier (0 for the dossier itself).
    pub item: u64,
    /// The words it is found by.
    pub text: String,
}

/// An entry found, best first.
#[derive(Debug, Clone)]
pub struct Hit {
    /// What it is.
    pub kind: Kind,
    /// Its dossier.
    pub dossier: DossierId,
    /// Its id in the dossier.
    pub item: u64,
    /// The words around what matched.
    pub excerpt: String,
}

struct Fields {
    dossier: Field,
    kind: Field,
    item: Field,
    text: Field,
}

/// The open index.
pub struct Index {
    index: Tantivy,
    reader: IndexReader,
    fields: Fields,
    /// The one writer, made when there is first something to write and kept: its
    /// indexing thread and arena live as long as the server (a writer made per round
    /// left a new thread's arena behind each time, and memory grew with them).
    writer: Mutex<Option<IndexWriter>>,
    /// Whether the index was made empty at opening (new or unreadable): everything must
    /// be read into it.
    pub fresh: bool,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        dossier: builder.add_u64_field("dossier", INDEXED | STORED | FAST),
        kind: builder.add_u64_field("kind", STORED),
        item: builder.add_u64_field("item", STORED),
        text: builder.add_text_field("text", text),
    };
    (builder.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn failed(what: &str) -> impl Fn(tantivy::TantivyError) -> Error + '_ {
    move |e| Error::Storage(crate::error::Cause::of(format!("search index, {what}"), e))
}

impl Index {
    /// Opens the index in `dir`, making it (empty, [`Index::fresh`]) when it is missing or
    /// cannot be read.
    pub fn open(dir: &Path) -> Result<Index> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::from_io("creating the search folder", e))?;
        let (schema, fields) = schema();
        let open = || -> tantivy::Result<(Tantivy, bool)> {
            let directory = tantivy::directory::MmapDirectory::open(dir)?;
            let existed = Tantivy::exists(&directory)?;
            Ok((
                Tantivy::open_or_create(directory, schema.clone())?,
                !existed,
            ))
        };
        let (index, fresh) = match open() {
            Ok(opened) => opened,
            Err(err) => {
                tracing::warn!(error = %err, "the search index cannot be read; it is made again");
                std::fs::remove_dir_all(dir)
                    .and_then(|()| std::fs::create_dir_all(dir))
                    .map_err(|e| Error::from_io("clearing the search folder", e))?;
                open().map_err(failed("making it"))?
            }
        };
        index.tokenizers().register(TOKENIZER, analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(failed("opening its reader"))?;
        Ok(Index {
            index,
            reader,
            fields,
            writer: Mutex::new(None),
            fresh,
        })
    }

    /// Runs `work` with the index's one writer, made on first use, then commits and makes
    /// what it wrote visible to searches.
    fn write(&self, work: impl FnOnce(&mut IndexWriter) -> Result<()>) -> Result<()> {
        let mut slot = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let writer = match slot.as_mut() {
            Some(writer) => writer,
            None => slot.insert(
                self.index
                    .writer_with_num_threads(1, 15_000_000)
                    .map_err(failed("opening its writer"))?,
            ),
        };
        if let Err(err) = work(writer) {
            let _ = writer.rollback();
            return Err(err);
        }
        writer.commit().map_err(failed("committing"))?;
        self.reader.reload().map_err(failed("reloading"))?;
        Ok(())
    }

    /// Replaces what the index holds of each dossier by `entries` (a dossier with no
    /// entry is removed), then makes it visible to searches.
    pub fn replace(&self, dossiers: &[DossierId], entries: Vec<Entry>) -> Result<()> {
        self.write(|writer| self.put(writer, dossiers, entries))
    }

    fn put(
        &self,
        writer: &mut IndexWriter,
        dossiers: &[DossierId],
        entries: Vec<Entry>,
    ) -> Result<()> {
        for dossier in dossiers {
            writer.delete_term(Term::from_field_u64(self.fields.dossier, dossier.raw()));
        }
        for entry in entries {
            let mut doc = TantivyDocument::default();
            doc.add_u64(self.fields.dossier, entry.dossier.raw());
            doc.add_u64(self.fields.kind, entry.kind.code());
            doc.add_u64(self.fields.item, entry.item);
            doc.add_text(self.fields.text, &entry.text);
            writer.add_document(doc).map_err(failed("adding"))?;
        }
        Ok(())
    }

    /// Empties the index.
    pub fn clear(&self) -> Result<()> {
        self.write(|writer| {
            writer.delete_all_documents().map_err(failed("clearing"))?;
            Ok(())
        })
    }

    /// The words of `text` as the index keeps them (folded, lower case).
    fn words(&self, text: &str) -> Vec<String> {
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while stream.advance() {
            words.push(stream.token().text.clone());
        }
        words
    }

    /// The entries holding every word of `text` (the last one may be the start of a
    /// word), within `dossiers` when given, best first, at most `limit`.
    pub fn search(
        &self,
        text: &str,
        dossiers: Option<&[DossierId]>,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let words = self.words(text);
        if words.is_empty() || dossiers.is_some_and(|d| d.is_empty()) {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let last = words.len() - 1;
        for (i, word) in words.iter().take(12).enumerate() {
            let term = Term::from_field_text(self.fields.text, word);
            let query: Box<dyn Query> = if i == last && word.chars().count() >= 2 {
                Box::new(FuzzyTermQuery::new_prefix(term, 0, true))
            } else {
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
            };
            clauses.push((Occur::Must, query));
        }
        if let Some(dossiers) = dossiers {
            let terms = dossiers
                .iter()
                .map(|d| Term::from_field_u64(self.fields.dossier, d.raw()));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let found = searcher
            .search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())
            .map_err(failed("searching"))?;
        let mut hits = Vec::with_capacity(found.len());
        for (_, address) in found {
            let doc: TantivyDocument = searcher.doc(address).map_err(failed("reading a hit"))?;
            let number = |field| doc.get_first(field).and_then(|v| v.as_u64());
            let (Some(dossier), Some(kind), Some(item)) = (
                number(self.fields.dossier),
                number(self.fields.kind).and_then(Kind::of),
                number(self.fields.item),
            ) else {
                continue;
            };
            let stored = doc
                .get_first(self.fields.text)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            hits.push(Hit {
                kind,
                dossier: DossierId::from_raw(dossier),
                item,
                excerpt: excerpt(stored, &words, analyzer()),
            });
        }
        Ok(hits)
    }
}

/// About 160 characters of `text` around the first of `words` it holds.
fn excerpt(text: &str, words: &[String], mut analyzer: TextAnalyzer) -> String {
    let mut start = 0;
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let token = stream.token();
        if words.iter().any(|w| token.text.starts_with(w.as_str())) {
            start = token.offset_from;
            break;
        }
    }
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(60)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let cut: String = text[from..].chars().take(160).collect();
    let cut = cut.split_whitespace().collect::<Vec<_>>().join(" ");
    match (from > 0, text[from..].chars().count() > 160) {
        (true, true) => format!("…{cut}…"),
        (true, false) => format!("…{cut}"),
        (false, true) => format!("{cut}…"),
        (false, false) => cut,
    }
}
