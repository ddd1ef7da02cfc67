//! Who may use the control surface (`/_emulator/`: reset, seed, export with every secret's
//! digest, the clock, faults). It listens on the developer's machine, and so does every web
//! page they open: a page can send it a cross-site request without a preflight (a form, or
//! `fetch` with a `text/plain` body), and by DNS rebinding (its own name answered with
//! 127.0.0.1) it can even read the answers as same-origin. So, besides `admin.token`:
//! - `Host` must name this machine: a loopback name (`localhost`, `*.localhost`), an IP
//!   literal (rebinding needs a name), the host of `server.public_url`, or one of
//!   `admin.allowed_hosts` (`"*"`: any);
//! - an `Origin`, which browsers send on every cross-origin request, must be the emulator's
//!   own, and `Sec-Fetch-Site` must not say `cross-site`;
//! - a body must be JSON, which a page cannot send cross-site without a preflight;
//! - with `auth.mode = "jwt"`, which says Graph is to be guarded, the control surface needs
//!   `admin.token` too, unless `admin.open = true` says it is meant to be open.
//!
//! Health, the OpenAPI document and the certificate stay open to all: they reveal no state.

use std::net::IpAddr;

use actix_web::http::header::{HeaderMap, CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN};

use crate::configuration::AdminSettings;
use crate::secret::sha256;
use crate::Error;

/// Admin paths always open: health for container health checks, the OpenAPI document,
/// which describes the API, and the certificate HTTPS presents to everyone anyway. None
/// reveals state.
const ALWAYS_OPEN: [&str; 3] = [
    "/_emulator/health",
    "/_emulator/openapi.json",
    "/_emulator/certificate",
];

pub struct ControlGuard {
    token: Option<String>,
    /// Host names allowed besides loopback names and IP literals, lower case.
    hosts: Vec<String>,
    any_host: bool,
    /// jwt mode with no token and no `admin.open`: closed.
    closed: bool,
}

fn refused(message: impl Into<String>) -> Error {
    Error::rule(403, "Forbidden", message)
}

impl ControlGuard {
    /// `public_authority`: host and port of `server.public_url`, if one is set.
    pub fn new(admin: &AdminSettings, public_authority: Option<&str>, jwt: bool) -> Self {
        let mut hosts: Vec<String> = admin
            .allowed_hosts
            .iter()
            .map(|host| host.trim().to_ascii_lowercase())
            .collect();
        hosts.extend(public_authority.map(|authority| host_name(authority).to_ascii_lowercase()));
        let token = (!admin.token.is_empty()).then(|| admin.token.clone());
        Self {
            any_host: hosts.iter().any(|host| host == "*"),
            hosts,
            closed: jwt && token.is_none() && !admin.open,
            token,
        }
    }

    /// Whether a request to `path` (`/_emulator/…`) may go on.
    pub fn admit(&self, path: &str, headers: &HeaderMap) -> Result<(), Error> {
        if ALWAYS_OPEN.contains(&path) {
            return Ok(());
        }
        self.check_host(headers)?;
        check_origin(headers)?;
        check_body(headers)?;
        if self.closed {
            return Err(Error::InvalidAuthenticationToken(
                "With auth.mode = \"jwt\" the control surface needs admin.token (or admin.open = true)."
                    .to_owned(),
            ));
        }
        match &self.token {
            Some(expected) => match crate::graph::bearer::token(headers) {
                // Compared as digests: equal time whatever the first difference.
                Some(token) if sha256(token) == sha256(expected) => Ok(()),
                _ => Err(Error::InvalidAuthenticationToken(
                    "The emulator's admin token (admin.token) is required for /_emulator/."
                        .to_owned(),
                )),
            },
            None => Ok(()),
        }
    }

    fn check_host(&self, headers: &HeaderMap) -> Result<(), Error> {
        // No Host at all is no browser.
        let Some(host) = headers.get(HOST) else {
            return Ok(());
        };
        let host = host.to_str().unwrap_or_default();
        let name = host_name(host).to_ascii_lowercase();
        let allowed = self.any_host
            || name == "localhost"
            || name.ends_with(".localhost")
            || name.parse::<IpAddr>().is_ok()
            || self.hosts.contains(&name);
        match allowed {
            true => Ok(()),
            false => Err(refused(format!(
                "The control surface answers only to this machine's names; '{host}' is not one (add it to admin.allowed_hosts)."
            ))),
        }
    }
}

/// The name in a `Host` value: without the port, and an IPv6 literal without brackets.
fn host_name(host: &str) -> &str {
    let host = host.trim();
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// A browser's cross-origin request says so: its `Origin` is another site's, or
/// `Sec-Fetch-Site` is `cross-site`.
fn check_origin(headers: &HeaderMap) -> Result<(), Error> {
    let text = |name: &str| {
        headers
            .get(name)
            .map(|value| value.to_str().unwrap_or("\u{fffd}").trim())
    };
    if text("sec-fetch-site").is_some_and(|site| site.eq_ignore_ascii_case("cross-site")) {
        return Err(refused(
            "The control surface does not answer cross-site requests.",
        ));
    }
    let Some(origin) = text(ORIGIN.as_str()) else {
        return Ok(());
    };
    let host = text(HOST.as_str()).unwrap_or_default();
    let own = origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host));
    match own {
        true => Ok(()),
        false => Err(refused(format!(
            "The control surface does not answer requests from other origins ('{origin}')."
        ))),
    }
}

/// A body must be declared JSON: a page can POST `text/plain` or a form anywhere without
/// asking first, but not JSON.
fn check_body(headers: &HeaderMap) -> Result<(), Error> {
    let has_body = headers
        .get(CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok())
        .map_or(headers.contains_key("transfer-encoding"), |length| {
            length.trim() != "0"
        });
    if !has_body {
        return Ok(());
    }
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .is_some_and(|media| media == "application/json" || media.ends_with("+json"));
    match json {
        true => Ok(()),
        false => Err(Error::UnsupportedMediaType),
    }
}

#[cfg(test)]
mod tests {
    use super::host_name;

    #[test]
    fn the_name_of_a_host_value() {
        assert_eq!(host_name("localhost:8080"), "localhost");
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("[::1]"), "::1");
        assert_eq!(host_name("example.com"), "example.com");
        assert_eq!(host_name("127.0.0.1"), "127.0.0.1");
    }
}
