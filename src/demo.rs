//! The demo organization of `serve --demo`: the seed's regional managed service provider with
//! 80 staff, scoped to its hosted-services portfolio. Each area adds its own records here.

use entity::{Role, organization};

use crate::{
    audit_trail::Change,
    auth::Actor,
    error::AppResult,
    organization::store as organization_store,
    people::store::{self as people_store, NewPerson},
    state::AppState,
};

/// Name of the demo organization.
pub const ORGANIZATION_NAME: &str = "Harbor Hosted Services";
/// Login subject of the demo administrator, whose token `serve --demo` prints.
pub const ADMIN_SUBJECT: &str = "demo-admin";
/// Staff of the seed's example MSP.
const STAFF: usize = 80;

const FIRST_NAMES: [&str; 20] = [
    "Ada", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Lars", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara",
];
const LAST_NAMES: [&str; 16] = [
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Kowalski",
    "Haddad",
    "Novak",
    "Fischer",
    "Santos",
    "Byrne",
    "Larsen",
    "Costa",
    "Ivanova",
    "Mensah",
    "Walsh",
];

/// The role of staff member `index`: one admin, a few managers, process owners and auditors, the
/// rest viewers. Everyone but the viewers has a login.
fn role_of(index: usize) -> Option<Role> {
    match index {
        0 => Some(Role::Admin),
        1..=3 => Some(Role::Manager),
        4..=15 => Some(Role::ProcessOwner),
        16..=19 => Some(Role::Auditor),
        _ => None,
    }
}

fn staff_member(index: usize) -> NewPerson {
    let first = FIRST_NAMES[index % FIRST_NAMES.len()];
    let last = LAST_NAMES[(index / FIRST_NAMES.len() + index * 3) % LAST_NAMES.len()];
    let role = role_of(index);
    NewPerson {
        name: format!("{first} {last}"),
        email: format!(
            "{}.{}.{index}@harbor-hosted.example",
            first.to_lowercase(),
            last.to_lowercase()
        ),
        login_subject: match index {
            0 => Some(ADMIN_SUBJECT.to_owned()),
            _ if role.is_some() => Some(format!("demo-{}", index)),
            _ => None,
        },
        role: role.or(Some(Role::Viewer)),
    }
}

/// Loads the demo organization unless the database already has an organization; returns the
/// demo (or first) organization and whether it was just created.
pub async fn ensure(state: &AppState) -> AppResult<(organization::Model, bool)> {
    if let Some(existing) = organization_store::first(&state.db).await? {
        return Ok((existing, false));
    }
    let organization =
        organization_store::create(&state.db, &state.bus, ORGANIZATION_NAME, "demo").await?;
    let actor = Actor::system(organization.id, "demo");
    let mut change = Change::begin(&state.db, &actor).await?;
    for index in 0..STAFF {
        people_store::create(&mut change, staff_member(index)).await?;
    }
    change.commit(&state.bus).await?;
    Ok((organization, true))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn staff_have_unique_emails_and_one_admin() {
        let staff: Vec<_> = (0..STAFF).map(staff_member).collect();
        let emails: HashSet<_> = staff.iter().map(|p| p.email.clone()).collect();
        assert_eq!(emails.len(), STAFF);
        let admins = staff.iter().filter(|p| p.role == Some(Role::Admin)).count();
        assert_eq!(admins, 1);
        assert_eq!(staff[0].login_subject.as_deref(), Some(ADMIN_SUBJECT));
    }
}
