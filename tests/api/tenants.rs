//! Sixteen tenants in one process run the 20-step provisioning workflow
//! (`bench/workflow.json`, the benchmark's own) side by side, all with the same names, and
//! at every step each one's ids, lists, counts, `$expand`, `$batch`, journal, export and
//! clock are checked from its neighbour's side: nothing of one tenant shows in another.
//!
//! Half the tenants are chosen by the token's `tid` (a JWT, as every credential's token
//! is), half by `X-Emulator-Tenant` beside an opaque token, named by domain.

use actix_web::http::Method;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::future::join_all;
use serde_json::{json, Value};
use std::cell::Cell;
use std::collections::BTreeMap;

use crate::helpers::*;

const TENANTS: usize = 16;
const DAY_MS: i64 = 86_400_000;

/// One tenant as a client reaches it.
struct Tenant {
    index: usize,
    /// Its GUID, as `/_emulator/tenants` lists it.
    id: String,
    /// `Authorization`, and `X-Emulator-Tenant` when the token names no tenant.
    headers: Vec<(&'static str, String)>,
    sent: Cell<u64>,
}

fn unsigned_jwt(claims: &Value) -> String {
    format!(
        "e30.{}.sig",
        URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes())
    )
}

impl Tenant {
    async fn new(app: &TestApp, index: usize) -> Tenant {
        // Even tenants by GUID in the token, odd ones by domain name in the header.
        let (asked, headers) = if index % 2 == 0 {
            let id = format!("{index:08x}-7e57-4000-8000-00000000000{}", index % 10);
            let token = unsigned_jwt(&json!({"tid": id, "upn": format!("admin{index}@t.test")}));
            (id, vec![("Authorization", format!("Bearer {token}"))])
        } else {
            let name = format!("tenant{index}.example.com");
            let headers = vec![
                ("Authorization", "Bearer opaque".to_owned()),
                ("X-Emulator-Tenant", name.clone()),
            ];
            (name, headers)
        };
        let made = app
            .post("/_emulator/tenants", &json!({ "id": asked }))
            .await
            .expect(201);
        Tenant {
            index,
            id: made["id"].as_str().expect("an id").to_owned(),
            headers,
            sent: Cell::new(0),
        }
    }

