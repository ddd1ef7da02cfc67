//! The indexed filters and orderings do not scan the table.

use entitlement_emulator::model::access_package::ACCESS_PACKAGE;
use entitlement_emulator::model::assignment::ASSIGNMENT;
use entitlement_emulator::model::assignment_policy::ASSIGNMENT_POLICY;
use entitlement_emulator::model::assignment_request::ASSIGNMENT_REQUEST;
use entitlement_emulator::model::catalog::CATALOG;
use entitlement_emulator::model::connected_organization::CONNECTED_ORGANIZATION;
use entitlement_emulator::model::directory::{GROUP, USER};
use entitlement_emulator::model::resources::{RESOURCE, ROLE};
use entitlement_emulator::model::role_management::{ROLE_ASSIGNMENT, ROLE_DEFINITION};
use entitlement_emulator::model::{EntityType, Version};
use entitlement_emulator::odata::{
    filter, Column, Direction, Limits, ODataQuery, ODataSettings, Scalar, Scope,
};
use entitlement_emulator::repository::{ListQuery, Repository, Within};

use crate::helpers::*;

async fn plan(
    repository: &Repository,
    text: Option<&str>,
    order: &[(Column, Direction)],
    after: bool,
) -> String {
    let limits = Limits {
        max_depth: 32,
        max_nodes: 256,
    };
    let scope = Scope::new(&ACCESS_PACKAGE, Version::Beta);
    let parsed = text.map(|text| filter::parse(text, scope, limits).expect("parses"));
    let after_values: Vec<_> = order.iter().map(|_| Scalar::Text("x".into())).collect();
    let plan = repository
        .explain_list(
            &ACCESS_PACKAGE,
            &ListQuery {
                filter: parsed.as_ref(),
                scope: None,
                order,
                after: after.then_some(after_values.as_slice()),
                skip: 0,
                limit: 100,
            },
        )
        .await
        .expect("explains");
    plan.join(" | ")
}

#[actix_web::test]
async fn indexed_filters_and_orders_search_instead_of_scanning() {
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(dir.path());
    let repository = Repository::open(&settings.database).await.unwrap();
    let column = |name: &str| {
        let (_, property) = ACCESS_PACKAGE.column(name).expect("a declared column");
        Column::own(property)
    };
    let default_order = [
        (column("created_date_time"), Direction::Ascending),
        (column("id"), Direction::Ascending),
    ];
    let by_name = [
        (column("display_name"), Direction::Ascending),
        (column("id"), Direction::Ascending),
    ];

    let cases = [
        (
            "displayName eq",
            plan(
                &repository,
                Some("displayName eq 'sales reps'"),
                &default_order,
                false,
            )
            .await,
        ),
        (
            "catalog filter",
            plan(
                &repository,
                Some(&format!("accessPackageCatalog/id eq '{GENERAL}'")),
                &default_order,
                false,
            )
            .await,
        ),
        (
            "default order",
            plan(&repository, None, &default_order, false).await,
        ),
        (
            "default order, next page",
            plan(&repository, None, &default_order, true).await,
        ),
        (
            "$orderby displayName",
            plan(&repository, None, &by_name, false).await,
        ),
        (
            "$orderby displayName, next page",
            plan(&repository, None, &by_name, true).await,
        ),
    ];
    for (name, plan) in &cases {
        eprintln!("{name}: {plan}");
        assert!(
            plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"),
            "{name}: {plan}"
        );
    }
    // Filters look rows up; orderings read an index in order and stop at the page's end.
    assert!(cases[0].1.starts_with("SEARCH"), "{}", cases[0].1);
    assert!(cases[1].1.starts_with("SEARCH"), "{}", cases[1].1);
    // The default order resumes with an index range: later pages cost what the first does.
    assert!(cases[3].1.starts_with("SEARCH"), "{}", cases[3].1);
    for (name, plan) in &cases[2..] {
        assert!(
            !plan.contains("TEMP B-TREE"),
            "{name} sorts in memory: {plan}"
        );
    }

    // A pattern match cannot be looked up; walking the creation-order index would read every
    // row to fill a page of rare matches. It must filter first (on the name index, which
    // holds the name) and sort only the matches.
    let contains = plan(
        &repository,
        Some("contains(displayName,'12345')"),
        &default_order,
        false,
    )
    .await;
    eprintln!("contains: {contains}");
    assert!(
        !contains.contains("USING INDEX access_packages_created"),
        "{contains}"
    );
    repository.close().await;
}

