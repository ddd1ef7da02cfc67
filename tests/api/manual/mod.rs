//! The manual's generated pages: the per-set reference (`docs/src/reference/`), the
//! settings (`docs/src/generated/settings.md`) and the parity map
//! (`docs/src/generated/parity.md`, written by `documented_operations`). Each is written
//! from what the code and the checked lists hold, and compared with the committed file, so
//! the manual cannot drift: a declaration changed without regenerating fails here.
//!
//! `UPDATE_MANUAL=1 cargo test --test api -- manual` (and `documented_operations`) writes them.

mod reference;
mod relations;
mod settings;

use std::path::{Path, PathBuf};

/// Where the manual's sources are.
pub fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src")
}

/// The notice every generated page opens with, so nobody edits one by hand.
pub fn banner(how: &str) -> String {
    format!(
        "<!-- Generated {how} by tests/api/manual; edit the source, then run\n     \
         `UPDATE_MANUAL=1 cargo test --test api -- manual documented_operations`. -->\n"
    )
}

/// Compares each page with its committed file (or writes it, with `UPDATE_MANUAL=1`);
/// panics naming every page that differs.
pub fn check(pages: &[(PathBuf, String)]) {
    let update = std::env::var_os("UPDATE_MANUAL").is_some_and(|value| value == "1");
    let mut stale = Vec::new();
    for (path, text) in pages {
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        if committed == *text {
            continue;
        }
        if update {
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder).expect("the manual's folder can be made");
            }
            std::fs::write(path, text).expect("the manual's page can be written");
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "the manual differs from what the code generates: {}\n\
         run `UPDATE_MANUAL=1 cargo test --test api -- manual documented_operations` and commit \
         the pages",
        stale.join(", ")
    );
}

#[test]
fn the_settings_page_is_what_config_default_toml_says() {
    check(&[(
        docs().join("generated/settings.md"),
        settings::page(include_str!("../../../config/default.toml")),
    )]);
}

#[test]
fn each_entity_type_has_its_generated_reference_page() {
    let pages = reference::pages();
    // A page the declarations no longer give is stale too.
    let folder = docs().join("reference");
    let extra: Vec<String> = std::fs::read_dir(&folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| !pages.iter().any(|(page, _)| page == path))
                .map(|path| path.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        extra.is_empty(),
        "no declaration gives {extra:?}: delete it"
    );
    check(&pages);
    // mdBook renders only what SUMMARY.md lists.
    let summary = std::fs::read_to_string(docs().join("SUMMARY.md")).unwrap_or_default();
    let unlisted: Vec<String> = pages
        .iter()
        .filter_map(|(path, _)| path.file_name()?.to_str().map(str::to_owned))
        .filter(|name| !summary.contains(&format!("(reference/{name})")))
        .collect();
    assert!(
        unlisted.is_empty(),
        "docs/src/SUMMARY.md lists no {unlisted:?}"
    );
}

/// README is outside the book the link check reads: its links into the manual are checked
/// here, file by file.
#[test]
fn readme_links_name_files_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = include_str!("../../../README.md");
    let broken: Vec<&str> = readme
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(target, _)| target))
        .filter(|target| !target.starts_with("http"))
        .filter(|target| {
            !root
                .join(target.split('#').next().unwrap_or(target))
                .exists()
        })
        .collect();
    assert!(
        broken.is_empty(),
        "README links to missing files: {broken:?}"
    );
}
