//! People: create, update, deactivate, list, search, paginate.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

const CREATE: &str = "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id name email loginSubject role active version } } }";
const UPDATE: &str = "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { id name email loginSubject role active version } } }";
const DEACTIVATE: &str = "mutation($input: SetPersonActiveInput!) { deactivatePerson(input: $input) { person { active version } } }";
const REACTIVATE: &str = "mutation($input: SetPersonActiveInput!) { reactivatePerson(input: $input) { person { active version } } }";

#[tokio::test]
async fn a_person_is_created_updated_deactivated_and_reactivated() {
    let app = spawn_app().await;
    let admin = app.admin();
    let created = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "  Grace Haddad ", "email": "Grace@Example.com", "loginSubject": "grace", "role": "PROCESS_OWNER" } }),
        )
        .await
        .ok();
    let person = &created["createPerson"]["person"];
    assert_eq!(person["name"], "Grace Haddad", "names are trimmed");
    assert_eq!(
        person["email"], "grace@example.com",
        "e-mail addresses are lower-cased"
    );
    assert_eq!(person["role"], "PROCESS_OWNER");
    assert_eq!(person["version"], 1);
    let id = person["id"].as_str().unwrap();

    let updated = app
        .graphql(Some(&admin), UPDATE, json!({ "input": { "id": id, "expectedVersion": 1, "name": "Grace H.", "role": null } }))
        .await
        .ok();
    let person = &updated["updatePerson"]["person"];
    assert_eq!(person["name"], "Grace H.");
    assert_eq!(person["role"], Value::Null, "null clears the role");
    assert_eq!(person["loginSubject"], "grace", "omitted fields stay");
    assert_eq!(person["version"], 2);

    let deactivated = app
        .graphql(
            Some(&admin),
            DEACTIVATE,
            json!({ "input": { "id": id, "expectedVersion": 2 } }),
        )
        .await
        .ok();
    assert_eq!(
        deactivated["deactivatePerson"]["person"],
        json!({ "active": false, "version": 3 })
    );
    let reactivated = app
        .graphql(Some(&admin), REACTIVATE, json!({ "input": { "id": id } }))
        .await
        .ok();
    assert_eq!(
        reactivated["reactivatePerson"]["person"],
        json!({ "active": true, "version": 4 })
    );

    let trail = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { auditTrail(filter: { recordId: $id }) { edges { node { action actorSubject recordType recordId before after } } } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    let entries = trail["auditTrail"]["edges"].as_array().unwrap();
    let actions: Vec<_> = entries
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "person.create",
            "person.update",
            "person.deactivate",
            "person.reactivate"
        ]
    );
    let update = &entries[1]["node"];
    assert_eq!(update["actorSubject"], "admin");
    assert_eq!(update["recordId"], id);
    assert_eq!(update["before"]["name"], "Grace Haddad");
    assert_eq!(update["after"]["name"], "Grace H.");
    assert!(entries[0]["node"]["before"].is_null());
}

#[tokio::test]
async fn a_stale_expected_version_conflicts_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin();
    let id = app
        .create_person(&admin, "Hiro Tanaka", "hiro@example.com")
        .await;
    app.graphql(
        Some(&admin),
        UPDATE,
        json!({ "input": { "id": id, "expectedVersion": 1, "name": "Hiro T." } }),
    )
    .await
    .ok();
    let head = app.head(&admin).await;
    let stale = app
        .graphql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "name": "Overwritten" } }),
        )
        .await;
    stale.expect_code("CONFLICT");
    app.graphql(
        Some(&admin),
        DEACTIVATE,
        json!({ "input": { "id": id, "expectedVersion": 1 } }),
    )
    .await
    .expect_code("CONFLICT");
    let data = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { person(id: $id) { name active version } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(
        data["person"],
        json!({ "name": "Hiro T.", "active": true, "version": 2 })
    );
    assert_eq!(app.head(&admin).await, head);
}

#[tokio::test]
async fn duplicate_emails_and_login_subjects_are_refused_with_the_field() {
    let app = spawn_app().await;
    let admin = app.admin();
    app.graphql(
        Some(&admin),
        CREATE,
        json!({ "input": { "name": "Ines", "email": "ines@example.com", "loginSubject": "ines" } }),
    )
    .await
    .ok();
    let people = app.count_people().await;
    let dup_email = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "Ines 2", "email": "INES@example.com" } }),
        )
        .await;
    dup_email.expect_code("BAD_USER_INPUT");
    assert_eq!(dup_email.field(), Some("input.email"));
    let dup_subject = app
        .graphql(Some(&admin), CREATE, json!({ "input": { "name": "Ines 3", "email": "ines3@example.com", "loginSubject": "ines" } }))
        .await;
    dup_subject.expect_code("BAD_USER_INPUT");
    assert_eq!(dup_subject.field(), Some("input.loginSubject"));
    assert_eq!(app.count_people().await, people);

    let other = app
        .create_person(&admin, "Jonas", "jonas@example.com")
        .await;
    let clash = app
        .graphql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": other, "email": "ines@example.com" } }),
        )
        .await;
    clash.expect_code("BAD_USER_INPUT");
    assert_eq!(clash.field(), Some("input.email"));
}