    /// A request in this tenant. Every request sent to tenant k carries a
    /// client-request-id starting with k, so its journal can hold no one else's.
    async fn send(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> TestResponse {
        self.sent.set(self.sent.get() + 1);
        let mut request = app.request(method, path).insert_header((
            "client-request-id",
            format!("{:08x}-0000-4000-8000-{:012x}", self.index, self.sent.get()),
        ));
        for (name, value) in &self.headers {
            request = request.insert_header((*name, value.as_str()));
        }
        match body {
            Some(body) => {
                let request = request.insert_header(("Content-Type", "application/json"));
                send(request, Some(body.to_string().into())).await
            }
            None => send(request, None).await,
        }
    }

    async fn control(&self, app: &TestApp, what: &str) -> Value {
        app.get(&format!("/_emulator/tenants/{}/{what}", self.id))
            .await
            .expect(200)
    }
}

/// Where a captured id is read back.
fn item_path(capture: &str, id: &str) -> Option<String> {
    let path = match capture {
        "group" => format!("{GROUPS}/{id}"),
        "user" => format!("{USERS}/{id}"),
        "catalog" => format!("{BETA}/accessPackageCatalogs/{id}"),
        "package" => format!("{BETA}/accessPackages/{id}"),
        "policy" => format!("{BETA}/accessPackageAssignmentPolicies/{id}"),
        "request" => format!("{BETA}/accessPackageAssignmentRequests/{id}"),
        "assignment" => format!("{BETA}/accessPackageAssignments/{id}"),
        _ => return None,
    };
    Some(path)
}

/// Lists of everything a tenant holds, with `$expand` and `$count`.
const LISTS: [&str; 6] = [
    "/beta/identityGovernance/entitlementManagement/accessPackageCatalogs?$expand=accessPackages&$count=true",
    "/beta/identityGovernance/entitlementManagement/accessPackageAssignmentPolicies",
    "/beta/identityGovernance/entitlementManagement/accessPackageAssignmentRequests",
    "/beta/identityGovernance/entitlementManagement/accessPackageAssignments",
    "/v1.0/users",
    "/v1.0/groups",
];

/// What `mine` holds is nowhere in `other`: its ids are 404 there, absent from its lists,
/// counts, `$batch` items and export; and each journal holds its own requests only.
async fn isolated(app: &TestApp, mine: &Tenant, other: &Tenant, ids: &BTreeMap<String, String>) {
    let step = format!("tenant {} seen from tenant {}", mine.index, other.index);
    for (capture, id) in ids {
        if let Some(path) = item_path(capture, id) {
            let found = other.send(app, Method::GET, &path, None).await;
            assert_eq!(found.status.as_u16(), 404, "{step}: {path}");
        }
    }
    for list in LISTS {
        let body = other.send(app, Method::GET, list, None).await.expect(200);
        let text = body.to_string();
        for id in ids.values() {
            assert!(!text.contains(id.as_str()), "{step}: {id} in {list}");
        }
    }
    if let Some(user) = ids.get("user") {
        let path = format!("{USERS}?$filter=id%20eq%20'{user}'&$count=true");
        let mut request = app
            .request(Method::GET, &path)
            .insert_header(("ConsistencyLevel", "eventual"));
        for (name, value) in &other.headers {
            request = request.insert_header((*name, value.as_str()));
        }
        request = request.insert_header((
            "client-request-id",
            format!("{:08x}-0000-4000-8000-ffffffffffff", other.index),
        ));
        let counted = send(request, None).await.expect(200);
        assert_eq!(counted["@odata.count"], 0, "{step}: $count of its user");
    }
    if let Some(package) = ids.get("package") {
        // Items are journaled as requests of their own: they carry the tenant's mark too.
        let batch = json!({"requests": [{
            "id": "1",
            "method": "GET",
            "url": format!("/identityGovernance/entitlementManagement/accessPackages/{package}"),
            "headers": {"client-request-id": format!("{:08x}-0000-4000-8000-eeeeeeeeeeee", other.index)},
        }]});
        let answered = other
            .send(app, Method::POST, "/beta/$batch", Some(&batch))
            .await
            .expect(200);
        assert_eq!(answered["responses"][0]["status"], 404, "{step}: $batch");
    }
    // And a batch in its own tenant reaches what a plain request there does.
    if let Some(catalog) = ids.get("catalog") {
        let path =
            format!("/identityGovernance/entitlementManagement/accessPackageCatalogs/{catalog}");
        let direct = mine
            .send(app, Method::GET, &format!("/beta{path}"), None)
            .await;
        let batch = json!({"requests": [{
            "id": "1",
            "method": "GET",
            "url": path,
            "headers": {"client-request-id": format!("{:08x}-0000-4000-8000-dddddddddddd", mine.index)},
        }]});
        let answered = mine
            .send(app, Method::POST, "/beta/$batch", Some(&batch))
            .await
            .expect(200);
        assert_eq!(
            answered["responses"][0]["status"],
            direct.status.as_u16(),
            "{step}: own $batch"
        );
    }
    let export = other.control(app, "export").await.to_string();
    for id in ids.values() {
        assert!(!export.contains(id.as_str()), "{step}: {id} in the export");
    }
}

/// Each journal entry of `tenant` is a request sent to it.
async fn journal_is_its_own(app: &TestApp, tenant: &Tenant) {
    let prefix = format!("{:08x}-", tenant.index);
    let journal = tenant.control(app, "requests").await;
    let entries = journal["value"].as_array().expect("a journal");
    assert!(
        !entries.is_empty(),
        "tenant {} journaled nothing",
        tenant.index
    );
    for entry in entries {
        let id = entry["clientRequestId"].as_str().unwrap_or_default();
        assert!(id.starts_with(&prefix), "tenant {}: {entry}", tenant.index);
    }
}

async fn offset_days(app: &TestApp, tenant: &Tenant) -> i64 {
    tenant.control(app, "clock").await["offset_ms"]
        .as_i64()
        .expect("an offset")
        / DAY_MS
}

/// The workflow, step by step, checking isolation from `neighbour` after each.
async fn run_workflow(
    app: &TestApp,
    mine: &Tenant,
    neighbour: &Tenant,
) -> BTreeMap<String, String> {
    // The same names in every tenant: uniqueness is per tenant too.
    let mut names = BTreeMap::from([
        ("unique".to_owned(), "side by side".to_owned()),
        ("slug".to_owned(), "side-by-side".to_owned()),
    ]);
    let mut ids = BTreeMap::new();
    let expected_days = if mine.index == 0 { 31 } else { 0 };
    for step in workflow_steps() {
        let step = Step::read(&step, &names);
        let polls = step.until["polls"].as_u64().unwrap_or(1);
        let mut answer = Value::Null;
        for _ in 0..polls {
            let response = mine
                .send(app, step.method.clone(), &step.path, step.body.as_ref())
                .await;
            answer = response.expect(step.expect);
            if step.arrived(&answer) {
                break;
            }
        }
        if let Some((name, id)) = step.capture(&answer, &mut names) {
            ids.insert(name, id);
        }
        isolated(app, mine, neighbour, &ids).await;
        journal_is_its_own(app, mine).await;
        assert_eq!(
            offset_days(app, mine).await,
            expected_days,
            "tenant {}: clock",
            mine.index
        );
    }
    ids
}

#[actix_web::test]
async fn sixteen_tenants_run_the_workflow_side_by_side_and_never_meet() {
    let app = spawn_app().await;
    let tenants: Vec<Tenant> = join_all((0..TENANTS).map(|index| Tenant::new(&app, index))).await;
    // One tenant's clock jumps a month; nobody else's moves.
    let jumped = app
        .post(
            &format!("/_emulator/tenants/{}/clock/advance", tenants[0].id),
            &json!({"by": "P31D"}),
        )
        .await;
    jumped.expect(200);

    let runs = tenants.iter().enumerate().map(|(index, mine)| {
        let neighbour = &tenants[(index + 1) % TENANTS];
        run_workflow(&app, mine, neighbour)
    });
    let captured = join_all(runs).await;

    // Sixteen different sets of ids, and every tenant listed once besides home.
    // (A request and the assignment it makes share an id within a tenant.)
    let mut all: Vec<(&String, usize)> = captured
        .iter()
        .enumerate()
        .flat_map(|(index, ids)| ids.values().map(move |id| (id, index)))
        .collect();
    all.sort();
    all.dedup();
    for pair in all.windows(2) {
        assert_ne!(pair[0].0, pair[1].0, "an id made in two tenants: {pair:?}");
    }
    let listed = app.get("/_emulator/tenants").await.expect(200);
    let listed = texts_of(&listed, "id");
    assert_eq!(listed.len(), TENANTS + 1);
    for tenant in &tenants {
        assert!(listed.contains(&tenant.id.as_str()));
        // The home tenant saw none of it.
        for id in captured[tenant.index].values() {
            if let Some(path) = item_path("catalog", id) {
                app.get(&path)
                    .await
                    .assert_graph_error(404, "ResourceNotFound");
            }
        }
    }
    let home = app.get("/_emulator/export").await.expect(200).to_string();
    assert!(
        !home.contains("side by side"),
        "the home tenant holds a tenant's rows"
    );
}
