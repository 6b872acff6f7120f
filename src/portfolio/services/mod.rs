//! Services of the portfolio: create, update, retire, list.

pub mod graphql;
pub mod store;
