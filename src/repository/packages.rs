//! What an access package answers beyond its CRUD: the policies a user may request it
//! through (`getApplicablePolicyRequirements`), and moving it to another catalog
//! (`moveToCatalog`, beta).

use super::entity::{find, save};
use super::targets::{directory_object, groups_of, organization_of};
use super::{Repository, Who};
use crate::model::access_package::ACCESS_PACKAGE;
use crate::model::admission::admits;
use crate::model::assignment_policy::ASSIGNMENT_POLICY;
use crate::model::catalog::CATALOG;
use crate::model::values::{format_instant, normalize_id};
use crate::model::Record;
use crate::Error;

/// A role scope's role and scope in the target catalog: the same origins, onboarded there.
type Counterparts = (String, Option<String>, Option<String>);

impl Repository {
    /// The package's policies that admit the user `object_id` names, else the calling
    /// user, in creation order; none when the caller is no user (an application).
    pub async fn applicable_policies(
        &self,
        package: &str,
        who: &Who,
        object_id: Option<&str>,
    ) -> Result<Vec<Record>, Error> {
        let mut connection = self.reader.acquire().await?;
        let package = find(&mut connection, &ACCESS_PACKAGE, package)
            .await?
            .ok_or(Error::ResourceNotFound)?;
        let user = match object_id {
            Some(id) => Some(directory_object(&mut connection, id, "subject.objectId").await?),
            None => self.caller_user(&mut connection, who).await?,
        };
        let Some(user) = user else {
            return Ok(Vec::new());
        };
        let groups = groups_of(&mut connection, user.id()).await?;
        let organization = organization_of(&mut connection, &user).await?;
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM assignment_policies WHERE access_package_id = $1
             ORDER BY created_date_time, id",
        )
        .bind(package.id())
        .fetch_all(&mut *connection)
        .await?;
        let mut admitting = Vec::new();
        for id in ids {
            if let Some(policy) = find(&mut connection, &ASSIGNMENT_POLICY, &id).await? {
                if admits(&policy, &user, &groups, organization.as_ref()) {
                    admitting.push(policy);
                }
            }
        }
        Ok(admitting)
    }

    /// The packages the calling user may request: those with a policy that admits them
    /// (none for a caller that is no user).
    pub async fn requestable_packages(&self, who: &Who) -> Result<Vec<String>, Error> {
        let mut connection = self.reader.acquire().await?;
        let Some(user) = self.caller_user(&mut connection, who).await? else {
            return Ok(Vec::new());
        };
        let groups = groups_of(&mut connection, user.id()).await?;
        let organization = organization_of(&mut connection, &user).await?;
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM assignment_policies ORDER BY created_date_time, id")
                .fetch_all(&mut *connection)
                .await?;
        let mut packages: Vec<String> = Vec::new();
        for id in ids {
            if let Some(policy) = find(&mut connection, &ASSIGNMENT_POLICY, &id).await? {
                let package = policy.text("access_package_id");
                if !packages.iter().any(|known| known == package)
                    && admits(&policy, &user, &groups, organization.as_ref())
                {
                    packages.push(package.to_owned());
                }
            }
        }
        Ok(packages)
    }

    /// Moves a package, its policies, requests and assignments to `catalog`; its role
    /// scopes then name that catalog's roles and scopes of the same resources, which must
    /// be onboarded there. Group membership does not change: the same roles are granted.
    pub async fn move_to_catalog(
        &self,
        package: &str,
        catalog: &str,
        actor: &str,
    ) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        let package = find(&mut tx, &ACCESS_PACKAGE, package)
            .await?
            .ok_or(Error::ResourceNotFound)?;
        let target =
            find(&mut tx, &CATALOG, catalog)
                .await?
                .ok_or_else(|| Error::RelatedNotFound {
                    target: "catalogId".to_owned(),
                    entity: CATALOG.name,
                    id: catalog.to_owned(),
                })?;
        if package.text("catalog_id") == target.id() {
            return Ok(());
        }
        let scopes: Vec<Counterparts> = sqlx::query_as(
            "SELECT rs.id,
                (SELECT r2.id FROM access_package_resource_roles AS r2
                     JOIN access_package_resources AS res2 ON res2.id = r2.resource_id
                 WHERE r2.catalog_id = $2 AND r2.origin_id = r.origin_id
                   AND res2.origin_id = res.origin_id),
                (SELECT s2.id FROM access_package_resource_scopes AS s2
                     JOIN access_package_resources AS res2 ON res2.id = s2.resource_id
                 WHERE s2.catalog_id = $2 AND s2.origin_id = s.origin_id
                   AND res2.origin_id = res.origin_id)
             FROM role_scopes AS rs
                 JOIN access_package_resource_roles AS r ON r.id = rs.role_id
                 JOIN access_package_resources AS res ON res.id = r.resource_id
                 JOIN access_package_resource_scopes AS s ON s.id = rs.scope_id
             WHERE rs.access_package_id = $1",
        )
        .bind(package.id())
        .bind(target.id())
        .fetch_all(&mut *tx)
        .await?;
        for (id, role, scope) in scopes {
            let (Some(role), Some(scope)) = (role, scope) else {
                return Err(Error::rule(
                    400,
                    "InvalidRequest",
                    "The resources in the access package must be present in the target catalog.",
                ));
            };
            // No trigger watches an update of a role scope: the grants stay as they are.
            sqlx::query(
                "UPDATE role_scopes SET role_id = $2, scope_id = $3,
                     id = access_package_id || '/' || $2 || '_' || $3 WHERE id = $1",
            )
            .bind(&id)
            .bind(&role)
            .bind(&scope)
            .execute(&mut *tx)
            .await?;
        }
        for table in ["assignment_policies", "assignment_requests", "assignments"] {
            sqlx::query(&format!(
                "UPDATE {table} SET catalog_id = $2 WHERE access_package_id = $1"
            ))
            .bind(package.id())
            .bind(target.id())
            .execute(&mut *tx)
            .await?;
        }
        let mut moved = package.clone();
        moved.set("catalog_id", normalize_id(target.id()).into());
        moved.set("modified_by", actor.into());
        moved.set(
            "modified_date_time",
            format_instant(self.lifecycle.now()).into(),
        );
        save(&mut tx, &moved).await?;
        tx.commit().await?;
        Ok(())
    }
}
