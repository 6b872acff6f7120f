//! One record of each type for an organization, made through the API, for the enumerated
//! tenancy and authorization tests to aim their cases at; and a snapshot of them that changes
//! when anything about them does.

use std::collections::BTreeMap;

use entity::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::TestApp,
    schema_walk::{Root, Schema},
    tenancy,
};

/// An organization's records, by GraphQL type name.
pub struct Records {
    /// A token of the organization's ADMIN.
    pub admin: String,
    /// What names and e-mail addresses of these records are made from; the document's approver
    /// logs in as `{label}-approver`.
    pub label: String,
    ids: BTreeMap<&'static str, String>,
}

impl Records {
    /// Makes one record of each type in `org`: a person who owns a service and an own
    /// (deletable) process that applies to it, a RACI assignment and a tool link on that process,
    /// an API token, a framework of its own with one clause mapped to ISO/IEC 20000-1, a cycle
    /// over it all with a remediation task and an assessment, a procedure of that process with
    /// its version 1.0 approved by a second person (a MANAGER login, the document's approver),
    /// a training session and a piece of evidence linked to all of it; the organization and
    /// its newest audit entry are read back.
    pub async fn create(app: &TestApp, org: Uuid, label: &str) -> Self {
        let admin = app.token_for(org, Role::Admin, "admin");
        let mut ids = BTreeMap::new();
        let person = app
            .create_person(
                &admin,
                &format!("{label} person"),
                &format!("{label}@example.com"),
            )
            .await;
        ids.insert("Person", person.clone());
        let run = |mutation: &'static str, input: Value| {
            let admin = admin.clone();
            async move {
                app.graphql(Some(&admin), mutation, json!({ "input": input }))
                    .await
                    .ok()
            }
        };
        let token = run(
            "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { id } } }",
            json!({ "name": label, "scopes": ["READ"] }),
        )
        .await;
        take(&mut ids, "ApiToken", &token["createApiToken"]["apiToken"]);
        let service = run(
            "mutation($input: CreateServiceInput!) { createService(input: $input) { service { id } } }",
            json!({ "name": format!("{label} service"), "ownerId": person }),
        )
        .await;
        let service = take(&mut ids, "Service", &service["createService"]["service"]);
        let process = run(
            "mutation($input: CreateProcessInput!) { createProcess(input: $input) { process { id } } }",
            json!({ "code": format!("OWN_{}", label.to_uppercase()), "name": format!("{label} process"), "ownerId": person, "serviceIds": [service] }),
        )
        .await;
        let process = take(&mut ids, "Process", &process["createProcess"]["process"]);
        let raci = run(
            "mutation($input: AssignRaciInput!) { assignRaci(input: $input) { raciAssignment { id } } }",
            json!({ "processId": process, "personId": person, "role": "RESPONSIBLE" }),
        )
        .await;
        take(
            &mut ids,
            "RaciAssignment",
            &raci["assignRaci"]["raciAssignment"],
        );
        let tool = run(
            "mutation($input: CreateToolInput!) { createTool(input: $input) { tool { id } } }",
            json!({ "name": format!("{label} tool"), "kind": "OTHER" }),
        )
        .await;
        let tool = take(&mut ids, "Tool", &tool["createTool"]["tool"]);
        let link = run(
            "mutation($input: LinkProcessToToolInput!) { linkProcessToTool(input: $input) { processLink { id } } }",
            json!({ "processId": process, "toolId": tool }),
        )
        .await;
        take(
            &mut ids,
            "ProcessLink",
            &link["linkProcessToTool"]["processLink"],
        );
        let framework = run(
            "mutation($input: ImportFrameworkInput!) { importFramework(input: $input) { framework {
                id allClauses { id mappedClauses { mapping { id } } } } } }",
            json!({ "document": format!(
                "code: own-{label}\nversion: '1'\nname: {label} requirements\npublisher: {label}\n\
                 clauses: [{{ number: '1', title: One }}]\n\
                 mappings: [{{ from: '1', to: 'iso20000-1:2018/4.1', relationship: RELATED }}]\n"
            ) }),
        )
        .await;
        let framework = &framework["importFramework"]["framework"];
        let framework_id = take(&mut ids, "Framework", framework);
        let clause = &framework["allClauses"][0];
        let clause_id = take(&mut ids, "Clause", clause);
        take(
            &mut ids,
            "ClauseMapping",
            &clause["mappedClauses"][0]["mapping"],
        );
        let cycle = run(
            "mutation($input: CreateCycleInput!) { createCycle(input: $input) { cycle {
                id services { id } processes { id } objectives { id } phaseHistory { id } } } }",
            json!({
                "name": format!("{label} cycle"), "sponsorId": person, "frameworkIds": [framework_id],
                "serviceIds": [service], "processIds": [process],
                "objectives": [{ "description": "Certify", "target": "by next year" }],
            }),
        )
        .await;
        let cycle = &cycle["createCycle"]["cycle"];
        take(&mut ids, "Cycle", cycle);
        take(&mut ids, "CycleService", &cycle["services"][0]);
        take(&mut ids, "CycleProcess", &cycle["processes"][0]);
        take(&mut ids, "CycleObjective", &cycle["objectives"][0]);
        take(&mut ids, "PhaseEntry", &cycle["phaseHistory"][0]);
        let cycle_id = ids["Cycle"].clone();
        let task = run(
            "mutation($input: CreateRemediationTaskInput!) { createRemediationTask(input: $input) { remediationTask { id } } }",
            json!({ "cycleId": cycle_id, "title": "Close the gap", "clauseIds": [clause_id], "processIds": [process], "ownerId": person }),
        )
        .await;
        take(
            &mut ids,
            "RemediationTask",
            &task["createRemediationTask"]["remediationTask"],
        );
        let assessed = run(
            "mutation($input: AssessClausesInput!) { assessClauses(input: $input) { assessments { id } } }",
            json!({ "cycleId": cycle_id, "assessments": [{ "clauseId": clause_id, "status": "GAP", "processIds": [process] }] }),
        )
        .await;
        take(
            &mut ids,
            "ClauseAssessment",
            &assessed["assessClauses"]["assessments"][0],
        );
        let approver = run(
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "name": format!("{label} approver"), "email": format!("{label}-approver@example.com"),
                    "loginSubject": format!("{label}-approver"), "role": "MANAGER" }),
        )
        .await;
        let approver = approver["createPerson"]["person"]["id"].clone();
        let document = run(
            "mutation($input: CreateDocumentInput!) { createDocument(input: $input) { document { id latestVersion { id } } } }",
            json!({ "kind": "PROCEDURE", "title": format!("{label} procedure"), "ownerId": person,
                    "processId": process, "clauseIds": [clause_id], "body": "# Steps", "nextReviewDate": "2027-01-31" }),
        )
        .await;
        let document = &document["createDocument"]["document"];
        let document_id = take(&mut ids, "Document", document);
        let version = take(&mut ids, "DocumentVersion", &document["latestVersion"]);
        run(
            "mutation($input: SetDocumentApproversInput!) { setDocumentApprovers(input: $input) { document { id } } }",
            json!({ "id": document_id, "approverIds": [approver] }),
        )
        .await;
        let submitted = run(
            "mutation($input: DocumentVersionStepInput!) { submitDocumentVersion(input: $input) { documentVersion { contentHash } } }",
            json!({ "id": version }),
        )
        .await;
        let decided = app
            .graphql(
                Some(&app.token_for(org, Role::Manager, &format!("{label}-approver"))),
                "mutation($input: ApproveDocumentVersionInput!) { approveDocumentVersion(input: $input) { documentVersion { decisions { id } } } }",
                json!({ "input": { "id": version, "contentHash": submitted["submitDocumentVersion"]["documentVersion"]["contentHash"] } }),
            )
            .await
            .ok();
        take(
            &mut ids,
            "DocumentDecision",
            &decided["approveDocumentVersion"]["documentVersion"]["decisions"][0],
        );
        let training = run(
            "mutation($input: CreateTrainingSessionInput!) { createTrainingSession(input: $input) { trainingSession { id attendance { id } } } }",
            json!({ "title": format!("{label} training"), "heldOn": "2026-11-02", "trainerId": person,
                    "materialDocumentId": document_id, "processIds": [process],
                    "attendees": [{ "personId": person, "attended": true }] }),
        )
        .await;
        let training = &training["createTrainingSession"]["trainingSession"];
        take(&mut ids, "TrainingSession", training);
        take(&mut ids, "Attendance", &training["attendance"][0]);
        let evidence = run(
            "mutation($input: CreateEvidenceInput!) { createEvidence(input: $input) { evidence { id } } }",
            json!({ "title": format!("{label} evidence"), "kind": "REPORT", "ownerId": person,
                    "tags": [label], "processIds": [process], "serviceIds": [service],
                    "clauseIds": [clause_id], "cycleIds": [cycle_id], "documentVersionIds": [version],
                    "validUntil": "2027-06-30" }),
        )
        .await;
        take(
            &mut ids,
            "Evidence",
            &evidence["createEvidence"]["evidence"],
        );
        let read = app
            .graphql(
                Some(&admin),
                "{ organization { id } auditTrail(last: 1) { edges { node { id } } } }",
                json!({}),
            )
            .await
            .ok();
        take(&mut ids, "Organization", &read["organization"]);
        take(
            &mut ids,
            "AuditEntry",
            &read["auditTrail"]["edges"][0]["node"],
        );
        Self {
            admin,
            label: label.to_owned(),
            ids,
        }
    }

    /// The global id of the record of `type_name`.
    pub fn id(&self, type_name: &str) -> &str {
        self.ids.get(type_name).unwrap_or_else(|| {
            panic!("no {type_name} record: add one to Records::create in tests/api/records.rs")
        })
    }

    /// `mutation` with every required argument: generic values, these records' ids wherever an
    /// ID is required, and `overrides` (an object keyed by argument) merged in last.
    pub fn call(&self, schema: &Schema, mutation: &str, overrides: &Value) -> (String, Value) {
        let id = |path: &str| {
            let key = format!("Mutation.{mutation}({path})");
            let type_name = tenancy::names(&key)
                .unwrap_or_else(|| panic!("which record {key} names (tests/api/tenancy.rs)"));
            json!(self.id(type_name))
        };
        schema.operation(Root::Mutation, mutation, None, &id, overrides, "__typename")
    }

    /// Every record: (type name, global id).
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.ids.iter().map(|(t, id)| (*t, id.as_str()))
    }

    /// Panics unless there is a record of each of `types`.
    pub fn assert_one_of_each(&self, types: &[String]) {
        let missing: Vec<&str> = types
            .iter()
            .map(String::as_str)
            .filter(|t| !self.ids.contains_key(t))
            .collect();
        assert!(
            missing.is_empty(),
            "types without a record in Records::create (tests/api/records.rs): {missing:?}"
        );
    }

    /// Everything the organization's ADMIN sees of these records (every field without
    /// arguments, the ids of linked records) and its audit trail head.
    pub async fn snapshot(&self, app: &TestApp, schema: &Schema) -> Value {
        // One request per record: a single `nodes` request with every type's fragment costs
        // each fragment for each node, past the complexity bound.
        let mut nodes = Vec::with_capacity(self.ids.len());
        for (type_name, id) in &self.ids {
            let data = app
                .graphql(
                    Some(&self.admin),
                    &format!(
                        "query($id: ID!) {{ node(id: $id) {{ __typename ... on {type_name} {{ {} }} }} }}",
                        schema.record_selection(type_name)
                    ),
                    json!({ "id": id }),
                )
                .await
                .ok();
            assert!(
                !data["node"].is_null(),
                "the {type_name} is there: {data:#}"
            );
            nodes.push(data["node"].clone());
        }
        let head = app
            .graphql(
                Some(&self.admin),
                "{ auditTrailHead { sequence hash } }",
                json!({}),
            )
            .await
            .ok();
        json!({ "nodes": nodes, "auditTrailHead": head["auditTrailHead"] })
    }
}

/// Keeps the `id` of `record` as the record of `type_name`.
fn take(
    ids: &mut BTreeMap<&'static str, String>,
    type_name: &'static str,
    record: &Value,
) -> String {
    let id = record["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{type_name} id in {record:#}"))
        .to_owned();
    ids.insert(type_name, id.clone());
    id
}
