//! Whom a new request is for: a user or service principal named by id, a user by mail or
//! sign-in name, the caller, the subject of the assignment a change names, or someone the
//! directory does not know yet, whom a request by `target: {email}` invites as a guest.
//! And the connected organization an outsider belongs to, found by the domain of their
//! mail, or proposed for a domain no organization has when a policy lets in all external
//! users (as Graph does).

use serde_json::{json, Value};
use sqlx::AnyConnection;
use time::OffsetDateTime;

use super::delivery::insert_one;
use super::entity::find;
use super::sql::Dialect;
use crate::model::admission::is_guest;
use crate::model::assignment::ASSIGNMENT;
use crate::model::assignment_policy::ASSIGNMENT_POLICY;
use crate::model::assignment_request::Asked;
use crate::model::connected_organization::{domains, CONNECTED_ORGANIZATION};
use crate::model::directory::{PRINCIPALS, USER};
use crate::model::subject::{NOT_GOVERNED, SUBJECT};
use crate::model::values::{format_instant, new_id, normalize_id};
use crate::model::{Changes, Record};
use crate::Error;

/// Whom a request is for, before it is stored: a directory object that may have no
/// subject yet, or the subject of the assignment it changes.
pub(super) enum Target {
    Object(Record),
    Subject(Record),
    /// A guest to be, made in the transaction that stores the request.
    Invited(Record),
}

impl Target {
    pub(super) fn object_id(&self) -> &str {
        match self {
            Self::Object(object) | Self::Invited(object) => object.id(),
            Self::Subject(subject) => subject.text("object_id"),
        }
    }
}

/// The subject of a directory object, made in `tx` the first time it is named (an
/// outsider's with the connected organization it came from; a guest governed when this
/// request invites it).
pub(super) async fn subject_in(
    tx: &mut AnyConnection,
    object: &Record,
    organization: Option<&Record>,
    invited: bool,
    now: OffsetDateTime,
) -> Result<Record, Error> {
    if let Some(subject) = subject_of(tx, object.id()).await? {
        return Ok(subject);
    }
    let mut subject = Record::create(&SUBJECT, Changes::default(), "");
    subject.set(
        "connected_organization_id",
        organization.map_or(Value::Null, |organization| Value::from(organization.id())),
    );
    let is_user = std::ptr::eq(object.entity(), &USER);
    subject.set("object_id", Value::from(object.id()));
    subject.set("display_name", object.get("display_name").clone());
    subject.set(
        "subject_type",
        Value::from(if is_user { "user" } else { "servicePrincipal" }),
    );
    // A guest the directory had before is not Entitlement Management's to govern.
    if is_user && is_guest(object) && !invited {
        subject.set("subject_lifecycle", Value::from(NOT_GOVERNED));
    }
    if is_user {
        subject.set("email", object.get("mail").clone());
        subject.set("principal_name", object.get("user_principal_name").clone());
    }
    subject.set("created_date_time", Value::from(format_instant(now)));
    insert_one(tx, subject).await
}

/// For a change to an assignment: its id, its policy, and the subject it is for, which needs no
/// directory object (its user may be gone).
pub(super) async fn assignment_target(
    connection: &mut AnyConnection,
    asked: &Asked,
) -> Result<(String, Record, Target), Error> {
    let id = asked.assignment_id.as_deref().ok_or_else(|| {
        Error::missing_value(
            "assignment.id",
            "The assignment to change is required: assignment.id.",
        )
    })?;
    let assignment =
        find(connection, &ASSIGNMENT, id)
            .await?
            .ok_or_else(|| Error::RelatedNotFound {
                target: "assignment.id".to_owned(),
                entity: ASSIGNMENT.name,
                id: id.to_owned(),
            })?;
    let policy = find(
        connection,
        &ASSIGNMENT_POLICY,
        assignment.text("assignment_policy_id"),
    )
    .await?
    .ok_or_else(|| Error::internal("an assignment's policy is gone"))?;
    let subject = find(connection, &SUBJECT, assignment.text("target_id"))
        .await?
        .ok_or_else(|| Error::internal("an assignment's target is gone"))?;
    Ok((assignment.id().to_owned(), policy, Target::Subject(subject)))
}

pub(super) async fn subject_of(
    connection: &mut AnyConnection,
    object_id: &str,
) -> Result<Option<Record>, Error> {
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM subjects WHERE object_id = $1")
        .bind(normalize_id(object_id))
        .fetch_optional(&mut *connection)
        .await?;
    match id {
        Some(id) => find(connection, &SUBJECT, &id).await,
        None => Ok(None),
    }
}

/// A user or service principal by id; 404 naming where the body named it.
pub(super) async fn directory_object(
    connection: &mut AnyConnection,
    id: &str,
    target: &str,
) -> Result<Record, Error> {
    for kind in PRINCIPALS {
        if kind().table == "groups" {
            continue;
        }
        if let Some(record) = find(connection, kind(), id).await? {
            return Ok(record);
        }
    }
    Err(Error::RelatedNotFound {
        target: target.to_owned(),
        entity: "directoryObject",
        id: id.to_owned(),
    })
}

