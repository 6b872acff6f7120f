//! API tokens for integration scripts: created by an ADMIN, shown once, stored as a hash,
//! scoped, optionally expiring, revocable with immediate effect.

pub mod graphql;
pub mod secret;
pub mod store;

crate::record!(api_token => "ApiToken");
