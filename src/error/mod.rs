//! The one error type. Every failure a request can meet is a variant here, and each variant
//! knows its HTTP status and Graph error code; `graph::error_body` turns it into Graph's
//! `{"error":{…}}` body.

mod database;
mod signin;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

pub use self::database::{connections_lost, is_lost};
pub use self::signin::SignInError;

/// Which part of Graph words an error: Entitlement Management answers
/// `ResourceNotFound`/`InvalidModel`; the directory (users, groups) answers
/// `Request_ResourceNotFound`/`Request_BadRequest`. Declarations say which is theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errors {
    EntitlementManagement,
    Directory,
}

impl Errors {
    /// `POST …/{relation}/$ref` naming an object linked already. The directory's words
    /// are Graph's; Entitlement Management documents none, so it answers in the same
    /// status with its own code (docs/src/decisions.md).
    pub fn link_exists(self, relation: &str, id: &str) -> Error {
        match self {
            Self::Directory => Error::rule(
                400,
                "Request_BadRequest",
                format!("One or more added object references already exist for the following modified properties: '{relation}'."),
            ),
            Self::EntitlementManagement => Error::rule(
                400,
                "InvalidRequest",
                format!("'{id}' is in {relation} already."),
            ),
        }
    }

    /// `POST …/$ref` whose `@odata.id` names no object.
    pub fn bad_reference(self, given: &str) -> Error {
        match self {
            Self::Directory => Error::rule(
                400,
                "Request_BadRequest",
                format!("Invalid object identifier '{given}'."),
            ),
            Self::EntitlementManagement => Error::invalid_value(
                "@odata.id",
                format!("'{given}' is not the URL of an object: send {{\"@odata.id\": \"https://graph.microsoft.com/v1.0/…/{{id}}\"}}."),
            ),
        }
    }

    /// `POST …/{relation}/$ref` naming the object the link is from.
    pub fn self_link(self, relation: &str) -> Error {
        let message = format!("An object can not be in its own {relation}.");
        match self {
            Self::Directory => Error::rule(400, "Request_BadRequest", message),
            Self::EntitlementManagement => Error::rule(400, "InvalidRequest", message),
        }
    }
}

