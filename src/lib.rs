//! entitlement-emulator: a local, persistent stand-in for Microsoft Graph's Entitlement
//! Management API.
//!
//! # Layout
//! - [`configuration`]: layered settings (defaults file, `--config`, environment, flags).
//! - [`startup`]: opens the database, binds, wires the app; [`routes`] maps URLs to handlers.
//! - [`tls`]: the certificate HTTPS serves, given or generated and kept.
//! - [`graph`]: Graph's wire format (versions, bodies, headers, errors, unknown paths).
//! - [`faults`]: injected throttling, 5xx and latency, configured or per request.
//! - [`journal`]: the last requests answered, for `GET /_emulator/requests`.
//! - [`openapi`]: the OpenAPI description of all of it, built from the same schemas.
//! - [`resources`]: each Graph resource type as beta and v1.0 write it.
//! - [`domain`]: what is stored and the rules for creating it.
//! - [`repository`]: all SQL and transactions.
//! - [`error`]: the one error type every failure becomes.

pub mod auth;
pub mod cli;
pub mod configuration;
pub mod domain;
pub mod error;
pub mod faults;
pub mod graph;
pub mod journal;
pub mod openapi;
pub mod repository;
pub mod resources;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod tls;

pub use error::Error;
