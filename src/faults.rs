//! Fault injection, to rehearse throttling and outages: 429 `TooManyRequests` with
//! `Retry-After`, random 5xx at a rate, and fixed or random latency. Configured in
//! `[faults]` (globally and per route/method rule), replaced at run time through
//! `/_emulator/faults`, or asked for by one request with `x-emulator-fault`.
//!
//! Random faults are off unless `enabled`; the header works always, since a request that
//! carries it asks for the fault explicitly. The generator is seeded (`seed`), so a
//! sequence of requests meets the same faults on every run.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::HttpMessage;

pub use crate::configuration::faults::{FaultRule, FaultSettings, MAX_LATENCY_MS};
use crate::graph::routing;
use crate::Error;

/// The per-request header: `429`, a 5xx status, `latency=<ms>`, comma-separated.
pub const FAULT_HEADER: &str = "x-emulator-fault";

/// What may go wrong for one request, and how often: the global values or a rule's.
#[derive(Debug, Clone, PartialEq)]
struct FaultSpec {
    throttle_rate: f64,
    retry_after_secs: u64,
    error_rate: f64,
    error_statuses: Vec<u16>,
    latency_ms: u64,
    latency_jitter_ms: u64,
}

/// The global spec, overridden by the first rule matching the request.
fn spec_for(settings: &FaultSettings, method: &str, path: &str) -> FaultSpec {
    let mut spec = FaultSpec {
        throttle_rate: settings.throttle_rate,
        retry_after_secs: settings.retry_after_secs,
        error_rate: settings.error_rate,
        error_statuses: settings.error_statuses.clone(),
        latency_ms: settings.latency_ms,
        latency_jitter_ms: settings.latency_jitter_ms,
    };
    let rule = settings.rules.iter().find(|rule| {
        (rule.method.is_empty() || rule.method == "*" || rule.method.eq_ignore_ascii_case(method))
            && path.starts_with(&rule.path)
    });
    if let Some(rule) = rule {
        spec.throttle_rate = rule.throttle_rate.unwrap_or(spec.throttle_rate);
        spec.retry_after_secs = rule.retry_after_secs.unwrap_or(spec.retry_after_secs);
        spec.error_rate = rule.error_rate.unwrap_or(spec.error_rate);
        if let Some(statuses) = &rule.error_statuses {
            spec.error_statuses.clone_from(statuses);
        }
        spec.latency_ms = rule.latency_ms.unwrap_or(spec.latency_ms);
        spec.latency_jitter_ms = rule.latency_jitter_ms.unwrap_or(spec.latency_jitter_ms);
    }
    spec
}

/// The faults in force, shared by every worker. Settings and generator sit under one lock,
/// so a request never draws from a new seed under old settings while a PUT lands.
pub struct Faults {
    state: Mutex<(FaultSettings, fastrand::Rng)>,
}

/// What one request meets.
#[derive(Debug, Default)]
struct Decision {
    delay: Duration,
    failure: Option<Error>,
    /// `x-emulator-fault: panic`: the request fails as a defect of the emulator would.
    panic: bool,
}

