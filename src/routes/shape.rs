//! Records → the response's JSON: the request's version, `$select`, and `$expand` with
//! its nested options, for any navigation. An expanded collection with nothing in it is
//! `[]` (Terraform fails on a missing one); a missing single entity is `null`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use crate::graph::wire::{project, project_value};
use crate::model::{Link, Record};
use crate::odata::{Scope, Selection};
use crate::repository::Repository;
use crate::Error;

type Shaped<'a> = Pin<Box<dyn Future<Output = Result<Vec<Map<String, Value>>, Error>> + 'a>>;

/// Each record as `scope` writes it, with what `selection` selects and expands.
pub fn shape<'a>(
    repository: &'a Repository,
    scope: Scope,
    records: Vec<Record>,
    selection: &'a Selection,
) -> Shaped<'a> {
    Box::pin(async move {
        let dialect = scope.version.into();
        let mut shaped: Vec<Map<String, Value>> = records
            .iter()
            .map(|record| {
                let mut object = project(record, dialect, selection.select.as_deref());
                for property in &selection.expand_properties {
                    let value =
                        project_value(record, property, record.get(property.column), dialect);
                    object.insert(scope.name_of(property).to_owned(), value);
                }
                object
            })
            .collect();
        for expansion in &selection.expand {
            let navigation = expansion.navigation;
            // For each record, the keys its related rows have in `column`: its foreign
            // key (their id), its own id (their foreign key), or the ids it links to.
            let (column, keys): (&str, Vec<Vec<String>>) = match navigation.link {
                Link::ToOne { fk } => (
                    "id",
                    records
                        .iter()
                        .map(|r| vec![r.text(fk).to_owned()])
                        .collect(),
                ),
                Link::ToMany { fk } => (
                    fk,
                    records.iter().map(|r| vec![r.id().to_owned()]).collect(),
                ),
                Link::Linked { .. } => {
                    let ids: Vec<String> = records.iter().map(|r| r.id().to_owned()).collect();
                    let pairs = repository.link_pairs(navigation, &ids).await?;
                    let linked = ids
                        .iter()
                        .map(|id| {
                            let from_here = pairs.iter().filter(|(from, _)| from == id);
                            from_here.map(|(_, related)| related.clone()).collect()
                        })
                        .collect();
                    ("id", linked)
                }
            };
            let mut wanted: Vec<String> = keys
                .iter()
                .flatten()
                .filter(|k| !k.is_empty())
                .cloned()
                .collect();
            wanted.sort();
            wanted.dedup();
            let mut groups: HashMap<String, Vec<Map<String, Value>>> = HashMap::new();
            for kind in navigation.targets() {
                let related = repository.related(kind, column, &wanted).await?;
                let matched: Vec<String> =
                    related.iter().map(|r| r.text(column).to_owned()).collect();
                let kind_scope = Scope::new(kind, scope.version);
                let embedded = shape(repository, kind_scope, related, &expansion.selection).await?;
                for (key, object) in matched.into_iter().zip(embedded) {
                    let object = match navigation.kinds {
                        // Which kind it is, first, as Graph writes a directory object.
                        Some(_) => {
                            let mut typed = Map::new();
                            typed.insert(
                                "@odata.type".to_owned(),
                                Value::from(format!("#{}", kind.odata_type)),
                            );
                            typed.extend(object);
                            typed
                        }
                        None => object,
                    };
                    groups.entry(key).or_default().push(object);
                }
            }
            for (object, keys) in shaped.iter_mut().zip(&keys) {
                let found = keys.iter().filter_map(|key| groups.get(key));
                let value = match navigation.link {
                    Link::ToOne { .. } => found
                        .flatten()
                        .next()
                        .map_or(Value::Null, |found| Value::Object(found.clone())),
                    Link::ToMany { .. } | Link::Linked { .. } => {
                        Value::Array(found.flatten().cloned().map(Value::Object).collect())
                    }
                };
                object.insert(expansion.name.to_owned(), value);
            }
        }
        Ok(shaped)
    })
}

/// One record, shaped.
pub async fn shape_one(
    repository: &Repository,
    scope: Scope,
    record: Record,
    selection: &Selection,
) -> Result<Map<String, Value>, Error> {
    shape(repository, scope, vec![record], selection)
        .await?
        .pop()
        .ok_or_else(|| Error::internal("a shaped entity went missing"))
}
