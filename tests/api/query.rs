//! OData query options on listings: a known data set, every documented filter form, the
//! classic emulator bugs, and `$top` across pages. Generated queries and paging while rows
//! come and go are `query_oracle`'s.

use std::collections::{BTreeSet, HashSet};

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::helpers::*;

/// Five packages in two catalogs, with a null description, quotes and non-ASCII text.
struct DataSet {
    app: TestApp,
    sales: String,
    third_created: String,
}

async fn data_set() -> DataSet {
    let app = spawn_app().await;
    let sales = app
        .post(
            &format!("{BETA}/accessPackageCatalogs"),
            &json!({"displayName": "Sales"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut third_created = String::new();
    for (i, (name, catalog, description, hidden, scopes)) in [
        ("Alpha Team", GENERAL, json!("first"), false, false),
        ("Bob's Package", GENERAL, Value::Null, true, false),
        ("Charlie team", sales.as_str(), json!("third"), false, false),
        (
            "Zürich Office",
            sales.as_str(),
            json!("Ünïcode"),
            false,
            true,
        ),
        ("delta", GENERAL, json!("O'Brien's"), false, false),
    ]
    .into_iter()
    .enumerate()
    {
        let created = app
            .post(
                &format!("{BETA}/accessPackages"),
                &json!({"catalogId": catalog, "displayName": name, "description": description,
                        "isHidden": hidden, "isRoleScopesVisible": scopes}),
            )
            .await;
        created.expect(201);
        if i == 2 {
            third_created = created.json()["createdDateTime"]
                .as_str()
                .unwrap()
                .to_owned();
        }
    }
    DataSet {
        app,
        sales,
        third_created,
    }
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn names(app: &TestApp, base: &str, filter: &str) -> BTreeSet<String> {
    let response = app
        .get(&format!(
            "{base}/accessPackages?$select=displayName&$filter={}",
            encode(filter)
        ))
        .await;
    assert_eq!(
        response.status.as_u16(),
        200,
        "{filter}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["displayName"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn filters_select_exactly_the_expected_packages() {
    let DataSet {
        app,
        sales,
        third_created,
    } = data_set().await;
    let all = [
        "Alpha Team",
        "Bob's Package",
        "Charlie team",
        "Zürich Office",
        "delta",
    ];
    let except = |left_out: &[&str]| {
        all.iter()
            .filter(|n| !left_out.contains(n))
            .copied()
            .collect::<Vec<_>>()
    };

    let cases: Vec<(String, Vec<&str>)> = vec![
        ("displayName eq 'Alpha Team'".into(), vec!["Alpha Team"]),
        ("displayName eq 'alpha TEAM'".into(), vec!["Alpha Team"]),
        ("'Alpha Team' eq displayName".into(), vec!["Alpha Team"]),
        ("DisplayName eq 'delta'".into(), vec!["delta"]),
        ("contains(tolower(displayName),'team')".into(), vec!["Alpha Team", "Charlie team"]),
        ("contains(displayName,'TEAM')".into(), vec!["Alpha Team", "Charlie team"]),
        ("startswith(displayName,'b')".into(), vec!["Bob's Package"]),
        ("endswith(displayName,'office')".into(), vec!["Zürich Office"]),
        ("contains(displayName,'%')".into(), vec![]),
        ("displayName eq 'Bob''s Package'".into(), vec!["Bob's Package"]),
        ("description eq 'O''Brien''s'".into(), vec!["delta"]),
        ("displayName eq 'Zürich Office'".into(), vec!["Zürich Office"]),
        ("description eq 'Ünïcode'".into(), vec!["Zürich Office"]),
        ("toupper(displayName) eq 'DELTA'".into(), vec!["delta"]),
        // Both sides fold alike (ASCII letters only, as SQLite's upper() does the column).
        ("toupper(displayName) eq toupper('Zürich Office')".into(), vec!["Zürich Office"]),
        (format!("accessPackageCatalog/Id eq '{GENERAL}'"), vec!["Alpha Team", "Bob's Package", "delta"]),
        (format!("accessPackageCatalog/id eq {sales}"), vec!["Charlie team", "Zürich Office"]),
        (format!("catalogId eq '{}'", sales.to_uppercase()), vec!["Charlie team", "Zürich Office"]),
        (format!("not (catalogId eq '{GENERAL}')"), vec!["Charlie team", "Zürich Office"]),
        // Null is a value: not(description eq 'first') keeps the package without one.
        ("not (description eq 'first')".into(), except(&["Alpha Team"])),
        ("description eq null".into(), vec!["Bob's Package"]),
        ("description ne null".into(), except(&["Bob's Package"])),
        ("description ne 'first'".into(), except(&["Alpha Team"])),
        ("description gt 'm'".into(), vec!["Charlie team", "Zürich Office", "delta"]),
        ("not (description gt 'm')".into(), vec!["Alpha Team", "Bob's Package"]),
        ("isHidden eq true".into(), vec!["Bob's Package"]),
        ("isHidden".into(), vec!["Bob's Package"]),
        ("not isHidden".into(), except(&["Bob's Package"])),
        ("isHidden eq false and isRoleScopesVisible eq true".into(), vec!["Zürich Office"]),
        ("displayName eq 'Alpha Team' or displayName eq 'delta'".into(), vec!["Alpha Team", "delta"]),
        ("(displayName eq 'Alpha Team' or displayName eq 'Bob''s Package') and isHidden eq false".into(), vec!["Alpha Team"]),
        ("displayName eq 'Alpha Team' or displayName eq 'delta' and isHidden eq true".into(), vec!["Alpha Team"]),
        ("displayName in ('Alpha Team', 'DELTA', 'nope')".into(), vec!["Alpha Team", "delta"]),
        (format!("createdDateTime ge {third_created}"), vec!["Charlie team", "Zürich Office", "delta"]),
        ("createdDateTime lt 2000-01-01T00:00:00Z".into(), vec![]),
        ("createdDateTime gt 2000-01-01T01:00:00+01:00".into(), all.to_vec()),
        ("createdDateTime eq modifiedDateTime".into(), all.to_vec()),
        ("true".into(), all.to_vec()),
    ];
    for (filter, expected) in cases {
        let expected: BTreeSet<String> = expected.into_iter().map(str::to_owned).collect();
        assert_eq!(
            names(&app, BETA, &filter).await,
            expected,
            "$filter={filter}"
        );
    }

    // v1.0 names the catalog `catalog`, and has no catalogId.
    let v1: BTreeSet<String> = ["Charlie team", "Zürich Office"].map(str::to_owned).into();
    assert_eq!(
        names(&app, V1, &format!("catalog/id eq '{sales}'")).await,
        v1
    );
    app.get(&format!(
        "{V1}/accessPackages?$filter={}",
        encode(&format!("catalogId eq '{sales}'"))
    ))
    .await
    .assert_graph_error(400, "BadRequest");
}

#[actix_web::test]
async fn select_expand_orderby_top_skip_and_count() {
    let DataSet { app, .. } = data_set().await;

    let response = app
        .get(&format!("{BETA}/accessPackages?$select=id,displayName&$orderby=displayName%20desc&$top=2&$count=true"))
        .await;
    response.expect(200);
    assert_eq!(response.header("content-type"), ODATA_JSON);
    let body = response.json();
    assert_eq!(
        body["@odata.context"],
        format!("{}/beta/$metadata#identityGovernance/entitlementManagement/accessPackages(id,displayName)", app.address)
    );
    assert_eq!(body["@odata.count"], 5);
    let value = body["value"].as_array().unwrap();
    assert_eq!(value.len(), 2);
    assert_eq!(keys(&value[0]), set(&["id", "displayName"]));
    assert_eq!(value[0]["displayName"], "Zürich Office");
    assert_eq!(value[1]["displayName"], "delta");
    assert!(
        body.get("@odata.nextLink").is_none(),
        "$top is satisfied: {body}"
    );

    // The beta `$` is optional; skip skips.
    let body = app
        .get(&format!(
            "{BETA}/accessPackages?select=displayName&orderby=displayName&skip=3"
        ))
        .await
        .json();
    let names: Vec<_> = body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["displayName"].clone())
        .collect();
    assert_eq!(names, [json!("delta"), json!("Zürich Office")]);
    // v1.0 ignores unprefixed names, as Graph does.
    let body = app.get(&format!("{V1}/accessPackages?top=1")).await.json();
    assert_eq!(body["value"].as_array().unwrap().len(), 5);

    // $expand, with a nested $select.
    let body = app
        .get(&format!(
            "{BETA}/accessPackages?$filter={}&$expand=accessPackageCatalog($select=displayName)",
            encode("displayName eq 'delta'")
        ))
        .await
        .json();
    assert_eq!(
        body["value"][0]["accessPackageCatalog"],
        json!({"displayName": "General"})
    );
    let body = app
        .get(&format!(
            "{V1}/catalogs?$filter={}&$expand=accessPackages($select=displayName)",
            encode("displayName eq 'Sales'")
        ))
        .await
        .json();
    assert_eq!(
        body["value"][0]["accessPackages"],
        json!([{"displayName": "Charlie team"}, {"displayName": "Zürich Office"}])
    );
    assert!(body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/catalogs(accessPackages(displayName))"));

    // $count segments honour $filter and answer plain text.
    let count = app
        .get(&format!(
            "{BETA}/accessPackages/$count?$filter={}",
            encode("isHidden eq false")
        ))
        .await;
    count.expect(200);
    assert!(count.header("content-type").starts_with("text/plain"));
    assert_eq!(&count.body[..], b"4");
    assert_eq!(
        &app.get(&format!("{V1}/catalogs/$count")).await.body[..],
        b"2"
    );

    // $select on a single entity.
    let one = app
        .get(&format!("{V1}/catalogs/{GENERAL}?$select=displayName"))
        .await
        .json();
    assert_eq!(
        one,
        json!({
            "@odata.context": format!("{}/v1.0/$metadata#identityGovernance/entitlementManagement/catalogs(displayName)/$entity", app.address),
            "displayName": "General"
        })
    );
}

#[actix_web::test]
async fn navigation_between_packages_and_catalogs() {
    let DataSet { app, sales, .. } = data_set().await;

    let body = app
        .get(&format!(
            "{BETA}/accessPackageCatalogs/{sales}/accessPackages?$select=displayName"
        ))
        .await
        .json();
    assert_eq!(
        body["@odata.context"],
        format!("{}/beta/$metadata#identityGovernance/entitlementManagement/accessPackageCatalogs('{sales}')/accessPackages(displayName)", app.address)
    );
    assert_eq!(
        body["value"],
        json!([{"displayName": "Charlie team"}, {"displayName": "Zürich Office"}])
    );
    app.get(&format!(
        "{V1}/catalogs/11111111-2222-3333-4444-555555555555/accessPackages"
    ))
    .await
    .assert_graph_error(404, "ResourceNotFound");

    let package = app
        .get(&format!(
            "{BETA}/accessPackages?$filter={}",
            encode("displayName eq 'delta'")
        ))
        .await
        .json()["value"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let beta = app
        .get(&format!(
            "{BETA}/accessPackages/{package}/accessPackageCatalog"
        ))
        .await;
    beta.expect(200);
    assert_eq!(beta.json()["catalogType"], "ServiceDefault");
    assert!(beta.json()["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/accessPackageCatalogs/$entity"));
    let v1 = app
        .get(&format!("{V1}/accessPackages/{package}/catalog"))
        .await
        .json();
    assert_eq!(v1["catalogType"], "serviceDefault");
}

async fn ids_of(response: &TestResponse) -> Vec<String> {
    response.json()["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn create_many(app: &TestApp, prefix: &str, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let names: Vec<String> = (0..count).map(|i| format!("{prefix} {i:04}")).collect();
    for chunk in names.chunks(50) {
        for response in join_all(chunk.iter().map(|name| app.create_beta_package(name))).await {
            response.expect(201);
            ids.push(response.json()["id"].as_str().unwrap().to_owned());
        }
    }
    ids
}

/// Pages through a listing by following `@odata.nextLink` verbatim; returns every id seen,
/// in order, and each page's size and `@odata.count`. (Paging while rows come and go, and
/// paging under generated queries, are `query_oracle`'s.)
async fn page_through(app: &TestApp, first: &str) -> (Vec<String>, Vec<usize>, Vec<Value>) {
    let (mut seen, mut sizes, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    let mut url = format!("{}{first}", app.address);
    loop {
        let response = send(
            awc::Client::default()
                .get(&url)
                .insert_header(("Authorization", BEARER)),
            None,
        )
        .await;
        assert_eq!(
            response.status.as_u16(),
            200,
            "{url}: {}",
            String::from_utf8_lossy(&response.body)
        );
        let ids = ids_of(&response).await;
        sizes.push(ids.len());
        seen.extend(ids);
        let body = response.json();
        counts.push(body["@odata.count"].clone());
        match body["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(
                    next.starts_with("http://127.0.0.1:") && next.contains("$skiptoken="),
                    "{next}"
                );
                url = next.to_owned();
            }
            None => break,
        }
    }
    (seen, sizes, counts)
}

#[actix_web::test]
async fn top_caps_the_total_across_pages() {
    let app = spawn_app().await;
    create_many(&app, "row", 260).await;

    let (seen, sizes, counts) =
        page_through(&app, &format!("{BETA}/accessPackages?$top=250&$count=true")).await;
    assert_eq!(
        sizes,
        [100, 100, 50],
        "pages of odata.max_page_size, then the rest"
    );
    assert_eq!(
        counts,
        [json!(260), json!(260), json!(260)],
        "every page counts all rows"
    );
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 250);
}

/// `$top` and `$skip` go into the SQL text as numbers; the largest a client can send must
/// still be an integer to SQLite.
#[actix_web::test]
async fn the_largest_skip_and_top_answer_an_empty_or_full_page() {
    let app = spawn_app().await;
    app.create_beta_package("only").await;

    let skipped = app
        .get(&format!("{BETA}/accessPackages?$skip=18446744073709551615"))
        .await;
    assert_eq!(skipped.status.as_u16(), 200, "{:?}", skipped.body);
    assert_eq!(skipped.json()["value"], serde_json::json!([]));

    let top = app
        .get(&format!("{BETA}/accessPackages?$top=18446744073709551615"))
        .await;
    assert_eq!(top.status.as_u16(), 200, "{:?}", top.body);
    assert_eq!(top.json()["value"].as_array().map(Vec::len), Some(1));
}

/// Function arguments count towards the nesting limit only while they are parsed: forty
/// calls side by side are not forty levels deep.
#[actix_web::test]
async fn many_function_calls_side_by_side_are_not_deep_nesting() {
    let DataSet { app, .. } = data_set().await;
    let filter = vec!["contains(displayName,'team')"; 40].join(" or ");
    let expected: BTreeSet<String> = ["Alpha Team", "Charlie team"].map(str::to_owned).into();
    assert_eq!(names(&app, BETA, &filter).await, expected);
}
