//! The tenant: creating organizations (the one code path every way of making one uses), and
//! `viewer`, which tells a caller who they are.

pub mod graphql;
pub mod store;
