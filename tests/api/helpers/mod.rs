//! What every HTTP test shares: the emulator started in-process on 127.0.0.1 port 0 with
//! a fresh SQLite file in a temporary directory (`app`), or as the built binary for what
//! only a process shows (`process`); responses and the one assertion on them
//! (`response`); the bodies and call sequences real clients send, built once
//! (`builders`), the benchmark's workflow step by step (`workflow`); and wire shapes as
//! reviewed snapshots (`snapshot`).

mod app;
mod builders;
mod postgres;
mod process;
mod receiver;
mod relay;
mod response;
mod snapshot;
mod workflow;

pub use app::*;
pub use builders::*;
pub use postgres::*;
pub use process::*;
pub use receiver::*;
pub use relay::*;
pub use response::*;
pub use snapshot::*;
pub use workflow::*;

/// The built-in catalog, and the catalogId of the seed page's example.
pub const GENERAL: &str = "aa2f6514-3232-46e7-a08a-2411ad8d7128";
pub const BETA: &str = "/beta/identityGovernance/entitlementManagement";
pub const V1: &str = "/v1.0/identityGovernance/entitlementManagement";
pub const BEARER: &str = "Bearer test-token";
pub const ODATA_JSON: &str =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
pub const USERS: &str = "/v1.0/users";
pub const GROUPS: &str = "/v1.0/groups";
pub const SERVICE_PRINCIPALS: &str = "/v1.0/servicePrincipals";
