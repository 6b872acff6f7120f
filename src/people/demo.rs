//! The people of the demo organization: the seed's regional MSP with 80 staff.

use entity::Role;

use super::store::{self, NewPerson, Subject};
use crate::{
    error::AppResult,
    store::Change,
    validation::{Email, Name, parse_opt},
};

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

fn staff_member(index: usize) -> AppResult<NewPerson> {
    let first = FIRST_NAMES[index % FIRST_NAMES.len()];
    let last = LAST_NAMES[(index / FIRST_NAMES.len() + index * 3) % LAST_NAMES.len()];
    let role = role_of(index);
    let subject = match index {
        0 => Some(ADMIN_SUBJECT.to_owned()),
        _ if role.is_some() => Some(format!("demo-{index}")),
        _ => None,
    };
    Ok(NewPerson {
        name: Name::parse("name", &format!("{first} {last}"))?,
        email: Email::parse(
            "email",
            &format!(
                "{}.{}.{index}@harbor-hosted.example",
                first.to_lowercase(),
                last.to_lowercase()
            ),
        )?,
        login_subject: parse_opt(subject, |s| Subject::parse("loginSubject", s))?,
        role: role.or(Some(Role::Viewer)),
    })
}

/// The staff of the seed's MSP, in index order: one admin (index 0), managers (1-3), process
/// owners (4-15), auditors (16-19) and viewers.
pub async fn load(change: &mut Change) -> AppResult<Vec<entity::person::Model>> {
    let mut staff = Vec::with_capacity(STAFF);
    for index in 0..STAFF {
        staff.push(store::create(change, staff_member(index)?).await?);
    }
    Ok(staff)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn staff_have_unique_emails_and_one_admin() {
        let staff: Vec<_> = (0..STAFF).map(|i| staff_member(i).unwrap()).collect();
        let emails: HashSet<String> = staff.iter().map(|p| p.email.as_ref().to_owned()).collect();
        assert_eq!(emails.len(), STAFF);
        let admins = staff.iter().filter(|p| p.role == Some(Role::Admin)).count();
        assert_eq!(admins, 1);
        assert_eq!(
            staff[0].login_subject.as_ref().map(AsRef::as_ref),
            Some(ADMIN_SUBJECT)
        );
    }
}
