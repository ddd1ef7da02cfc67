//! `requestApprovalSettings`. v1.0: `isApprovalRequiredForAdd`/`…ForUpdate`, `stages` with
//! ISO durations and `fallback…` approver lists. beta: `isApprovalRequired`/`…ForExtension`,
//! `approvalMode`, `approvalStages` with days and minutes and `isBackup` approvers.
//! Stored in v1.0's shape, plus beta's `approvalMode` when a beta client said it (v1.0
//! has no counterpart; when not said, beta's is inferred from the number of stages).

use serde_json::{Map, Value};

use super::subjects;
use crate::model::json::{
    duration, duration_seconds, invalid, object, whole_duration, DurationUnit, Object,
};
use crate::model::{ComplexType, Dialect, Version};
use crate::Error;

pub static APPROVAL_SETTINGS: ComplexType = ComplexType {
    name: "microsoft.graph.accessPackageAssignmentApprovalSettings",
    decode,
    encode,
    schema,
};

/// What a policy that says nothing about approval gets.
pub const NONE: &str = r#"{"isApprovalRequiredForAdd":false,"isApprovalRequiredForUpdate":false,
    "isRequestorJustificationRequired":false,"approvalMode":null,"stages":[]}"#;

const MODES: [&str; 4] = ["NoApproval", "SingleStage", "Serial", "Parallel"];

