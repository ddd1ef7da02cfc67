//! Questions a requestor answers. v1.0: `text` is a string with `localizations`; beta:
//! `text` is `{defaultText, localizedTexts}`, choices carry `displayValue`, and
//! multiple selection is `allowsMultipleSelection`. Stored in v1.0's shape; the service
//! assigns each question an id. Arrays are always arrays (Terraform dereferences them).

use serde_json::Value;

use crate::model::json::{invalid, object, Object};
use crate::model::values::new_id;
use crate::model::{ComplexType, Dialect, Version};
use crate::Error;

pub static QUESTIONS: ComplexType = ComplexType {
    name: "Collection(microsoft.graph.accessPackageQuestion)",
    decode,
    encode,
    schema,
};

const TEXT: &str = "accessPackageTextInputQuestion";
const CHOICE: &str = "accessPackageMultipleChoiceQuestion";

fn decode(dialect: Dialect, value: &Value, path: &str) -> Result<Value, Error> {
    let Value::Array(items) = value else {
        return Err(crate::model::json::wrong_type(path, value, "an array"));
    };
    let beta = dialect == Dialect::Beta;
    items
        .iter()
        .enumerate()
        .map(|(index, item)| decode_one(beta, item, &format!("{path}[{index}]")))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// beta's `{defaultText, localizedTexts:[{text, languageCode}]}` or v1.0's text and
/// `localizations`: (text, localizations) in stored form.
fn content(
    beta: bool,
    holder: Object<'_>,
    key: &str,
    localizations: &str,
) -> Result<(Value, Value), Error> {
    let pairs = |items: &[Value], at: String| -> Result<Value, Error> {
        items
            .iter()
            .map(|item| {
                let text = Object::of(item, &at)?;
                Ok(object([
                    (
                        "languageCode",
                        text.str("languageCode")?.map_or(Value::Null, Value::from),
                    ),
                    ("text", text.str("text")?.map_or(Value::Null, Value::from)),
                ]))
            })
            .collect::<Result<Vec<_>, Error>>()
            .map(Value::Array)
    };
    if beta {
        let Some(value) = holder.get(key) else {
            return Ok((Value::Null, Value::Array(Vec::new())));
        };
        let path = holder.path(key);
        let text = Object::of(value, &path)?;
        let default = text.str("defaultText")?.map_or(Value::Null, Value::from);
        return Ok((
            default,
            pairs(text.array("localizedTexts")?, text.path("localizedTexts"))?,
        ));
    }
    let default = holder.str(key)?.map_or(Value::Null, Value::from);
    Ok((
        default,
        pairs(holder.array(localizations)?, holder.path(localizations))?,
    ))
}

fn decode_one(beta: bool, value: &Value, path: &str) -> Result<Value, Error> {
    let question = Object::of(value, path)?;
    let kind = match question.odata_type() {
        Some(name) if name.eq_ignore_ascii_case(CHOICE) => CHOICE,
        Some(name) if name.eq_ignore_ascii_case(TEXT) => TEXT,
        other => {
            return Err(invalid(
                &question.path("@odata.type"),
                format!("'{}' is not {TEXT} or {CHOICE}", other.unwrap_or_default()),
            ))
        }
    };
    let (text, localizations) = content(beta, question, "text", "localizations")?;
    let id = question.str("id")?.map_or_else(new_id, str::to_owned);
    let flag = |key| {
        question
            .bool(key)
            .map(|flag| Value::Bool(flag.unwrap_or(false)))
    };
    let mut stored = object([
        (
            "@odata.type",
            Value::from(format!("#microsoft.graph.{kind}")),
        ),
        ("id", Value::from(id)),
        (
            "sequence",
            Value::from(question.int("sequence")?.unwrap_or(0)),
        ),
        ("isRequired", flag("isRequired")?),
        ("isAnswerEditable", flag("isAnswerEditable")?),
        ("text", text),
        ("localizations", localizations),
    ]);
    if kind == TEXT {
        stored["isSingleLineQuestion"] = flag("isSingleLineQuestion")?;
        stored["regexPattern"] = question
            .str("regexPattern")?
            .map_or(Value::Null, Value::from);
        return Ok(stored);
    }
    let mut choices = Vec::new();
    for (index, choice) in question.array("choices")?.iter().enumerate() {
        let at = format!("{}[{index}]", question.path("choices"));
        let holder = Object::of(choice, &at)?;
        let (text, localizations) = content(
            beta,
            holder,
            if beta { "displayValue" } else { "text" },
            "localizations",
        )?;
        choices.push(object([
            (
                "actualValue",
                holder.str("actualValue")?.map_or(Value::Null, Value::from),
            ),
            ("text", text),
            ("localizations", localizations),
        ]));
    }
    stored["choices"] = Value::Array(choices);
    let multiple = if beta {
        "allowsMultipleSelection"
    } else {
        "isMultipleSelectionAllowed"
    };
    stored["isMultipleSelectionAllowed"] = flag(multiple)?;
    Ok(stored)
}

fn encode(dialect: Dialect, stored: &Value) -> Value {
    if dialect != Dialect::Beta {
        return stored.clone();
    }
    let texts = |text: &Value, localizations: &Value| {
        object([
            ("defaultText", text.clone()),
            ("localizedTexts", localizations.clone()),
        ])
    };
    let none = Vec::new();
    let questions = stored.as_array().unwrap_or(&none).iter().map(|question| {
        let mut beta = object([
            ("@odata.type", question["@odata.type"].clone()),
            ("id", question["id"].clone()),
            ("sequence", question["sequence"].clone()),
            ("isRequired", question["isRequired"].clone()),
            ("isAnswerEditable", question["isAnswerEditable"].clone()),
            ("text", texts(&question["text"], &question["localizations"])),
        ]);
        match question.get("choices").and_then(Value::as_array) {
            Some(choices) => {
                let choices = choices.iter().map(|choice| {
                    object([
                        ("actualValue", choice["actualValue"].clone()),
                        (
                            "displayValue",
                            texts(&choice["text"], &choice["localizations"]),
                        ),
                    ])
                });
                beta["choices"] = Value::Array(choices.collect());
                beta["allowsMultipleSelection"] = question["isMultipleSelectionAllowed"].clone();
            }
            None => {
                beta["isSingleLineQuestion"] = question["isSingleLineQuestion"].clone();
                beta["regexPattern"] = question["regexPattern"].clone();
            }
        }
        beta
    });
    Value::Array(questions.collect())
}

fn schema(_: Version) -> Value {
    object([
        ("type", Value::from("array")),
        ("items", object([("type", Value::from("object"))])),
    ])
}
