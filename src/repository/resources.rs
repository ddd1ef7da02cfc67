//! What catalogs hold: resource requests carried out at once (onboard, refresh, remove a
//! resource with its roles and scope), and role scopes resolved from what a client names.
//! Each in one transaction with its checks.

use serde_json::Value;
use sqlx::AnyConnection;

use super::deletion::remove;
use super::entity::{check_references, find};
use super::insert::insert;
use super::{rows, sql, Repository};
use crate::model::resource_environment::{self, ENVIRONMENT};
use crate::model::resource_request::{may_onboard, may_remove, onboarded, Described, Origin};
use crate::model::resources::{RESOURCE, ROLE, SCOPE};
use crate::model::role_scope::{role_scope, Named};
use crate::model::values::new_id;
use crate::model::{access_package::ACCESS_PACKAGE, Changes, EntityType, Record};
use crate::Error;

fn not_found() -> Error {
    Error::rule(404, "ResourceNotFound", "The resource was not found.")
}

/// The first row of `entity` whose columns have these values, in its default order.
async fn find_where(
    connection: &mut AnyConnection,
    entity: &'static EntityType,
    conditions: &[(&str, &str)],
) -> Result<Option<Record>, Error> {
    let wheres: Vec<String> = conditions
        .iter()
        .enumerate()
        .map(|(i, (column, _))| format!("{column} = ${}", i + 1))
        .collect();
    let text = format!(
        "SELECT {} FROM {} WHERE {} ORDER BY id LIMIT 1",
        sql::columns(entity),
        entity.table,
        wheres.join(" AND ")
    );
    let mut query = sqlx::query(&text);
    for (_, value) in conditions {
        query = query.bind(*value);
    }
    query
        .fetch_optional(&mut *connection)
        .await?
        .map(|row| rows::record(entity, &row))
        .transpose()
}

/// Inserts one record on the transaction, or fails with why it could not go in.
async fn insert_one(connection: &mut AnyConnection, record: &Record) -> Result<Record, Error> {
    insert(connection, record.entity(), &[record])
        .await?
        .pop()
        .unwrap_or_else(|| Err(Error::internal("a one-row insert returned no outcome")))
}

