//! The built-in templates every organization starts with: a service management policy and a
//! procedure skeleton for each of the five key processes. Written for this product (headings
//! and prompts to fill in, never the standard's text), so that a first cycle starts from
//! something: enough documentation from templates, not exhaustive documentation.

use entity::{
    document,
    document::{Classification, DocumentKind, DocumentStatus},
    document_version::VersionState,
};
use uuid::Uuid;

use super::{content::Body, lifecycle, versions::store as versions};
use crate::{
    error::AppResult,
    store::{self, Change},
    validation::Text,
};

/// (title, Markdown body) of each built-in template, in the order they are created.
pub const TEMPLATES: [(&str, &str); 6] = [
    (
        "Service management policy",
        include_str!("service-management-policy.md"),
    ),
    (
        "Incident management procedure",
        include_str!("incident-management-procedure.md"),
    ),
    (
        "Change management procedure",
        include_str!("change-management-procedure.md"),
    ),
    (
        "Service level management procedure",
        include_str!("service-level-management-procedure.md"),
    ),
    (
        "Configuration management procedure",
        include_str!("configuration-management-procedure.md"),
    ),
    (
        "Service continuity and availability management procedure",
        include_str!("service-continuity-management-procedure.md"),
    ),
];

/// Creates the built-in templates as TEMPLATE documents, each with an APPROVED 1.0 version
/// written by whoever creates the organization (the server), so that a document can start from
/// one at once.
pub async fn seed(change: &mut Change) -> AppResult<()> {
    let now = store::now();
    for (title, body) in TEMPLATES {
        let template = document::Model {
            id: Uuid::now_v7(),
            organization_id: change.actor().organization_id,
            kind: DocumentKind::Template,
            title: title.to_owned(),
            owner_id: None,
            process_id: None,
            classification: Classification::Internal,
            next_review_date: None,
            status: DocumentStatus::Active,
            retired_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let template =
            store::insert::<document::Entity>(change, "document.create", template, &[]).await?;
        versions::insert(
            change,
            &template,
            lifecycle::FIRST,
            Body::built_in(body),
            Text::default(),
            VersionState::Approved,
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_markdown_under_its_title_within_the_body_bound() {
        for (title, body) in TEMPLATES {
            assert!(body.starts_with(&format!("# {title}\n")), "{title}");
            assert!(Body::parse("body", body).is_ok(), "{title}");
            assert!(body.contains("## "), "{title} has sections");
        }
    }
}
