//! A container's port published as another on the host (`-p 49153:8443`, as Testcontainers
//! does): the client's `Host` names the published port, never the one the emulator bound,
//! and every URL the emulator writes must name the published one, or paging and sign-in
//! would lead the client to a port nothing listens on.

use serde_json::json;

use crate::helpers::*;
use crate::https::{https_exchange, HttpsResponse};
use crate::signin::{form, signin_app, CLIENT, FORM, SECRET, TENANT};

const PUBLISHED: &str = "https://localhost:49153";

/// `method path` to the HTTPS listener with `Host: localhost:49153`.
async fn published(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> HttpsResponse {
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: localhost:49153\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    let raw = https_exchange(
        app.https_address.as_deref().expect("TLS is on"),
        "localhost",
        app.certificate.as_ref().expect("a certificate"),
        request,
    )
    .await
    .expect("an HTTPS exchange");
    HttpsResponse::parse(&raw)
}

#[actix_web::test]
async fn every_url_written_names_the_port_the_client_reached() {
    // Pages of one, so a listing of three has a next page.
    let app = signin_app(|settings| settings.odata.max_page_size = 1).await;

    let metadata = published(
        &app,
        "GET",
        "/metadata/endpoints?api-version=2022-09-01",
        &[],
        "",
    )
    .await;
    assert_eq!(metadata.status, 200, "{}", metadata.body);
    assert_eq!(
        metadata.json()["authentication"]["loginEndpoint"],
        PUBLISHED
    );
    let discovery = published(
        &app,
        "GET",
        &format!("/{TENANT}/v2.0/.well-known/openid-configuration"),
        &[],
        "",
    )
    .await
    .json();
    assert_eq!(
        discovery["token_endpoint"],
        format!("{PUBLISHED}/{TENANT}/oauth2/v2.0/token")
    );
    assert_eq!(discovery["issuer"], format!("{PUBLISHED}/{TENANT}/v2.0"));

    let scope = "https://graph.microsoft.com/.default";
    let body = form(&[
        ("client_id", CLIENT),
        ("client_secret", SECRET),
        ("grant_type", "client_credentials"),
        ("scope", scope),
    ]);
    let token = published(
        &app,
        "POST",
        &format!("/{TENANT}/oauth2/v2.0/token"),
        &[("Content-Type", FORM)],
        &body,
    )
    .await;
    assert_eq!(token.status, 200, "{}", token.body);
    let bearer = format!("Bearer {}", token.json()["access_token"].as_str().unwrap());
    let graph = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];

    let catalogs = "/v1.0/identityGovernance/entitlementManagement/catalogs";
    for name in ["first", "second"] {
        let created = published(
            &app,
            "POST",
            catalogs,
            &graph,
            &json!({"displayName": name}).to_string(),
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let id = created.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(
            created.header("location"),
            Some(format!("{PUBLISHED}{catalogs}/{id}").as_str())
        );
        assert_eq!(
            created.json()["@odata.context"],
            format!("{PUBLISHED}/v1.0/$metadata#identityGovernance/entitlementManagement/catalogs/$entity")
        );
    }
    let page = published(&app, "GET", catalogs, &graph, "").await.json();
    let next = page["@odata.nextLink"].as_str().expect("a next page");
    assert!(
        next.starts_with(&format!("{PUBLISHED}{catalogs}?")),
        "{next}"
    );
}
