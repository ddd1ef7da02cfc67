//! The benchmark's ceiling: the fastest answer actix-web can give to the create request,
//! a canned 201 with a body shaped like the emulator's. `bench/run.sh` drives it with the
//! same load as the emulator, so the emulator's figures are read as a share of this one
//! and survive a noisy machine.
//!
//! `cargo run --release --example ceiling -- 127.0.0.1:0` prints `listening on http://ADDR`.

use actix_web::{web, App, HttpResponse, HttpServer};

const BODY: &str = r#"{"@odata.context":"http://127.0.0.1/beta/$metadata#identityGovernance/entitlementManagement/accessPackages/$entity","id":"56ff43fd-6b05-48e2-9b15-8c3a5e4e3e3a","catalogId":"aa2f6514-3232-46e7-a08a-2411ad8d7128","displayName":"sales reps","description":"outside sales representatives","isHidden":false,"isRoleScopesVisible":false,"createdBy":"admin@contoso.onmicrosoft.com","createdDateTime":"2026-11-28T19:00:00.0000000Z","modifiedBy":"admin@contoso.onmicrosoft.com","modifiedDateTime":"2026-11-28T19:00:00.0000000Z"}"#;

async fn created() -> HttpResponse {
    HttpResponse::Created()
        .content_type("application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
        .body(BODY)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let server = HttpServer::new(|| App::new().default_service(web::to(created))).bind(&address)?;
    for address in server.addrs() {
        println!("listening on http://{address}");
    }
    server.run().await
}
