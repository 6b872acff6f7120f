//! Readiness: how close a cycle is to its certification audit, and why (DOMAIN.md's
//! checklist). Each area's rules find what meets the checklist and what blocks it
//! ([`rules`]); the engine turns their findings into items, a heat map and a score
//! ([`evaluate`]); [`live`] recomputes readiness after changes, records it when it moved
//! ([`history`]) and pushes it to subscribers; [`forecast`] projects when a cycle will be ready.

pub mod evaluate;
pub mod forecast;
pub mod graphql;
pub mod history;
pub mod live;
pub mod rules;

crate::tenant!(readiness_record);
