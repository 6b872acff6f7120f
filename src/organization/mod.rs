//! The tenant: creating organizations (the one code path every way of making one uses), and
//! `viewer`, which tells a caller who they are.

pub mod graphql;
pub mod store;

// The organization is its own tenant: its scope is its own id.
crate::record!(organization => "Organization", organization = Id, versioned);
