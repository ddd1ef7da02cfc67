//! What the schema's rules and triggers do, on rows: within a tenant, and only there; and
//! under two transactions at once, as replicas will run them.

use super::Database;

/// What a rule forbids within a tenant, another tenant may do: the same ids, and names
/// that differ only in ASCII case, which SQLite's NOCASE treats as equal (and `É` and `é`,
/// which it does not).
#[actix_web::test]
async fn rules_hold_within_a_tenant_and_only_there() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    let catalog = "INSERT INTO catalogs (tenant, id, display_name, catalog_type, state,
        is_externally_visible, created_date_time, modified_date_time)
        VALUES ($1, 'general', 'General', 'serviceDefault', 'published', 1, 'now', 'now')";
    let package = "INSERT INTO access_packages (tenant, id, catalog_id, display_name, is_hidden,
        is_role_scopes_visible, created_date_time, modified_date_time)
        VALUES ($1, $2, 'general', $3, 0, 0, 'now', 'now')";
    for tenant in ["a", "b"] {
        sqlx::query(catalog)
            .bind(tenant)
            .execute(&database.pool)
            .await
            .expect("the same id in each tenant");
    }
    let insert = |tenant: &'static str, id: &'static str, name: &'static str| {
        sqlx::query(package)
            .bind(tenant)
            .bind(id)
            .bind(name)
            .execute(&database.pool)
    };
    insert("a", "p1", "Sales Reps")
        .await
        .expect("a first package");
    let clash = insert("a", "p2", "SALES reps")
        .await
        .expect_err("the same name in other letters' case");
    assert!(
        clash
            .as_database_error()
            .is_some_and(|e| e.is_unique_violation()),
        "{clash}"
    );
    insert("b", "p1", "sales reps")
        .await
        .expect("another tenant's package of that name and id");
    insert("a", "p3", "Équipe")
        .await
        .expect("a name with a non-ASCII capital");
    insert("a", "p4", "équipe")
        .await
        .expect("NOCASE folds ASCII letters only");
    // A package names a catalog of its own tenant only.
    let orphan = insert("c", "p1", "Sales Reps")
        .await
        .expect_err("tenant c has no catalog");
    assert!(
        orphan
            .as_database_error()
            .is_some_and(|e| e.is_foreign_key_violation()),
        "{orphan}"
    );
}

/// One tenant's catalog, package, user, group onboarded with its Member and Owner roles,
/// both granted by role scopes, and an assignment on its way: `$1` is the tenant.
const WORLD: [&str; 11] = [
    "INSERT INTO catalogs VALUES ($1, 'c', 'General', NULL, 'serviceDefault', 'published', 1, NULL, 'now', NULL, 'now')",
    "INSERT INTO access_packages (tenant, id, catalog_id, display_name, is_hidden, is_role_scopes_visible, created_date_time, modified_date_time)
     VALUES ($1, 'p', 'c', 'Sales', 0, 0, 'now', 'now')",
    "INSERT INTO users (tenant, id, account_enabled, display_name, mail_nickname, user_principal_name, user_type, created_date_time)
     VALUES ($1, 'u', 1, 'Megan', 'megan', 'megan@contoso.test', 'Member', 'now')",
    "INSERT INTO groups (tenant, id, display_name, mail_enabled, mail_nickname, security_enabled, group_types, created_date_time)
     VALUES ($1, 'g', 'Sales', 0, 'sales', 1, '[]', 'now')",
    "INSERT INTO access_package_resources (tenant, id, catalog_id, origin_id, origin_system, display_name, is_pending_onboarding, added_on, attributes, created_date_time, modified_date_time)
     VALUES ($1, 'r', 'c', 'g', 'AadGroup', 'Sales', 0, 'now', '[]', 'now', 'now')",
    "INSERT INTO access_package_resource_roles (tenant, id, catalog_id, resource_id, origin_id, origin_system, display_name)
     VALUES ($1, 'member', 'c', 'r', 'Member_g', 'AadGroup', 'Member'), ($1, 'owner', 'c', 'r', 'OWNER_g', 'AadGroup', 'Owner')",
    "INSERT INTO access_package_resource_scopes (tenant, id, catalog_id, resource_id, origin_id, origin_system, display_name, is_root_scope)
     VALUES ($1, 's', 'c', 'r', 'g', 'AadGroup', 'Root', 1)",
    "INSERT INTO subjects (tenant, id, object_id, subject_type, subject_lifecycle, created_date_time)
     VALUES ($1, 'subject', 'u', 'user', 'governed', 'now')",
    "INSERT INTO assignment_policies (tenant, id, access_package_id, catalog_id, display_name, can_extend, expiration_type, allowed_target_scope, specific_allowed_targets, accept_requests, requestor_settings, request_approval_settings, questions, created_date_time, modified_date_time)
     VALUES ($1, 'policy', 'p', 'c', 'Direct', 0, 'noExpiration', 'notSpecified', '[]', 1, '{}', '{}', '[]', 'now', 'now')",
    "INSERT INTO role_scopes (tenant, id, access_package_id, role_id, scope_id, created_date_time, modified_date_time)
     VALUES ($1, 'member_s', 'p', 'member', 's', 'now', 'now'), ($1, 'owner_s', 'p', 'owner', 's', 'now', 'now')",
    "INSERT INTO assignments (tenant, id, access_package_id, assignment_policy_id, catalog_id, target_id, state, status, schedule, is_extended, created_date_time)
     VALUES ($1, 'a', 'p', 'policy', 'c', 'subject', 'delivering', 'Delivering', '{}', 0, 'now')",
];

