//! `[auth.signin]`: who may get a token, for which tenant, signed with which key.

use serde::Deserialize;

use crate::configuration::ConfigurationError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInSettings {
    /// Serve the sign-in endpoints on the plain HTTP listener too. Every client library
    /// refuses an http authority, so this is for a TLS-terminating proxy in front (with
    /// `server.public_url`) or hand-made requests.
    pub allow_http: bool,
    /// The directory's tenant: `tid` of every token, the GUID in the issuer.
    pub tenant_id: String,
    /// Any client id gets a token with any non-empty secret; registered clients still need
    /// their own secret.
    pub accept_any_client: bool,
    /// Application permissions (`roles`) of clients that do not list their own.
    pub roles: Vec<String>,
    /// Lifetime of issued tokens.
    pub token_lifetime_secs: u64,
    /// The RSA signing key (PEM); empty: `emulator-signing-key.pem` beside the database.
    pub key_file: String,
    #[serde(default)]
    pub clients: Vec<ClientSettings>,
    #[serde(default)]
    pub users: Vec<UserSettings>,
    /// The directory's own name and domain, as `findTenantInformationByTenantId` tells them.
    pub tenant_display_name: String,
    pub tenant_domain: String,
    /// Other tenants `findTenantInformationByTenantId` knows (a connected organization's
    /// partner): Graph knows every tenant, the emulator only those it is told of.
    #[serde(default)]
    pub tenants: Vec<TenantSettings>,
    /// The Azure subscriptions `GET /subscriptions` lists (what `az login` shows): none
    /// unless told, as the emulator has no resource manager behind it.
    #[serde(default)]
    pub subscriptions: Vec<SubscriptionSettings>,
}

/// An Azure subscription as the resource manager lists it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionSettings {
    pub subscription_id: String,
    pub display_name: String,
}

/// A tenant other than the directory's own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSettings {
    pub tenant_id: String,
    pub display_name: String,
    pub default_domain_name: String,
}

impl SignInSettings {
    /// The directory's own tenant.
    pub fn home_tenant(&self) -> TenantSettings {
        TenantSettings {
            tenant_id: self.tenant_id.clone(),
            display_name: self.tenant_display_name.clone(),
            default_domain_name: self.tenant_domain.clone(),
        }
    }

    /// `tenantInformation` of a tenant the emulator knows: its own, or one configured.
    pub fn tenant(&self, id: &str) -> Option<TenantSettings> {
        let same = |other: &str| other.eq_ignore_ascii_case(id.trim());
        if same(&self.tenant_id) {
            return Some(self.home_tenant());
        }
        self.tenants
            .iter()
            .find(|tenant| same(&tenant.tenant_id))
            .cloned()
    }
}

/// A registered application: the client credentials grant gives it a token.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    pub client_id: String,
    /// The secret as the client sends it, or only its SHA-256 (hex), so that the secret
    /// itself need not sit in a file.
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub secret_sha256: String,
    /// `app_displayname`, recorded as createdBy; empty: the client id.
    #[serde(default)]
    pub display_name: String,
    /// The service principal's id, the token's `oid`; empty: one derived from the client id.
    #[serde(default)]
    pub object_id: String,
    /// Overrides `auth.signin.roles` for this client.
    pub roles: Option<Vec<String>>,
}

/// A user the resource-owner password grant signs in (delegated tokens, for tests).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSettings {
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_sha256: String,
    /// Delegated permissions consented for the user (`scp`).
    pub scopes: Vec<String>,
    /// The user's object id (`oid`); empty: derived from the username.
    #[serde(default)]
    pub object_id: String,
    /// `name`; empty: the username.
    #[serde(default)]
    pub display_name: String,
}

impl SignInSettings {
    pub fn validate(&self) -> Result<(), ConfigurationError> {
        if uuid::Uuid::parse_str(&self.tenant_id).is_err() {
            return Err(ConfigurationError::key(
                "auth.signin.tenant_id",
                "must be a GUID",
            ));
        }
        // Entra's configurable token lifetimes span 10 minutes to a day.
        if !(600..=86_400).contains(&self.token_lifetime_secs) {
            return Err(ConfigurationError::key(
                "auth.signin.token_lifetime_secs",
                "must be between 600 and 86400",
            ));
        }
        let mut seen = Vec::new();
        for client in &self.clients {
            let key = "auth.signin.clients";
            let id = client.client_id.trim();
            if id.is_empty() {
                return Err(ConfigurationError::key(
                    key,
                    "every client needs a client_id",
                ));
            }
            if seen
                .iter()
                .any(|known: &String| known.eq_ignore_ascii_case(id))
            {
                return Err(ConfigurationError::key(
                    key,
                    format!("client_id `{id}` is listed twice"),
                ));
            }
            seen.push(id.to_owned());
            one_secret(key, id, &client.secret, &client.secret_sha256)?;
            guid_or_empty(key, id, &client.object_id)?;
        }
        for user in &self.users {
            let key = "auth.signin.users";
            let name = user.username.trim();
            if name.is_empty() {
                return Err(ConfigurationError::key(key, "every user needs a username"));
            }
            one_secret(key, name, &user.password, &user.password_sha256)?;
            guid_or_empty(key, name, &user.object_id)?;
        }
        Ok(())
    }
}

/// Exactly one of the plain secret and its digest, the digest 64 hex digits.
fn one_secret(key: &str, who: &str, plain: &str, digest: &str) -> Result<(), ConfigurationError> {
    match (plain.is_empty(), digest.is_empty()) {
        (false, false) | (true, true) => Err(ConfigurationError::key(
            key,
            format!("`{who}` needs exactly one of the secret and its sha256"),
        )),
        (true, false) if crate::secret::parse_digest(digest).is_none() => Err(
            ConfigurationError::key(key, format!("`{who}`: a sha256 is 64 hexadecimal digits")),
        ),
        _ => Ok(()),
    }
}

fn guid_or_empty(key: &str, who: &str, value: &str) -> Result<(), ConfigurationError> {
    if value.is_empty() || uuid::Uuid::parse_str(value).is_ok() {
        Ok(())
    } else {
        Err(ConfigurationError::key(
            key,
            format!("`{who}`: object_id must be a GUID"),
        ))
    }
}
