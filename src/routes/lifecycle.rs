//! Requests and what they lead to, beyond the standard operations: create, `cancel`,
//! `reprocess`, an approver's decision, the functions `filterByCurrentUser(on='…')` and
//! `additionalAccess(…)`, and `subjects(objectId='…')` read and changed. Each hands its work to the
//! repository; the lifecycle itself is `model::lifecycle`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde_json::Value;

use super::address::Collection;
use super::entity_set::list_where;
use super::set::{argument, arguments, ItemKey, Key, Set};
use crate::auth::Caller;
use crate::graph::routing::{self};
use crate::graph::wire::{decode, project};
use crate::graph::{response, JsonBody, ServiceRoot};
use crate::model::approval::decision;
use crate::model::assignment::ASSIGNMENT;
use crate::model::assignment_request::{take_asked, ASSIGNMENT_REQUEST};
use crate::model::callout::read_resume;
use crate::model::operation::Behaviour;
use crate::model::subject::SUBJECT;
use crate::model::{EntityType, Mode, Record};
use crate::odata::{Column, Comparison, Filter, ODataQuery, Operand, Scalar};
use crate::tenants::select::Store;
use crate::Error;

/// Middleware: before a request that reads what the lifecycle moves is served, the
/// lifecycle catches up with the clock. Health, reset, seed and the rest of the control
/// surface never wait on it, so a store the lifecycle cannot move is still observable and
/// can be reset.
pub async fn settle(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = routing::routed_path(&req);
    let reads_state = !routing::is_signin(&req)
        && (!routing::is_control(&req)
            || path == "/_emulator/export"
            || path.starts_with("/_emulator/assignmentRequests/"));
    let repository = req.extensions().get::<Store>().cloned();
    if let Some(repository) = repository.filter(|_| reads_state) {
        if let Err(error) = repository.settle().await {
            return Ok(req.error_response(error).map_into_right_body());
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// `POST /assignmentRequests`: 201 with the request as the service first answers it,
/// `submitted` and not yet dated; it moves on at the lifecycle's pace.
pub async fn create_request(
    set: Set,
    caller: Caller,
    root: ServiceRoot,
    body: JsonBody,
    req: HttpRequest,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let mut body = body.0;
    let Value::Object(members) = &mut body else {
        return Err(Error::RequestBodyRead(format!(
            "The request body must be a JSON object representing a '{}'.",
            ASSIGNMENT_REQUEST.odata_type
        )));
    };
    let asked = take_asked(members)?;
    let own_schedule = members.contains_key("schedule");
    let changes = decode(set.entity, set.version.into(), body, Mode::Create)?;
    let mut request = Record::create(set.entity, changes, &caller.actor);
    // The request's schedule, else the one the assignment object carries.
    if let (false, Some(schedule)) = (own_schedule, &asked.schedule) {
        request.set("schedule", schedule.clone());
    }
    let fail = req
        .headers()
        .get("x-emulator-delivery")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("fail"));
    let stored = repository
        .create_request(request, asked, &caller.who(), fail)
        .await?;
    let mut value = project(&stored, set.version.into(), None);
    value.insert("createdDateTime".to_owned(), Value::Null);
    response::created(
        &root.entity_context(set.entity, ""),
        &root.entity_url(set.entity, stored.id()),
        value,
    )
}

/// `POST /assignmentRequests/{id}/cancel`: 204.
pub async fn cancel(Key(id): Key, repository: Store) -> Result<HttpResponse, Error> {
    repository.cancel_request(&id).await?;
    Ok(response::no_content())
}

/// `POST /assignmentRequests/{id}/reprocess`: 202, delivery is tried again.
pub async fn reprocess_request(Key(id): Key, repository: Store) -> Result<HttpResponse, Error> {
    repository.reprocess_request(&id).await?;
    Ok(HttpResponse::build(StatusCode::ACCEPTED).finish())
}

/// `POST /assignmentRequests/{id}/resume` `{source, type, data}`: a custom extension's
/// answer to the callout the request waits for; 204.
pub async fn resume(
    Key(id): Key,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    repository.resume(&id, read_resume(&body.0)?).await?;
    Ok(response::no_content())
}

/// `POST /assignments/{id}/reprocess`: 202, what the assignment grants is granted again.
pub async fn reprocess_assignment(Key(id): Key, repository: Store) -> Result<HttpResponse, Error> {
    repository.reprocess_assignment(&id).await?;
    Ok(HttpResponse::build(StatusCode::ACCEPTED).finish())
}

/// `PATCH /accessPackageAssignmentApprovals/{id}/stages/{stageId}` `{reviewResult,
/// justification}`: 204.
pub async fn decide(
    caller: Caller,
    Key(id): Key,
    ItemKey(key): ItemKey,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    repository
        .decide_stage(&id, &key, decision(&body.0)?, &caller.who())
        .await?;
    Ok(response::no_content())
}

/// `column eq value` (or `in values`) over the set's own column.
fn only(entity: &'static EntityType, column: &str, values: Vec<String>) -> Result<Filter, Error> {
    let (_, property) = entity
        .column(column)
        .ok_or_else(|| Error::internal(format!("{} has no column {column}", entity.name)))?;
    let column = Operand::Column(Column::own(property));
    let mut values: Vec<Operand> = values
        .into_iter()
        .map(|value| Operand::Value(Scalar::Text(value)))
        .collect();
    Ok(match values.len() {
        1 => Filter::Compare(column, Comparison::Eq, values.remove(0)),
        // No value matches nothing.
        0 => Filter::Compare(column, Comparison::Eq, Operand::Value(Scalar::Null)),
        _ => Filter::In(column, values),
    })
}

fn unsupported_on(on: &str, allowed: &str) -> Error {
    Error::InvalidQuery(format!(
        "The value '{on}' is not valid for the parameter 'on': use {allowed}."
    ))
}

/// `GET /assignmentRequests/filterByCurrentUser(on='target'|'createdBy'|'approver')`,
/// `GET /assignments/filterByCurrentUser(on='target'|'createdBy')`,
/// `GET /accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')` and
/// `GET /accessPackages/filterByCurrentUser(on='allowedRequestor')`.
pub async fn of_current_user(
    set: Set,
    call: web::Path<String>,
    caller: Caller,
    root: ServiceRoot,
    query: ODataQuery,
    req: HttpRequest,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let behaviour = req.app_data::<Behaviour>().copied();
    let on = argument(&arguments(&call)?, "on")?;
    let who = caller.who();
    let filter = match (behaviour, on.to_ascii_lowercase().as_str()) {
        (
            Some(Behaviour::RequestsOfCurrentUser | Behaviour::AssignmentsOfCurrentUser),
            "target",
        ) => only(
            set.entity,
            "target_id",
            repository.caller_subject(&who).await?.into_iter().collect(),
        )?,
        (Some(Behaviour::RequestsOfCurrentUser), "createdby") => {
            only(set.entity, "created_by", vec![who.actor.clone()])?
        }
        // An assignment has the id of the request that made it.
        (Some(Behaviour::AssignmentsOfCurrentUser), "createdby") => only(
            set.entity,
            "id",
            repository
                .values_where(&ASSIGNMENT_REQUEST, "id", "created_by", &who.actor)
                .await?,
        )?,
        // An approval has the id of its request.
        (
            Some(Behaviour::RequestsOfCurrentUser | Behaviour::ApprovalsOfCurrentUser),
            "approver",
        ) => only(set.entity, "id", repository.awaiting_approver(&who).await?)?,
        (Some(Behaviour::PackagesOfCurrentUser), "allowedrequestor") => only(
            set.entity,
            "id",
            repository.requestable_packages(&who).await?,
        )?,
        (Some(Behaviour::RequestsOfCurrentUser), _) => {
            return Err(unsupported_on(&on, "target, createdBy or approver"))
        }
        (Some(Behaviour::ApprovalsOfCurrentUser), _) => {
            return Err(unsupported_on(&on, "approver"))
        }
        (Some(Behaviour::PackagesOfCurrentUser), _) => {
            return Err(unsupported_on(&on, "allowedRequestor"))
        }
        _ => return Err(unsupported_on(&on, "target or createdBy")),
    };
    list_where(Collection::of(set), root, query, repository, Some(filter)).await
}

/// `GET /assignments/additionalAccess(accessPackageId='…',incompatibleAccessPackageId='…')`:
/// assignments of the first package whose targets also hold the second.
pub async fn additional_access(
    set: Set,
    call: web::Path<String>,
    root: ServiceRoot,
    query: ODataQuery,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let arguments = arguments(&call)?;
    let package = argument(&arguments, "accessPackageId")?;
    let incompatible = argument(&arguments, "incompatibleAccessPackageId")?;
    if package.eq_ignore_ascii_case(&incompatible) {
        return Err(Error::InvalidQuery(
            "accessPackageId and incompatibleAccessPackageId must differ.".to_owned(),
        ));
    }
    let holders = repository
        .values_where(&ASSIGNMENT, "target_id", "access_package_id", &incompatible)
        .await?;
    let filter = Filter::And(
        Box::new(only(set.entity, "access_package_id", vec![package])?),
        Box::new(only(set.entity, "target_id", holders)?),
    );
    list_where(Collection::of(set), root, query, repository, Some(filter)).await
}

/// `GET /subjects(objectId='…')`.
pub async fn subject_by_object_id(
    call: web::Path<String>,
    root: ServiceRoot,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let object_id = argument(&arguments(&call)?, "objectId")?;
    let subject = repository.subject_by_object_id(&object_id).await?;
    response::entity(
        StatusCode::OK,
        &root.entity_context(&SUBJECT, ""),
        project(&subject, root.version.into(), None),
        None,
    )
}

/// `PATCH /subjects(objectId='…')`: its `subjectLifecycle`; 204.
pub async fn update_subject_by_object_id(
    call: web::Path<String>,
    caller: Caller,
    root: ServiceRoot,
    body: JsonBody,
    repository: Store,
) -> Result<HttpResponse, Error> {
    let object_id = argument(&arguments(&call)?, "objectId")?;
    let changes = decode(&SUBJECT, root.version.into(), body.0, Mode::Update)?;
    repository
        .update_subject(&object_id, changes, &caller.actor)
        .await?;
    Ok(response::no_content())
}
