//! The directory calls the Azure CLI and the kiota SDKs make, with the bodies and query
//! strings they send (azure-cli 2.91's `_graph_client.py`, the reference pages' examples):
//! applications and their service principal, `servicePrincipalNames/any(…)`, membership
//! through nested groups, `getByIds`, `/me`, ConsistencyLevel's advanced queries, and the
//! resource manager's `/subscriptions` and `/tenants`.

use awc::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::https::https;
use crate::signin::TENANT;

const APPLICATIONS: &str = "/v1.0/applications";

fn encoded(query: &str) -> String {
    form_urlencoded::byte_serialize(query.as_bytes()).collect()
}

fn ids(listing: &Value) -> Vec<String> {
    let mut ids: Vec<String> = listing["value"]
        .as_array()
        .unwrap_or_else(|| panic!("a listing: {listing}"))
        .iter()
        .map(|item| match item {
            Value::String(id) => id.clone(),
            object => object["id"].as_str().expect("an id").to_owned(),
        })
        .collect();
    ids.sort();
    ids
}

fn text(response: &TestResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

fn sorted(mut ids: Vec<&str>) -> Vec<String> {
    ids.sort();
    ids.into_iter().map(str::to_owned).collect()
}

#[actix_web::test]
async fn az_ad_sp_create_and_show_find_the_application_and_its_principal_by_app_id() {
    let app = spawn_app().await;
    // az ad app create: a display name, nothing else.
    let created = app
        .post(APPLICATIONS, &json!({"displayName": "payroll sync"}))
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", text(&created));
    let application = created.json();
    let app_id = application["appId"].as_str().unwrap().to_owned();
    assert_eq!(application["signInAudience"], "AzureADMyOrg");
    assert_eq!(application["identifierUris"], json!([]));
    assert_eq!(
        application["@odata.context"],
        json!(format!(
            "{}/v1.0/$metadata#applications/$entity",
            app.address
        ))
    );
    // A client cannot choose the appId: Entra makes it.
    let patched = app
        .patch(
            &format!("{APPLICATIONS}/{}", application["id"].as_str().unwrap()),
            &json!({"identifierUris": ["api://payroll"], "appId": "5e2c6a4f-0000-4000-8000-000000000001"}),
        )
        .await;
    assert_eq!(patched.status.as_u16(), 204, "{}", text(&patched));

    // az ad sp create --id <appId>: resolves the application by appId, then creates.
    let filter = encoded(&format!("appId eq '{app_id}'"));
    let found = app
        .get(&format!("{APPLICATIONS}?$filter={filter}"))
        .await
        .json();
    assert_eq!(ids(&found), vec![application["id"].as_str().unwrap()]);
    let by_uri = encoded("identifierUris/any(s:s eq 'api://payroll')");
    let found = app
        .get(&format!("{APPLICATIONS}?$filter={by_uri}"))
        .await
        .json();
    assert_eq!(found["value"][0]["appId"], json!(app_id));
    let principal = app
        .post(
            SERVICE_PRINCIPALS,
            &json!({"appId": app_id, "accountEnabled": true}),
        )
        .await;
    assert_eq!(principal.status.as_u16(), 201, "{}", text(&principal));
    let principal = principal.json();
    assert_eq!(principal["servicePrincipalNames"], json!([app_id]));

    // az ad sp show --id <appId>: servicePrincipalNames/any(c:c eq '<appId>'), in the
    // spellings clients write it.
    for lambda in [
        format!("servicePrincipalNames/any(c:c eq '{app_id}')"),
        format!(
            "servicePrincipalNames/any(c: c eq '{}')",
            app_id.to_uppercase()
        ),
        format!(
            "servicePrincipalNames/ANY(x:startswith(x, '{}'))",
            &app_id[..8]
        ),
    ] {
        let found = app
            .get(&format!(
                "{SERVICE_PRINCIPALS}?$filter={}",
                encoded(&lambda)
            ))
            .await;
        assert_eq!(found.status.as_u16(), 200, "{lambda}: {}", text(&found));
        assert_eq!(
            ids(&found.json()),
            vec![principal["id"].as_str().unwrap()],
            "{lambda}"
        );
    }
    // `ne` is an advanced query: the header and $count=true.
    let none = encoded(&format!("servicePrincipalNames/all(c:c ne '{app_id}')"));
    let url = format!("{SERVICE_PRINCIPALS}?$filter={none}");
    app.get(&url)
        .await
        .assert_graph_error(400, "Request_UnsupportedQuery");
    let found = send(
        app.request(Method::GET, &format!("{url}&$count=true"))
            .insert_header(("ConsistencyLevel", "eventual")),
        None,
    )
    .await
    .json();
    assert!(
        !ids(&found).contains(&principal["id"].as_str().unwrap().to_owned()),
        "all(): {found}"
    );
    // A lambda over something that is no collection is Graph's 400.
    let wrong = encoded("displayName/any(c:c eq 'x')");
    app.get(&format!("{SERVICE_PRINCIPALS}?$filter={wrong}"))
        .await
        .assert_graph_error(400, "BadRequest");
}

#[actix_web::test]
async fn an_applications_secret_signs_in_as_its_service_principal() {
    let app = crate::signin::signin_app(|_| {}).await;
    let token = crate::signin::client_token(&app, "https://graph.microsoft.com/.default").await;
    let bearer = format!("Bearer {token}");
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];
    let post = |path: &str, body: Value| {
        let (app, headers, path) = (&app, headers, path.to_owned());
        async move { https(app, "POST", &path, &headers, Some(&body.to_string())).await }
    };
    let application = post(APPLICATIONS, json!({"displayName": "signs in"}))
        .await
        .json();
    let app_id = application["appId"].as_str().unwrap().to_owned();
    let id = application["id"].as_str().unwrap();
    let secret = post(
        &format!("{APPLICATIONS}/{id}/addPassword"),
        json!({"passwordCredential": {"displayName": "az ad app credential reset"}}),
    )
    .await
    .json()["secretText"]
        .as_str()
        .unwrap()
        .to_owned();
    let pairs = [
        ("client_id", app_id.as_str()),
        ("client_secret", secret.as_str()),
        ("grant_type", "client_credentials"),
        ("scope", "https://graph.microsoft.com/.default"),
    ];
    let ask = || crate::signin::token_request(&app, &pairs);
    // No service principal for the appId yet: no client of this tenant.
    assert_eq!(
        ask().await.status,
        400,
        "an application alone cannot sign in"
    );
    post(SERVICE_PRINCIPALS, json!({"appId": app_id})).await;
    let signed_in = ask().await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
}

