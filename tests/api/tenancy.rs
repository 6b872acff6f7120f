//! Nothing crosses organizations. The served schema is walked: every place where a query field
//! or a mutation takes an ID, as an argument or inside an input, has a case in [`CASES`] that
//! sends organization B's record there as organization A's ADMIN (so no permission masks the
//! answer); it must answer exactly as a missing id does, and change nothing. A place served
//! without a case, or a case for a place no longer served, fails the test. Lists, `node` and
//! `nodes` never show B's records either.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::{Gql, TestApp, create_org, spawn_app},
    records::Records,
    schema_walk::{IdPlace, Schema, coverage},
};

/// How a field answers an id the caller's organization has no record of.
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// An error with code NOT_FOUND naming the type: what every lookup and every mutation does.
    NotFound,
    /// No error and an empty page. A filter narrows the caller's own list: another
    /// organization's id matches none of its rows, just as a missing id matches none, and the
    /// list answers as it does for any condition nothing meets rather than with an error.
    Empty,
    /// No error and null: Relay's `node`/`nodes` answer null for an id they cannot resolve.
    Null,
}

/// What record type an ID place names.
#[derive(Clone, Copy, Debug)]
enum Names {
    One(&'static str),
    /// Any record: one case per type that implements `Node`.
    Any,
}

/// One tenancy case: the ID place (as [`Schema::id_places`] keys it), what it names, the answer
/// to B's id, and values that replace the generic ones where those would fail before the id
/// is looked up (a JSON object keyed by argument).
struct IdCase {
    key: &'static str,
    names: Names,
    answer: Answer,
    overrides: &'static str,
}

impl IdCase {
    const fn not_found(key: &'static str, type_name: &'static str) -> Self {
        Self {
            key,
            names: Names::One(type_name),
            answer: Answer::NotFound,
            overrides: "{}",
        }
    }

    const fn empty(key: &'static str, names: Names) -> Self {
        Self {
            key,
            names,
            answer: Answer::Empty,
            overrides: "{}",
        }
    }

    const fn null(key: &'static str) -> Self {
        Self {
            key,
            names: Names::Any,
            answer: Answer::Null,
            overrides: "{}",
        }
    }