/// One entry of Graph's `error.details`: which property was wrong and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub code: &'static str,
    pub message: String,
    pub target: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("Access token is empty.")]
    MissingAccessToken,

    /// A token that failed verification (`auth.mode = "jwt"`); the message says why.
    #[error("{0}")]
    InvalidAuthenticationToken(String),

    /// A genuine token without the permission the request needs, worded as the part of
    /// Graph the path belongs to words it (reference §4.2): Entitlement Management's
    /// `UnAuthorized`, or the directory's `Authorization_RequestDenied`.
    #[error("{}", access_denied_message(*.0))]
    AccessDenied(Errors),

    #[error("The request body must be sent with Content-Type: application/json.")]
    UnsupportedMediaType,

    #[error("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")]
    MalformedJson,

    /// The body is JSON but does not fit the type: unknown property, wrong JSON type.
    #[error("{0}")]
    RequestBodyRead(String),

    /// A query option that cannot be parsed or does not fit the resource type.
    #[error("{0}")]
    InvalidQuery(String),

    /// A `$filter` literal that is not a GUID, compared with an id: Entitlement
    /// Management's own code and wording (reference §4.2, Microsoft365DSC#4032).
    #[error("OData query is invalid: Unrecognized Guid format")]
    UnrecognizedGuid,

    #[error("Model is not valid.")]
    InvalidModel(Vec<Detail>),

    #[error("The resource was not found.")]
    ResourceNotFound,

    /// An entity a request names (by a binding or a reference) does not exist; `target` is
    /// the property that named it, `entity` its type's short name.
    #[error("The resource was not found.")]
    RelatedNotFound {
        target: String,
        entity: &'static str,
        id: String,
    },

    /// A rule a declaration states (a unique name, rows that block a delete, a built-in
    /// row), with the status and code it declares.
    #[error("{message}")]
    Rule {
        status: u16,
        code: &'static str,
        message: String,
        details: Vec<Detail>,
    },

    /// A fixture for seeding that cannot be loaded; the message names row and property.
    #[error("The fixture was not loaded: {0}")]
    InvalidFixture(String),

    #[error(
        "The request body is larger than the emulator accepts (setting limits.max_body_bytes)."
    )]
    RequestEntityTooLarge,

    #[error("Resource not found for the segment '{0}'.")]
    UnknownSegment(String),

    #[error("Specified HTTP method is not allowed for the request target.")]
    MethodNotAllowed,

    /// Throttled (an injected fault): Graph's 429, with `Retry-After`.
    #[error("Please retry again later.")]
    TooManyRequests { retry_after_secs: u64 },

    /// A 5xx asked for by fault injection.
    #[error("{}", fault_message(*.0))]
    InjectedFault(u16),

    /// A `$batch` item whose `dependsOn` did not succeed; it was not run.
    #[error("The request depends on request '{0}', which failed.")]
    FailedDependency(String),

    /// A `$batch` envelope (or one of its items) that breaks batching's rules.
    #[error("{0}")]
    InvalidBatch(String),

    /// A fault configuration (`PUT /_emulator/faults`) that cannot be used.
    #[error("The faults were not changed: {0}")]
    InvalidFaults(String),

    /// A request header with a value the emulator cannot act on.
    #[error("{0}")]
    InvalidRequestHeader(String),

    /// The database stayed locked (by another process) past the busy timeout.
    #[error("The service is temporarily unavailable. Retry the request.")]
    ServiceUnavailable,

    /// Any other 4xx that actix produced on its own; carries the status it chose.
    #[error("{1}")]
    BadRequest(StatusCode, String),

    /// Everything unexpected. The cause is logged, never sent.
    #[error("An unexpected error occurred.")]
    Internal(String),

    /// A sign-in failure, answered with Entra ID's error body instead of Graph's.
    #[error("{}", .0.description)]
    SignIn(SignInError),

    /// An Azure Resource Manager failure (`routes::resource_manager`), answered with ARM's
    /// error body: `{"error": {"code", "message"}}`.
    #[error("{message}")]
    ResourceManager {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

impl Error {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn rule(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self::Rule {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// A `Rule` whose `details` name the property it is about.
    pub fn rule_on(
        status: u16,
        code: &'static str,
        message: impl Into<String>,
        detail: &'static str,
        target: &str,
    ) -> Self {
        let message = message.into();
        Self::Rule {
            status,
            code,
            details: vec![Detail {
                code: detail,
                message: message.clone(),
                target: target.to_owned(),
            }],
            message,
        }
    }

    /// One problem with one property, as `InvalidModel` writes it.
    pub fn invalid_value(target: &str, message: impl Into<String>) -> Self {
        Self::InvalidModel(vec![Detail {
            code: "InvalidValue",
            message: message.into(),
            target: target.to_owned(),
        }])
    }

    /// A required property that is absent, as `InvalidModel` writes it.
    pub fn missing_value(target: &str, message: impl Into<String>) -> Self {
        Self::InvalidModel(vec![Detail {
            code: "MissingProperty",
            message: message.into(),
            target: target.to_owned(),
        }])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingAccessToken | Self::InvalidAuthenticationToken(_) => {
                StatusCode::UNAUTHORIZED
            }
            Self::AccessDenied(_) => StatusCode::FORBIDDEN,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::MalformedJson
            | Self::RequestBodyRead(_)
            | Self::InvalidModel(_)
            | Self::InvalidFixture(_)
            | Self::InvalidFaults(_)
            | Self::InvalidBatch(_)
            | Self::InvalidQuery(_)
            | Self::UnrecognizedGuid
            | Self::UnknownSegment(_) => StatusCode::BAD_REQUEST,
            Self::ResourceNotFound | Self::RelatedNotFound { .. } => StatusCode::NOT_FOUND,
            Self::Rule { status, .. } => status_or_500(*status),
            Self::RequestEntityTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::InjectedFault(status) => status_or_500(*status),
            Self::InvalidRequestHeader(_) => StatusCode::BAD_REQUEST,
            Self::FailedDependency(_) => StatusCode::FAILED_DEPENDENCY,
            Self::BadRequest(status, _) => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::SignIn(error) => error.status,
            Self::ResourceManager { status, .. } => *status,
        }
    }

    /// Graph's `error.code`. Entitlement Management uses PascalCase codes
    /// (reference §4.2); the gateway's own ones keep their spelling.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAccessToken | Self::InvalidAuthenticationToken(_) => {
                "InvalidAuthenticationToken"
            }
            Self::AccessDenied(Errors::EntitlementManagement) => "UnAuthorized",
            Self::AccessDenied(Errors::Directory) => "Authorization_RequestDenied",
            Self::UnsupportedMediaType => "UnsupportedMediaType",
            Self::MalformedJson
            | Self::UnknownSegment(_)
            | Self::InvalidQuery(_)
            | Self::BadRequest(..) => "BadRequest",
            Self::RequestBodyRead(_) => "RequestBodyRead",
            Self::UnrecognizedGuid => "InvalidFilter",
            Self::InvalidModel(_) => "InvalidModel",
            Self::ResourceNotFound | Self::RelatedNotFound { .. } => "ResourceNotFound",
            Self::Rule { code, .. } => code,
            Self::InvalidFixture(_) => "InvalidFixture",
            Self::InvalidFaults(_) => "InvalidFaults",
            Self::RequestEntityTooLarge => "RequestEntityTooLarge",
            Self::MethodNotAllowed => "Request_BadRequest",
            Self::ServiceUnavailable | Self::InjectedFault(503) => "serviceNotAvailable",
            Self::TooManyRequests { .. } => "TooManyRequests",
            Self::InjectedFault(504) => "timeout",
            Self::InjectedFault(_) => "generalException",
            Self::InvalidRequestHeader(_) | Self::InvalidBatch(_) => "BadRequest",
            Self::FailedDependency(_) => "FailedDependency",
            Self::Internal(_) => "generalException",
            Self::SignIn(error) => error.error,
            Self::ResourceManager { code, .. } => code,
        }
    }

    /// Seconds for `Retry-After`: Graph sends it with 429 and 503, and the SDKs' retry
    /// handlers honour it.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            Self::ServiceUnavailable | Self::InjectedFault(503) => Some(1),
            _ => None,
        }
    }

    pub fn details(&self) -> Vec<Detail> {
        match self {
            Self::InvalidModel(details) | Self::Rule { details, .. } => details.clone(),
            Self::RelatedNotFound { target, entity, id } => vec![Detail {
                code: "ResourceNotFound",
                message: format!("No {entity} with id '{id}' exists."),
                target: target.clone(),
            }],
            _ => Vec::new(),
        }
    }

    /// Classifies an error that actix raised itself (an extractor, the router) by its status.
    pub fn from_foreign(status: StatusCode, message: String) -> Self {
        match status {
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed,
            StatusCode::NOT_FOUND => Self::ResourceNotFound,
            s if s.is_client_error() => Self::BadRequest(s, message),
            _ => Self::Internal(message),
        }
    }
}

fn access_denied_message(dialect: Errors) -> &'static str {
    match dialect {
        Errors::EntitlementManagement => {
            "User is not authorized to perform the operation. Reason: Unauthorized"
        }
        Errors::Directory => "Insufficient privileges to complete the operation.",
    }
}

fn status_or_500(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The message of an injected 5xx, as Graph words its own.
fn fault_message(status: u16) -> &'static str {
    match status {
        503 => "The service is temporarily unavailable. Retry the request.",
        504 => "The operation timed out.",
        _ => "General exception while processing.",
    }
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    /// The body is written by `graph::request_context`, which knows the request ids;
    /// here only the status is set and the error stays attached to the response.
    fn error_response(&self) -> HttpResponse {
        HttpResponse::new(self.status())
    }
}
