//! The trimmer on the corpus: real replies from other projects' fixtures (with our own
//! expectation where their convention differs, `ours.tsv`), the replies written for
//! Dossier as each mail program writes them (`written/`), and nine sets first
//! measured blind (`heldout/` to `heldout9/`). Three promises: the share kept exactly,
//! no reply that loses a word its sender wrote, and every file its notes name.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use dossier::mail::analysis::{Context, analyze};

/// The share of the corpus kept exactly as expected; raise it as the trimmer improves.
const THRESHOLD: f64 = 0.95;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

/// One reply and the text it must keep.
struct Case {
    file: PathBuf,
    expected: PathBuf,
    notes: String,
    /// The manifest's kind says it is a forward.
    forwarded: bool,
}

impl Case {
    /// Its file, as the corpus names it.
    fn name(&self) -> String {
        self.file
            .strip_prefix(CORPUS)
            .unwrap()
            .display()
            .to_string()
    }
}

/// The rows of a manifest under `dir` that state an expected text, with `ours`
/// (file → our expected file) replacing the source's where given.
fn manifest(dir: &Path, name: &str, ours: &[(String, String)]) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|row| {
            let columns: Vec<&str> = row.split('\t').collect();
            let (file, expected) = (columns[0], columns.get(2).copied().unwrap_or(""));
            let ours = ours
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, e)| e.as_str());
            let expected = ours.or(Some(expected).filter(|e| !e.is_empty()))?;
            Some(Case {
                file: dir.join(file),
                expected: dir.join(expected),
                notes: columns.get(3).copied().unwrap_or("").to_string(),
                forwarded: columns.get(1) == Some(&"forwarded"),
            })
        })
        .collect()
}

/// Every case: the fixtures of other projects, the written ones, the held-out ones.
fn cases() -> Option<Vec<Case>> {
    let dir = PathBuf::from(CORPUS);
    if !dir.join("manifest.tsv").is_file() {
        crate::peers::unavailable(&format!("the mail corpus is not at {CORPUS}"));
        return None;
    }
    let ours: Vec<(String, String)> = std::fs::read_to_string(dir.join("ours.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|row| {
            let columns: Vec<&str> = row.split('\t').collect();
            (columns[0].to_string(), columns[1].to_string())
        })
        .collect();
    let mut all = manifest(&dir, "manifest.tsv", &ours);
    let written = dir.join("written");
    let mut names: Vec<String> = std::fs::read_dir(&written)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("manifest") && n.ends_with(".tsv"))
        .collect();
    names.sort();
    for name in names {
        all.extend(manifest(&written, &name, &[]));
    }
    for held_out in [
        "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7",
        "heldout8", "heldout9",
    ] {
        all.extend(manifest(&dir.join(held_out), "manifest.tsv", &[]));
    }
    Some(all)
}

/// Wraps a body-only fixture into a message, as it would arrive (a forward with its
/// `Fwd:` subject).
pub fn as_message(path: &Path, bytes: Vec<u8>, forwarded: bool) -> Vec<u8> {
    let name = path.to_string_lossy();
    if name.ends_with(".eml") {
        return bytes;
    }
    let subject = if forwarded { "Fwd" } else { "Re" };
    let kind = if name.ends_with(".html") {
        "text/html"
    } else {
        "text/plain"
    };
    let mut out = format!("From: someone@example.test\r\nSubject: {subject}: test\r\nContent-Type: {kind}; charset=utf-8\r\n\r\n").into_bytes();
    out.extend(bytes);
    out
}

