//! `requestApprovalSettings`. v1.0: `isApprovalRequiredForAdd`/`…ForUpdate`, `stages` with
//! ISO durations and `fallback…` approver lists. beta: `isApprovalRequired`/`…ForExtension`,
//! `approvalMode`, `approvalStages` with days and minutes and `isBackup` approvers.
//! Stored in v1.0's shape, plus beta's `approvalMode` when a beta client said it (v1.0
//! has no counterpart; when not said, beta's is inferred from the number of stages).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::complex::{one_of, to_json, Versioned};
use crate::model::json::{duration, DurationUnit};
use crate::model::subject_set::{self as subjects, BetaUserSets, SubjectSets};
use crate::model::ComplexType;
use crate::Error;

pub static APPROVAL_SETTINGS: ComplexType = ComplexType::versioned::<ApprovalSettings>(
    "microsoft.graph.accessPackageAssignmentApprovalSettings",
);

/// What a policy that says nothing about approval gets.
pub const NONE: &str = r#"{"isApprovalRequiredForAdd":false,"isApprovalRequiredForUpdate":false,
    "isRequestorJustificationRequired":false,"approvalMode":null,"stages":[]}"#;

/// A stored policy's approval settings, as typed.
pub fn settings(policy: &crate::model::Record) -> ApprovalSettings {
    serde_json::from_value(policy.get("request_approval_settings").clone()).unwrap_or_default()
}

