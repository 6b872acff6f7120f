//! Each role and API-token scope is refused, with FORBIDDEN and no change, every mutation the
//! permission matrix does not give it. The served schema is walked: every mutation has a line in
//! [`MAY`], and a mutation served without one, or a line for a mutation no longer served, fails
//! the test. Finer rules (what a MANAGER may do to a person with a login) follow.

use entity::Role;
use serde_json::json;

use crate::{
    helpers::spawn_app,
    records::Records,
    schema_walk::{Schema, coverage},
};

/// Who may run a mutation: roles and API-token scopes, by their names in the schema.
#[derive(Clone, Copy)]
struct Who {
    roles: &'static [&'static str],
    scopes: &'static [&'static str],
}

/// People (`Permission::ManagePeople`): ADMIN, MANAGER and tokens with PEOPLE_WRITE.
const PEOPLE: Who = Who {
    roles: &["ADMIN", "MANAGER"],
    scopes: &["PEOPLE_WRITE"],
};

/// Access: tokens, logins, roles, the organization (`Permission::ManageAccess`): ADMIN only,
/// never a token.
const ACCESS: Who = Who {
    roles: &["ADMIN"],
    scopes: &[],
};

/// The portfolio: services, processes, RACI, tools, the process map
/// (`Permission::ManagePortfolio`): ADMIN, MANAGER and tokens with PORTFOLIO_WRITE.
const PORTFOLIO: Who = Who {
    roles: &["ADMIN", "MANAGER"],
    scopes: &["PORTFOLIO_WRITE"],
};

/// The framework library (`Permission::ManageFrameworks`): ADMIN only, never a token.
const LIBRARY: Who = Who {
    roles: &["ADMIN"],
    scopes: &[],
};

/// Certification cycles (`Permission::PlanCycles`): ADMIN, MANAGER and tokens with
/// COMPLIANCE_WRITE.
const CYCLES: Who = Who {
    roles: &["ADMIN", "MANAGER"],
    scopes: &["COMPLIANCE_WRITE"],
};

/// Compliance work: assessments, remediation tasks, training, documents and their versions
/// (`Permission::MaintainOwnCompliance`): ADMIN, MANAGER and tokens with COMPLIANCE_WRITE; a
/// PROCESS_OWNER only for their own processes (the caller here owns none; remediation.rs and
/// documents.rs cover their own).
const COMPLIANCE: Who = CYCLES;

/// Approving documents (`Permission::ApproveDocuments`): ADMIN and MANAGER, never a token (a
/// person approves).
const APPROVAL: Who = Who {
    roles: &["ADMIN", "MANAGER"],
    scopes: &[],
};

/// Evidence (`Permission::MaintainOwnEvidence`): ADMIN, MANAGER and tokens with
/// EVIDENCE_WRITE; a PROCESS_OWNER only for their own processes (the caller here owns none;
/// evidence.rs covers their own).
const EVIDENCE: Who = Who {
    roles: &["ADMIN", "MANAGER"],
    scopes: &["EVIDENCE_WRITE"],
};

