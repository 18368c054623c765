//! The demo business: Atelier Moreau, a renovation contractor in Lyon, with a company
//! client, a private client, two intervenants and three dossiers (one closed), each told
//! in a file of its own (`kitchen.rs`, `wiring.rs`, `facade.rs`) with the helpers here.

use chrono::{Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use super::{DemoDossier, DemoSummary, DemoUser};
use crate::app::App;
use crate::domain::{
    Billing, BlobRef, BusinessProfile, Cents, Client, DocKind, DocStatus, Document, DocumentDraft,
    Door, Dossier, EmailAddress, EventTime, FileName, Insurance, Lang, Line, NewFile, NewMessage,
    PostalAddress, Quantity, Terms, User, VatRate,
};
use crate::error::{Error, Result};
use crate::service::{Operator, PersonRequest, Services};

struct Person {
    name: &'static str,
    email: &'static str,
    password: &'static str,
    kind: &'static str,
}

const PEOPLE: [Person; 7] = [
    Person {
        name: "Claire Moreau",
        email: "claire.moreau@atelier-moreau.example",
        password: "claire-demo-2026",
        kind: "staff",
    },
    Person {
        name: "Julien Petit",
        email: "julien.petit@atelier-moreau.example",
        password: "julien-demo-2026",
        kind: "staff",
    },
    Person {
        name: "Hélène Garnier",
        email: "helene.garnier@sci-tilleuls.example",
        password: "helene-demo-2026",
        kind: "client",
    },
    Person {
        name: "Marc Lefèvre",
        email: "marc.lefevre@sci-tilleuls.example",
        password: "marc-demo-2026",
        kind: "client",
    },
    Person {
        name: "Paul Rousseau",
        email: "paul.rousseau@courriel.example",
        password: "paul-demo-2026",
        kind: "client",
    },
    Person {
        name: "Thomas Fabre",
        email: "thomas@electricite-fabre.example",
        password: "thomas-demo-2026",
        kind: "intervenant",
    },
    Person {
        name: "Nadia Benali",
        email: "nadia.benali@benali-architecte.example",
        password: "nadia-demo-2026",
        kind: "intervenant",
    },
];

const FILES: [(&str, &str, &[u8]); 6] = [
    (
        "plan-cuisine.pdf",
        "application/pdf",
        include_bytes!("../../data/demo/plan-cuisine.pdf"),
    ),
    (
        "compte-rendu-visite.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../../data/demo/compte-rendu-visite.txt"),
    ),
    (
        "facade-avant-travaux.png",
        "image/png",
        include_bytes!("../../data/demo/facade-avant-travaux.png"),
    ),
    (
        "ticket-peage.pdf",
        "application/pdf",
        include_bytes!("../../data/demo/ticket-peage.pdf"),
    ),
    (
        "facture-carrelage.pdf",
        "application/pdf",
        include_bytes!("../../data/demo/facture-carrelage.pdf"),
    ),
    (
        "attestation-conformite.pdf",
        "application/pdf",
        include_bytes!("../../data/demo/attestation-conformite.pdf"),
    ),
];

/// The demo's people and the day it is built, as each dossier's story needs them.
#[derive(Clone, Copy)]
pub(super) struct Cast<'a> {
    pub services: &'a Services,
    pub claire: &'a User,
    pub julien: &'a User,
    pub helene: &'a User,
    pub marc: &'a User,
    pub paul: &'a User,
    pub thomas: &'a User,
    pub nadia: &'a User,
    pub today: NaiveDate,
}

impl Cast<'_> {
    /// `days` before the day the demo is built.
    pub fn ago(&self, days: u64) -> NaiveDate {
        self.today
            .checked_sub_days(Days::new(days))
            .unwrap_or(self.today)
    }

    /// `days` after the day the demo is built.
    pub fn ahead(&self, days: u64) -> NaiveDate {
        self.today
            .checked_add_days(Days::new(days))
            .unwrap_or(self.today)
    }
}