/// The plan of a listing as a route asks for it: the query string parsed as a request's is,
/// the entity's default order, a page of 100.
async fn route_plan(
    repository: &Repository,
    entity: &'static EntityType,
    version: Version,
    scope: Option<Within<'_>>,
    query: &str,
) -> String {
    let settings = ODataSettings {
        max_page_size: 100,
        limits: Limits {
            max_depth: 32,
            max_nodes: 256,
        },
        max_query_length: 4096,
    };
    let options = ODataQuery::parse(query, settings, version)
        .and_then(|parsed| parsed.list_options(Scope::new(entity, version)))
        .unwrap_or_else(|error| panic!("{query}: {error:?}"));
    let plan = repository
        .explain_list(
            entity,
            &ListQuery {
                filter: options.filter.as_ref(),
                scope,
                order: &options.order,
                after: None,
                skip: 0,
                limit: 101,
            },
        )
        .await
        .expect("explains");
    plan.join(" | ")
}

/// Every `$filter` form the reference pages and real clients send (Terraform azuread,
/// Microsoft365DSC, the PowerShell module, the tutorials: shared/reference/elm-clients.md)
/// finds its rows through an index: none reads a whole table that grows with use. A
/// filter on a property of a single-valued navigation (`target/objectId`) looks the
/// related rows up first, then this table's rows by their key.
#[actix_web::test]
async fn the_filters_real_clients_send_never_scan_a_growing_table() {
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(dir.path());
    let repository = Repository::open(&settings.database).await.unwrap();
    let id = "4a7c2bde-6d52-4c7a-9a3b-1f1e2d3c4b5a";
    let (beta, v1) = (Version::Beta, Version::V1);
    let in_catalog = Some(Within::Column("catalog_id", GENERAL));
    let cases: Vec<(&'static EntityType, Version, Option<Within<'_>>, String)> = vec![
        (&CATALOG, beta, None, "$filter=displayName eq 'General'".into()),
        (&CATALOG, v1, None, "$filter=(displayName eq 'General')".into()),
        (&CATALOG, beta, None, "$filter=DisplayName eq 'Marketing'".into()),
        (&ACCESS_PACKAGE, beta, None, "$filter=displayName eq 'Sales reps'".into()),
        (&ACCESS_PACKAGE, v1, None, format!("$filter=catalog/id eq '{id}'")),
        (&RESOURCE, beta, in_catalog, format!("$filter=originId eq '{id}'")),
        (&RESOURCE, beta, in_catalog, format!("$filter=startswith(originId, '{id}')")),
        (&RESOURCE, beta, in_catalog, "$filter=DisplayName eq 'Marketing resources'".into()),
        (&RESOURCE, beta, in_catalog, format!("$filter=Id eq '{id}'")),
        (&RESOURCE, v1, in_catalog, format!("$filter=originId eq '{id}'&$expand=scopes")),
        (&ROLE, beta, in_catalog, format!(
            "$filter=(originSystem eq 'AadGroup' and accessPackageResource/id eq '{id}' and displayname eq 'Member')")),
        (&ROLE, v1, in_catalog, format!(
            "$filter=(originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '{id}')&$expand=resource")),
        (&ROLE_DEFINITION, beta, None, "$filter=displayName eq 'Catalog owner'".into()),
        (&ROLE_ASSIGNMENT, beta, None, format!(
            "$filter=PrincipalId eq '{id}' and RoleDefinitionId eq 'ae79f266-94d4-4dab-b730-feca7e132178'")),
        (&ASSIGNMENT_POLICY, beta, None, "$filter=displayName eq 'Internal users'".into()),
        (&ASSIGNMENT_POLICY, beta, None, format!("$filter=(accessPackage/id eq '{id}')")),
        (&ASSIGNMENT, beta, None, format!("$filter=(accessPackage/id eq '{id}')")),
        (&ASSIGNMENT, beta, None, format!("$filter=accessPackageAssignmentPolicy/Id eq '{id}'&$expand=target")),
        (&ASSIGNMENT, v1, None, format!("$filter=target/objectId eq '{id}'")),
        (&ASSIGNMENT, v1, None, format!("$filter=accessPackage/id eq '{id}' and target/objectId eq '{id}'")),
        (&ASSIGNMENT_REQUEST, v1, None, format!("$filter=accessPackage/id eq '{id}'")),
        (&ASSIGNMENT_REQUEST, v1, None, format!("$filter=requestor/objectId eq '{id}'")),
        (&CONNECTED_ORGANIZATION, v1, None, "$filter=displayName eq 'Contoso'".into()),
        (&USER, v1, None, "$filter=userPrincipalName eq 'megan@contoso.com'".into()),
        (&GROUP, v1, None, "$filter=displayName eq 'Sales'".into()),
    ];
    let mut scans = Vec::new();
    for (entity, version, scope, query) in cases {
        let plan = route_plan(&repository, entity, version, scope, &query).await;
        eprintln!("{} {query}: {plan}", entity.table);
        // The entity's own table must be searched (by an index), never scanned.
        let searched = plan
            .split(" | ")
            .any(|step| step.starts_with(&format!("SEARCH {} ", entity.table)));
        if !searched {
            scans.push(format!("{} {query}: {plan}", entity.table));
        }
    }
    assert!(scans.is_empty(), "scans:\n{}", scans.join("\n"));

    // One package's assignments and requests, and one policy's, are read in their default
    // order off an index: a page costs the same with 5 rows in the package as with 20,000.
    let ordered = [
        (
            &ASSIGNMENT,
            format!("$filter=accessPackage/id eq '{id}'&$top=5"),
        ),
        (
            &ASSIGNMENT,
            format!("$filter=assignmentPolicy/id eq '{id}'&$top=5"),
        ),
        (
            &ASSIGNMENT_REQUEST,
            format!("$filter=accessPackage/id eq '{id}'&$top=5"),
        ),
    ];
    for (entity, query) in ordered {
        let plan = route_plan(&repository, entity, v1, None, &query).await;
        assert!(
            !plan.contains("TEMP B-TREE"),
            "{} {query}: {plan}",
            entity.table
        );
    }
    repository.close().await;
}

