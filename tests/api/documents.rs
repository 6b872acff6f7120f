//! Documents and their versions: the review state machine (each allowed step, each refused
//! one answering BAD_USER_INPUT and changing nothing), self-approval and stale content hashes
//! refused, only named approvers deciding, supersession, retirement, review dates, starting
//! from a built-in template, search, and process owners maintaining only their own documents.

use entity::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{Gql, TestApp, spawn_app};

const CREATE: &str = "mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
    document { id title kind status classification nextReviewDate clauses { number } process { code }
               latestVersion { id number state body contentHash } } } }";
const UPDATE: &str = "mutation($input: UpdateDocumentInput!) { updateDocument(input: $input) {
    document { id title nextReviewDate clauses { number } process { code } } } }";
const APPROVERS: &str = "mutation($input: SetDocumentApproversInput!) { setDocumentApprovers(input: $input) { document { approvers { name } } } }";
const RETIRE: &str = "mutation($input: RetireDocumentInput!) { retireDocument(input: $input) { document { status retiredAt } } }";
const NEW_VERSION: &str = "mutation($input: CreateDocumentVersionInput!) { createDocumentVersion(input: $input) { documentVersion { id number state body contentHash author { name } authorSubject } } }";
const EDIT: &str = "mutation($input: UpdateDocumentVersionInput!) { updateDocumentVersion(input: $input) { documentVersion { state body contentHash } } }";
const SUBMIT: &str = "mutation($input: DocumentVersionStepInput!) { submitDocumentVersion(input: $input) { documentVersion { state submittedAt contentHash } } }";
const REVISE: &str = "mutation($input: DocumentVersionStepInput!) { reviseDocumentVersion(input: $input) { documentVersion { state } } }";
const APPROVE: &str = "mutation($input: ApproveDocumentVersionInput!) { approveDocumentVersion(input: $input) { documentVersion { state approvedAt
    decisions { decision comment contentHash approverSubject approver { name } decidedAt } } } }";
const REQUEST: &str = "mutation($input: RequestDocumentChangesInput!) { requestDocumentChanges(input: $input) { documentVersion { state
    decisions { decision comment contentHash approver { name } } } } }";
const READ: &str = "query($id: ID!) { document(id: $id) { status version currentVersion { number } latestVersion { number }
    versions { number state body contentHash version decisions { decision } } } }";

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// An organization with an author and two approvers, each a MANAGER login linked to a person.
struct Desk {
    app: TestApp,
    admin: String,
    author: String,
    approver: String,
    second: String,
    approver_ids: Vec<String>,
    author_id: String,
}

async fn person_with_login(app: &TestApp, name: &str, subject: &str, role: &str) -> String {
    let data = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "name": name, "email": format!("{subject}@example.com"), "loginSubject": subject, "role": role } }),
        )
        .await
        .ok();
    data["createPerson"]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

impl Desk {
    async fn new() -> Self {
        let app = spawn_app().await;
        let author_id = person_with_login(&app, "Ann Author", "ann", "MANAGER").await;
        let approver = person_with_login(&app, "Abe Approver", "abe", "MANAGER").await;
        let second = person_with_login(&app, "Bea Second", "bea", "ADMIN").await;
        Self {
            admin: app.admin(),
            author: app.token(Role::Manager, "ann"),
            approver: app.token(Role::Manager, "abe"),
            second: app.token(Role::Admin, "bea"),
            approver_ids: vec![approver, second],
            author_id,
            app,
        }
    }

    async fn run(&self, token: &str, query: &str, input: Value) -> Gql {
        self.app
            .graphql(Some(token), query, json!({ "input": input }))
            .await
    }

    /// A document by the author with the two approvers named: (document id, version 1.0 id).
    async fn document(&self, title: &str, body: &str) -> (String, String) {
        let data = self
            .run(
                &self.author,
                CREATE,
                json!({ "kind": "PROCEDURE", "title": title, "body": body }),
            )
            .await
            .ok();
        let document = &data["createDocument"]["document"];
        let id = document["id"].as_str().unwrap().to_owned();
        self.run(
            &self.admin,
            APPROVERS,
            json!({ "id": id, "approverIds": self.approver_ids }),
        )
        .await
        .ok();
        (
            id,
            document["latestVersion"]["id"].as_str().unwrap().to_owned(),
        )
    }

