//! Every operation Microsoft's reference documents for Entitlement Management
//! (`documented_operations.md`) is served in its version, or README lists it under "Not
//! served" with the reason; and what README lists is indeed not served, so the list
//! cannot go stale either way.

use actix_web::http::Method;

use crate::helpers::*;

const OPERATIONS: &str = include_str!("documented_operations.md");
const README: &str = include_str!("../../README.md");

/// (version, method, path) of each documented row.
fn documented() -> Vec<(String, String, String)> {
    OPERATIONS
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            match cells.as_slice() {
                ["", version @ ("beta" | "v1.0"), method, path, _, ""] => Some((
                    (*version).to_owned(),
                    (*method).to_owned(),
                    path.trim_matches('`').to_owned(),
                )),
                _ => None,
            }
        })
        .collect()
}

/// README's "Not served" list: "- `v1.0 GET /identityGovernance/…`: why".
fn not_served() -> Vec<String> {
    let section = README
        .split("\n### Not served\n")
        .nth(1)
        .expect("README has a \"Not served\" section");
    section
        .lines()
        .take_while(|line| !line.starts_with('#'))
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|line| {
            line.split_once('`')
                .map(|(operation, _)| operation.to_owned())
        })
        .collect()
}

/// The documented path as a client would send it: ids and parameters filled in.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |end| start + end + 1);
        out.push_str(match &rest[start..end] {
            "{on}" => "target",
            _ => "00000000-0000-0000-0000-0000000000a1",
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
    // One page quotes its arguments with backticks.
    out.replace('`', "'").replace(' ', "%20")
}

#[actix_web::test]
async fn every_documented_operation_is_served_or_said_not_to_be() {
    let app = spawn_app().await;
    let listed = not_served();
    let rows = documented();
    assert!(rows.len() > 150, "{} rows read", rows.len());
    let mut wrong = Vec::new();
    let mut served = 0;
    for (version, method, path) in &rows {
        let url = format!("/{version}{}", concrete(path));
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let response = send(
            app.request(method.clone(), &url)
                .insert_header(("Content-Type", "application/json")),
            Some("{}".into()),
        )
        .await;
        let status = response.status.as_u16();
        // The router's answers for what it does not serve: 405, or 400 naming a segment;
        // and 404 where the path names no id that could be missing (a function name taken
        // for an id: `accessPackages/filterByCurrentUser(…)` read as `accessPackages/{id}`).
        let unrouted = status == 405
            || (status == 404 && !path.contains('{'))
            || (status == 400
                && response.json()["error"]["message"]
                    .as_str()
                    .is_some_and(|message| message.contains("segment")));
        let said = listed.contains(&format!("{version} {method} {path}"));
        match (unrouted, said) {
            (false, false) => served += 1,
            (true, true) => {}
            (true, false) => wrong.push(format!(
                "not served and not listed: {version} {method} {path}"
            )),
            (false, true) => wrong.push(format!(
                "served but listed as not: {version} {method} {path}"
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        listed.len(),
        rows.len() - served,
        "README lists rows the reference lacks"
    );
    // What this commit serves of the reference's rows.
    assert_eq!((served, rows.len()), (151, 161));
}
