//! Shared test helpers: a services handle on a real sled store in a temp dir, a small
//! world of people and dossiers built through the services.

use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use dossier::domain::{
    Activity, ActivityDraft, BlobRef, Cents, ClientKind, DocKind, DocStatus, Document,
    DocumentDraft, Door, Dossier, EmailAddress, Event, EventDraft, EventTime, Expense,
    ExpenseCategory, ExpenseDraft, FileEntry, FileName, Lang, Line, NewFile, Quantity, User,
    VatRate,
};
use dossier::service::{NewDossierRequest, Operator, PersonRequest, Services};
use dossier::store::Store;
use tempfile::TempDir;

/// A fresh store in its own temp dir.
pub struct TestStore {
    pub dir: TempDir,
    pub services: Services,
}

/// Anything that can add people to its store.
pub trait People {
    fn services(&self) -> &Services;

    fn person(&self, name: &str, email: &str, staff: bool) -> User {
        let request = PersonRequest {
            name: name.into(),
            emails: vec![EmailAddress::parse(email).expect("address")],
            lang: Lang::Fr,
            staff,
            password: None,
        };
        self.services()
            .add_user(&Operator::command_line(), request)
            .expect("person added")
    }
}

impl People for TestStore {
    fn services(&self) -> &Services {
        &self.services
    }
}

/// An app opened (not served) in a test, for building a world in it.
pub struct AppPeople<'a>(pub &'a dossier::app::App);

impl People for AppPeople<'_> {
    fn services(&self) -> &Services {
        &self.0.services
    }
}