#[tokio::test]
async fn people_are_searched_and_filtered() {
    let app = spawn_app().await;
    let admin = app.admin();
    for (name, email, role) in [
        ("Kemi Mensah", "kemi@harbor.example", Some("AUDITOR")),
        ("Lars Larsen", "lars@harbor.example", None),
        ("Maya Costa", "maya.costa@other.example", Some("AUDITOR")),
        ("100% Sure", "percent@other.example", None),
    ] {
        app.graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": name, "email": email, "role": role } }),
        )
        .await
        .ok();
    }
    let search = |filter: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let data = app
                .graphql(
                    Some(&admin),
                    "query($filter: PersonFilterInput) { people(filter: $filter) { totalCount edges { node { name } } } }",
                    json!({ "filter": filter }),
                )
                .await
                .ok();
            let names: Vec<String> = data["people"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(data["people"]["totalCount"], names.len());
            names
        }
    };
    assert_eq!(
        search(json!({ "search": "HARBOR" })).await,
        ["Kemi Mensah", "Lars Larsen"]
    );
    assert_eq!(search(json!({ "search": "costa" })).await, ["Maya Costa"]);
    assert_eq!(
        search(json!({ "search": "%" })).await,
        ["100% Sure"],
        "LIKE wildcards are literal"
    );
    assert_eq!(
        search(json!({ "role": "AUDITOR" })).await,
        ["Kemi Mensah", "Maya Costa"]
    );
    assert_eq!(
        search(json!({ "role": "AUDITOR", "search": "kemi" })).await,
        ["Kemi Mensah"]
    );
    assert_eq!(
        search(json!({ "active": false })).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn pages_move_forward_and_backward_without_gaps() {
    let app = spawn_app().await;
    let admin = app.admin();
    for i in 0..7 {
        app.create_person(&admin, &format!("Person {i}"), &format!("p{i}@example.com"))
            .await;
    }
    const PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String) {
        people(first: $first, after: $after, last: $last, before: $before) {
            totalCount
            edges { cursor node { name } }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        } }";
    let page = |vars: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.graphql(Some(&admin), PAGE, vars).await.ok()["people"].clone() }
    };
    let names = |p: &Value| -> Vec<String> {
        p["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };

    let first = page(json!({ "first": 3 })).await;
    assert_eq!(names(&first), ["Person 0", "Person 1", "Person 2"]);
    assert_eq!(first["totalCount"], 7);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);

    let second = page(json!({ "first": 3, "after": first["pageInfo"]["endCursor"] })).await;
    assert_eq!(names(&second), ["Person 3", "Person 4", "Person 5"]);
    let third = page(json!({ "first": 3, "after": second["pageInfo"]["endCursor"] })).await;
    assert_eq!(names(&third), ["Person 6"]);
    assert_eq!(third["pageInfo"]["hasNextPage"], false);
    assert_eq!(third["pageInfo"]["hasPreviousPage"], true);

    let last = page(json!({ "last": 2 })).await;
    assert_eq!(names(&last), ["Person 5", "Person 6"]);
    assert_eq!(last["pageInfo"]["hasPreviousPage"], true);
    let before = page(json!({ "last": 2, "before": last["pageInfo"]["startCursor"] })).await;
    assert_eq!(names(&before), ["Person 3", "Person 4"]);
    assert_eq!(before["pageInfo"]["hasNextPage"], true);

    let default = page(json!({})).await;
    assert_eq!(
        names(&default).len(),
        7,
        "the default page size covers small lists"
    );
}

#[tokio::test]
async fn page_sizes_and_cursors_are_validated() {
    let app = spawn_app().await;
    let admin = app.admin();
    for (vars, field) in [
        (json!({ "first": 99_999_999 }), "first"),
        (json!({ "first": -1 }), "first"),
        (json!({ "last": 101 }), "last"),
        (json!({ "after": "garbage" }), "after"),
        (json!({ "before": "Y3Vyc29yOm5vcGU" }), "before"),
    ] {
        let response = app
            .graphql(
                Some(&admin),
                "query($first: Int, $after: String, $last: Int, $before: String) { people(first: $first, after: $after, last: $last, before: $before) { totalCount } }",
                vars,
            )
            .await;
        response.expect_code("BAD_USER_INPUT");
        assert_eq!(response.field(), Some(field));
    }
}
