//! Small loopback servers whose every answer a test writes: a handler maps a request (path and
//! query, headers, how many times that path was asked) to a [`Reply`]. Each server logs every
//! request with its arrival and the moment its answer was sent, and servers can listen on any
//! loopback address (127.0.0.2, 127.0.0.3, … are hosts of their own).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

/// One request as a server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    /// Path and query.
    pub path: String,
    /// Arrival, from the servers' common start.
    pub at: Duration,
    /// When the answer was handed over, from the same start.
    pub done: Duration,
    /// Request headers.
    pub headers: HeaderMap,
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
}

impl Reply {
    /// A 200 HTML page (UTF-8).
    pub fn html(body: impl Into<String>) -> Reply {
        Reply::status(200)
            .header("content-type", "text/html; charset=utf-8")
            .body(body.into().into_bytes())
    }

    /// An empty answer with this status.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// A 302 to `location`.
    pub fn redirect(location: &str) -> Reply {
        Reply::status(302).header("location", location)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }

    /// Answers only after `delay`.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// A request handler: path and query, headers, and how many times this path has been asked
/// (1 the first time).
pub type Handler = Arc<dyn Fn(&str, &HeaderMap, u32) -> Reply + Send + Sync>;

/// Servers sharing one runtime and one clock.
pub struct Servers {
    runtime: tokio::runtime::Runtime,
    start: Instant,
}

/// A running server.
#[derive(Clone)]
pub struct Server {
    /// `http://IP:PORT`
    pub base: String,
    log: Arc<Mutex<Vec<Logged>>>,
}

struct ServerState {
    handler: Handler,
    start: Instant,
    log: Arc<Mutex<Vec<Logged>>>,
}

impl Servers {
    /// A runtime for servers.
    pub fn new() -> Servers {
        Servers {
            runtime: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
            start: Instant::now(),
        }
    }

    /// Starts a server on `ip` (port 0: any free port).
    pub fn serve(&self, ip: &str, port: u16, handler: Handler) -> Server {
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(ServerState {
            handler,
            start: self.start,
            log: log.clone(),
        });
        let addr = self.runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind((ip, port)).await.unwrap();
            let addr = listener.local_addr().unwrap();
            let app = axum::Router::new().fallback(handle).with_state(state);
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            addr
        });
        Server {
            base: format!("http://{addr}"),
            log,
        }
    }
}

impl Server {
    /// Every request so far.
    pub fn hits(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    /// The paths asked, in order.
    pub fn paths(&self) -> Vec<String> {
        self.hits().into_iter().map(|h| h.path).collect()
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

async fn handle(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let headers = request.headers().clone();
    let at = state.start.elapsed();
    let count = {
        let log = state.log.lock().unwrap();
        1 + log.iter().filter(|h| h.path == path).count() as u32
    };
    let reply = (state.handler)(&path, &headers, count);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
    for (name, value) in &reply.headers {
        response.headers_mut().insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    state.log.lock().unwrap().push(Logged {
        path,
        at,
        done: state.start.elapsed(),
        headers,
    });
    response
}
