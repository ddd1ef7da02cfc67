//! Questions a policy asks and the answers a request gives. Questions, v1.0: `text` is a
//! string with `localizations`; beta: `text` is `{defaultText, localizedTexts}`, choices
//! carry `displayValue`, and multiple selection is `allowsMultipleSelection`. Stored in v1.0's shape; the service
//! assigns each question an id. Arrays are always arrays (Terraform dereferences them).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::complex::{canonical_types, schema_of, Versioned};
use crate::model::json::{wrong_type, Object};
use crate::model::values::new_id;
use crate::model::ComplexType;
use crate::Error;

pub static QUESTIONS: ComplexType =
    ComplexType::versioned::<Questions>("Collection(microsoft.graph.accessPackageQuestion)");

const KINDS: [&str; 2] = [
    "#microsoft.graph.accessPackageTextInputQuestion",
    "#microsoft.graph.accessPackageMultipleChoiceQuestion",
];

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Questions(Vec<Question>);

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    #[serde(flatten)]
    kind: Kind,
    #[serde(flatten)]
    common: Common,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    localizations: Vec<Localization>,
}

/// What both versions say alike of any question.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
struct Common {
    id: Option<String>,
    sequence: i64,
    is_required: bool,
    is_answer_editable: bool,
}

/// What a text question says of its answer, alike in both versions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
struct TextInput {
    is_single_line_question: bool,
    regex_pattern: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "@odata.type", rename_all_fields = "camelCase")]
enum Kind {
    #[serde(rename = "#microsoft.graph.accessPackageTextInputQuestion")]
    Text(TextInput),
    #[serde(rename = "#microsoft.graph.accessPackageMultipleChoiceQuestion")]
    Choice {
        #[serde(default)]
        choices: Vec<Choice>,
        #[serde(default)]
        is_multiple_selection_allowed: bool,
    },
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
struct Choice {
    actual_value: Option<String>,
    text: Option<String>,
    localizations: Vec<Localization>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
struct Localization {
    language_code: Option<String>,
    text: Option<String>,
}

/// beta's texts: `{defaultText, localizedTexts: [{languageCode, text}]}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
struct BetaText {
    default_text: Option<String>,
    localized_texts: Vec<Localization>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct BetaQuestions(Vec<BetaQuestion>);

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct BetaQuestion {
    #[serde(flatten)]
    kind: BetaKind,
    #[serde(flatten)]
    common: Common,
    #[serde(default)]
    text: BetaText,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "@odata.type", rename_all_fields = "camelCase")]
enum BetaKind {
    #[serde(rename = "#microsoft.graph.accessPackageTextInputQuestion")]
    Text(TextInput),
    #[serde(rename = "#microsoft.graph.accessPackageMultipleChoiceQuestion")]
    Choice {
        #[serde(default)]
        choices: Vec<BetaChoice>,
        #[serde(default)]
        allows_multiple_selection: bool,
    },
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
struct BetaChoice {
    actual_value: Option<String>,
    display_value: BetaText,
}

impl Versioned for Questions {
    type Beta = BetaQuestions;

    /// `@odata.type` in any case, with or without `#` and the namespace.
    fn normalize(raw: &mut Value, path: &str) -> Result<(), Error> {
        canonical_types(raw, path, &KINDS)
    }

    fn from_beta(beta: BetaQuestions, _: &str) -> Result<Self, Error> {
        let questions = beta.0.into_iter().map(|question| Question {
            kind: match question.kind {
                BetaKind::Text(text) => Kind::Text(text),
                BetaKind::Choice {
                    choices,
                    allows_multiple_selection,
                } => Kind::Choice {
                    choices: choices
                        .into_iter()
                        .map(|choice| Choice {
                            actual_value: choice.actual_value,
                            text: choice.display_value.default_text,
                            localizations: choice.display_value.localized_texts,
                        })
                        .collect(),
                    is_multiple_selection_allowed: allows_multiple_selection,
                },
            },
            common: question.common,
            text: question.text.default_text,
            localizations: question.text.localized_texts,
        });
        Ok(Self(questions.collect()))
    }

    fn to_beta(&self) -> BetaQuestions {
        let text = |text: &Option<String>, localizations: &[Localization]| BetaText {
            default_text: text.clone(),
            localized_texts: localizations.to_vec(),
        };
        let questions = self.0.iter().map(|question| BetaQuestion {
            kind: match &question.kind {
                Kind::Text(text) => BetaKind::Text(text.clone()),
                Kind::Choice {
                    choices,
                    is_multiple_selection_allowed,
                } => BetaKind::Choice {
                    choices: choices
                        .iter()
                        .map(|choice| BetaChoice {
                            actual_value: choice.actual_value.clone(),
                            display_value: text(&choice.text, &choice.localizations),
                        })
                        .collect(),
                    allows_multiple_selection: *is_multiple_selection_allowed,
                },
            },
            common: question.common.clone(),
            text: text(&question.text, &question.localizations),
        });
        BetaQuestions(questions.collect())
    }

    /// The service gives each question an id.
    fn check(&mut self, _: &str) -> Result<(), Error> {
        for question in &mut self.0 {
            question.common.id.get_or_insert_with(new_id);
        }
        Ok(())
    }
}

/// Answers to the policy's questions, kept as sent (with their `@odata.type`s).
pub static ANSWERS: ComplexType = ComplexType {
    name: "Collection(microsoft.graph.accessPackageAnswer)",
    decode: |_, value, path| match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                Object::of(item, &format!("{path}[{index}]"))?;
            }
            Ok(value.clone())
        }
        Value::Null => Ok(Value::Array(Vec::new())),
        other => Err(wrong_type(path, other, "an array")),
    },
    encode: |_, stored| stored.clone(),
    schema: |_| schema_of::<Vec<AnswerShape>>(),
};

/// An answer as OpenAPI describes it: the question it answers, and what was answered.
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct AnswerShape {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    answered_question: Option<QuestionRef>,
    value: Option<String>,
    display_value: Option<String>,
}

#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct QuestionRef {
    id: String,
}