#[actix_web::test]
async fn membership_is_answered_through_nested_groups_for_every_kind_of_object() {
    let app = spawn_app().await;
    let user = create_user(&app, "nested").await;
    let outer = create_group(&app, "outer").await;
    let inner = create_group(&app, "inner").await;
    let unrelated = create_group(&app, "unrelated").await;
    let principal = create_service_principal(&app, "robot").await;
    let principal = principal["id"].as_str().unwrap().to_owned();
    // az ad group member add: the @odata.id names Graph's own host.
    for (group, member) in [(&outer, &inner), (&inner, &user), (&inner, &principal)] {
        let added = app
            .post(
                &format!("{GROUPS}/{group}/members/$ref"),
                &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{member}")}),
            )
            .await;
        assert_eq!(added.status.as_u16(), 204, "{}", text(&added));
    }

    // az ad group member check: directoryObjects/{id}/checkMemberGroups.
    let checked = app
        .post(
            &format!("/v1.0/directoryObjects/{user}/checkMemberGroups"),
            &json!({"groupIds": [outer, unrelated, inner]}),
        )
        .await;
    assert_eq!(checked.status.as_u16(), 200, "{}", text(&checked));
    let checked = checked.json();
    assert_eq!(
        checked["@odata.context"],
        json!(format!(
            "{}/v1.0/$metadata#Collection(Edm.String)",
            app.address
        ))
    );
    assert_eq!(ids(&checked), sorted(vec![&outer, &inner]));
    // The same through each kind's own set, by principal name for a user.
    for path in [
        format!("{USERS}/nested@contoso.com/getMemberGroups"),
        format!("{SERVICE_PRINCIPALS}/{principal}/getMemberObjects"),
        format!("/beta/directoryObjects/{principal}/getMemberGroups"),
    ] {
        let all = app.post(&path, &json!({"securityEnabledOnly": true})).await;
        assert_eq!(ids(&all.json()), sorted(vec![&outer, &inner]), "{path}");
    }
    let of_group = app
        .post(
            &format!("{GROUPS}/{inner}/checkMemberObjects"),
            &json!({"ids": [outer, user]}),
        )
        .await
        .json();
    assert_eq!(ids(&of_group), vec![outer.clone()]);
    app.post(
        &format!("{USERS}/{user}/checkMemberGroups"),
        &json!({"groupIds": ["not a guid"]}),
    )
    .await
    .assert_graph_error(400, "Request_BadRequest");
    app.post(
        &format!(
            "/v1.0/directoryObjects/{}/checkMemberGroups",
            uuid::Uuid::new_v4()
        ),
        &json!({"groupIds": [outer]}),
    )
    .await
    .assert_graph_error(404, "Request_ResourceNotFound");

    // memberOf, transitiveMemberOf, transitiveMembers: directory objects, typed.
    let direct = app.get(&format!("{USERS}/{user}/memberOf")).await.json();
    assert_eq!(ids(&direct), vec![inner.clone()]);
    assert_eq!(direct["value"][0]["@odata.type"], "#microsoft.graph.group");
    let reached = app
        .get(&format!("{USERS}/{user}/transitiveMemberOf"))
        .await
        .json();
    assert_eq!(ids(&reached), sorted(vec![&outer, &inner]));
    let members = app
        .get(&format!("{GROUPS}/{outer}/transitiveMembers"))
        .await
        .json();
    assert_eq!(ids(&members), sorted(vec![&inner, &user, &principal]));
    // A cycle ends, and a group is not its own member.
    app.post(
        &format!("{GROUPS}/{inner}/members/$ref"),
        &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/groups/{outer}")}),
    )
    .await;
    let members = app
        .get(&format!("{GROUPS}/{outer}/transitiveMembers"))
        .await
        .json();
    assert_eq!(ids(&members), sorted(vec![&inner, &user, &principal]));
}

