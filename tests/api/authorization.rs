//! Each role's forbidden mutations answer FORBIDDEN and change nothing.

use entity::Role;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

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
async fn each_role_is_refused_what_it_may_not_do_and_nothing_changes() {
    let app = spawn_app().await;
    let admin = app.admin();
    let person = app
        .create_person(&admin, "Cleo Moreau", "cleo@example.com")
        .await;
    let people_before = app.count_people().await;
    let head_before = app.head(&admin).await;

    let plain_create = json!({ "input": { "name": "Dana", "email": "dana@example.com" } });
    let create_with_login = json!({ "input": { "name": "Eli", "email": "eli@example.com", "loginSubject": "eli", "role": "ADMIN" } });
    let rename_person = json!({ "input": { "id": person, "name": "Renamed" } });
    let grant_role = json!({ "input": { "id": person, "role": "ADMIN" } });
    let by_id = json!({ "input": { "id": person } });
    let rename_org = json!({ "input": { "name": "Hijacked" } });

    let cases: Vec<(Role, &str, Value)> = vec![
        // MANAGER manages people, but not logins, roles or the organization.
        (Role::Manager, CREATE, create_with_login.clone()),
        (Role::Manager, UPDATE, grant_role.clone()),
        (Role::Manager, RENAME_ORG, rename_org.clone()),
    ]
    .into_iter()
    .chain(
        [Role::ProcessOwner, Role::Auditor, Role::Viewer]
            .into_iter()
            .flat_map(|role| {
                vec![
                    (role, CREATE, plain_create.clone()),
                    (role, CREATE, create_with_login.clone()),
                    (role, UPDATE, rename_person.clone()),
                    (role, UPDATE, grant_role.clone()),
                    (role, DEACTIVATE, by_id.clone()),
                    (role, REACTIVATE, by_id.clone()),
                    (role, RENAME_ORG, rename_org.clone()),
                ]
            }),
    )
    .collect();

    for (role, mutation, variables) in cases {
        let token = app.token(role, "someone");
        let response = app.graphql(Some(&token), mutation, variables).await;
        assert_eq!(
            response.code(),
            Some("FORBIDDEN"),
            "{role:?} {mutation}: {:#}",
            response.body
        );
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
            "query($id: ID!) { person(id: $id) { name role active } organization { name } }",
            json!({ "id": person }),
        )
        .await
        .ok();
    assert_eq!(
        data["person"],
        json!({ "name": "Cleo Moreau", "role": null, "active": true })
    );
    assert_eq!(data["organization"]["name"], "Test Org");
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
