//! The assignment request lifecycle (reference: elm-surface §2.4, elm-clients §7.4), as a
//! typed state machine. Every way a request moves is here: by itself (the emulator's
//! pace, or the clock reaching a time), by an approver, by cancel and reprocess. What a
//! move does to the assignment is its `Effect`; `repository::lifecycle` carries moves out,
//! each in one transaction with its effect.
//!
//! ```text
//! submitted ──► pendingApproval ──► scheduled ──► delivering ──► delivered
//!     │  (stages, when the policy      (a start      │
//!     │   asks for approval)            in the       └─► deliveryFailed ──reprocess──► delivering
//!     │         │                       future)
//!     │         └─► denied (an approver, or no decision in time)
//!     └─► canceled (from submitted, pendingApproval or scheduled)
//! ```

use time::OffsetDateTime;

/// A request's state, stored in v1.0's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Submitted,
    PendingApproval,
    Scheduled,
    Delivering,
    Delivered,
    DeliveryFailed,
    PartiallyDelivered,
    Denied,
    Canceled,
}

impl State {
    const ALL: [Self; 9] = [
        Self::Submitted,
        Self::PendingApproval,
        Self::Scheduled,
        Self::Delivering,
        Self::Delivered,
        Self::DeliveryFailed,
        Self::PartiallyDelivered,
        Self::Denied,
        Self::Canceled,
    ];

    pub fn stored(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::PendingApproval => "pendingApproval",
            Self::Scheduled => "scheduled",
            Self::Delivering => "delivering",
            Self::Delivered => "delivered",
            Self::DeliveryFailed => "deliveryFailed",
            Self::PartiallyDelivered => "partiallyDelivered",
            Self::Denied => "denied",
            Self::Canceled => "canceled",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.stored() == stored)
    }

    /// The free-text `status` (beta `requestStatus`) that goes with it, as the service
    /// writes it: `Accepted` while submitted, `PendingNotBefore` while scheduled.
    pub fn status(self) -> &'static str {
        match self {
            Self::Submitted => "Accepted",
            Self::PendingApproval => "PendingApproval",
            Self::Scheduled => "PendingNotBefore",
            Self::Delivering => "Delivering",
            Self::Delivered => "Delivered",
            Self::DeliveryFailed => "DeliveryFailed",
            Self::PartiallyDelivered => "PartiallyDelivered",
            Self::Denied => "Denied",
            Self::Canceled => "Canceled",
        }
    }

    /// The states of a request still on its way.
    pub const OPEN: [Self; 4] = [
        Self::Submitted,
        Self::PendingApproval,
        Self::Scheduled,
        Self::Delivering,
    ];

    /// Still on its way: at most one such request per target and access package.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// Moves on by itself once its time comes (the emulator's pace), not by a decision.
    pub fn is_automatic(self) -> bool {
        matches!(self, Self::Submitted | Self::Delivering)
    }

    /// What cancel accepts: the states whose status is one the docs list as cancellable
    /// (`Accepted`, `PendingApproval`, `PendingNotBefore`).
    pub fn is_cancellable(self) -> bool {
        matches!(
            self,
            Self::Submitted | Self::PendingApproval | Self::Scheduled
        )
    }

    /// Finished: what DELETE accepts.
    pub fn is_final(self) -> bool {
        !self.is_open()
    }
}

/// What the request asks for, from its `requestType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Add,
    Update,
    Remove,
}

impl Kind {
    /// The kind of a stored `requestType`; `None` for types a client cannot send.
    pub fn of(request_type: &str) -> Option<Self> {
        match request_type {
            "adminAdd" | "userAdd" => Some(Self::Add),
            "adminUpdate" | "userUpdate" => Some(Self::Update),
            "adminRemove" | "userRemove" => Some(Self::Remove),
            _ => None,
        }
    }

    /// Whether a user asks for themselves (and the policy must let them).
    pub fn is_self_service(request_type: &str) -> bool {
        request_type.starts_with("user")
    }
}

/// What a move does besides changing the request's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    /// The first approval stage opens.
    OpenApproval,
    /// The assignment exists, delivering (created for an add, marked for the others).
    StartDelivery,
    /// Delivery succeeded: an add's or update's assignment is delivered, a remove's ends.
    Deliver,
    /// Delivery failed: the assignment says so.
    FailDelivery,
}

/// A move: the state after it, and its effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub to: State,
    pub effect: Effect,
}

impl Move {
    const fn to(to: State, effect: Effect) -> Self {
        Self { to, effect }
    }
}

/// What a request's moves depend on.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub kind: Kind,
    /// Approval stages this request must pass (0 when the policy asks for none, or an
    /// admin asks).
    pub stages: usize,
    /// When access is to start, if the schedule says so.
    pub starts_at: Option<OffsetDateTime>,
    /// Whether delivery is to fail (`x-emulator-delivery: fail`).
    pub fail_delivery: bool,
}

/// Why a move is refused, for the caller's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The state does not move by itself (it waits for an approver, or is final).
    Waiting(State),
    NotCancellable(State),
    NotReprocessable(State),
    NotPendingApproval(State),
}

/// A custom extension the request waited for at its creation never answered: the
/// request fails, as the reference says the process then does.
pub fn callback_timed_out(state: State) -> Result<Move, Refused> {
    match state {
        State::Submitted => Ok(Move::to(State::DeliveryFailed, Effect::None)),
        other => Err(Refused::Waiting(other)),
    }
}

