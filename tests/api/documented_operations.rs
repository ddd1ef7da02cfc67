//! Every operation Microsoft's reference documents for Entitlement Management
//! (`documented_operations.md`) is served in its version, or the table says why not; and
//! what it says is not served is indeed not, so the list cannot go stale either way. The
//! manual's parity map is written from the same rows and what this test saw.

use std::fmt::Write;

use actix_web::http::Method;

use crate::helpers::*;

const OPERATIONS: &str = include_str!("documented_operations.md");

/// One documented operation, and why it is not served where it is not.
struct Row {
    version: String,
    method: String,
    path: String,
    page: String,
    not_served: Option<String>,
}

fn documented() -> Vec<Row> {
    OPERATIONS
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            match cells.as_slice() {
                ["", version @ ("beta" | "v1.0"), method, path, page, why, ""] => Some(Row {
                    version: (*version).to_owned(),
                    method: (*method).to_owned(),
                    path: path.trim_matches('`').to_owned(),
                    page: (*page).to_owned(),
                    not_served: Some((*why).to_owned()).filter(|why| !why.is_empty()),
                }),
                _ => None,
            }
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
    let rows = documented();
    assert!(rows.len() > 150, "{} rows read", rows.len());
    let mut wrong = Vec::new();
    let mut served = 0;
    for row in &rows {
        let (version, method, path) = (&row.version, &row.method, &row.path);
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
        match (unrouted, row.not_served.is_some()) {
            (false, false) => served += 1,
            (true, true) => {}
            (true, false) => wrong.push(format!(
                "not served and no reason given: {version} {method} {path}"
            )),
            (false, true) => wrong.push(format!(
                "served but said not to be: {version} {method} {path}"
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // What this commit serves of the reference's rows.
    assert_eq!((served, rows.len()), (151, 161));
    crate::manual::check(&[(
        crate::manual::docs().join("generated/parity.md"),
        parity(&rows),
    )]);
}

/// `page_examples.md`'s verdicts as (version, page, example, why): "page: …", "emulator: …".
fn verdicts() -> Vec<(String, String, String, String)> {
    crate::page_examples::judged()
        .into_iter()
        .filter_map(|(key, why)| {
            let mut parts = key.splitn(3, ' ');
            let (version, page, example) = (parts.next()?, parts.next()?, parts.next()?);
            Some((
                version.to_owned(),
                page.to_owned(),
                example.trim_start_matches('#').to_owned(),
                why,
            ))
        })
        .collect()
}

/// The parity map: every documented operation, served, emulated (served, with a
/// difference the emulator keeps from the page's example) or not served, and why.
fn parity(rows: &[Row]) -> String {
    let verdicts = verdicts();
    let mut table = String::new();
    let (mut served, mut emulated, mut not_served) = (0, 0, 0);
    for row in rows {
        let on_page = |kind: &str| -> Vec<String> {
            verdicts
                .iter()
                .filter(|(version, page, _, why)| {
                    *version == row.version && *page == row.page && why.starts_with(kind)
                })
                .map(|(_, _, example, why)| {
                    format!("example {example}: {}", why[kind.len()..].trim())
                })
                .collect()
        };
        let (status, mut notes) = match &row.not_served {
            Some(why) => {
                not_served += 1;
                ("not served", vec![why.clone()])
            }
            None => {
                let differs = on_page("emulator:");
                if differs.is_empty() {
                    served += 1;
                    ("served", Vec::new())
                } else {
                    emulated += 1;
                    ("emulated", differs)
                }
            }
        };
        if row.not_served.is_none() {
            notes.extend(
                on_page("page:")
                    .into_iter()
                    .map(|note| format!("the page's {note}")),
            );
        }
        let view = if row.version == "beta" { "beta" } else { "1.0" };
        let _ = writeln!(
            table,
            "| {} | {} | `{}` | [{}](https://learn.microsoft.com/graph/api/{}?view=graph-rest-{view}) | {status} | {} |",
            row.version,
            row.method,
            row.path.replace('|', "\\|"),
            row.page.trim_end_matches(".md"),
            row.page.trim_end_matches(".md"),
            notes.join("; ").replace('|', "\\|"),
        );
    }
    let mut out =
        crate::manual::banner("from tests/api/documented_operations.md and page_examples.md");
    let _ = write!(
        out,
        "\n{} operations: **{served} served**, **{emulated} emulated**, **{not_served} not \
         served**.\n\n\
         | version | method | path | reference page | | notes |\n|---|---|---|---|---|---|\n{table}",
        rows.len()
    );
    out
}
