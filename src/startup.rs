//! Build the application (database, migrations, listener), then serve until stopped.

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::http::KeepAlive;
use actix_web::HttpServer;

use crate::app::AppState;
use crate::auth::Authenticator;
use crate::configuration::{ConfigurationError, Settings};
use crate::graph::wire::fixture;
use crate::repository::{Baseline, OpenError, Repository};
use crate::signin::key::{self, KeyError, SigningKey};
use crate::signin::SignIn;
use crate::tenants::{TenantId, Tenants};
use crate::tls::{ServedCertificate, Tls, TlsError};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] OpenError),
    #[error(transparent)]
    Configuration(#[from] ConfigurationError),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error(transparent)]
    SigningKey(#[from] KeyError),
    #[error("cannot load the seed file {path}: {message}")]
    Seed { path: String, message: String },
    #[error("cannot read or keep the shared signing key in the database: {0}")]
    SharedKey(String),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

/// A server bound to its port(s), with migrations applied, not yet serving.
pub struct Application {
    address: SocketAddr,
    http: Option<SocketAddr>,
    https: Option<SocketAddr>,
    certificate: Option<PathBuf>,
    server: Server,
    tenants: Arc<Tenants>,
}

/// With a seed file: checked whole (a bad one stops start-up), applied if the database
/// is new, and kept for reset (and for new tenants).
async fn seeded(
    repository: Repository,
    file: &str,
) -> Result<(Repository, Option<Arc<Baseline>>), StartupError> {
    if file.is_empty() {
        return Ok((repository, None));
    }
    let error = |message: String| StartupError::Seed {
        path: file.to_owned(),
        message,
    };
    let bytes = std::fs::read(file).map_err(|e| error(e.to_string()))?;
    let rows = fixture::parse(&bytes).map_err(|e| error(e.to_string()))?;
    let baseline = Repository::validate_baseline(rows)
        .await
        .map_err(|e| error(e.to_string()))?;
    let baseline = Arc::new(baseline);
    let repository = repository.with_baseline(Arc::clone(&baseline));
    if repository.created() {
        repository.reset().await.map_err(|e| error(e.to_string()))?;
    }
    Ok((repository, Some(baseline)))
}

/// The home tenant's key in a database that holds every tenant: its id as `Tenants`
/// spells it.
fn home_tenant(settings: &Settings) -> Result<String, ConfigurationError> {
    TenantId::parse(&settings.auth.signin.tenant_id)
        .map(|id| id.as_str().to_owned())
        .ok_or_else(|| ConfigurationError::key("auth.signin.tenant_id", "must be a GUID"))
}

/// On PostgreSQL with no key file configured, the signing key is the database's, so that
/// every replica signs and verifies with one key: made by the first replica to start,
/// whether or not it serves sign-in itself (one behind a proxy that ends TLS still
/// verifies the tokens another signed).
async fn shared_signing_key(
    settings: &Settings,
    repository: &Repository,
) -> Result<Option<SigningKey>, StartupError> {
    if !settings.auth.signin.key_file.is_empty() {
        return Ok(None);
    }
    let origin = Path::new("the database's shared.signing_key");
    let unreadable = |error: crate::Error| StartupError::SharedKey(error.to_string());
    let pem = match repository.shared_signing_key().await.map_err(unreadable)? {
        Some(pem) => pem,
        None => {
            let made = key::new_pem()?;
            repository
                .share_signing_key(&made)
                .await
                .map_err(unreadable)?
        }
    };
    Ok(Some(SigningKey::from_pem(origin, &pem)?))
}

/// A listener bound before serving, so port 0 is resolved and bind errors name the address.
fn bind(host: &str, port: u16) -> Result<(TcpListener, SocketAddr), StartupError> {
    let address = format!("{host}:{port}");
    let bind_error = |source| StartupError::Bind {
        address: address.clone(),
        source,
    };
    let listener = TcpListener::bind(&address).map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    Ok((listener, local))
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        // A SQLite file is made only once the settings that can refuse a start are read; on
        // PostgreSQL the signing key may be the database's, so the store opens first.
        let (signin, repository) = if settings.database.is_postgres() {
            tracing::warn!(
                "serving from PostgreSQL, a preview: what it does not serve yet is listed in \
                 the manual's Configuration chapter"
            );
            let home = home_tenant(&settings)?;
            let repository = Repository::open_postgres_waiting(&settings.database, &home).await?;
            let shared_key = shared_signing_key(&settings, &repository).await?;
            (SignIn::load(&settings, shared_key)?, Some(repository))
        } else {
            (SignIn::load(&settings, None)?, None)
        };
        let own_key = signin
            .verification_key()
            .map_err(|problem| ConfigurationError::key("auth.signin.key_file", problem))?;
        let public_url = settings.public_url_base();
        let public_authority = public_url
            .split_once("://")
            .and_then(|(_, rest)| rest.split('/').next());
        let authenticator =
            Authenticator::new(&settings.auth, &settings.admin, own_key, public_authority)?;
        let tls = if settings.tls.enabled {
            Some(Tls::load(&settings.tls, &settings.database)?)
        } else {
            None
        };
        let repository = match repository {
            Some(repository) => repository,
            None => Repository::open(&settings.database).await?,
        }
        .with_lifecycle(settings.lifecycle);
        let (repository, baseline) = seeded(repository, &settings.seed.file).await?;
        let tenants = Arc::new(Tenants::new(&settings, repository, baseline)?);
        let https = match tls {
            Some(tls) => {
                let (listener, address) = bind(&settings.server.host, settings.tls.port)?;
                Some((listener, address, tls))
            }
            None => None,
        };
        // `tls.only` (which configuration allows only with TLS on) leaves HTTPS as the one
        // listener; otherwise plain HTTP is bound and is the primary address.
        let (http, address) = match &https {
            Some((_, https_address, _)) if settings.tls.only => (None, *https_address),
            _ => {
                let (listener, address) = bind(&settings.server.host, settings.server.port)?;
                (Some((listener, address)), address)
            }
        };
        let http_address = http.as_ref().map(|(_, address)| *address);
        let https_address = https.as_ref().map(|(_, address, _)| *address);
        let certificate = https.as_ref().map(|(_, _, tls)| tls.certificate.clone());
        let server = serve(
            http.map(|(listener, _)| listener),
            https.map(|(listener, _, tls)| (listener, tls)),
            Arc::clone(&tenants),
            authenticator,
            signin,
            &settings,
        )
        .map_err(|source| StartupError::Bind {
            address: settings.server.host.clone(),
            source,
        })?;
        Ok(Self {
            address,
            http: http_address,
            https: https_address,
            certificate,
            server,
            tenants,
        })
    }

    /// The plain HTTP address actually bound (port 0 resolved); the HTTPS one when
    /// `tls.only` leaves no plain listener.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The plain HTTP address, when served.
    pub fn http_address(&self) -> Option<SocketAddr> {
        self.http
    }

    /// The HTTPS address, when `tls.enabled`.
    pub fn https_address(&self) -> Option<SocketAddr> {
        self.https
    }

    /// The absolute path of the certificate HTTPS presents, to tell users what to trust.
    pub fn certificate(&self) -> Option<&Path> {
        self.certificate.as_deref()
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until `handle().stop` is called.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(std::future::pending()).await
    }

    /// Serves until `shutdown` completes (or `handle().stop`), lets in-flight requests
    /// finish within `server.shutdown_timeout_secs`, then closes the database, which
    /// checkpoints the WAL of every open tenant.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
        let handle = self.server.handle();
        let mut server = std::pin::pin!(self.server);
        let served = tokio::select! {
            served = &mut server => served,
            () = shutdown => {
                tracing::info!("shutting down: finishing in-flight requests");
                // `stop` sends its command at once; the server future carries it out, so it
                // must be polled (awaiting `stop` first would wait forever).
                let stopped = handle.stop(true);
                let served = server.await;
                stopped.await;
                served
            }
        };
        self.tenants.close().await;
        served
    }
}

