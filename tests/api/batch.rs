//! `POST /{version}/$batch`: up to 20 requests against the real state, in dependency order,
//! each through the whole pipeline (authentication, faults, journal); a malformed batch is
//! a 400 as a whole.

use actix_web::http::Method;
use entitlement_emulator::auth::jwt::{mint, READ, READ_WRITE};
use entitlement_emulator::configuration::AuthMode;
use entitlement_emulator::faults::FaultRule;
use serde_json::{json, Value};

use crate::helpers::*;

async fn batch(app: &TestApp, version: &str, body: &Value) -> TestResponse {
    app.post(&format!("/{version}/$batch"), body).await
}

/// The responses, by id, after checking the envelope.
fn items_of(response: &TestResponse) -> Vec<Value> {
    assert_eq!(
        response.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.header("content-type"), ODATA_JSON);
    let body = response.json();
    assert_eq!(keys(&body), set(&["responses"]));
    body["responses"].as_array().unwrap().clone()
}

fn by_id<'a>(responses: &'a [Value], id: &str) -> &'a Value {
    responses
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no response {id} in {responses:#?}"))
}

fn create_v1(id: &str, name: &str) -> Value {
    json!({
        "id": id, "method": "POST",
        "url": "/identityGovernance/entitlementManagement/accessPackages",
        "headers": {"Content-Type": "application/json"},
        "body": {"displayName": name, "catalog": {"id": GENERAL}},
    })
}

#[actix_web::test]
async fn items_run_against_the_real_state_in_dependency_order() {
    let app = spawn_app().await;
    let response = batch(
        &app,
        "v1.0",
        &json!({"requests": [
            // Listed first, runs after "1" which it depends on.
            {"id": "2", "method": "GET", "dependsOn": ["1"],
             "url": "/identityGovernance/entitlementManagement/accessPackages?$filter=displayName eq 'batched'"},
            create_v1("1", "batched"),
            create_v1("3", "batched"),
            {"id": "4", "method": "GET", "dependsOn": ["3"],
             "url": "/identityGovernance/entitlementManagement/accessPackages/$count"},
        ]}),
    )
    .await;
    let responses = items_of(&response);
    assert_eq!(responses.len(), 4);
    for item in &responses {
        assert_eq!(keys(item), set(&["id", "status", "headers", "body"]));
    }

    let created = by_id(&responses, "1");
    assert_eq!(created["status"], 201);
    let id = created["body"]["id"].as_str().unwrap();
    assert_eq!(created["body"]["displayName"], "batched");
    // Graph's spelling: the JavaScript SDK reads `headers["Content-Type"]` exactly.
    assert!(created["headers"]["Location"]
        .as_str()
        .unwrap()
        .ends_with(&format!(
            "/v1.0/identityGovernance/entitlementManagement/accessPackages/{id}"
        )));
    assert_eq!(created["headers"]["Content-Type"], ODATA_JSON);
    assert_eq!(created["headers"]["OData-Version"], "4.0");
    assert!(created["headers"].get("content-type").is_none());
    assert!(created["headers"]["request-id"].is_string());

    let listed = by_id(&responses, "2");
    assert_eq!(listed["status"], 200);
    assert_eq!(
        listed["body"]["value"][0]["id"], id,
        "sees the create it depends on"
    );

    let duplicate = by_id(&responses, "3");
    assert_eq!(duplicate["status"], 409);
    assert_eq!(duplicate["body"]["error"]["code"], "DuplicateAccessPackage");
    let dependent = by_id(&responses, "4");
    assert_eq!(dependent["status"], 424, "its dependency failed");
    // Graph documents the 424, not its body's code: the emulator's decision (docs/src/decisions.md).
    assert_eq!(dependent["body"]["error"]["code"], "FailedDependency");
    assert_eq!(
        dependent["headers"]["request-id"],
        dependent["body"]["error"]["innerError"]["request-id"]
    );

    // Stored for real.
    let got = app.get(&format!("{V1}/accessPackages/{id}")).await;
    got.expect(200);
    assert_eq!(app.count_rows("access_packages").await, 1);
}

