//! The files section: every file of the dossier, grouped by the message it came with,
//! with a preview for images (its type otherwise), its size, who added it and when; staff rename (on a page of its own) and
//! delete (after a confirmation) them.

use maud::{Markup, html};

use super::{Page, form_page, format, name_of, section_page};
use crate::config::Config;
use crate::domain::{Dossier, FileEntry, MessageId};
use crate::service::Section;
use crate::templates::fields::Typed;
use crate::web::session::Reader;

/// A short label for a file's type, read from its content type and its name.
fn kind(file: &FileEntry) -> &'static str {
    let t = file.blob.content_type.as_str();
    let ext = file
        .blob
        .name
        .extension()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match (t, ext.as_str()) {
        (_, "pdf") | ("application/pdf", _) => "PDF",
        (t, _) if t.starts_with("image/") => "IMG",
        (_, "doc" | "docx" | "odt" | "rtf") => "DOC",
        (_, "xls" | "xlsx" | "ods" | "csv") => "XLS",
        (_, "zip" | "7z" | "rar" | "gz") => "ZIP",
        (_, "dwg" | "dxf") => "DWG",
        (t, _) if t.starts_with("text/") => "TXT",
        (t, _) if t.starts_with("video/") => "VID",
        (t, _) if t.starts_with("audio/") => "SON",
        _ => "FIC",
    }
}

/// The files section.
pub fn files(p: &Page, files: &[FileEntry]) -> Markup {
    let (l, zone) = (p.lang(), p.config.timezone);
    let base = p.base();
    let listed: Vec<&FileEntry> = files.iter().filter(|f| !f.inline).collect();
    // Consecutive files of one message form one group, newest group first.
    let mut groups: Vec<(Option<MessageId>, Vec<&FileEntry>)> = Vec::new();
    for file in listed {
        match groups.last_mut() {
            Some((message, group)) if *message == file.message && file.message.is_some() => {
                group.push(file)
            }
            _ => groups.push((file.message, vec![file])),
        }
    }
    groups.reverse();
    section_page(
        p,
        Section::Files,
        html! {
            @if groups.is_empty() { p { (l.t("Aucun fichier.", "No file.")) } }
            @for (message, group) in &groups {
                @let first = group[0];
                div.filegroup {
                    h3 {
                        (name_of(p.people, first.added_by)) " · " (format::datetime(l, zone, first.added_at))
                        @if let Some(message) = message {
                            " · " a href={ (base) "?all=messages#message-" (message) } { (l.t("voir le message", "see the message")) }
                        }
                    }
                    ul.files { @for f in group {
                        li id={ "file-" (f.id) } {
                            @if crate::thumbnails::previewable(&f.blob.content_type) {
                                a.preview href={ (base) "/files/" (f.id) } tabindex="-1" aria-hidden="true" {
                                    img src={ (base) "/files/" (f.id) "/preview" } alt="" loading="lazy" width="80" height="80";
                                }
                            } @else {
                                span.kind aria-hidden="true" { (kind(f)) }
                            }
                            span.name { a href={ (base) "/files/" (f.id) } { (f.blob.name) } }
                            span.meta { (format::size(l, f.blob.size)) }
                            @if p.staff_may_change() {
                                span.item-actions {
                                    a href={ (base) "/files/" (f.id) "/rename" } aria-label={ (l.t("Renommer ", "Rename ")) (f.blob.name) } { (l.t("Renommer", "Rename")) }
                                    " · "
                                    a href={ (base) "/files/" (f.id) "/delete" } aria-label={ (l.t("Supprimer ", "Delete ")) (f.blob.name) } { (l.t("Supprimer…", "Delete…")) }
                                }
                            }
                        }
                    } }
                }
            }
        },
    )
}

/// The page to rename one file.
pub fn rename_form(
    config: &Config,
    reader: &Reader,
    dossier: &Dossier,
    file: &FileEntry,
    typed: Typed,
) -> Markup {
    let l = reader.user.lang;
    form_page(
        config,
        reader,
        dossier,
        Section::Files,
        l.t("Renommer un fichier", "Rename a file"),
        html! {
            (typed.general(&["name"]))
            form.stacked method="post" action={ "/dossiers/" (dossier.number) "/files/" (file.id) "/rename" } {
                input type="hidden" name="csrf" value=(reader.session.csrf);
                label for="name" { (l.t("Nouveau nom", "New name")) }
                input #name type="text" name="name" required maxlength="200" value=(typed.value("name", file.blob.name.as_str())) aria-invalid=[typed.invalid("name")] aria-describedby=[typed.described("name")];
                (typed.error("name"))
                button type="submit" { (l.t("Renommer", "Rename")) }
                " " a href={ "/dossiers/" (dossier.number) "/files" } { (l.t("Annuler", "Cancel")) }
            }
        },
    )
}
