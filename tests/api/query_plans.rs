//! The indexed filters and orderings do not scan the table.

use entitlement_emulator::model::access_package::ACCESS_PACKAGE;
use entitlement_emulator::model::Version;
use entitlement_emulator::odata::{filter, Column, Direction, Limits, Scalar, Scope};
use entitlement_emulator::repository::{ListQuery, Repository};

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
