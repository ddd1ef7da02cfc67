//! The `directoryObject` actions that ask about membership, on users, groups, service
//! principals and `directoryObjects/{id}` alike (`checkMemberGroups`, `getMemberGroups`,
//! `checkMemberObjects`, `getMemberObjects`), and `directoryObjects/getByIds`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use super::set::{Key, Set};
use crate::graph::wire::project_typed;
use crate::graph::{response, JsonBody, ServiceRoot};
use crate::model::membership::{question, Question, MAX_CHECKED};
use crate::model::operation::Behaviour;
use crate::model::registry::DIRECTORY_OBJECTS;
use crate::model::{values, EntityType, Errors};
use crate::tenants::select::Store;
use crate::Error;

/// `POST /{users|groups|servicePrincipals|directoryObjects}/{id}/checkMemberGroups` (and
/// the other three): 200 with the group ids, `Collection(Edm.String)`.
pub async fn membership(
    set: Option<Set>,
    Key(id): Key,
    req: HttpRequest,
    root: ServiceRoot,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let asked = req
        .app_data::<Behaviour>()
        .copied()
        .and_then(question)
        .ok_or_else(|| Error::internal("a membership route without its question"))?;
    let object = match set {
        Some(set) => repository.get(set.entity, &id).await?,
        None => repository.directory_object(&id).await?,
    };
    let body = body_object(&body.0)?;
    let ids = match asked {
        Question::Check(member) => {
            let wanted = guids(body.get(member), member, MAX_CHECKED)?;
            let groups = repository.member_groups(object.id(), false).await?;
            wanted
                .into_iter()
                .filter(|id| groups.contains(id))
                .collect()
        }
        Question::All => {
            let security_only = match body.get("securityEnabledOnly") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(only)) => *only,
                Some(_) => return Err(bad_request("securityEnabledOnly is a Boolean.".to_owned())),
            };
            repository.member_groups(object.id(), security_only).await?
        }
    };
    let mut value = Map::new();
    value.insert(
        "value".to_owned(),
        Value::Array(ids.into_iter().map(Value::from).collect()),
    );
    let context = format!("{}Collection(Edm.String)", root.metadata());
    response::entity(StatusCode::OK, &context, value, None)
}

/// `POST /directoryObjects/getByIds` with `{"ids": […], "types": ["user", …]}`: the
/// objects found, each with its `@odata.type`, in the order asked.
pub async fn get_by_ids(
    root: ServiceRoot,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let body = body_object(&body.0)?;
    let ids = guids(body.get("ids"), "ids", 1000)?;
    let kinds = kinds(body.get("types"))?;
    let records = repository.directory_objects(&ids, &kinds).await?;
    let dialect = root.version.into();
    let value = records
        .iter()
        .map(|record| project_typed(record, dialect))
        .collect();
    let context = format!("{}directoryObjects", root.metadata());
    response::collection(&context, value, None, None)
}

/// The directory's word for a body it cannot use.
fn bad_request(message: String) -> Error {
    Error::rule(400, "Request_BadRequest", message)
}

fn body_object(body: &Value) -> Result<&Map<String, Value>, Error> {
    body.as_object()
        .ok_or_else(|| Error::RequestBodyRead("The request body must be a JSON object.".to_owned()))
}

/// A list of object ids, canonical, at most `most`.
fn guids(given: Option<&Value>, name: &str, most: usize) -> Result<Vec<String>, Error> {
    let Some(Value::Array(items)) = given else {
        return Err(bad_request(format!(
            "{name} is required: an array of object ids."
        )));
    };
    if items.len() > most {
        return Err(Error::rule(
            400,
            "Request_BadRequest",
            format!(
                "{name} may hold at most {most} ids; {} were given.",
                items.len()
            ),
        ));
    }
    items
        .iter()
        .map(|item| {
            item.as_str()
                .and_then(values::canonical_guid)
                .ok_or_else(|| {
                    let given = item
                        .as_str()
                        .map_or_else(|| item.to_string(), str::to_owned);
                    Errors::Directory.bad_reference(&given)
                })
        })
        .collect()
}

/// `types` of getByIds: directory object kinds by name (`user`, `microsoft.graph.user`),
/// any case; every kind when absent.
fn kinds(given: Option<&Value>) -> Result<Vec<&'static EntityType>, Error> {
    let all = DIRECTORY_OBJECTS.iter().map(|kind| kind());
    let Some(Value::Array(names)) = given else {
        return Ok(all.collect());
    };
    names
        .iter()
        .map(|name| {
            let text = name.as_str().unwrap_or_default();
            let short = text.strip_prefix("microsoft.graph.").unwrap_or(text);
            DIRECTORY_OBJECTS
                .iter()
                .map(|kind| kind())
                .find(|kind| kind.name.eq_ignore_ascii_case(short))
                .ok_or_else(|| {
                    Error::invalid_value(
                        "types",
                        format!("'{text}' is not a directory object type."),
                    )
                })
        })
        .collect()
}
