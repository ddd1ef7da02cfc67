//! Keyset paging while rows come and go (docs/src/query-options.md: "rows inserted or deleted between pages
//! are neither repeated nor skipped"). Between every two pages the test deletes a row the
//! walk has already passed (an OFFSET cursor would then skip one), deletes one it has not
//! reached, and creates two more. Each page must be exactly the first rows after the
//! previous page's last one, in the data as it is when the page is asked for; at the end,
//! every row that existed throughout appears once, in order.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use fastrand::Rng;

use super::model::{compare_rows, evaluate, render, Filter, Order, Prop, Row};
use super::sets::{self, TEXTS};
use super::{encode, fetch, ids, labels, small_pages, PAGE};
use crate::helpers::*;

struct Packages {
    catalogs: Vec<Row>,
    live: Vec<Row>,
    /// Every row ever made, for failure messages.
    made: HashMap<String, Row>,
    /// (catalog, name folded): the emulator's unique key.
    taken: HashSet<(String, String)>,
}

impl Packages {
    async fn add(&mut self, app: &TestApp, rng: &mut Rng) -> Row {
        loop {
            let catalog = &self.catalogs[rng.usize(..self.catalogs.len())];
            let name = TEXTS[rng.usize(..TEXTS.len())];
            if self
                .taken
                .insert((catalog.id.clone(), name.to_ascii_lowercase()))
            {
                let row = sets::create_package(app, rng, catalog, name).await;
                self.live.push(row.clone());
                self.made.insert(row.id.clone(), row.clone());
                return row;
            }
        }
    }

    async fn delete(&mut self, app: &TestApp, id: &str) {
        let position = self.live.iter().position(|row| row.id == id).expect("live");
        let row = self.live.remove(position);
        let response = app.delete(&format!("{BETA}/accessPackages/{id}")).await;
        assert_eq!(response.status.as_u16(), 204, "{id} is deleted");
        self.taken.remove(&(
            row.get("catalogId").as_str().unwrap_or_default().to_owned(),
            row.get("displayName")
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase(),
        ));
    }
}

fn key(props: &[Prop], name: &str, descending: bool) -> (Prop, bool) {
    let prop = props
        .iter()
        .find(|prop| prop.name == name)
        .unwrap_or_else(|| panic!("{name} is declared"))
        .clone();
    (prop, descending)
}

#[actix_web::test]
async fn keyset_pages_neither_repeat_nor_skip_rows_while_others_come_and_go() {
    let app = small_pages().await;
    let mut rng = Rng::with_seed(super::seed(7));
    let (catalogs, _) = sets::catalogs(&app, &mut rng, 2).await;
    let (_, listings) = sets::access_packages(&app, &mut rng, &catalogs, 0).await;
    let listing = &listings[0];
    let props = &listing.props;
    let mut packages = Packages {
        catalogs,
        live: Vec::new(),
        made: HashMap::new(),
        taken: HashSet::new(),
    };
    for _ in 0..24 {
        packages.add(&app, &mut rng).await;
    }
    let orders: Vec<(&str, Vec<(Prop, bool)>)> = vec![
        ("", listing.default_order.clone()),
        ("displayName desc", vec![key(props, "displayName", true)]),
        (
            "isHidden,displayName desc",
            vec![
                key(props, "isHidden", false),
                key(props, "displayName", true),
            ],
        ),
        ("description", vec![key(props, "description", false)]),
        (
            "catalogId,createdDateTime desc",
            vec![
                key(props, "catalogId", false),
                key(props, "createdDateTime", true),
            ],
        ),
        ("id desc", vec![key(props, "id", true)]),
    ];
    let not_hidden = Filter::Compare(
        super::model::Term::Prop(key(props, "isHidden", false).0),
        super::model::Op::Eq,
        super::model::Term::Lit(super::model::Lit::Bool(false)),
    );
    for (index, (order, keys)) in orders.into_iter().enumerate() {
        let filter = (index % 2 == 1).then(|| not_hidden.clone());
        let keys = Order { keys }.with_id(&sets::id_prop());
        let mut url = format!("{}{}?$select=id", app.address, listing.path);
        if !order.is_empty() {
            url.push_str(&format!("&$orderby={}", encode(order)));
        }
        if let Some(filter) = &filter {
            url.push_str(&format!("&$filter={}", encode(&render(filter))));
        }
        let first = packages.live.clone();
        let mut deleted: HashSet<String> = HashSet::new();
        let mut seen: Vec<String> = Vec::new();
        let mut cursor: Option<Row> = None;
        for number in 0.. {
            let after: Vec<&Row> = evaluate(&packages.live, filter.as_ref(), &keys)
                .into_iter()
                .filter(|row| {
                    cursor
                        .as_ref()
                        .is_none_or(|c| compare_rows(&keys, row, c) == Ordering::Greater)
                })
                .collect();
            let expected = &after[..after.len().min(PAGE as usize)];
            let page = fetch(&url).await;
            let got = ids(&page);
            let expected_ids: Vec<&str> = expected.iter().map(|row| row.id.as_str()).collect();
            assert!(
                got == expected_ids,
                "$orderby={order:?}, page {number}: GET {url}\nexpected {:?}\n     got {:?}",
                labels(expected),
                got.iter()
                    .map(|id| packages.made.get(id).map_or(id.clone(), Row::label))
                    .collect::<Vec<_>>(),
            );
            let more = after.len() > PAGE as usize;
            assert_eq!(
                page["@odata.nextLink"].is_string(),
                more,
                "{url}: a next page iff more rows follow"
            );
            seen.extend(got);
            let Some(next) = page["@odata.nextLink"].as_str() else {
                break;
            };
            url = next.to_owned();
            cursor = expected.last().map(|row| (*row).clone());
            // A row already passed (possibly the cursor's own), and one not yet reached.
            let passed: Vec<String> = packages
                .live
                .iter()
                .filter(|row| seen.contains(&row.id))
                .map(|row| row.id.clone())
                .collect();
            let ahead: Vec<String> = after[expected.len()..]
                .iter()
                .map(|row| row.id.clone())
                .collect();
            for pool in [passed, ahead] {
                if !pool.is_empty() {
                    let id = pool[rng.usize(..pool.len())].clone();
                    packages.delete(&app, &id).await;
                    deleted.insert(id);
                }
            }
            for _ in 0..2 {
                packages.add(&app, &mut rng).await;
            }
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(
            unique.len(),
            seen.len(),
            "no row twice ($orderby={order:?})"
        );
        let stable: Vec<&Row> = evaluate(&first, filter.as_ref(), &keys)
            .into_iter()
            .filter(|row| !deleted.contains(&row.id))
            .collect();
        let stable_ids: HashSet<&str> = stable.iter().map(|row| row.id.as_str()).collect();
        let seen_stable: Vec<&String> = seen
            .iter()
            .filter(|id| stable_ids.contains(id.as_str()))
            .collect();
        let expected: Vec<&String> = stable.iter().map(|row| &row.id).collect();
        assert_eq!(
            seen_stable, expected,
            "every row that was there throughout, once and in order ($orderby={order:?})"
        );
    }
}
