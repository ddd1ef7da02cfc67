//! Microsoft Graph's wire format, in one place: API versions and service-root URLs,
//! request-body decoding, `@odata.context` and OData response headers, error bodies,
//! request ids, and the answers for unknown paths and methods.

pub mod batch;
pub mod body;
pub mod error_body;
pub mod odata;
pub mod request_context;
pub mod response;
pub mod routing;
pub mod version;

pub use body::{GraphJson, RequestBody, UndeclaredProperties};
pub use version::{ApiVersion, Beta, PublicUrl, ServiceRoot, V1};
