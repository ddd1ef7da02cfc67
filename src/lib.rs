//! entitlement-emulator: a local, persistent stand-in for Microsoft Graph's Entitlement
//! Management API.
//!
//! # Layout
//! - [`configuration`]: layered settings (defaults file, `--config`, environment, flags).
//! - [`startup`]: opens the database, binds, serves; [`app`] is the request pipeline and
//!   [`routes`] maps URLs to handlers, one set of handlers for every declared entity set.
//! - [`model`]: every entity set, declared: properties, versions' names, navigations, rules.
//! - [`tls`]: the certificate HTTPS serves, given or generated and kept.
//! - [`signin`]: Entra ID's token endpoint, discovery documents and cloud metadata.
//! - [`graph`]: Graph's wire format (versions, bodies, headers, errors, unknown paths).
//! - [`faults`]: injected throttling, 5xx and latency, configured or per request.
//! - [`journal`]: the last requests answered, for `GET /_emulator/requests`.
//! - [`openapi`]: the OpenAPI description of all of it, built from the declarations.
//! - [`odata`]: query options parsed against the declarations.
//! - [`tenants`]: a store per tenant, and which tenant a request is for.
//! - [`repository`]: all SQL and transactions.
//! - [`error`]: the one error type every failure becomes.

pub mod app;
pub mod auth;
pub mod cli;
pub mod configuration;
pub mod error;
pub mod faults;
pub mod graph;
pub mod journal;
pub mod model;
pub mod odata;
pub mod openapi;
pub mod repository;
pub mod routes;
pub mod secret;
pub mod signin;
pub mod startup;
pub mod telemetry;
pub mod tenants;
pub mod tls;

pub use error::Error;
