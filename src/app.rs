//! The request pipeline: what every worker shares and the middleware order, for the server
//! and for the items of a `$batch` (which run through the same pipeline, without a
//! listener).

use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, NormalizePath};
use actix_web::{web, App};

use crate::auth::Authenticator;
use crate::configuration::Settings;
use crate::faults;
use crate::graph::panics::contain_panics;
use crate::graph::request_context::request_context;
use crate::graph::PublicUrl;
use crate::journal::{self, Recording};
use crate::odata::{Limits, ODataSettings};
use crate::routes::batch::{pipeline_of, BatchExecutor, BuildPipeline};
use crate::signin::SignIn;
use crate::tenants::{select, Tenants};
use crate::tls::ServedCertificate;
use crate::{auth, routes, signin};

/// Everything the application shares across workers; `app` builds the request pipeline
/// from it, for the server and for the items of a `$batch`.
#[derive(Clone)]
pub struct AppState {
    tenants: web::Data<Tenants>,
    auth: web::Data<Authenticator>,
    public_url: PublicUrl,
    payload: web::PayloadConfig,
    recording: web::Data<Recording>,
    odata: web::Data<ODataSettings>,
    signin: web::Data<SignIn>,
    certificate: web::Data<ServedCertificate>,
}

impl AppState {
    pub fn new(
        tenants: Arc<Tenants>,
        authenticator: Authenticator,
        signin: SignIn,
        certificate: ServedCertificate,
        settings: &Settings,
    ) -> Self {
        let base = settings.public_url_base();
        Self {
            tenants: web::Data::from(tenants),
            auth: web::Data::new(authenticator),
            public_url: PublicUrl((!base.is_empty()).then_some(base)),
            payload: web::PayloadConfig::new(settings.limits.max_body_bytes),
            recording: web::Data::new(Recording::new(
                &settings.journal,
                settings.limits.max_body_bytes,
            )),
            odata: web::Data::new(ODataSettings {
                max_page_size: settings.odata.max_page_size,
                limits: Limits {
                    max_depth: settings.odata.max_filter_depth,
                    max_nodes: settings.odata.max_filter_nodes,
                },
                max_query_length: settings.odata.max_query_length,
            }),
            signin: web::Data::new(signin),
            certificate: web::Data::new(certificate),
        }
    }

    /// How a `$batch` executor makes this pipeline for its items.
    fn batch_pipeline(&self) -> BuildPipeline {
        let state = self.clone();
        Rc::new(move || {
            let state = state.clone();
            Box::pin(async move { pipeline_of(state.app()).await })
        })
    }

    /// The whole pipeline: journal, then ids and Graph error bodies, then the tenant, then
    /// faults, then authentication, then the tenant's store, then the routes. Each worker builds one, and a `$batch` executor
    /// builds one more per worker for its items, so items meet exactly what requests meet.
    pub fn app(
        &self,
    ) -> App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        App::new()
            // Graph takes `…/connectedOrganizations/` (a reference page's own example) as
            // `…/connectedOrganizations`; routes match without the slash.
            .wrap(NormalizePath::trim())
            // The lifecycle catches up with the clock before a route reads.
            .wrap(from_fn(routes::lifecycle::settle))
            // After authentication: a token refused opens no store.
            .wrap(from_fn(select::open))
            .wrap(from_fn(auth::authenticate))
            .wrap(from_fn(faults::inject))
            // A panic inside costs one request a 500, not the connection.
            .wrap(from_fn(contain_panics))
            // Everything inside meets the tenant's own journal, faults and store.
            .wrap(from_fn(select::select))
            // Added late, so it runs early: every response, even a 401, gets ids and
            // Graph-shaped errors.
            .wrap(from_fn(request_context))
            // Outermost: records responses as sent, ids and error bodies included.
            .wrap(from_fn(journal::record))
            .app_data(self.recording.clone())
            .app_data(self.tenants.clone())
            .app_data(self.auth.clone())
            .app_data(self.public_url.clone())
            .app_data(self.payload.clone())
            .app_data(self.odata.clone())
            .app_data(self.signin.clone())
            .app_data(self.certificate.clone())
            .app_data(BatchExecutor::new(self.batch_pipeline()))
            .configure(routes::configure)
            // Sign-in's paths start with a tenant, a segment any other path may have: they
            // are told apart where nothing else matched.
            .default_service(web::to(signin::or_unknown_segment))
    }
}
