//! Simple pages: sign-in, not found, refused, unavailable, mute.

use maud::{Markup, html};

use crate::domain::Lang;

use super::layout::page;

/// The page for anything that does not exist (or that the reader may not see).
pub fn not_found() -> Markup {
    page(
        "Page introuvable",
        html! {
            h1 { "Page introuvable" }
            p { "Cette page n'existe pas ou ne vous est pas accessible. Vérifiez l'adresse, ou revenez à l'accueil." }
            p lang="en" { "Page not found: it does not exist or is not yours to see. Check the address, or go back home." }
            p { a href="/" { "Accueil / Home" } }
        },
    )
}

/// "Stop e-mails about this dossier?" with one button.
pub fn mute_confirm(token: &str) -> Markup {
    page(
        "Ne plus recevoir d'e-mails",
        html! {
            h1 { "Ne plus recevoir d'e-mails pour ce dossier ?" }
            p { "Vous ne recevrez plus de message, fichier ni événement de ce dossier par e-mail. Vous pourrez les réactiver dans vos préférences." }
            form method="post" action={ "/mute/" (token) } {
                button type="submit" { "Ne plus recevoir d'e-mails" }
            }
        },
    )
}

/// Confirms the mute.
pub fn muted(number: &str, title: &str) -> Markup {
    page(
        "C'est noté",
        html! {
            h1 { "C'est noté" }
            p { "Vous ne recevrez plus d'e-mails pour le dossier " strong { (number) } " « " (title) " »." }
        },
    )
}

/// A temporary failure: try again.
pub fn unavailable() -> Markup {
    page(
        "Service momentanément indisponible",
        html! {
            h1 { "Service momentanément indisponible" }
            p { "Réessayez dans quelques instants." }
            p lang="en" { "Service unavailable for a moment: try again shortly." }
        },
    )
}

/// The sign-in form, in `l`; `error` is shown above it.
pub fn login(l: Lang, csrf: &str, email: &str, error: Option<&str>) -> Markup {
    page(
        l.t("Connexion", "Sign in"),
        html! {
            h1 { (l.t("Connexion", "Sign in")) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form.login method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                label for="email" { (l.t("Adresse e-mail", "E-mail address")) }
                input #email type="email" name="email" value=(email) autocomplete="username" required;
                label for="password" { (l.t("Mot de passe", "Password")) }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { (l.t("Se connecter", "Sign in")) }
            }
            h2 { (l.t("Sans mot de passe", "Without a password")) }
            form.login method="post" action="/login/link" {
                input type="hidden" name="csrf" value=(csrf);
                label for="link-email" { (l.t("Adresse e-mail", "E-mail address")) }
                input #link-email type="email" name="email" value=(email) autocomplete="username" required;
                button type="submit" { (l.t("Recevoir un lien de connexion", "Get a sign-in link")) }
            }
        },
    )
}

/// Opening a sign-in link: one button uses it.
pub fn link_confirm(secret: &str, csrf: &str) -> Markup {
    page(
        "Connexion",
        html! {
            h1 { "Connexion" }
            form method="post" action={ "/login/link/" (secret) } {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { "Me connecter" }
            }
        },
    )
}

/// A refused form (cross-site, or without its token).
pub fn forbidden() -> Markup {
    message_page(
        "Action refusée",
        "Cette action n'est pas permise. Rechargez la page et réessayez.",
    )
}

/// Asks before a change that cannot be undone in one click: the sentence says what
/// will happen; the button posts `action`, the other way goes back.
pub fn confirm(
    l: Lang,
    title: &str,
    sentence: &str,
    action: &str,
    csrf: &str,
    back: &str,
) -> Markup {
    page(
        title,
        html! {
            h1 { (title) }
            p { (sentence) }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { (l.t("Confirmer", "Confirm")) }
                " "
                a href=(back) { (l.t("Annuler", "Cancel")) }
            }
        },
    )
}

/// A page with a title and one sentence, in French.
pub fn message_page(title: &str, sentence: &str) -> Markup {
    message_page_in(Lang::Fr, title, sentence)
}

/// A page with a title and one sentence, in `l`.
pub fn message_page_in(l: Lang, title: &str, sentence: &str) -> Markup {
    message_page_back(
        title,
        sentence,
        (
            "/dossiers",
            l.t("Retour aux dossiers", "Back to the dossiers"),
        ),
    )
}

/// A page with a title, one sentence and its way out `back` (address, words).
pub fn message_page_back(title: &str, sentence: &str, (href, label): (&str, &str)) -> Markup {
    page(
        title,
        html! { h1 { (title) } p { (sentence) } p { a href=(href) { (label) } } },
    )
}
