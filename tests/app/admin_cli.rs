//! `dossier admin …` through the real binary: each command changes one thing, and bad
//! input gets one clear line, a non-zero exit, and changes nothing.

use crate::child::run_dossier;

fn ok(data: &std::path::Path, args: &[&str], stdin: &str) -> String {
    let out = run_dossier(data, args, stdin);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail; returns (exit code, stderr).
fn refused(data: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = run_dossier(data, args, "");
    assert!(!out.status.success(), "{args:?} should fail");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    (out.status.code().unwrap(), stderr)
}

fn list(data: &std::path::Path) -> String {
    ok(data, &["admin", "list"], "")
}

#[test]
fn an_installation_is_set_up_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let line = ok(
        data,
        &[
            "admin",
            "add-staff",
            "--name",
            "Claire Moreau",
            "--email",
            "Claire@Atelier.test",
            "--password-file",
            "-",
        ],
        "a long enough password\n",
    );
    assert!(
        line.contains("added staff member Claire Moreau <claire@atelier.test>"),
        "{line}"
    );
    ok(
        data,
        &[
            "admin",
            "add-person",
            "--name",
            "Hélène Garnier",
            "--email",
            "helene@client.test",
            "--lang",
            "en",
        ],
        "",
    );
    ok(
        data,
        &[
            "admin",
            "add-person",
            "--name",
            "Paul Rousseau",
            "--email",
            "paul@perso.test",
        ],
        "",
    );
    let line = ok(
        data,
        &[
            "admin",
            "add-company",
            "--name",
            "SCI Les Tilleuls",
            "--may-create-dossiers",
        ],
        "",
    );
    assert!(
        line.contains("company SCI Les Tilleuls") && line.contains("may open dossiers"),
        "{line}"
    );
    ok(
        data,
        &[
            "admin",
            "add-member",
            "--client",
            "sci les tilleuls",
            "--email",
            "HELENE@client.test",
        ],
        "",
    );
    ok(
        data,
        &["admin", "add-private-client", "--email", "paul@perso.test"],
        "",
    );
    ok(
        data,
        &[
            "admin",
            "add-email",
            "--user",
            "paul@perso.test",
            "--email",
            "paul.rousseau@work.test",
        ],
        "",
    );
    ok(
        data,
        &[
            "admin",
            "set-may-create-dossiers",
            "--client",
            "Paul Rousseau",
            "--allowed",
            "true",
        ],
        "",
    );
    let invited = ok(
        data,
        &[
            "admin",
            "invite",
            "--email",
            "helene@client.test",
            "--by",
            "claire@atelier.test",
        ],
        "",
    );
    assert!(
        invited.contains("invitation queued for Hélène Garnier"),
        "{invited}"
    );
    let listing = list(data);
    assert!(
        listing.contains("staff\tClaire Moreau\tclaire@atelier.test"),
        "{listing}"
    );
    assert!(
        listing.contains("SCI Les Tilleuls\thelene@client.test"),
        "{listing}"
    );
    assert!(
        listing.contains("Paul Rousseau\tpaul@perso.test, paul.rousseau@work.test"),
        "{listing}"
    );
}

#[test]
fn bad_input_gets_one_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(
        data,
        &[
            "admin",
            "add-staff",
            "--name",
            "Claire",
            "--email",
            "claire@atelier.test",
        ],
        "",
    );
    ok(data, &["admin", "add-company", "--name", "A"], "");
    let before = list(data);

    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "admin",
                "add-person",
                "--name",
                "Twin",
                "--email",
                "CLAIRE@atelier.test",
            ],
            "already used by Claire",
        ),
        (
            &[
                "admin",
                "add-person",
                "--name",
                "Bad",
                "--email",
                "not-an-address",
            ],
            "not a valid e-mail address",
        ),
        (
            &[
                "admin",
                "add-person",
                "--name",
                "Bad",
                "--email",
                "ok@fine.test",
                "--email",
                "bad@",
            ],
            "not a valid e-mail address",
        ),
        (
            &[
                "admin",
                "add-person",
                "--name",
                "  ",
                "--email",
                "blank@name.test",
            ],
            "name is required",
        ),
        (
            &[
                "admin",
                "add-person",
                "--name",
                "X",
                "--email",
                "x@y.test",
                "--lang",
                "de",
            ],
            "not fr or en",
        ),
        (
            &[
                "admin",
                "add-member",
                "--client",
                "Nobody Inc",
                "--email",
                "claire@atelier.test",
            ],
            "no client «Nobody Inc»",
        ),
        (
            &[
                "admin",
                "add-member",
                "--client",
                "A",
                "--email",
                "ghost@nowhere.test",
            ],
            "No one has the address",
        ),
        (
            &[
                "admin",
                "add-member",
                "--client",
                "A",
                "--email",
                "claire@atelier.test",
            ],
            "staff member cannot be",
        ),
        (&["admin", "add-company", "--name", "a"], "already exists"),
        (
            &[
                "admin",
                "add-private-client",
                "--email",
                "ghost@nowhere.test",
            ],
            "No one has the address",
        ),
        (
            &[
                "admin",
                "add-staff",
                "--name",
                "Short",
                "--email",
                "s@p.test",
                "--password-file",
                "/nonexistent/pw",
            ],
            "cannot read the password",
        ),
    ];
    for (args, sentence) in cases {
        let (code, stderr) = refused(data, args);
        assert_eq!(code, 65, "{args:?}: {stderr}");
        assert!(
            stderr.contains(sentence),
            "{args:?}: expected «{sentence}» in {stderr:?}"
        );
    }
    assert_eq!(list(data), before, "nothing changed");
}

#[test]
fn a_short_password_is_refused_before_anything_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_dossier(
        dir.path(),
        &[
            "admin",
            "add-staff",
            "--name",
            "Claire",
            "--email",
            "claire@atelier.test",
            "--password-file",
            "-",
        ],
        "short\n",
    );
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
    assert!(!list(dir.path()).contains("claire"), "no half-made account");
}

#[test]
fn a_bad_configuration_names_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = refused(dir.path(), &["--timezone", "Mars/Olympus", "admin", "list"]);
    assert_eq!(code, 78);
    assert!(stderr.contains("timezone «Mars/Olympus»"), "{stderr}");
    let config = dir.path().join("dossier.toml");
    std::fs::write(
        &config,
        "mail-domain = \"mail.atelier.test\"\nunknown-key = 1\n",
    )
    .unwrap();
    let (code, stderr) = refused(
        dir.path(),
        &["--config", config.to_str().unwrap(), "admin", "list"],
    );
    assert_eq!(code, 78);
    assert!(stderr.contains("unknown field"), "{stderr}");
}
