//! `POST /{version}/$batch`: up to 20 requests in one, each run through the same pipeline
//! as a request of its own (journal, ids, faults, authentication, routes), in dependency
//! order, against the real state.

use std::cell::OnceCell;
use std::rc::Rc;

use actix_service::boxed::{self, BoxService};
use actix_service::{IntoServiceFactory, Service, ServiceExt, ServiceFactory};
use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{AppConfig, Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode, Uri, Version as HttpVersion};
use actix_web::web::Bytes;
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse};
use futures_util::future::LocalBoxFuture;
use serde_json::{Map, Value};

use crate::graph::batch::{
    header_name, item_target, Batch, BatchResponse, Item, ItemResponse, Outcomes,
};
use crate::graph::response;
use crate::model::Version;
use crate::tenants::select::Chosen;
use crate::Error;

/// The application as a service without a listener: what a batch item runs through.
pub type Pipeline = BoxService<actix_http::Request, ServiceResponse<BoxBody>, actix_web::Error>;

/// Makes a pipeline: the application as `app` builds it, handed in from above so that
/// routes need not know how the application is put together.
pub type BuildPipeline = Rc<dyn Fn() -> LocalBoxFuture<'static, Result<Pipeline, Error>>>;

/// Runs batch items on this worker. The pipeline is built on the first batch a worker
/// sees and reused: it is the application itself, without a listener.
pub struct BatchExecutor {
    build: BuildPipeline,
    pipeline: Rc<OnceCell<Rc<Pipeline>>>,
}

impl BatchExecutor {
    pub fn new(build: BuildPipeline) -> Self {
        Self {
            build,
            pipeline: Rc::new(OnceCell::new()),
        }
    }

    async fn pipeline(&self) -> Result<Rc<Pipeline>, Error> {
        if let Some(pipeline) = self.pipeline.get() {
            return Ok(pipeline.clone());
        }
        let pipeline = Rc::new((self.build)().await?);
        // Another batch on this worker may have built one meanwhile; either will do.
        Ok(self.pipeline.get_or_init(|| pipeline).clone())
    }
}

/// The pipeline of an application.
pub async fn pipeline_of<T, B>(app: App<T>) -> Result<Pipeline, Error>
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: MessageBody + 'static,
{
    let service = app
        .into_factory()
        .new_service(AppConfig::default())
        .await
        .map_err(|()| Error::internal("the batch pipeline did not start"))?;
    Ok(boxed::service(
        service.map(ServiceResponse::map_into_boxed_body),
    ))
}

/// Marks a request made from a batch item, so a batch inside a batch is refused however
/// its url was spelled.
struct BatchItem;

pub async fn batch(request: HttpRequest, body: Bytes) -> Result<HttpResponse, Error> {
    if request.extensions().get::<BatchItem>().is_some() {
        return Err(Error::InvalidBatch(
            "A batch cannot contain a batch.".to_owned(),
        ));
    }
    let batch = Batch::parse(&body)?;
    let executor = request
        .app_data::<BatchExecutor>()
        .ok_or_else(|| Error::internal("no batch executor registered"))?;
    let pipeline = executor.pipeline().await?;
    let version = request
        .app_data::<Version>()
        .copied()
        .ok_or_else(|| Error::internal("no version registered for $batch"))?;
    let outer = Outer::of(&request, version);

    let mut outcomes = Outcomes::default();
    let mut responses = Vec::with_capacity(batch.items.len());
    for item in batch.items {
        let response = match outcomes.failed_dependency(&item) {
            Some(dependency) => ItemResponse::error(
                item.id.clone(),
                &Error::FailedDependency(dependency.to_owned()),
            ),
            None => match outer.request(&item) {
                Ok(inner) => run(&pipeline, item.id.clone(), inner).await,
                Err(error) => ItemResponse::error(item.id.clone(), &error),
            },
        };
        outcomes.record(&response.id, response.status);
        responses.push(response);
    }
    response::json(StatusCode::OK, &BatchResponse { responses })
}

