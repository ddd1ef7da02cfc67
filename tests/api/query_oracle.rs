//! A differential oracle for listings: varied rows created over HTTP, then seeded
//! `$filter`/`$orderby`/`$top`/`$skip`/`$count` combinations, every page walked through
//! `@odata.nextLink` and compared, exactly and in order, with the same query evaluated by
//! the test's own small evaluator (`model`) over the rows it inserted. Then the same walk
//! while rows are inserted and deleted between pages: keyset paging, page by page.
//!
//! Seeded: `QUERY_ORACLE_SEED=<n>` runs another seed; without it, the same cases every
//! run. (Ids are the server's random GUIDs, so ties broken by id differ run to run; the
//! oracle reads them from the rows.)

mod churn;
mod directory;
mod generate;
mod model;
mod sets;

use std::collections::HashMap;

use fastrand::Rng;
use serde_json::Value;

use crate::helpers::*;
use generate::Generator;
use model::{evaluate, render, Filter, Prop, Row};
use sets::Listing;

const GENERAL_ID: &str = GENERAL;
/// Small pages, so a few dozen rows give many page boundaries.
const PAGE: u64 = 4;
/// Queries per listing.
const CASES: usize = 60;

fn seed(salt: u64) -> u64 {
    let base = std::env::var("QUERY_ORACLE_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(20_261_201);
    base ^ salt
}

async fn small_pages() -> TestApp {
    spawn_app_with(|settings| settings.odata.max_page_size = PAGE).await
}

/// When each row was made, read from the database: for sets that do not show it.
async fn created_at(app: &TestApp, table: &str) -> HashMap<String, String> {
    let rows = app.column_pairs(table, "id", "created_date_time").await;
    rows.into_iter().collect()
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// One generated request, with what the oracle expects of it.
struct Query {
    filter: Option<Filter>,
    keys: Vec<(Prop, bool)>,
    top: Option<usize>,
    skip: usize,
    count: bool,
    url: String,
}

fn query(generator: &mut Generator<'_>, listing: &Listing) -> Query {
    let filter = (generator.rng.usize(..5) > 0).then(|| {
        let depth = generator.rng.u32(..3);
        generator.filter(depth)
    });
    let order = generator.order();
    let keys = order
        .as_ref()
        .map_or_else(|| listing.default_order.clone(), |order| order.keys.clone());
    let keys = model::Order { keys }.with_id(&sets::id_prop());
    let top = (generator.rng.usize(..3) == 0).then(|| generator.rng.usize(..12));
    let skip = if generator.rng.usize(..5) == 0 {
        generator.rng.usize(1..6)
    } else {
        0
    };
    // The directory's `ne`, `not`, `endsWith` and $filter with $orderby are advanced
    // queries: they need $count=true (and the header `fetch` always sends).
    let directory = ["/users", "/groups", "/servicePrincipals"]
        .iter()
        .any(|set| listing.path.ends_with(set));
    let count = directory || generator.rng.bool();
    let mut options = vec!["$select=id".to_owned()];
    if let Some(filter) = &filter {
        options.push(format!("$filter={}", encode(&render(filter))));
    }
    if let Some(order) = &order {
        let text = generator.order_text(order);
        options.push(format!("$orderby={}", encode(&text)));
    }
    if let Some(top) = top {
        options.push(format!("$top={top}"));
    }
    if skip > 0 {
        options.push(format!("$skip={skip}"));
    }
    if count {
        options.push("$count=true".to_owned());
    }
    generator.rng.shuffle(&mut options);
    Query {
        filter,
        keys,
        top,
        skip,
        count,
        url: format!("{}?{}", listing.path, options.join("&")),
    }
}

fn labels(rows: &[&Row]) -> Vec<String> {
    rows.iter().map(|row| row.label()).collect()
}

fn ids(page: &Value) -> Vec<String> {
    page["value"]
        .as_array()
        .unwrap_or_else(|| panic!("no value: {page}"))
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_owned())
        .collect()
}

async fn fetch(url: &str) -> Value {
    let response = send(
        awc::Client::default()
            .get(url)
            .insert_header(("Authorization", BEARER))
            // The directory counts only in advanced queries; other sets ignore it.
            .insert_header(("ConsistencyLevel", "eventual")),
        None,
    )
    .await;
    assert_eq!(
        response.status.as_u16(),
        200,
        "{url}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

/// Walks every page of `query`, comparing each with the oracle's.
async fn check(app: &TestApp, rows: &[Row], query: &Query, case: &str) {
    let found = evaluate(rows, query.filter.as_ref(), &query.keys);
    let total = found.len();
    let end = query.top.map_or(total, |top| (query.skip + top).min(total));
    let wanted: Vec<&Row> = found
        .get(query.skip.min(total)..end.max(query.skip.min(total)))
        .unwrap_or(&[])
        .to_vec();
    let by_id: HashMap<&str, &Row> = rows.iter().map(|row| (row.id.as_str(), row)).collect();
    let show = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .map(|id| by_id.get(id.as_str()).map_or(id.clone(), |row| row.label()))
            .collect()
    };
    let expected_pages: Vec<&[&Row]> = if wanted.is_empty() {
        vec![&[]]
    } else {
        wanted.chunks(PAGE as usize).collect()
    };
    let mut url = format!("{}{}", app.address, query.url);
    for (number, expected) in expected_pages.iter().enumerate() {
        let page = fetch(&url).await;
        let got = ids(&page);
        let expected_ids: Vec<&str> = expected.iter().map(|row| row.id.as_str()).collect();
        assert!(
            got == expected_ids,
            "{case}: GET {url}\npage {number}: expected {:?}\n             got {:?}\nall expected: {:?}",
            labels(expected),
            show(&got),
            labels(&wanted),
        );
        if query.count {
            assert_eq!(page["@odata.count"], total, "{case}: {url}: @odata.count");
        } else {
            assert!(page.get("@odata.count").is_none(), "{case}: {url}");
        }
        let last = number + 1 == expected_pages.len();
        match page["@odata.nextLink"].as_str() {
            Some(next) if !last => url = next.to_owned(),
            next => assert!(
                next.is_none() && last,
                "{case}: {url}: page {number} of {}, nextLink {next:?}",
                expected_pages.len()
            ),
        }
    }
}

/// Runs the seeded cases against each listing of a set.
async fn run(app: &TestApp, rows: &[Row], listings: &[Listing], salt: u64) {
    for (index, listing) in listings.iter().enumerate() {
        let seed = seed(salt + index as u64);
        let mut generator = Generator {
            rng: Rng::with_seed(seed),
            props: &listing.props,
            rows,
        };
        for case in 0..CASES {
            let query = query(&mut generator, listing);
            let name = format!("seed {seed} case {case}");
            check(app, rows, &query, &name).await;
        }
    }
}

#[actix_web::test]
async fn users_list_as_the_oracle_says() {
    let app = small_pages().await;
    let mut rng = Rng::with_seed(seed(1));
    let (rows, listings) = directory::users(&app, &mut rng, 30).await;
    run(&app, &rows, &listings, 10).await;
}

#[actix_web::test]
async fn groups_and_service_principals_list_as_the_oracle_says() {
    let app = small_pages().await;
    let mut rng = Rng::with_seed(seed(2));
    let (rows, listings) = directory::groups(&app, &mut rng, 30).await;
    run(&app, &rows, &listings, 20).await;
    let (rows, listings) = directory::service_principals(&app, &mut rng, 24).await;
    run(&app, &rows, &listings, 30).await;
}

#[actix_web::test]
async fn catalogs_list_as_the_oracle_says() {
    let app = small_pages().await;
    let mut rng = Rng::with_seed(seed(3));
    let (rows, listings) = sets::catalogs(&app, &mut rng, 24).await;
    run(&app, &rows, &listings, 40).await;
}

#[actix_web::test]
async fn access_packages_and_policies_list_as_the_oracle_says() {
    let app = small_pages().await;
    let mut rng = Rng::with_seed(seed(4));
    let (catalogs, _) = sets::catalogs(&app, &mut rng, 3).await;
    let (packages, listings) = sets::access_packages(&app, &mut rng, &catalogs, 30).await;
    run(&app, &packages, &listings, 50).await;
    let (policies, listings) = sets::assignment_policies(&app, &mut rng, &packages, 24).await;
    run(&app, &policies, &listings, 60).await;
}
