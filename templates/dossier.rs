//! The dossier list and the dossier page. Plain data in; every user text is escaped.

use maud::{Markup, html};

use super::format;
use super::layout::{Nav, signed_in};
use crate::config::Config;
use crate::domain::{Door, Dossier, Lang, Status, User, UserId};
use crate::policy::Role;
use crate::service::DossierView;
use crate::web::session::Reader;

fn nav<'a>(business: &'a str, reader: &'a Reader) -> Nav<'a> {
    Nav::of(business, reader)
}

fn status(status: Status) -> &'static str {
    match status {
        Status::Open => "Ouvert",
        Status::Closed => "Clôturé",
    }
}

/// The list of the dossiers the reader can see, with the search form.
pub fn list(
    business: &str,
    reader: &Reader,
    rows: &[(Dossier, String)],
    q: &str,
    which: &str,
) -> Markup {
    signed_in(
        "Dossiers",
        &nav(business, reader),
        html! {
            h1 { "Dossiers" }
            p { a href="/dossiers/new" { "Nouveau dossier" } }
            form.search method="get" action="/dossiers" role="search" {
                label for="q" { "Rechercher" }
                input #q type="search" name="q" value=(q) placeholder="Numéro, titre, client, référence";
                label for="status" { "État" }
                select #status name="status" {
                    option value="" selected[which.is_empty()] { "Tous" }
                    option value="open" selected[which == "open"] { "Ouverts" }
                    option value="closed" selected[which == "closed"] { "Clôturés" }
                }
                button type="submit" { "Chercher" }
            }
            @if rows.is_empty() {
                p { "Aucun dossier." }
            } @else {
                table.dossiers {
                    thead { tr { th { "Numéro" } th { "Titre" } th { "Client" } th { "Référence" } th { "État" } } }
                    tbody {
                        @for (dossier, client) in rows {
                            tr {
                                td { a href={ "/dossiers/" (dossier.number) } { (dossier.number) } }
                                td { a href={ "/dossiers/" (dossier.number) } { (dossier.title) } }
                                td { (client) }
                                td { (dossier.client_reference.as_deref().unwrap_or("")) }
                                td { (status(dossier.status)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn name_of(people: &[User], id: UserId) -> String {
    people
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| "—".into())
}

/// A document's status, in words.
fn doc_status(status: crate::domain::DocStatus) -> &'static str {
    use crate::domain::DocStatus::*;
    match status {
        Draft => "Brouillon",
        Sent => "Envoyé",
        Accepted => "Accepté",
        Refused => "Refusé",
        Open => "En cours",
        Done => "Livrée",
        Paid => "Payée",
        Overdue => "En retard",
    }
}

/// A line of history, in words.
fn history(what: &crate::domain::HistoryKind, people: &[User]) -> String {
    use crate::domain::HistoryKind::*;
    match what {
        Created => "Dossier ouvert".into(),
        Closed => "Dossier clôturé".into(),
        Reopened => "Dossier rouvert".into(),
        Edited => "Titre ou description modifiés".into(),
        Followed => "Suit le dossier".into(),
        Assigned { user, role } => format!("{} ajouté comme {role}", name_of(people, *user)),
        Unassigned { user } => format!("{} retiré des intervenants", name_of(people, *user)),
        FileRenamed { from, to } => format!("Fichier {from} renommé en {to}"),
        FileDeleted { name } => format!("Fichier {name} supprimé"),
    }
}

/// The statuses a document of `kind` may take, as their stored names.
fn statuses(kind: crate::domain::DocKind) -> &'static [&'static str] {
    use crate::domain::DocKind::*;
    match kind {
        Quote => &["draft", "sent", "accepted", "refused"],
        Order => &["open", "done"],
        Invoice => &["draft", "sent", "paid", "overdue"],
    }
}

/// The reference the reader set for this dossier, if any.
fn own_reference(view: &DossierView, reader: &Reader) -> String {
    let d = &view.dossier;
    match view.role {
        Role::Staff => d.staff_reference.clone(),
        Role::Client => d.client_reference.clone(),
        Role::Intervenant => view
            .intervenants
            .iter()
            .find(|i| i.user == reader.user.id)
            .and_then(|i| i.own_reference.clone()),
    }
    .unwrap_or_default()
}

/// The dossier page: everything of the dossier the reader may see.
pub fn page(
    config: &Config,
    reader: &Reader,
    view: &DossierView,
    people: &[User],
    mail_domain: &str,
) -> Markup {
    let d = &view.dossier;
    let lang = Lang::Fr;
    let zone = config.timezone;
    let open = d.status == Status::Open;
    let staff = view.role == Role::Staff && open;
    let csrf = &reader.session.csrf;
    let base = format!("/dossiers/{}", d.number);
    let no_documents = Vec::new();
    let documents = view.documents.as_ref().unwrap_or(&no_documents);
    signed_in(
        &format!("{} {}", d.number, d.title),
        &nav(&config.business_name, reader),
        html! {
            p.crumbs { a href="/dossiers" { "Dossiers" } " › " (d.number) }
            h1 { (d.number) " " (d.title) }
            section aria-labelledby="overview" {
                h2 #overview { "Aperçu" }
                dl.overview {
                    dt { "Client" } dd { (view.client.name) }
                    dt { "État" } dd { (status(d.status)) }
                    dt { "Adresse du dossier" } dd { code { (d.mail_address(mail_domain)) } }
                    @if let Some(reference) = &d.client_reference { dt { "Référence client" } dd { (reference) } }
                    @if let Some(reference) = &d.staff_reference { dt { "Référence interne" } dd { (reference) } }
                    dt { "Suivi par" } dd { @for (i, id) in d.followers.iter().enumerate() { @if i > 0 { ", " } (name_of(people, *id)) } }
                }
                @if !d.description.is_empty() { p.description { (d.description) } }
                @if open {
                    form.inline method="post" action={ "/dossiers/" (d.number) "/reference" } {
                        input type="hidden" name="csrf" value=(reader.session.csrf);
                        label for="reference" { "Votre référence" }
                        input #reference type="text" name="reference" maxlength="100" value=(own_reference(view, reader));
                        button type="submit" { "Enregistrer" }
                    }
                }
                @if view.role == Role::Staff {
                    form.inline method="post" action={ "/dossiers/" (d.number) (if open { "/close" } else { "/reopen" }) } {
                        input type="hidden" name="csrf" value=(reader.session.csrf);
                        button type="submit" { (if open { "Clôturer le dossier" } else { "Rouvrir le dossier" }) }
                    }
                }
            }
            section aria-labelledby="discussion" {
                h2 #discussion { "Discussion" }
                @for message in &view.messages {
                    article.message id={ "message-" (message.id) } {
                        header {
                            strong { (name_of(people, message.author)) }
                            " · " time datetime=(message.at.to_rfc3339()) { (format::datetime(lang, zone, message.at)) }
                            @if message.door == Door::Email { " · par e-mail" }
                        }
                        div.text { (message.text) }
                        @if !message.elided.is_empty() {
                            details { summary { "Afficher le texte cité" } pre { (message.elided) } }
                        }
                        @if message.mail.is_some() {
                            p.original { a href={ "/dossiers/" (d.number) "/messages/" (message.id) "/original" } { "Afficher l'e-mail d'origine" } }
                        }
                        @let files: Vec<_> = view.files.iter().filter(|f| message.attachments.contains(&f.id)).collect();
                        @if !files.is_empty() {
                            ul.attachments { @for f in files { li { a href={ "/dossiers/" (d.number) "/files/" (f.id) } { (f.blob.name) } } } }
                        }
                    }
                }
                @if open {
                    form.post method="post" action={ "/dossiers/" (d.number) "/messages" } enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(reader.session.csrf);
                        label for="text" { "Votre message" }
                        textarea #text name="text" rows="4" {}
                        label for="files" { "Fichiers" }
                        input #files type="file" name="files" multiple;
                        button type="submit" { "Envoyer" }
                    }
                } @else {
                    p.notice { "Ce dossier est clôturé : il reste consultable mais ne peut plus être modifié." }
                }
            }
            section aria-labelledby="files" {
                h2 #files { "Fichiers" }
                @if view.files.is_empty() { p { "Aucun fichier." } }
                ul { @for f in view.files.iter().filter(|f| !f.inline) {
                    li {
                        a href={ "/dossiers/" (d.number) "/files/" (f.id) } { (f.blob.name) } " · " (name_of(people, f.added_by)) " · " (format::datetime(lang, zone, f.added_at))
                        @if staff {
                            form.inline method="post" action={ (base) "/files/" (f.id) "/rename" } {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="text" name="name" value=(f.blob.name) aria-label="Nouveau nom";
                                button type="submit" { "Renommer" }
                            }
                            form.inline method="post" action={ (base) "/files/" (f.id) "/delete" } {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { "Supprimer" }
                            }
                        }
                    }
                } }
            }
            @if view.documents.is_some() {
                section aria-labelledby="documents" {
                    h2 #documents { "Devis, commandes et factures" }
                    @if documents.is_empty() { p { "Aucun document." } }
                    table { tbody { @for doc in documents {
                        @let totals = doc.totals();
                        tr {
                            td { a href={ "/dossiers/" (d.number) "/documents/" (doc.id) } { (doc.number.to_string()) } } td { (doc.title) } td { (format::date(lang, doc.date)) }
                            td.num { (format::money(lang, totals.before_tax)) " HT" } td.num { (format::money(lang, totals.total)) " TTC" }
                            td { (doc_status(doc.status)) }
                            @if staff { td { form.inline method="post" action={ (base) "/documents/" (doc.id) "/status" } {
                                input type="hidden" name="csrf" value=(csrf);
                                select name="status" aria-label="État" { @for st in statuses(doc.kind()) { option value=(st) { (st) } } }
                                button type="submit" { "Changer" }
                            } } }
                        }
                    } } }
                    @if staff {
                        details { summary { "Nouveau document" }
                            form.stacked method="post" action={ (base) "/documents" } {
                                input type="hidden" name="csrf" value=(csrf);
                                label for="doc-kind" { "Type" }
                                select #doc-kind name="kind" { option value="quote" { "Devis" } option value="order" { "Commande" } option value="invoice" { "Facture" } }
                                label for="doc-title" { "Titre" } input #doc-title type="text" name="title" required;
                                label for="doc-date" { "Date" } input #doc-date type="date" name="date" required;
                                label for="doc-source" { "Issu de" }
                                select #doc-source name="source" { option value="" { "—" } @for doc in documents { option value=(doc.id.raw()) { (doc.number.to_string()) } } }
                                table { thead { tr { th { "Désignation" } th { "Quantité" } th { "Prix unitaire HT" } th { "TVA %" } } }
                                    tbody { @for i in 0..4 { tr {
                                        td { input type="text" name={ "description_" (i) } aria-label="Désignation"; }
                                        td { input type="text" name={ "quantity_" (i) } value="1" aria-label="Quantité"; }
                                        td { input type="text" name={ "price_" (i) } aria-label="Prix unitaire HT"; }
                                        td { input type="text" name={ "vat_" (i) } value="20" aria-label="TVA"; }
                                    } } }
                                }
                                button type="submit" { "Créer" }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="events" {
                h2 #events { "Événements" }
                ul { @for e in &view.events {
                    li id={ "event-" (e.id) } {
                        @if e.cancelled { s { (e.title) } " (annulé)" } @else { (e.title) }
                        " · " (e.place) " · " a href={ "/dossiers/" (d.number) "/events/" (e.id) "/ics" } { "Ajouter à mon agenda" }
                        @if staff && !e.cancelled {
                            form.inline method="post" action={ (base) "/events/" (e.id) "/cancel" } {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { "Annuler l'événement" }
                            }
                        }
                    }
                } }
                @if staff {
                    details { summary { "Nouvel événement" }
                        form.stacked method="post" action={ (base) "/events" } {
                            input type="hidden" name="csrf" value=(csrf);
                            label for="ev-title" { "Titre" } input #ev-title type="text" name="title" required;
                            label for="ev-start" { "Début" } input #ev-start type="date" name="start" required;
                            input type="time" name="start_time" aria-label="Heure de début";
                            label for="ev-end" { "Fin" } input #ev-end type="date" name="end";
                            input type="time" name="end_time" aria-label="Heure de fin";
                            label for="ev-place" { "Lieu" } input #ev-place type="text" name="place";
                            label for="ev-description" { "Détails" } textarea #ev-description name="description" rows="2" {}
                            button type="submit" { "Ajouter" }
                        }
                    }
                }
            }
            section aria-labelledby="intervenants" {
                h2 #intervenants { "Intervenants" }
                ul { @for i in &view.intervenants {
                    li {
                        (i.name) " — " (i.role) @if let Some(contact) = &i.contact { " · " @for e in contact { (e.as_str()) " " } }
                        @if staff {
                            form.inline method="post" action={ (base) "/intervenants/" (i.user) "/remove" } {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { "Retirer" }
                            }
                        }
                    }
                } }
                @if staff {
                    form.inline method="post" action={ (base) "/intervenants" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="email" name="email" placeholder="Adresse e-mail" aria-label="Adresse e-mail" required;
                        input type="text" name="role" placeholder="Rôle" aria-label="Rôle" required;
                        button type="submit" { "Ajouter un intervenant" }
                    }
                }
            }
            @if !view.expenses.is_empty() || staff {
                section aria-labelledby="expenses" {
                    h2 #expenses { "Dépenses" }
                    ul { @for e in &view.expenses { li {
                        (format::date(lang, e.date)) " · " (e.description) " · " (format::money(lang, e.amount))
                        @if e.receipt.is_some() { " · " a href={ "/dossiers/" (d.number) "/expenses/" (e.id) "/receipt" } { "Justificatif" } }
                        @if view.role == Role::Staff { " · " (if e.billed_to_client { "refacturée" } else { "non refacturée" }) }
                    } } }
                    @if staff {
                        form.inline method="post" action={ (base) "/expenses" } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="date" name="date" aria-label="Date" required;
                            select name="category" aria-label="Catégorie" { option value="travel" { "Déplacement" } option value="purchase" { "Achat" } option value="other" { "Autre" } }
                            input type="text" name="description" placeholder="Description" aria-label="Description";
                            input type="text" name="amount" placeholder="Montant HT" aria-label="Montant HT" required;
                            input type="text" name="vat" placeholder="TVA" aria-label="TVA" value="0";
                            label { input type="checkbox" name="billed"; " refacturée au client" }
                            button type="submit" { "Ajouter la dépense" }
                        }
                    }
                }
            }
            section aria-labelledby="activities" {
                h2 #activities { "Activités" }
                p { a href={ "/dossiers/" (d.number) "/activities" } { "Détail des activités" } }
                @if staff {
                    form.inline method="post" action={ (base) "/activities" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="date" name="date" aria-label="Date" required;
                        input type="text" name="hours" placeholder="Heures (1,5)" aria-label="Heures" required;
                        input type="text" name="description" placeholder="Description" aria-label="Description";
                        select name="order" aria-label="Commande" {
                            option value="" { "Hors commande" }
                            @for doc in documents.iter().filter(|x| x.kind() == crate::domain::DocKind::Order) { option value=(doc.id.raw()) { (doc.number.to_string()) } }
                        }
                        button type="submit" { "Enregistrer du temps" }
                    }
                }
                ul { @for a in &view.activities { li { (format::date(lang, a.date)) " · " (name_of(people, a.user)) " · " (a.minutes / 60) " h " (a.minutes % 60) " min · " (a.description) } } }
            }
            @if view.role == Role::Staff {
                section aria-labelledby="history" {
                    h2 #history { "Historique" }
                    ul { @for h in &d.history { li { (format::datetime(lang, zone, h.at)) " · " (name_of(people, h.by)) " · " (history(&h.what, people)) } } }
                }
            }
        },
    )
}
