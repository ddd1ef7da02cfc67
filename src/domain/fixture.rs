//! The fixture format: a tenant's catalogs and access packages with fixed ids and
//! timestamps. `--seed FILE` and `POST /_emulator/seed` load it; `GET /_emulator/export`
//! writes it, so state round-trips exactly.
//!
//! Property names and enum spellings are v1.0's, with beta's audit fields (createdBy,
//! modifiedBy) and catalogId, so one file holds everything either version shows.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::catalog::GENERAL_ID;
use super::validation::canonical_guid;
use super::{timestamp, AccessPackage, Catalog, CatalogState, CatalogType};
use crate::Error;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fixture {
    #[serde(default)]
    pub catalogs: Vec<FixtureCatalog>,
    #[serde(default)]
    pub access_packages: Vec<FixtureAccessPackage>,
}

/// Only `id` and `displayName` are required; the rest default as a create would, with
/// timestamps of the moment of loading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixtureCatalog {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub catalog_type: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub is_externally_visible: Option<bool>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub created_date_time: Option<String>,
    #[serde(default)]
    pub modified_by: Option<String>,
    #[serde(default)]
    pub modified_date_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixtureAccessPackage {
    pub id: String,
    pub catalog_id: String,
    pub display_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_hidden: Option<bool>,
    #[serde(default)]
    pub is_role_scopes_visible: Option<bool>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub created_date_time: Option<String>,
    #[serde(default)]
    pub modified_by: Option<String>,
    #[serde(default)]
    pub modified_date_time: Option<String>,
}

/// A fixture checked whole: rows ready to write.
#[derive(Debug, Clone, Default)]
pub struct ValidFixture {
    pub catalogs: Vec<Catalog>,
    pub access_packages: Vec<AccessPackage>,
}

impl Fixture {
    /// Parses fixture JSON, naming the path of the first problem.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::InvalidFixture(format!("the body is not JSON ({e})")))?;
        // serde would take an array as a struct's fields in order.
        if !value.is_object() {
            return Err(Error::InvalidFixture(
                "a fixture is a JSON object with catalogs and accessPackages".to_owned(),
            ));
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            Error::InvalidFixture(if path == "." {
                e.inner().to_string()
            } else {
                format!("{path}: {}", e.inner())
            })
        })
    }

    /// Checks every row. `known_catalogs` are catalog ids that exist besides the
    /// fixture's own (the built-in one; in merge mode, the stored ones).
    pub fn validate(self, known_catalogs: &HashSet<String>) -> Result<ValidFixture, Error> {
        let now = timestamp::now();
        let mut ids = HashSet::new();
        let mut catalogs = Vec::with_capacity(self.catalogs.len());
        for (index, catalog) in self.catalogs.into_iter().enumerate() {
            let at = |property: &str| format!("catalogs[{index}].{property}");
            let id = guid(&catalog.id, &at("id"))?;
            if !ids.insert(id.clone()) {
                return Err(invalid(&at("id"), format!("'{id}' appears twice")));
            }
            let builtin = id == GENERAL_ID;
            let catalog_type = match catalog.catalog_type {
                None if builtin => CatalogType::ServiceDefault,
                None => CatalogType::UserManaged,
                Some(text) => match CatalogType::parse(&text) {
                    // The built-in catalog stays built in (and undeletable).
                    Some(kind) if builtin && kind != CatalogType::ServiceDefault => {
                        return Err(invalid(
                            &at("catalogType"),
                            "the built-in General catalog is always serviceDefault".to_owned(),
                        ))
                    }
                    Some(CatalogType::ServiceDefault) if !builtin => {
                        return Err(invalid(
                            &at("catalogType"),
                            "serviceDefault belongs to the built-in catalog alone".to_owned(),
                        ))
                    }
                    Some(kind) => kind,
                    None => {
                        return Err(invalid(
                            &at("catalogType"),
                            format!(
                                "'{text}' is not userManaged, serviceDefault or serviceManaged"
                            ),
                        ))
                    }
                },
            };
            let state = match catalog.state {
                None => CatalogState::Published,
                Some(text) => CatalogState::parse(&text).ok_or_else(|| {
                    invalid(
                        &at("state"),
                        format!("'{text}' is not published or unpublished"),
                    )
                })?,
            };
            let created = instant(catalog.created_date_time, &at("createdDateTime"), &now)?;
            catalogs.push(Catalog {
                id,
                display_name: name(catalog.display_name, &at("displayName"))?,
                description: catalog.description,
                catalog_type,
                state,
                is_externally_visible: catalog.is_externally_visible.unwrap_or(false),
                created_by: catalog.created_by,
                modified_by: catalog.modified_by,
                modified_date_time: instant(
                    catalog.modified_date_time,
                    &at("modifiedDateTime"),
                    &created,
                )?,
                created_date_time: created,
            });
        }

        let mut names: HashMap<(String, String), usize> = HashMap::new();
        let mut access_packages = Vec::with_capacity(self.access_packages.len());
        for (index, package) in self.access_packages.into_iter().enumerate() {
            let at = |property: &str| format!("accessPackages[{index}].{property}");
            let id = guid(&package.id, &at("id"))?;
            if !ids.insert(id.clone()) {
                return Err(invalid(&at("id"), format!("'{id}' appears twice")));
            }
            let catalog_id = guid(&package.catalog_id, &at("catalogId"))?;
            if !known_catalogs.contains(&catalog_id)
                && !catalogs.iter().any(|catalog| catalog.id == catalog_id)
            {
                return Err(invalid(
                    &at("catalogId"),
                    format!("no catalog with id '{catalog_id}' in the fixture or the emulator"),
                ));
            }
            let display_name = name(package.display_name, &at("displayName"))?;
            // The same rule as the unique index: one name per catalog, ASCII case folded.
            let key = (catalog_id.clone(), display_name.to_ascii_lowercase());
            if let Some(first) = names.insert(key, index) {
                return Err(invalid(
                    &at("displayName"),
                    format!(
                        "accessPackages[{first}] already has the name \"{display_name}\" in catalog '{catalog_id}'"
                    ),
                ));
            }
            let created = instant(package.created_date_time, &at("createdDateTime"), &now)?;
            access_packages.push(AccessPackage {
                id,
                catalog_id,
                display_name,
                description: package.description,
                is_hidden: package.is_hidden.unwrap_or(false),
                is_role_scopes_visible: package.is_role_scopes_visible.unwrap_or(false),
                created_by: package.created_by,
                modified_by: package.modified_by,
                modified_date_time: instant(
                    package.modified_date_time,
                    &at("modifiedDateTime"),
                    &created,
                )?,
                created_date_time: created,
            });
        }
        Ok(ValidFixture {
            catalogs,
            access_packages,
        })
    }
}

