//! The fixture format: a tenant's state with fixed ids and timestamps, one array per entity
//! set (`{"catalogs": [...], "accessPackages": [...]}`). `--seed FILE` and
//! `POST /_emulator/seed` load it; `GET /_emulator/export` writes it, so state round-trips
//! exactly. Property names are v1.0's, with beta's where v1.0 has none (catalogId,
//! createdBy, modifiedBy); values are stored spellings; every property may be given.

use serde_json::{Map, Value};

use super::{decode, project};
use crate::model::{registry, Dialect, EntityType, FixtureRow, Mode, Record};
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
            rows.push(FixtureRow {
                record: row(entity, &at, item.clone())?,
                at,
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
    Record::fixture(entity, changes)
        .map_err(|(property, problem)| Error::InvalidFixture(format!("{at}.{property}: {problem}")))
}

/// Every set's rows in the fixture format.
pub fn export(sets: Vec<(&'static EntityType, Vec<Record>)>) -> Value {
    let mut object = Map::new();
    for (entity, records) in sets {
        let rows = records
            .iter()
            .map(|record| Value::Object(project(record, Dialect::Fixture, None)))
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
