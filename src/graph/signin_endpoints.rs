//! The URLs Entra ID serves sign-in at, which the emulator answers on its own base URL:
//! part of the URL space like Graph's, so routing and middleware tell them apart here
//! (`crate::signin` serves them).

/// What a sign-in path asks for; `tenant` is the path's first segment as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint<'a> {
    /// `/metadata/endpoints`: the cloud's endpoints, as Azure Resource Manager lists them.
    Metadata,
    /// `/{tenant}/oauth2/v2.0/token`, or v1's `/{tenant}/oauth2/token`.
    Token { tenant: &'a str, v1: bool },
    /// `/{tenant}/v2.0/.well-known/openid-configuration`, or v1's without `v2.0`.
    Configuration { tenant: &'a str, v1: bool },
    /// `/{tenant}/discovery/v2.0/keys`, or v1's `/{tenant}/discovery/keys`.
    Keys { tenant: &'a str, v1: bool },
    /// `/{tenant}/discovery/instance` (MSAL asks `common`).
    Instance,
}

impl<'a> Endpoint<'a> {
    /// The endpoint a (percent-decoded) path names. Leading slashes are skipped: a login
    /// endpoint written with a trailing slash makes go-azure-sdk ask `//{tenant}/oauth2/…`.
    pub fn parse(path: &'a str) -> Option<Self> {
        // Most requests are Graph's: rule them out before splitting.
        const ENDS: [&str; 4] = ["/token", "/openid-configuration", "/keys", "/instance"];
        if !ENDS.iter().any(|end| path.ends_with(end)) && !path.ends_with("/metadata/endpoints") {
            return None;
        }
        let mut segments = path.trim_start_matches('/').split('/');
        let first = segments.next().filter(|s| !s.is_empty())?;
        let rest: Vec<&str> = segments.collect();
        Some(match (first, rest.as_slice()) {
            ("metadata", ["endpoints"]) => Self::Metadata,
            (tenant, ["oauth2", "v2.0", "token"]) => Self::Token { tenant, v1: false },
            (tenant, ["oauth2", "token"]) => Self::Token { tenant, v1: true },
            (tenant, ["v2.0", ".well-known", "openid-configuration"]) => {
                Self::Configuration { tenant, v1: false }
            }
            (tenant, [".well-known", "openid-configuration"]) => {
                Self::Configuration { tenant, v1: true }
            }
            (tenant, ["discovery", "v2.0", "keys"]) => Self::Keys { tenant, v1: false },
            (tenant, ["discovery", "keys"]) => Self::Keys { tenant, v1: true },
            (_, ["discovery", "instance"]) => Self::Instance,
            _ => return None,
        })
    }
}

/// Whether middleware is looking at a sign-in request (by the routed path).
pub fn is_signin_path(path: &str) -> bool {
    Endpoint::parse(path).is_some()
}
