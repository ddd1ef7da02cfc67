//! What names a tenant: a GUID, or a verified domain name (`contoso.onmicrosoft.com`) as
//! Entra takes in place of one. Every tenant is known by a lower-case hyphenated GUID; a
//! domain name stands for the GUID derived from it (UUID v5 in the DNS namespace), so the
//! same name reaches the same tenant on every run without a registry. The GUID is also the
//! tenant's file name: nothing else ever reaches a path.

use std::fmt;

use uuid::Uuid;

/// A tenant's id: a lower-case hyphenated GUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

impl TenantId {
    /// The tenant `name` addresses: a GUID in its hyphenated form (any case), or a
    /// domain-like name (labels of letters, digits and hyphens, at least two); anything else
    /// names no tenant.
    pub fn parse(name: &str) -> Option<Self> {
        if name.len() == 36 {
            if let Ok(guid) = Uuid::try_parse(name) {
                return Some(Self(guid.hyphenated().to_string()));
            }
        }
        is_domain(name).then(|| {
            let guid = Uuid::new_v5(&Uuid::NAMESPACE_DNS, name.to_ascii_lowercase().as_bytes());
            Self(guid.hyphenated().to_string())
        })
    }

    /// A tenant no one has named yet.
    pub fn random() -> Self {
        Self(Uuid::new_v4().hyphenated().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A DNS name as Entra's verified domains are: at least two labels of 1 to 63 letters,
/// digits or inner hyphens, 253 characters at most.
fn is_domain(name: &str) -> bool {
    let label = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    name.len() <= 253 && name.split('.').count() >= 2 && name.split('.').all(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_in_any_case_are_one_tenant() {
        let lower = TenantId::parse("72f988bf-86f1-41af-91ab-2d7cd011db47");
        let upper = TenantId::parse("72F988BF-86F1-41AF-91AB-2D7CD011DB47");
        assert_eq!(lower, upper);
        assert_eq!(
            lower.as_ref().map(TenantId::as_str),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
    }

    #[test]
    fn a_domain_stands_for_one_guid_whatever_its_case() {
        let name = TenantId::parse("contoso.onmicrosoft.com");
        assert_eq!(name, TenantId::parse("Contoso.OnMicrosoft.com"));
        assert_ne!(name, TenantId::parse("fabrikam.onmicrosoft.com"));
        let id = name.map(|id| id.as_str().to_owned()).unwrap_or_default();
        assert_eq!(Uuid::try_parse(&id).map(|g| g.get_version_num()), Ok(5));
    }

    #[test]
    fn nothing_else_names_a_tenant() {
        for name in [
            "",
            "..",
            "../etc",
            "a/b.c",
            "a\\b.c",
            "localhost",
            "common",
            "x..y",
            "-a.b",
            "a-.b",
            "a.b/../c",
            "%2e%2e",
            "72f988bf86f141af91ab2d7cd011db47",
            "{72f988bf-86f1-41af-91ab-2d7cd011db47}",
            "urn:uuid:72f988bf-86f1-41af-91ab-2d7cd011db47",
            "a.b\0",
        ] {
            assert_eq!(TenantId::parse(name), None, "{name:?}");
        }
        assert!(TenantId::parse(&format!("{}.com", "a".repeat(64))).is_none());
    }
}
