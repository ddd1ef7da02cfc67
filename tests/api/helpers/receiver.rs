//! A Logic App stand-in on 127.0.0.1 that custom extensions call out to.

use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::Value;

/// A Logic App stand-in: keeps each body it is sent and answers 202, as a Logic App's
/// trigger does.
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Value>>>,
}

impl Receiver {
    pub async fn start() -> Self {
        let received: Arc<Mutex<Vec<Value>>> = Arc::default();
        let kept = Arc::clone(&received);
        let server = HttpServer::new(move || {
            let kept = Arc::clone(&kept);
            App::new().route(
                "/trigger",
                web::post().to(move |body: web::Json<Value>| {
                    let kept = Arc::clone(&kept);
                    async move {
                        kept.lock().unwrap().push(body.into_inner());
                        HttpResponse::Accepted().finish()
                    }
                }),
            )
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        actix_web::rt::spawn(server.run());
        Self {
            url: format!("http://127.0.0.1:{port}/trigger"),
            received,
        }
    }

    pub fn received(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }
}
