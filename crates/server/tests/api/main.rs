//! Integration tests: the real `quarry` binary on port 0 with a fresh store, driven over HTTP.

mod auth_flow;
mod bad_input;
mod cli;
mod datasources;
mod fake_api;
mod gateway;
mod harness;
mod monitoring;
mod permissions;
mod query;
mod studio;
mod transport;
mod users_roles;
mod workflow_triggers;
mod workflows;