#[actix_web::test]
async fn get_by_ids_and_me_answer_typed_directory_objects() {
    let app = spawn_app().await;
    let user = create_user(&app, "megan").await;
    let group = create_group(&app, "readers").await;
    let found = app
        .post(
            "/v1.0/directoryObjects/getByIds",
            &json!({"ids": [group, uuid::Uuid::new_v4().to_string(), user], "types": ["user", "group"]}),
        )
        .await;
    assert_eq!(found.status.as_u16(), 200, "{}", text(&found));
    let found = found.json();
    assert_eq!(found["value"][0]["@odata.type"], "#microsoft.graph.group");
    assert_eq!(found["value"][1]["@odata.type"], "#microsoft.graph.user");
    assert_eq!(found["value"][1]["id"], json!(user));
    let only_users = app
        .post(
            "/v1.0/directoryObjects/getByIds",
            &json!({"ids": [group, user], "types": ["microsoft.graph.user"]}),
        )
        .await
        .json();
    assert_eq!(ids(&only_users), vec![user.clone()]);

    // /me: the user a delegated token names; an application's token names none.
    let me = send(
        app.request(Method::GET, "/v1.0/me?$select=id,userPrincipalName")
            .insert_header((
                "Authorization",
                format!("Bearer {}", token_for("megan@contoso.com", &user)),
            )),
        None,
    )
    .await;
    assert_eq!(me.status.as_u16(), 200, "{}", text(&me));
    assert_eq!(me.json()["userPrincipalName"], "megan@contoso.com");
    assert_eq!(
        me.json()["@odata.context"],
        json!(format!(
            "{}/v1.0/$metadata#users(id,userPrincipalName)/$entity",
            app.address
        ))
    );
    // Below /me, what /users/{id} serves: its navigations and actions, and PATCH; a user
    // does not delete itself.
    let bearer = format!("Bearer {}", token_for("megan@contoso.com", &user));
    let as_megan = |method: Method, path: &str| {
        app.request(method, path)
            .insert_header(("Authorization", bearer.clone()))
            .insert_header(("Content-Type", "application/json"))
    };
    app.post(
        &format!("{GROUPS}/{group}/members/$ref"),
        &json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{user}")}),
    )
    .await
    .expect(204);
    let member_of = send(as_megan(Method::GET, "/v1.0/me/memberOf"), None).await;
    assert_eq!(ids(&member_of.json()), vec![group.clone()]);
    let checked = send(
        as_megan(Method::POST, "/v1.0/me/checkMemberGroups"),
        Some(json!({"groupIds": [group]}).to_string().into()),
    )
    .await;
    assert_eq!(ids(&checked.json()), vec![group.clone()]);
    let patched = send(
        as_megan(Method::PATCH, "/v1.0/me"),
        Some(json!({"jobTitle": "Approver"}).to_string().into()),
    )
    .await;
    assert_eq!(patched.status.as_u16(), 204, "{}", text(&patched));
    assert_eq!(
        app.get(&format!("{USERS}/{user}")).await.json()["jobTitle"],
        "Approver"
    );
    let deleted = send(as_megan(Method::DELETE, "/v1.0/me"), None).await;
    assert_eq!(deleted.status.as_u16(), 405);
    app.get("/v1.0/me")
        .await
        .assert_graph_error(400, "BadRequest");
}

