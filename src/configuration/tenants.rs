//! `[tenants]`: which tenants may be used besides the home one, and how many stay open
//! (`crate::tenants`). Each name of `allowed` is checked where tenant names are parsed, at
//! start-up.

use serde::Deserialize;

use super::ConfigurationError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantsSettings {
    /// Tenants that may sign in and be used: `"*"` any, else GUIDs or domain names.
    pub allowed: Vec<String>,
    /// Stores open at once besides home's; idle ones beyond it are closed.
    pub max_open: usize,
    /// Folder of their database files; empty: `<database file>.tenants` beside it.
    pub dir: String,
}

impl TenantsSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigurationError> {
        if self.max_open == 0 {
            return Err(ConfigurationError::key(
                "tenants.max_open",
                "must be at least 1",
            ));
        }
        Ok(())
    }
}