/// The membership triggers, written anew in PL/pgSQL: delivering an assignment makes its
/// holder a member (or owner, for an `Owner_` role in any ASCII case) of the groups its
/// package's role scopes name; ending it or removing the role scope takes that away; and
/// none of it reaches another tenant holding the same ids.
#[actix_web::test]
async fn memberships_follow_assignments_and_role_scopes_within_a_tenant() {
    let Some(database) = Database::migrated().await else {
        return;
    };

    for tenant in ["a", "b"] {
        for statement in WORLD {
            sqlx::query(statement)
                .bind(tenant)
                .execute(&database.pool)
                .await
                .unwrap_or_else(|error| panic!("{statement}: {error}"));
        }
    }
    let members = |tenant: &'static str| {
        sqlx::query_as::<_, (String, String, String, i64)>(
            "SELECT group_id, relation, member_id, managed FROM group_members
             WHERE tenant = $1 ORDER BY relation",
        )
        .bind(tenant)
        .fetch_all(&database.pool)
    };
    let state = |tenant: &'static str, state: &'static str| {
        sqlx::query("UPDATE assignments SET state = $2 WHERE tenant = $1 AND id = 'a'")
            .bind(tenant)
            .bind(state)
            .execute(&database.pool)
    };
    let both = vec![
        ("g".to_owned(), "members".to_owned(), "u".to_owned(), 1),
        ("g".to_owned(), "owners".to_owned(), "u".to_owned(), 1),
    ];
    assert_eq!(
        members("a").await.expect("members"),
        vec![],
        "nothing delivered yet"
    );
    state("a", "delivered").await.expect("delivered");
    assert_eq!(members("a").await.expect("members"), both);
    assert_eq!(
        members("b").await.expect("members"),
        vec![],
        "another tenant's same ids"
    );
    // One trigger run's memberships share one place in the order, as SQLite's max + 1 gives.
    let added: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT added FROM group_members")
        .fetch_all(&database.pool)
        .await
        .expect("added");
    assert_eq!(added.len(), 1, "{added:?}");
    // Tenant b holds the same memberships from here on; nothing done in a may touch them.
    state("b", "delivered").await.expect("delivered in b");
    assert_eq!(members("b").await.expect("members"), both);
    sqlx::query("DELETE FROM role_scopes WHERE tenant = 'a' AND id = 'owner_s'")
        .execute(&database.pool)
        .await
        .expect("a role scope removed");
    assert_eq!(members("a").await.expect("members"), both[..1].to_vec());
    state("a", "expired").await.expect("expired");
    assert_eq!(
        members("a").await.expect("members"),
        vec![],
        "the assignment ended"
    );
    // A deleted member leaves the group; a deleted group takes its links.
    state("a", "delivered").await.expect("delivered again");
    assert_eq!(members("a").await.expect("members"), both[..1].to_vec());
    sqlx::query("DELETE FROM users WHERE tenant = 'a' AND id = 'u'")
        .execute(&database.pool)
        .await
        .expect("the user deleted");
    assert_eq!(
        members("a").await.expect("members"),
        vec![],
        "a deleted user leaves"
    );
    sqlx::query("INSERT INTO links (tenant, source_id, relation, target_id, target_type) VALUES ('a', 'p', 'incompatibleGroups', 'g', 'groups'), ('b', 'p', 'incompatibleGroups', 'g', 'groups')")
        .execute(&database.pool)
        .await
        .expect("links");
    sqlx::query("DELETE FROM assignments WHERE tenant = 'a'")
        .execute(&database.pool)
        .await
        .expect("the assignment deleted");
    sqlx::query("DELETE FROM groups WHERE tenant = 'a' AND id = 'g'")
        .execute(&database.pool)
        .await
        .expect("the group deleted");
    let links: Vec<String> = sqlx::query_scalar("SELECT tenant FROM links")
        .fetch_all(&database.pool)
        .await
        .expect("links");
    assert_eq!(links, ["b"], "only tenant a's link went with its group");
    assert_eq!(
        members("b").await.expect("members"),
        both,
        "tenant b's memberships are all still there"
    );
}