/// Who may run each mutation on any record, one line per mutation; every other role and scope
/// the schema serves gets a FORBIDDEN case, and those allowed must get past the guard. A
/// PROCESS_OWNER maintains only the processes they own (updateProcess and the RACI mutations):
/// the PROCESS_OWNER caller here is linked to no person, so it owns nothing and is refused;
/// the owner's own processes are tested in process_owners.rs. The same holds for documents
/// (documents.rs). Only a named approver decides on a document version; the callers here are
/// named nowhere, and are answered BAD_USER_INPUT, past the guard.
const MAY: &[(&str, Who)] = &[
    ("addProcessDependency", PORTFOLIO),
    ("approveDocumentVersion", APPROVAL),
    ("assessClauses", COMPLIANCE),
    ("assignRaci", PORTFOLIO),
    ("confirmCycleCarryOver", CYCLES),
    ("createApiToken", ACCESS),
    ("createCycle", CYCLES),
    ("createDocument", COMPLIANCE),
    ("createDocumentVersion", COMPLIANCE),
    ("createEvidence", EVIDENCE),
    ("createPerson", PEOPLE),
    ("createProcess", PORTFOLIO),
    ("createRemediationTask", COMPLIANCE),
    ("createService", PORTFOLIO),
    ("createTool", PORTFOLIO),
    ("createTrainingSession", COMPLIANCE),
    ("deactivatePerson", PEOPLE),
    ("deleteEvidence", EVIDENCE),
    ("deleteProcess", PORTFOLIO),
    ("deleteTool", PORTFOLIO),
    ("importFramework", LIBRARY),
    ("linkProcessToTool", PORTFOLIO),
    ("moveCycleFramework", CYCLES),
    ("moveCyclePhase", CYCLES),
    ("reactivatePerson", PEOPLE),
    ("removeProcessLink", PORTFOLIO),
    ("removeRaciAssignment", PORTFOLIO),
    ("replaceAccountable", PORTFOLIO),
    ("requestDocumentChanges", APPROVAL),
    ("retireDocument", COMPLIANCE),
    ("retireService", PORTFOLIO),
    ("reviseDocumentVersion", COMPLIANCE),
    ("revokeApiToken", ACCESS),
    ("setCycleStatus", CYCLES),
    ("setProcessApplicability", PORTFOLIO),
    ("setRemediationTaskStatus", COMPLIANCE),
    ("setDocumentApprovers", COMPLIANCE),
    ("submitDocumentVersion", COMPLIANCE),
    ("updateCycle", CYCLES),
    ("updateDocument", COMPLIANCE),
    ("updateDocumentVersion", COMPLIANCE),
    ("updateEvidence", EVIDENCE),
    ("updateOrganization", ACCESS),
    ("updatePerson", PEOPLE),
    ("updateProcess", PORTFOLIO),
    ("updateRaciAssignment", PORTFOLIO),
    ("updateRemediationTask", COMPLIANCE),
    ("updateService", PORTFOLIO),
    ("updateTool", PORTFOLIO),
    ("updateTrainingSession", COMPLIANCE),
];

/// A caller of the test: a login with a role, or an API token with one scope.
enum Caller {
    Role { name: String, token: String },
    Scope { name: String, token: String },
}

impl Caller {
    fn may(&self, who: &Who) -> bool {
        match self {
            Self::Role { name, .. } => who.roles.contains(&name.as_str()),
            Self::Scope { name, .. } => who.scopes.contains(&name.as_str()),
        }
    }

    fn token(&self) -> &str {
        match self {
            Self::Role { token, .. } | Self::Scope { token, .. } => token,
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Role { name, .. } => format!("the {name} role"),
            Self::Scope { name, .. } => format!("a {name} token"),
        }
    }
}