    const fn with(self, overrides: &'static str) -> Self {
        Self { overrides, ..self }
    }
}

/// Every ID place of the schema. A place may have more than one case (other inputs that take
/// another path through the resolver).
const CASES: &[IdCase] = &[
    IdCase::null("Query.node(id)"),
    IdCase::null("Query.nodes(ids)"),
    IdCase::not_found("Query.cycle(id)", "Cycle"),
    IdCase::not_found("Query.gapAnalysis(asFramework)", "Framework"),
    IdCase::not_found("Query.gapAnalysis(cycleId)", "Cycle"),
    IdCase::not_found("Query.readiness(cycleId)", "Cycle"),
    IdCase::not_found("Query.readinessHistory(cycleId)", "Cycle"),
    IdCase::not_found("Query.remediationTask(id)", "RemediationTask"),
    IdCase::not_found("Query.document(id)", "Document"),
    IdCase::not_found("Query.framework(id)", "Framework"),
    IdCase::not_found("Query.person(id)", "Person"),
    IdCase::not_found("Query.process(id)", "Process"),
    IdCase::not_found("Query.service(id)", "Service"),
    IdCase::not_found("Query.tool(id)", "Tool"),
    IdCase::not_found("Query.trainingSession(id)", "TrainingSession"),
    IdCase::empty("Query.auditTrail(filter.recordId)", Names::Any),
    IdCase::empty("Query.clauseAssessments(cycleId)", Names::One("Cycle")),
    IdCase::empty(
        "Query.remediationTasks(filter.clauseId)",
        Names::One("Clause"),
    ),
    IdCase::empty(
        "Query.remediationTasks(filter.cycleId)",
        Names::One("Cycle"),
    ),
    IdCase::empty(
        "Query.remediationTasks(filter.ownerId)",
        Names::One("Person"),
    ),
    IdCase::empty("Query.documents(filter.ownerId)", Names::One("Person")),
    IdCase::empty("Query.documents(filter.processId)", Names::One("Process")),
    IdCase::empty("Query.processes(filter.ownerId)", Names::One("Person")),
    IdCase::empty("Query.services(filter.ownerId)", Names::One("Person")),
    IdCase::empty(
        "Query.trainingSessions(filter.personId)",
        Names::One("Person"),
    ),
    IdCase::empty(
        "Query.trainingSessions(filter.processId)",
        Names::One("Process"),
    ),
    IdCase::not_found(
        "Mutation.addProcessDependency(input.dependsOnProcessId)",
        "Process",
    ),
    IdCase::not_found("Mutation.addProcessDependency(input.processId)", "Process"),
    IdCase::not_found(
        "Mutation.assessClauses(input.assessments.clauseId)",
        "Clause",
    ),
    IdCase::not_found(
        "Mutation.assessClauses(input.assessments.processIds)",
        "Process",
    ),
    IdCase::not_found("Mutation.assessClauses(input.cycleId)", "Cycle"),
    IdCase::not_found(
        "Mutation.approveDocumentVersion(input.id)",
        "DocumentVersion",
    ),
    IdCase::not_found("Mutation.assignRaci(input.personId)", "Person"),
    IdCase::not_found("Mutation.assignRaci(input.processId)", "Process"),
    IdCase::not_found("Mutation.createDocument(input.clauseIds)", "Clause"),
    IdCase::not_found("Mutation.createDocument(input.fromTemplateId)", "Document"),
    IdCase::not_found("Mutation.createDocument(input.ownerId)", "Person"),
    IdCase::not_found("Mutation.createDocument(input.processId)", "Process"),
    IdCase::not_found(
        "Mutation.createDocumentVersion(input.documentId)",
        "Document",
    ),
    // A process code is upper case; "x" would be refused before the ids are looked up.
    IdCase::not_found("Mutation.createProcess(input.ownerId)", "Person")
        .with(r#"{ "input": { "code": "MINE" } }"#),
    IdCase::not_found("Mutation.createProcess(input.serviceIds)", "Service")
        .with(r#"{ "input": { "code": "MINE" } }"#),
    IdCase::not_found("Mutation.confirmCycleCarryOver(input.id)", "Cycle"),
    IdCase::not_found("Mutation.createCycle(input.carryOverFrom)", "Cycle"),
    IdCase::not_found("Mutation.createCycle(input.frameworkIds)", "Framework"),
    IdCase::not_found("Mutation.createCycle(input.processIds)", "Process"),
    IdCase::not_found("Mutation.createCycle(input.serviceIds)", "Service"),
    IdCase::not_found("Mutation.createCycle(input.sponsorId)", "Person"),
    IdCase::not_found("Mutation.createRemediationTask(input.clauseIds)", "Clause"),
    IdCase::not_found("Mutation.createRemediationTask(input.cycleId)", "Cycle"),
    IdCase::not_found("Mutation.createRemediationTask(input.ownerId)", "Person"),
    IdCase::not_found(
        "Mutation.createRemediationTask(input.processIds)",
        "Process",
    ),
    IdCase::not_found("Mutation.createService(input.ownerId)", "Person"),
    IdCase::not_found(
        "Mutation.createTrainingSession(input.attendees.personId)",
        "Person",
    ),
    IdCase::not_found(
        "Mutation.createTrainingSession(input.materialDocumentId)",
        "Document",
    ),
    IdCase::not_found(
        "Mutation.createTrainingSession(input.processIds)",
        "Process",
    ),
    IdCase::not_found("Mutation.createTrainingSession(input.trainerId)", "Person"),
    IdCase::not_found("Mutation.deactivatePerson(input.id)", "Person"),
    IdCase::not_found("Mutation.deleteProcess(input.id)", "Process"),
    IdCase::not_found("Mutation.deleteTool(input.id)", "Tool"),
    IdCase::not_found("Mutation.linkProcessToTool(input.processId)", "Process"),
    IdCase::not_found(
        "Mutation.moveCycleFramework(input.fromFrameworkId)",
        "Framework",
    ),
    IdCase::not_found("Mutation.moveCycleFramework(input.id)", "Cycle"),
    IdCase::not_found(
        "Mutation.moveCycleFramework(input.toFrameworkId)",
        "Framework",
    ),
    IdCase::not_found("Mutation.moveCyclePhase(input.id)", "Cycle"),
    IdCase::not_found("Mutation.linkProcessToTool(input.toolId)", "Tool"),
    IdCase::not_found("Mutation.reactivatePerson(input.id)", "Person"),
    IdCase::not_found("Mutation.removeProcessLink(input.id)", "ProcessLink"),
    IdCase::not_found("Mutation.removeRaciAssignment(input.id)", "RaciAssignment"),
    IdCase::not_found("Mutation.replaceAccountable(input.personId)", "Person"),
    IdCase::not_found("Mutation.replaceAccountable(input.processId)", "Process"),
    IdCase::not_found(
        "Mutation.requestDocumentChanges(input.id)",
        "DocumentVersion",
    ),
    IdCase::not_found("Mutation.retireDocument(input.id)", "Document"),
    IdCase::not_found("Mutation.retireService(input.id)", "Service"),
    IdCase::not_found(
        "Mutation.reviseDocumentVersion(input.id)",
        "DocumentVersion",
    ),
    IdCase::not_found("Mutation.revokeApiToken(input.id)", "ApiToken"),
    IdCase::not_found("Mutation.setCycleStatus(input.id)", "Cycle"),
    IdCase::not_found("Mutation.setProcessApplicability(input.id)", "Process"),
    IdCase::not_found(
        "Mutation.setRemediationTaskStatus(input.id)",
        "RemediationTask",
    ),
    IdCase::not_found("Mutation.updateCycle(input.frameworkIds)", "Framework"),
    IdCase::not_found("Mutation.updateCycle(input.id)", "Cycle"),
    IdCase::not_found("Mutation.updateCycle(input.id)", "Cycle")
        .with(r#"{ "input": { "name": "Stolen", "objectives": [{ "description": "Stolen" }] } }"#),
    IdCase::not_found("Mutation.updateCycle(input.processIds)", "Process"),
    IdCase::not_found("Mutation.updateCycle(input.serviceIds)", "Service"),
    IdCase::not_found("Mutation.updateCycle(input.sponsorId)", "Person"),
    IdCase::not_found("Mutation.setDocumentApprovers(input.approverIds)", "Person"),
    IdCase::not_found("Mutation.setDocumentApprovers(input.id)", "Document"),
    IdCase::not_found(
        "Mutation.submitDocumentVersion(input.id)",
        "DocumentVersion",
    ),
    IdCase::not_found("Mutation.updateDocument(input.clauseIds)", "Clause"),
    IdCase::not_found("Mutation.updateDocument(input.id)", "Document"),
    IdCase::not_found("Mutation.updateDocument(input.id)", "Document")
        .with(r#"{ "input": { "title": "Stolen" } }"#),
    IdCase::not_found("Mutation.updateDocument(input.ownerId)", "Person"),
    IdCase::not_found("Mutation.updateDocument(input.processId)", "Process"),
    IdCase::not_found(
        "Mutation.updateDocumentVersion(input.id)",
        "DocumentVersion",
    )
    .with(r#"{ "input": { "body": "Stolen" } }"#),
    IdCase::not_found("Mutation.updatePerson(input.id)", "Person"),
    // Granting a login and a role takes the ADMIN-only path through the resolver.
    IdCase::not_found("Mutation.updatePerson(input.id)", "Person")
        .with(r#"{ "input": { "name": "Stolen", "role": "ADMIN", "loginSubject": "x" } }"#),
    IdCase::not_found("Mutation.updateProcess(input.id)", "Process")
        .with(r#"{ "input": { "goals": "Stolen" } }"#),
    IdCase::not_found("Mutation.updateProcess(input.ownerId)", "Person"),
    IdCase::not_found("Mutation.updateProcess(input.serviceIds)", "Service"),
    IdCase::not_found("Mutation.updateRaciAssignment(input.id)", "RaciAssignment"),
    IdCase::not_found("Mutation.updateRemediationTask(input.clauseIds)", "Clause"),
    IdCase::not_found(
        "Mutation.updateRemediationTask(input.id)",
        "RemediationTask",
    ),
    IdCase::not_found(
        "Mutation.updateRemediationTask(input.id)",
        "RemediationTask",
    )
    .with(r#"{ "input": { "title": "Stolen" } }"#),
    IdCase::not_found("Mutation.updateRemediationTask(input.ownerId)", "Person"),
    IdCase::not_found(
        "Mutation.updateRemediationTask(input.processIds)",
        "Process",
    ),
    IdCase::not_found("Mutation.updateService(input.id)", "Service"),
    IdCase::not_found("Mutation.updateService(input.id)", "Service")
        .with(r#"{ "input": { "name": "Stolen" } }"#),
    IdCase::not_found("Mutation.updateService(input.ownerId)", "Person"),
    IdCase::not_found("Mutation.updateTool(input.id)", "Tool"),
    IdCase::not_found(
        "Mutation.updateTrainingSession(input.attendees.personId)",
        "Person",
    ),
    IdCase::not_found(
        "Mutation.updateTrainingSession(input.id)",
        "TrainingSession",
    ),
    IdCase::not_found(
        "Mutation.updateTrainingSession(input.id)",
        "TrainingSession",
    )
    .with(r#"{ "input": { "title": "Stolen" } }"#),
    IdCase::not_found(
        "Mutation.updateTrainingSession(input.materialDocumentId)",
        "Document",
    ),
    IdCase::not_found(
        "Mutation.updateTrainingSession(input.processIds)",
        "Process",
    ),
    IdCase::not_found("Mutation.updateTrainingSession(input.trainerId)", "Person"),
    IdCase::not_found("Query.evidence(id)", "Evidence"),
    IdCase::empty(
        "Query.evidenceRecords(filter.clauseId)",
        Names::One("Clause"),
    ),
    IdCase::empty("Query.evidenceRecords(filter.cycleId)", Names::One("Cycle")),
    IdCase::empty(
        "Query.evidenceRecords(filter.ownerId)",
        Names::One("Person"),
    ),
    IdCase::empty(
        "Query.evidenceRecords(filter.processId)",
        Names::One("Process"),
    ),
    IdCase::empty(
        "Query.evidenceRecords(filter.serviceId)",
        Names::One("Service"),
    ),
    IdCase::not_found("Mutation.createEvidence(input.clauseIds)", "Clause"),
    IdCase::not_found("Mutation.createEvidence(input.cycleIds)", "Cycle"),
    IdCase::not_found(
        "Mutation.createEvidence(input.documentVersionIds)",
        "DocumentVersion",
    ),
    IdCase::not_found("Mutation.createEvidence(input.ownerId)", "Person"),
    IdCase::not_found("Mutation.createEvidence(input.processIds)", "Process"),
    IdCase::not_found("Mutation.createEvidence(input.serviceIds)", "Service"),
    IdCase::not_found("Mutation.updateEvidence(input.clauseIds)", "Clause"),
    IdCase::not_found("Mutation.updateEvidence(input.cycleIds)", "Cycle"),
    IdCase::not_found(
        "Mutation.updateEvidence(input.documentVersionIds)",
        "DocumentVersion",
    ),
    IdCase::not_found("Mutation.updateEvidence(input.id)", "Evidence"),
    IdCase::not_found("Mutation.updateEvidence(input.id)", "Evidence")
        .with(r#"{ "input": { "title": "Stolen" } }"#),
    IdCase::not_found("Mutation.updateEvidence(input.ownerId)", "Person"),
    IdCase::not_found("Mutation.updateEvidence(input.processIds)", "Process"),
    IdCase::not_found("Mutation.updateEvidence(input.serviceIds)", "Service"),
    IdCase::not_found("Mutation.deleteEvidence(input.id)", "Evidence"),
];

/// The record type the ID at `key` names, where it names one type; for tests that need a valid
/// id there.
pub fn names(key: &str) -> Option<&'static str> {
    CASES
        .iter()
        .find(|c| c.key == key)
        .and_then(|c| match c.names {
            Names::One(type_name) => Some(type_name),
            Names::Any => None,
        })
}

/// The key of the ID at `path` of the field `place` is in.
fn key_of(place_key: &str, path: &str) -> String {
    let field = place_key.split_once('(').map_or(place_key, |(f, _)| f);
    format!("{field}({path})")
}

/// The global id of a `type_name` record, as the server encodes it.
fn global(type_name: &str, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// The body without the request ids, which differ between any two requests.
fn without_request_id(mut body: Value) -> Value {
    for error in body["errors"].as_array_mut().into_iter().flatten() {
        if let Some(extensions) = error["extensions"].as_object_mut() {
            extensions.remove("requestId");
        }
    }
    body
}

/// Sends `case` with `target` at its place, A's own records at every other required ID.
async fn send(
    app: &TestApp,
    schema: &Schema,
    a: &Records,
    place: &IdPlace,
    case: &IdCase,
    target: &str,
) -> Gql {
    let id = |path: &str| -> Value {
        if path == place.path {
            return json!(target);
        }
        let key = key_of(&place.key, path);
        let type_name =
            names(&key).unwrap_or_else(|| panic!("{}: which record {key} names", case.key));
        json!(a.id(type_name))
    };
    let selection = match case.answer {
        Answer::Empty => "edges { node { id } }",
        Answer::NotFound | Answer::Null => "__typename",
    };
    let overrides: Value = serde_json::from_str(case.overrides).expect("overrides are JSON");
    let (operation, variables) = schema.operation(
        place.root(),
        &place.field,
        Some(&place.path),
        &id,
        &overrides,
        selection,
    );
    app.graphql(Some(&a.admin), &operation, variables).await
}

/// Why `reply` is not `answer` from `field` for an id of `type_name`, if it is not.
fn check(answer: Answer, field: &str, type_name: &str, reply: &Gql) -> Result<(), String> {
    let errors = reply.body.get("errors");
    let value = &reply.data()[field];
    let fine = match answer {
        Answer::NotFound => {
            reply.code() == Some("NOT_FOUND")
                && reply.body["errors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(type_name))
        }
        Answer::Empty => errors.is_none() && value["edges"] == json!([]),
        Answer::Null => {
            errors.is_none()
                && (value.is_null()
                    || value
                        .as_array()
                        .is_some_and(|v| v.iter().all(Value::is_null)))
        }
    };
    if fine {
        Ok(())
    } else {
        Err(format!("expected {answer:?}, got {}", reply.body))
    }
}

#[tokio::test]
async fn every_id_place_answers_another_organizations_id_like_a_missing_one_and_changes_nothing() {
    let app = spawn_app().await;
    let schema = Schema::served(&app).await;
    let places = schema.id_places();
    coverage(
        "ID places",
        "tests/api/tenancy.rs (CASES)",
        places.iter().map(|p| p.key.as_str()),
        CASES.iter().map(|c| c.key),
    )
    .unwrap_or_else(|problems| panic!("{problems}"));
    let node_types = schema.possible_types("Node");
    let a = Records::create(&app, app.org, "a").await;
    let b = Records::create(&app, create_org(&app.db, "Other Org").await, "b").await;
    b.assert_one_of_each(&node_types);
    let a_before = a.snapshot(&app, &schema).await;
    let b_before = b.snapshot(&app, &schema).await;

    let mut failures = Vec::new();
    for case in CASES {
        let place = places.iter().find(|p| p.key == case.key).expect("covered");
        let types = match case.names {
            Names::One(type_name) => vec![type_name.to_owned()],
            Names::Any => node_types.clone(),
        };
        for type_name in &types {
            let foreign = send(&app, &schema, &a, place, case, b.id(type_name)).await;
            let missing = global(type_name, Uuid::now_v7());
            let missing = send(&app, &schema, &a, place, case, &missing).await;
            if let Err(why) = check(case.answer, &place.field, type_name, &foreign) {
                failures.push(format!("{} with B's {type_name}: {why}", case.key));
            }
            if without_request_id(foreign.body) != without_request_id(missing.body) {
                failures.push(format!(
                    "{} with B's {type_name}: answers unlike a missing {type_name}",
                    case.key
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    assert_eq!(
        b.snapshot(&app, &schema).await,
        b_before,
        "B's records and audit trail are unchanged"
    );
    assert_eq!(
        a.snapshot(&app, &schema).await,
        a_before,
        "A's records are unchanged and its audit trail did not grow"
    );
}

fn ids_in(value: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    fn walk(value: &Value, ids: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    if ["id", "recordId", "personId", "source", "target"].contains(&key.as_str())
                        && let Some(id) = v.as_str()
                    {
                        ids.push(id.to_owned());
                    }
                    walk(v, ids);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, ids)),
            _ => {}
        }
    }
    walk(value, &mut ids);
    ids
}

#[tokio::test]
async fn lists_and_nodes_show_nothing_of_another_organization() {
    let app = spawn_app().await;
    let a = Records::create(&app, app.org, "a").await;
    let b = Records::create(&app, create_org(&app.db, "Other Org").await, "b").await;

    // Mixed with A's ids, B's resolve to null in place.
    let data = app
        .graphql(
            Some(&a.admin),
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [
                b.id("Person"), b.id("Organization"), b.id("AuditEntry"),
                a.id("Person"), a.id("Organization"), a.id("AuditEntry"),
            ] }),
        )
        .await
        .ok();
    assert_eq!(
        data["nodes"],
        json!([
            null,
            null,
            null,
            { "id": a.id("Person") },
            { "id": a.id("Organization") },
            { "id": a.id("AuditEntry") },
        ])
    );

    let lists = app
        .graphql(
            Some(&a.admin),
            r#"{
                people(first: 100) { totalCount edges { node { id } } }
                everyone: people(first: 100, filter: { search: "example.com" }) { edges { node { id } } }
                auditTrail(first: 100) { totalCount edges { node { id recordId } } }
                apiTokens(first: 100) { totalCount edges { node { id } } }
                services(first: 100) { totalCount edges { node { id owner { id } } } }
                processes(first: 50) { edges { node { id owner { id } accountable { id } services { id } raciAssignments { id person { id } } } } }
                raciMatrix { people { id } rows { process { id } cells { personId } } }
                tools(first: 100) { totalCount edges { node { id } } }
                processMap { nodes { id } edges { source target } }
                documents(first: 10) { totalCount edges { node { id owner { id } process { id } clauses { id } approvers { id } versions { id author { id } } } } }
                documentsDueForReview(onOrBefore: "2999-12-31") { edges { node { id } } }
                organization { id }
                viewer { organization { id } }
            }"#,
            json!({}),
        )
        .await
        .ok();
    let seen = ids_in(&lists);
    for (type_name, foreign) in b.all() {
        assert!(
            !seen.iter().any(|id| id == foreign),
            "B's {type_name} {foreign} leaked into a list: {lists:#}"
        );
    }
    // The built-in templates and the records' procedure.
    assert_eq!(lists["documents"]["totalCount"], 7);
    // The records' person and the approver of their document.
    assert_eq!(lists["people"]["totalCount"], 2);
    assert_eq!(lists["tools"]["totalCount"], 1);
    let verification = app
        .graphql(
            Some(&a.admin),
            "{ verifyAuditTrail { valid entriesChecked } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        verification["verifyAuditTrail"]["entriesChecked"], lists["auditTrail"]["totalCount"],
        "verification covers only the caller's chain"
    );
}