const MODES: [&str; 4] = ["NoApproval", "SingleStage", "Serial", "Parallel"];

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ApprovalSettings {
    pub is_approval_required_for_add: bool,
    pub is_approval_required_for_update: bool,
    pub is_requestor_justification_required: bool,
    /// beta's, kept when a beta client said it.
    pub approval_mode: Option<String>,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct Stage {
    pub duration_before_automatic_denial: Option<String>,
    pub duration_before_escalation: Option<String>,
    pub is_approver_justification_required: Option<bool>,
    pub is_escalation_enabled: Option<bool>,
    pub approver_information_visibility: Option<String>,
    #[schemars(with = "SubjectSets")]
    pub primary_approvers: Vec<Value>,
    #[schemars(with = "SubjectSets")]
    pub fallback_primary_approvers: Vec<Value>,
    #[schemars(with = "SubjectSets")]
    pub escalation_approvers: Vec<Value>,
    #[schemars(with = "SubjectSets")]
    pub fallback_escalation_approvers: Vec<Value>,
}

impl Stage {
    /// The stage's approver lists, by member name.
    pub fn approvers(&mut self) -> [(&'static str, &mut Vec<Value>); 4] {
        [
            ("primaryApprovers", &mut self.primary_approvers),
            (
                "fallbackPrimaryApprovers",
                &mut self.fallback_primary_approvers,
            ),
            ("escalationApprovers", &mut self.escalation_approvers),
            (
                "fallbackEscalationApprovers",
                &mut self.fallback_escalation_approvers,
            ),
        ]
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct BetaApprovalSettings {
    pub is_approval_required: bool,
    pub is_approval_required_for_extension: bool,
    pub is_requestor_justification_required: bool,
    pub approval_mode: Option<String>,
    pub approval_stages: Vec<BetaStage>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct BetaStage {
    pub approval_stage_time_out_in_days: Option<i64>,
    pub escalation_time_in_minutes: Option<i64>,
    pub is_approver_justification_required: Option<bool>,
    pub is_escalation_enabled: Option<bool>,
    pub approver_information_visibility: Option<String>,
    #[schemars(with = "BetaUserSets")]
    pub primary_approvers: Vec<Value>,
    #[schemars(with = "BetaUserSets")]
    pub escalation_approvers: Vec<Value>,
}

impl Versioned for ApprovalSettings {
    type Beta = BetaApprovalSettings;

    fn from_beta(beta: BetaApprovalSettings, path: &str) -> Result<Self, Error> {
        let stages = beta
            .approval_stages
            .into_iter()
            .enumerate()
            .map(|(index, stage)| {
                let at = format!("{path}.approvalStages[{index}]");
                let (primary, fallback_primary) = subjects::split_beta(
                    &stage.primary_approvers,
                    &format!("{at}.primaryApprovers"),
                )?;
                let (escalation, fallback_escalation) = subjects::split_beta(
                    &stage.escalation_approvers,
                    &format!("{at}.escalationApprovers"),
                )?;
                Ok(Stage {
                    duration_before_automatic_denial: DurationUnit::Days.duration(
                        stage.approval_stage_time_out_in_days,
                        &format!("{at}.approvalStageTimeOutInDays"),
                    )?,
                    duration_before_escalation: DurationUnit::Minutes.duration(
                        stage.escalation_time_in_minutes,
                        &format!("{at}.escalationTimeInMinutes"),
                    )?,
                    is_approver_justification_required: stage.is_approver_justification_required,
                    is_escalation_enabled: stage.is_escalation_enabled,
                    approver_information_visibility: stage.approver_information_visibility,
                    primary_approvers: primary,
                    fallback_primary_approvers: fallback_primary,
                    escalation_approvers: escalation,
                    fallback_escalation_approvers: fallback_escalation,
                })
            })
            .collect::<Result<_, Error>>()?;
        let mode = beta
            .approval_mode
            .map(|mode| one_of(&mode, &MODES, &format!("{path}.approvalMode")))
            .transpose()?;
        Ok(Self {
            is_approval_required_for_add: beta.is_approval_required,
            is_approval_required_for_update: beta.is_approval_required_for_extension,
            is_requestor_justification_required: beta.is_requestor_justification_required,
            approval_mode: mode.map(str::to_owned),
            stages,
        })
    }

    fn to_beta(&self) -> BetaApprovalSettings {
        let mode = match (&self.approval_mode, self.stages.len()) {
            (Some(mode), _) => mode.as_str(),
            (None, 0) => "NoApproval",
            (None, 1) => "SingleStage",
            (None, _) => "Serial",
        };
        BetaApprovalSettings {
            is_approval_required: self.is_approval_required_for_add,
            is_approval_required_for_extension: self.is_approval_required_for_update,
            is_requestor_justification_required: self.is_requestor_justification_required,
            approval_mode: Some(mode.to_owned()),
            approval_stages: self
                .stages
                .iter()
                .map(|stage| BetaStage {
                    approval_stage_time_out_in_days: DurationUnit::Days
                        .count(stage.duration_before_automatic_denial.as_deref()),
                    escalation_time_in_minutes: DurationUnit::Minutes
                        .count(stage.duration_before_escalation.as_deref()),
                    is_approver_justification_required: stage.is_approver_justification_required,
                    is_escalation_enabled: stage.is_escalation_enabled,
                    approver_information_visibility: stage.approver_information_visibility.clone(),
                    primary_approvers: subjects::to_beta(
                        &stage.primary_approvers,
                        &stage.fallback_primary_approvers,
                    ),
                    escalation_approvers: subjects::to_beta(
                        &stage.escalation_approvers,
                        &stage.fallback_escalation_approvers,
                    ),
                })
                .collect(),
        }
    }

    fn check(&mut self, path: &str) -> Result<(), Error> {
        for (index, stage) in self.stages.iter_mut().enumerate() {
            let at = format!("{path}.stages[{index}]");
            for (key, value) in [
                (
                    "durationBeforeAutomaticDenial",
                    &stage.duration_before_automatic_denial,
                ),
                (
                    "durationBeforeEscalation",
                    &stage.duration_before_escalation,
                ),
            ] {
                if let Some(text) = value {
                    duration(text, &format!("{at}.{key}"))?;
                }
            }
            for (key, list) in stage.approvers() {
                *list = subjects::checked(list, &format!("{at}.{key}"))?;
            }
        }
        Ok(())
    }

    fn without_beta_only(self) -> Self {
        Self {
            approval_mode: None,
            ..self
        }
    }

    /// v1.0 has no `approvalMode`.
    fn to_v1(&self) -> Value {
        let mut value = to_json(self);
        if let Some(members) = value.as_object_mut() {
            members.remove("approvalMode");
        }
        value
    }
}