/// The text as the comparison sees it: no spaces at line ends, a no-break space as a
/// space, several blank lines as one.
fn normal(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\u{a0}', " ");
    let mut out: Vec<&str> = Vec::new();
    for line in text.split('\n').map(str::trim_end) {
        if !(line.is_empty() && out.last().is_some_and(|l| l.is_empty())) {
            out.push(line);
        }
    }
    out.join("\n").trim().to_string()
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// What the analysis keeps of each case, beside what it must keep.
fn kept_and_wanted() -> Option<Vec<(Case, String, String)>> {
    let cases = cases()?;
    Some(
        cases
            .into_iter()
            .map(|case| {
                let raw = as_message(
                    &case.file,
                    std::fs::read(&case.file).unwrap(),
                    case.forwarded,
                );
                let kept = analyze(&raw, &Context::default()).text;
                let wanted =
                    String::from_utf8_lossy(&std::fs::read(&case.expected).unwrap()).into_owned();
                (case, normal(&kept), normal(&wanted))
            })
            .collect(),
    )
}

#[test]
fn the_corpus_of_replies_is_kept_as_people_expect() {
    let Some(results) = kept_and_wanted() else {
        return;
    };
    let mut misses = Vec::new();
    for (case, kept, wanted) in &results {
        let loose = case.notes.to_lowercase().contains("whitespace");
        if kept != wanted && !(loose && squash(kept) == squash(wanted)) {
            misses.push(case.name());
        }
    }
    let total = results.len();
    let kept = total - misses.len();
    let share = kept as f64 / total as f64;
    println!(
        "corpus: {kept} of {total} kept exactly ({:.1} %); missed: {misses:?}",
        share * 100.0
    );
    assert!(
        share >= THRESHOLD,
        "only {kept} of {total} kept as expected; missed {misses:?}"
    );
}

#[test]
fn no_reply_in_the_corpus_loses_a_word_its_sender_wrote() {
    let Some(results) = kept_and_wanted() else {
        return;
    };
    let mut lost = Vec::new();
    for (case, kept, wanted) in &results {
        let kept = words(kept);
        let missing: Vec<String> = words(wanted)
            .into_iter()
            .filter(|w| !kept.contains(w))
            .collect();
        if !missing.is_empty() {
            let file = case.name();
            lost.push(format!("{file}: {missing:?}"));
        }
    }
    assert!(lost.is_empty(), "words cut: {lost:#?}");
}

/// The file names a manifest's notes state (`attachment: "…"`, `attachments: "…", "…"`).
fn named_in(notes: &str) -> Option<Vec<String>> {
    let lists = regex::Regex::new(r#"attachments?: ((?:"[^"]+"(?:, )?)+)"#).unwrap();
    let name = regex::Regex::new(r#""([^"]+)""#).unwrap();
    let mut names: Vec<String> = lists
        .captures_iter(notes)
        .flat_map(|list| {
            let list = list[1].to_string();
            name.captures_iter(&list)
                .map(|n| n[1].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    names.sort();
    (!names.is_empty() || notes.contains("no attachment")).then_some(names)
}

/// A heldout5 expectation Dossier does not follow (see `tests/corpus/README.md`): a
/// picture Thunderbird pastes with no placeholder stays with its message.
const NOT_FOLLOWED: &[&str] = &["heldout5/fr/thunderbird_html_image_collee.eml"];

#[test]
fn every_attachment_the_corpus_names_is_a_file_of_that_name() {
    let Some(cases) = cases() else {
        return;
    };
    let (mut wrong, mut checked) = (Vec::new(), 0);
    for case in &cases {
        let file = case.name();
        let Some(wanted) = named_in(&case.notes) else {
            continue;
        };
        if NOT_FOLLOWED.iter().any(|f| file.ends_with(f)) {
            continue;
        }
        let raw = as_message(
            &case.file,
            std::fs::read(&case.file).unwrap(),
            case.forwarded,
        );
        let mut got: Vec<String> = analyze(&raw, &Context::default())
            .attachments
            .into_iter()
            .filter(|a| !a.inline)
            .map(|a| a.name.as_str().to_string())
            .collect();
        got.sort();
        checked += 1;
        if got != wanted {
            wrong.push(format!("{file}: {got:?}, the notes say {wanted:?}"));
        }
    }
    assert!(
        checked >= 30,
        "the held-out notes name files: {checked} checked"
    );
    assert!(wrong.is_empty(), "files named wrong: {wrong:#?}");
}

#[test]
fn inspect_names_the_rule_behind_each_cut() {
    let dir = tempfile::tempdir().unwrap();
    let reply = std::fs::read_to_string(format!(
        "{CORPUS}/written/fr/outlook-windows-logo-signature.eml"
    ))
    .unwrap();
    let out = crate::child::run_dossier(dir.path(), &["inspect", "-"], &reply);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = json["cuts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"signature-block") || rules.contains(&"sign-off"),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| ["html-quote", "header-block"].contains(r)),
        "{rules:?}"
    );
    let reasons: Vec<&str> = json["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("quoted message") && r.contains("from line")),
        "{reasons:?}"
    );
}
