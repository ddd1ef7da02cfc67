//! Every row of the core issue's error table, each with Graph's exact envelope.

use actix_web::http::Method;
use entitlement_emulator::configuration::AuthMode;
use serde_json::json;

use crate::helpers::*;

fn targets(error: &serde_json::Value) -> Vec<String> {
    error["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|detail| detail["target"].as_str().expect("a target").to_owned())
        .collect()
}

#[actix_web::test]
async fn no_token_or_an_empty_one_is_401_with_www_authenticate() {
    let app = spawn_app().await;
    let url = format!("{}{BETA}/accessPackages/{GENERAL}", app.address);

    for authorization in [None, Some("Bearer "), Some("Basic dXNlcjpwYXNz")] {
        let mut request = awc::Client::default().get(&url);
        if let Some(value) = authorization {
            request = request.insert_header(("Authorization", value));
        }
        let response = send(request, None).await;
        let error = response.assert_graph_error(401, "InvalidAuthenticationToken");
        assert_eq!(error["message"], "Access token is empty.");
        assert!(response.header("www-authenticate").starts_with("Bearer "));
    }
}

#[actix_web::test]
async fn auth_mode_none_needs_no_token_and_health_never_does() {
    let app = spawn_app_with(|settings| settings.auth.mode = AuthMode::None).await;
    let client = awc::Client::default();

    let created = send(
        client
            .post(format!("{}{BETA}/accessPackages", app.address))
            .insert_header(("Content-Type", "application/json")),
        Some(
            json!({"catalogId": GENERAL, "displayName": "anonymous"})
                .to_string()
                .into(),
        ),
    )
    .await;
    created.expect(201);
    assert_eq!(created.json()["createdBy"], "admin@contoso.onmicrosoft.com");

    let strict = spawn_app().await;
    let health = send(
        client.get(format!("{}/_emulator/health", strict.address)),
        None,
    )
    .await;
    health.expect(200);
    let backend = match strict.settings.database.is_postgres() {
        true => "postgresql",
        false => "sqlite",
    };
    assert_eq!(health.json(), json!({"status": "ok", "backend": backend}));
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;

    for content_type in ["text/plain", "application/x-www-form-urlencoded", ""] {
        let response = app
            .post_raw(
                &format!("{BETA}/accessPackages"),
                content_type,
                r#"{"displayName":"x"}"#,
            )
            .await;
        // No Graph sample for 415 (reference §4.2): code and message are the emulator's (docs/src/decisions.md).
        response.assert_graph_error(415, "UnsupportedMediaType");
    }
    // Parameters and case do not matter.
    let response = app
        .post_raw(
            &format!("{BETA}/accessPackages"),
            "Application/JSON; charset=utf-8",
            json!({"catalogId": GENERAL, "displayName": "x"}).to_string(),
        )
        .await;
    response.expect(201);
}

#[actix_web::test]
async fn malformed_json_is_400_bad_request() {
    let app = spawn_app().await;

    for body in [
        "",
        "{",
        r#"{"displayName": "x",}"#,
        "{} trailing",
        "\u{feff}nope",
    ] {
        let response = app
            .post_raw(
                &format!("{BETA}/accessPackages"),
                "application/json",
                body.to_owned(),
            )
            .await;
        let error = response.assert_graph_error(400, "BadRequest");
        assert_eq!(
            error["message"],
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."
        );
    }
    let invalid_utf8 = app
        .post_raw(
            &format!("{BETA}/accessPackages"),
            "application/json",
            b"{\"displayName\":\"\xff\"}".as_slice(),
        )
        .await;
    invalid_utf8.assert_graph_error(400, "BadRequest");
}

#[actix_web::test]
async fn an_unknown_property_is_400_request_body_read_naming_it() {
    let app = spawn_app().await;

    let response = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({"catalogId": GENERAL, "displayName": "x", "colour": "red"}),
        )
        .await;
    let error = response.assert_graph_error(400, "RequestBodyRead");
    assert_eq!(
        error["message"],
        "The property 'colour' does not exist on type 'microsoft.graph.accessPackage'. Make sure to only use property names that are defined by the type or mark the type as open type."
    );

    // v1.0 has no catalogId: the beta body is refused there, as Graph does.
    let response = app
        .post(
            &format!("{V1}/accessPackages"),
            &json!({"catalogId": GENERAL, "displayName": "x"}),
        )
        .await;
    let error = response.assert_graph_error(400, "RequestBodyRead");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("The property 'catalogId' does not exist"));
    assert_eq!(app.count_rows("access_packages").await, 0);
}

