//! The fixture format: a tenant's state with fixed ids and timestamps, one array per entity
//! set (`{"catalogs": [...], "accessPackages": [...]}`). `--seed FILE` and
//! `POST /_emulator/seed` load it; `GET /_emulator/export` writes it, so state round-trips
//! exactly. Property names are v1.0's, with beta's where v1.0 has none (catalogId,
//! createdBy, modifiedBy); values are stored spellings; every property may be given.
//! Links by reference a client made (an access package's incompatible packages, a
//! connected organization's sponsors, a group's members and owners added by `$ref`) are
//! lists of ids under the navigation's name.

use serde_json::{Map, Value};

use super::{decode, project};
use crate::model::{
    registry, Dialect, EntityType, FixtureRow, Link, Links, Mode, Navigation, Record, Version,
};
use crate::Error;

/// Parses fixture JSON into records, parents' sets first, naming the place of the first
/// problem (`accessPackages[1].displayName: …`).
pub fn parse(bytes: &[u8]) -> Result<Vec<FixtureRow>, Error> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::InvalidFixture(format!("the body is not JSON ({e})")))?;
    let Value::Object(sets) = value else {
        return Err(Error::InvalidFixture(format!(
            "a fixture is a JSON object with {}",
            keys()
        )));
    };
    if let Some(key) = sets
        .keys()
        .find(|key| registry::by_fixture_key(key).is_none())
    {
        return Err(Error::InvalidFixture(format!(
            "{key}: not a set of the fixture format, which has {}",
            keys()
        )));
    }
    let mut rows = Vec::new();
    for entity in registry::ENTITY_TYPES {
        let Some(items) = sets.get(entity.fixture) else {
            continue;
        };
        let Value::Array(items) = items else {
            return Err(Error::InvalidFixture(format!(
                "{}: must be an array",
                entity.fixture
            )));
        };
        for (index, item) in items.iter().enumerate() {
            let at = format!("{}[{index}]", entity.fixture);
            let mut item = item.clone();
            let links = links_of(entity, &at, &mut item)?;
            rows.push(FixtureRow {
                record: row(entity, &at, item)?,
                at,
                links,
            });
        }
    }
    let mut ids = std::collections::HashSet::new();
    for row in &rows {
        if !ids.insert((row.record.entity().table, row.record.id().to_owned())) {
            return Err(Error::InvalidFixture(format!(
                "{}.id: '{}' appears twice",
                row.at,
                row.record.id()
            )));
        }
    }
    Ok(rows)
}

/// The navigations a client links through by reference, in the fixture's names.
fn linking(
    entity: &'static EntityType,
) -> impl Iterator<Item = (&'static str, &'static Navigation)> {
    entity
        .navigations
        .iter()
        .filter_map(|navigation| match navigation.link {
            Link::Linked {
                reverse: false,
                transitive: false,
                ..
            } => navigation
                .name
                .get(Version::V1)
                .map(|name| (name, navigation)),
            _ => None,
        })
}

/// The item's lists of linked ids, taken out of it.
fn links_of(entity: &'static EntityType, at: &str, item: &mut Value) -> Result<Links, Error> {
    let mut links = Vec::new();
    let Some(members) = item.as_object_mut() else {
        return Ok(links);
    };
    for (name, navigation) in linking(entity) {
        let Some(listed) = members.remove(name) else {
            continue;
        };
        let ids = listed
            .as_array()
            .and_then(|ids| {
                ids.iter()
                    .map(|id| id.as_str().map(str::to_owned))
                    .collect()
            })
            .ok_or_else(|| {
                Error::InvalidFixture(format!("{at}.{name}: must be an array of ids"))
            })?;
        links.push((navigation, ids));
    }
    Ok(links)
}

fn row(entity: &'static EntityType, at: &str, item: Value) -> Result<Record, Error> {
    let changes =
        decode(entity, Dialect::Fixture, item, Mode::Create).map_err(|error| match error {
            Error::InvalidModel(details) => {
                let first = details.first();
                Error::InvalidFixture(format!(
                    "{at}.{}: {}",
                    first.map_or("", |d| d.target.as_str()),
                    first.map_or(String::new(), |d| d.message.clone())
                ))
            }
            other => Error::InvalidFixture(format!("{at}: {other}")),
        })?;
    let mut record = Record::fixture(entity, changes).map_err(|(property, problem)| {
        Error::InvalidFixture(format!("{at}.{property}: {problem}"))
    })?;
    record.derive();
    Ok(record)
}

/// Every set's rows in the fixture format, each with the ids it links to.
pub fn export(sets: Vec<(&'static EntityType, Vec<(Record, Links)>)>) -> Value {
    let mut object = Map::new();
    for (entity, records) in sets {
        let rows = records
            .iter()
            .map(|(record, links)| {
                let mut row = project(record, Dialect::Fixture, None);
                for (navigation, ids) in links {
                    if let Some(name) = navigation.name.get(Version::V1) {
                        row.insert(name.to_owned(), Value::from(ids.clone()));
                    }
                }
                Value::Object(row)
            })
            .collect();
        object.insert(entity.fixture.to_owned(), Value::Array(rows));
    }
    Value::Object(object)
}

fn keys() -> String {
    let keys: Vec<&str> = registry::ENTITY_TYPES
        .iter()
        .map(|entity| entity.fixture)
        .collect();
    keys.join(", ")
}
