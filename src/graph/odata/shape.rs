//! `$select` and `$expand` applied to an entity's JSON, and the `(…)` they add to
//! `@odata.context`.

use serde::Serialize;
use serde_json::{Map, Value};

use super::Expand;
use crate::Error;

/// The entity as JSON with only the selected properties, in the representation's order.
pub fn select<T: Serialize>(
    entity: &T,
    selected: Option<&[&str]>,
) -> Result<Map<String, Value>, Error> {
    let Value::Object(mut object) = serde_json::to_value(entity).map_err(Error::internal)? else {
        return Err(Error::internal("an entity did not serialise to an object"));
    };
    if let Some(selected) = selected {
        object.retain(|name, _| selected.contains(&name.as_str()));
    }
    Ok(object)
}

/// `(displayName,id,catalog(id))` for `@odata.context`, or nothing when all is returned.
/// As in OData 4.0, an expansion is listed only when it has a nested `$select`.
pub fn context_clause(selected: Option<&[&str]>, expand: &[Expand]) -> String {
    let mut items: Vec<String> = selected
        .map(|names| names.iter().map(|name| (*name).to_owned()).collect())
        .unwrap_or_default();
    for expansion in expand {
        if let Some(nested) = &expansion.select {
            items.push(format!("{}({})", expansion.name, nested.join(",")));
        }
    }
    if items.is_empty() {
        String::new()
    } else {
        format!("({})", items.join(","))
    }
}