    async fn read(&self, id: &str) -> Value {
        self.app
            .graphql(Some(&self.admin), READ, json!({ "id": id }))
            .await
            .ok()["document"]
            .clone()
    }

    /// Sends each call, expecting BAD_USER_INPUT on its field, and checks that nothing changed:
    /// neither the document nor the audit trail.
    async fn refused(&self, document: &str, calls: &[(&str, &str, Value, &str)]) {
        let before = self.read(document).await;
        let head = self.app.head(&self.admin).await;
        for (token, query, input, field) in calls {
            let reply = self.run(token, query, input.clone()).await;
            reply.expect_code("BAD_USER_INPUT");
            assert_eq!(reply.field(), Some(*field), "{}", reply.body);
        }
        assert_eq!(
            self.read(document).await,
            before,
            "a refusal changed nothing"
        );
        assert_eq!(
            self.app.head(&self.admin).await,
            head,
            "nor the audit trail"
        );
    }
}

#[tokio::test]
async fn a_version_goes_through_review_and_every_other_step_is_refused() {
    let desk = Desk::new().await;
    let (document, v1) = desk
        .document("Incident procedure", "# Steps\n\n1. Log")
        .await;
    let (author, approver) = (desk.author.as_str(), desk.approver.as_str());
    let hash = sha256("# Steps\n\n1. Log");
    let step = |id: &str| json!({ "id": id });
    let decide = |id: &str, hash: &str| json!({ "id": id, "contentHash": hash, "comment": "ok" });
    let edit = |id: &str| json!({ "id": id, "body": "changed" });

    // DRAFT: only editing and submitting.
    desk.refused(
        &document,
        &[
            (approver, APPROVE, decide(&v1, &hash), "input.id"),
            (approver, REQUEST, decide(&v1, &hash), "input.id"),
            (author, REVISE, step(&v1), "input.id"),
        ],
    )
    .await;
    let edited = desk
        .run(
            author,
            EDIT,
            json!({ "id": v1, "body": "# Steps\n\n1. Log\n2. Classify" }),
        )
        .await
        .ok();
    let hash = sha256("# Steps\n\n1. Log\n2. Classify");
    assert_eq!(
        edited["updateDocumentVersion"]["documentVersion"]["contentHash"],
        hash
    );
    let submitted = desk.run(author, SUBMIT, step(&v1)).await.ok();
    let submitted = &submitted["submitDocumentVersion"]["documentVersion"];
    assert_eq!(submitted["state"], "IN_REVIEW");
    assert!(submitted["submittedAt"].is_string());

    // IN_REVIEW: only decisions; the content is frozen.
    desk.refused(
        &document,
        &[
            (author, SUBMIT, step(&v1), "input.id"),
            (author, REVISE, step(&v1), "input.id"),
            (author, EDIT, edit(&v1), "input.id"),
            (
                approver,
                REQUEST,
                json!({ "id": v1, "contentHash": hash, "comment": " " }),
                "input.comment",
            ),
        ],
    )
    .await;
    let sent_back = desk
        .run(
            approver,
            REQUEST,
            json!({ "id": v1, "contentHash": hash, "comment": "Add escalation" }),
        )
        .await
        .ok();
    let sent_back = &sent_back["requestDocumentChanges"]["documentVersion"];
    assert_eq!(sent_back["state"], "CHANGES_REQUESTED");
    assert_eq!(
        sent_back["decisions"],
        json!([{ "decision": "CHANGES_REQUESTED", "comment": "Add escalation", "contentHash": hash, "approver": { "name": "Abe Approver" } }])
    );

    // CHANGES_REQUESTED: only revising.
    desk.refused(
        &document,
        &[
            (author, SUBMIT, step(&v1), "input.id"),
            (author, EDIT, edit(&v1), "input.id"),
            (approver, APPROVE, decide(&v1, &hash), "input.id"),
            (approver, REQUEST, decide(&v1, &hash), "input.id"),
        ],
    )
    .await;
    let revised = desk.run(author, REVISE, step(&v1)).await.ok();
    assert_eq!(
        revised["reviseDocumentVersion"]["documentVersion"]["state"],
        "DRAFT"
    );
    let body = "# Steps\n\n1. Log\n2. Classify\n3. Escalate";
    desk.run(author, EDIT, json!({ "id": v1, "body": body }))
        .await
        .ok();
    desk.run(author, SUBMIT, step(&v1)).await.ok();
    let approved = desk
        .run(approver, APPROVE, decide(&v1, &sha256(body)))
        .await
        .ok();
    let approved = &approved["approveDocumentVersion"]["documentVersion"];
    assert_eq!(approved["state"], "APPROVED");
    assert!(approved["approvedAt"].is_string());
    let decision = &approved["decisions"][1];
    assert_eq!(decision["decision"], "APPROVED");
    assert_eq!(decision["contentHash"], sha256(body));
    assert_eq!(decision["approverSubject"], "abe");
    assert!(decision["decidedAt"].is_string());

    // APPROVED: nothing but being superseded.
    desk.refused(
        &document,
        &[
            (author, SUBMIT, step(&v1), "input.id"),
            (author, REVISE, step(&v1), "input.id"),
            (author, EDIT, edit(&v1), "input.id"),
            (approver, APPROVE, decide(&v1, &sha256(body)), "input.id"),
            (approver, REQUEST, decide(&v1, &sha256(body)), "input.id"),
        ],
    )
    .await;

    // A new version starts from the latest body; one at a time.
    let v2 = desk
        .run(
            author,
            NEW_VERSION,
            json!({ "documentId": document, "bump": "MAJOR", "changeSummary": "Major incidents" }),
        )
        .await
        .ok();
    let v2 = &v2["createDocumentVersion"]["documentVersion"];
    assert_eq!(v2["number"], "2.0");
    assert_eq!(v2["state"], "DRAFT");
    assert_eq!(v2["body"], body);
    assert_eq!(v2["author"]["name"], "Ann Author");
    let v2 = v2["id"].as_str().unwrap().to_owned();
    desk.refused(
        &document,
        &[(
            author,
            NEW_VERSION,
            json!({ "documentId": document }),
            "input.documentId",
        )],
    )
    .await;
    desk.run(author, SUBMIT, step(&v2)).await.ok();
    desk.run(&desk.second, APPROVE, decide(&v2, &sha256(body)))
        .await
        .ok();
    let read = desk.read(&document).await;
    assert_eq!(read["currentVersion"]["number"], "2.0");
    assert_eq!(read["latestVersion"]["number"], "2.0");
    let states: Vec<&Value> = read["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["state"])
        .collect();
    assert_eq!(states, [&json!("SUPERSEDED"), &json!("APPROVED")]);

    // SUPERSEDED: nothing at all.
    desk.refused(
        &document,
        &[
            (author, SUBMIT, step(&v1), "input.id"),
            (author, REVISE, step(&v1), "input.id"),
            (author, EDIT, edit(&v1), "input.id"),
            (approver, APPROVE, decide(&v1, &sha256(body)), "input.id"),
            (approver, REQUEST, decide(&v1, &sha256(body)), "input.id"),
        ],
    )
    .await;
    // Then a minor version numbers from the latest.
    let v3 = desk
        .run(author, NEW_VERSION, json!({ "documentId": document }))
        .await
        .ok();
    assert_eq!(
        v3["createDocumentVersion"]["documentVersion"]["number"],
        "2.1"
    );

    // Every step is in the audit trail.
    for (action, count) in [
        ("document.create", 1),
        ("document.set_approvers", 1),
        ("document_version.create", 3),
        ("document_version.update", 2),
        ("document_version.submit", 3),
        ("document_version.request_changes", 1),
        ("document_version.revise", 1),
        ("document_version.approve", 2),
        ("document_version.supersede", 1),
        ("document_decision.create", 3),
    ] {
        let trail = desk
            .app
            .graphql(
                Some(&desk.admin),
                "query($action: String!) { auditTrail(filter: { action: $action }, first: 100) { nodes { recordType } } }",
                json!({ "action": action }),
            )
            .await
            .ok();
        // The built-in templates are created with the organization.
        let templates = if ["document.create", "document_version.create"].contains(&action) {
            6
        } else {
            0
        };
        assert_eq!(
            trail["auditTrail"]["nodes"].as_array().unwrap().len(),
            count + templates,
            "{action}"
        );
    }
}

#[tokio::test]
async fn an_author_may_not_approve_their_own_version() {
    let desk = Desk::new().await;
    let (document, v1) = desk.document("Change procedure", "# Change").await;
    // The author is named an approver too.
    let mut approvers = desk.approver_ids.clone();
    approvers.push(desk.author_id.clone());
    desk.run(
        &desk.admin,
        APPROVERS,
        json!({ "id": document, "approverIds": approvers }),
    )
    .await
    .ok();
    desk.run(&desk.author, SUBMIT, json!({ "id": v1 }))
        .await
        .ok();
    desk.refused(
        &document,
        &[(
            &desk.author,
            APPROVE,
            json!({ "id": v1, "contentHash": sha256("# Change") }),
            "input.id",
        )],
    )
    .await;
    let reply = desk
        .run(
            &desk.author,
            APPROVE,
            json!({ "id": v1, "contentHash": sha256("# Change") }),
        )
        .await;
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("own version"),
        "{}",
        reply.body
    );
    // Another approver may.
    desk.run(
        &desk.approver,
        APPROVE,
        json!({ "id": v1, "contentHash": sha256("# Change") }),
    )
    .await
    .ok();
}