pub(super) fn blob(services: &Services, name: &str) -> Result<BlobRef> {
    let (_, content_type, bytes) = FILES.iter().find(|f| f.0 == name).ok_or(Error::NotFound)?;
    let stored = services.store().blobs().put(bytes)?;
    Ok(BlobRef {
        name: FileName::sanitize(name),
        content_type: content_type.to_string(),
        size: stored.size,
        sha256: stored.sha256,
    })
}

pub(super) fn line(description: &str, quantity: i64, unit_cents: i64, vat_bp: u32) -> Line {
    Line {
        description: description.into(),
        quantity: Quantity(quantity * 1000),
        unit: String::new(),
        unit_price: Cents(unit_cents),
        vat_rate: VatRate(vat_bp),
    }
}

pub(super) fn say(
    services: &Services,
    author: &User,
    dossier: &Dossier,
    text: &str,
    files: &[&str],
) -> Result<()> {
    let attachments = files
        .iter()
        .map(|f| blob(services, f).map(NewFile::attached))
        .collect::<Result<Vec<_>>>()?;
    let door = if author.staff { Door::Web } else { Door::Email };
    services.post_message(
        author,
        dossier.id,
        door,
        NewMessage {
            text: text.into(),
            attachments,
            ..NewMessage::default()
        },
    )?;
    Ok(())
}

pub(super) fn at(day: NaiveDate, hour: u32, minutes: i64) -> EventTime {
    let zone = chrono_tz::Europe::Paris;
    let start = zone
        .from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now);
    EventTime::Timed {
        start,
        end: start + Duration::minutes(minutes),
    }
}

pub(super) fn document(
    services: &Services,
    staff: &User,
    dossier: &Dossier,
    kind: DocKind,
    (title, date, status): (&str, NaiveDate, DocStatus),
    lines: Vec<Line>,
    source: Option<&Document>,
) -> Result<Document> {
    let draft = DocumentDraft {
        title: title.into(),
        date,
        status,
        lines,
        // A building firm's documents: the building-work mentions and its insurance.
        terms: Terms {
            building_work: true,
            ..Default::default()
        },
    };
    services.create_document(staff, dossier.id, kind, draft, source.map(|s| s.id))
}

/// An accepted quote of `lines`, titled `title` and dated `quoted`, and the order made
/// from it on `ordered`, in `status`: the order, which the rest of the story builds on.
pub(super) fn ordered_quote(
    services: &Services,
    staff: &User,
    dossier: &Dossier,
    title: &str,
    (quoted, ordered, status): (NaiveDate, NaiveDate, DocStatus),
    lines: &[Line],
) -> Result<Document> {
    let quote = (title, quoted, DocStatus::Accepted);
    let quote = document(
        services,
        staff,
        dossier,
        DocKind::Quote,
        quote,
        lines.to_vec(),
        None,
    )?;
    let order = (title, ordered, status);
    let lines = lines.to_vec();
    document(
        services,
        staff,
        dossier,
        DocKind::Order,
        order,
        lines,
        Some(&quote),
    )
}

fn address(line1: &str, postcode: &str, city: &str) -> PostalAddress {
    PostalAddress {
        line1: line1.into(),
        line2: String::new(),
        postcode: postcode.into(),
        city: city.into(),
        country: "FR".into(),
    }
}

/// The demo business: a small building firm in Lyon.
fn demo_profile() -> BusinessProfile {
    BusinessProfile {
        legal_name: "Atelier Moreau SARL".into(),
        legal_form: "SARL".into(),
        capital: "20 000 €".into(),
        address: address("24 rue de la Charité", "69002", "Lyon"),
        siren: "130005481".into(),
        siret: "13000548100010".into(),
        registry: "RCS Lyon".into(),
        vat_number: "FR19130005481".into(),
        vat_exempt: false,
        vat_on_debits: false,
        ape: "43.32A".into(),
        insurance: Insurance {
            insurer: "MAAF Pro".into(),
            policy: "DEC-2026-48213".into(),
            cover: "France métropolitaine".into(),
        },
        iban: "FR7630006000011234567890189".into(),
        bic: "AGRIFRPP".into(),
        payment_days: 30,
        late_rate: String::new(),
        quote_days: 30,
        phone: "04 72 00 00 00".into(),
        ..BusinessProfile::default()
    }
}

