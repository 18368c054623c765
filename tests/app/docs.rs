//! The documents that describe the code keep up with it: every module of the crate has
//! its row in ARCHITECTURE's table, and every row names something that exists.

#[test]
fn the_architecture_table_names_every_module_and_only_modules_that_exist() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lib = std::fs::read_to_string(format!("{root}/src/lib.rs")).unwrap();
    let architecture = std::fs::read_to_string(format!("{root}/ARCHITECTURE.md")).unwrap();
    let rows: Vec<&str> = architecture
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.split('|').nth(1).unwrap_or_default())
        .collect();
    for module in lib.lines().filter_map(|l| l.strip_prefix("pub mod ")) {
        let module = module.trim_end_matches(';');
        let named = |path: &str| rows.iter().any(|row| row.contains(&format!("`{path}")));
        assert!(
            named(&format!("src/{module}")) || named(&format!("{module}/")),
            "ARCHITECTURE's table has no row for the module {module}"
        );
    }
    for row in rows {
        for path in row
            .split('`')
            .filter(|p| p.starts_with("src/") || p.starts_with("templates/"))
        {
            assert!(
                std::path::Path::new(&format!("{root}/{path}")).exists(),
                "ARCHITECTURE names {path}, which does not exist"
            );
        }
    }
}