#[tokio::test]
async fn a_version_is_not_approved_against_the_hash_of_content_it_no_longer_has() {
    let desk = Desk::new().await;
    let (document, v1) = desk.document("Service level procedure", "first text").await;
    let old = sha256("first text");
    desk.run(&desk.author, SUBMIT, json!({ "id": v1 }))
        .await
        .ok();
    desk.run(
        &desk.approver,
        REQUEST,
        json!({ "id": v1, "contentHash": old, "comment": "More" }),
    )
    .await
    .ok();
    desk.run(&desk.author, REVISE, json!({ "id": v1 }))
        .await
        .ok();
    desk.run(
        &desk.author,
        EDIT,
        json!({ "id": v1, "body": "second text" }),
    )
    .await
    .ok();
    desk.run(&desk.author, SUBMIT, json!({ "id": v1 }))
        .await
        .ok();
    // The second approver read the first text.
    desk.refused(
        &document,
        &[
            (
                &desk.second,
                APPROVE,
                json!({ "id": v1, "contentHash": old }),
                "input.contentHash",
            ),
            (
                &desk.second,
                APPROVE,
                json!({ "id": v1, "contentHash": "x" }),
                "input.contentHash",
            ),
            (
                &desk.second,
                REQUEST,
                json!({ "id": v1, "contentHash": old, "comment": "no" }),
                "input.contentHash",
            ),
        ],
    )
    .await;
    desk.run(
        &desk.second,
        APPROVE,
        json!({ "id": v1, "contentHash": sha256("second text") }),
    )
    .await
    .ok();
}

