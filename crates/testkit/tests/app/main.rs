//! Integration tests: the real server over HTTP, on SQLite and (when configured) PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::zombie_processes
)]

mod access;
mod api_clients;
mod audit;
mod auth;
mod bounds;
mod concurrency;
mod credentials;
mod csv_exports;
mod desk;
mod desk_mail;
mod faults;
mod fuzz;
mod imports;
mod invoicing;
mod invoicing_drafts;
mod invoicing_props;
mod invoicing_radar;
mod jobs_mail;
mod lists;
mod nps;
mod portal;
mod portal_walk;
mod reports;
mod schema;
mod security;
mod time;
mod value_report;
mod web;
