//! The search index follows the store: a lost or damaged index is built again from the
//! store at opening, `dossier check --reindex` rebuilds it, and a change is findable
//! once the queue it left is read.

use dossier::domain::ClientKind;
use dossier::service::Services;
use dossier::store::Store;

use crate::child::run_dossier;
use crate::helpers::World;

fn finds(s: &Services, staff: &dossier::domain::User, text: &str) -> usize {
    s.search(staff, text).unwrap().len()
}

#[test]
fn a_lost_or_damaged_index_is_built_again_from_the_store() {
    let mut world = World::build(ClientKind::Company);
    let s = world.services().clone();
    s.reindex_all().unwrap();
    let staff = world.staff.clone();
    assert_eq!(
        finds(&s, &staff, "cuisine"),
        2,
        "both dossiers are titled Cuisine"
    );
    s.store().flush().unwrap();
    let dir = world.dir.take().unwrap();
    drop((world, s));

    // The index's files are damaged: opening makes it anew and queues every dossier.
    std::fs::write(dir.path().join("search/meta.json"), b"{ not json").unwrap();
    let s = Services::new(Store::open(dir.path()).unwrap(), "dossier.test");
    assert_eq!(finds(&s, &staff, "cuisine"), 0, "nothing indexed yet");
    assert_eq!(s.index_queued().unwrap(), 2, "every dossier was queued");
    assert_eq!(finds(&s, &staff, "cuisine"), 2);
    s.store().flush().unwrap();
    drop(s);

    // Lost altogether: `check --reindex` rebuilds it, and says so.
    std::fs::remove_dir_all(dir.path().join("search")).unwrap();
    let out = run_dossier(dir.path(), &["check", "--reindex"], "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("search index rebuilt: 2 dossiers read"),
        "{stdout}"
    );
    let s = Services::new(Store::open(dir.path()).unwrap(), "dossier.test");
    assert_eq!(
        finds(&s, &staff, "cuisine"),
        2,
        "findable without waiting for a worker"
    );
}

#[test]
fn a_change_is_queued_in_its_transaction_and_findable_once_read() {
    let world = World::build(ClientKind::Company);
    let s = world.services();
    s.reindex_all().unwrap();
    s.rename_file(
        &world.staff,
        world.dossier.id,
        world.file.id,
        "façade-sud.pdf",
    )
    .unwrap();
    assert_eq!(finds(s, &world.staff, "facade"), 0, "not read yet");
    assert_eq!(s.index_queued().unwrap(), 1, "the one dossier changed");
    assert_eq!(finds(s, &world.staff, "facade"), 1);
    assert_eq!(s.index_queued().unwrap(), 0, "and the queue is empty");
}

#[test]
fn an_expense_no_longer_billed_is_not_found_by_the_client_even_before_the_index_reads_it() {
    let world = World::build(ClientKind::Company);
    let s = world.services();
    let mut nacelle = crate::helpers::expense_draft(true);
    nacelle.description = "Location nacelle".into();
    let expense = s
        .add_expense(&world.staff, world.dossier.id, nacelle.clone(), None)
        .unwrap();
    s.reindex_all().unwrap();
    assert_eq!(
        finds(s, &world.client, "nacelle"),
        1,
        "billed: the client finds it"
    );
    nacelle.billed_to_client = false;
    s.edit_expense(&world.staff, world.dossier.id, expense.id, nacelle, None)
        .unwrap();
    assert_eq!(
        finds(s, &world.client, "nacelle"),
        0,
        "judged as it is now, not as it was indexed"
    );
    assert_eq!(finds(s, &world.staff, "nacelle"), 1, "staff still find it");
}
