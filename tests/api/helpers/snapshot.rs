//! Wire shapes as snapshots. What changes from run to run (ids, instants, the port) is
//! replaced before the snapshot is taken, so the snapshot shows every member, its type
//! and every stable value. Ids become `[id-1]`, `[id-2]`, … in order of first appearance,
//! so that a body naming the same object twice still shows it.

use serde_json::Value;

/// `value` with its run-dependent strings replaced: GUIDs, Graph instants and `address`.
pub fn stable(value: &Value, address: &str) -> Value {
    let mut ids = Vec::new();
    replace(value, address, &mut ids)
}

fn replace(value: &Value, address: &str, ids: &mut Vec<String>) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(name, member)| (name.clone(), replace(member, address, ids)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| replace(item, address, ids))
                .collect(),
        ),
        Value::String(text) => Value::from(stable_text(text, address, ids)),
        other => other.clone(),
    }
}

fn stable_text(text: &str, address: &str, ids: &mut Vec<String>) -> String {
    let mut text = text.replace(address, "{address}");
    // Any GUID inside (an id, or one inside a URL or a composite key).
    while let Some((start, guid)) = find_guid(&text) {
        let index = match ids.iter().position(|seen| *seen == guid) {
            Some(index) => index,
            None => {
                ids.push(guid.clone());
                ids.len() - 1
            }
        };
        text.replace_range(start..start + 36, &format!("[id-{}]", index + 1));
    }
    if time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339).is_ok() {
        return "[instant]".to_owned();
    }
    text
}

fn find_guid(text: &str) -> Option<(usize, String)> {
    (0..text.len().saturating_sub(35)).find_map(|start| {
        let candidate = text.get(start..start + 36)?;
        uuid::Uuid::try_parse(candidate)
            .ok()
            .filter(|_| candidate.as_bytes()[8] == b'-')
            .map(|_| (start, candidate.to_owned()))
    })
}

/// Asserts `$value`'s stable form (see `stable`) against the snapshot `$name` in
/// `tests/api/snapshots/`.
#[macro_export]
macro_rules! assert_wire_snapshot {
    ($name:expr, $value:expr, $app:expr) => {{
        let stable = $crate::helpers::stable(&$value, &$app.address);
        insta::assert_json_snapshot!($name, stable)
    }};
}
