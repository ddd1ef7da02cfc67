//! `[faults]`: what fault injection does, and the body of `PUT /_emulator/faults` (the same
//! keys). The injecting itself is `crate::faults`.

use serde::{Deserialize, Serialize};

/// The longest injected delay, from the header or the settings: a fault, not a hang.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// The `[faults]` settings, and the body of `PUT /_emulator/faults` (same keys; those
/// left out take the values of `Default`, which injects nothing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultSettings {
    pub enabled: bool,
    /// Seed of the random generator; 0: a different one every start.
    pub seed: u64,
    /// Probability (0 to 1) of 429 TooManyRequests.
    pub throttle_rate: f64,
    /// Retry-After on injected 429s, in seconds.
    pub retry_after_secs: u64,
    /// Probability (0 to 1) of a 5xx from `error_statuses`, picked at random.
    pub error_rate: f64,
    pub error_statuses: Vec<u16>,
    /// Delay before answering: latency_ms plus a random 0 to latency_jitter_ms.
    pub latency_ms: u64,
    pub latency_jitter_ms: u64,
    /// Overrides for matching requests; the first rule that matches applies.
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

impl Default for FaultSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            seed: 0,
            throttle_rate: 0.0,
            retry_after_secs: 10,
            error_rate: 0.0,
            error_statuses: vec![500, 503, 504],
            latency_ms: 0,
            latency_jitter_ms: 0,
            rules: Vec::new(),
        }
    }
}

/// A rule: requests whose method matches (empty or `*`: any) and whose path starts with
/// `path` get the rule's values instead of the global ones; values left `None` keep the
/// global ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    #[serde(default)]
    pub method: String,
    pub path: String,
    pub throttle_rate: Option<f64>,
    pub retry_after_secs: Option<u64>,
    pub error_rate: Option<f64>,
    pub error_statuses: Option<Vec<u16>>,
    pub latency_ms: Option<u64>,
    pub latency_jitter_ms: Option<u64>,
}

impl FaultSettings {
    /// Rates within 0 to 1, 5xx statuses, methods HTTP knows; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        let rate = |key: &str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(format!("{key} must be between 0 and 1, not {value}"))
            }
        };
        let statuses = |key: &str, values: &[u16]| {
            if values.is_empty() {
                return Err(format!("{key} must list at least one status"));
            }
            match values.iter().find(|s| !(500..=599).contains(*s)) {
                Some(status) => Err(format!("{key}: {status} is not a 5xx status")),
                None => Ok(()),
            }
        };
        let latency = |key: &str, fixed: u64, jitter: u64| {
            if fixed.saturating_add(jitter) > MAX_LATENCY_MS {
                Err(format!(
                    "{key}: latency_ms plus latency_jitter_ms may not exceed {MAX_LATENCY_MS}"
                ))
            } else {
                Ok(())
            }
        };
        latency("latency_ms", self.latency_ms, self.latency_jitter_ms)?;
        rate("throttle_rate", self.throttle_rate)?;
        rate("error_rate", self.error_rate)?;
        statuses("error_statuses", &self.error_statuses)?;
        for (index, rule) in self.rules.iter().enumerate() {
            let key = |name: &str| format!("rules[{index}].{name}");
            if !rule.path.starts_with('/') {
                return Err(format!("{} must start with /", key("path")));
            }
            if !matches!(
                rule.method.to_ascii_uppercase().as_str(),
                "" | "*" | "GET" | "POST" | "PATCH" | "PUT" | "DELETE"
            ) {
                return Err(format!(
                    "{}: unknown method '{}'",
                    key("method"),
                    rule.method
                ));
            }
            if let Some(value) = rule.throttle_rate {
                rate(&key("throttle_rate"), value)?;
            }
            if let Some(value) = rule.error_rate {
                rate(&key("error_rate"), value)?;
            }
            if let Some(values) = &rule.error_statuses {
                statuses(&key("error_statuses"), values)?;
            }
            latency(
                &key("latency_ms"),
                rule.latency_ms.unwrap_or(self.latency_ms),
                rule.latency_jitter_ms.unwrap_or(self.latency_jitter_ms),
            )?;
        }
        Ok(())
    }
}
