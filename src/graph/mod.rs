//! Microsoft Graph's wire format, in one place: service-root URLs, request-body decoding,
//! `@odata.context` and OData response headers, error bodies, request ids, the answers for
//! unknown paths and methods, `$batch`, and (`wire`) every entity's JSON per version; and
//! beside it the bodies of Entra's sign-in (`entra`) and Azure Resource Manager's few
//! answers (`resource_manager`).

pub mod batch;
pub mod bearer;
pub mod body;
pub mod entra;
pub mod error_body;
pub mod ids;
pub mod panics;
pub mod request_context;
pub mod resource_manager;
pub mod response;
pub mod routing;
pub mod signin_endpoints;
pub mod version;
pub mod wire;

pub use body::{JsonBody, OptionalJsonBody};
pub use version::{PublicUrl, ServiceRoot};