#[tokio::test]
async fn only_a_named_approver_decides_and_never_a_token() {
    let desk = Desk::new().await;
    let (document, v1) = desk.document("Configuration procedure", "cmdb").await;
    desk.run(&desk.author, SUBMIT, json!({ "id": v1 }))
        .await
        .ok();
    let hash = sha256("cmdb");
    person_with_login(&desk.app, "Ned Notnamed", "ned", "MANAGER").await;
    let outsider = desk.app.token(Role::Manager, "ned");
    let unlinked = desk.app.token(Role::Admin, "nobody");
    desk.refused(
        &document,
        &[
            (
                &outsider,
                APPROVE,
                json!({ "id": v1, "contentHash": hash }),
                "input.id",
            ),
            (
                &outsider,
                REQUEST,
                json!({ "id": v1, "contentHash": hash, "comment": "no" }),
                "input.id",
            ),
            (
                &unlinked,
                APPROVE,
                json!({ "id": v1, "contentHash": hash }),
                "input.id",
            ),
        ],
    )
    .await;
    let token = desk
        .app
        .graphql(
            Some(&desk.admin),
            "mutation { createApiToken(input: { name: \"docs\", scopes: [COMPLIANCE_WRITE] }) { secret } }",
            json!({}),
        )
        .await
        .ok()["createApiToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    desk.run(&token, APPROVE, json!({ "id": v1, "contentHash": hash }))
        .await
        .expect_code("FORBIDDEN");
    // The list is replaced whole: the second approver is named no more.
    desk.run(
        &desk.admin,
        APPROVERS,
        json!({ "id": document, "approverIds": [desk.approver_ids[0]] }),
    )
    .await
    .ok();
    desk.run(
        &desk.second,
        APPROVE,
        json!({ "id": v1, "contentHash": hash }),
    )
    .await
    .expect_code("BAD_USER_INPUT");
    desk.run(
        &desk.approver,
        APPROVE,
        json!({ "id": v1, "contentHash": hash }),
    )
    .await
    .ok();
}

#[tokio::test]
async fn a_retired_document_changes_no_more() {
    let desk = Desk::new().await;
    let (document, v1) = desk.document("Old policy", "old").await;
    desk.run(&desk.author, SUBMIT, json!({ "id": v1 }))
        .await
        .ok();
    let retired = desk
        .run(&desk.author, RETIRE, json!({ "id": document }))
        .await
        .ok();
    assert_eq!(retired["retireDocument"]["document"]["status"], "RETIRED");
    assert!(retired["retireDocument"]["document"]["retiredAt"].is_string());
    let hash = sha256("old");
    desk.refused(
        &document,
        &[
            (&desk.author, RETIRE, json!({ "id": document }), "input.id"),
            (
                &desk.author,
                UPDATE,
                json!({ "id": document, "title": "New" }),
                "input.id",
            ),
            (
                &desk.author,
                APPROVERS,
                json!({ "id": document, "approverIds": [] }),
                "input.id",
            ),
            (
                &desk.author,
                NEW_VERSION,
                json!({ "documentId": document }),
                "input.documentId",
            ),
            (
                &desk.author,
                EDIT,
                json!({ "id": v1, "body": "x" }),
                "input.id",
            ),
            (
                &desk.approver,
                APPROVE,
                json!({ "id": v1, "contentHash": hash }),
                "input.id",
            ),
            (
                &desk.approver,
                REQUEST,
                json!({ "id": v1, "contentHash": hash, "comment": "x" }),
                "input.id",
            ),
        ],
    )
    .await;
    let active = desk
        .app
        .graphql(
            Some(&desk.admin),
            "{ documents(filter: { status: RETIRED }) { nodes { title } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        active["documents"]["nodes"],
        json!([{ "title": "Old policy" }])
    );
}

#[tokio::test]
async fn documents_due_for_review_are_the_active_ones_up_to_the_date() {
    let desk = &Desk::new().await;
    let create = |title: &str, date: Value| {
        desk.run(
            &desk.author,
            CREATE,
            json!({ "kind": "POLICY", "title": title, "nextReviewDate": date }),
        )
    };
    create("Long ago", json!("2001-01-01")).await.ok();
    create("January", json!("2026-01-10")).await.ok();
    create("On the day", json!("2026-01-31")).await.ok();
    create("February", json!("2026-02-01")).await.ok();
    create("Never", Value::Null).await.ok();
    let retired = create("Retired", json!("2001-01-01")).await.ok();
    let retired = retired["createDocument"]["document"]["id"].clone();
    desk.run(&desk.author, RETIRE, json!({ "id": retired }))
        .await
        .ok();

    let due = |date: Option<&str>| {
        let query = match date {
            Some(date) => format!(
                "{{ documentsDueForReview(onOrBefore: \"{date}\") {{ totalCount nodes {{ title nextReviewDate }} }} }}"
            ),
            None => "{ documentsDueForReview { totalCount nodes { title } } }".to_owned(),
        };
        async move { desk.app.graphql(Some(&desk.admin), &query, json!({})).await }
    };
    let january = due(Some("2026-01-31")).await.ok();
    assert_eq!(
        january["documentsDueForReview"]["nodes"],
        json!([
            { "title": "Long ago", "nextReviewDate": "2001-01-01" },
            { "title": "January", "nextReviewDate": "2026-01-10" },
            { "title": "On the day", "nextReviewDate": "2026-01-31" },
        ])
    );
    // Today is past 2026-02-01 in every run of this suite that matters; at least Long ago.
    let today = due(None).await.ok();
    let titles: Vec<&str> = today["documentsDueForReview"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Long ago") && !titles.contains(&"Never") && !titles.contains(&"Retired"),
        "{titles:?}"
    );
    for bad in ["2026-02-30", "2026-01-31T00:00:00Z", "soon"] {
        due(Some(bad)).await.expect_code("BAD_USER_INPUT");
    }
    // A review date is cleared with null.
    let data = desk
        .app
        .graphql(
            Some(&desk.admin),
            "{ documents(filter: { search: \"January\" }) { nodes { id } } }",
            json!({}),
        )
        .await
        .ok();
    let january = data["documents"]["nodes"][0]["id"].clone();
    let cleared = desk
        .run(
            &desk.author,
            UPDATE,
            json!({ "id": january, "nextReviewDate": null }),
        )
        .await
        .ok();
    assert_eq!(
        cleared["updateDocument"]["document"]["nextReviewDate"],
        Value::Null
    );
}

#[tokio::test]
async fn a_document_starts_from_a_built_in_templates_approved_version() {
    let desk = Desk::new().await;
    let data = desk
        .app
        .graphql(
            Some(&desk.admin),
            "{ documents(filter: { kind: TEMPLATE }) { totalCount nodes { id title classification currentVersion { number state body contentHash } } } }",
            json!({}),
        )
        .await
        .ok();
    let templates = data["documents"]["nodes"].as_array().unwrap();
    let titles: Vec<&str> = templates
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Service management policy",
            "Incident management procedure",
            "Change management procedure",
            "Service level management procedure",
            "Configuration management procedure",
            "Service continuity and availability management procedure",
        ]
    );
    for template in templates {
        let current = &template["currentVersion"];
        assert_eq!(current["number"], "1.0");
        assert_eq!(current["state"], "APPROVED");
        assert_eq!(
            current["contentHash"],
            sha256(current["body"].as_str().unwrap())
        );
    }
    let incident = &templates[1];
    let made = desk
        .run(
            &desk.author,
            CREATE,
            json!({ "kind": "PROCEDURE", "title": "Our incident procedure", "fromTemplateId": incident["id"] }),
        )
        .await
        .ok();
    let first = &made["createDocument"]["document"]["latestVersion"];
    assert_eq!(first["number"], "1.0");
    assert_eq!(first["state"], "DRAFT");
    assert_eq!(first["body"], incident["currentVersion"]["body"]);
    let own = made["createDocument"]["document"]["id"].clone();

    // Only from a TEMPLATE, and not with a body of its own as well.
    for (input, field) in [
        (
            json!({ "kind": "POLICY", "title": "x", "fromTemplateId": own }),
            "input.fromTemplateId",
        ),
        (
            json!({ "kind": "POLICY", "title": "x", "fromTemplateId": incident["id"], "body": "mine" }),
            "input.body",
        ),
        (json!({ "kind": "POLICY", "title": " " }), "input.title"),
        (
            json!({ "kind": "POLICY", "title": "x", "body": "y".repeat(200_001) }),
            "input.body",
        ),
    ] {
        let reply = desk.run(&desk.author, CREATE, input).await;
        reply.expect_code("BAD_USER_INPUT");
        assert_eq!(reply.field(), Some(field), "{}", reply.body);
    }
    // A template's draft that was never approved is no starting point.
    let draft_template = desk
        .run(
            &desk.author,
            CREATE,
            json!({ "kind": "TEMPLATE", "title": "Unapproved" }),
        )
        .await
        .ok();
    let reply = desk
        .run(
            &desk.author,
            CREATE,
            json!({ "kind": "POLICY", "title": "x", "fromTemplateId": draft_template["createDocument"]["document"]["id"] }),
        )
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some("input.fromTemplateId"));
}