#[actix_web::test]
async fn advanced_queries_need_consistency_level_eventual_as_graph_says() {
    let app = spawn_app().await;
    for (name, nickname) in [("Wanda Maximoff", "wanda"), ("Walter White", "walter")] {
        app.post(
            USERS,
            &json!({"accountEnabled": true, "displayName": name, "mailNickname": nickname,
            "userPrincipalName": format!("{nickname}@contoso.com")}),
        )
        .await
        .expect(201);
    }
    let eventual = |path: String| {
        let app = &app;
        async move {
            send(
                app.request(Method::GET, &path)
                    .insert_header(("ConsistencyLevel", "eventual")),
                None,
            )
            .await
        }
    };
    // The reference page's three answers without the header.
    let error = app
        .get(&format!("{USERS}/$count"))
        .await
        .assert_graph_error(400, "Request_BadRequest");
    assert_eq!(error["message"], "$count is not currently supported.");
    let listed = app.get(&format!("{USERS}?$count=true")).await.json();
    assert!(listed.get("@odata.count").is_none(), "ignored: {listed}");
    let search = encoded("\"displayName:wa\"");
    app.get(&format!("{USERS}?$search={search}"))
        .await
        .assert_graph_error(400, "Request_UnsupportedQuery");

    // With it.
    assert_eq!(text(&eventual(format!("{USERS}/$count")).await), "2");
    let counted = eventual(format!("{USERS}?$count=true")).await.json();
    assert_eq!(counted["@odata.count"], 2);
    let found = eventual(format!("{USERS}?$search={search}&$count=true"))
        .await
        .json();
    assert_eq!(found["@odata.count"], 2, "{found}");
    let one = encoded("\"displayName:walt\" OR \"mail:nobody\"");
    let found = eventual(format!("{USERS}?$search={one}")).await.json();
    assert_eq!(found["value"].as_array().map(Vec::len), Some(1), "{found}");
    // A later word matches too: "white" in "Walter White".
    let word = encoded("\"displayName:white\"");
    let found = eventual(format!("{USERS}/$count?$search={word}")).await;
    assert_eq!(text(&found), "1");

    // The reference page's endsWith example, and `not`, `ne`, $filter with $orderby:
    // only with the header and $count=true both.
    let ends = encoded("endsWith(userPrincipalName,'@contoso.com')");
    for query in [
        format!("$filter={ends}"),
        format!("$filter={}", encoded("not startswith(displayName,'Wanda')")),
        format!(
            "$filter={}&$orderby=displayName",
            encoded("accountEnabled eq true")
        ),
    ] {
        let error = app
            .get(&format!("{USERS}?{query}"))
            .await
            .assert_graph_error(400, "Request_UnsupportedQuery");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("$count=true query parameter"),
            "{query}: {error}"
        );
        let without_count = eventual(format!("{USERS}?{query}")).await;
        assert_eq!(
            without_count.status.as_u16(),
            400,
            "{query}: the header alone"
        );
        let advanced = eventual(format!("{USERS}?{query}&$count=true")).await;
        assert_eq!(
            advanced.status.as_u16(),
            200,
            "{query}: {}",
            text(&advanced)
        );
    }
    let ended = eventual(format!("{USERS}?$filter={ends}&$count=true"))
        .await
        .json();
    assert_eq!(ended["@odata.count"], 2);

    // Entitlement Management counts without the header and has no $search.
    let packages = app
        .get(&format!("{BETA}/accessPackages?$count=true"))
        .await
        .json();
    assert_eq!(packages["@odata.count"], 0);
    app.get(&format!("{BETA}/accessPackages?$search={search}"))
        .await
        .assert_graph_error(400, "BadRequest");
}

