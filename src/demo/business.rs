//! The demo business: Atelier Moreau, a renovation contractor in Lyon, with a company
//! client, a private client, two intervenants and three dossiers (one closed).

use chrono::{Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use super::{DemoDossier, DemoSummary, DemoUser};
use crate::app::App;
use crate::domain::{
    ActivityDraft, Billing, BlobRef, BusinessProfile, Cents, Client, DocKind, DocStatus, Document,
    DocumentDraft, Door, Dossier, EmailAddress, EventDraft, EventTime, ExpenseCategory,
    ExpenseDraft, FileName, Insurance, Lang, Line, NewFile, NewMessage, PostalAddress, Quantity,
    Share, Terms, User, VatRate,
};
use crate::error::{Error, Result};
use crate::service::{NewDossierRequest, Operator, PersonRequest, Services};

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

fn blob(services: &Services, name: &str) -> Result<BlobRef> {
    let (_, content_type, bytes) = FILES.iter().find(|f| f.0 == name).ok_or(Error::NotFound)?;
    let stored = services.store().blobs().put(bytes)?;
    Ok(BlobRef {
        name: FileName::sanitize(name),
        content_type: content_type.to_string(),
        size: stored.size,
        sha256: stored.sha256,
    })
}

fn line(description: &str, quantity: i64, unit_cents: i64, vat_bp: u32) -> Line {
    Line {
        description: description.into(),
        quantity: Quantity(quantity * 1000),
        unit: String::new(),
        unit_price: Cents(unit_cents),
        vat_rate: VatRate(vat_bp),
    }
}

fn say(
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

fn at(day: NaiveDate, hour: u32, minutes: i64) -> EventTime {
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

fn document(
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
    let today = Utc::now().date_naive();
    let ago = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
    let ahead = |days: u64| today.checked_add_days(Days::new(days)).unwrap_or(today);

    // 1. The kitchen: a full, lively dossier.
    let kitchen = services.create_dossier(claire, NewDossierRequest { client: tilleuls.id, title: "Rénovation de la cuisine — 12 rue des Tilleuls".into(), description: "Dépose de l'ancienne cuisine, reprise de l'électricité, pose d'une cuisine équipée et d'un îlot central.".into() })?;
    services.assign_intervenant(claire, kitchen.id, thomas.id, "Sous-traitant électricité")?;
    services.assign_intervenant(claire, kitchen.id, nadia.id, "Architecte")?;
    services.set_own_reference(helene, kitchen.id, "BC-2026-118")?;
    services.set_own_reference(thomas, kitchen.id, "Chantier FAB-0412")?;
    let lines = vec![
        line("Dépose de la cuisine existante", 1, 85_000, 2000),
        line("Reprise du réseau électrique", 1, 142_000, 2000),
        line("Fourniture et pose de faïence (m²)", 14, 6_800, 1000),
        line("Pose de la cuisine équipée", 1, 210_000, 1000),
    ];
    let quote = document(
        services,
        claire,
        &kitchen,
        DocKind::Quote,
        ("Rénovation cuisine", ago(30), DocStatus::Accepted),
        lines.clone(),
        None,
    )?;
    let order = document(
        services,
        claire,
        &kitchen,
        DocKind::Order,
        ("Rénovation cuisine", ago(21), DocStatus::Open),
        lines.clone(),
        Some(&quote),
    )?;
    // A deposit of 30 %, issued; the final invoice deducts it; a credit note takes back
    // a line of the final invoice that was not done.
    let deposit = services.create_deposit(claire, kitchen.id, order.id, Share::Percent(3000))?;
    services.issue_document(claire, kitchen.id, deposit.id)?;
    let last = services.create_final(claire, kitchen.id, order.id)?;
    let last = services.issue_document(claire, kitchen.id, last.id)?;
    let credit = services.create_document(
        claire,
        kitchen.id,
        DocKind::CreditNote,
        DocumentDraft {
            title: String::new(),
            date: today,
            status: DocStatus::Draft,
            lines: vec![line(
                "Dépose de la cuisine existante, faite par le client",
                1,
                85_000,
                2000,
            )],
            terms: Default::default(),
        },
        Some(last.id),
    )?;
    services.issue_document(claire, kitchen.id, credit.id)?;
    services.add_event(
        claire,
        kitchen.id,
        EventDraft {
            title: "Visite de chantier".into(),
            time: at(ago(14), 9, 90),
            place: "12 rue des Tilleuls, 69006 Lyon".into(),
            description: "État des lieux avant dépose.".into(),
            attendees: vec![claire.id, helene.id, nadia.id],
        },
    )?;
    services.add_event(
        julien,
        kitchen.id,
        EventDraft {
            title: "Pose de la cuisine".into(),
            time: EventTime::AllDay {
                first: ahead(7),
                last: ahead(9),
            },
            place: "12 rue des Tilleuls, 69006 Lyon".into(),
            description: "Accès par la cour ; prévoir le monte-charge.".into(),
            attendees: vec![julien.id, thomas.id],
        },
    )?;
    services.add_event(
        claire,
        kitchen.id,
        EventDraft {
            title: "Réception des travaux".into(),
            time: at(ahead(12), 14, 60),
            place: "Sur place".into(),
            description: String::new(),
            attendees: vec![claire.id, helene.id, marc.id],
        },
    )?;
    let toll = blob(services, "ticket-peage.pdf")?;
    services.add_expense(
        julien,
        kitchen.id,
        ExpenseDraft {
            date: ago(14),
            category: ExpenseCategory::Travel,
            description: "Péage Villefranche – Lyon Nord".into(),
            amount: Cents(800),
            vat: Cents(160),
            billed_to_client: true,
        },
        Some(toll),
    )?;
    let tiles = blob(services, "facture-carrelage.pdf")?;
    services.add_expense(
        julien,
        kitchen.id,
        ExpenseDraft {
            date: ago(10),
            category: ExpenseCategory::Purchase,
            description: "Faïence blanche 10x20, 14 m²".into(),
            amount: Cents(41_200),
            vat: Cents(8_240),
            billed_to_client: false,
        },
        Some(tiles),
    )?;
    for (who, days, minutes, what) in [
        (julien, 14, 90, "Visite et métré"),
        (julien, 6, 420, "Dépose de la cuisine existante"),
        (claire, 5, 60, "Commande des fournitures"),
    ] {
        services.record_activity(
            claire,
            kitchen.id,
            ActivityDraft {
                user: who.id,
                date: ago(days),
                minutes,
                description: what.into(),
                order: Some(order.id),
            },
        )?;
    }
    say(
        services,
        claire,
        &kitchen,
        "Bonjour à tous,\n\nVoici le compte rendu de la visite et le plan validé. La dépose commence lundi.",
        &["compte-rendu-visite.txt", "plan-cuisine.pdf"],
    )?;
    say(
        services,
        helene,
        &kitchen,
        "Merci Claire. Pouvez-vous confirmer que l'eau sera coupée seulement le mardi matin ?",
        &[],
    )?;
    say(
        services,
        thomas,
        &kitchen,
        "Le nouveau tableau arrive jeudi, je passe le poser vendredi.",
        &[],
    )?;
    say(
        services,
        julien,
        &kitchen,
        "Confirmé : coupure d'eau mardi de 8 h à 11 h.",
        &[],
    )?;

    // 2. Paul Rousseau's electrical work: a private client, a quote waiting for an answer.
    let wiring = services.create_dossier(
        julien,
        NewDossierRequest {
            client: rousseau.id,
            title: "Mise aux normes électriques".into(),
            description:
                "Remplacement du tableau et mise à la terre, maison individuelle à Écully.".into(),
        },
    )?;
    services.assign_intervenant(julien, wiring.id, thomas.id, "Électricien")?;
    document(
        services,
        julien,
        &wiring,
        DocKind::Quote,
        ("Mise aux normes NF C 15-100", ago(3), DocStatus::Sent),
        vec![
            line("Tableau électrique 3 rangées", 1, 68_000, 1000),
            line("Mise à la terre", 1, 32_000, 1000),
            line("Main d'œuvre (heures)", 12, 5_500, 1000),
        ],
        None,
    )?;
    services.add_event(
        julien,
        wiring.id,
        EventDraft {
            title: "Diagnostic électrique".into(),
            time: at(ahead(2), 10, 120),
            place: "4 chemin des Vignes, 69130 Écully".into(),
            description: "Prévoir l'accès au compteur.".into(),
            attendees: vec![julien.id, paul.id, thomas.id],
        },
    )?;
    say(
        services,
        paul,
        &wiring,
        "Bonjour, le devis me convient mais pouvez-vous commencer après le 15 ?",
        &[],
    )?;

    // 3. The façade: finished, invoiced, paid and closed.
    let facade = services.create_dossier(
        claire,
        NewDossierRequest {
            client: tilleuls.id,
            title: "Ravalement de façade — 12 rue des Tilleuls".into(),
            description: "Nettoyage, reprise des fissures et peinture de la façade sur rue.".into(),
        },
    )?;
    let lines = vec![
        line("Échafaudage (semaines)", 3, 95_000, 2000),
        line("Ravalement et peinture (m²)", 120, 4_200, 2000),
    ];
    let quote = document(
        services,
        claire,
        &facade,
        DocKind::Quote,
        ("Ravalement", ago(120), DocStatus::Accepted),
        lines.clone(),
        None,
    )?;
    let order = document(
        services,
        claire,
        &facade,
        DocKind::Order,
        ("Ravalement", ago(110), DocStatus::Done),
        lines.clone(),
        Some(&quote),
    )?;
    document(
        services,
        claire,
        &facade,
        DocKind::Invoice,
        ("Ravalement — solde", ago(60), DocStatus::Paid),
        lines,
        Some(&order),
    )?;
    say(
        services,
        claire,
        &facade,
        "Les travaux sont terminés ; voici la photo de la façade avant reprise pour vos archives.",
        &["facade-avant-travaux.png"],
    )?;
    say(
        services,
        marc,
        &facade,
        "Parfait, merci pour le suivi. Facture réglée ce jour.",
        &[],
    )?;
    let facade = services.close_dossier(claire, facade.id)?;

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