impl Repository {
    /// A resource request, delivered at once: `adminAdd` onboards the resource with its
    /// roles and root scope, `adminUpdate` refreshes its name, `adminRemove` removes it
    /// (refused while an access package grants one of its roles).
    pub async fn resource_request(
        &self,
        mut request: Record,
        described: Described,
        actor: &str,
    ) -> Result<Record, Error> {
        let mut tx = self.writer.begin().await?;
        check_references(&mut tx, &request).await?;
        let catalog = request.text("catalog_id").to_owned();
        let resource = match request.text("request_type") {
            "adminAdd" => Some(onboard(&mut tx, &catalog, &described, actor).await?),
            "adminUpdate" => {
                let resource = locate(&mut tx, &catalog, &described).await?;
                for (column, value) in [
                    ("display_name", &described.display_name),
                    ("description", &described.description),
                ] {
                    if let Some(value) = value {
                        sqlx::query(&format!(
                            "UPDATE access_package_resources SET {column} = $1 WHERE id = $2"
                        ))
                        .bind(value)
                        .bind(resource.id())
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                Some(resource)
            }
            _ => {
                let resource = locate(&mut tx, &catalog, &described).await?;
                let granted: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM role_scopes WHERE role_id IN (SELECT id FROM access_package_resource_roles WHERE resource_id = $1)",
                )
                .bind(resource.id())
                .fetch_one(&mut *tx)
                .await?;
                may_remove(&resource, granted)?;
                // Earlier requests named it; they stay, it goes.
                sqlx::query(
                    "UPDATE resource_requests SET resource_id = NULL WHERE resource_id = $1",
                )
                .bind(resource.id())
                .execute(&mut *tx)
                .await?;
                remove(&mut tx, &RESOURCE, vec![resource.id().to_owned()]).await?;
                None
            }
        };
        request.set(
            "resource_id",
            resource.map_or(Value::Null, |r| Value::from(r.id())),
        );
        let stored = insert_one(&mut tx, &request).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// `refresh`: what onboarding took from the resource's directory object, taken again
    /// (an application's roles' names too). A resource whose object is gone, or that has
    /// none (a SharePoint site), stays as it is.
    pub async fn refresh_resource(&self, catalog: &str, id: &str) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        let resource = find_where(
            &mut tx,
            &RESOURCE,
            &[
                ("id", &crate::model::values::normalize_id(id)),
                ("catalog_id", &crate::model::values::normalize_id(catalog)),
            ],
        )
        .await?
        .ok_or_else(not_found)?;
        let origin = Origin::parse(resource.text("origin_system"))?;
        let found = match origin.directory() {
            Some(kind) => find(&mut tx, kind, resource.text("origin_id")).await?,
            None => None,
        };
        let Some(found) = found else {
            return Ok(());
        };
        let (fresh, roles, _) = onboarded(
            origin,
            resource.text("catalog_id"),
            resource.text("origin_id"),
            &Described::default(),
            Some(&found),
            "",
        );
        sqlx::query(
            "UPDATE access_package_resources SET display_name = $2, description = $3,
                 resource_type = $4 WHERE id = $1",
        )
        .bind(resource.id())
        .bind(fresh.text("display_name"))
        .bind(fresh.get("description").as_str())
        .bind(fresh.get("resource_type").as_str())
        .execute(&mut *tx)
        .await?;
        for role in roles {
            sqlx::query(
                "UPDATE access_package_resource_roles SET display_name = $3, description = $4
                 WHERE resource_id = $1 AND origin_id = $2",
            )
            .bind(resource.id())
            .bind(role.text("origin_id"))
            .bind(role.text("display_name"))
            .bind(role.get("description").as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds a resource role, in a scope, to an access package: the role and scope found in
    /// the package's catalog from what the body names.
    pub async fn add_role_scope(
        &self,
        package: &str,
        (role, scope): (Named, Named),
        actor: &str,
    ) -> Result<Record, Error> {
        let mut tx = self.writer.begin().await?;
        let package = find(&mut tx, &ACCESS_PACKAGE, package)
            .await?
            .ok_or(Error::ResourceNotFound)?;
        let catalog = package.text("catalog_id").to_owned();
        let resource = match (&role.resource_id, &role.resource_origin_id) {
            (Some(id), _) => Some(
                find_where(
                    &mut tx,
                    &RESOURCE,
                    &[
                        ("id", &crate::model::values::normalize_id(id)),
                        ("catalog_id", &catalog),
                    ],
                )
                .await?
                .ok_or_else(not_found)?,
            ),
            (None, Some(origin)) => Some(
                find_where(
                    &mut tx,
                    &RESOURCE,
                    &[("origin_id", origin), ("catalog_id", &catalog)],
                )
                .await?
                .ok_or_else(not_found)?,
            ),
            (None, None) => None,
        };
        let in_resource = |record: &Record| {
            resource
                .as_ref()
                .is_none_or(|r| record.text("resource_id") == r.id())
        };
        let found = match (&role.id, &role.origin_id) {
            (Some(id), _) => {
                find_where(
                    &mut tx,
                    &ROLE,
                    &[
                        ("id", &crate::model::values::normalize_id(id)),
                        ("catalog_id", &catalog),
                    ],
                )
                .await?
            }
            (None, Some(origin)) => match &resource {
                Some(resource) => {
                    find_where(
                        &mut tx,
                        &ROLE,
                        &[("origin_id", origin), ("resource_id", resource.id())],
                    )
                    .await?
                }
                None => {
                    find_where(
                        &mut tx,
                        &ROLE,
                        &[("origin_id", origin), ("catalog_id", &catalog)],
                    )
                    .await?
                }
            },
            (None, None) => None,
        };
        let role = found
            .filter(in_resource)
            .ok_or_else(|| Error::rule(404, "RoleNotFound", "The role was not found."))?;
        let owner = role.text("resource_id").to_owned();
        let scope = match (&scope.id, &scope.origin_id) {
            (Some(id), _) => {
                find_where(
                    &mut tx,
                    &SCOPE,
                    &[
                        ("id", &crate::model::values::normalize_id(id)),
                        ("resource_id", &owner),
                    ],
                )
                .await?
            }
            (None, Some(origin)) => {
                find_where(
                    &mut tx,
                    &SCOPE,
                    &[("origin_id", origin), ("resource_id", &owner)],
                )
                .await?
            }
            (None, None) => {
                find_where(
                    &mut tx,
                    &SCOPE,
                    &[("is_root_scope", "1"), ("resource_id", &owner)],
                )
                .await?
            }
        }
        .ok_or_else(not_found)?;
        let mut record = role_scope(package.id(), &role, &scope, actor);
        if let Some(prepare) = record.entity().prepare {
            prepare(&mut record)?;
        }
        let stored = insert_one(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(stored)
    }
}

/// `adminAdd`: the resource the request describes, new in the catalog, with its roles and
/// root scope.
async fn onboard(
    tx: &mut AnyConnection,
    catalog: &str,
    described: &Described,
    actor: &str,
) -> Result<Record, Error> {
    let origin = Origin::parse(described.origin_system.as_deref().unwrap_or_default())?;
    let Some(origin_id) = described
        .origin_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
    else {
        return Err(Error::invalid_value(
            "accessPackageResource.originId",
            "A resource to add is named by its originId.",
        ));
    };
    let origin_id = match origin {
        Origin::SharePoint => origin_id.to_owned(),
        _ => crate::model::values::normalize_id(origin_id),
    };
    let onboarded_already = find_where(
        tx,
        &RESOURCE,
        &[("origin_id", &origin_id), ("catalog_id", catalog)],
    )
    .await?
    .is_some();
    may_onboard(onboarded_already)?;
    let found = match origin.directory() {
        Some(kind) => Some(find(tx, kind, &origin_id).await?.ok_or_else(not_found)?),
        None => None,
    };
    let (mut resource, roles, scope) = onboarded(
        origin,
        catalog,
        &origin_id,
        described,
        found.as_ref(),
        actor,
    );
    if origin == Origin::SharePoint {
        if let Some(site) = resource_environment::of_site(&origin_id) {
            let environment = environment_of(tx, &site, actor).await?;
            resource.set("environment_id", Value::from(environment));
        }
    }
    let stored = insert_one(tx, &resource).await?;
    for record in roles.iter().chain(std::iter::once(&scope)) {
        insert_one(tx, record).await?;
    }
    Ok(stored)
}

/// The id of a site's environment, made the first time a site of it is onboarded.
async fn environment_of(
    tx: &mut AnyConnection,
    site: &resource_environment::Site,
    actor: &str,
) -> Result<String, Error> {
    let system = Origin::SharePoint.name();
    let conditions = [
        ("origin_system", system),
        ("origin_id", site.origin_id.as_str()),
    ];
    if let Some(found) = find_where(tx, &ENVIRONMENT, &conditions).await? {
        return Ok(found.id().to_owned());
    }
    let mut environment = Record::create(&ENVIRONMENT, Changes::default(), actor);
    for (column, value) in [
        ("id", Value::from(new_id())),
        ("origin_system", Value::from(system)),
        ("origin_id", Value::from(site.origin_id.as_str())),
        ("display_name", Value::from(site.root.as_str())),
        ("description", Value::from(site.root.as_str())),
        ("connection_info", site.connection_info()),
    ] {
        environment.set(column, value);
    }
    Ok(insert_one(tx, &environment).await?.id().to_owned())
}

/// The catalog's resource a request names: by `id`, or by `originId` (and `originSystem`),
/// as azuread 3.x removes resources without knowing their id.
async fn locate(
    tx: &mut AnyConnection,
    catalog: &str,
    described: &Described,
) -> Result<Record, Error> {
    let found = match (&described.id, &described.origin_id) {
        (Some(id), _) => {
            find_where(
                tx,
                &RESOURCE,
                &[
                    ("id", &crate::model::values::normalize_id(id)),
                    ("catalog_id", catalog),
                ],
            )
            .await?
        }
        (None, Some(origin)) => {
            find_where(
                tx,
                &RESOURCE,
                &[("origin_id", origin.trim()), ("catalog_id", catalog)],
            )
            .await?
        }
        (None, None) => None,
    };
    let system = described
        .origin_system
        .as_deref()
        .map(|system| Origin::parse(system).map(Origin::name))
        .transpose()?;
    found
        .filter(|resource| system.is_none_or(|system| resource.text("origin_system") == system))
        .ok_or_else(not_found)
}
