//! The demo organization's evidence: one record for each process in the demo cycle's scope,
//! most of them current, one about to expire, one expired and one collected too long ago, so
//! that readiness item 3 reads PARTIAL for reasons a screen can show.

use chrono::{Days, Utc};
use entity::{evidence::EvidenceKind, person, process};
use sea_orm::{ColumnTrait, QueryFilter};

use super::store::{self, Links, NewEvidence, Period};
use crate::{
    error::AppResult,
    store::Change,
    tenancy::Scope,
    validation::{Name, Text},
};

/// One demo record: (process, title, kind, tags, collected days ago, valid for days from
/// today; negative: expired that many days ago).
type Demo = (
    &'static str,
    &'static str,
    EvidenceKind,
    &'static [&'static str],
    u64,
    Option<i64>,
);

const EVIDENCE: [Demo; 5] = [
    (
        "INCIDENT",
        "Incident tickets, last month (CSV export from the service desk)",
        EvidenceKind::Export,
        &["tickets", "monthly"],
        2,
        Some(60),
    ),
    (
        "CHANGE",
        "CAB minutes, last meeting",
        EvidenceKind::Minutes,
        &["cab"],
        12,
        Some(10),
    ),
    (
        "SERVICE_LEVEL",
        "Service level report, last quarter",
        EvidenceKind::Report,
        &["sla", "quarterly"],
        20,
        None,
    ),
    (
        "CONFIGURATION",
        "CMDB reconciliation export",
        EvidenceKind::Export,
        &["cmdb"],
        400,
        None,
    ),
    (
        "CONTINUITY",
        "Continuity test report",
        EvidenceKind::Report,
        &["continuity", "test"],
        300,
        Some(-5),
    ),
];

/// Adds the demo evidence, owned by `owner`.
pub async fn load(change: &mut Change, owner: &person::Model) -> AppResult<()> {
    let today = Utc::now().date_naive();
    for (code, title, kind, tags, collected_ago, valid_for) in EVIDENCE {
        let process = Scope::from(change.actor())
            .select::<process::Entity>()
            .filter(process::Column::Code.eq(code))
            .one(change.db())
            .await?;
        let Some(process) = process else { continue };
        let collected_at = Utc::now()
            .checked_sub_days(Days::new(collected_ago))
            .unwrap_or_else(Utc::now);
        let valid_until = valid_for.and_then(|days| {
            if days < 0 {
                today.checked_sub_days(Days::new(days.unsigned_abs()))
            } else {
                today.checked_add_days(Days::new(days.unsigned_abs()))
            }
        });
        let tags: Vec<String> = tags.iter().map(|t| (*t).to_owned()).collect();
        store::create(
            change,
            NewEvidence {
                title: Name::parse("title", title)?,
                description: Text::default(),
                kind,
                owner_id: Some(owner.id),
                tags: store::tags("tags", &tags)?,
                collected_at: Some(collected_at),
                period: Period::default(),
                valid_until,
                external_url: None,
                external_key: None,
                links: Links {
                    process_ids: vec![process.id],
                    ..Links::default()
                },
            },
        )
        .await?;
    }
    Ok(())
}
