//! The one place that turns declared entities into each dialect's JSON and back: beta's
//! and v1.0's property names, enum spellings and complex shapes, how a request binds a
//! navigation, and the fixture format seed and export use.

mod binds;
mod decode;
pub mod fixture;
mod project;

pub use decode::{decode, decode_under};
pub use project::{project, project_typed, project_value};

pub(crate) use crate::model::json::describe;

/// The id at the end of an `@odata.bind` or `@odata.id` URL, whatever its host:
/// `https://graph.microsoft.com/v1.0/…/catalogs('id')` or `…/catalogs/id`.
pub fn trailing_id(url: &str) -> Option<&str> {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/');
    let last = path.rsplit('/').next()?;
    let id = match last.split_once('(') {
        Some((_, key)) => key
            .trim_end_matches(')')
            .trim_matches(|c| c == '\'' || c == '"'),
        None => last,
    };
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::trailing_id;

    #[test]
    fn bind_urls_give_their_trailing_id_whatever_the_host() {
        for url in [
            "https://graph.microsoft.com/beta/identityGovernance/entitlementManagement/accessPackageCatalogs('abc')",
            "http://localhost:8080/v1.0/identityGovernance/entitlementManagement/catalogs/abc",
            "catalogs(abc)",
            "/groups/abc/",
        ] {
            assert_eq!(trailing_id(url), Some("abc"), "{url}");
        }
        assert_eq!(trailing_id(""), None);
    }
}
