//! What real clients send, verbatim (`../shared/reference/elm-clients.md` §2, §3): the
//! Terraform azuread 3.x catalog and access package call sequences with go-azure-sdk's
//! headers, azuread 2.x's beta body, and the leniency Graph shows (`@odata.type`
//! everywhere, explicit nulls, enum case, echoed read-only properties, bind URLs).

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

/// go-azure-sdk's headers on every call (reference §2.1).
async fn terraform(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> TestResponse {
    let request = app
        .request(method, path)
        .insert_header(("Content-Type", "application/json; charset=utf-8"))
        .insert_header((
            "Accept",
            "application/json; charset=utf-8; IEEE754Compatible=false",
        ))
        .insert_header(("Odata-Maxversion", "4.0"))
        .insert_header(("Odata-Version", "4.0"))
        .insert_header((
            "User-Agent",
            "HashiCorp Terraform/1.9.0 terraform-provider-azuread/v3.1.0",
        ));
    send(request, body.map(|body| body.to_string().into())).await
}

/// Terraform's "gone" check: 404, five times in a row.
async fn assert_gone(app: &TestApp, path: &str) {
    for _ in 0..5 {
        assert_eq!(
            terraform(app, Method::GET, path, None)
                .await
                .status
                .as_u16(),
            404,
            "{path}"
        );
    }
}

/// What azuread 3.x's catalog model serialises from a GET: go-azure-sdk's MarshalJSON
/// drops the audit fields and navigations and adds `@odata.type`; everything else read is
/// echoed, nulls included.
fn echoed_catalog(read: &Value) -> Value {
    let mut catalog = read.clone();
    let object = catalog.as_object_mut().unwrap();
    for dropped in [
        "createdBy",
        "createdDateTime",
        "modifiedBy",
        "modifiedDateTime",
        "accessPackages",
    ] {
        object.remove(dropped);
    }
    object.insert(
        "@odata.type".to_owned(),
        json!("#microsoft.graph.accessPackageCatalog"),
    );
    catalog
}

#[actix_web::test]
async fn terraform_3_catalog_and_access_package_lifecycles_work_verbatim() {
    terraform_3_catalog_and_access_package_lifecycles(&spawn_app().await).await;
}

/// Terraform 3.x's calls for a catalog and an access package, in its order, with its
/// bodies; also run against the PostgreSQL backend (`postgres_schema::backend`).
pub async fn terraform_3_catalog_and_access_package_lifecycles(app: &TestApp) {
    let catalogs = format!("{BETA}/accessPackageCatalogs");
    let packages = format!("{BETA}/accessPackages");

    // azuread_access_package_catalog: create, read, update, data source, delete.
    let catalog_body = json!({"@odata.type": "#microsoft.graph.accessPackageCatalog",
        "catalogStatus": "published", "description": "TestAcc Catalog",
        "displayName": "acctest-catalog", "isExternallyVisible": true});
    let created = terraform(app, Method::POST, &catalogs, Some(&catalog_body)).await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let catalog_id = created.json()["id"].as_str().unwrap().to_owned();
    let catalog_path = format!("{catalogs}/{catalog_id}");
    let read = terraform(app, Method::GET, &catalog_path, None)
        .await
        .json();
    // Lower case in, the version's canonical spelling out.
    assert_eq!(read["catalogStatus"], "Published");
    assert_eq!(read["catalogType"], "UserManaged");
    assert_eq!(read["displayName"], "acctest-catalog");
    assert_eq!(read["isExternallyVisible"], true);
    let mut renamed = catalog_body.clone();
    renamed["description"] = json!("TestAcc Catalog (updated)");
    renamed["catalogStatus"] = json!("unpublished");
    let updated = terraform(app, Method::PATCH, &catalog_path, Some(&renamed)).await;
    updated.expect(204);
    let read = terraform(app, Method::GET, &catalog_path, None)
        .await
        .json();
    assert_eq!(read["catalogStatus"], "Unpublished");
    assert_eq!(read["description"], "TestAcc Catalog (updated)");
    let found = terraform(
        app,
        Method::GET,
        &format!("{catalogs}?$filter=displayName%20eq%20'acctest-catalog'"),
        None,
    )
    .await;
    assert_eq!(found.json()["value"].as_array().unwrap().len(), 1);

    // azuread_access_package: GET the catalog, POST with the catalog nested, no catalogId.
    let catalog = terraform(app, Method::GET, &catalog_path, None)
        .await
        .json();
    let package_body = json!({"@odata.type": "#microsoft.graph.accessPackage",
        "accessPackageCatalog": echoed_catalog(&catalog),
        "description": "Test Access Package", "displayName": "acctest-package", "isHidden": false});
    let created = terraform(app, Method::POST, &packages, Some(&package_body)).await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let package = created.json();
    assert_eq!(
        package["catalogId"],
        catalog_id.as_str(),
        "Read takes catalog_id from catalogId"
    );
    let package_path = format!("{packages}/{}", package["id"].as_str().unwrap());
    let read = terraform(app, Method::GET, &package_path, None)
        .await
        .json();
    assert_eq!(read["catalogId"], catalog_id.as_str());
    assert_eq!(read["displayName"], "acctest-package");
    assert_eq!(read["isHidden"], false);
    // Update: the same shape; the nested catalog's other properties change nothing.
    let mut changed = package_body.clone();
    changed["description"] = json!("Test Access Package (updated)");
    changed["accessPackageCatalog"]["displayName"] = json!("not a rename");
    let updated = terraform(app, Method::PATCH, &package_path, Some(&changed)).await;
    assert_eq!(
        updated.status.as_u16(),
        204,
        "{}",
        String::from_utf8_lossy(&updated.body)
    );
    assert_eq!(
        terraform(app, Method::GET, &catalog_path, None)
            .await
            .json()["displayName"],
        "acctest-catalog"
    );
    // The data source: tenant-wide by name, then catalogId compared client-side.
    let found = terraform(
        app,
        Method::GET,
        &format!("{packages}?$filter=displayName%20eq%20'acctest-package'"),
        None,
    )
    .await
    .json();
    assert_eq!(found["value"][0]["catalogId"], catalog_id.as_str());
    assert_eq!(
        found["value"][0]["description"],
        "Test Access Package (updated)"
    );

    assert_eq!(
        terraform(app, Method::DELETE, &package_path, None)
            .await
            .status
            .as_u16(),
        204
    );
    assert_gone(app, &package_path).await;
    assert_eq!(
        terraform(app, Method::DELETE, &catalog_path, None)
            .await
            .status
            .as_u16(),
        204
    );
    assert_gone(app, &catalog_path).await;
}

#[actix_web::test]
async fn terraform_2_binds_with_catalog_id_and_a_v1_shaped_catalog_on_beta() {
    let app = spawn_app().await;
    let catalog = app.get(&format!("{V1}/catalogs/{GENERAL}")).await.json();
    let mut v1_catalog = catalog.clone();
    v1_catalog.as_object_mut().unwrap().remove("@odata.context");
    let response = app
        .post(
            &format!("{BETA}/accessPackages"),
            &json!({"catalogId": GENERAL, "catalog": v1_catalog,
                "displayName": "tf2", "description": "from hamilton", "isHidden": false}),
        )
        .await;
    assert_eq!(
        response.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.json()["catalogId"], GENERAL);
}

#[actix_web::test]
async fn bindings_that_disagree_or_types_that_do_not_match_are_refused() {
    let app = spawn_app().await;
    let other = app
        .post(
            &format!("{BETA}/accessPackageCatalogs"),
            &json!({"displayName": "other"}),
        )
        .await
        .json();
    let packages = format!("{BETA}/accessPackages");

    let error = app
        .post(&packages, &json!({"catalogId": GENERAL, "accessPackageCatalog": {"id": other["id"]}, "displayName": "x"}))
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(error["details"][0]["target"], "accessPackageCatalog.id");

    let error = app
        .post(&packages, &json!({"@odata.type": "#microsoft.graph.accessPackageCatalog", "catalogId": GENERAL, "displayName": "x"}))
        .await
        .assert_graph_error(400, "RequestBodyRead");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("microsoft.graph.accessPackageCatalog"),
        "{error}"
    );
    let error = app
        .post(&packages, &json!({"accessPackageCatalog": {"@odata.type": "#microsoft.graph.group", "id": GENERAL}, "displayName": "x"}))
        .await
        .assert_graph_error(400, "RequestBodyRead");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("accessPackageCatalog.@odata.type"),
        "{error}"
    );
    assert_eq!(app.count_rows("access_packages").await, 0);

    // A package's catalog is fixed at creation: the same one may be echoed, another not.
    let created = app.create_beta_package("fixed").await.json();
    let path = format!("{packages}/{}", created["id"].as_str().unwrap());
    assert_eq!(
        app.patch(&path, &json!({"catalogId": GENERAL, "isHidden": true}))
            .await
            .status
            .as_u16(),
        204
    );
    let error = app
        .patch(&path, &json!({"catalogId": other["id"]}))
        .await
        .assert_graph_error(400, "InvalidModel");
    assert_eq!(error["details"][0]["target"], "catalogId");
    assert_eq!(app.get(&path).await.json()["catalogId"], GENERAL);
}