#[tokio::test]
async fn documents_are_found_by_title_and_by_the_text_of_their_current_versions() {
    let desk = &Desk::new().await;
    let (_, v1) = desk
        .document("Backup plan", "Nightly snapshots of the ledger")
        .await;
    desk.document("Access policy", "Who may log in").await;
    let search = |text: &str| {
        let text = text.to_owned();
        async move {
            let data = desk
                .app
                .graphql(
                    Some(&desk.admin),
                    "query($s: String!) { documents(filter: { search: $s, kind: PROCEDURE }) { nodes { title } } }",
                    json!({ "s": text }),
                )
                .await
                .ok();
            data["documents"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("backup").await, ["Backup plan"]);
    assert_eq!(search("LEDGER").await, ["Backup plan"]);
    assert_eq!(search("log in").await, ["Access policy"]);
    assert!(search("100%").await.is_empty());
    // Once superseded, old text is no longer found.
    desk.run(&desk.author, SUBMIT, json!({ "id": v1 }))
        .await
        .ok();
    desk.run(
        &desk.approver,
        APPROVE,
        json!({ "id": v1, "contentHash": sha256("Nightly snapshots of the ledger") }),
    )
    .await
    .ok();
    let v2 = desk
        .run(
            &desk.author,
            NEW_VERSION,
            json!({ "documentId": desk_id(desk, "Backup plan").await, "body": "Hourly copies" }),
        )
        .await
        .ok();
    let v2 = v2["createDocumentVersion"]["documentVersion"]["id"].clone();
    assert_eq!(
        search("ledger").await,
        ["Backup plan"],
        "the approved version still counts"
    );
    desk.run(&desk.author, SUBMIT, json!({ "id": v2 }))
        .await
        .ok();
    desk.run(
        &desk.approver,
        APPROVE,
        json!({ "id": v2, "contentHash": sha256("Hourly copies") }),
    )
    .await
    .ok();
    assert!(search("ledger").await.is_empty());
    assert_eq!(search("hourly").await, ["Backup plan"]);
}

async fn desk_id(desk: &Desk, title: &str) -> String {
    let data = desk
        .app
        .graphql(
            Some(&desk.admin),
            "query($s: String!) { documents(filter: { search: $s }) { nodes { id } } }",
            json!({ "s": title }),
        )
        .await
        .ok();
    data["documents"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_documents_details_name_built_in_clauses_and_are_replaced_whole() {
    let desk = Desk::new().await;
    let data = desk
        .app
        .graphql(
            Some(&desk.admin),
            r#"{ frameworks { nodes { code a: clauseByNumber(number: "8.6.1") { id } b: clauseByNumber(number: "5.2") { id } } } }"#,
            json!({}),
        )
        .await
        .ok();
    let iso = data["frameworks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "iso20000-1")
        .unwrap()
        .clone();
    let incident = desk.app.process_id("INCIDENT").await;
    let made = desk
        .run(
            &desk.author,
            CREATE,
            json!({ "kind": "PROCEDURE", "title": "Incidents", "processId": incident, "clauseIds": [iso["a"]["id"], iso["b"]["id"]],
                    "classification": "CONFIDENTIAL", "nextReviewDate": "2027-06-30" }),
        )
        .await
        .ok();
    let document = &made["createDocument"]["document"];
    let mut numbers: Vec<&str> = document["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, ["5.2", "8.6.1"]);
    assert_eq!(document["process"]["code"], "INCIDENT");
    assert_eq!(document["classification"], "CONFIDENTIAL");
    assert_eq!(document["status"], "ACTIVE");
    let updated = desk
        .run(&desk.author, UPDATE, json!({ "id": document["id"], "clauseIds": [iso["b"]["id"]], "processId": null, "title": "Incident handling" }))
        .await
        .ok();
    assert_eq!(
        updated["updateDocument"]["document"],
        json!({ "id": document["id"], "title": "Incident handling", "nextReviewDate": "2027-06-30", "clauses": [{ "number": "5.2" }], "process": null })
    );
    let trail = desk
        .app
        .graphql(
            Some(&desk.admin),
            r#"query($id: ID!) { auditTrail(filter: { recordId: $id, action: "document.update" }) { nodes { before after } } }"#,
            json!({ "id": document["id"] }),
        )
        .await
        .ok();
    let entry = &trail["auditTrail"]["nodes"][0];
    assert_eq!(entry["before"]["clauseIds"].as_array().unwrap().len(), 2);
    assert_eq!(entry["after"]["clauseIds"].as_array().unwrap().len(), 1);
    // A stale version conflicts.
    desk.run(
        &desk.author,
        UPDATE,
        json!({ "id": document["id"], "expectedVersion": 1, "title": "Again" }),
    )
    .await
    .expect_code("CONFLICT");
}

#[tokio::test]
async fn a_process_owner_maintains_the_documents_of_their_own_processes_only() {
    let desk = Desk::new().await;
    let app = &desk.app;
    let pat = person_with_login(app, "Pat Owner", "pat", "PROCESS_OWNER").await;
    let incident = app.process_id("INCIDENT").await;
    let change = app.process_id("CHANGE").await;
    let own_process =
        "mutation($input: UpdateProcessInput!) { updateProcess(input: $input) { process { id } } }";
    app.graphql(
        Some(&desk.admin),
        own_process,
        json!({ "input": { "id": incident, "ownerId": pat } }),
    )
    .await
    .ok();
    app.graphql(
        Some(&desk.admin),
        own_process,
        json!({ "input": { "id": change, "ownerId": desk.author_id } }),
    )
    .await
    .ok();
    let owner = app.token(Role::ProcessOwner, "pat");

    // Their own process's document, through its whole life but the approval.
    let made = desk
        .run(&owner, CREATE, json!({ "kind": "PROCEDURE", "title": "Incidents", "processId": incident, "body": "a" }))
        .await
        .ok();
    let mine = made["createDocument"]["document"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let v1 = made["createDocument"]["document"]["latestVersion"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    desk.run(
        &owner,
        UPDATE,
        json!({ "id": mine, "title": "Incident handling" }),
    )
    .await
    .ok();
    desk.run(
        &owner,
        APPROVERS,
        json!({ "id": mine, "approverIds": desk.approver_ids }),
    )
    .await
    .ok();
    desk.run(&owner, EDIT, json!({ "id": v1, "body": "b" }))
        .await
        .ok();
    desk.run(&owner, SUBMIT, json!({ "id": v1 })).await.ok();
    desk.run(
        &owner,
        APPROVE,
        json!({ "id": v1, "contentHash": sha256("b") }),
    )
    .await
    .expect_code("FORBIDDEN");
    desk.run(
        &desk.approver,
        APPROVE,
        json!({ "id": v1, "contentHash": sha256("b") }),
    )
    .await
    .ok();
    desk.run(&owner, NEW_VERSION, json!({ "documentId": mine }))
        .await
        .ok();

    // Not another's process, not no process, not moving theirs away.
    let (theirs, theirs_v1) = desk.document("Changes", "c").await;
    desk.run(
        &desk.author,
        UPDATE,
        json!({ "id": theirs, "processId": change }),
    )
    .await
    .ok();
    let head = app.head(&desk.admin).await;
    for (query, input) in [
        (
            CREATE,
            json!({ "kind": "PROCEDURE", "title": "x", "processId": change }),
        ),
        (CREATE, json!({ "kind": "POLICY", "title": "x" })),
        (UPDATE, json!({ "id": theirs, "title": "Taken" })),
        (UPDATE, json!({ "id": mine, "processId": change })),
        (UPDATE, json!({ "id": mine, "processId": null })),
        (APPROVERS, json!({ "id": theirs, "approverIds": [pat] })),
        (RETIRE, json!({ "id": theirs })),
        (NEW_VERSION, json!({ "documentId": theirs })),
        (EDIT, json!({ "id": theirs_v1, "body": "x" })),
        (SUBMIT, json!({ "id": theirs_v1 })),
        (REVISE, json!({ "id": theirs_v1 })),
    ] {
        desk.run(&owner, query, input)
            .await
            .expect_code("FORBIDDEN");
    }
    assert_eq!(
        app.head(&desk.admin).await,
        head,
        "a refusal changed nothing"
    );
    desk.run(&owner, RETIRE, json!({ "id": mine })).await.ok();
}