#[actix_web::test]
async fn the_resource_manager_lists_no_subscriptions_and_the_home_tenant() {
    let app = spawn_app_with(|settings| {
        settings.auth.signin.subscriptions = vec![
            entitlement_emulator::configuration::signin::SubscriptionSettings {
                subscription_id: "3c7a5e9d-0000-4000-8000-000000000001".to_owned(),
                display_name: "Sandbox".to_owned(),
            },
        ];
    })
    .await;
    let subscriptions = app.get("/subscriptions?api-version=2022-12-01").await;
    assert_eq!(subscriptions.status.as_u16(), 200);
    let subscriptions = subscriptions.json();
    assert_eq!(
        subscriptions["value"][0]["subscriptionId"],
        "3c7a5e9d-0000-4000-8000-000000000001"
    );
    assert_eq!(subscriptions["value"][0]["state"], "Enabled");
    let tenants = app.get("/tenants?api-version=2022-12-01").await.json();
    assert_eq!(tenants["value"][0]["tenantId"], TENANT);
    assert_eq!(tenants["value"][0]["tenantCategory"], "Home");

    // ARM's error shape: no innerError.
    for (path, status, code) in [
        ("/subscriptions", 400, "MissingApiVersionParameter"),
        (
            "/subscriptions/0c9e8f1a-0000-4000-8000-000000000002/resourceGroups?api-version=2021-04-01",
            404,
            "SubscriptionNotFound",
        ),
    ] {
        let answer = app.get(path).await;
        assert_eq!(answer.status.as_u16(), status, "{path}");
        let body = answer.json();
        assert_eq!(body["error"]["code"], code, "{path}: {body}");
        assert!(body["error"].get("innerError").is_none(), "{body}");
    }
    let none = spawn_app().await;
    let listed = none
        .get("/subscriptions?api-version=2022-12-01")
        .await
        .json();
    assert_eq!(listed["value"], json!([]));
}

