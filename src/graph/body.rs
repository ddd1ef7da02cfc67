//! Request bodies as Graph reads them: JSON only, within the size limit, every property
//! known to the entity type, every value of the declared JSON type. Each failure gets the
//! Graph error a client would see from the real service.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::error::PayloadError;
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Deserialize;

use crate::Error;

/// A body type an endpoint accepts.
pub trait RequestBody: DeserializeOwned {
    /// The OData type named in errors, e.g. `microsoft.graph.accessPackage`.
    const ENTITY_TYPE: &'static str;
    /// Read-only properties of the type. Clients often send back what they read, so these
    /// are accepted and ignored rather than refused.
    const READ_ONLY: &'static [&'static str];

    /// Properties the body carried that its type does not declare.
    fn undeclared(&self) -> &UndeclaredProperties;
}

/// Collects, via `#[serde(flatten)]`, the properties a body type does not declare, so that
/// they can be named in the error rather than silently dropped.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct UndeclaredProperties(BTreeMap<String, IgnoredAny>);

impl UndeclaredProperties {
    fn first_unknown(&self, read_only: &[&str]) -> Option<&str> {
        self.0
            .keys()
            .map(String::as_str)
            // OData annotations (`@odata.type`, `catalog@odata.bind`) are not properties.
            .find(|name| !name.contains('@') && !read_only.contains(name))
    }
}

/// Extracts and checks a JSON body of type `T`.
pub struct GraphJson<T>(pub T);

impl<T> GraphJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: RequestBody + 'static> FromRequest for GraphJson<T> {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = {
            let essence = req.content_type();
            essence.eq_ignore_ascii_case("application/json")
                || essence.to_ascii_lowercase().ends_with("+json")
        };
        // The size limit is actix's `PayloadConfig`, registered in `startup`.
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(Error::UnsupportedMediaType);
            }
            let bytes = bytes
                .await
                .map_err(|error| match error.as_error::<PayloadError>() {
                    Some(PayloadError::Overflow) => Error::RequestEntityTooLarge,
                    _ => Error::from_foreign(
                        actix_web::http::StatusCode::BAD_REQUEST,
                        error.to_string(),
                    ),
                })?;
            decode(&bytes).map(GraphJson)
        })
    }
}

/// Syntax first (400 BadRequest), then shape (400 RequestBodyRead naming the property).
pub fn decode<T: RequestBody>(bytes: &[u8]) -> Result<T, Error> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| Error::MalformedJson)?;
    if !value.is_object() {
        return Err(Error::RequestBodyRead(format!(
            "The request body must be a JSON object representing a '{}'.",
            T::ENTITY_TYPE
        )));
    }
    // Going through `Value` gives serde's message without line and column, and
    // serde_path_to_error adds which property it is about.
    let body: T = serde_path_to_error::deserialize(value).map_err(|error| {
        Error::RequestBodyRead(format!(
            "Cannot read the value of property '{}' of type '{}': {}.",
            error.path(),
            T::ENTITY_TYPE,
            error.inner()
        ))
    })?;
    if let Some(name) = body.undeclared().first_unknown(T::READ_ONLY) {
        return Err(Error::RequestBodyRead(format!(
            "The property '{name}' does not exist on type '{}'. Make sure to only use property names that are defined by the type or mark the type as open type.",
            T::ENTITY_TYPE
        )));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Sample {
        display_name: Option<String>,
        is_hidden: Option<bool>,
        #[serde(flatten)]
        undeclared: UndeclaredProperties,
    }

    impl RequestBody for Sample {
        const ENTITY_TYPE: &'static str = "microsoft.graph.sample";
        const READ_ONLY: &'static [&'static str] = &["id"];
        fn undeclared(&self) -> &UndeclaredProperties {
            &self.undeclared
        }
    }

    fn message(result: Result<Sample, Error>) -> String {
        match result {
            Err(Error::RequestBodyRead(message)) => message,
            other => panic!("expected RequestBodyRead, got {other:?}"),
        }
    }

    #[test]
    fn known_read_only_and_annotation_properties_are_accepted() {
        let body: Sample = decode(
            br##"{"displayName":"x","isHidden":null,"id":"ignored","@odata.type":"#microsoft.graph.sample"}"##,
        )
        .expect("valid");
        assert_eq!(body.display_name.as_deref(), Some("x"));
        assert_eq!(body.is_hidden, None);
    }

    #[test]
    fn an_unknown_property_is_named() {
        let message = message(decode(br#"{"displayName":"x","colour":"red"}"#));
        assert!(
            message.starts_with(
                "The property 'colour' does not exist on type 'microsoft.graph.sample'."
            ),
            "{message}"
        );
    }

    #[test]
    fn a_wrong_type_names_the_property_without_line_numbers() {
        let message = message(decode(br#"{"isHidden":"yes"}"#));
        assert_eq!(
            message,
            "Cannot read the value of property 'isHidden' of type 'microsoft.graph.sample': invalid type: string \"yes\", expected a boolean."
        );
    }

    #[test]
    fn malformed_json_and_non_objects_are_told_apart() {
        assert!(matches!(
            decode::<Sample>(b"{\"displayName\":"),
            Err(Error::MalformedJson)
        ));
        assert!(matches!(decode::<Sample>(b""), Err(Error::MalformedJson)));
        assert!(matches!(
            decode::<Sample>(b"[1,2]"),
            Err(Error::RequestBodyRead(_))
        ));
    }
}
