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

fn status(l: Lang, status: Status) -> &'static str {
    match status {
        Status::Open => l.t("Ouvert", "Open"),
        Status::Closed => l.t("Clôturé", "Closed"),
    }
}

/// The list of the dossiers the reader can see, with the search form.
pub fn list(
    business: &str,
    reader: &Reader,
    rows: &[(Dossier, String)],
    q: &str,
    which: &str,
    may_create: bool,
) -> Markup {
    let l = reader.user.lang;
    signed_in(
        "Dossiers",
        &nav(business, reader),
        html! {
            h1 { (l.t("Dossiers", "Dossiers")) }
            @if may_create { p { a href="/dossiers/new" { (l.t("Nouveau dossier", "New dossier")) } } }
            form.search method="get" action="/dossiers" role="search" {
                label for="q" { (l.t("Rechercher", "Search")) }
                input #q type="search" name="q" value=(q) placeholder=(l.t("Numéro, titre, client, référence", "Number, title, client, reference"));
                label for="status" { (l.t("État", "Status")) }
                select #status name="status" {
                    option value="" selected[which.is_empty()] { (l.t("Tous", "All")) }
                    option value="open" selected[which == "open"] { (l.t("Ouverts", "Open")) }
                    option value="closed" selected[which == "closed"] { (l.t("Clôturés", "Closed")) }
                }
                button type="submit" { (l.t("Chercher", "Search")) }
            }
            @if rows.is_empty() {
                p { (l.t("Aucun dossier.", "No dossier.")) }
            } @else {
                table.dossiers {
                    thead { tr { th { (l.t("Numéro", "Number")) } th { (l.t("Titre", "Title")) } th { (l.t("Client", "Client")) } th { (l.t("Référence", "Reference")) } th { (l.t("État", "Status")) } } }
                    tbody {
                        @for (dossier, client) in rows {
                            tr {
                                td { a href={ "/dossiers/" (dossier.number) } { (dossier.number) } }
                                td { a href={ "/dossiers/" (dossier.number) } { (dossier.title) } }
                                td { (client) }
                                td { (dossier.client_reference.as_deref().unwrap_or("")) }
                                td { (status(l, dossier.status)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A person's name, or a dash for someone no longer in the directory.
pub(super) fn name_of(people: &[User], id: UserId) -> String {
    people
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| "—".into())
}

/// A document's status, in words.
fn doc_status(l: Lang, status: crate::domain::DocStatus) -> &'static str {
    use crate::domain::DocStatus::*;
    match status {
        Draft => l.t("Brouillon", "Draft"),
        Sent => l.t("Envoyé", "Sent"),
        Accepted => l.t("Accepté", "Accepted"),
        Refused => l.t("Refusé", "Refused"),
        Open => l.t("En cours", "Open"),
        Done => l.t("Livrée", "Done"),
        Paid => l.t("Payée", "Paid"),
        Overdue => l.t("En retard", "Overdue"),
    }
}

/// An expense's category, in words.
fn expense_category(l: Lang, category: crate::domain::ExpenseCategory) -> &'static str {
    use crate::domain::ExpenseCategory::*;
    match category {
        Travel => l.t("Déplacement", "Travel"),
        Purchase => l.t("Achat", "Purchase"),
        Other => l.t("Autre", "Other"),
    }
}

/// A line of history, in words.
fn history(l: Lang, what: &crate::domain::HistoryKind, people: &[User]) -> String {
    use crate::domain::HistoryKind::*;
    let fr = l == Lang::Fr;
    match what {
        Created => l.t("Dossier ouvert", "Dossier opened").into(),
        Closed => l.t("Dossier clôturé", "Dossier closed").into(),
        Reopened => l.t("Dossier rouvert", "Dossier reopened").into(),
        Edited => l
            .t(
                "Titre ou description modifiés",
                "Title or description changed",
            )
            .into(),
        Followed => l.t("Suit le dossier", "Follows the dossier").into(),
        Assigned { user, role } if fr => format!("{} ajouté comme {role}", name_of(people, *user)),
        Assigned { user, role } => format!("{} added as {role}", name_of(people, *user)),
        Unassigned { user } if fr => format!("{} retiré des intervenants", name_of(people, *user)),
        Unassigned { user } => format!("{} removed from the intervenants", name_of(people, *user)),
        FileRenamed { from, to } if fr => format!("Fichier {from} renommé en {to}"),
        FileRenamed { from, to } => format!("File {from} renamed {to}"),
        FileDeleted { name } if fr => format!("Fichier {name} supprimé"),
        FileDeleted { name } => format!("File {name} deleted"),
        Item {
            item,
            label,
            change,
        } => {
            use crate::domain::{ItemChange, ItemKind};
            let kind = match item {
                ItemKind::Quote => l.t("devis", "quote"),
                ItemKind::Order => l.t("commande", "order"),
                ItemKind::Invoice => l.t("facture", "invoice"),
                ItemKind::Event => l.t("événement", "event"),
                ItemKind::Expense => l.t("dépense", "expense"),
                ItemKind::Activity => l.t("temps passé", "time entry"),
            };
            match change {
                ItemChange::Added => format!("{} {kind} « {label} »", l.t("Ajout :", "Added:")),
                ItemChange::Changed => {
                    format!("{} {kind} « {label} »", l.t("Modification :", "Changed:"))
                }
                ItemChange::Cancelled => {
                    format!("{} {kind} « {label} »", l.t("Annulation :", "Cancelled:"))
                }
                ItemChange::Status { from, to } => format!(
                    "{} {kind} {label} : {} → {}",
                    l.t("Statut :", "Status:"),
                    doc_status(l, *from),
                    doc_status(l, *to)
                ),
            }
        }
        Reference { client: true } => l
            .t("Référence client modifiée", "Client reference changed")
            .into(),
        Reference { client: false } => l
            .t("Référence interne modifiée", "Internal reference changed")
            .into(),
    }
}

/// The statuses a document of `kind` may take, as their stored names.
fn statuses(kind: crate::domain::DocKind) -> &'static [(crate::domain::DocStatus, &'static str)] {
    use crate::domain::DocKind::*;
    use crate::domain::DocStatus::*;
    match kind {
        Quote => &[
            (Draft, "draft"),
            (Sent, "sent"),
            (Accepted, "accepted"),
            (Refused, "refused"),
        ],
        Order => &[(Open, "open"), (Done, "done")],
        Invoice => &[
            (Draft, "draft"),
            (Sent, "sent"),
            (Paid, "paid"),
            (Overdue, "overdue"),
        ],
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
    addressing: &crate::domain::Addressing,
    feed: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let d = &view.dossier;
    let lang = reader.user.lang;
    let l = lang;
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
            p.crumbs { a href="/dossiers" { (l.t("Dossiers", "Dossiers")) } " › " (d.number) }
            h1 { (d.number) " " (d.title) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            section aria-labelledby="overview" {
                h2 #overview { (l.t("Aperçu", "Overview")) }
                dl.overview {
                    dt { (l.t("Client", "Client")) } dd { (view.client.name) }
                    dt { (l.t("État", "Status")) } dd { (status(l, d.status)) }
                    dt { (l.t("Adresse du dossier", "Dossier address")) } dd { code { (d.mail_address(addressing)) } }
                    @if let Some(reference) = &d.client_reference { dt { (l.t("Référence client", "Client reference")) } dd { (reference) } }
                    @if let Some(reference) = &d.staff_reference { dt { (l.t("Référence interne", "Internal reference")) } dd { (reference) } }
                    dt { (l.t("Suivi par", "Followed by")) } dd { @for (i, id) in d.followers.iter().enumerate() { @if i > 0 { ", " } (name_of(people, *id)) } }
                }
                @if !d.description.is_empty() { p.description { (d.description) } }
                @if open {
                    form.inline method="post" action={ "/dossiers/" (d.number) "/reference" } {
                        input type="hidden" name="csrf" value=(reader.session.csrf);
                        label for="reference" { (l.t("Votre référence", "Your reference")) }
                        input #reference type="text" name="reference" maxlength="100" value=(own_reference(view, reader));
                        button type="submit" { (l.t("Enregistrer", "Save")) }
                    }
                }
                @if view.role == Role::Staff {
                    @if open {
                        a.button href={ "/dossiers/" (d.number) "/close" } { (l.t("Clôturer le dossier…", "Close the dossier…")) }
                    } @else {
                        form.inline method="post" action={ "/dossiers/" (d.number) "/reopen" } {
                            input type="hidden" name="csrf" value=(reader.session.csrf);
                            button type="submit" { (l.t("Rouvrir le dossier", "Reopen the dossier")) }
                        }
                    }
                }
            }
            section aria-labelledby="discussion" {
                h2 #discussion { (l.t("Discussion", "Discussion")) }
                @if view.messages_total > view.messages.len() {
                    p.more { a href={ "/dossiers/" (d.number) "?all=messages#discussion" } {
                        (l.t("Afficher les ", "Show the ")) (view.messages_total - view.messages.len()) (l.t(" messages précédents", " earlier messages"))
                    } }
                }
                @for message in &view.messages {
                    article.message id={ "message-" (message.id) } {
                        header {
                            strong { (name_of(people, message.author)) }
                            " · " time datetime=(message.at.to_rfc3339()) { (format::datetime(lang, zone, message.at)) }
                            @if message.door == Door::Email { (l.t(" · par e-mail", " · by e-mail")) }
                            @if let Some(trust) = message.mail.as_ref().and_then(|m| m.trust.as_ref()) {
                                " " span.trust.(trust_class(trust)) title=(l.t("Comment l'expéditeur a été reconnu", "How the sender was recognised")) { (trust.label(lang)) }
                            }
                        }
                        div.text { (message.text) }
                        @if !message.elided.is_empty() {
                            details { summary { (l.t("Afficher le texte cité", "Show the quoted text")) } pre { (message.elided) } }
                        }
                        @if message.mail.is_some() && crate::policy::may_read_original(&reader.user, view.role, message.author) {
                            p.original { a href={ "/dossiers/" (d.number) "/messages/" (message.id) "/original" } { (l.t("Afficher l'e-mail d'origine", "Show the original e-mail")) } }
                        }
                        @let files: Vec<_> = view.attachments.iter().filter(|f| message.attachments.contains(&f.id)).collect();
                        @if !files.is_empty() {
                            ul.attachments { @for f in files { li { a href={ "/dossiers/" (d.number) "/files/" (f.id) } { (f.blob.name) } } } }
                        }
                    }
                }
                @if open {
                    form.post method="post" action={ "/dossiers/" (d.number) "/messages" } enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(reader.session.csrf);
                        label for="text" { (l.t("Votre message", "Your message")) }
                        textarea #text name="text" rows="4" {}
                        label for="files" { (l.t("Fichiers", "Files")) }
                        input #files type="file" name="files" multiple;
                        button type="submit" { (l.t("Envoyer", "Send")) }
                    }
                } @else {
                    p.notice { (l.t("Ce dossier est clôturé : il reste consultable mais ne peut plus être modifié.", "This dossier is closed: it can be read but no longer changed.")) }
                }
            }
            section aria-labelledby="files" {
                h2 #files { (l.t("Fichiers", "Files")) }
                @if view.files.is_empty() { p { (l.t("Aucun fichier.", "No file.")) } }
                @if view.files_total > view.files.len() {
                    p.more { a href={ "/dossiers/" (d.number) "?all=files#files" } {
                        (l.t("Afficher les ", "Show the ")) (view.files_total - view.files.len()) (l.t(" fichiers plus anciens", " older files"))
                    } }
                }
                ul { @for f in view.files.iter().filter(|f| !f.inline) {
                    li {
                        a href={ "/dossiers/" (d.number) "/files/" (f.id) } { (f.blob.name) } " · " (name_of(people, f.added_by)) " · " (format::datetime(lang, zone, f.added_at))
                        @if staff {
                            form.inline method="post" action={ (base) "/files/" (f.id) "/rename" } {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="text" name="name" value=(f.blob.name) aria-label="Nouveau nom";
                                button type="submit" { (l.t("Renommer", "Rename")) }
                            }
                            a.button href={ (base) "/files/" (f.id) "/delete" } { (l.t("Supprimer…", "Delete…")) }
                        }
                    }
                } }
            }
            @if view.documents.is_some() {
                section aria-labelledby="documents" {
                    h2 #documents { (l.t("Devis, commandes et factures", "Quotes, orders and invoices")) }
                    @if documents.is_empty() { p { (l.t("Aucun document.", "No document.")) } }
                    table { tbody { @for doc in documents {
                        @let totals = doc.totals();
                        tr {
                            td { a href={ "/dossiers/" (d.number) "/documents/" (doc.id) } { (doc.number.to_string()) } } td { (doc.title) } td { (format::date(lang, doc.date)) }
                            td.num { (format::money(lang, totals.before_tax)) " HT" } td.num { (format::money(lang, totals.total)) " TTC" }
                            td { (doc_status(l, doc.status)) }
                            @if staff { td { form.inline method="post" action={ (base) "/documents/" (doc.id) "/status" } {
                                input type="hidden" name="csrf" value=(csrf);
                                select name="status" aria-label=(l.t("État", "Status")) { @for (st, code) in statuses(doc.kind()) { option value=(code) selected[*st == doc.status] { (doc_status(l, *st)) } } }
                                button type="submit" { (l.t("Changer", "Change")) }
                            }
                            (super::edit::document(l, &base, csrf, doc)) } }
                        }
                    } } }
                    @if staff {
                        details { summary { (l.t("Nouveau document", "New document")) }
                            form.stacked method="post" action={ (base) "/documents" } {
                                input type="hidden" name="csrf" value=(csrf);
                                label for="doc-kind" { (l.t("Type", "Type")) }
                                select #doc-kind name="kind" { option value="quote" { (l.t("Devis", "Quote")) } option value="order" { (l.t("Commande", "Order")) } option value="invoice" { (l.t("Facture", "Invoice")) } }
                                label for="doc-title" { (l.t("Titre", "Title")) } input #doc-title type="text" name="title" required;
                                label for="doc-date" { (l.t("Date", "Date")) } input #doc-date type="date" name="date" required;
                                label for="doc-source" { (l.t("Issu de (sans lignes saisies, les siennes sont reprises)", "From (with no lines typed, its lines are copied)")) }
                                select #doc-source name="source" { option value="" { "—" } @for doc in documents { option value=(doc.id.raw()) { (doc.number.to_string()) } } }
                                table { thead { tr { th { (l.t("Désignation", "Description")) } th { (l.t("Quantité", "Quantity")) } th { (l.t("Prix unitaire HT", "Unit price excl. VAT")) } th { (l.t("TVA %", "VAT %")) } } }
                                    tbody { @for i in 0..4 { tr {
                                        td { input type="text" name={ "description_" (i) } aria-label="Désignation"; }
                                        td { input type="text" name={ "quantity_" (i) } value="1" aria-label="Quantité"; }
                                        td { input type="text" name={ "price_" (i) } aria-label="Prix unitaire HT"; }
                                        td { input type="text" name={ "vat_" (i) } value="20" aria-label="TVA"; }
                                    } } }
                                }
                                button type="submit" { (l.t("Créer", "Create")) }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="events" {
                h2 #events { (l.t("Événements", "Events")) }
                @if let Some(feed) = feed { p.feed { (l.t("Agenda de ce dossier, à ajouter à votre calendrier : ", "This dossier's calendar, to add to yours: ")) code { (feed) } } }
                @if view.events_total > view.events.len() {
                    p.more { a href={ "/dossiers/" (d.number) "?all=events#events" } {
                        (l.t("Afficher les ", "Show all ")) (view.events_total) (l.t(" événements", " events"))
                    } " " (l.t("(les plus proches sont ci-dessous)", "(the nearest are below)")) }
                }
                ul { @for e in &view.events {
                    li id={ "event-" (e.id) } {
                        @if e.cancelled { s { (e.title) } (l.t(" (annulé)", " (cancelled)")) } @else { (e.title) }
                        " · " (e.place) " · " a href={ "/dossiers/" (d.number) "/events/" (e.id) "/ics" } { (l.t("Ajouter à mon agenda", "Add to my calendar")) }
                        @if staff && !e.cancelled {
                            (super::edit::event(l, &base, csrf, e, zone))
                            a.button href={ (base) "/events/" (e.id) "/cancel" } { (l.t("Annuler l'événement…", "Cancel the event…")) }
                        }
                    }
                } }
                @if staff {
                    details { summary { (l.t("Nouvel événement", "New event")) }
                        form.stacked method="post" action={ (base) "/events" } {
                            input type="hidden" name="csrf" value=(csrf);
                            label for="ev-title" { (l.t("Titre", "Title")) } input #ev-title type="text" name="title" required;
                            label for="ev-start" { (l.t("Début", "Start")) } input #ev-start type="date" name="start" required;
                            input type="time" name="start_time" aria-label="Heure de début";
                            label for="ev-end" { (l.t("Fin", "End")) } input #ev-end type="date" name="end";
                            input type="time" name="end_time" aria-label="Heure de fin";
                            label for="ev-place" { (l.t("Lieu", "Place")) } input #ev-place type="text" name="place";
                            label for="ev-description" { (l.t("Détails", "Details")) } textarea #ev-description name="description" rows="2" {}
                            button type="submit" { (l.t("Ajouter", "Add")) }
                        }
                    }
                }
            }
            section aria-labelledby="intervenants" {
                h2 #intervenants { (l.t("Intervenants", "Intervenants")) }
                ul { @for i in &view.intervenants {
                    li {
                        (i.name) " — " (i.role) @if let Some(contact) = &i.contact { " · " @for e in contact { (e.as_str()) " " } }
                        @if staff {
                            a.button href={ (base) "/intervenants/" (i.user) "/remove" } { (l.t("Retirer…", "Remove…")) }
                        }
                    }
                } }
                @if staff {
                    form.inline method="post" action={ (base) "/intervenants" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="email" name="email" placeholder="Adresse e-mail" aria-label="Adresse e-mail" required;
                        input type="text" name="role" placeholder="Rôle" aria-label="Rôle" required;
                        button type="submit" { (l.t("Ajouter un intervenant", "Add an intervenant")) }
                    }
                }
            }
            @if !view.expenses.is_empty() || staff {
                section aria-labelledby="expenses" {
                    h2 #expenses { (l.t("Dépenses", "Expenses")) }
                    ul { @for e in &view.expenses { li {
                        (format::date(lang, e.date)) " · " (expense_category(l, e.category)) " · " (e.description) " · " (format::money(lang, e.amount)) (l.t(" HT, TVA ", " excl. VAT, VAT ")) (format::money(lang, e.vat))
                        @if e.receipt.is_some() { " · " a href={ "/dossiers/" (d.number) "/expenses/" (e.id) "/receipt" } { (l.t("Justificatif", "Receipt")) } }
                        @if view.role == Role::Staff { " · " (if e.billed_to_client { l.t("refacturée", "billed") } else { l.t("non refacturée", "not billed") }) }
                        @if staff { (super::edit::expense(l, &base, csrf, e)) }
                    } } }
                    @if !view.expenses.is_empty() {
                        @let (amount, vat) = view.expenses.iter().fold((0i64, 0i64), |(a, v), e| (a + e.amount.0, v + e.vat.0));
                        p.total { (l.t("Total : ", "Total: ")) (format::money(lang, crate::domain::Cents(amount))) (l.t(" HT, TVA ", " excl. VAT, VAT ")) (format::money(lang, crate::domain::Cents(vat))) }
                    }
                    @if staff {
                        form.inline method="post" action={ (base) "/expenses" } enctype="multipart/form-data" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="date" name="date" aria-label="Date" required;
                            select name="category" aria-label="Catégorie" { option value="travel" { (l.t("Déplacement", "Travel")) } option value="purchase" { (l.t("Achat", "Purchase")) } option value="other" { (l.t("Autre", "Other")) } }
                            label { (l.t("Description ", "Description ")) input type="text" name="description"; }
                            label { (l.t("Montant HT ", "Amount excl. VAT ")) input type="text" name="amount" inputmode="decimal" required; }
                            (super::edit::vat_rate(l, None))
                            label { input type="checkbox" name="billed"; (l.t(" refacturée au client", " billed to the client")) }
                            label { (l.t("Justificatif", "Receipt")) " " input type="file" name="receipt"; }
                            button type="submit" { (l.t("Ajouter la dépense", "Add the expense")) }
                        }
                    }
                }
            }
            section aria-labelledby="activities" {
                h2 #activities { (l.t("Activités", "Activities")) }
                p { a href={ "/dossiers/" (d.number) "/activities" } { (l.t("Détail des activités", "Activity details")) } }
                @if staff {
                    form.inline method="post" action={ (base) "/activities" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="date" name="date" aria-label="Date" required;
                        input type="text" name="hours" placeholder="Heures (1,5)" aria-label="Heures" required;
                        input type="text" name="description" placeholder="Description" aria-label="Description";
                        select name="order" aria-label="Commande" {
                            option value="" { (l.t("Hors commande", "No order")) }
                            @for doc in documents.iter().filter(|x| x.kind() == crate::domain::DocKind::Order) { option value=(doc.id.raw()) { (doc.number.to_string()) } }
                        }
                        button type="submit" { (l.t("Enregistrer du temps", "Record time")) }
                    }
                }
                @let orders: Vec<&crate::domain::Document> = documents.iter().filter(|x| x.kind() == crate::domain::DocKind::Order).collect();
                ul { @for a in &view.activities { li {
                    (format::date(lang, a.date)) " · " (name_of(people, a.user)) " · " (a.minutes / 60) " h " (a.minutes % 60) " min · " (a.description)
                    @if staff { (super::edit::activity(l, &base, csrf, a, &orders)) }
                } } }
            }
            @if view.role == Role::Staff {
                section aria-labelledby="history" {
                    h2 #history { (l.t("Historique", "History")) }
                    ul { @for h in &d.history { li { (format::datetime(lang, zone, h.at)) " · " (name_of(people, h.by)) " · " (history(l, &h.what, people)) } } }
                }
            }
        },
    )
}

/// The badge's style: verified in green, anything a person vouched for in neutral, the
/// unsafe setting in warning colours.
fn trust_class(trust: &crate::domain::Trust) -> &'static str {
    match trust {
        crate::domain::Trust::Domain { .. } | crate::domain::Trust::ReplyAddress => "verified",
        crate::domain::Trust::ApprovedBy { .. } => "approved",
        crate::domain::Trust::Unverified => "unverified",
    }
}