/// Makes the whole demo through the services and returns its description.
pub fn build(app: &App) -> Result<DemoSummary> {
    let services = &app.services;
    let users = add_people(services)?;
    let [claire, julien, helene, marc, paul, thomas, nadia] = &users;
    let op = Operator::command_line();
    let tilleuls = services.add_company(&op, "SCI Les Tilleuls", true)?;
    services.add_member(&op, tilleuls.id, helene.primary_email())?;
    let tilleuls = services.add_member(&op, tilleuls.id, marc.primary_email())?;
    let rousseau = services.add_person_client(&op, paul.primary_email(), false)?;
    // Who sells, and who buys, as the documents print them (INSEE's own SIREN and SIRET:
    // real numbers whose keys are right; the bank details are La Banque Postale's
    // published example).
    if services.business_profile()? == BusinessProfile::default() {
        services.set_business_profile(&op, demo_profile())?;
    }
    let tilleuls = services.set_billing(
        &op,
        tilleuls.id,
        Billing {
            address: address("8 place Bellecour", "69002", "Lyon"),
            delivery: address("12 rue des Tilleuls", "69006", "Lyon"),
            siren: "732829320".into(),
            vat_number: "FR44732829320".into(),
        },
    )?;
    services.set_billing(
        &op,
        rousseau.id,
        Billing {
            address: address("5 chemin des Vignes", "69160", "Tassin-la-Demi-Lune"),
            ..Default::default()
        },
    )?;

    let cast = Cast {
        services,
        claire,
        julien,
        helene,
        marc,
        paul,
        thomas,
        nadia,
        today: Utc::now().date_naive(),
    };
    let kitchen = super::kitchen::build(&cast, &tilleuls)?;
    let wiring = super::wiring::build(&cast, &rousseau)?;
    let facade = super::facade::build(&cast, &tilleuls)?;
    let kitchen = services.find_dossier(claire, kitchen.number)?;
    let wiring = services.find_dossier(claire, wiring.number)?;
    let clients = [&tilleuls, &rousseau];
    Ok(DemoSummary {
        users: PEOPLE
            .iter()
            .zip(&users)
            .map(|(p, u)| demo_user(p, u, &clients))
            .collect(),
        dossiers: [
            (&kitchen, &tilleuls),
            (&wiring, &rousseau),
            (&facade, &tilleuls),
        ]
        .into_iter()
        .map(|(d, c)| DemoDossier {
            number: d.number.to_string(),
            title: d.title.clone(),
            status: d.status.as_str().into(),
            client: c.name.clone(),
            address: d.mail_address(&app.config.addressing()),
        })
        .collect(),
        fresh: true,
    })
}

/// Adds the seven people, hashing their passwords on parallel threads.
fn add_people(services: &Services) -> Result<[User; 7]> {
    let made: Vec<Result<User>> = std::thread::scope(|scope| {
        let handles: Vec<_> = PEOPLE
            .iter()
            .map(|p| {
                scope.spawn(move || {
                    let email =
                        EmailAddress::parse(p.email).map_err(|e| Error::Invalid(e.refusal()))?;
                    let request = PersonRequest {
                        name: p.name.into(),
                        emails: vec![email],
                        lang: Lang::Fr,
                        staff: p.kind == "staff",
                        password: Some(p.password.into()),
                    };
                    services.add_user(&Operator::command_line(), request)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::storage("demo thread panicked")))
            })
            .collect()
    });
    let users = made.into_iter().collect::<Result<Vec<User>>>()?;
    users
        .try_into()
        .map_err(|_| Error::storage("demo people missing"))
}

fn demo_user(person: &Person, user: &User, clients: &[&Client]) -> DemoUser {
    DemoUser {
        email: user.primary_email().to_string(),
        password: person.password.into(),
        name: user.name.clone(),
        kind: person.kind.into(),
        client: clients
            .iter()
            .find(|c| c.has_member(user.id))
            .map(|c| c.name.clone()),
    }
}
