//! People named in the SMS (sponsors, process owners, auditors, attendees), their logins and
//! roles.

pub mod demo;
pub mod graphql;
pub mod store;

crate::record!(person => "Person", versioned);