#[actix_web::test]
async fn item_urls_may_carry_the_version_be_absolute_and_be_encoded_or_not() {
    let app = spawn_app().await;
    assert_eq!(app.create_beta_package("a b").await.status.as_u16(), 201);
    let path = "identityGovernance/entitlementManagement/accessPackages";
    let urls = [
        format!("/{path}?$filter=displayName eq 'a b'"),
        format!("{path}?$filter=displayName eq 'a b'"),
        // As the JavaScript SDK sends them: with the version.
        format!("/beta/{path}?$filter=displayName%20eq%20'a%20b'"),
        format!("https://graph.microsoft.com/beta/{path}?$filter=displayName eq 'a b'"),
    ];
    let requests: Vec<Value> = urls
        .iter()
        .enumerate()
        .map(|(n, url)| json!({"id": n.to_string(), "method": "GET", "url": url}))
        .collect();
    let responses = items_of(&batch(&app, "beta", &json!({ "requests": requests })).await);
    for item in &responses {
        assert_eq!(item["status"], 200, "{item}");
        assert_eq!(item["body"]["value"][0]["displayName"], "a b", "{item}");
        assert!(item["body"]["@odata.context"]
            .as_str()
            .unwrap()
            .contains("/beta/$metadata#"));
    }
}

#[actix_web::test]
async fn a_malformed_batch_is_refused_whole() {
    let app = spawn_app().await;
    let get = |id: &str| json!({"id": id, "method": "GET", "url": "/identityGovernance/entitlementManagement/accessPackages"});
    let too_many: Vec<Value> = (0..21)
        .map(|n| create_v1(&n.to_string(), &format!("n{n}")))
        .collect();
    let cases: Vec<(Value, &str)> = vec![
        (json!({ "requests": too_many }), "limit is 20"),
        (json!({"requests": [get("1"), get("1")]}), "more than once"),
        (json!({"requests": []}), "no requests"),
        (json!({"calls": [get("1")]}), "calls"),
        (json!({"requests": [{"id": "1", "url": "/x"}]}), "method"),
        (
            json!({"requests": [{"id": "1", "method": "GET", "url": "/x", "dependsOn": ["9"]}]}),
            "not in the batch",
        ),
        (
            json!({"requests": [
                {"id": "1", "method": "GET", "url": "/x", "dependsOn": ["2"]},
                {"id": "2", "method": "GET", "url": "/x", "dependsOn": ["1"]}]}),
            "cycle",
        ),
        (
            json!({"requests": [{"id": "1", "method": "TRACE", "url": "/x"}]}),
            "method",
        ),
    ];
    for (body, mentions) in cases {
        let response = batch(&app, "v1.0", &body).await;
        let error = response.assert_graph_error(400, "BadRequest");
        assert!(
            error["message"].as_str().unwrap().contains(mentions),
            "{error} should mention {mentions}"
        );
    }
    let response = app
        .post_raw("/v1.0/$batch", "application/json", "{not json")
        .await;
    response.assert_graph_error(400, "BadRequest");
    assert_eq!(app.count_rows("access_packages").await, 0, "nothing ran");

    // One bad item is that item's 400; the others run.
    let responses = items_of(
        &batch(
            &app,
            "v1.0",
            &json!({"requests": [
                {"id": "1", "method": "POST", "url": "/$batch", "body": {"requests": []}},
                {"id": "4", "method": "POST", "url": "/%24batch", "body": {"requests": []}},
                {"id": "5", "method": "POST", "url": "/v1.0/$batch#x", "body": {"requests": []}},
                {"id": "2", "method": "GET", "url": "/identityGovernance/entitlementManagement/accessPackages",
                 "headers": {"bad header": "x"}},
                get("3"),
            ]}),
        )
        .await,
    );
    // A batch inside a batch, however spelled, is refused.
    for id in ["1", "4", "5"] {
        let nested = by_id(&responses, id);
        assert_eq!(nested["status"], 400, "{nested}");
        assert_eq!(
            nested["body"]["error"]["message"], "A batch cannot contain a batch.",
            "{nested}"
        );
    }
    let bad_header = by_id(&responses, "2");
    assert_eq!(bad_header["status"], 400);
    assert_eq!(
        keys(&bad_header["body"]["error"]["innerError"]),
        set(&["date", "request-id", "client-request-id"]),
        "Graph's error body, with ids of its own"
    );
    assert_eq!(by_id(&responses, "3")["status"], 200);
}

