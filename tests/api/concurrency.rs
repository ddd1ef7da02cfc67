//! SQLite has one writer: concurrent creates must queue, never fail.

use std::collections::HashSet;
use std::time::Instant;

use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn sixty_four_simultaneous_creates_all_succeed() {
    let app = spawn_app().await;

    let started = Instant::now();
    let names: Vec<String> = (0..64).map(|i| format!("package {i}")).collect();
    let responses = join_all(names.iter().map(|name| app.create_beta_package(name))).await;
    let elapsed = started.elapsed();

    let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    assert!(statuses.iter().all(|&s| s == 201), "statuses: {statuses:?}");
    let ids: HashSet<String> = responses
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 64);
    assert_eq!(app.count_rows("access_packages").await, 64);
    eprintln!("64 concurrent creates: 64 x 201, 0 errors, {elapsed:?} in all (debug build)");
}

#[actix_web::test]
async fn concurrent_duplicates_give_one_201_and_the_rest_409() {
    let app = spawn_app().await;

    let responses = join_all((0..16).map(|_| app.create_beta_package("contested"))).await;

    let created = responses
        .iter()
        .filter(|r| r.status.as_u16() == 201)
        .count();
    assert_eq!(created, 1);
    for response in responses.iter().filter(|r| r.status.as_u16() != 201) {
        response.assert_graph_error(409, "DuplicateAccessPackage");
    }
    assert_eq!(app.count_rows("access_packages").await, 1);
}

#[actix_web::test]
async fn reads_are_answered_while_writes_are_queued() {
    let app = spawn_app().await;
    let first = app.create_beta_package("first").await.json();
    let id = first["id"].as_str().unwrap().to_owned();
    let path = format!("{BETA}/accessPackages/{id}");

    let names: Vec<String> = (0..32).map(|i| format!("w{i}")).collect();
    let writes = join_all(names.iter().map(|name| app.create_beta_package(name)));
    let reads = join_all((0..32).map(|_| app.get(&path)));
    let (writes, reads) = futures_util::future::join(writes, reads).await;

    assert!(writes.iter().all(|r| r.status.as_u16() == 201));
    assert!(reads
        .iter()
        .all(|r| r.status.as_u16() == 200 && r.json() == first));
}

/// Creates that arrive together are written together (one statement per batch); a row that
/// cannot go in must fail alone, with its own error, and leave its neighbours stored.
#[actix_web::test]
async fn in_a_batch_of_creates_each_bad_row_fails_alone() {
    let app = spawn_app().await;
    assert_eq!(app.create_beta_package("Taken").await.status.as_u16(), 201);
    let missing = "0b7c2c5e-6d8a-4f5e-9a41-3c1f0d2e9b77";
    let path = format!("{BETA}/accessPackages");
    let (app, path) = (&app, &path);
    let post = |catalog: &str, name: String| {
        let body = json!({ "catalogId": catalog, "displayName": name });
        async move { app.post(path, &body).await }
    };

    let mut requests = Vec::new();
    for i in 0..12 {
        requests.push(("good", post(GENERAL, format!("good {i}"))));
        requests.push(("no catalog", post(missing, format!("orphan {i}"))));
        // Clashes with a stored row, ignoring case.
        requests.push(("taken", post(GENERAL, "TAKEN".to_owned())));
    }
    // Clash with each other only: exactly one of the four wins.
    for _ in 0..4 {
        requests.push(("contested", post(GENERAL, "contested".to_owned())));
    }
    let (kinds, futures): (Vec<_>, Vec<_>) = requests.into_iter().unzip();
    let responses = join_all(futures).await;

    let mut contested_wins = 0;
    for (kind, response) in kinds.iter().zip(&responses) {
        match *kind {
            "good" => {
                assert_eq!(response.status.as_u16(), 201, "{:?}", response.body);
                let stored = app
                    .get(&format!(
                        "{BETA}/accessPackages/{}",
                        response.json()["id"].as_str().unwrap()
                    ))
                    .await;
                assert_eq!(stored.json(), response.json());
            }
            "no catalog" => {
                response.assert_graph_error(404, "ResourceNotFound");
            }
            "taken" => {
                response.assert_graph_error(409, "DuplicateAccessPackage");
            }
            _ if response.status.as_u16() == 201 => contested_wins += 1,
            _ => {
                response.assert_graph_error(409, "DuplicateAccessPackage");
            }
        }
    }
    assert_eq!(contested_wins, 1);
    assert_eq!(app.count_rows("access_packages").await, 1 + 12 + 1);
}