#[actix_web::test]
async fn a_wrong_json_type_is_400_request_body_read_naming_the_property() {
    let app = spawn_app().await;

    for (body, property) in [
        (
            json!({"catalogId": GENERAL, "displayName": 5}),
            "displayName",
        ),
        (
            json!({"catalogId": GENERAL, "displayName": "x", "isHidden": "yes"}),
            "isHidden",
        ),
        (json!({"catalogId": ["x"], "displayName": "x"}), "catalogId"),
    ] {
        let response = app.post(&format!("{BETA}/accessPackages"), &body).await;
        let error = response.assert_graph_error(400, "RequestBodyRead");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("property '{property}'")),
            "{message}"
        );
    }
    let response = app
        .post(
            &format!("{V1}/accessPackages"),
            &json!({"displayName": "x", "catalog": {"id": 7}}),
        )
        .await;
    let error = response.assert_graph_error(400, "RequestBodyRead");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("property 'catalog.id'"));
    let response = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!(["not", "an", "object"]),
        )
        .await;
    response.assert_graph_error(400, "RequestBodyRead");
}

#[actix_web::test]
async fn missing_or_invalid_values_are_400_invalid_model_with_targets() {
    let app = spawn_app().await;
    let beta = format!("{BETA}/accessPackages");
    let v1 = format!("{V1}/accessPackages");

    for (path, body, expected) in [
        (&beta, json!({"catalogId": GENERAL}), vec!["displayName"]),
        (
            &beta,
            json!({"catalogId": GENERAL, "displayName": "   "}),
            vec!["displayName"],
        ),
        (
            &beta,
            json!({"catalogId": GENERAL, "displayName": null}),
            vec!["displayName"],
        ),
        (&beta, json!({"displayName": "x"}), vec!["catalogId"]),
        (
            &beta,
            json!({"catalogId": "General", "displayName": "x"}),
            vec!["catalogId"],
        ),
        (&beta, json!({}), vec!["catalogId", "displayName"]),
        (&v1, json!({"displayName": "x"}), vec!["catalog"]),
        (
            &v1,
            json!({"displayName": "x", "catalog": {}}),
            vec!["catalog.id"],
        ),
        (
            &v1,
            json!({"displayName": "x", "catalog": {"id": "nope"}}),
            vec!["catalog.id"],
        ),
    ] {
        let response = app.post(path, &body).await;
        let error = response.assert_graph_error(400, "InvalidModel");
        assert_eq!(error["message"], "Model is not valid.");
        assert_eq!(targets(&error), expected, "{body}");
        for detail in error["details"].as_array().unwrap() {
            assert_eq!(keys(detail), set(&["code", "message", "target"]));
        }
    }
    assert_eq!(app.count_rows("access_packages").await, 0);
}

#[actix_web::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app_with(|settings| settings.limits.max_body_bytes = 1024).await;
    let description = "x".repeat(2048);

    let response = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({"catalogId": GENERAL, "displayName": "big", "description": description}),
        )
        .await;

    // No Graph sample for 413: code and message are the emulator's decision (docs/src/decisions.md).
    response.assert_graph_error(413, "RequestEntityTooLarge");
    assert_eq!(app.count_rows("access_packages").await, 0);
}

#[actix_web::test]
async fn an_unknown_path_is_400_naming_the_first_unknown_segment() {
    let app = spawn_app().await;

    for (path, segment) in [
        ("/beta/devices", "devices"),
        ("/v1.0/identityGovernance/accessReviews", "accessReviews"),
        (
            "/beta/identityGovernance/entitlementManagement/accessPackageThings",
            "accessPackageThings",
        ),
        (
            &*format!("{V1}/accessPackages/{GENERAL}/incompatibleDevices"),
            "incompatibleDevices",
        ),
        ("/v2.0/identityGovernance", "v2.0"),
    ] {
        let error = app.get(path).await.assert_graph_error(400, "BadRequest");
        assert_eq!(
            error["message"],
            format!("Resource not found for the segment '{segment}'.")
        );
    }
}

#[actix_web::test]
async fn a_wrong_method_on_a_known_path_is_405() {
    let app = spawn_app().await;

    for (method, path, allow) in [
        (
            Method::DELETE,
            format!("{BETA}/accessPackages"),
            "GET, POST",
        ),
        (Method::PUT, format!("{V1}/accessPackages"), "GET, POST"),
        (
            Method::PUT,
            format!("{V1}/catalogs/{GENERAL}"),
            "GET, PATCH, DELETE",
        ),
        (Method::POST, "/_emulator/health".to_owned(), "GET"),
        (
            Method::TRACE,
            format!("{BETA}/accessPackages/$count"),
            "GET",
        ),
    ] {
        let response = send(app.request(method.clone(), &path), None).await;
        let error = response.assert_graph_error(405, "Request_BadRequest");
        // RFC 9110: a 405 lists what the target does allow.
        assert_eq!(response.header("allow"), allow, "{method} {path}");
        assert_eq!(
            error["message"], "Specified HTTP method is not allowed for the request target.",
            "{method} {path}"
        );
    }
}