impl From<Catalog> for FixtureCatalog {
    fn from(row: Catalog) -> Self {
        Self {
            id: row.id,
            display_name: row.display_name,
            description: row.description,
            catalog_type: Some(row.catalog_type.v1_name().to_owned()),
            state: Some(row.state.v1_name().to_owned()),
            is_externally_visible: Some(row.is_externally_visible),
            created_by: row.created_by,
            created_date_time: Some(row.created_date_time),
            modified_by: row.modified_by,
            modified_date_time: Some(row.modified_date_time),
        }
    }
}

impl From<AccessPackage> for FixtureAccessPackage {
    fn from(row: AccessPackage) -> Self {
        Self {
            id: row.id,
            catalog_id: row.catalog_id,
            display_name: row.display_name,
            description: row.description,
            is_hidden: Some(row.is_hidden),
            is_role_scopes_visible: Some(row.is_role_scopes_visible),
            created_by: row.created_by,
            created_date_time: Some(row.created_date_time),
            modified_by: row.modified_by,
            modified_date_time: Some(row.modified_date_time),
        }
    }
}

fn invalid(at: &str, problem: String) -> Error {
    Error::InvalidFixture(format!("{at}: {problem}"))
}

/// A GUID in Graph's form (lower case, hyphenated).
fn guid(text: &str, at: &str) -> Result<String, Error> {
    canonical_guid(text).ok_or_else(|| invalid(at, format!("'{text}' is not a GUID")))
}

fn name(text: String, at: &str) -> Result<String, Error> {
    if text.trim().is_empty() {
        Err(invalid(at, "must not be blank".to_owned()))
    } else {
        Ok(text)
    }
}

/// An RFC 3339 instant, stored in Graph's seven-digit UTC form; absent: `default`.
fn instant(text: Option<String>, at: &str, default: &str) -> Result<String, Error> {
    let Some(text) = text else {
        return Ok(default.to_owned());
    };
    let parsed = OffsetDateTime::parse(&text, &Rfc3339)
        .map_err(|e| invalid(at, format!("'{text}' is not an RFC 3339 date-time ({e})")))?;
    let utc = parsed.to_offset(time::UtcOffset::UTC);
    if !(1..=9999).contains(&utc.year()) {
        return Err(invalid(at, format!("'{text}' is outside years 1-9999")));
    }
    Ok(timestamp::format(utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_what_a_fixture_leaves_out_and_times_are_normalised() {
        let fixture = Fixture::parse(
            br#"{"catalogs":[{"id":"11111111-1111-1111-1111-11111111111A","displayName":"c",
                "createdDateTime":"2024-01-02T03:04:05+01:00"}]}"#,
        )
        .unwrap();
        let valid = fixture.validate(&HashSet::new()).unwrap();
        let catalog = &valid.catalogs[0];
        assert_eq!(catalog.id, "11111111-1111-1111-1111-11111111111a");
        assert_eq!(catalog.catalog_type, CatalogType::UserManaged);
        assert_eq!(catalog.created_date_time, "2024-01-02T02:04:05.0000000Z");
        assert_eq!(catalog.modified_date_time, catalog.created_date_time);
    }

    #[test]
    fn problems_name_the_row_and_property() {
        let cases: [(&str, &str); 5] = [
            (
                r#"{"catalogs":[{"id":"x","displayName":"c"}]}"#,
                "catalogs[0].id",
            ),
            (
                r#"{"accessPackages":[{"id":"11111111-1111-1111-1111-111111111111","catalogId":"22222222-2222-2222-2222-222222222222","displayName":"p"}]}"#,
                "accessPackages[0].catalogId",
            ),
            (
                r#"{"catalogs":[{"id":"11111111-1111-1111-1111-111111111111","displayName":" "}]}"#,
                "catalogs[0].displayName",
            ),
            (
                r#"{"catalogs":[{"id":"11111111-1111-1111-1111-111111111111","displayName":"c","colour":1}]}"#,
                "catalogs[0]",
            ),
            (
                r#"{"catalogs":[{"id":"11111111-1111-1111-1111-111111111111","displayName":"c","state":"open"}]}"#,
                "catalogs[0].state",
            ),
        ];
        for (text, at) in cases {
            let error = Fixture::parse(text.as_bytes())
                .and_then(|fixture| fixture.validate(&HashSet::new()))
                .unwrap_err()
                .to_string();
            assert!(error.contains(at), "{error} should name {at}");
        }
    }
}