/// Two transactions at once, as replicas will run them: one delivers a second assignment
/// granting a membership the first already granted, the other ends the first. Whichever
/// order they commit in, the membership stays, as it does under SQLite's one writer.
#[actix_web::test]
async fn a_revoke_beside_a_grant_keeps_what_the_grant_still_gives() {
    let Some(database) = Database::migrated().await else {
        return;
    };
    for statement in WORLD {
        sqlx::query(statement)
            .bind("a")
            .execute(&database.pool)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    sqlx::query(
        "INSERT INTO assignments (tenant, id, access_package_id, assignment_policy_id, catalog_id, target_id, state, status, schedule, is_extended, created_date_time)
         VALUES ('a', 'second', 'p', 'policy', 'c', 'subject', 'delivering', 'Delivering', '{}', 0, 'now')",
    )
    .execute(&database.pool)
    .await
    .expect("a second assignment");
    sqlx::query("UPDATE assignments SET state = 'delivered' WHERE id = 'a'")
        .execute(&database.pool)
        .await
        .expect("the first delivered");
    let mut grant = database.pool.begin().await.expect("a transaction");
    sqlx::query("UPDATE assignments SET state = 'delivered' WHERE id = 'second'")
        .execute(&mut *grant)
        .await
        .expect("the second delivered, not committed");
    let pool = database.pool.clone();
    let revoke = tokio::spawn(async move {
        sqlx::query("UPDATE assignments SET state = 'expired' WHERE id = 'a'")
            .execute(&pool)
            .await
    });
    // Until the revoke has either finished or is waiting for the grant's lock.
    loop {
        let waiting: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)",
        )
        .fetch_one(&database.pool)
        .await
        .expect("locks");
        if waiting || revoke.is_finished() {
            break;
        }
        tokio::task::yield_now().await;
    }
    grant.commit().await.expect("the grant commits");
    revoke
        .await
        .expect("the revoke's task")
        .expect("the revoke commits");
    let members: Vec<(String, String)> =
        sqlx::query_as("SELECT group_id, relation FROM group_members ORDER BY relation")
            .fetch_all(&database.pool)
            .await
            .expect("members");
    assert_eq!(
        members,
        [
            ("g".to_owned(), "members".to_owned()),
            ("g".to_owned(), "owners".to_owned())
        ],
        "the second assignment still grants them"
    );
}
