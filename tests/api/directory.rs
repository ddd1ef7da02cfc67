//! The small directory: users, groups and service principals as Terraform's azuread
//! provider and `POST /v1.0/users` create them, group members and owners by `$ref`, and
//! the directory's own error words.

use serde_json::{json, Value};

use crate::helpers::*;

#[actix_web::test]
async fn users_are_created_read_filtered_patched_and_deleted_and_passwords_never_kept() {
    let app = spawn_app().await;
    let id = create_user(&app, "adele").await;
    let user = app.get(&format!("{USERS}/{id}")).await.json();
    assert_eq!(user["userPrincipalName"], "adele@contoso.com");
    assert_eq!(user["accountEnabled"], true);
    assert!(user.get("passwordProfile").is_none(), "{user}");
    assert!(!app.stores_text("xWwvJ]6N").await, "no password stored");

    for filter in [
        "displayName eq 'adele (test)'",
        "startswith(userPrincipalName,'ADELE@')",
        "mail eq null",
    ] {
        let found = app
            .get(&format!("{USERS}?$filter={}", filter.replace(' ', "%20")))
            .await
            .json();
        assert_eq!(
            found["value"].as_array().map(Vec::len),
            Some(1),
            "{filter}: {found}"
        );
    }
    let beta = app.get(&format!("/beta/users/{id}")).await;
    assert_eq!(beta.status.as_u16(), 200, "the same store under beta");
    assert_eq!(
        app.patch(&format!("{USERS}/{id}"), &json!({"jobTitle": "Engineer"}))
            .await
            .status
            .as_u16(),
        204
    );
    assert_eq!(
        app.get(&format!("{USERS}/{id}")).await.json()["jobTitle"],
        "Engineer"
    );
    assert_eq!(
        app.delete(&format!("{USERS}/{id}")).await.status.as_u16(),
        204
    );
    let error = app
        .get(&format!("{USERS}/{id}"))
        .await
        .assert_graph_error(404, "Request_ResourceNotFound");
    assert_eq!(
        error["message"],
        format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present.")
    );
}

#[actix_web::test]
async fn the_directory_refuses_as_the_directory_does() {
    let app = spawn_app().await;
    create_user(&app, "megan").await;
    let error = app
        .post(
            USERS,
            &json!({"accountEnabled": true, "displayName": "Megan again", "mailNickname": "megan2",
            "userPrincipalName": "MEGAN@contoso.com"}),
        )
        .await
        .assert_graph_error(400, "Request_BadRequest");
    assert_eq!(
        error["message"],
        "Another object with the same value for property userPrincipalName already exists."
    );
    assert_eq!(error["details"][0]["code"], "ObjectConflict");
    assert_eq!(error["details"][0]["target"], "userPrincipalName");
    let error = app
        .post(USERS, &json!({"accountEnabled": true, "displayName": "No nickname", "userPrincipalName": "nn@contoso.com"}))
        .await
        .assert_graph_error(400, "Request_BadRequest");
    assert_eq!(
        error["message"],
        "Property mailNickname value is required but is empty or missing."
    );
    app.get(&format!("{GROUPS}/11111111-2222-3333-4444-555555555555"))
        .await
        .assert_graph_error(404, "Request_ResourceNotFound");
    assert_eq!(app.count_rows("users").await, 1);
}

