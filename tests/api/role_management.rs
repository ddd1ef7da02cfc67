//! Entitlement Management's own roles (reference: elm-clients §3.6, §3.7): the built-in
//! role definitions and catalog-scoped role assignments, as Terraform azuread 3.x's
//! `azuread_access_package_catalog_role_assignment` and Microsoft365DSC use them.

use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn terraform_3_catalog_role_assignments_and_the_built_in_roles() {
    let app = spawn_app().await;
    let root = "/beta/roleManagement/entitlementManagement";
    let owner = app
        .get(&query(
            &format!("{root}/roleDefinitions"),
            "$filter=displayName eq 'Catalog owner'",
        ))
        .await
        .json();
    assert_eq!(owner["value"].as_array().map(Vec::len), Some(1));
    let role = owner["value"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(role, "ae79f266-94d4-4dab-b730-feca7e132178");
    assert_eq!(
        app.get(&format!("{root}/roleDefinitions/{role}"))
            .await
            .json()["templateId"],
        role.as_str()
    );
    let all = app
        .get("/v1.0/roleManagement/entitlementManagement/roleDefinitions")
        .await
        .json();
    assert_eq!(all["value"].as_array().map(Vec::len), Some(5));

    let user = create_user(&app, "owner").await;
    let catalog = new_catalog(&app, "owned").await;
    let assignments = format!("{root}/roleAssignments");
    let body = json!({"appScopeId": format!("/AccessPackageCatalog/{catalog}"), "directoryScopeId": "/",
        "principalId": user, "roleDefinitionId": role});
    let created = app.post(&assignments, &body).await;
    assert_eq!(
        created.status.as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let read = app.get(&format!("{assignments}/{id}")).await.json();
    assert_eq!(
        read["appScopeId"],
        format!("/AccessPackageCatalog/{catalog}")
    );
    assert_eq!(read["principalId"], user.as_str());
    // Microsoft365DSC's lookup, in its spelling.
    let found = app
        .get(&query(
            &assignments,
            &format!("$filter=PrincipalId eq '{user}' and RoleDefinitionId eq '{role}'"),
        ))
        .await
        .json();
    assert_eq!(found["value"].as_array().map(Vec::len), Some(1));

    let mut unknown = body.clone();
    unknown["principalId"] = json!("99999999-9999-9999-9999-999999999999");
    app.post(&assignments, &unknown)
        .await
        .assert_graph_error(404, "ResourceNotFound");
    let mut bad_scope = body.clone();
    bad_scope["appScopeId"] = json!("/");
    app.post(&assignments, &bad_scope)
        .await
        .assert_graph_error(400, "InvalidModel");
    let mut no_catalog = body;
    no_catalog["appScopeId"] = json!("/AccessPackageCatalog/99999999-9999-9999-9999-999999999999");
    app.post(&assignments, &no_catalog)
        .await
        .assert_graph_error(404, "ResourceNotFound");

    assert_eq!(
        app.delete(&format!("{assignments}/{id}"))
            .await
            .status
            .as_u16(),
        204
    );
    app.get(&format!("{assignments}/{id}"))
        .await
        .assert_graph_error(404, "ResourceNotFound");
}