#[tokio::test]
async fn every_mutation_refuses_each_role_and_scope_the_matrix_refuses_and_nothing_changes() {
    let app = spawn_app().await;
    let schema = Schema::served(&app).await;
    let mutations = schema.mutations();
    coverage(
        "mutations",
        "tests/api/authorization.rs (MAY)",
        mutations.iter().map(String::as_str),
        MAY.iter().map(|(name, _)| *name),
    )
    .unwrap_or_else(|problems| panic!("{problems}"));
    let roles = schema.enum_values("Role");
    let scopes = schema.enum_values("ApiScope");
    for (mutation, who) in MAY {
        for name in who.roles {
            assert!(
                roles.iter().any(|r| r == name),
                "{mutation}: no role {name}"
            );
        }
        for name in who.scopes {
            assert!(
                scopes.iter().any(|s| s == name),
                "{mutation}: no scope {name}"
            );
        }
    }
    let a = Records::create(&app, app.org, "a").await;
    let mut callers = Vec::new();
    for role in &roles {
        let parsed: Role = serde_json::from_value(json!(role)).expect("a role of entity::Role");
        callers.push(Caller::Role {
            name: role.clone(),
            token: app.token(parsed, "caller"),
        });
    }
    for scope in &scopes {
        let data = app
            .graphql(
                Some(&a.admin),
                "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret } }",
                json!({ "input": { "name": scope, "scopes": [scope] } }),
            )
            .await
            .ok();
        callers.push(Caller::Scope {
            name: scope.clone(),
            token: data["createApiToken"]["secret"]
                .as_str()
                .unwrap()
                .to_owned(),
        });
    }
    let before = a.snapshot(&app, &schema).await;

    let mut failures = Vec::new();
    for (mutation, who) in MAY {
        let (operation, variables) = a.call(&schema, mutation, &json!({}));
        for caller in callers.iter().filter(|c| !c.may(who)) {
            let reply = app
                .graphql(Some(caller.token()), &operation, variables.clone())
                .await;
            if reply.code() != Some("FORBIDDEN") {
                failures.push(format!(
                    "{mutation} as {}: expected FORBIDDEN, got {}",
                    caller.describe(),
                    reply.body
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        a.snapshot(&app, &schema).await,
        before,
        "nothing changed: the records and the audit trail head are as they were"
    );

    // The table is no stricter than the server: each caller it allows gets past the guard. Each
    // such caller works on records of its own, and removals run last, links before what they
    // link (reverse name order: revoke, retire, remove, delete, deactivate), so that the other
    // mutations find their records.
    let mut order: Vec<&(&str, Who)> = MAY.iter().collect();
    order.sort_by_key(|(name, _)| {
        let removal = ["delete", "remove", "retire", "revoke", "deactivate"]
            .iter()
            .any(|verb| name.starts_with(verb));
        (removal, removal.then_some(std::cmp::Reverse(*name)))
    });
    for (i, caller) in callers.iter().enumerate() {
        let allowed: Vec<_> = order.iter().filter(|(_, who)| caller.may(who)).collect();
        if allowed.is_empty() {
            continue;
        }
        let own = Records::create(&app, app.org, &format!("caller{i}")).await;
        for (mutation, _) in allowed {
            let (operation, variables) = own.call(&schema, mutation, &json!({}));
            let reply = app
                .graphql(Some(caller.token()), &operation, variables)
                .await;
            if reply.code() == Some("FORBIDDEN") {
                failures.push(format!(
                    "{mutation} as {}: allowed by MAY but refused: {}",
                    caller.describe(),
                    reply.body
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const CREATE: &str =
    "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }";
const UPDATE: &str =
    "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { id } } }";
const DEACTIVATE: &str =
    "mutation($input: SetPersonActiveInput!) { deactivatePerson(input: $input) { person { id } } }";
const REACTIVATE: &str =
    "mutation($input: SetPersonActiveInput!) { reactivatePerson(input: $input) { person { id } } }";
const RENAME_ORG: &str = "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { name } } }";

#[tokio::test]
async fn managers_are_refused_logins_and_roles_and_nothing_changes() {
    let app = spawn_app().await;
    let admin = app.admin();
    let person = app
        .create_person(&admin, "Cleo Moreau", "cleo@example.com")
        .await;
    let people_before = app.count_people().await;
    let head_before = app.head(&admin).await;

    // MANAGER manages people, but not their logins or roles.
    let manager = app.token(Role::Manager, "mia");
    for (mutation, variables) in [
        (
            CREATE,
            json!({ "input": { "name": "Eli", "email": "eli@example.com", "loginSubject": "eli", "role": "ADMIN" } }),
        ),
        (
            CREATE,
            json!({ "input": { "name": "Eli", "email": "eli@example.com", "role": "ADMIN" } }),
        ),
        (
            UPDATE,
            json!({ "input": { "id": person, "role": "ADMIN" } }),
        ),
        (
            UPDATE,
            json!({ "input": { "id": person, "loginSubject": "cleo" } }),
        ),
    ] {
        app.graphql(Some(&manager), mutation, variables)
            .await
            .expect_code("FORBIDDEN");
    }

    assert_eq!(app.count_people().await, people_before);
    assert_eq!(
        app.head(&admin).await,
        head_before,
        "nothing was written to the audit trail"
    );
    let data = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { person(id: $id) { name role loginSubject active } }",
            json!({ "id": person }),
        )
        .await
        .ok();
    assert_eq!(
        data["person"],
        json!({ "name": "Cleo Moreau", "role": null, "loginSubject": null, "active": true })
    );
}

#[tokio::test]
async fn managers_manage_people_and_admins_grant_access() {
    let app = spawn_app().await;
    let manager = app.token(Role::Manager, "mia");
    let person = app
        .create_person(&manager, "Finn Okafor", "finn@example.com")
        .await;
    app.graphql(
        Some(&manager),
        UPDATE,
        json!({ "input": { "id": person, "name": "Finn O." } }),
    )
    .await
    .ok();
    app.graphql(
        Some(&app.admin()),
        UPDATE,
        json!({ "input": { "id": person, "loginSubject": "finn", "role": "PROCESS_OWNER" } }),
    )
    .await
    .ok();
    app.graphql(
        Some(&app.admin()),
        RENAME_ORG,
        json!({ "input": { "name": "Renamed Org" } }),
    )
    .await
    .ok();
}

#[tokio::test]
async fn the_audit_trail_is_closed_to_viewers_and_process_owners() {
    let app = spawn_app().await;
    for role in [Role::Viewer, Role::ProcessOwner] {
        let token = app.token(role, "v");
        for query in [
            "{ auditTrail { totalCount } }",
            "{ auditTrailHead { sequence } }",
            "{ verifyAuditTrail { valid } }",
        ] {
            app.graphql(Some(&token), query, json!({}))
                .await
                .expect_code("FORBIDDEN");
        }
    }
    for role in [Role::Admin, Role::Manager, Role::Auditor] {
        app.graphql(
            Some(&app.token(role, "a")),
            "{ auditTrail { totalCount } }",
            json!({}),
        )
        .await
        .ok();
    }
}

#[tokio::test]
async fn a_manager_cannot_lock_out_or_re_identify_a_person_with_a_login() {
    let app = spawn_app().await;
    let admin = app.admin();
    let data = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "Ada Admin", "email": "ada@example.com", "loginSubject": "ada", "role": "ADMIN" } }),
        )
        .await
        .ok();
    let ada = data["createPerson"]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let plain = app
        .create_person(&admin, "Pat Plain", "pat@example.com")
        .await;
    let manager = app.token(Role::Manager, "manager");
    let head_before = app.head(&admin).await;

    for (mutation, variables) in [
        (DEACTIVATE, json!({ "input": { "id": ada } })),
        (
            UPDATE,
            json!({ "input": { "id": ada, "email": "mallory@example.com" } }),
        ),
        (UPDATE, json!({ "input": { "id": ada, "name": "Not Ada" } })),
    ] {
        app.graphql(Some(&manager), mutation, variables)
            .await
            .expect_code("FORBIDDEN");
    }
    assert_eq!(app.head(&admin).await, head_before, "nothing changed");
    // Ada's login still works.
    app.graphql(
        Some(&app.token(Role::Admin, "ada")),
        "{ viewer { subject } }",
        json!({}),
    )
    .await
    .ok();

    // A person without a login stays the manager's to manage; an ADMIN manages both.
    app.graphql(
        Some(&manager),
        DEACTIVATE,
        json!({ "input": { "id": plain } }),
    )
    .await
    .ok();
    app.graphql(
        Some(&manager),
        UPDATE,
        json!({ "input": { "id": plain, "email": "pat2@example.com" } }),
    )
    .await
    .ok();
    app.graphql(Some(&admin), DEACTIVATE, json!({ "input": { "id": ada } }))
        .await
        .ok();
    app.graphql(Some(&admin), REACTIVATE, json!({ "input": { "id": ada } }))
        .await
        .ok();
}

#[tokio::test]
async fn a_write_only_token_sees_the_changed_record_and_nothing_reached_through_it() {
    let app = spawn_app().await;
    let admin = app.admin();
    let person = app
        .create_person(&admin, "Cleo Moreau", "cleo@example.com")
        .await;
    let data = app
        .graphql(
            Some(&admin),
            "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret } }",
            json!({ "input": { "name": "writer", "scopes": ["PEOPLE_WRITE"] } }),
        )
        .await
        .ok();
    let writer = data["createApiToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql(Some(&writer), "{ people { totalCount } }", json!({}))
        .await
        .expect_code("FORBIDDEN");
    let reply = app
        .graphql(
            Some(&writer),
            "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { name ownedServices { name } ownedProcesses { name } raciAssignments { role } } } }",
            json!({ "input": { "id": person, "name": "Cleo M." } }),
        )
        .await;
    assert_eq!(
        reply.data()["updatePerson"]["person"]["name"],
        "Cleo M.",
        "{}",
        reply.body
    );
    let errors = reply.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3, "{}", reply.body);
    assert!(
        errors
            .iter()
            .all(|e| e["extensions"]["code"] == "FORBIDDEN"),
        "{}",
        reply.body
    );
}
