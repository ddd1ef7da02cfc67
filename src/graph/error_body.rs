//! Graph's error body: `{"error":{"code","message","details","innerError":{…}}}`.

use serde::Serialize;
use time::macros::format_description;
use time::OffsetDateTime;

use super::ids::RequestIds;
use crate::error::{Detail, Error};

#[derive(Serialize)]
struct Envelope<'a> {
    error: MainError<'a>,
}

#[derive(Serialize)]
struct MainError<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    details: Vec<DetailBody>,
    #[serde(rename = "innerError")]
    inner_error: InnerError<'a>,
}

#[derive(Serialize)]
struct DetailBody {
    code: &'static str,
    message: String,
    target: String,
}

impl From<Detail> for DetailBody {
    fn from(detail: Detail) -> Self {
        Self {
            code: detail.code,
            message: detail.message,
            target: detail.target,
        }
    }
}

#[derive(Serialize)]
struct InnerError<'a> {
    /// Throttling only, as Graph writes it: `"code":"429"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    date: String,
    /// Throttling only: `"message":"Please retry after"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'static str>,
    #[serde(rename = "request-id")]
    request_id: &'a str,
    /// Throttling only: `"status":"429"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(rename = "client-request-id")]
    client_request_id: &'a str,
}

/// The JSON body for `error`, stamped with this request's ids and the current time.
pub fn render(error: &Error, ids: &RequestIds) -> Vec<u8> {
    // Graph's throttling body carries more in innerError (reference §4.2).
    let throttled = matches!(error, Error::TooManyRequests { .. });
    let envelope = Envelope {
        error: MainError {
            code: error.code(),
            message: error.to_string(),
            details: error.details().into_iter().map(DetailBody::from).collect(),
            inner_error: InnerError {
                code: throttled.then_some("429"),
                message: throttled.then_some("Please retry after"),
                status: throttled.then_some("429"),
                date: inner_error_date(OffsetDateTime::now_utc()),
                request_id: &ids.request_id,
                client_request_id: &ids.client_request_id,
            },
        },
    };
    // Only strings and static codes: serialising cannot fail, but never panic on a request.
    serde_json::to_vec(&envelope).unwrap_or_else(|_| {
        br#"{"error":{"code":"generalException","message":"An unexpected error occurred."}}"#
            .to_vec()
    })
}

/// Graph writes `innerError.date` without fraction or zone: `2023-08-26T08:13:38`.
fn inner_error_date(now: OffsetDateTime) -> String {
    now.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_graph_shape_with_details_only_when_present() {
        let ids = RequestIds {
            request_id: "r".into(),
            client_request_id: "c".into(),
        };
        let body: serde_json::Value =
            serde_json::from_slice(&render(&Error::ResourceNotFound, &ids)).unwrap();
        let error = &body["error"];
        assert_eq!(error["code"], "ResourceNotFound");
        assert_eq!(error["message"], "The resource was not found.");
        assert!(error.get("details").is_none());
        assert_eq!(error["innerError"]["request-id"], "r");
        assert_eq!(error["innerError"]["client-request-id"], "c");
        let date = error["innerError"]["date"].as_str().unwrap();
        assert_eq!(date.len(), "2023-08-26T08:13:38".len(), "{date}");
    }
}
