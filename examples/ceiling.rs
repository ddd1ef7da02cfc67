//! The benchmark's ceiling: the fastest answers actix-web can give to the benchmark's
//! requests, canned bodies shaped like the emulator's. `bench/run.sh` drives it with the same
//! load as the emulator, scenario by scenario, so each emulator figure is read as a share of
//! the ceiling's for the same requests and survives a noisy machine.
//!
//! - POST (any path): reads the whole body, then 201 with the seed create response
//!   (`bench/seed-response.json`, the same body WireMock and Prism are given).
//! - GET with `$filter`: 200 with a one-item collection page (the `displayName eq` answer).
//! - GET otherwise: 200 with the entity (get by id, `$expand`), which also says
//!   `"requestState":"Delivered"` and the assignment it delivered: the workflow's poll for
//!   delivery ends at its first answer, the fastest a delivery can be.
//! - DELETE: 204.
//!
//! The body must be read: actix-web closes a connection whose request body was left unread
//! (it cannot know where the next request starts), so a handler that ignores the POST body
//! answers `connection: close` and the load generator reconnects for every request. That
//! measured connection set-up, not the fastest create, and inflated every ratio about 3×.
//!
//! `cargo run --release --example ceiling -- 127.0.0.1:0` prints `listening on http://ADDR`.

use actix_web::http::Method;
use actix_web::web::Bytes;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

const CREATED: &str = include_str!("../bench/seed-response.json");
const ASSIGNMENT: &str = "8f1cbd0e-62a1-4d2b-a7a4-2b0f0c6f3a55";
const CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// The canned bodies, built once: the handlers only copy a reference-counted buffer.
struct Bodies {
    created: Bytes,
    entity: Bytes,
    page: Bytes,
}

impl Bodies {
    fn new() -> Self {
        let created = CREATED.trim().to_owned();
        // The entity and the page carry the same properties as the create response; only the
        // context differs, as it does in the emulator's answers.
        let properties = created
            .split_once(r#""id":"#)
            .map(|(_, rest)| format!(r#""id":{rest}"#))
            .expect("bench/seed-response.json has an id");
        let context = "http://127.0.0.1/beta/$metadata#identityGovernance/entitlementManagement/accessPackages";
        let entity = format!(
            r#"{{"@odata.context":"{context}/$entity","requestState":"Delivered","accessPackageAssignment":{{"id":"{ASSIGNMENT}"}},{properties}"#
        );
        let page = format!(r#"{{"@odata.context":"{context}","value":[{{{properties}]}}"#);
        Bodies {
            created: Bytes::from(created),
            entity: Bytes::from(entity),
            page: Bytes::from(page),
        }
    }
}

async fn answer(request: HttpRequest, body: Bytes, bodies: web::Data<Bodies>) -> HttpResponse {
    // Taking `body` as an argument is what reads it; its length is all that is needed.
    let _ = body.len();
    match *request.method() {
        Method::POST => HttpResponse::Created()
            .content_type(CONTENT_TYPE)
            .body(bodies.created.clone()),
        Method::DELETE => HttpResponse::NoContent().finish(),
        _ if request.query_string().contains("filter") => HttpResponse::Ok()
            .content_type(CONTENT_TYPE)
            .body(bodies.page.clone()),
        _ => HttpResponse::Ok()
            .content_type(CONTENT_TYPE)
            .body(bodies.entity.clone()),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let bodies = web::Data::new(Bodies::new());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(bodies.clone())
            .default_service(web::to(answer))
    })
    .bind(&address)?;
    for address in server.addrs() {
        println!("listening on http://{address}");
    }
    server.run().await
}
