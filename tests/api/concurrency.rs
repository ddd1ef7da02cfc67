//! SQLite has one writer: concurrent creates must queue, never fail.

use std::collections::HashSet;
use std::time::Instant;

use futures_util::future::join_all;

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