#[actix_web::test]
async fn members_and_owners_are_added_by_reference_from_any_host_and_removed() {
    let app = spawn_app().await;
    let group = create_group(&app, "sales").await;
    let user = create_user(&app, "lee").await;
    let nested = create_group(&app, "sales-emea").await;
    let members = format!("{GROUPS}/{group}/members");

    for (id, host) in [
        (&user, "https://graph.microsoft.com/v1.0/directoryObjects"),
        (&nested, "http://localhost:1/beta/groups"),
    ] {
        let added = app
            .post(
                &format!("{members}/$ref"),
                &json!({"@odata.id": format!("{host}/{id}")}),
            )
            .await;
        assert_eq!(
            added.status.as_u16(),
            204,
            "{}",
            String::from_utf8_lossy(&added.body)
        );
    }
    let again = app
        .post(
            &format!("{members}/$ref"),
            &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/users/{user}")}),
        )
        .await
        .assert_graph_error(400, "Request_BadRequest");
    assert!(
        again["message"].as_str().unwrap().contains("already exist"),
        "{again}"
    );
    let listed = app.get(&members).await.json();
    let types: Vec<&Value> = listed["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["@odata.type"])
        .collect();
    assert_eq!(
        types,
        [
            &json!("#microsoft.graph.user"),
            &json!("#microsoft.graph.group")
        ]
    );
    assert_eq!(listed["value"][0]["id"], user.as_str());
    assert!(listed["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/$metadata#directoryObjects"));

    let owners = format!("{GROUPS}/{group}/owners");
    assert_eq!(
        app.post(
            &format!("{owners}/$ref"),
            &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/users/{user}")})
        )
        .await
        .status
        .as_u16(),
        204
    );
    assert_eq!(
        app.get(&owners).await.json()["value"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    assert_eq!(
        app.delete(&format!("{members}/{user}/$ref"))
            .await
            .status
            .as_u16(),
        204
    );
    app.delete(&format!("{members}/{user}/$ref"))
        .await
        .assert_graph_error(404, "Request_ResourceNotFound");
    assert_eq!(
        app.get(&members).await.json()["value"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A user deleted leaves every group.
    assert_eq!(
        app.delete(&format!("{USERS}/{user}")).await.status.as_u16(),
        204
    );
    assert_eq!(app.get(&owners).await.json()["value"], json!([]));
}

#[actix_web::test]
async fn service_principals_carry_app_roles_with_ids() {
    let app = spawn_app().await;
    let principal = create_service_principal(&app, "Payroll").await;
    let role = &principal["appRoles"][0];
    assert!(
        role["id"].as_str().is_some_and(|id| id.len() == 36),
        "{role}"
    );
    assert_eq!(role["isEnabled"], true);
    let again = app
        .post(SERVICE_PRINCIPALS, &json!({"appId": principal["appId"]}))
        .await;
    again.assert_graph_error(400, "Request_BadRequest");
    let id = principal["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("{SERVICE_PRINCIPALS}/{id}"))
            .await
            .status
            .as_u16(),
        204
    );
}

/// A large group's members come in pages, as every listing does: the page size, then
/// `@odata.nextLink` until none is left, each member once; `$top` caps the whole.
#[actix_web::test]
async fn members_are_paged() {
    let app = spawn_app_with(|settings| settings.odata.max_page_size = 4).await;
    let group = create_group(&app, "large").await;
    let mut added = Vec::new();
    for i in 0..10 {
        let user = create_user(&app, &format!("member-{i}")).await;
        let reference = json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{user}")});
        let answer = app
            .post(&format!("{GROUPS}/{group}/members/$ref"), &reference)
            .await;
        answer.expect(204);
        added.push(user);
    }
    let mut seen = Vec::new();
    let mut next = Some(format!("{}{GROUPS}/{group}/members", app.address));
    let mut pages = 0;
    while let Some(url) = next {
        let page = app.get(url.trim_start_matches(&app.address)).await.json();
        let value = page["value"].as_array().unwrap();
        assert!(value.len() <= 4, "{page}");
        seen.extend(value.iter().map(|m| m["id"].as_str().unwrap().to_owned()));
        next = page["@odata.nextLink"].as_str().map(str::to_owned);
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, added, "each member once, in the order added");

    let capped = app
        .get(&format!("{GROUPS}/{group}/members?$top=6"))
        .await
        .json();
    assert_eq!(capped["value"].as_array().unwrap().len(), 4);
    let rest = capped["@odata.nextLink"].as_str().unwrap();
    assert!(rest.contains("$top=2"), "{rest}");
    let rest = app.get(rest.trim_start_matches(&app.address)).await.json();
    assert_eq!(rest["value"].as_array().unwrap().len(), 2);
    assert!(rest.get("@odata.nextLink").is_none(), "{rest}");
    app.get(&format!(
        "{GROUPS}/{group}/members?$skiptoken=bm90LWEtdG9rZW4"
    ))
    .await
    .assert_graph_error(400, "BadRequest");
}

#[actix_web::test]
async fn a_user_is_named_by_its_principal_name_and_any_object_by_directory_objects() {
    let app = spawn_app().await;
    let user = create_user(&app, "megan").await;
    let group = create_group(&app, "Finance").await;

    // `GET /users/{id | userPrincipalName}`, in any case, as Get-MgUser -UserId does.
    for key in ["megan@contoso.com", "MEGAN@Contoso.com"] {
        let found = app.get(&format!("{USERS}/{key}")).await.expect(200);
        assert_eq!(found["id"], user.as_str(), "{key}");
    }
    assert_eq!(
        app.patch(
            "/beta/users/megan@contoso.com",
            &json!({"department": "Sales"})
        )
        .await
        .status
        .as_u16(),
        204
    );
    assert_eq!(
        app.get(&format!("{USERS}/{user}")).await.json()["department"],
        "Sales"
    );
    app.get(&format!("{USERS}/nobody@contoso.com"))
        .await
        .assert_graph_error(404, "Request_ResourceNotFound");

    // `GET /directoryObjects/{id}`: the object as its own type.
    let object = app
        .get(&format!("/beta/directoryObjects/{user}"))
        .await
        .expect(200);
    assert_eq!(object["@odata.type"], "#microsoft.graph.user");
    assert_eq!(object["userPrincipalName"], "megan@contoso.com");
    assert!(object["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/beta/$metadata#directoryObjects/$entity"));
    let object = app
        .get(&format!(
            "/v1.0/directoryObjects/{group}?$select=id,displayName"
        ))
        .await
        .expect(200);
    assert_eq!(object["@odata.type"], "#microsoft.graph.group");
    assert_eq!(object["displayName"], "Finance");
    assert!(object.get("securityEnabled").is_none(), "{object}");
    let missing = "6e1e0c9a-7c7a-4b42-9a34-6bc3a0c86c4b";
    app.get(&format!("/v1.0/directoryObjects/{missing}"))
        .await
        .assert_graph_error(404, "Request_ResourceNotFound");
}