/// `target: {email}`: the directory user with that mail or sign-in name, if there is one.
pub(super) async fn by_email(
    connection: &mut AnyConnection,
    email: &str,
) -> Result<Option<Record>, Error> {
    let dialect = Dialect::of(connection);
    let id: Option<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM users WHERE {} OR {}
         ORDER BY created_date_time LIMIT 1",
        dialect.equals_folded("mail", "$1"),
        dialect.equals_folded("user_principal_name", "$1"),
    ))
    .bind(email.trim())
    .fetch_optional(&mut *connection)
    .await?;
    match id {
        Some(id) => find(connection, &USER, &id).await,
        None => Ok(None),
    }
}

/// The guest a request by `target: {email}` invites, not yet stored: named after the mail
/// as B2B names invited users, in the home domain of `inviter` (a sign-in name).
pub(super) fn invited(email: &str, inviter: &str, now: OffsetDateTime) -> Result<Record, Error> {
    let email = email.trim();
    let Some((name, domain)) = email
        .split_once('@')
        .filter(|(name, domain)| !name.is_empty() && domain.contains('.'))
    else {
        return Err(Error::invalid_value(
            "assignment.target.email",
            format!("'{email}' is not an email address."),
        ));
    };
    let home = inviter
        .rsplit_once('@')
        .map_or("contoso.onmicrosoft.com", |(_, home)| home);
    let mut guest = Record::defaults(&USER);
    let stamp = format_instant(now);
    for (column, value) in [
        ("id", Value::from(new_id())),
        ("account_enabled", Value::Bool(true)),
        ("display_name", Value::from(email)),
        (
            "mail_nickname",
            Value::from(format!("{name}_{domain}#EXT#")),
        ),
        (
            "user_principal_name",
            Value::from(format!("{name}_{domain}#EXT#@{home}")),
        ),
        ("mail", Value::from(email)),
        ("user_type", Value::from("Guest")),
        ("created_date_time", Value::from(stamp)),
    ] {
        guest.set(column, value);
    }
    Ok(guest)
}

/// The connected organization an outsider belongs to: its subject's, else the one whose
/// identity sources name the domain of its mail.
pub(super) async fn organization_of(
    connection: &mut AnyConnection,
    user: &Record,
) -> Result<Option<Record>, Error> {
    if user.entity().table != USER.table || !is_guest(user) {
        return Ok(None);
    }
    let named: Option<Option<String>> =
        sqlx::query_scalar("SELECT connected_organization_id FROM subjects WHERE object_id = $1")
            .bind(user.id())
            .fetch_optional(&mut *connection)
            .await?;
    if let Some(Some(id)) = named {
        return find(connection, &CONNECTED_ORGANIZATION, &id).await;
    }
    let Some(domain) = mail_domain(user) else {
        return Ok(None);
    };
    let all: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, identity_sources FROM connected_organizations ORDER BY created_date_time, id",
    )
    .fetch_all(&mut *connection)
    .await?;
    for (id, sources) in all {
        let sources: Value = serde_json::from_str(&sources).unwrap_or(Value::Null);
        if domains(&sources).contains(&domain) {
            return find(connection, &CONNECTED_ORGANIZATION, &id).await;
        }
    }
    Ok(None)
}

fn mail_domain(user: &Record) -> Option<String> {
    let mail = user.get("mail").as_str()?;
    mail.rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase())
}

/// A connected organization in the `proposed` state for the domain of `user`'s mail, made
/// in `tx` when a user from no known organization is let in.
pub(super) async fn propose(
    tx: &mut AnyConnection,
    user: &Record,
    actor: &str,
    now: OffsetDateTime,
) -> Result<Option<Record>, Error> {
    let Some(domain) = mail_domain(user) else {
        return Ok(None);
    };
    let mut organization = Record::defaults(&CONNECTED_ORGANIZATION);
    let stamp = format_instant(now);
    for (column, value) in [
        ("id", Value::from(new_id())),
        ("display_name", Value::from(domain.as_str())),
        (
            "identity_sources",
            json!([{"@odata.type": "#microsoft.graph.domainIdentitySource",
                "displayName": domain, "domainName": domain}]),
        ),
        ("state", Value::from("proposed")),
        ("created_by", Value::from(actor)),
        ("created_date_time", Value::from(stamp.as_str())),
        ("modified_by", Value::from(actor)),
        ("modified_date_time", Value::from(stamp)),
    ] {
        organization.set(column, value);
    }
    insert_one(tx, organization).await.map(Some)
}

/// The groups a directory object is a direct member of.
pub(super) async fn groups_of(
    connection: &mut AnyConnection,
    id: &str,
) -> Result<Vec<String>, Error> {
    Ok(sqlx::query_scalar(
        "SELECT group_id FROM group_members WHERE member_id = $1 AND relation = 'members'",
    )
    .bind(id)
    .fetch_all(&mut *connection)
    .await?)
}
