//! E-mails that are not about a dossier's items: sign-in links and invitations. They go
//! through the same durable queue and transport as notifications.

use chrono::{DateTime, Utc};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};

use super::Notifier;
use crate::domain::{BounceTarget, OurAddress, OutMail, OutState, Token, User};
use crate::error::{Error, Result};

impl Notifier {
    /// Queues one e-mail with `subject` and `text` (an HTML twin is made from it) to `to`.
    pub fn send_direct(
        &self,
        to: &User,
        subject: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<OutMail> {
        let s = &self.settings;
        let store = self.services.store();
        let id = store.new_id()?;
        let bounce = BounceTarget {
            mail: Some(id),
            token: Token::generate(),
            recipient: to.primary_email().clone(),
            dossier: None,
        };
        let envelope_from = s.address(&OurAddress::Bounce(bounce.token.clone()));
        let message_id = format!("{}@{}", uuid::Uuid::new_v4(), s.mail_domain);
        let address = |a: &str| {
            a.parse()
                .map_err(|e| Error::Storage(crate::error::Cause::of(format!("address {a}"), e)))
        };
        let html = maud::html! { p style="white-space: pre-wrap; font-family: system-ui, sans-serif;" { (text) } };
        let message = lettre::Message::builder()
            .from(Mailbox::new(
                Some(s.business.clone()),
                address(&s.address(&OurAddress::Notifications))?,
            ))
            .to(Mailbox::new(
                Some(to.name.clone()),
                address(to.primary_email().as_str())?,
            ))
            .subject(subject)
            .date(now.into())
            .message_id(Some(format!("<{message_id}>")))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str(crate::mail::LOOP_HEADER),
                s.mail_domain.clone(),
            ))
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::plain(text.to_string()))
                    .singlepart(SinglePart::html(html.into_string())),
            )
            .map_err(|e| Error::Storage(crate::error::Cause::of("building an e-mail", e)))?;
        let stored = store.blobs().put(&self.signed(message.formatted())?)?;
        let mail = OutMail {
            id,
            created_at: now,
            dossier: None,
            user: to.id,
            recipient: to.primary_email().clone(),
            envelope_from,
            message_id,
            subject: subject.to_string(),
            raw_sha256: stored.sha256,
            raw_part: None,
            attempts: 0,
            next_at: now,
            state: OutState::Pending,
            last_error: None,
        };
        store.enqueue_mail(&[], std::slice::from_ref(&mail), &[bounce])?;
        Ok(mail)
    }

    /// Sends `to` the code that confirms their answer to `quote` (`total` formatted).
    pub fn send_answer_code(
        &self,
        to: &User,
        quote: &crate::domain::Document,
        confirmation: &crate::domain::Confirmation,
        code: &str,
    ) -> Result<()> {
        use crate::domain::{CODE_MINUTES, Decision, Lang};
        let business = &self.settings.business;
        let (number, title) = (&quote.number, &quote.title);
        let total = crate::templates::format::money(to.lang, quote.totals().total);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        let (subject, text) = match (to.lang, confirmation.decision) {
            (Lang::Fr, decision) => (
                format!("Votre code de confirmation : {code} — {business}"),
                format!(
                    "Bonjour {},\n\nPour confirmer votre {} du devis {number} « {title} » ({total} TTC), saisissez ce code sur la page ouverte :\n\n    {spaced}\n\nIl est valable {CODE_MINUTES} minutes. Si vous n'avez rien demandé, ignorez cet e-mail : rien n'est confirmé sans ce code.",
                    to.name,
                    if decision == Decision::Accept {
                        "acceptation"
                    } else {
                        "refus"
                    }
                ),
            ),
            (Lang::En, decision) => (
                format!("Your confirmation code: {code} — {business}"),
                format!(
                    "Hello {},\n\nTo confirm that you {} quote {number} “{title}” ({total} incl. VAT), type this code on the page you opened:\n\n    {spaced}\n\nIt is valid for {CODE_MINUTES} minutes. If you did not ask for it, ignore this e-mail: nothing is confirmed without this code.",
                    to.name,
                    if decision == Decision::Accept {
                        "accept"
                    } else {
                        "refuse"
                    }
                ),
            ),
        };
        self.send_direct(to, &subject, &text, Utc::now()).map(drop)
    }

    /// Sends `to` a link that signs them in once, within `minutes`; `invited_by` makes it
    /// an invitation.
    pub fn send_login_link(
        &self,
        to: &User,
        minutes: i64,
        invited_by: Option<&User>,
    ) -> Result<()> {
        let secret = Token::generate().to_string();
        let now = Utc::now();
        let link = crate::store::LoginLink {
            user: to.id,
            expires_at: now + chrono::Duration::minutes(minutes),
        };
        self.services.store().insert_login_link(&secret, &link)?;
        let url = format!("{}/login/link/{secret}", self.settings.base_url);
        let business = &self.settings.business;
        let (subject, text) = match (invited_by, to.lang) {
            (Some(by), crate::domain::Lang::Fr) => (
                format!(
                    "{} vous invite sur l'espace dossiers de {business}",
                    by.name
                ),
                format!(
                    "Bonjour {},\n\n{} vous invite à suivre vos dossiers avec {business}.\nCe lien vous connecte (il fonctionne une fois, pendant {} jours) :\n\n{url}\n\nVous pouvez aussi simplement répondre aux e-mails que vous recevrez.",
                    to.name,
                    by.name,
                    minutes / 1440
                ),
            ),
            (Some(by), crate::domain::Lang::En) => (
                format!("{} invites you to {business}'s dossiers", by.name),
                format!(
                    "Hello {},\n\n{} invites you to follow your dossiers with {business}.\nThis link signs you in (once, within {} days):\n\n{url}\n\nYou can also simply reply to the e-mails you will receive.",
                    to.name,
                    by.name,
                    minutes / 1440
                ),
            ),
            (None, crate::domain::Lang::Fr) => (
                format!("Votre lien de connexion — {business}"),
                format!(
                    "Bonjour {},\n\nCe lien vous connecte une fois, dans les {minutes} minutes :\n\n{url}\n\nSi vous n'avez rien demandé, ignorez cet e-mail.",
                    to.name
                ),
            ),
            (None, crate::domain::Lang::En) => (
                format!("Your sign-in link — {business}"),
                format!(
                    "Hello {},\n\nThis link signs you in once, within {minutes} minutes:\n\n{url}\n\nIf you did not ask for it, ignore this e-mail.",
                    to.name
                ),
            ),
        };
        self.send_direct(to, &subject, &text, now).map(drop)
    }
}