impl Faults {
    pub fn new(settings: FaultSettings) -> Self {
        let random = generator(settings.seed);
        Self {
            state: Mutex::new((settings, random)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (FaultSettings, fastrand::Rng)> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn settings(&self) -> FaultSettings {
        self.lock().0.clone()
    }

    /// Replaces the faults in force, and restarts the generator from the new seed.
    pub fn replace(&self, settings: FaultSettings) {
        let random = generator(settings.seed);
        *self.lock() = (settings, random);
    }

    fn decide(&self, method: &str, path: &str, header: Option<&str>) -> Result<Decision, Error> {
        let mut state = self.lock();
        let (settings, random) = &mut *state;
        if let Some(header) = header {
            let retry_after_secs = spec_for(settings, method, path).retry_after_secs;
            return requested(header, retry_after_secs);
        }
        // The usual case, answered without building anything.
        if !settings.enabled {
            return Ok(Decision::default());
        }
        let spec = spec_for(settings, method, path);
        let jitter = match spec.latency_jitter_ms {
            0 => 0,
            most => random.u64(0..=most),
        };
        let delay = Duration::from_millis(spec.latency_ms.saturating_add(jitter));
        let failure = if random.f64() < spec.throttle_rate {
            Some(Error::TooManyRequests {
                retry_after_secs: spec.retry_after_secs,
            })
        } else if random.f64() < spec.error_rate {
            // validate() keeps the list non-empty; 500 if it ever were.
            let pick = random.usize(..spec.error_statuses.len().max(1));
            let status = spec.error_statuses.get(pick).copied().unwrap_or(500);
            Some(Error::InjectedFault(status))
        } else {
            None
        };
        Ok(Decision {
            delay,
            failure,
            panic: false,
        })
    }
}

fn generator(seed: u64) -> fastrand::Rng {
    match seed {
        0 => fastrand::Rng::new(),
        seed => fastrand::Rng::with_seed(seed),
    }
}

/// `x-emulator-fault: 429`, `503`, `latency=250`, `panic`, or several, comma-separated.
fn requested(header: &str, retry_after_secs: u64) -> Result<Decision, Error> {
    let mut decision = Decision::default();
    for token in header.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let invalid = || {
            Error::InvalidRequestHeader(format!(
                "Invalid {FAULT_HEADER} value '{token}': use 429, a 5xx status, latency=<ms> or panic."
            ))
        };
        if let Some(ms) = token.strip_prefix("latency=") {
            let ms: u64 = ms.trim().parse().map_err(|_| invalid())?;
            if ms > MAX_LATENCY_MS {
                return Err(invalid());
            }
            decision.delay = Duration::from_millis(ms);
            continue;
        }
        if token == "panic" {
            decision.panic = true;
            continue;
        }
        decision.failure = Some(match token.parse::<u16>().map_err(|_| invalid())? {
            429 => Error::TooManyRequests { retry_after_secs },
            status @ 500..=599 => Error::InjectedFault(status),
            _ => return Err(invalid()),
        });
    }
    Ok(decision)
}

/// Runs inside `request_context`, so injected errors get Graph's body and ids, and before
/// authentication, as a throttled gateway answers before anything else looks at a request.
pub async fn inject(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let faults = req.extensions().get::<Arc<Faults>>().cloned();
    let decision = match faults {
        Some(faults) if !routing::is_control(&req) && !routing::is_signin(&req) => {
            let header = req
                .headers()
                .get(FAULT_HEADER)
                .map(|value| value.to_str().unwrap_or("\u{fffd}"));
            // Random faults meet a batch's items, each on its own, not the envelope.
            if header.is_none() && routing::is_batch(&req) {
                Ok(Decision::default())
            } else {
                faults.decide(req.method().as_str(), routing::routed_path(&req), header)
            }
        }
        _ => Ok(Decision::default()),
    };
    let decision = match decision {
        Ok(decision) => decision,
        Err(error) => return Ok(req.error_response(error)),
    };
    if !decision.delay.is_zero() {
        actix_web::rt::time::sleep(decision.delay).await;
    }
    if decision.panic {
        panic!("{FAULT_HEADER}: panic");
    }
    match decision.failure {
        Some(error) => Ok(req.error_response(error)),
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(throttle_rate: f64, error_rate: f64) -> FaultSettings {
        FaultSettings {
            enabled: true,
            seed: 42,
            throttle_rate,
            retry_after_secs: 10,
            error_rate,
            error_statuses: vec![500, 503, 504],
            latency_ms: 5,
            latency_jitter_ms: 10,
            rules: vec![],
        }
    }

    fn outcomes(faults: &Faults, n: usize) -> Vec<(u128, Option<u16>)> {
        (0..n)
            .map(|_| {
                let decision = faults.decide("GET", "/beta/x", None).unwrap();
                (
                    decision.delay.as_millis(),
                    decision.failure.map(|e| e.status().as_u16()),
                )
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let first = outcomes(&Faults::new(settings(0.2, 0.3)), 200);
        let second = outcomes(&Faults::new(settings(0.2, 0.3)), 200);
        assert_eq!(first, second);
        let failed = first.iter().filter(|(_, f)| f.is_some()).count();
        // 1 - 0.8 * 0.7 = 44 % of 200: far from 0 and from 200.
        assert!((40..140).contains(&failed), "{failed}");
        assert!(first.iter().all(|(ms, _)| (5..=15).contains(ms)));
        assert!(first.iter().any(|(_, f)| *f == Some(429)));
        assert!(first.iter().any(|(_, f)| *f == Some(504)));
    }

    #[test]
    fn a_rule_overrides_the_global_values_for_its_requests() {
        let mut settings = settings(0.0, 0.0);
        settings.rules.push(FaultRule {
            method: "post".into(),
            path: "/beta/identityGovernance/entitlementManagement/accessPackages".into(),
            throttle_rate: Some(1.0),
            retry_after_secs: Some(3),
            ..FaultRule::default()
        });
        settings.validate().unwrap();
        let faults = Faults::new(settings);
        let post = faults
            .decide(
                "POST",
                "/beta/identityGovernance/entitlementManagement/accessPackages",
                None,
            )
            .unwrap();
        assert!(matches!(
            post.failure,
            Some(Error::TooManyRequests {
                retry_after_secs: 3
            })
        ));
        let get = faults
            .decide(
                "GET",
                "/beta/identityGovernance/entitlementManagement/accessPackages",
                None,
            )
            .unwrap();
        assert!(get.failure.is_none());
    }

    #[test]
    fn invalid_settings_name_the_key() {
        let mut bad = settings(1.5, 0.0);
        assert!(bad.validate().unwrap_err().contains("throttle_rate"));
        bad = settings(0.0, 0.0);
        bad.error_statuses = vec![404];
        assert!(bad.validate().unwrap_err().contains("error_statuses"));
    }
}