/// Deleting a row makes SQLite look for the rows whose foreign keys still name it, and a
/// write looks rows up by their keys: each such column leads an index, or every delete of
/// a catalog would read every assignment, request and policy.
#[actix_web::test]
async fn every_foreign_key_leads_an_index() {
    // SQLite's own foreign key list, read from its file.
    let app = spawn_app_on_sqlite().await;
    let mut connection = read_only(&app.database_path()).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    let mut unindexed = Vec::new();
    for table in &tables {
        // The first column of every index, the primary key's included.
        let leading: Vec<String> = sqlx::query_scalar(
            "SELECT (SELECT name FROM pragma_index_info(l.name) WHERE seqno = 0)
               FROM pragma_index_list(?1) AS l",
        )
        .bind(table)
        .fetch_all(&mut connection)
        .await
        .unwrap();
        let keys: Vec<(String, String)> =
            sqlx::query_as(r#"SELECT "from", "table" FROM pragma_foreign_key_list(?1)"#)
                .bind(table)
                .fetch_all(&mut connection)
                .await
                .unwrap();
        for (column, parent) in keys {
            if !leading.contains(&column) {
                unindexed.push(format!("{table}.{column} -> {parent}"));
            }
        }
    }
    assert!(unindexed.len() < tables.len(), "the pragmas answered");
    assert!(
        unindexed.is_empty(),
        "foreign keys no index leads: {unindexed:?}"
    );
}

/// After every write the lifecycle asks when its next work falls due; each part of that
/// question must read an index (a min over it), or every write costs more as requests,
/// assignments and subjects pile up.
#[actix_web::test]
async fn the_next_due_time_is_read_off_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(dir.path());
    let repository = Repository::open(&settings.database).await.unwrap();
    let plan = repository.explain_next_due().await.expect("explains");
    eprintln!("{}", plan.join(" | "));
    for table in ["assignment_requests", "assignments", "subjects"] {
        let step = plan
            .iter()
            .find(|step| {
                step.starts_with(&format!("SEARCH {table} "))
                    || step.ends_with(&format!(" {table}"))
            })
            .unwrap_or_else(|| panic!("{table} is not read: {plan:?}"));
        assert!(step.contains("INDEX"), "{table}: {step}");
    }
    repository.close().await;
}
