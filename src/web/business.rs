//! Staff pages for who sells and who buys: `/admin/business` (the business profile its
//! documents print) and `/admin/clients/{id}/billing` (a client's addresses and
//! identification). Anyone else gets 404; a refusal shows the form again (422).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::errors::{blocking, page, page_for};
use super::forms::{Posted, shown_status};
use super::parse::field;
use super::session::Reader;
use crate::app::App;
use crate::domain::{Billing, BusinessProfile, ClientId, Insurance, PostalAddress};
use crate::error::{Error, Refusal};
use crate::service::Operator;
use crate::templates::fields::{Again, Fields, Typed};

fn operator(reader: &Reader) -> crate::Result<Operator> {
    Operator::staff(&reader.user).ok_or(Error::NotFound)
}

/// The address of a form; a delivery address's fields are named `delivery_…`.
fn address(f: &Fields, delivery: bool) -> PostalAddress {
    let part = |name: &str| {
        let name = if delivery {
            format!("delivery_{name}")
        } else {
            name.to_string()
        };
        field(f, &name).to_string()
    };
    PostalAddress {
        line1: part("line1"),
        line2: part("line2"),
        postcode: part("postcode"),
        city: part("city"),
        country: part("country"),
    }
}

/// A number of days; empty for the default.
fn days(f: &Fields, name: &'static str) -> crate::Result<u32> {
    match field(f, name) {
        "" => Ok(0),
        text => text.parse().map_err(|_| {
            Error::Invalid(
                Refusal::new("Indiquez un nombre de jours.", "Give a number of days.").on(name),
            )
        }),
    }
}

/// Days typed as `7, 15, 30`, rising; empty for the default.
fn steps(f: &Fields, name: &'static str) -> crate::Result<Vec<u32>> {
    let refuse = || {
        Error::Invalid(
            Refusal::new(
                "Indiquez des nombres de jours croissants, séparés par des virgules (7, 15, 30).",
                "Give rising numbers of days, separated by commas (7, 15, 30).",
            )
            .on(name),
        )
    };
    let days: Vec<u32> = field(f, name)
        .split([',', ';', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| part.parse::<u32>().map_err(|_| refuse()))
        .collect::<crate::Result<_>>()?;
    if days.len() > 6 || days.windows(2).any(|w| w[0] >= w[1]) {
        return Err(refuse());
    }
    Ok(days)
}

fn profile_of(f: &Fields) -> crate::Result<BusinessProfile> {
    let text = |name: &str| field(f, name).to_string();
    Ok(BusinessProfile {
        legal_name: text("legal_name"),
        legal_form: text("legal_form"),
        capital: text("capital"),
        address: address(f, false),
        siren: text("siren"),
        siret: text("siret"),
        registry: text("registry"),
        vat_number: text("vat_number"),
        vat_exempt: f.contains_key("vat_exempt"),
        vat_on_debits: f.contains_key("vat_on_debits"),
        ape: text("ape"),
        insurance: Insurance {
            insurer: text("insurer"),
            policy: text("policy"),
            cover: text("cover"),
        },
        iban: text("iban"),
        bic: text("bic"),
        payment_days: days(f, "payment_days")?,
        late_rate: text("late_rate"),
        quote_days: days(f, "quote_days")?,
        phone: text("phone"),
        reminder_days: steps(f, "reminder_days")?,
        quote_reminder_days: days(f, "quote_reminder_days")?,
        no_reminders: f.contains_key("no_reminders"),
    })
}

/// GET /admin/business.
pub async fn show(State(app): State<App>, reader: Reader) -> Response {
    if operator(&reader).is_err() {
        return page(Error::NotFound);
    }
    let services = app.services.clone();
    match blocking(move || services.business_profile()).await {
        Ok(profile) => {
            let t = Typed::fresh(reader.user.lang);
            crate::templates::business::profile(&app.config, &reader, &profile, t).into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}

/// POST /admin/business.
pub async fn save(State(app): State<App>, Posted { reader, form }: Posted<Fields>) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let (services, f) = (app.services.clone(), form.clone());
    let saved = blocking(move || services.set_business_profile(&op, profile_of(&f)?)).await;
    match saved {
        Ok(_) => Redirect::to("/admin/business").into_response(),
        Err(Error::Invalid(why)) => {
            let again = Again {
                fields: form,
                refusal: Some(why),
                form: "",
            };
            let t = Typed::of(reader.user.lang, Some(&again));
            let html = crate::templates::business::profile(
                &app.config,
                &reader,
                &BusinessProfile::default(),
                t,
            );
            (shown_status(Some(&again)), html).into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}

/// GET /admin/clients/{id}/billing.
pub async fn billing(State(app): State<App>, reader: Reader, Path(id): Path<u64>) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let services = app.services.clone();
    match blocking(move || services.client_record(&op, ClientId::from_raw(id))).await {
        Ok(client) => {
            let t = Typed::fresh(reader.user.lang);
            crate::templates::business::billing(&app.config, &reader, &client, &client.billing, t)
                .into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}

/// POST /admin/clients/{id}/billing.
pub async fn save_billing(
    State(app): State<App>,
    Path(id): Path<u64>,
    Posted { reader, form }: Posted<Fields>,
) -> Response {
    let Ok(op) = operator(&reader) else {
        return page(Error::NotFound);
    };
    let (services, f) = (app.services.clone(), form.clone());
    let id = ClientId::from_raw(id);
    let saved = blocking(move || {
        let billing = Billing {
            address: address(&f, false),
            delivery: address(&f, true),
            siren: field(&f, "siren").into(),
            vat_number: field(&f, "vat_number").into(),
        };
        match services.set_billing(&op, id, billing) {
            Err(Error::Invalid(why)) => Ok(Err((services.client_record(&op, id)?, why))),
            other => other.map(Ok),
        }
    })
    .await;
    match saved {
        Ok(Ok(_)) => Redirect::to("/admin/people").into_response(),
        Ok(Err((client, why))) => {
            let again = Again {
                fields: form,
                refusal: Some(why),
                form: "",
            };
            let t = Typed::of(reader.user.lang, Some(&again));
            let html = crate::templates::business::billing(
                &app.config,
                &reader,
                &client,
                &client.billing,
                t,
            );
            (shown_status(Some(&again)), html).into_response()
        }
        Err(err) => page_for(&reader, err),
    }
}