impl TestStore {
    pub fn new() -> TestStore {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("store opens");
        TestStore {
            services: Services::new(store, "dossier.test"),
            dir,
        }
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// A business whose documents may be issued: INSEE's own SIREN and SIRET (their keys
/// are right), the VAT number computed from it, an address and bank details.
pub fn business_profile() -> dossier::domain::BusinessProfile {
    dossier::domain::BusinessProfile {
        legal_name: "Atelier Moreau SARL".into(),
        legal_form: "SARL".into(),
        capital: "10 000 €".into(),
        address: dossier::domain::PostalAddress {
            line1: "12 rue des Lilas".into(),
            postcode: "69003".into(),
            city: "Lyon".into(),
            country: "FR".into(),
            ..Default::default()
        },
        siren: "130005481".into(),
        siret: "13000548100010".into(),
        registry: "RCS Lyon".into(),
        vat_number: format!("FR{:02}130005481", (12 + 3 * (130_005_481u64 % 97)) % 97),
        iban: "FR7630006000011234567890189".into(),
        bic: "AGRIFRPP".into(),
        ..Default::default()
    }
}

pub fn quote_draft() -> DocumentDraft {
    DocumentDraft {
        title: "Travaux".into(),
        date: date(2026, 3, 2),
        status: DocStatus::Draft,
        lines: vec![Line {
            description: "Main d'œuvre".into(),
            quantity: Quantity(2000),
            unit: "h".into(),
            unit_price: Cents(5000),
            vat_rate: VatRate(2000),
        }],
        terms: Default::default(),
    }
}

pub fn event_draft() -> EventDraft {
    let start = Utc.with_ymd_and_hms(2026, 3, 10, 8, 0, 0).unwrap();
    EventDraft {
        title: "Visite".into(),
        time: EventTime::Timed {
            start,
            end: start + chrono::Duration::hours(1),
        },
        place: "Sur place".into(),
        description: String::new(),
        attendees: vec![],
    }
}

pub fn expense_draft(billed: bool) -> ExpenseDraft {
    ExpenseDraft {
        date: date(2026, 3, 3),
        category: ExpenseCategory::Travel,
        description: "Péage".into(),
        amount: Cents(800),
        vat: Cents(160),
        billed_to_client: billed,
    }
}

pub fn activity_draft(who: &User, order: &Document) -> ActivityDraft {
    ActivityDraft {
        user: who.id,
        date: date(2026, 3, 4),
        minutes: 90,
        description: "Pose".into(),
        order: Some(order.id),
    }
}

/// Stores `bytes` as a blob named `name`.
pub fn blob(services: &Services, name: &str, bytes: &[u8]) -> BlobRef {
    let stored = services.store().blobs().put(bytes).expect("blob stored");
    BlobRef {
        name: FileName::sanitize(name),
        content_type: "application/octet-stream".into(),
        size: stored.size,
        sha256: stored.sha256,
    }
}

/// Staff, a client person (company member or private person), an intervenant, a stranger,
/// and one dossier with one of everything, all made through the services.
pub struct World {
    /// The temp dir of a store of its own; `None` inside a [`TestApp`].
    pub dir: Option<TempDir>,
    pub services: Services,
    pub staff: User,
    pub client: User,
    pub intervenant: User,
    pub stranger: User,
    /// Assigned, for the "remove" row.
    pub spare_intervenant: User,
    /// Not assigned, for the "assign" row.
    pub new_intervenant: User,
    pub dossier: Dossier,
    pub quote: Document,
    pub order: Document,
    pub billed: Expense,
    pub unbilled: Expense,
    pub event: Event,
    pub activity: Activity,
    pub file: FileEntry,
    pub doomed_file: FileEntry,
}

impl World {
    /// A world in a store of its own.
    pub fn build(kind: ClientKind) -> World {
        let test = TestStore::new();
        let mut world = World::build_in(&test, kind);
        world.dir = Some(test.dir);
        world
    }

    /// A world in `test`'s store.
    pub fn build_in(test: &impl People, kind: ClientKind) -> World {
        let s = test.services();
        let op = Operator::command_line();
        s.set_business_profile(&op, business_profile()).unwrap();
        let staff = test.person("Claire Moreau", "claire@atelier.test", true);
        let client = test.person("Hélène Garnier", "helene@client.test", false);
        let intervenant = test.person("Thomas Fabre", "thomas@fabre.test", false);
        let stranger = test.person("Eve Autre", "eve@autre.test", false);
        let spare_intervenant = test.person("Nadia Benali", "nadia@benali.test", false);
        let new_intervenant = test.person("Léo Plombier", "leo@plomb.test", false);
        let client_row = match kind {
            ClientKind::Company => {
                let c = s.add_company(&op, "SCI Les Tilleuls", true).unwrap();
                s.add_member(&op, c.id, &client.emails[0]).unwrap()
            }
            ClientKind::Person => s.add_person_client(&op, &client.emails[0], true).unwrap(),
        };
        // The stranger is a client too, of another company with its own dossier.
        let other = s.add_company(&op, "Autre SARL", true).unwrap();
        s.add_member(&op, other.id, &stranger.emails[0]).unwrap();
        let request = |client| NewDossierRequest {
            client,
            title: "Cuisine".into(),
            description: String::new(),
        };
        s.create_dossier(&staff, request(other.id)).unwrap();
        let dossier = s.create_dossier(&staff, request(client_row.id)).unwrap();
        let d = dossier.id;
        s.assign_intervenant(&staff, d, intervenant.id, "Électricien")
            .unwrap();
        s.assign_intervenant(&staff, d, spare_intervenant.id, "Architecte")
            .unwrap();
        let quote = s
            .create_document(&staff, d, DocKind::Quote, quote_draft(), None)
            .unwrap();
        let mut order_draft = quote_draft();
        order_draft.status = DocStatus::Open;
        let order = s
            .create_document(&staff, d, DocKind::Order, order_draft, Some(quote.id))
            .unwrap();
        let receipt = |name: &str| Some(blob(s, name, name.as_bytes()));
        let billed = s
            .add_expense(&staff, d, expense_draft(true), receipt("billed.pdf"))
            .unwrap();
        let unbilled = s
            .add_expense(&staff, d, expense_draft(false), receipt("unbilled.pdf"))
            .unwrap();
        let event = s.add_event(&staff, d, event_draft()).unwrap();
        let activity = s
            .record_activity(&staff, d, activity_draft(&staff, &order))
            .unwrap();
        let new_file =
            |name: &str| NewFile::attached(blob(s, name, format!("content of {name}").as_bytes()));
        let file = s
            .add_file(&staff, d, Door::Web, new_file("plan.pdf"))
            .unwrap();
        let doomed_file = s
            .add_file(&staff, d, Door::Web, new_file("old.pdf"))
            .unwrap();
        World {
            dir: None,
            services: s.clone(),
            staff,
            client,
            intervenant,
            stranger,
            spare_intervenant,
            new_intervenant,
            dossier,
            quote,
            order,
            billed,
            unbilled,
            event,
            activity,
            file,
            doomed_file,
        }
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Another dossier of the same client, closed by staff.
    pub fn closed_dossier(&self) -> Dossier {
        let request = NewDossierRequest {
            client: self.dossier.client,
            title: "Ancien".into(),
            description: String::new(),
        };
        let closed = self.services.create_dossier(&self.staff, request).unwrap();
        self.services.close_dossier(&self.staff, closed.id).unwrap()
    }

    /// The data folder.
    pub fn data(&self) -> &Path {
        self.services.store().root()
    }
}
