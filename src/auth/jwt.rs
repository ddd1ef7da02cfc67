//! `auth.mode = "jwt"`: bearer tokens verified offline, as Graph's gateway would — the
//! signature (HS256 with a shared secret, RS256/ES256 against a JWKS file), `exp`/`nbf`
//! with clock skew, `aud`, optionally `iss` — then the permission the request needs, from
//! `scp` (delegated) or `roles` (application).

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::configuration::{ConfigurationError, JwtSettings};
use crate::signin::OwnKey;
use crate::Error;

pub const READ: &str = "EntitlementManagement.Read.All";
pub const READ_WRITE: &str = "EntitlementManagement.ReadWrite.All";
/// The tenant of personal Microsoft accounts, which the API does not support.
const CONSUMER_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// The claims the emulator reads or mints. The registered ones (aud, iss, exp, nbf, iat)
/// are checked by jsonwebtoken from the raw token and only written here, so an `aud` array
/// or a fractional `exp` cannot make an otherwise valid token unreadable.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Claims {
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub aud: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub exp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub nbf: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub iat: Option<u64>,
    /// Delegated permissions, space-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    /// Application permissions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_displayname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    /// The directory object the token speaks for (the user, or the app's service principal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
}

impl Claims {
    fn permissions(&self) -> HashSet<&str> {
        let delegated = self.scp.as_deref().unwrap_or_default().split_whitespace();
        let application = self.roles.iter().flatten().map(String::as_str);
        delegated.chain(application).collect()
    }

    /// Whether the token grants what a read (or a write) needs.
    pub fn allows(&self, write: bool) -> bool {
        let granted = self.permissions();
        granted.contains(READ_WRITE) || (!write && granted.contains(READ))
    }

    /// Who the token speaks for: the user, or for an app-only token the app.
    pub fn actor(&self) -> Option<String> {
        [
            &self.upn,
            &self.preferred_username,
            &self.unique_name,
            &self.app_displayname,
            &self.appid,
        ]
        .into_iter()
        .flatten()
        .find(|name| !name.trim().is_empty())
        .cloned()
    }
}

/// The keys and rules tokens are checked against, loaded once at start-up.
pub struct Verifier {
    secret: Option<DecodingKey>,
    /// (kid, algorithm, key) from the JWKS file.
    published: Vec<(Option<String>, Algorithm, DecodingKey)>,
    /// The key the emulator's own sign-in signs with (`crate::signin`).
    own: Option<OwnKey>,
    settings: JwtSettings,
}

impl Verifier {
    pub fn load(settings: &JwtSettings, own: Option<OwnKey>) -> Result<Self, ConfigurationError> {
        let secret = (!settings.hs256_secret.is_empty())
            .then(|| DecodingKey::from_secret(settings.hs256_secret.as_bytes()));
        let mut published = Vec::new();
        if !settings.jwks_file.is_empty() {
            let key = "auth.jwt.jwks_file";
            let text = std::fs::read_to_string(&settings.jwks_file).map_err(|e| {
                ConfigurationError::key(key, format!("{}: {e}", settings.jwks_file))
            })?;
            let set: JwkSet = serde_json::from_str(&text)
                .map_err(|e| ConfigurationError::key(key, format!("not a JWKS: {e}")))?;
            for jwk in &set.keys {
                let algorithm = match &jwk.algorithm {
                    AlgorithmParameters::RSA(_) => Algorithm::RS256,
                    AlgorithmParameters::EllipticCurve(_) => Algorithm::ES256,
                    _ => continue,
                };
                let decoding = DecodingKey::from_jwk(jwk)
                    .map_err(|e| ConfigurationError::key(key, format!("unusable key: {e}")))?;
                published.push((jwk.common.key_id.clone(), algorithm, decoding));
            }
        }
        if secret.is_none() && published.is_empty() && own.is_none() {
            return Err(ConfigurationError::key(
                "auth.jwt",
                "jwt mode needs auth.jwt.hs256_secret, an auth.jwt.jwks_file with RSA or EC keys, or sign-in served (--tls or auth.signin.allow_http) for the emulator's own tokens",
            ));
        }
        Ok(Self {
            secret,
            published,
            own,
            settings: settings.clone(),
        })
    }