fn decode(dialect: Dialect, value: &Value, path: &str) -> Result<Value, Error> {
    let settings = Object::of(value, path)?;
    let flag = |key| {
        settings
            .bool(key)
            .map(|flag| Value::Bool(flag.unwrap_or(false)))
    };
    let beta = dialect == Dialect::Beta;
    let (add, update, stages_key) = match beta {
        true => (
            "isApprovalRequired",
            "isApprovalRequiredForExtension",
            "approvalStages",
        ),
        false => (
            "isApprovalRequiredForAdd",
            "isApprovalRequiredForUpdate",
            "stages",
        ),
    };
    let mode = match settings.str("approvalMode")? {
        Some(mode) => Value::from(
            *MODES
                .iter()
                .find(|known| known.eq_ignore_ascii_case(mode))
                .ok_or_else(|| {
                    invalid(
                        &settings.path("approvalMode"),
                        format!("'{mode}' is not one of {}", MODES.join(", ")),
                    )
                })?,
        ),
        None => Value::Null,
    };
    let stages = settings
        .array(stages_key)?
        .iter()
        .enumerate()
        .map(|(index, stage)| {
            decode_stage(
                beta,
                stage,
                &format!("{}[{index}]", settings.path(stages_key)),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(object([
        ("isApprovalRequiredForAdd", flag(add)?),
        ("isApprovalRequiredForUpdate", flag(update)?),
        (
            "isRequestorJustificationRequired",
            flag("isRequestorJustificationRequired")?,
        ),
        (
            "approvalMode",
            if dialect == Dialect::V1 {
                Value::Null
            } else {
                mode
            },
        ),
        ("stages", Value::Array(stages)),
    ]))
}

fn decode_stage(beta: bool, value: &Value, path: &str) -> Result<Value, Error> {
    let stage = Object::of(value, path)?;
    let nullable_flag = |key| {
        stage
            .bool(key)
            .map(|flag| flag.map_or(Value::Null, Value::Bool))
    };
    let approvers = |primary: &str| -> Result<(Vec<Value>, Vec<Value>), Error> {
        match beta {
            true => subjects::decode_beta_split(stage.array(primary)?, &stage.path(primary)),
            false => {
                let fallback = format!("fallback{}{}", primary[..1].to_uppercase(), &primary[1..]);
                Ok((
                    subjects::decode_list(
                        Version::V1,
                        stage.array(primary)?,
                        &stage.path(primary),
                    )?,
                    subjects::decode_list(
                        Version::V1,
                        stage.array(&fallback)?,
                        &stage.path(&fallback),
                    )?,
                ))
            }
        }
    };
    let whole = |key: &str, unit| -> Result<Value, Error> {
        stage.int(key)?.map_or(Ok(Value::Null), |count| {
            whole_duration(count, unit, &stage.path(key)).map(Value::from)
        })
    };
    let given = |key: &str| -> Result<Value, Error> {
        stage
            .str(key)?
            .map_or(Ok(Value::Null), |text| duration(text, &stage.path(key)))
    };
    let (denial, escalation) = match beta {
        true => (
            whole("approvalStageTimeOutInDays", DurationUnit::Days)?,
            whole("escalationTimeInMinutes", DurationUnit::Minutes)?,
        ),
        false => (
            given("durationBeforeAutomaticDenial")?,
            given("durationBeforeEscalation")?,
        ),
    };
    let (primary, fallback_primary) = approvers("primaryApprovers")?;
    let (escalation_approvers, fallback_escalation) = approvers("escalationApprovers")?;
    Ok(object([
        ("durationBeforeAutomaticDenial", denial),
        ("durationBeforeEscalation", escalation),
        (
            "isApproverJustificationRequired",
            nullable_flag("isApproverJustificationRequired")?,
        ),
        ("isEscalationEnabled", nullable_flag("isEscalationEnabled")?),
        (
            "approverInformationVisibility",
            stage
                .str("approverInformationVisibility")?
                .map_or(Value::Null, Value::from),
        ),
        ("primaryApprovers", Value::Array(primary)),
        ("fallbackPrimaryApprovers", Value::Array(fallback_primary)),
        ("escalationApprovers", Value::Array(escalation_approvers)),
        (
            "fallbackEscalationApprovers",
            Value::Array(fallback_escalation),
        ),
    ]))
}

fn encode(dialect: Dialect, stored: &Value) -> Value {
    let none = Vec::new();
    let stages = stored["stages"].as_array().unwrap_or(&none);
    if dialect != Dialect::Beta {
        let mut v1 = stored.as_object().cloned().unwrap_or_default();
        if dialect == Dialect::V1 {
            v1.remove("approvalMode");
        }
        return Value::Object(v1);
    }
    let mode = match (&stored["approvalMode"], stages.len()) {
        (Value::String(mode), _) => Value::from(mode.as_str()),
        (_, 0) => Value::from("NoApproval"),
        (_, 1) => Value::from("SingleStage"),
        _ => Value::from("Serial"),
    };
    object([
        (
            "isApprovalRequired",
            stored["isApprovalRequiredForAdd"].clone(),
        ),
        (
            "isApprovalRequiredForExtension",
            stored["isApprovalRequiredForUpdate"].clone(),
        ),
        (
            "isRequestorJustificationRequired",
            stored["isRequestorJustificationRequired"].clone(),
        ),
        ("approvalMode", mode),
        (
            "approvalStages",
            Value::Array(stages.iter().map(beta_stage).collect()),
        ),
    ])
}

/// A stored stage as beta writes it: days and minutes, one approver list per role.
fn beta_stage(stage: &Value) -> Value {
    let whole = |key: &str, unit: i64| match stage[key].as_str().and_then(duration_seconds) {
        Some(seconds) => Value::from(seconds / unit),
        None => Value::Null,
    };
    object([
        (
            "approvalStageTimeOutInDays",
            whole("durationBeforeAutomaticDenial", 86_400),
        ),
        (
            "escalationTimeInMinutes",
            whole("durationBeforeEscalation", 60),
        ),
        (
            "isApproverJustificationRequired",
            stage["isApproverJustificationRequired"].clone(),
        ),
        ("isEscalationEnabled", stage["isEscalationEnabled"].clone()),
        (
            "approverInformationVisibility",
            stage["approverInformationVisibility"].clone(),
        ),
        (
            "primaryApprovers",
            subjects::beta_list(
                &stage["primaryApprovers"],
                &stage["fallbackPrimaryApprovers"],
            ),
        ),
        (
            "escalationApprovers",
            subjects::beta_list(
                &stage["escalationApprovers"],
                &stage["fallbackEscalationApprovers"],
            ),
        ),
    ])
}

fn schema(version: Version) -> Value {
    let flag = object([("type", Value::from(["boolean", "null"]))]);
    let list = subjects::schema(version);
    let names: &[&str] = match version {
        Version::Beta => &[
            "isApprovalRequired",
            "isApprovalRequiredForExtension",
            "isRequestorJustificationRequired",
        ],
        Version::V1 => &[
            "isApprovalRequiredForAdd",
            "isApprovalRequiredForUpdate",
            "isRequestorJustificationRequired",
        ],
    };
    let mut properties: Map<String, Value> = names
        .iter()
        .map(|name| ((*name).to_owned(), flag.clone()))
        .collect();
    let stage = object([
        ("type", Value::from("object")),
        (
            "properties",
            object([
                ("primaryApprovers", list.clone()),
                ("escalationApprovers", list),
            ]),
        ),
    ]);
    let stages = object([("type", Value::from("array")), ("items", stage)]);
    match version {
        Version::Beta => {
            properties.insert(
                "approvalMode".to_owned(),
                object([("type", Value::from("string"))]),
            );
            properties.insert("approvalStages".to_owned(), stages);
        }
        Version::V1 => {
            properties.insert("stages".to_owned(), stages);
        }
    }
    object([
        ("type", Value::from("object")),
        ("properties", Value::Object(properties)),
    ])
}