#[actix_web::test]
async fn faults_apply_to_items_one_by_one() {
    let app = spawn_app_with(|settings| {
        settings.faults.enabled = true;
        settings.faults.rules = vec![FaultRule {
            method: "POST".into(),
            path: format!("{V1}/accessPackages"),
            error_rate: Some(1.0),
            error_statuses: Some(vec![503]),
            ..FaultRule::default()
        }];
    })
    .await;
    let mut throttled = json!({"id": "2", "method": "GET",
        "url": "/identityGovernance/entitlementManagement/catalogs"});
    throttled["headers"] = json!({"x-emulator-fault": "429"});
    let responses = items_of(
        &batch(
            &app,
            "v1.0",
            &json!({"requests": [
                create_v1("1", "faulted"),
                throttled,
                {"id": "3", "method": "GET", "url": "/identityGovernance/entitlementManagement/catalogs"},
            ]}),
        )
        .await,
    );
    let faulted = by_id(&responses, "1");
    assert_eq!(faulted["status"], 503, "the POST rule, per item");
    assert_eq!(faulted["headers"]["Retry-After"], "1");
    let item = by_id(&responses, "2");
    assert_eq!(item["status"], 429);
    assert_eq!(item["headers"]["Retry-After"], "10");
    assert_eq!(item["body"]["error"]["code"], "TooManyRequests");
    assert_eq!(by_id(&responses, "3")["status"], 200);
    assert_eq!(app.count_rows("access_packages").await, 0);
}

#[actix_web::test]
async fn each_item_is_authorised_with_the_batchs_token() {
    let app = spawn_app_with(|settings| {
        settings.auth.mode = AuthMode::Jwt;
        settings.auth.jwt.hs256_secret = "a batch test secret, long enough".into();
    })
    .await;
    let token = |scope: &str| {
        mint(
            &app.settings.auth.jwt,
            &app.settings.auth.signin.tenant_id,
            &[scope.to_owned()],
            Some("reader@contoso.com"),
            false,
            600,
        )
        .unwrap()
    };
    let body = json!({"requests": [
        create_v1("1", "not allowed"),
        {"id": "2", "method": "GET", "url": "/identityGovernance/entitlementManagement/catalogs"},
    ]});
    let send_with = |token: Option<String>| {
        let mut request = app
            .request(Method::POST, "/v1.0/$batch")
            .insert_header(("Content-Type", "application/json"));
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        send(request, Some(body.to_string().into()))
    };
    // A read-only token may send a batch; only its write is refused.
    let responses = items_of(&send_with(Some(token(READ))).await);
    assert_eq!(by_id(&responses, "1")["status"], 403);
    assert_eq!(
        by_id(&responses, "1")["body"]["error"]["code"],
        "UnAuthorized"
    );
    assert_eq!(by_id(&responses, "2")["status"], 200);
    let responses = items_of(&send_with(Some(token(READ_WRITE))).await);
    assert_eq!(by_id(&responses, "1")["status"], 201);
    assert_eq!(by_id(&responses, "1")["body"]["displayName"], "not allowed");
    // Without a token, the batch itself is refused.
    send_with(None)
        .await
        .assert_graph_error(401, "InvalidAuthenticationToken");
}

#[actix_web::test]
async fn the_journal_shows_the_batch_and_each_item() {
    let app = spawn_app().await;
    let responses = items_of(
        &batch(
            &app,
            "beta",
            &json!({"requests": [
                {"id": "1", "method": "POST", "url": "/identityGovernance/entitlementManagement/accessPackages",
                 "body": {"catalogId": GENERAL, "displayName": "journaled in a batch"}},
            ]}),
        )
        .await,
    );
    assert_eq!(
        by_id(&responses, "1")["status"],
        201,
        "Content-Type defaults to JSON"
    );
    let journal = app.get("/_emulator/requests").await.json();
    let paths: Vec<&str> = journal["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/beta/identityGovernance/entitlementManagement/accessPackages",
            "/beta/$batch"
        ],
        "each item when it ran, the batch when it was answered"
    );
}