    /// The token's claims if it is genuine, current and meant for Graph.
    pub fn verify(&self, token: &str) -> Result<Claims, Error> {
        let invalid = |message: &str| Error::InvalidAuthenticationToken(message.to_owned());
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| invalid("CompactToken parsing failed with error code: 80049217"))?;
        if let Some(own) = &self.own {
            if header.alg == Algorithm::RS256 && header.kid.as_deref() == Some(own.kid.as_str()) {
                return self.verify_own(token, own);
            }
        }
        let keys: Vec<&DecodingKey> = match header.alg {
            Algorithm::HS256 => self.secret.iter().collect(),
            Algorithm::RS256 | Algorithm::ES256 => self
                .published
                .iter()
                .filter(|(kid, alg, _)| {
                    *alg == header.alg && (header.kid.is_none() || *kid == header.kid)
                })
                .map(|(_, _, key)| key)
                .collect(),
            _ => Vec::new(),
        };
        if keys.is_empty() {
            return Err(invalid(
                "Access token validation failure. Invalid signing key.",
            ));
        }
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.settings.clock_skew_secs;
        validation.validate_nbf = true;
        validation.set_audience(&self.settings.audiences);
        // A token for no audience is no Graph token (jsonwebtoken checks `aud` only when
        // the token has one).
        validation.set_required_spec_claims(&["exp", "aud"]);
        if !self.settings.issuers.is_empty() {
            validation.set_issuer(&self.settings.issuers);
        }
        let mut last = invalid("Access token validation failure.");
        for key in keys {
            match jsonwebtoken::decode::<Claims>(token, key, &validation) {
                Ok(data) => {
                    if data.claims.tid.as_deref() == Some(CONSUMER_TENANT) {
                        return Err(invalid(
                            "Personal Microsoft accounts are not supported by this API.",
                        ));
                    }
                    return Ok(data.claims);
                }
                Err(error) => last = rejection(&error),
            }
        }
        Err(last)
    }

    /// A token of the emulator's own sign-in: its issuer only. The audience is not
    /// checked: the token endpoint signs tokens for Graph alone (any other resource is
    /// refused), and the base URL a client named Graph by (localhost, 127.0.0.1,
    /// `server.public_url`) is whatever it reached the emulator at.
    fn verify_own(&self, token: &str, own: &OwnKey) -> Result<Claims, Error> {
        // Issued for any tenant: the issuer names the tenant its `tid` does.
        let tenant = crate::graph::bearer::payload::<Claims>(token)
            .and_then(|claims| claims.tid)
            .unwrap_or_default();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = self.settings.clock_skew_secs;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_issuer(&[crate::signin::issuer(&tenant)]);
        jsonwebtoken::decode::<Claims>(token, &own.key, &validation)
            .map(|data| data.claims)
            .map_err(|error| rejection(&error))
    }
}

/// Graph's 401 message for a token that failed verification.
fn rejection(error: &jsonwebtoken::errors::Error) -> Error {
    Error::InvalidAuthenticationToken(
        match error.kind() {
            ErrorKind::ExpiredSignature => "Lifetime validation failed, the token is expired.",
            ErrorKind::ImmatureSignature => {
                "Lifetime validation failed, the token is not yet valid."
            }
            ErrorKind::InvalidAudience => "Access token validation failure. Invalid audience.",
            ErrorKind::MissingRequiredClaim(claim) if claim == "aud" => {
                "Access token validation failure. Invalid audience."
            }
            ErrorKind::InvalidIssuer => "Access token validation failure. Invalid issuer.",
            ErrorKind::MissingRequiredClaim(_) => {
                "Access token validation failure. A required claim is missing."
            }
            ErrorKind::InvalidSignature => "Access token validation failure. Invalid signature.",
            _ => "Access token validation failure.",
        }
        .to_owned(),
    )
}

/// What `entitlement-emulator token` mints: an HS256 token signed with the configured
/// secret, for Graph's audience, valid for `lifetime_secs`.
pub fn mint(
    settings: &JwtSettings,
    tenant: &str,
    permissions: &[String],
    user: Option<&str>,
    app: bool,
    lifetime_secs: u64,
) -> Result<String, String> {
    if settings.hs256_secret.is_empty() {
        return Err(
            "set auth.jwt.hs256_secret (EMULATOR__AUTH__JWT__HS256_SECRET) to mint tokens".into(),
        );
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    let claims = Claims {
        aud: settings.audiences.first().cloned(),
        iss: Some(
            settings
                .issuers
                .first()
                .cloned()
                .unwrap_or_else(|| crate::signin::issuer(&tenant)),
        ),
        tid: Some(tenant.to_owned()),
        exp: Some(now + lifetime_secs),
        nbf: Some(now),
        iat: Some(now),
        scp: (!app).then(|| permissions.join(" ")),
        roles: app.then(|| permissions.to_vec()),
        upn: user.filter(|_| !app).map(str::to_owned),
        app_displayname: app.then(|| user.unwrap_or("entitlement-emulator").to_owned()),
        ..Claims::default()
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(settings.hs256_secret.as_bytes()),
    )
    .map_err(|e| e.to_string())
}
