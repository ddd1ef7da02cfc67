//! Assignment requests made, and the subjects they name. A new request is checked against
//! its package, policy and target on a reader; what concurrent requests could both pass is
//! checked again in the writer's transaction that stores it, with the subjects it names.
//! Everything after that is a lifecycle move, one transaction each (`decisions`,
//! `lifecycle`).

use serde_json::Value;
use sqlx::AnyConnection;
use time::OffsetDateTime;

use super::delivery::insert_one;
use super::entity::{find, save};
use super::sql::Dialect;
use super::targets::{
    assignment_target, by_email, directory_object, groups_of, invited, organization_of, propose,
    subject_in, subject_of, Target,
};
use super::Repository;
use crate::model::admission::{self, is_guest, Incompatible, PackageNamed};
use crate::model::assignment::ASSIGNMENT;
use crate::model::assignment_policy::ASSIGNMENT_POLICY;
use crate::model::assignment_request::Asked;
use crate::model::directory::USER;
use crate::model::lifecycle::{Kind, State};
use crate::model::values::{format_instant, normalize_id};
use crate::model::{access_package, Changes, Mode, Record};
use crate::Error;

/// Who is calling, as far as requests care: the recorded actor, and the directory object
/// the token names (`oid`), if it names one.
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub actor: String,
    pub object_id: Option<String>,
}

/// The one message the service gives when no policy admits a request.
fn no_valid_policy() -> Error {
    Error::rule(
        400,
        "InvalidRequest",
        "No valid policy was found in the request.",
    )
}

impl Repository {
    /// The directory user a caller is: the token's `oid`, else the user whose sign-in
    /// name is the caller's.
    pub(super) async fn caller_user(
        &self,
        connection: &mut AnyConnection,
        who: &Who,
    ) -> Result<Option<Record>, Error> {
        if let Some(id) = &who.object_id {
            if let Some(user) = find(connection, &USER, id).await? {
                return Ok(Some(user));
            }
        }
        let id: Option<String> = sqlx::query_scalar(&format!(
            "SELECT id FROM users WHERE {}",
            Dialect::of(connection).equals_folded("user_principal_name", "$1")
        ))
        .bind(&who.actor)
        .fetch_optional(&mut *connection)
        .await?;
        match id {
            Some(id) => find(connection, &USER, &id).await,
            None => Ok(None),
        }
    }

    /// The subject whose `objectId` is `object_id`: `subjects(objectId='…')`.
    pub async fn subject_by_object_id(&self, object_id: &str) -> Result<Record, Error> {
        let mut connection = self.reader.acquire().await?;
        subject_of(&mut connection, object_id)
            .await?
            .ok_or(Error::ResourceNotFound)
    }