#[actix_web::test]
async fn paths_name_applications_and_principals_by_app_id_and_guests_by_ext_names() {
    let app = spawn_app().await;
    let application = app
        .post(APPLICATIONS, &json!({"displayName": "by key"}))
        .await
        .json();
    let app_id = application["appId"].as_str().unwrap().to_owned();
    // Both spellings of the quotes, any case of the GUID.
    for key in [
        format!("(appId='{app_id}')"),
        format!("(appId=%27{}%27)", app_id.to_uppercase()),
    ] {
        let got = app.get(&format!("{APPLICATIONS}{key}?$select=id")).await;
        assert_eq!(got.status.as_u16(), 200, "{key}: {}", text(&got));
        assert_eq!(got.json()["id"], application["id"], "{key}");
    }
    let by_key = format!("{APPLICATIONS}(appId='{app_id}')");
    app.patch(&by_key, &json!({"displayName": "renamed by key"}))
        .await
        .expect(204);
    assert_eq!(
        app.get(&format!(
            "{APPLICATIONS}/{}",
            application["id"].as_str().unwrap()
        ))
        .await
        .json()["displayName"],
        "renamed by key"
    );
    app.post(SERVICE_PRINCIPALS, &json!({"appId": app_id}))
        .await
        .expect(201);
    let principal = format!("{SERVICE_PRINCIPALS}(appId='{app_id}')");
    assert_eq!(app.get(&principal).await.json()["appId"], json!(app_id));
    app.delete(&principal).await.expect(204);
    app.get(&principal)
        .await
        .assert_graph_error(404, "Request_ResourceNotFound");
    app.get(&format!("{APPLICATIONS}(displayName='by%20key')"))
        .await
        .assert_graph_error(400, "BadRequest");
    // An appId that names nothing is 404, even when it is another object's id.
    let other = create_service_principal(&app, "other").await;
    let other_id = other["id"].as_str().unwrap();
    app.delete(&format!("{SERVICE_PRINCIPALS}(appId='{other_id}')"))
        .await
        .assert_graph_error(404, "Request_ResourceNotFound");
    app.get(&format!("{SERVICE_PRINCIPALS}/{other_id}"))
        .await
        .expect(200);
    // The key names the item alone: nothing is served below it.
    let below = app
        .post(
            &format!("{SERVICE_PRINCIPALS}(appId='{app_id}')/addPassword"),
            &json!({}),
        )
        .await;
    assert_eq!(below.status.as_u16(), 400, "{}", text(&below));
    app.delete(&by_key).await.expect(204);

    // A guest's principal name holds #EXT#, percent-encoded in paths.
    let guest = "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com";
    app.post(
        USERS,
        &json!({"accountEnabled": true, "displayName": "Bob", "mailNickname": "bob",
        "userPrincipalName": guest}),
    )
    .await
    .expect(201);
    let path = format!("{USERS}/bob_fabrikam.com%23EXT%23@contoso.onmicrosoft.com");
    assert_eq!(app.get(&path).await.json()["userPrincipalName"], guest);
    app.patch(&path, &json!({"jobTitle": "Guest"}))
        .await
        .expect(204);
    assert_eq!(
        app.get(&format!("{path}/memberOf")).await.json()["value"],
        json!([])
    );
    // Identities' members in any case, as Graph's names are.
    let identity = encoded(&format!(
        "identities/any(i:i/IssuerAssignedId eq '{guest}')"
    ));
    let found = app.get(&format!("{USERS}?$filter={identity}")).await.json();
    assert_eq!(found["value"].as_array().map(Vec::len), Some(1), "{found}");
    app.delete(&path).await.expect(204);
    app.get(&path)
        .await
        .assert_graph_error(404, "Request_ResourceNotFound");
}

