//! "Get accessPackage", beta and v1.0.

use crate::helpers::*;

#[actix_web::test]
async fn an_access_package_reads_back_in_each_versions_shape() {
    let app = spawn_app().await;
    let created = app.create_beta_package("sales reps").await.json();
    let id = created["id"].as_str().unwrap();

    let beta = app.get(&format!("{BETA}/accessPackages/{id}")).await;
    let v1 = app.get(&format!("{V1}/accessPackages/{id}")).await;

    beta.expect(200);
    assert_eq!(beta.header("content-type"), ODATA_JSON);
    assert_eq!(beta.header("odata-version"), "4.0");
    assert!(beta.headers.get("location").is_none());
    assert_eq!(beta.json(), created);

    v1.expect(200);
    let v1 = v1.json();
    crate::assert_wire_snapshot!("access_package_v1_read", v1, app);
    assert_eq!(
        v1["@odata.context"],
        format!(
            "{}/v1.0/$metadata#identityGovernance/entitlementManagement/accessPackages/$entity",
            app.address
        )
    );
    for property in [
        "id",
        "displayName",
        "description",
        "isHidden",
        "createdDateTime",
        "modifiedDateTime",
    ] {
        assert_eq!(v1[property], created[property], "{property}");
    }
}

#[actix_web::test]
async fn an_upper_case_id_finds_the_same_access_package() {
    let app = spawn_app().await;
    let created = app.create_beta_package("sales reps").await.json();
    let id = created["id"].as_str().unwrap().to_uppercase();

    let response = app.get(&format!("{BETA}/accessPackages/{id}")).await;

    response.expect(200);
    assert_eq!(response.json()["id"], created["id"]);
}

#[actix_web::test]
async fn a_missing_id_is_404_resource_not_found() {
    let app = spawn_app().await;

    for path in [
        format!("{BETA}/accessPackages/56ff43fd-6b05-48df-9634-956a777fce6d"),
        // Graph's answer to a malformed key is unknown (400 likelier): the emulator's
        // decision, in docs/src/decisions.md.
        format!("{V1}/accessPackages/not-a-guid"),
    ] {
        let error = app
            .get(&path)
            .await
            .assert_graph_error(404, "ResourceNotFound");
        assert_eq!(error["message"], "The resource was not found.");
    }
}
