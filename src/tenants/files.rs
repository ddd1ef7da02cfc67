//! Where tenants live on disk. The home tenant's store is `database.url`, where a
//! single-tenant emulator always kept it, so an existing database is the home tenant
//! unchanged. Every other tenant is `<guid>.db` in one folder (`tenants.dir`, by default
//! `<database file>.tenants` beside it); the name is the tenant's GUID, which
//! `TenantId` guarantees, so no tenant name can reach another path.
//!
//! A new tenant's file is a copy of a template: one database migrated (and seeded) once
//! per process, kept as bytes. Writing those bytes is the whole cost of a new tenant's
//! schema, instead of running every migration again.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::id::TenantId;
use crate::configuration::{DatabaseSettings, Synchronous};

/// Extension of a tenant's database file.
const EXTENSION: &str = "db";

pub(super) struct Files {
    dir: PathBuf,
    /// `synchronous = "full"` also flushes a new tenant's file before it is used.
    flush: bool,
}

impl Files {
    pub fn new(database: &DatabaseSettings, dir: &str) -> Self {
        let dir = if dir.is_empty() {
            let file = database
                .connect_options()
                .map(|options| options.get_filename().to_path_buf())
                .unwrap_or_else(|_| PathBuf::from("emulator.db"));
            let mut name = file.file_name().unwrap_or_default().to_os_string();
            name.push(".tenants");
            file.with_file_name(name)
        } else {
            PathBuf::from(dir)
        };
        Self {
            dir,
            flush: database.synchronous == Synchronous::Full,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, tenant: &TenantId) -> PathBuf {
        self.dir.join(format!("{tenant}.{EXTENSION}"))
    }

    /// Where the template is built: a name no tenant can have. Those a killed process
    /// left behind are removed first.
    pub fn scratch(&self) -> PathBuf {
        if let Ok(entries) = fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                if entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".template-")
                {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        self.dir
            .join(format!(".template-{}.{EXTENSION}", std::process::id()))
    }

    pub fn exists(&self, tenant: &TenantId) -> bool {
        self.path(tenant).is_file()
    }

    /// Writes a new tenant's file from the template, readable by its owner alone (it holds
    /// digests of client secrets). Written under another name and renamed into place, so a
    /// process killed meanwhile leaves no half-written tenant; a WAL a deleted tenant of
    /// the same id left behind is removed first. A file already there is kept: it is the
    /// tenant.
    pub fn create(&self, tenant: &TenantId, template: &[u8]) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let path = self.path(tenant);
        if path.exists() {
            return Ok(());
        }
        for stale in [sidecar(&path, "-wal"), sidecar(&path, "-shm")] {
            match fs::remove_file(stale) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
        }
        let partial = self.dir.join(format!(".{tenant}.{EXTENSION}.partial"));
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&partial)?;
        file.write_all(template)?;
        if self.flush {
            file.sync_all()?;
        }
        fs::rename(&partial, &path)?;
        if self.flush {
            fs::File::open(&self.dir)?.sync_all()?;
        }
        Ok(())
    }

    /// Removes a tenant's database and its WAL; true when there was one. (A WAL left by a
    /// process killed in between is removed when the id is made again.)
    pub fn remove(&self, tenant: &TenantId) -> io::Result<bool> {
        let path = self.path(tenant);
        let existed = path.is_file();
        for file in [path.clone(), sidecar(&path, "-wal"), sidecar(&path, "-shm")] {
            match fs::remove_file(&file) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(error),
            }
        }
        Ok(existed)
    }

    /// Reads a built template and removes its files.
    pub fn take_template(&self, path: &Path) -> io::Result<Vec<u8>> {
        let wal = fs::metadata(sidecar(path, "-wal")).map_or(0, |wal| wal.len());
        if wal > 0 {
            return Err(io::Error::other(
                "the template's WAL was not copied into it when it closed",
            ));
        }
        let bytes = fs::read(path)?;
        for file in [
            path.to_path_buf(),
            sidecar(path, "-wal"),
            sidecar(path, "-shm"),
        ] {
            let _ = fs::remove_file(file);
        }
        Ok(bytes)
    }

    /// The tenants that have a file, by id; files of other names are not tenants.
    pub fn stored(&self) -> Vec<TenantId> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut tenants: Vec<TenantId> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let stem = name.strip_suffix(&format!(".{EXTENSION}"))?;
                TenantId::parse(stem).filter(|id| id.as_str() == stem)
            })
            .collect();
        tenants.sort();
        tenants
    }
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}