#[actix_web::test]
async fn seeded_principals_are_found_by_their_names_as_made_ones_are() {
    let app = spawn_app().await;
    let app_id = "5e2c6a4f-0000-4000-8000-00000000a5e1";
    let seeded = app
        .post(
            "/_emulator/seed?mode=merge",
            &json!({
                "servicePrincipals": [{"id": "0f0e0d0c-0000-4000-8000-00000000a5e1", "appId": app_id,
                    "displayName": "seeded", "accountEnabled": true, "servicePrincipalType": "Application",
                    "appRoles": [], "passwordCredentials": []}],
                "users": [{"id": "0f0e0d0c-0000-4000-8000-00000000a5e2", "accountEnabled": true,
                    "displayName": "Seeded", "mailNickname": "seeded",
                    "userPrincipalName": "seeded@contoso.com", "userType": "Member"}],
            }),
        )
        .await;
    assert_eq!(seeded.status.as_u16(), 200, "{}", text(&seeded));
    let names = encoded(&format!("servicePrincipalNames/any(c:c eq '{app_id}')"));
    let found = app
        .get(&format!("{SERVICE_PRINCIPALS}?$filter={names}"))
        .await
        .json();
    assert_eq!(
        ids(&found),
        vec!["0f0e0d0c-0000-4000-8000-00000000a5e1".to_owned()]
    );
    let identity = encoded("identities/any(i:i/issuerAssignedId eq 'seeded@contoso.com')");
    let found = app.get(&format!("{USERS}?$filter={identity}")).await.json();
    assert_eq!(
        ids(&found),
        vec!["0f0e0d0c-0000-4000-8000-00000000a5e2".to_owned()]
    );
}

#[actix_web::test]
async fn malformed_lambdas_are_graphs_400_not_a_failure() {
    let app = spawn_app().await;
    for (path, filter) in [
        (
            SERVICE_PRINCIPALS,
            "servicePrincipalNames/any(c:c/x eq 'a')",
        ),
        (USERS, "identities/any(i:i eq 'a')"),
        (USERS, "identities/any(i:i/issuer/x eq 'a')"),
        (SERVICE_PRINCIPALS, "servicePrincipalNames/any(c:d eq 'a')"),
        (SERVICE_PRINCIPALS, "servicePrincipalNames/any(c c eq 'a')"),
        (SERVICE_PRINCIPALS, "servicePrincipalNames/any(:c eq 'a')"),
        (SERVICE_PRINCIPALS, "servicePrincipalNames/any(c:"),
        (SERVICE_PRINCIPALS, "servicePrincipalNames/all()"),
        (
            SERVICE_PRINCIPALS,
            "servicePrincipalNames/any(c:c eq 'a' and appRoles/any(r:r eq 'b'))",
        ),
        (GROUPS, "members/any(m:m/id eq 'a')"),
        // Stored digests of client secrets are no filter's business.
        (
            APPLICATIONS,
            "passwordCredentials/any(p:startswith(p/secretSha256,'a'))",
        ),
        (
            SERVICE_PRINCIPALS,
            "passwordCredentials/any(p:p/hint eq 'abc')",
        ),
        (USERS, "identities/any(i:i/secret eq 'a')"),
    ] {
        let answer = app
            .get(&format!("{path}?$filter={}", encoded(filter)))
            .await;
        assert_eq!(answer.status.as_u16(), 400, "{filter}: {}", text(&answer));
    }
    // An empty collection's any() is false; any() without a body asks for a non-empty one.
    let group = create_group(&app, "typed").await;
    app.patch(
        &format!("{GROUPS}/{group}"),
        &json!({"groupTypes": ["Unified"]}),
    )
    .await
    .expect(204);
    create_group(&app, "untyped").await;
    let found = app
        .get(&format!("{GROUPS}?$filter={}", encoded("groupTypes/any()")))
        .await
        .json();
    assert_eq!(ids(&found), vec![group]);
    let all = app
        .get(&format!(
            "{GROUPS}?$filter={}",
            encoded("groupTypes/all(t:t eq 'unified')")
        ))
        .await
        .json();
    assert_eq!(
        all["value"].as_array().map(Vec::len),
        Some(2),
        "all() of nothing holds"
    );
}
