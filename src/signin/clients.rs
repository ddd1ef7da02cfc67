//! Who may sign in: applications (client credentials) and users (password grant), and the
//! secrets they prove themselves with.
//!
//! Secrets are kept only as SHA-256 digests. A fast hash is enough here: client secrets
//! are long random strings (Entra's are 40 characters), which no dictionary reaches; a
//! slow password hash protects low-entropy passwords, which test users' are not worth.
//! Comparison is constant-time anyway.
//!
//! The configured clients are asked first, in every tenant; then the tenant's own service
//! principals and their password credentials (Graph's `addPassword`, `signin::directory`).

use time::OffsetDateTime;

use super::settings::{ClientSettings, SignInSettings, UserSettings};
use crate::secret::{parse_digest, same, sha256, Digest};

/// One password credential: its digest and, for credentials made through Graph, when it
/// starts and ends.
#[derive(Debug, Clone)]
pub struct Secret {
    pub sha256: Digest,
    pub start: Option<OffsetDateTime>,
    pub end: Option<OffsetDateTime>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SecretCheck {
    Valid,
    Wrong,
    Expired,
}

/// A client the token endpoint knows: a registered application's service principal.
#[derive(Debug, Clone)]
pub struct Client {
    pub client_id: String,
    /// The service principal's id: `oid` and `sub` of its tokens.
    pub object_id: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub secrets: Vec<Secret>,
    /// Any secret passes: a client admitted by `accept_any_client`.
    pub any_secret: bool,
    /// A disabled service principal (`accountEnabled: false`) cannot sign in.
    pub enabled: bool,
}

impl Client {
    /// A client nobody registered, admitted by `auth.signin.accept_any_client`.
    pub fn unregistered(client_id: &str, roles: &[String]) -> Self {
        Self {
            client_id: client_id.to_owned(),
            object_id: derived_id("servicePrincipal", client_id),
            display_name: client_id.to_owned(),
            roles: roles.to_vec(),
            secrets: Vec::new(),
            any_secret: true,
            enabled: true,
        }
    }

    /// A secret that has not started yet is as good as wrong: Entra knows no other answer.
    pub fn check(&self, presented: &str) -> SecretCheck {
        if self.any_secret {
            return SecretCheck::Valid;
        }
        let presented = sha256(presented);
        let now = OffsetDateTime::now_utc();
        match self.secrets.iter().find(|s| same(&s.sha256, &presented)) {
            Some(Secret {
                start: Some(start), ..
            }) if *start > now => SecretCheck::Wrong,
            Some(Secret { end: Some(end), .. }) if *end <= now => SecretCheck::Expired,
            Some(_) => SecretCheck::Valid,
            None => SecretCheck::Wrong,
        }
    }
}

/// A user of the password grant.
#[derive(Debug, Clone)]
pub struct User {
    pub username: String,
    pub object_id: String,
    pub display_name: String,
    pub scopes: Vec<String>,
    password: Digest,
}

impl User {
    pub fn password_matches(&self, presented: &str) -> bool {
        same(&self.password, &sha256(presented))
    }
}

/// The clients and users of `[auth.signin]`.
pub struct Configured {
    clients: Vec<Client>,
    users: Vec<User>,
}

impl Configured {
    pub fn new(settings: &SignInSettings) -> Self {
        Self {
            clients: settings
                .clients
                .iter()
                .map(|client| configured_client(client, &settings.roles))
                .collect(),
            users: settings.users.iter().map(configured_user).collect(),
        }
    }

    /// The configured client of `client_id`: configured clients sign in to every tenant.
    pub fn find(&self, client_id: &str) -> Option<Client> {
        self.clients
            .iter()
            .find(|client| client.client_id.eq_ignore_ascii_case(client_id))
            .cloned()
    }

    /// User names compare as Entra compares UPNs: without regard to case.
    pub fn user(&self, username: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|user| user.username.eq_ignore_ascii_case(username.trim()))
    }
}

fn configured_client(settings: &ClientSettings, default_roles: &[String]) -> Client {
    let client_id = settings.client_id.trim().to_owned();
    Client {
        object_id: non_empty(&settings.object_id)
            .map(|id| id.to_lowercase())
            .unwrap_or_else(|| derived_id("servicePrincipal", &client_id)),
        display_name: non_empty(&settings.display_name).unwrap_or_else(|| client_id.clone()),
        roles: settings
            .roles
            .clone()
            .unwrap_or_else(|| default_roles.to_vec()),
        secrets: vec![Secret {
            sha256: digest_of(&settings.secret, &settings.secret_sha256),
            start: None,
            end: None,
        }],
        any_secret: false,
        enabled: true,
        client_id,
    }
}

fn configured_user(settings: &UserSettings) -> User {
    let username = settings.username.trim().to_owned();
    User {
        object_id: non_empty(&settings.object_id)
            .map(|id| id.to_lowercase())
            .unwrap_or_else(|| derived_id("user", &username.to_ascii_lowercase())),
        display_name: non_empty(&settings.display_name).unwrap_or_else(|| username.clone()),
        scopes: settings.scopes.clone(),
        password: digest_of(&settings.password, &settings.password_sha256),
        username,
    }
}

/// Validation has made sure exactly one is given and the digest parses.
fn digest_of(plain: &str, hex: &str) -> Digest {
    if plain.is_empty() {
        parse_digest(hex).unwrap_or([0; 32])
    } else {
        sha256(plain)
    }
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// A GUID that stays the same for the same name across restarts, so `oid` does not change
/// under a Terraform state that recorded it.
fn derived_id(kind: &str, name: &str) -> String {
    let digest = sha256(&format!("entitlement-emulator {kind} {name}"));
    let mut bytes = [0; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn secrets_are_checked_and_expired_ones_refused() {
        let mut client = Client::unregistered("c", &[]);
        assert_eq!(client.check("anything"), SecretCheck::Valid);
        let now = OffsetDateTime::now_utc();
        client.any_secret = false;
        assert_eq!(
            client.check("anything"),
            SecretCheck::Wrong,
            "none to match"
        );
        client.secrets = vec![
            Secret {
                sha256: sha256("current"),
                start: Some(now - time::Duration::days(1)),
                end: None,
            },
            Secret {
                sha256: sha256("old"),
                start: None,
                end: Some(now - time::Duration::days(1)),
            },
            Secret {
                sha256: sha256("future"),
                start: Some(now + time::Duration::days(1)),
                end: None,
            },
        ];
        assert_eq!(client.check("current"), SecretCheck::Valid);
        assert_eq!(client.check("old"), SecretCheck::Expired);
        assert_eq!(client.check("future"), SecretCheck::Wrong);
        assert_eq!(client.check("Current"), SecretCheck::Wrong);
    }

    #[test]
    fn derived_ids_are_stable_guids() {
        let id = derived_id("servicePrincipal", "app");
        assert_eq!(id, derived_id("servicePrincipal", "app"));
        assert_ne!(id, derived_id("user", "app"));
        assert!(Uuid::parse_str(&id).is_ok());
    }
}