    /// `PATCH subjects(objectId='…')`: an administrator says whether the settings' rule
    /// governs a directory object, before or after any request names it (its subject is
    /// made then, as a first request would make it).
    pub async fn update_subject(
        &self,
        object_id: &str,
        changes: Changes,
        actor: &str,
    ) -> Result<Record, Error> {
        let mut tx = self.writer.begin().await?;
        let subject = match subject_of(&mut tx, object_id).await? {
            Some(subject) => subject,
            None => {
                let object = directory_object(&mut tx, object_id, "objectId")
                    .await
                    .map_err(|_| Error::ResourceNotFound)?;
                let organization = organization_of(&mut tx, &object).await?;
                let now = self.lifecycle.now();
                subject_in(&mut tx, &object, organization.as_ref(), false, now).await?
            }
        };
        let updated = subject.updated(changes, Mode::Update, actor)?;
        let stored = save(&mut tx, &updated).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Checks a new request against its package, policy and target, and stores it
    /// `submitted`. `asked` is what its `assignment` object names. The facts are read on a
    /// reader, except those concurrent requests could change (whether the target holds
    /// the package, whether the assignment has ended, what it has that the package is
    /// incompatible with): those are read in the writer's transaction that stores the
    /// request, which is where `admission::admit` decides, so that two identical requests
    /// at once never make two assignments or end one twice.
    pub async fn create_request(
        &self,
        mut request: Record,
        asked: Asked,
        who: &Who,
        fail_delivery: bool,
    ) -> Result<Record, Error> {
        let request_type = request.text("request_type").to_owned();
        let kind = Kind::of(&request_type).ok_or_else(|| {
            Error::invalid_value(
                "requestType",
                format!("A client can not make a '{request_type}' request: send adminAdd, adminUpdate, adminRemove, userAdd, userUpdate or userRemove."),
            )
        })?;
        let self_service = Kind::is_self_service(&request_type);
        let now = self.lifecycle.now();
        let mut connection = self.reader.acquire().await?;
        let caller = self.caller_user(&mut connection, who).await?;
        let (policy, target, organization) = match kind {
            Kind::Add => {
                let at = (self_service, caller.as_ref(), who.actor.as_str(), now);
                self.new_target(&mut connection, &asked, at).await?
            }
            Kind::Update | Kind::Remove => {
                let (assignment, policy, subject) =
                    assignment_target(&mut connection, &asked).await?;
                request.set("assignment_id", Value::from(assignment));
                (policy, subject, None)
            }
        };
        let package = policy.text("access_package_id").to_owned();
        let named = package_named(&mut connection, &asked, &package).await?;
        let groups = match &target {
            Target::Object(object) => groups_of(&mut connection, object.id()).await?,
            Target::Subject(_) | Target::Invited(_) => Vec::new(),
        };
        drop(connection);

        let mut tx = self.writer.begin().await?;
        let incompatible = match kind {
            Kind::Add => incompatible_with(&mut tx, &package, target.object_id()).await?,
            Kind::Update | Kind::Remove => Vec::new(),
        };
        let (holds, ended) = match kind {
            Kind::Add => (holds(&mut tx, &package, target.object_id()).await?, false),
            Kind::Update | Kind::Remove => {
                let assignment = find(&mut tx, &ASSIGNMENT, request.text("assignment_id")).await?;
                (
                    false,
                    assignment.is_none_or(|assignment| assignment.text("state") == "expired"),
                )
            }
        };
        admission::admit(
            &admission::Facts {
                kind,
                self_service,
                caller: caller.as_ref().map(Record::id),
                target: target.object_id(),
                target_object: match &target {
                    Target::Object(object) | Target::Invited(object) => Some((object, &groups)),
                    Target::Subject(_) => None,
                },
                organization: organization.as_ref(),
                invited: matches!(target, Target::Invited(_)),
                policy: &policy,
                package: named,
                holds,
                ended,
                incompatible: &incompatible,
            },
            &request,
        )?;
        // An outsider from no known organization, let in by a policy for all external
        // users, proposes one for its domain.
        let organization = match (&target, organization) {
            (Target::Object(object) | Target::Invited(object), None)
                if is_guest(object)
                    && policy.text("allowed_target_scope") == "allExternalUsers" =>
            {
                propose(&mut tx, object, &who.actor, now).await?
            }
            (_, known) => known,
        };
        let target = match target {
            Target::Subject(subject) => subject,
            Target::Object(object) => {
                subject_in(&mut tx, &object, organization.as_ref(), false, now).await?
            }
            Target::Invited(guest) => {
                let guest = insert_one(&mut tx, guest).await?;
                subject_in(&mut tx, &guest, organization.as_ref(), true, now).await?
            }
        };
        let requestor = match &caller {
            Some(user) => Some(subject_in(&mut tx, user, None, false, now).await?),
            None => None,
        };
        let stamp = format_instant(now);
        request.set("access_package_id", Value::from(package));
        request.set("assignment_policy_id", Value::from(policy.id()));
        request.set("target_id", Value::from(target.id()));
        request.set(
            "requestor_id",
            requestor.map_or(Value::Null, |r| Value::from(r.id())),
        );
        request.set("fail_delivery", Value::Bool(fail_delivery));
        request.set("created_date_time", Value::from(stamp.as_str()));
        request.set("state_changed_at", Value::from(stamp.as_str()));
        if request.get("is_validation_only").as_bool() == Some(true) {
            // Nothing is kept, the subjects, guests and organizations it would have made
            // included.
            return Ok(request);
        }
        let next = self.lifecycle_next(State::Submitted, now, &request);
        request.set("next_step_at", next);
        let stored = insert_one(&mut tx, request).await?;
        tx.commit().await?;
        self.note_due(stored.get("next_step_at"));
        Ok(stored)
    }

    /// For a new assignment: the policy it is made through, the directory object it is
    /// for (a guest to invite, for an email the directory does not know) and, for an
    /// outsider, its connected organization; as the body names them (or, for a user's own
    /// request, as the caller and the one policy that admits them).
    async fn new_target(
        &self,
        connection: &mut AnyConnection,
        asked: &Asked,
        (self_service, caller, actor, now): (bool, Option<&Record>, &str, OffsetDateTime),
    ) -> Result<(Record, Target, Option<Record>), Error> {
        let target = match (&asked.target_object_id, &asked.target_email) {
            (Some(id), _) => Target::Object(
                directory_object(connection, id, "assignment.targetId").await?,
            ),
            (None, Some(email)) => match by_email(connection, email).await? {
                Some(user) => Target::Object(user),
                None => Target::Invited(invited(email, actor, now)?),
            },
            (None, None) if self_service => Target::Object(caller.cloned().ok_or_else(|| {
                Error::missing_value("assignment.targetId", "The caller is not a user of the directory: name the target with assignment.targetId.")
            })?),
            (None, None) => {
                return Err(Error::missing_value(
                    "assignment.targetId",
                    "The target is required: assignment.targetId or assignment.target.",
                ))
            }
        };
        let object = match &target {
            Target::Object(object) | Target::Invited(object) => object,
            Target::Subject(_) => return Err(Error::internal("a new assignment for a subject")),
        };
        let organization = organization_of(connection, object).await?;
        let policy = match &asked.policy_id {
            Some(id) => find(connection, &ASSIGNMENT_POLICY, id)
                .await?
                .ok_or_else(|| Error::RelatedNotFound {
                    target: "assignment.assignmentPolicyId".to_owned(),
                    entity: ASSIGNMENT_POLICY.name,
                    id: id.clone(),
                })?,
            None if self_service => {
                let package = asked.package_id.as_deref().ok_or_else(|| {
                    Error::missing_value(
                        "assignment.accessPackageId",
                        "The access package is required.",
                    )
                })?;
                self.only_policy(connection, package, object, organization.as_ref())
                    .await?
            }
            None => {
                return Err(Error::missing_value(
                    "assignment.assignmentPolicyId",
                    "An administrator's assignment names its policy.",
                ))
            }
        };
        Ok((policy, target, organization))
    }

    /// The single policy of `package` that admits `target`, for a self-service request
    /// that names none.
    async fn only_policy(
        &self,
        connection: &mut AnyConnection,
        package: &str,
        target: &Record,
        organization: Option<&Record>,
    ) -> Result<Record, Error> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM assignment_policies WHERE access_package_id = $1 ORDER BY created_date_time, id",
        )
        .bind(normalize_id(package))
        .fetch_all(&mut *connection)
        .await?;
        let groups = groups_of(connection, target.id()).await?;
        let mut admitting = Vec::new();
        for id in ids {
            if let Some(policy) = find(connection, &ASSIGNMENT_POLICY, &id).await? {
                if admission::admits(&policy, target, &groups, organization) {
                    admitting.push(policy);
                }
            }
        }
        match admitting.len() {
            1 => Ok(admitting.remove(0)),
            0 => Err(no_valid_policy()),
            _ => Err(Error::missing_value(
                "assignment.assignmentPolicyId",
                "More than one policy of the access package applies: name one with assignment.assignmentPolicyId.",
            )),
        }
    }
}

