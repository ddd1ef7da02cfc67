//! A TCP relay between the emulator and its PostgreSQL server that a test can cut: the
//! server lost to the emulator (a restart, a fail-over), without stopping the server the
//! other tests share.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::rt::task::JoinHandle;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

pub struct Relay {
    /// Whether connections are relayed; cut, each is closed as soon as it is accepted.
    open: Arc<AtomicBool>,
    /// The connections relayed so far.
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    /// Told of every connection closed because the relay was cut.
    refused: Arc<Notify>,
    accepting: JoinHandle<()>,
}

/// The port stays the relay's until the test ends, so no other test can take it meanwhile.
impl Drop for Relay {
    fn drop(&mut self) {
        self.accepting.abort();
        self.cut();
    }
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
        let open = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let refused = Arc::new(Notify::new());
        let (relaying, kept, told) = (Arc::clone(&open), Arc::clone(&links), Arc::clone(&refused));
        let accepting = actix_web::rt::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !relaying.load(Ordering::SeqCst) {
                    told.notify_one();
                    continue; // dropped: closed at once
                }
                let link = actix_web::rt::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                kept.lock().unwrap().push(link);
            }
        });
        let relay = Self {
            open,
            links,
            refused,
            accepting,
        };
        (relay, format!("{head}@{address}/{database}"))
    }

    /// The server is lost: every connection through the relay is closed, and new ones are
    /// closed as soon as they are made.
    pub fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    /// Returns once a connection has been refused since the last call (or the first).
    pub async fn refused(&self) {
        self.refused.notified().await;
    }

    /// The server is back.
    pub fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}
