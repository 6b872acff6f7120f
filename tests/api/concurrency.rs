//! Concurrent writers: optimistic concurrency and a chain that stays whole.

use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::spawn_app;

const UPDATE: &str = "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { name version } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_updates_with_the_same_expected_version_one_wins() {
    let app = spawn_app().await;
    let admin = app.admin();
    let id = app
        .create_person(&admin, "Rosa Byrne", "rosa@example.com")
        .await;
    let (a, b) = tokio::join!(
        app.graphql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "name": "Rosa A" } })
        ),
        app.graphql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "name": "Rosa B" } })
        ),
    );
    let codes = [a.code(), b.code()];
    assert!(
        codes.contains(&None) && codes.contains(&Some("CONFLICT")),
        "{:#} {:#}",
        a.body,
        b.body
    );
    let winner = if a.code().is_none() { &a } else { &b };
    let data = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { person(id: $id) { name version } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(data["person"], winner.data()["updatePerson"]["person"]);
    assert_eq!(data["person"]["version"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_mutations_leave_a_chain_that_verifies() {
    let app = spawn_app().await;
    let admin = app.admin();
    let before = app.head(&admin).await.0;
    let responses = join_all((0..50).map(|i| {
        app.graphql(
            Some(&admin),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "name": format!("Writer {i}"), "email": format!("writer{i}@example.com") } }),
        )
    }))
    .await;
    let mut succeeded = 0;
    for response in &responses {
        match response.code() {
            None => succeeded += 1,
            Some(code) => assert!(
                ["CONFLICT", "INTERNAL"].contains(&code)
                    && response.body["errors"][0]["message"].is_string(),
                "a failure must be a clear error: {:#}",
                response.body
            ),
        }
    }
    assert_eq!(succeeded, 50, "every mutation should get through");
    let verification = app
        .graphql(
            Some(&admin),
            "{ verifyAuditTrail { valid entriesChecked head { sequence } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        verification["verifyAuditTrail"]["valid"], true,
        "{verification:#}"
    );
    assert_eq!(
        verification["verifyAuditTrail"]["head"]["sequence"],
        before + succeeded
    );
    let people = app
        .graphql(Some(&admin), "{ people { totalCount } }", json!({}))
        .await
        .ok();
    assert_eq!(people["people"]["totalCount"], succeeded);
}
