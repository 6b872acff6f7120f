//! Every mutation leaves its trace in the audit trail. The served schema is walked: every
//! mutation has a case in [`WRITES`] that calls it successfully, as an ADMIN (or as the
//! approver a decision needs), on records of its own; the trail must grow by entries made by
//! that caller, each with a real before/after change, one of them with the mutation's action.
//! A mutation served without a case, or a case for one no longer served, fails the test.

use entity::Role;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, spawn_app},
    records::Records,
    schema_walk::{Schema, coverage},
};

/// What a case needs beyond the records of [`Records::create`]; its values are merged over
/// the case's overrides.
#[derive(Clone, Copy, Debug)]
enum Setup {
    Nothing,
    /// The person is deactivated first.
    DeactivatedPerson,
    /// A second tool, as `input.toolId`.
    SecondTool,
    /// A second process, as `input.dependsOnProcessId`.
    SecondProcess,
    /// Version 2 of the records' framework, as `input.toFrameworkId`.
    NewerFramework,
    /// A DRAFT version 2 of the document, as `input.id`.
    DraftVersion,
    /// Version 2 submitted for review (`input.id`, `input.contentHash`); the approver calls.
    SubmittedVersion,
    /// Version 2 sent back with changes requested, as `input.id`.
    ChangesRequested,
}

/// One mutation called so that it succeeds: its overrides of the generic call (a JSON object
/// keyed by argument, where `"$Type"` stands for the id of the records' `Type`), what must
/// happen first, and the action of the entry it writes for the record it is about.
struct Write {
    mutation: &'static str,
    overrides: &'static str,
    setup: Setup,
    action: &'static str,
}

const fn write(mutation: &'static str, overrides: &'static str, action: &'static str) -> Write {
    Write {
        mutation,
        overrides,
        setup: Setup::Nothing,
        action,
    }
}

impl Write {
    const fn after(self, setup: Setup) -> Self {
        Self { setup, ..self }
    }
}

const NAME: &str = r#"{"input":{"name":"Renamed"}}"#;
const TITLE: &str = r#"{"input":{"title":"Retitled"}}"#;

/// Every mutation of the schema, by area.
const WRITES: &[Write] = &[
    write("updateOrganization", NAME, "organization.update"),
    write(
        "createPerson",
        r#"{"input":{"email":"new@example.com"}}"#,
        "person.create",
    ),
    write("updatePerson", NAME, "person.update"),
    write("deactivatePerson", "{}", "person.deactivate"),
    write("reactivatePerson", "{}", "person.reactivate").after(Setup::DeactivatedPerson),
    write("createApiToken", "{}", "api_token.create"),
    write("revokeApiToken", "{}", "api_token.revoke"),
    write("createService", "{}", "service.create"),
    write("updateService", NAME, "service.update"),
    write("retireService", "{}", "service.retire"),
    write(
        "createProcess",
        r#"{"input":{"code":"NEW"}}"#,
        "process.create",
    ),
    write("updateProcess", NAME, "process.update"),
    write(
        "setProcessApplicability",
        r#"{"input":{"applicable":false,"justification":"Outsourced"}}"#,
        "process.mark_not_applicable",
    ),
    write("deleteProcess", "{}", "process.delete"),
    write(
        "assignRaci",
        r#"{"input":{"role":"CONSULTED"}}"#,
        "raci.assign",
    ),
    write("replaceAccountable", "{}", "raci.assign"),
    write("updateRaciAssignment", "{}", "raci.update"),
    write("removeRaciAssignment", "{}", "raci.remove"),
    write("createTool", "{}", "tool.create"),
    write("updateTool", NAME, "tool.update"),
    write("deleteTool", "{}", "tool.delete"),
    write("linkProcessToTool", "{}", "process_link.create").after(Setup::SecondTool),
    write("addProcessDependency", "{}", "process_link.create").after(Setup::SecondProcess),
    write("removeProcessLink", "{}", "process_link.delete"),
    write(
        "importFramework",
        r#"{"input":{"document":"code: imported\nversion: '1'\nname: Imported\npublisher: Us\nclauses: [{ number: '1', title: One }]\n"}}"#,
        "framework.import",
    ),
    write(
        "createCycle",
        r#"{"input":{"frameworkIds":["$Framework"]}}"#,
        "cycle.create",
    ),
    write("updateCycle", NAME, "cycle.update"),
    write("confirmCycleCarryOver", "{}", "cycle.confirm_carry_over"),
    write(
        "moveCyclePhase",
        r#"{"input":{"phase":"DO"}}"#,
        "cycle.enter_phase",
    ),
    write("moveCycleFramework", "{}", "cycle.move_framework_version").after(Setup::NewerFramework),
    write(
        "setCycleStatus",
        r#"{"input":{"status":"ABANDONED","reason":"Postponed"}}"#,
        "cycle.abandon",
    ),
    write("createRemediationTask", "{}", "remediation_task.create"),
    write("updateRemediationTask", TITLE, "remediation_task.update"),
    write(
        "setRemediationTaskStatus",
        r#"{"input":{"status":"IN_PROGRESS"}}"#,
        "remediation_task.set_status",
    ),
    write("assessClauses", "{}", "assessment.assess"),
    write("createDocument", "{}", "document.create"),
    write("updateDocument", TITLE, "document.update"),
    write(
        "setDocumentApprovers",
        r#"{"input":{"approverIds":[]}}"#,
        "document.set_approvers",
    ),
    write("retireDocument", "{}", "document.retire"),
    write("createDocumentVersion", "{}", "document_version.create"),
    write(
        "updateDocumentVersion",
        r##"{"input":{"body":"# New steps"}}"##,
        "document_version.update",
    )
    .after(Setup::DraftVersion),
    write("submitDocumentVersion", "{}", "document_version.submit").after(Setup::DraftVersion),
    write("reviseDocumentVersion", "{}", "document_version.revise").after(Setup::ChangesRequested),
    write("approveDocumentVersion", "{}", "document_version.approve")
        .after(Setup::SubmittedVersion),
    write(
        "requestDocumentChanges",
        r#"{"input":{"comment":"Name the owner"}}"#,
        "document_version.request_changes",
    )
    .after(Setup::SubmittedVersion),
    write("createTrainingSession", "{}", "training.create"),
    write("updateTrainingSession", TITLE, "training.update"),
    write("createEvidence", "{}", "evidence.create"),
    write("updateEvidence", TITLE, "evidence.update"),
    write("deleteEvidence", "{}", "evidence.delete"),
];