/// Whether the directory object holds an assignment of the package that has not ended.
async fn holds(tx: &mut AnyConnection, package: &str, object_id: &str) -> Result<bool, Error> {
    Ok(sqlx::query(
        "SELECT 1 FROM assignments AS a JOIN subjects AS s ON s.id = a.target_id
         WHERE a.access_package_id = $1 AND s.object_id = $2 AND a.state <> 'expired' LIMIT 1",
    )
    .bind(package)
    .bind(normalize_id(object_id))
    .fetch_optional(&mut *tx)
    .await?
    .is_some())
}

/// What `object_id` has that `package` is declared incompatible with: packages it holds
/// (an assignment not ended), groups it is a direct member of.
async fn incompatible_with(
    tx: &mut AnyConnection,
    package: &str,
    object_id: &str,
) -> Result<Vec<Incompatible>, Error> {
    let found: Vec<(String, String)> = sqlx::query_as(
        "SELECT 'package', p.display_name FROM links AS l
           JOIN access_packages AS p ON p.id = l.target_id
         WHERE l.source_id = $1 AND l.relation = $3
           AND EXISTS (SELECT 1 FROM assignments AS a JOIN subjects AS s ON s.id = a.target_id
                       WHERE a.access_package_id = p.id AND s.object_id = $2
                         AND a.state <> 'expired')
         UNION ALL
         SELECT 'group', g.display_name FROM links AS l
           JOIN groups AS g ON g.id = l.target_id
         WHERE l.source_id = $1 AND l.relation = $4
           AND EXISTS (SELECT 1 FROM group_members AS m
                       WHERE m.group_id = g.id AND m.member_id = $2 AND m.relation = 'members')",
    )
    .bind(package)
    .bind(normalize_id(object_id))
    .bind(access_package::INCOMPATIBLE_PACKAGES)
    .bind(access_package::INCOMPATIBLE_GROUPS)
    .fetch_all(&mut *tx)
    .await?;
    Ok(found
        .into_iter()
        .map(|(kind, name)| match kind.as_str() {
            "package" => Incompatible::Package(name),
            _ => Incompatible::Group(name),
        })
        .collect())
}

