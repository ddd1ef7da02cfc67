//! A TCP relay between the emulator and its PostgreSQL server that a test can cut: the
//! server lost to the emulator (a restart, a fail-over, a network partition), without
//! stopping the server the other tests share.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use actix_web::rt::task::JoinHandle;
use tokio::net::{TcpListener, TcpStream};

pub struct Relay {
    pub address: SocketAddr,
    upstream: SocketAddr,
    /// The accepting task, then every connection relayed.
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    /// A relay to the server `url` names (`postgres://user:password@host:port/database`),
    /// and the same URL through the relay.
    pub async fn to(url: &str) -> (Self, String) {
        let (head, rest) = url.split_once('@').expect("a URL with user@host");
        let (server, database) = rest.split_once('/').expect("a URL with a database");
        let upstream: SocketAddr = server.parse().expect("the server as ip:port");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = listener.local_addr().expect("the relay's address");
        let relay = Self {
            address,
            upstream,
            tasks: Arc::default(),
        };
        relay.accept(listener);
        (relay, format!("{head}@{address}/{database}"))
    }

    fn accept(&self, listener: TcpListener) {
        let (upstream, tasks) = (self.upstream, Arc::clone(&self.tasks));
        let accepting = actix_web::rt::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let link = actix_web::rt::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(link);
            }
        });
        self.tasks.lock().unwrap().push(accepting);
    }

    /// The server is lost: every connection through the relay is closed, and new ones are
    /// refused (nothing listens on the port).
    pub fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// The server is back, on the same port.
    pub async fn restore(&self) {
        let listener = TcpListener::bind(self.address)
            .await
            .expect("the relay's port again");
        self.accept(listener);
    }
}
