//! Builds the database a fresh store starts as: every migration of `migrations/` applied to
//! an empty file, recorded in `_sqlx_migrations` exactly as sqlx's migrator records them
//! (version, description, SHA-384 checksum), so `sqlx::migrate!()` and `sqlx migrate run`
//! both see a copy of it as fully migrated. Replaying the migrations costs tens of
//! milliseconds at each start; copying this file costs one write.
//!
//! `sqlx::migrate!()` also reads `migrations/` at compile time, but Cargo does not know the
//! macro does: the rerun line below rebuilds both when a migration is added or changed.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha384};

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let template = out.join("migrated.db");
    for stale in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{stale}", template.display()));
    }
    if let Err(error) = build(Path::new("migrations"), &template) {
        panic!("building the migrated template database: {error}");
    }
}

fn build(folder: &Path, template: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|path| path.extension().is_some_and(|e| e == "sql"));
    files.sort();
    let mut db = rusqlite::Connection::open(template)?;
    // What sqlx-sqlite's `ensure_migrations_table` creates, word for word.
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);",
    )?;
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("a migration's name is not UTF-8")?;
        // sqlx: `<version>_<description>.sql`, underscores of the description read as spaces.
        let (version, rest) = name
            .split_once('_')
            .ok_or_else(|| format!("{name}: no version"))?;
        let version: i64 = version.parse()?;
        let description = rest.trim_end_matches(".sql").replace('_', " ");
        let sql = std::fs::read_to_string(&path)?;
        if sql.starts_with("-- no-transaction") {
            return Err(format!("{name}: no-transaction migrations are not built in").into());
        }
        let checksum = Sha384::digest(sql.as_bytes()).to_vec();
        let tx = db.transaction()?;
        tx.execute_batch(&sql).map_err(|e| format!("{name}: {e}"))?;
        tx.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (?1, ?2, TRUE, ?3, 0)",
            rusqlite::params![version, description, checksum],
        )?;
        tx.commit()?;
    }
    // WAL, as the emulator opens it: the mode is kept in the file's header.
    db.execute_batch("VACUUM; PRAGMA journal_mode = WAL;")?;
    db.close().map_err(|(_, e)| e)?;
    Ok(())
}