/// How the body named the package against the policy's `package`; 404 for a package
/// that does not exist.
async fn package_named(
    connection: &mut AnyConnection,
    asked: &Asked,
    package: &str,
) -> Result<PackageNamed, Error> {
    let Some(named) = asked
        .package_id
        .as_deref()
        .filter(|named| *named != package)
    else {
        return Ok(PackageNamed::Same);
    };
    match find(connection, &access_package::ACCESS_PACKAGE, named).await? {
        Some(_) => Ok(PackageNamed::Other),
        None => Err(Error::RelatedNotFound {
            target: "assignment.accessPackageId".to_owned(),
            entity: access_package::ACCESS_PACKAGE.name,
            id: named.to_owned(),
        }),
    }
}

/// After a fixture: memberships that delivered assignments grant, which the fixture
/// does not carry (the grant rule is the view `granted_memberships`).
pub(super) async fn regrant(tx: &mut AnyConnection) -> Result<(), Error> {
    // The numbering outside DISTINCT: a sequence's value per row would make every row
    // distinct.
    let next = Dialect::of(tx).next_added("group_members", "added");
    sqlx::query(&format!(
        "INSERT INTO group_members (group_id, relation, member_id, member_type, managed, added)
         SELECT granted.*, 1, {next} FROM (
             SELECT DISTINCT g.group_id, g.relation, g.member_id, g.member_type
             FROM granted_memberships AS g
             WHERE NOT EXISTS (SELECT 1 FROM group_members AS m WHERE m.group_id = g.group_id
                               AND m.relation = g.relation AND m.member_id = g.member_id)
         ) AS granted",
    ))
    .execute(&mut *tx)
    .await?;
    Ok(())
}
