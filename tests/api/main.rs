//! HTTP tests: one binary, one module per subject, all sharing `helpers::spawn_app`.

mod admin;
mod authorization;
mod batch;
mod catalogs;
mod command_line;
mod concurrency;
mod container;
mod crash_safety;
mod create_access_package;
mod decoding_properties;
mod errors;
mod faults;
mod get_access_package;
mod helpers;
mod hostile_filters;
mod hostile_requests;
mod journal;
mod openapi;
mod persistence;
mod query;
mod query_plans;
mod seed_export;
mod shutdown;
mod tls;
mod update_delete;