#[actix_web::test]
async fn explicit_nulls_enum_case_echoed_read_only_properties_and_bind_urls_are_accepted() {
    let app = spawn_app().await;
    // go-azure-sdk sends null for every unset optional field: the default on create...
    let created = app
        .post(
            &format!("{BETA}/accessPackageCatalogs"),
            &json!({"displayName": "nulls", "description": null, "isExternallyVisible": null,
                "catalogStatus": null, "catalogType": "USERMANAGED", "@odata.etag": "W/\"x\""}),
        )
        .await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let catalog = created.json();
    assert_eq!(catalog["isExternallyVisible"], false);
    assert_eq!(catalog["catalogStatus"], "Published");
    assert_eq!(catalog["catalogType"], "UserManaged");
    // ...and unchanged on PATCH, where a read-only property echoed back is ignored.
    let path = format!(
        "{BETA}/accessPackageCatalogs/{}",
        catalog["id"].as_str().unwrap()
    );
    let echoed = json!({"isExternallyVisible": null, "catalogStatus": "UNPUBLISHED", "id": "ignored",
        "createdDateTime": "2000-01-01T00:00:00Z", "createdBy": "someone@else", "accessPackages": []});
    assert_eq!(app.patch(&path, &echoed).await.status.as_u16(), 204);
    let read = app.get(&path).await.json();
    assert_eq!(read["isExternallyVisible"], false);
    assert_eq!(read["catalogStatus"], "Unpublished");
    assert_eq!(read["createdDateTime"], catalog["createdDateTime"]);
    assert_eq!(read["createdBy"], catalog["createdBy"]);

    // v1.0 bound with `catalog@odata.bind`, a URL of any host.
    let response = app
        .post(
            &format!("{V1}/accessPackages"),
            &json!({"displayName": "bound", "catalog@odata.bind":
                format!("https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/catalogs('{GENERAL}')")}),
        )
        .await;
    assert_eq!(
        response.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let id = response.json()["id"].as_str().unwrap().to_owned();
    let beta = app.get(&format!("{BETA}/accessPackages/{id}")).await.json();
    assert_eq!(beta["catalogId"], GENERAL);
}

#[actix_web::test]
async fn nested_expand_star_and_empty_collections() {
    let app = spawn_app().await;
    let empty = app
        .post(
            &format!("{BETA}/accessPackageCatalogs"),
            &json!({"displayName": "empty"}),
        )
        .await
        .json();
    let package = app.create_beta_package("nested").await.json();

    // An expanded collection with nothing in it is [], not missing or null.
    let read = app
        .get(&format!(
            "{BETA}/accessPackageCatalogs/{}?$expand=accessPackages",
            empty["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(read["accessPackages"], json!([]));

    let path = format!(
        "{BETA}/accessPackageCatalogs/{GENERAL}?$expand=accessPackages($select=id,displayName;$expand=accessPackageCatalog($select=id))"
    );
    let read = app.get(&path.replace(' ', "%20")).await;
    assert_eq!(
        read.status.as_u16(),
        200,
        "{}",
        String::from_utf8_lossy(&read.body)
    );
    let read = read.json();
    assert_eq!(
        read["accessPackages"],
        json!([{"id": package["id"], "displayName": "nested", "accessPackageCatalog": {"id": GENERAL}}])
    );
    assert!(read["@odata.context"].as_str().unwrap().ends_with(
        "accessPackageCatalogs(accessPackages(id,displayName,accessPackageCatalog(id)))/$entity"
    ), "{}", read["@odata.context"]);

    let star = app
        .get(&format!(
            "{V1}/accessPackages/{}?$expand=*",
            package["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(star["catalog"]["id"], GENERAL);
    let deep = app
        .get(&format!(
            "{V1}/catalogs?$expand=accessPackages($expand=catalog)&$filter=id%20eq%20'{GENERAL}'"
        ))
        .await
        .json();
    assert_eq!(
        deep["value"][0]["accessPackages"][0]["catalog"]["id"],
        GENERAL
    );
}
