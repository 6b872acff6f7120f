//! Tools and the process map: nodes and edges ready to draw. Who may change them, and that
//! another organization's tools and links look missing, are cases of the enumerated tests in
//! authorization.rs and tenancy.rs.

use serde_json::json;

use crate::helpers::spawn_app;

const CREATE_TOOL: &str = "mutation($input: CreateToolInput!) { createTool(input: $input) { tool { id name kind vendor url } } }";
const LINK_TOOL: &str = "mutation($input: LinkProcessToToolInput!) { linkProcessToTool(input: $input) { processLink { id kind source target description } } }";
const DEPEND: &str = "mutation($input: AddProcessDependencyInput!) { addProcessDependency(input: $input) { processLink { id kind source target } } }";

#[tokio::test]
async fn the_process_map_shows_processes_tools_and_their_links() {
    let app = spawn_app().await;
    let admin = app.admin();
    let tool = app
        .graphql(Some(&admin), CREATE_TOOL, json!({ "input": { "name": "ServiceDesk Pro", "kind": "ITSM", "vendor": "Acme", "url": "https://desk.example.com" } }))
        .await
        .ok()["createTool"]["tool"]
        .clone();
    assert_eq!(tool["kind"], "ITSM");
    let incident = app.process_id("INCIDENT").await;
    let problem = app.process_id("PROBLEM").await;
    let uses = app
        .graphql(Some(&admin), LINK_TOOL, json!({ "input": { "processId": incident, "toolId": tool["id"], "description": "incident records" } }))
        .await
        .ok()["linkProcessToTool"]["processLink"]
        .clone();
    assert_eq!(uses["kind"], "USES_TOOL");
    assert_eq!(uses["source"], incident.as_str());
    assert_eq!(uses["target"], tool["id"]);
    let depends = app
        .graphql(
            Some(&admin),
            DEPEND,
            json!({ "input": { "processId": problem, "dependsOnProcessId": incident } }),
        )
        .await
        .ok();
    assert_eq!(
        depends["addProcessDependency"]["processLink"]["kind"],
        "DEPENDS_ON"
    );

    let map = app
        .graphql(Some(&admin), "{ processMap { nodes { id kind label detail } edges { kind source target description } } }", json!({}))
        .await
        .ok();
    let nodes = map["processMap"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 23, "22 processes and one tool");
    assert!(
        nodes.iter().any(|n| n["kind"] == "TOOL"
            && n["label"] == "ServiceDesk Pro"
            && n["detail"] == "ITSM")
    );
    assert_eq!(map["processMap"]["edges"].as_array().unwrap().len(), 2);

    app.graphql(
        Some(&admin),
        "mutation($id: ID!) { removeProcessLink(input: { id: $id }) { processLink { id } } }",
        json!({ "id": uses["id"] }),
    )
    .await
    .ok();
    let after = app
        .graphql(Some(&admin), "{ processMap { edges { kind } } }", json!({}))
        .await
        .ok();
    assert_eq!(
        after["processMap"]["edges"],
        json!([{ "kind": "DEPENDS_ON" }])
    );
}

#[tokio::test]
async fn bad_map_input_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin();
    app.graphql(
        Some(&admin),
        CREATE_TOOL,
        json!({ "input": { "name": "CMDB", "kind": "CMDB" } }),
    )
    .await
    .ok();
    for (input, field) in [
        (json!({ "name": "", "kind": "OTHER" }), "input.name"),
        (json!({ "name": "CMDB", "kind": "OTHER" }), "input.name"),
        (
            json!({ "name": "X", "kind": "OTHER", "url": "javascript:alert(1)" }),
            "input.url",
        ),
        (
            json!({ "name": "X", "kind": "OTHER", "vendor": "v".repeat(201) }),
            "input.vendor",
        ),
    ] {
        let response = app
            .graphql(Some(&admin), CREATE_TOOL, json!({ "input": input }))
            .await;
        response.expect_code("BAD_USER_INPUT");
        assert_eq!(response.field(), Some(field), "{input}");
    }
    let incident = app.process_id("INCIDENT").await;
    let itself = app
        .graphql(
            Some(&admin),
            DEPEND,
            json!({ "input": { "processId": incident, "dependsOnProcessId": incident } }),
        )
        .await;
    itself.expect_code("BAD_USER_INPUT");
    let tools = app
        .graphql(Some(&admin), "{ tools { totalCount } }", json!({}))
        .await
        .ok();
    assert_eq!(tools["tools"]["totalCount"], 1);
}