fn serve(
    http: Option<TcpListener>,
    https: Option<(TcpListener, Tls)>,
    tenants: Arc<Tenants>,
    authenticator: Authenticator,
    signin: SignIn,
    settings: &Settings,
) -> std::io::Result<Server> {
    let (https, certificate) = match https {
        Some((listener, tls)) => (Some((listener, tls.config)), Some(Arc::from(tls.pem))),
        None => (None, None),
    };
    let state = AppState::new(
        tenants,
        authenticator,
        signin,
        ServedCertificate(certificate),
        settings,
    );
    let mut server = HttpServer::new(move || state.app())
        // Signals are ours (see `shutdown_signal`), registered before the "listening" line, so
        // a SIGTERM sent the moment that line appears is still graceful.
        .disable_signals()
        .shutdown_timeout(settings.server.shutdown_timeout_secs)
        .client_request_timeout(Duration::from_millis(
            settings.limits.request_head_timeout_ms,
        ))
        .keep_alive(match settings.limits.keep_alive_secs {
            0 => KeepAlive::Disabled,
            secs => KeepAlive::Timeout(Duration::from_secs(secs)),
        });
    if let Some(listener) = http {
        server = server.listen(listener)?;
    }
    if let Some((listener, config)) = https {
        server = server.listen_rustls_0_23(listener, config)?;
    }
    if settings.server.workers > 0 {
        server = server.workers(settings.server.workers);
    }
    Ok(server.run())
}

/// Completes on the first SIGTERM or SIGINT. The handlers are installed by this call, not
/// when the future is first polled.
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