#[tokio::test]
async fn every_mutation_writes_audit_entries_of_its_caller_with_its_action() {
    let app = spawn_app().await;
    let schema = Schema::served(&app).await;
    coverage(
        "mutations",
        "tests/api/mutation_audit.rs (WRITES)",
        schema.mutations().iter().map(String::as_str),
        WRITES.iter().map(|w| w.mutation),
    )
    .unwrap_or_else(|problems| panic!("{problems}"));

    let mut failures = Vec::new();
    for (i, case) in WRITES.iter().enumerate() {
        let own = Records::create(&app, app.org, &format!("w{i}")).await;
        let mut overrides: Value = serde_json::from_str(&with_ids(case.overrides, &own))
            .unwrap_or_else(|e| panic!("{}: overrides are not JSON: {e}", case.mutation));
        let (caller, subject, extra) = prepare(&app, &own, case.setup).await;
        merge_input(&mut overrides, extra);
        let (operation, variables) = own.call(&schema, case.mutation, &overrides);
        let (head, _) = app.head(&own.admin).await;
        let reply = app.graphql(Some(&caller), &operation, variables).await;
        if reply.body.get("errors").is_some() {
            failures.push(format!(
                "{}: did not succeed: {}",
                case.mutation, reply.body
            ));
            continue;
        }
        if let Err(why) = written_since(&app, &own, head, &subject, case.action).await {
            failures.push(format!("{}: {why}", case.mutation));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `overrides` with each `"$Type"` replaced by the records' id of that type.
fn with_ids(overrides: &str, own: &Records) -> String {
    own.all()
        .fold(overrides.to_owned(), |text, (type_name, id)| {
            text.replace(&format!("\"${type_name}\""), &format!("\"{id}\""))
        })
}

fn merge_input(overrides: &mut Value, extra: Value) {
    let Value::Object(extra) = extra else { return };
    let input = overrides
        .as_object_mut()
        .expect("overrides are an object")
        .entry("input")
        .or_insert_with(|| json!({}));
    input
        .as_object_mut()
        .expect("input overrides are an object")
        .extend(extra);
}

/// Runs `setup`: the caller's token and login subject, and what to merge into `input`.
async fn prepare(app: &TestApp, own: &Records, setup: Setup) -> (String, String, Value) {
    let admin = (own.admin.clone(), "admin".to_owned());
    let run = |mutation: &'static str, input: Value| async move {
        app.graphql(Some(&own.admin), mutation, json!({ "input": input }))
            .await
            .ok()
    };
    let draft = || async {
        let data = run(
            "mutation($input: CreateDocumentVersionInput!) { createDocumentVersion(input: $input) { documentVersion { id } } }",
            json!({ "documentId": own.id("Document"), "body": "# Steps, revised" }),
        )
        .await;
        data["createDocumentVersion"]["documentVersion"]["id"].clone()
    };
    let submitted = || async {
        let id = draft().await;
        let data = run(
            "mutation($input: DocumentVersionStepInput!) { submitDocumentVersion(input: $input) { documentVersion { contentHash } } }",
            json!({ "id": id }),
        )
        .await;
        let hash = data["submitDocumentVersion"]["documentVersion"]["contentHash"].clone();
        json!({ "id": id, "contentHash": hash })
    };
    let approver = format!("{}-approver", own.label);
    match setup {
        Setup::Nothing => (admin.0, admin.1, json!({})),
        Setup::DeactivatedPerson => {
            run(
                "mutation($input: SetPersonActiveInput!) { deactivatePerson(input: $input) { person { id } } }",
                json!({ "id": own.id("Person") }),
            )
            .await;
            (admin.0, admin.1, json!({}))
        }
        Setup::SecondTool => {
            let data = run(
                "mutation($input: CreateToolInput!) { createTool(input: $input) { tool { id } } }",
                json!({ "name": "Second tool", "kind": "ITSM" }),
            )
            .await;
            let id = data["createTool"]["tool"]["id"].clone();
            (admin.0, admin.1, json!({ "toolId": id }))
        }
        Setup::SecondProcess => {
            let data = run(
                "mutation($input: CreateProcessInput!) { createProcess(input: $input) { process { id } } }",
                json!({ "code": format!("SECOND_{}", own.label.to_uppercase()), "name": "Second process" }),
            )
            .await;
            let id = data["createProcess"]["process"]["id"].clone();
            (admin.0, admin.1, json!({ "dependsOnProcessId": id }))
        }
        Setup::NewerFramework => {
            let label = &own.label;
            let data = run(
                "mutation($input: ImportFrameworkInput!) { importFramework(input: $input) { framework { id } } }",
                json!({ "document": format!(
                    "code: own-{label}\nversion: '2'\nname: {label} requirements\npublisher: {label}\n\
                     clauses: [{{ number: '1', title: One }}, {{ number: '2', title: Two }}]\n"
                ) }),
            )
            .await;
            let id = data["importFramework"]["framework"]["id"].clone();
            (admin.0, admin.1, json!({ "toFrameworkId": id }))
        }
        Setup::DraftVersion => (admin.0, admin.1, json!({ "id": draft().await })),
        Setup::SubmittedVersion => {
            let token = app.token_for(app.org, Role::Manager, &approver);
            (token, approver, submitted().await)
        }
        Setup::ChangesRequested => {
            let version = submitted().await;
            let token = app.token_for(app.org, Role::Manager, &approver);
            app.graphql(
                Some(&token),
                "mutation($input: RequestDocumentChangesInput!) { requestDocumentChanges(input: $input) { documentVersion { id } } }",
                json!({ "input": { "id": version["id"], "contentHash": version["contentHash"], "comment": "Name the owner" } }),
            )
            .await
            .ok();
            (admin.0, admin.1, json!({ "id": version["id"] }))
        }
    }
}

/// Checks the entries written after sequence `head`: at least one, each made by `subject` and
/// with a before that differs from its after, and one of them with `action`.
async fn written_since(
    app: &TestApp,
    own: &Records,
    head: i64,
    subject: &str,
    action: &str,
) -> Result<(), String> {
    let data = app
        .graphql(
            Some(&own.admin),
            "{ auditTrail(last: 50) { edges { node { sequence action actorSubject before after } } } }",
            json!({}),
        )
        .await
        .ok();
    let entries: Vec<&Value> = data["auditTrail"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| &edge["node"])
        .filter(|entry| entry["sequence"].as_i64().expect("sequence") > head)
        .collect();
    let actions: Vec<&Value> = entries.iter().map(|e| &e["action"]).collect();
    if !actions.iter().any(|a| *a == action) {
        return Err(format!("no {action} entry among the new ones: {actions:?}"));
    }
    for entry in &entries {
        if entry["actorSubject"] != subject {
            return Err(format!("an entry not made by {subject}: {entry}"));
        }
        if entry["before"] == entry["after"] {
            return Err(format!("an entry that records no change: {entry}"));
        }
    }
    Ok(())
}