/// The request's next step by itself, at `now`.
pub fn advance(state: State, facts: &Facts, now: OffsetDateTime) -> Result<Move, Refused> {
    match state {
        State::Submitted if facts.stages > 0 => {
            Ok(Move::to(State::PendingApproval, Effect::OpenApproval))
        }
        State::Submitted => Ok(after_approval(facts, now)),
        State::Scheduled => Ok(Move::to(State::Delivering, Effect::StartDelivery)),
        State::Delivering if facts.fail_delivery => {
            Ok(Move::to(State::DeliveryFailed, Effect::FailDelivery))
        }
        State::Delivering => Ok(Move::to(State::Delivered, Effect::Deliver)),
        other => Err(Refused::Waiting(other)),
    }
}

/// Approved (or needing no approval): wait for the start, or deliver.
fn after_approval(facts: &Facts, now: OffsetDateTime) -> Move {
    match facts.starts_at {
        Some(start) if start > now && facts.kind == Kind::Add => {
            Move::to(State::Scheduled, Effect::None)
        }
        _ => Move::to(State::Delivering, Effect::StartDelivery),
    }
}

/// An approver's decision on stage `stage` (0-based) of `facts.stages`.
pub fn decide(
    state: State,
    facts: &Facts,
    stage: usize,
    approve: bool,
    now: OffsetDateTime,
) -> Result<Move, Refused> {
    if state != State::PendingApproval {
        return Err(Refused::NotPendingApproval(state));
    }
    Ok(match approve {
        false => Move::to(State::Denied, Effect::None),
        true if stage + 1 < facts.stages => Move::to(State::PendingApproval, Effect::OpenApproval),
        true => after_approval(facts, now),
    })
}

/// No decision before the stage's time ran out: the request is denied.
pub fn time_out(state: State) -> Result<Move, Refused> {
    match state {
        State::PendingApproval => Ok(Move::to(State::Denied, Effect::None)),
        other => Err(Refused::Waiting(other)),
    }
}

pub fn cancel(state: State) -> Result<Move, Refused> {
    if state.is_cancellable() {
        Ok(Move::to(State::Canceled, Effect::None))
    } else {
        Err(Refused::NotCancellable(state))
    }
}

/// Delivery again, after it failed (reprocess).
pub fn reprocess(state: State) -> Result<Move, Refused> {
    match state {
        State::DeliveryFailed | State::PartiallyDelivered => {
            Ok(Move::to(State::Delivering, Effect::StartDelivery))
        }
        other => Err(Refused::NotReprocessable(other)),
    }
}

/// An assignment's state (beta `assignmentState`), stored in v1.0's spelling, with its
/// status text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentState {
    Delivering,
    Delivered,
    DeliveryFailed,
    Expired,
}

impl AssignmentState {
    pub fn stored(self) -> &'static str {
        match self {
            Self::Delivering => "delivering",
            Self::Delivered => "delivered",
            Self::DeliveryFailed => "deliveryFailed",
            Self::Expired => "expired",
        }
    }

    pub fn status(self) -> &'static str {
        match self {
            Self::Delivering => "Delivering",
            Self::Delivered => "Delivered",
            Self::DeliveryFailed => "DeliveryFailed",
            Self::Expired => "Expired",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn facts(kind: Kind, stages: usize) -> Facts {
        Facts {
            kind,
            stages,
            starts_at: None,
            fail_delivery: false,
        }
    }

    fn run(mut state: State, facts: &Facts, now: OffsetDateTime) -> Vec<State> {
        let mut seen = vec![state];
        while let Ok(step) = advance(state, facts, now) {
            state = step.to;
            seen.push(state);
        }
        seen
    }

    #[test]
    fn a_request_without_approval_goes_straight_to_delivered() {
        let now = OffsetDateTime::now_utc();
        assert_eq!(
            run(State::Submitted, &facts(Kind::Add, 0), now),
            [State::Submitted, State::Delivering, State::Delivered]
        );
    }

    #[test]
    fn approval_stops_it_until_every_stage_approves() {
        let now = OffsetDateTime::now_utc();
        let two = facts(Kind::Add, 2);
        assert_eq!(
            run(State::Submitted, &two, now),
            [State::Submitted, State::PendingApproval]
        );
        let first = decide(State::PendingApproval, &two, 0, true, now).unwrap();
        assert_eq!(
            first,
            Move::to(State::PendingApproval, Effect::OpenApproval)
        );
        let second = decide(State::PendingApproval, &two, 1, true, now).unwrap();
        assert_eq!(second, Move::to(State::Delivering, Effect::StartDelivery));
        assert_eq!(
            decide(State::PendingApproval, &two, 0, false, now)
                .unwrap()
                .to,
            State::Denied
        );
        assert_eq!(
            decide(State::Delivered, &two, 0, true, now),
            Err(Refused::NotPendingApproval(State::Delivered))
        );
    }

    #[test]
    fn a_future_start_waits_scheduled_and_failures_can_be_reprocessed() {
        let now = OffsetDateTime::now_utc();
        let mut later = facts(Kind::Add, 0);
        later.starts_at = Some(now + Duration::days(1));
        assert_eq!(
            run(State::Submitted, &later, now),
            [
                State::Submitted,
                State::Scheduled,
                State::Delivering,
                State::Delivered
            ]
        );
        let mut failing = facts(Kind::Add, 0);
        failing.fail_delivery = true;
        assert_eq!(
            run(State::Submitted, &failing, now).last(),
            Some(&State::DeliveryFailed)
        );
        assert_eq!(
            reprocess(State::DeliveryFailed).unwrap().to,
            State::Delivering
        );
        assert!(reprocess(State::Delivered).is_err());
    }

    #[test]
    fn only_requests_not_yet_delivering_can_be_canceled() {
        for state in State::ALL {
            assert_eq!(cancel(state).is_ok(), state.is_cancellable(), "{state:?}");
            assert_eq!(State::parse(state.stored()), Some(state));
        }
        assert!(cancel(State::Delivering).is_err());
        assert!(State::Delivered.is_final() && !State::Delivering.is_final());
    }
}