/// What items inherit from the batch request: its tenant, token, host and scheme (so links
/// in item bodies point where the batch was sent), and the peer.
struct Outer {
    tenant: Option<Chosen>,
    authorization: Option<HeaderValue>,
    host: String,
    scheme: String,
    peer: Option<std::net::SocketAddr>,
    version: Version,
}

impl Outer {
    fn of(request: &HttpRequest, version: Version) -> Self {
        let info = request.connection_info();
        Self {
            tenant: request.extensions().get::<Chosen>().cloned(),
            authorization: request.headers().get(header::AUTHORIZATION).cloned(),
            host: info.host().to_owned(),
            scheme: info.scheme().to_owned(),
            peer: request.peer_addr(),
            version,
        }
    }

    /// The item as a request of its own; a malformed one is that item's 400.
    fn request(&self, item: &Item) -> Result<actix_http::Request, Error> {
        let invalid = |message: String| Error::InvalidBatch(message);
        let target = item_target(&item.url, self.version.segment());
        if target
            .split('?')
            .next()
            .unwrap_or_default()
            .ends_with("/$batch")
        {
            return Err(invalid("A batch cannot contain a batch.".to_owned()));
        }
        let uri: Uri = target
            .parse()
            .map_err(|_| invalid(format!("The url '{}' is not valid.", item.url)))?;
        let method = Method::from_bytes(item.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| invalid(format!("The method '{}' is not valid.", item.method)))?;
        let body = match &item.body {
            None => Bytes::new(),
            Some(Value::String(text)) => Bytes::from(text.clone()),
            Some(value) => Bytes::from(value.to_string()),
        };

        let mut request = actix_http::Request::new();
        let head = request.head_mut();
        head.method = method;
        head.uri = uri;
        head.version = HttpVersion::HTTP_11;
        head.peer_addr = self.peer;
        let headers = &mut head.headers;
        for (name, value) in &item.headers {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            let name = HeaderName::try_from(name.as_str())
                .map_err(|_| invalid(format!("The header name '{name}' is not valid.")))?;
            let value = HeaderValue::try_from(text)
                .map_err(|_| invalid(format!("The value of header '{name}' is not valid.")))?;
            headers.append(name, value);
        }
        if let Some(authorization) = &self.authorization {
            if !headers.contains_key(header::AUTHORIZATION) {
                headers.insert(header::AUTHORIZATION, authorization.clone());
            }
        }
        for (name, value) in [
            (header::HOST, self.host.as_str()),
            (
                HeaderName::from_static("x-forwarded-proto"),
                self.scheme.as_str(),
            ),
        ] {
            if let Ok(value) = HeaderValue::try_from(value) {
                headers.insert(name, value);
            }
        }
        if item.body.is_some() && !headers.contains_key(header::CONTENT_TYPE) {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        let (request, _) = request.replace_payload(Payload::from(body));
        request.extensions_mut().insert(BatchItem);
        if let Some(tenant) = &self.tenant {
            request.extensions_mut().insert(tenant.clone());
        }
        Ok(request)
    }
}

async fn run(pipeline: &Pipeline, id: String, request: actix_http::Request) -> ItemResponse {
    let response = match pipeline.call(request).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "a batch item failed outside the pipeline's error handling");
            return ItemResponse::error(id, &Error::internal(error));
        }
    };
    let status = response.status().as_u16();
    let mut headers = Map::new();
    for (name, value) in response.headers() {
        if [
            header::CONTENT_LENGTH,
            header::DATE,
            header::CONNECTION,
            header::TRANSFER_ENCODING,
        ]
        .contains(name)
        {
            continue;
        }
        if let Ok(text) = value.to_str() {
            headers.insert(header_name(name.as_str()), Value::String(text.to_owned()));
        }
    }
    let json = headers
        .get("Content-Type")
        .and_then(Value::as_str)
        .is_some_and(|value| value.starts_with("application/json"));
    let bytes = body::to_bytes(response.into_body())
        .await
        .unwrap_or_default();
    let body = match bytes.is_empty() {
        true => None,
        false if json => Some(
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())),
        ),
        false => Some(Value::String(String::from_utf8_lossy(&bytes).into_owned())),
    };
    ItemResponse {
        id,
        status,
        headers,
        body,
    }
}
