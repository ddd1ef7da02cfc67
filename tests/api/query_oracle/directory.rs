//! The directory's sets at the version roots: users, groups and service principals.

use fastrand::Rng;
use serde_json::{json, Value};

use super::model::{Kind, Row};
use super::sets::{
    create, created, filter_only, id_prop, maybe_text, nullable, prop, text, Listing, TEXTS,
};
use crate::helpers::*;

pub async fn users(app: &TestApp, rng: &mut Rng, count: usize) -> (Vec<Row>, Vec<Listing>) {
    let mut rows = Vec::new();
    for i in 0..count {
        let body = json!({
            "accountEnabled": rng.bool(),
            "displayName": text(rng),
            "mailNickname": text(rng),
            "userPrincipalName": format!("{}.{i}@contoso.com", ["Adele", "adele", "Ben"][rng.usize(..3)]),
            "mail": maybe_text(rng),
            "givenName": maybe_text(rng),
            "surname": maybe_text(rng),
            "jobTitle": maybe_text(rng),
            "department": maybe_text(rng),
            "userType": (["Member", "Guest", "member"][rng.usize(..3)]),
            "passwordProfile": {"password": "xWwvJ]6NMw+bWH-d"},
        });
        let kept = [
            ("accountEnabled", "accountEnabled"),
            ("displayName", "displayName"),
            ("mailNickname", "mailNickname"),
            ("userPrincipalName", "userPrincipalName"),
            ("mail", "mail"),
            ("givenName", "givenName"),
            ("surname", "surname"),
            ("jobTitle", "jobTitle"),
            ("department", "department"),
            ("userType", "userType"),
        ];
        rows.push(create(app, "/v1.0/users", body, &kept, &["createdDateTime"]).await);
    }
    let props = vec![
        id_prop(),
        prop("accountEnabled", "accountEnabled", Kind::Bool),
        prop("displayName", "displayName", Kind::Text),
        prop("mailNickname", "mailNickname", Kind::Text),
        prop("userPrincipalName", "userPrincipalName", Kind::Text),
        nullable(prop("mail", "mail", Kind::Text)),
        nullable(prop("givenName", "givenName", Kind::Text)),
        nullable(prop("surname", "surname", Kind::Text)),
        nullable(prop("jobTitle", "jobTitle", Kind::Text)),
        nullable(prop("department", "department", Kind::Text)),
        prop("userType", "userType", Kind::Text),
        prop("createdDateTime", "createdDateTime", Kind::Instant),
    ];
    let listings = ["/v1.0/users", "/beta/users"]
        .map(|path| Listing {
            path: path.to_owned(),
            props: props.clone(),
            default_order: created(),
        })
        .into();
    (rows, listings)
}

/// A collection of strings: none to three of the oracle's texts, case twins and repeats
/// among them.
fn strings(rng: &mut Rng) -> Value {
    let count = rng.usize(..4);
    Value::from(
        (0..count)
            .map(|_| TEXTS[rng.usize(..TEXTS.len())])
            .collect::<Vec<_>>(),
    )
}

pub async fn groups(app: &TestApp, rng: &mut Rng, count: usize) -> (Vec<Row>, Vec<Listing>) {
    let mut rows = Vec::new();
    for _ in 0..count {
        let body = json!({
            "displayName": text(rng),
            "description": maybe_text(rng),
            "mailEnabled": rng.bool(),
            "mailNickname": text(rng),
            "securityEnabled": rng.bool(),
            "groupTypes": strings(rng),
            "mail": maybe_text(rng),
            "visibility": ([json!(null), json!("Private"), json!("Public"), json!("private")][rng.usize(..4)]),
        });
        let kept = [
            ("displayName", "displayName"),
            ("description", "description"),
            ("mailEnabled", "mailEnabled"),
            ("mailNickname", "mailNickname"),
            ("securityEnabled", "securityEnabled"),
            ("groupTypes", "groupTypes"),
            ("mail", "mail"),
            ("visibility", "visibility"),
        ];
        rows.push(create(app, "/v1.0/groups", body, &kept, &["createdDateTime"]).await);
    }
    let props = vec![
        id_prop(),
        prop("displayName", "displayName", Kind::Text),
        nullable(prop("description", "description", Kind::Text)),
        prop("mailEnabled", "mailEnabled", Kind::Bool),
        prop("mailNickname", "mailNickname", Kind::Text),
        prop("securityEnabled", "securityEnabled", Kind::Bool),
        filter_only(prop("groupTypes", "groupTypes", Kind::Strings)),
        nullable(prop("mail", "mail", Kind::Text)),
        nullable(prop("visibility", "visibility", Kind::Text)),
        prop("createdDateTime", "createdDateTime", Kind::Instant),
    ];
    let listing = Listing {
        path: "/v1.0/groups".to_owned(),
        props,
        default_order: created(),
    };
    (rows, vec![listing])
}

/// Service principals do not show when they were made; the test reads it from the file.
pub async fn service_principals(
    app: &TestApp,
    rng: &mut Rng,
    count: usize,
) -> (Vec<Row>, Vec<Listing>) {
    let mut rows = Vec::new();
    for _ in 0..count {
        let app_id = uuid::Uuid::from_u128(rng.u128(..)).to_string();
        let app_id = if rng.bool() {
            app_id.to_uppercase()
        } else {
            app_id
        };
        let body = json!({
            "appId": app_id,
            "displayName": maybe_text(rng),
            "accountEnabled": rng.bool(),
            "servicePrincipalType": (["Application", "ManagedIdentity", "application"][rng.usize(..3)]),
            "servicePrincipalNames": strings(rng),
        });
        let kept = [
            ("displayName", "displayName"),
            ("accountEnabled", "accountEnabled"),
            ("servicePrincipalType", "servicePrincipalType"),
        ];
        // The appId leads the names the directory keeps (read back from the answer).
        let generated = ["appId", "servicePrincipalNames"];
        let mut row = create(app, "/v1.0/servicePrincipals", body, &kept, &generated).await;
        assert_eq!(row.get("appId"), &json!(app_id.to_lowercase()));
        row.values.insert("createdAt", Value::Null);
        rows.push(row);
    }
    let created = super::created_at(app, "service_principals").await;
    for row in &mut rows {
        row.values
            .insert("createdAt", json!(created[&row.id].clone()));
    }
    let listing = Listing {
        path: "/v1.0/servicePrincipals".to_owned(),
        props: vec![
            id_prop(),
            prop("appId", "appId", Kind::Guid),
            nullable(prop("displayName", "displayName", Kind::Text)),
            prop("accountEnabled", "accountEnabled", Kind::Bool),
            prop("servicePrincipalType", "servicePrincipalType", Kind::Text),
            filter_only(prop(
                "servicePrincipalNames",
                "servicePrincipalNames",
                Kind::Strings,
            )),
        ],
        default_order: vec![(prop("createdAt", "", Kind::Instant), false)],
    };
    (rows, vec![listing])
}
