//! Readiness pushed live: `readinessChanged` after a change that moves readiness (within a
//! second, coalesced, on both protocols, never another organization's), and `recordChanged`.

use std::time::{Duration, Instant};

use entity::Role;
use serde_json::json;

use crate::{
    helpers::create_org,
    readiness::Plan,
    ws_client::{LEGACY, Received, TRANSPORT, connect, init, next, next_type, receive, subscribe},
};

fn changed(cycle: &str) -> String {
    format!(
        r#"subscription {{ readinessChanged(cycleId: "{cycle}") {{ movedItems previousScore refetch
            readiness {{ score items {{ item state met total }} blockers {{ ruleId }} }} }} }}"#
    )
}

#[tokio::test]
async fn a_change_that_moves_readiness_is_pushed_on_both_protocols_and_one_that_does_not_is_not() {
    let plan = Plan::new(&[]).await;
    let app = &plan.app;
    for (round, protocol) in [TRANSPORT, LEGACY].into_iter().enumerate() {
        let mut socket = connect(app, Some(protocol)).await;
        init(&mut socket, &app.token(Role::Viewer, "screen")).await;
        subscribe(&mut socket, protocol, "r", &changed(&plan.cycle)).await;
        tokio::time::sleep(Duration::from_millis(300)).await;

        // Renaming a person moves no readiness rule: nothing is pushed.
        app.create_person(
            &plan.admin,
            &format!("Bystander {round}"),
            &format!("by{round}@example.com"),
        )
        .await;
        assert_eq!(
            receive(&mut socket, Duration::from_millis(700)).await,
            Received::Nothing,
            "{protocol}: a change that moves nothing"
        );

        let started = Instant::now();
        plan.assess(round, "IMPLEMENTED").await;
        let message = next(&mut socket).await.json();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{protocol}: pushed after {:?}",
            started.elapsed()
        );
        assert_eq!(message["type"], next_type(protocol), "{message:#}");
        let pushed = &message["payload"]["data"]["readinessChanged"];
        assert_eq!(pushed["movedItems"], json!(["GAP_ANALYSIS"]), "{pushed:#}");
        assert_eq!(pushed["refetch"], false);
        let gap = &pushed["readiness"]["items"][0];
        assert_eq!(gap["item"], "GAP_ANALYSIS");
        assert_eq!(gap["met"], round as i64 + 1);
        assert!(
            pushed["previousScore"].as_i64().unwrap()
                < pushed["readiness"]["score"].as_i64().unwrap()
        );
    }
}

#[tokio::test]
async fn a_burst_of_changes_is_coalesced_and_another_organization_hears_nothing() {
    let plan = Plan::new(&[]).await;
    let app = &plan.app;
    let other = create_org(&app.db, "Other Org").await;
    let mut ours = connect(app, Some(TRANSPORT)).await;
    init(&mut ours, &app.admin()).await;
    subscribe(&mut ours, TRANSPORT, "r", &changed(&plan.cycle)).await;
    // A viewer of another organization may not subscribe to our cycle: it is not theirs.
    let mut theirs = connect(app, Some(TRANSPORT)).await;
    init(&mut theirs, &app.token_for(other, Role::Admin, "them")).await;
    subscribe(&mut theirs, TRANSPORT, "r", &changed(&plan.cycle)).await;
    let refused = next(&mut theirs).await.json();
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused:#}"
    );
    assert_eq!(next(&mut theirs).await.json()["type"], "complete");
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Twelve changes in a row: a few pushes, not twelve, the last with the final state.
    for round in 0..10 {
        let status = if round % 2 == 0 { "GAP" } else { "IMPLEMENTED" };
        plan.assess(0, status).await;
    }
    plan.assess(0, "IMPLEMENTED").await;
    plan.assess(1, "IMPLEMENTED").await;
    let mut pushes = Vec::new();
    while let Received::Json(message) = receive(&mut ours, Duration::from_millis(800)).await {
        pushes.push(message);
    }
    assert!(
        !pushes.is_empty() && pushes.len() < 12,
        "{} pushes",
        pushes.len()
    );
    assert_eq!(
        receive(&mut theirs, Duration::from_millis(100)).await,
        Received::Nothing
    );
    let last = &pushes.last().unwrap()["payload"]["data"]["readinessChanged"]["readiness"];
    assert_eq!(last["items"][0]["met"], 2, "{last:#}");
}

#[tokio::test]
async fn record_changed_streams_the_organizations_changes_of_the_types_asked_for() {
    let plan = Plan::new(&[]).await;
    let app = &plan.app;
    let other = create_org(&app.db, "Other Org").await;
    let mut socket = connect(app, Some(TRANSPORT)).await;
    init(&mut socket, &app.token(Role::Viewer, "sync")).await;
    subscribe(
        &mut socket,
        TRANSPORT,
        "c",
        r#"subscription { recordChanged(types: ["Person"]) { kind type id version action } }"#,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    plan.assess(0, "GAP").await;
    app.create_person(
        &app.token_for(other, Role::Admin, "them"),
        "Not Ours",
        "not@example.com",
    )
    .await;
    let id = app
        .create_person(&plan.admin, "Pia Person", "pia@example.com")
        .await;
    let message = next(&mut socket).await.json();
    let change = &message["payload"]["data"]["recordChanged"];
    assert_eq!(change["kind"], "CREATED", "{message:#}");
    assert_eq!(change["type"], "Person");
    assert_eq!(change["id"], id);
    assert_eq!(change["version"], 1);
    assert_eq!(
        receive(&mut socket, Duration::from_millis(500)).await,
        Received::Nothing,
        "the assessment is of another type, the other person of another organization"
    );

    // An unknown type is refused on its index.
    subscribe(
        &mut socket,
        TRANSPORT,
        "bad",
        r#"subscription { recordChanged(types: ["Person", "Nope"]) { kind } }"#,
    )
    .await;
    let refused = next(&mut socket).await.json();
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["field"], "types[1]",
        "{refused:#}"
    );
}
