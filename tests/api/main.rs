//! Black-box tests of the API: HTTP and WebSocket against a server on a free port, with real
//! JWTs and a real database (SQLite by default; PostgreSQL when TEST_DATABASE_URL is set).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_tokens;
mod audit_trail;
mod authentication;
mod authorization;
mod cli;
mod concurrency;
mod costs;
mod cycles;
mod dashboard;
mod descriptions;
mod documents;
mod frameworks;
mod gap_analysis;
mod graphql_over_http;
mod helpers;
mod indexes;
mod introspection;
mod jwks;
mod limits;
mod nesting;
mod nullability;
mod operations;
mod people;
mod process_map;
mod process_owners;
mod processes;
mod raci;
mod read_cache;
mod readiness;
mod readiness_live;
mod records;
mod remediation;
mod replicas;
mod schema;
mod schema_walk;
mod services;
mod subscriptions;
mod tenancy;
mod training;
mod validation;
mod websocket;
mod websocket_limits;
mod ws_client;
