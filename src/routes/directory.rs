//! A group's members and owners: `GET /groups/{id}/members`, `POST …/members/$ref` with
//! `{"@odata.id": "…/directoryObjects/{id}"}` (any host), `DELETE …/members/{id}/$ref`; the
//! same for owners. Members may be users, groups or service principals, each written with
//! its `@odata.type`. A service principal's `addPassword` and `removePassword`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::set::{ItemKey, Key, Set};
use crate::graph::wire::{project, trailing_id};
use crate::graph::{response, JsonBody, ServiceRoot};
use crate::model::directory::odata_type;
use crate::model::password_credential::{self, NewPassword};
use crate::odata::{ODataQuery, Scalar};
use crate::repository::{Relation, Repository};
use crate::Error;

fn relation(request: &actix_web::HttpRequest) -> Result<Relation, Error> {
    request
        .app_data::<Relation>()
        .copied()
        .ok_or_else(|| Error::internal("a membership route without its relation"))
}

/// `GET /groups/{id}/members`: directory objects of any kind, paged as every listing is
/// (`$top`, the page size, `@odata.nextLink`).
pub async fn list(
    request: actix_web::HttpRequest,
    set: Set,
    Key(id): Key,
    root: ServiceRoot,
    query: ODataQuery,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let page = query.plain_page(2)?;
    let after = match page.after.as_deref() {
        None => None,
        Some([Scalar::Int(added), Scalar::Text(member)]) => Some((*added, member.as_str())),
        Some(_) => {
            return Err(Error::InvalidQuery(
                "The $skiptoken is not valid for this request.".to_owned(),
            ))
        }
    };
    let mut members = repository
        .group_relation(
            &id,
            relation(&request)?,
            after,
            page.wanted.saturating_add(1),
        )
        .await?;
    let more = page.more(members.len());
    members.truncate(usize::try_from(page.wanted).unwrap_or(usize::MAX));
    let next_link = more
        .then(|| members.last())
        .flatten()
        .map(|(_, (added, member))| {
            query.next_link(
                &root.request_url(),
                members.len() as u64,
                &[Scalar::Int(*added), Scalar::Text(member.clone())],
            )
        });
    let value = members
        .iter()
        .map(|(member, _)| {
            let mut object = serde_json::Map::new();
            object.insert(
                "@odata.type".to_owned(),
                Value::from(odata_type(member.entity())),
            );
            object.extend(project(member, set.version.into(), None));
            object
        })
        .collect();
    let context = format!("{}directoryObjects", root.metadata());
    response::collection(&context, value, None, next_link)
}

/// `POST /groups/{id}/members/$ref`: 204.
pub async fn add(
    request: actix_web::HttpRequest,
    Key(id): Key,
    body: JsonBody,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let reference = body
        .0
        .get("@odata.id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let Some(member) = trailing_id(&reference) else {
        return Err(Error::rule(
            400,
            "Request_BadRequest",
            format!("Invalid object identifier '{reference}'."),
        ));
    };
    repository
        .add_to_group(&id, relation(&request)?, member)
        .await?;
    Ok(response::no_content())
}

/// `DELETE /groups/{id}/members/{memberId}/$ref`: 204.
pub async fn remove(
    request: actix_web::HttpRequest,
    Key(id): Key,
    ItemKey(member): ItemKey,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    repository
        .remove_from_group(&id, relation(&request)?, &member)
        .await?;
    Ok(response::no_content())
}

/// `POST /servicePrincipals/{id}/addPassword`: 200 with the new credential, the only
/// answer that ever shows its `secretText`.
pub async fn add_password(
    Key(id): Key,
    root: ServiceRoot,
    body: JsonBody,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let NewPassword { stored, answer } = NewPassword::from_body(&body.0)?;
    repository
        .change_passwords(&id, |credentials| {
            let mut all = credentials.as_array().cloned().unwrap_or_default();
            all.push(stored);
            Ok((Value::Array(all), ()))
        })
        .await?;
    let context = format!("{}microsoft.graph.passwordCredential", root.metadata());
    response::entity(StatusCode::OK, &context, answer, None)
}

/// `POST /servicePrincipals/{id}/removePassword` with `{"keyId": "…"}`: 204.
pub async fn remove_password(
    Key(id): Key,
    body: JsonBody,
    repository: web::Data<Repository>,
) -> Result<HttpResponse, Error> {
    let key_id = password_credential::key_to_remove(&body.0)?;
    repository
        .change_passwords(&id, |credentials| {
            password_credential::without(credentials, &key_id)
                .map(|kept| (kept, ()))
                .ok_or_else(|| password_credential::unknown_key(&key_id))
        })
        .await?;
    Ok(response::no_content())
}
