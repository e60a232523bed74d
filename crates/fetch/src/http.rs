//! One HTTP request: conditional headers, no automatic redirects (each hop is its own polite
//! request), a body size limit, and errors sorted into kinds a person can act on.
//!
//! Requests go through reqwest with rustls. Under [`TlsMode::Legacy`] an `https` origin that
//! rustls cannot reach gets a second chance with the OpenSSL client of [`crate::tls`]:
//!
//! 1. a request to an origin not yet known to need it goes through rustls;
//! 2. when that fails with a `tls` error, the same request is sent through OpenSSL;
//! 3. when OpenSSL answers (any status), the origin is remembered, and its later requests go
//!    straight to OpenSSL; when it fails too, the `tls` error names both reasons.
//!
//! A handshake (either stack's) that fails because the server left an intermediate out of its
//! chain is completed from the certificate's AIA URL ([`crate::aia`]): the missing intermediates
//! are fetched and the request is sent once more through the same stack.
//!
//! A server that resets the connection in the handshake (an old server meeting a ClientHello it
//! does not understand) fails with a `tls` error, so that step 2 tries it; a refused connection
//! stays a `connect` error.
//!
//! Every answer says which TLS stack carried it ([`Response::tls`]) and whether its chain was
//! completed from AIA ([`Response::chain_from_aia`]), for the crawl state.

use std::collections::HashSet;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderName};
use tracing::info;
use url::Url;

use crate::aia::{rustls_config, server_name, Issuers};
use crate::listing::{ListRequest, Method};
use crate::tls::{ExtraRoots, LegacyClient, TlsBackend, TlsMode};

/// The HTTP client of a crawl.
pub struct Fetcher {
    client: reqwest::Client,
    /// The OpenSSL client, under [`TlsMode::Legacy`].
    legacy: Option<LegacyClient>,
    /// Origins (`https://name:port`) that rustls could not reach and OpenSSL did.
    legacy_origins: Mutex<HashSet<String>>,
    /// Intermediates fetched from AIA URLs, shared with the rustls client's verifier.
    issuers: Arc<Issuers>,
    max_body_bytes: u64,
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct FetcherOptions {
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed for the whole request, body included.
    pub timeout: Duration,
    /// Largest body accepted.
    pub max_body_bytes: u64,
    /// Which TLS stacks may reach an `https` host.
    pub tls: TlsMode,
    /// PEM files of certificates trusted besides the system's roots, by both TLS stacks (a CA,
    /// or an intermediate that a server leaves out of its chain).
    pub ca_files: Vec<PathBuf>,
}

/// Validators of a stored copy, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` last seen.
    pub etag: Option<String>,
    /// The `Last-Modified` last seen.
    pub last_modified: Option<String>,
}

/// An HTTP answer (any status).
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `ETag` and `Last-Modified`.
    pub validators: Validators,
    /// `Location`, resolved against the request URL.
    pub location: Option<Url>,
    /// `Retry-After`, as a wait from now.
    pub retry_after: Option<Duration>,
    /// The body (empty for 304 and for error statuses).
    pub body: Vec<u8>,
    /// The TLS stack that carried the answer (`None` over plain HTTP).
    pub tls: Option<TlsBackend>,
    /// Whether the server's certificate chain was completed with intermediates fetched from its
    /// AIA URL (the server leaves them out).
    pub chain_from_aia: bool,
}

impl Response {
    /// An answer's status and headers, to `url`, without its body.
    pub(crate) fn head(
        status: u16,
        headers: &HeaderMap,
        url: &Url,
        tls: Option<TlsBackend>,
    ) -> Response {
        let text = |name: header::HeaderName| header_text(headers, name);
        Response {
            status,
            content_type: text(header::CONTENT_TYPE),
            validators: Validators {
                etag: text(header::ETAG),
                last_modified: text(header::LAST_MODIFIED),
            },
            location: text(header::LOCATION).and_then(|l| url.join(&l).ok()),
            retry_after: text(header::RETRY_AFTER)
                .and_then(|v| parse_retry_after(&v, SystemTime::now())),
            body: Vec::new(),
            tls,
            chain_from_aia: false,
        }
    }
}

/// A body read under the size limit: the announced length only refuses early; memory grows
/// with the bytes that arrive.
pub(crate) struct LimitedBody {
    max: u64,
    bytes: Vec<u8>,
}

impl LimitedBody {
    /// An empty body, or [`FetchError::TooLarge`] when the announced length is over `max`.
    pub(crate) fn new(max: u64, announced: Option<u64>) -> Result<LimitedBody, FetchError> {
        if announced.is_some_and(|n| n > max) {
            return Err(FetchError::TooLarge(max));
        }
        Ok(LimitedBody {
            max,
            bytes: Vec::new(),
        })
    }

    /// Adds a chunk, or fails when the body grows past the limit.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<(), FetchError> {
        if (self.bytes.len() + chunk.len()) as u64 > self.max {
            return Err(FetchError::TooLarge(self.max));
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// The bytes read.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The host name did not resolve.
    #[error("dns: {0}")]
    Dns(String),
    /// The TLS handshake failed.
    #[error("tls: {0}")]
    Tls(String),
    /// The connection was refused or broke.
    #[error("connect: {0}")]
    Connect(String),
    /// No complete answer in time.
    #[error("timeout: {0}")]
    Timeout(String),
    /// The process ran out of file descriptors (or another local resource): says nothing about
    /// the server, so it is never recorded against the host.
    #[error("out of file descriptors: {0}")]
    Exhausted(String),
    /// The body is larger than the limit.
    #[error("too large: more than {0} bytes")]
    TooLarge(u64),
    /// Anything else (a malformed answer, a body cut short).
    #[error("http: {0}")]
    Other(String),
}

impl FetchError {
    /// A short name for summaries: `dns`, `tls`, `connect`, `timeout`, `fds`, `too-large`, `http`.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Dns(_) => "dns",
            FetchError::Tls(_) => "tls",
            FetchError::Connect(_) => "connect",
            FetchError::Timeout(_) => "timeout",
            FetchError::Exhausted(_) => "fds",
            FetchError::TooLarge(_) => "too-large",
            FetchError::Other(_) => "http",
        }
    }

    /// The message, without the kind.
    pub fn message(&self) -> String {
        match self {
            FetchError::Dns(m)
            | FetchError::Tls(m)
            | FetchError::Connect(m)
            | FetchError::Timeout(m)
            | FetchError::Exhausted(m)
            | FetchError::Other(m) => m.clone(),
            FetchError::TooLarge(n) => format!("more than {n} bytes"),
        }
    }

    /// Whether trying again later may help.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            FetchError::Connect(_) | FetchError::Timeout(_) | FetchError::Other(_)
        )
    }

    /// Sorts a client's error by the messages of its chain of sources, and by what the client
    /// itself knows: `timeout`, `tls` (it failed in the handshake), `connect`.
    pub(crate) fn classify(
        e: &(dyn std::error::Error + 'static),
        timeout: bool,
        tls: bool,
        connect: bool,
    ) -> FetchError {
        let mut chain = Vec::new();
        let mut source = Some(e);
        while let Some(err) = source {
            chain.push(err.to_string());
            source = err.source();
        }
        // The innermost cause, as the outermost error that still quotes it words it (OpenSSL's
        // handshake error, say, adds the certificate's verification result).
        let innermost = chain.last().cloned().unwrap_or_default();
        let message = chain
            .iter()
            .find(|m| m.contains(&innermost))
            .cloned()
            .unwrap_or(innermost);
        let all = chain.join(": ").to_lowercase();
        if all.contains("too many open files") || all.contains("(os error 24)") {
            FetchError::Exhausted(message)
        } else if timeout || all.contains("timed out") {
            FetchError::Timeout(message)
        } else if all.contains("dns error")
            || all.contains("failed to lookup address")
            || all.contains("name or service")
        {
            FetchError::Dns(message)
        } else if tls
            || all.contains("tls")
            || all.contains("certificate")
            || all.contains("handshake")
            || all.contains("corrupt message")
            // rustls's handshake errors.
            || all.contains("fatal alert")
            || all.contains("peer is incompatible")
            || all.contains("peer misbehaved")
        {
            FetchError::Tls(message)
        } else if connect {
            FetchError::Connect(message)
        } else {
            FetchError::Other(message)
        }
    }

    /// Sorts an error of reqwest's; a connection that the server reset or closed after the TCP
    /// connect, in the TLS handshake, is a `tls` error (a refused one stays `connect`).
    pub(crate) fn from_reqwest(e: &reqwest::Error) -> FetchError {
        let https = e.url().is_some_and(|u| u.scheme() == "https");
        if e.is_connect() && https {
            if let Some(closed) = closed_by_peer(e) {
                return FetchError::Tls(format!(
                    "the server closed the connection in the handshake: {closed}"
                ));
            }
        }
        FetchError::classify(e, e.is_timeout(), false, e.is_connect())
    }
}

/// The I/O error of `e`'s chain that says the peer reset, aborted or closed the connection.
fn closed_by_peer<'e>(e: &'e (dyn std::error::Error + 'static)) -> Option<&'e std::io::Error> {
    use std::io::ErrorKind;
    let mut source = Some(e);
    while let Some(err) = source {
        // An I/O error may wrap another (the TLS stream's wraps the socket's), which its
        // `source` skips.
        let mut io = err.downcast_ref::<std::io::Error>();
        while let Some(e) = io {
            if matches!(
                e.kind(),
                ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::UnexpectedEof
            ) {
                return Some(e);
            }
            io = e.get_ref().and_then(|inner| inner.downcast_ref());
        }
        source = err.source();
    }
    None
}

/// Reads the body of a successful answer under the size limit `max`.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    max: u64,
) -> Result<Vec<u8>, FetchError> {
    let mut body = LimitedBody::new(max, response.content_length())?;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::from_reqwest(&e))?
    {
        body.push(&chunk)?;
    }
    Ok(body.into_bytes())
}

impl Method {
    /// The method for an HTTP client.
    pub(crate) fn http(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        }
    }
}

/// A request to send, whichever TLS stack carries it.
pub(crate) struct Outgoing<'u> {
    /// GET or POST.
    pub(crate) method: Method,
    /// Where to.
    pub(crate) url: &'u Url,
    /// Headers besides `User-Agent` and `Accept`.
    pub(crate) headers: Vec<(HeaderName, String)>,
    /// A form body (a POST's).
    pub(crate) body: Option<String>,
}

impl Fetcher {
    /// Builds the client; fails on a CA file that cannot be read (naming it).
    pub fn new(options: &FetcherOptions) -> anyhow::Result<Fetcher> {
        let roots = ExtraRoots::read(&options.ca_files)?;
        let issuers = Arc::new(Issuers::default());
        let client = reqwest::Client::builder()
            .user_agent(options.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            // No idle connections kept: open sockets are the requests in flight, which the
            // crawl bounds (`--jobs`), however many hosts it visits.
            .pool_max_idle_per_host(0)
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .tls_backend_preconfigured(rustls_config(roots.der()?, issuers.clone())?)
            .build()?;
        let legacy = match options.tls {
            TlsMode::Strict => None,
            TlsMode::Legacy => Some(LegacyClient::new(options, &roots, issuers.clone())?),
        };
        Ok(Fetcher {
            client,
            legacy,
            legacy_origins: Mutex::new(HashSet::new()),
            issuers,
            max_body_bytes: options.max_body_bytes,
        })
    }

    /// Sends one GET, conditional when `validators` has any.
    pub async fn get(&self, url: &Url, validators: &Validators) -> Result<Response, FetchError> {
        let mut headers = Vec::new();
        if let Some(etag) = &validators.etag {
            headers.push((header::IF_NONE_MATCH, etag.clone()));
        }
        if let Some(date) = &validators.last_modified {
            headers.push((header::IF_MODIFIED_SINCE, date.clone()));
        }
        self.send(&Outgoing {
            method: Method::Get,
            url,
            headers,
            body: None,
        })
        .await
    }

    /// Sends one list request of a CMS listing: a GET, or a POST with its form body
    /// (`application/x-www-form-urlencoded`), with the column page as `Referer`.
    pub async fn list(&self, list: &ListRequest) -> Result<Response, FetchError> {
        let mut headers = vec![(header::REFERER, list.column.to_string())];
        let body = match list.method {
            Method::Get => None,
            Method::Post => {
                headers.push((
                    header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded; charset=UTF-8".into(),
                ));
                Some(list.body())
            }
        };
        self.send(&Outgoing {
            method: list.method,
            url: &list.url,
            headers,
            body,
        })
        .await
    }

    /// Sends `out` through rustls, or through OpenSSL when the origin needs it (steps 1-3).
    async fn send(&self, out: &Outgoing<'_>) -> Result<Response, FetchError> {
        let rustls = || self.completing_chain(out, || self.send_rustls(out));
        let Some(legacy) = self.legacy.as_ref().filter(|_| out.url.scheme() == "https") else {
            return rustls().await;
        };
        let openssl = || self.completing_chain(out, || legacy.send(out, self.max_body_bytes));
        let origin = out.url.origin().ascii_serialization();
        let known = self
            .legacy_origins
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&origin);
        if known {
            return openssl().await;
        }
        match rustls().await {
            Err(FetchError::Tls(rustls)) => match openssl().await {
                Ok(answer) => {
                    info!(%origin, "rustls failed ({rustls}); reached with OpenSSL");
                    self.legacy_origins
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(origin);
                    Ok(answer)
                }
                Err(FetchError::Tls(openssl)) => Err(FetchError::Tls(format!(
                    "{rustls}; with OpenSSL (legacy TLS) too: {openssl}"
                ))),
                Err(e) => Err(e),
            },
            other => other,
        }
    }

    /// Sends `out` with `send`; when the handshake failed for want of intermediates that the
    /// server's certificate names an AIA URL for, fetches them and sends `out` once more.
    async fn completing_chain<F, Fut>(
        &self,
        out: &Outgoing<'_>,
        send: F,
    ) -> Result<Response, FetchError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Response, FetchError>>,
    {
        let first = send().await;
        let Err(FetchError::Tls(reason)) = &first else {
            return first;
        };
        let Some(name) = server_name(out.url) else {
            return first;
        };
        let Some(completion) = self.issuers.fetch_missing(&self.client, &name).await else {
            return first;
        };
        let problems = completion
            .problems
            .iter()
            .map(|p| format!("; its issuer from AIA: {p}"))
            .collect::<String>();
        if !completion.found {
            return Err(FetchError::Tls(format!("{reason}{problems}")));
        }
        match send().await {
            Err(FetchError::Tls(again)) => Err(FetchError::Tls(format!(
                "{again} (with intermediates from AIA){problems}"
            ))),
            other => other,
        }
    }

    /// Sends `out` through reqwest (rustls) and reads its answer.
    async fn send_rustls(&self, out: &Outgoing<'_>) -> Result<Response, FetchError> {
        let mut request = self.client.request(out.method.http(), out.url.clone());
        for (name, value) in &out.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &out.body {
            request = request.body(body.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|e| FetchError::from_reqwest(&e))?;
        let https = out.url.scheme() == "https";
        let mut answer = Response::head(
            response.status().as_u16(),
            response.headers(),
            out.url,
            https.then_some(TlsBackend::Rustls),
        );
        answer.chain_from_aia =
            https && server_name(out.url).is_some_and(|name| self.issuers.completed(&name));
        if !(200..300).contains(&answer.status) {
            return Ok(answer);
        }
        answer.body = read_limited(response, self.max_body_bytes).await?;
        Ok(answer)
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    let value = headers.get(name)?;
    let text = String::from_utf8_lossy(value.as_bytes()).trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// A `Retry-After` value (seconds, or an HTTP date) as a wait from `now`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A loopback server: `/big` is 2000 bytes, `/doc` answers `If-None-Match: "v1"` with 304,
    /// `/busy` is a 503 with `Retry-After: 5`, `/moved` a redirect.
    async fn server() -> String {
        use axum::http::{HeaderMap, StatusCode};
        use axum::response::IntoResponse;
        use axum::routing::get;
        let app = axum::Router::new()
            .route("/big", get(|| async { "x".repeat(2000) }))
            .route(
                "/doc",
                get(|headers: HeaderMap| async move {
                    if headers.get("if-none-match").is_some_and(|v| v == "\"v1\"") {
                        StatusCode::NOT_MODIFIED.into_response()
                    } else {
                        (
                            [("etag", "\"v1\""), ("content-type", "application/pdf")],
                            "%PDF-",
                        )
                            .into_response()
                    }
                }),
            )
            .route(
                "/busy",
                get(|| async { (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "5")], "") }),
            )
            .route(
                "/moved",
                get(|| async { (StatusCode::MOVED_PERMANENTLY, [("location", "/doc")], "") }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        base
    }

    #[tokio::test]
    async fn statuses_limits_and_validators() {
        let base = server().await;
        let fetcher = Fetcher::new(&FetcherOptions {
            user_agent: "test".into(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
            max_body_bytes: 1000,
            tls: TlsMode::Strict,
            ca_files: Vec::new(),
        })
        .unwrap();
        let url = |p: &str| Url::parse(&format!("{base}{p}")).unwrap();
        let none = Validators::default();
        assert_eq!(
            fetcher.get(&url("/big"), &none).await.unwrap_err(),
            FetchError::TooLarge(1000)
        );
        let doc = fetcher.get(&url("/doc"), &none).await.unwrap();
        assert_eq!((doc.status, doc.body.as_slice()), (200, &b"%PDF-"[..]));
        assert_eq!(doc.validators.etag.as_deref(), Some("\"v1\""));
        let again = fetcher.get(&url("/doc"), &doc.validators).await.unwrap();
        assert_eq!((again.status, again.body.len()), (304, 0));
        let busy = fetcher.get(&url("/busy"), &none).await.unwrap();
        assert_eq!(
            (busy.status, busy.retry_after),
            (503, Some(Duration::from_secs(5)))
        );
        let moved = fetcher.get(&url("/moved"), &none).await.unwrap();
        assert_eq!((moved.status, moved.location), (301, Some(url("/doc"))));
        let refused = format!("http://127.0.0.1:{}/", {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        });
        let err = fetcher
            .get(&Url::parse(&refused).unwrap(), &none)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), "connect", "{err}");
        assert!(err.is_transient());
    }

    /// A server that streams `chunks` chunks of 1,000 bytes without a `Content-Length`; returns
    /// its address and the count of chunks it managed to send.
    async fn streaming_server(chunks: usize) -> (String, Arc<AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let sent = Arc::new(AtomicUsize::new(0));
        let counter = sent.clone();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/pdf\r\ntransfer-encoding: chunked\r\n\r\n";
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for _ in 0..chunks {
                let chunk = format!("3e8\r\n{}\r\n", "x".repeat(1000));
                if socket.write_all(chunk.as_bytes()).await.is_err()
                    || socket.flush().await.is_err()
                {
                    return;
                }
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let _ = socket.write_all(b"0\r\n\r\n").await;
        });
        (base, sent)
    }

    #[tokio::test]
    async fn the_body_limit_holds_while_the_body_streams() {
        let fetcher = Fetcher::new(&FetcherOptions {
            user_agent: "test".into(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_body_bytes: 2_500,
            tls: TlsMode::Strict,
            ca_files: Vec::new(),
        })
        .unwrap();
        let (base, sent) = streaming_server(200).await;
        let url = Url::parse(&format!("{base}/stream")).unwrap();
        let err = fetcher.get(&url, &Validators::default()).await.unwrap_err();
        assert_eq!(err, FetchError::TooLarge(2_500));
        // The reading stopped at the third chunk: the server could not send the rest.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(sent.load(Ordering::SeqCst) < 20, "{sent:?} chunks sent");
        let (base, _) = streaming_server(2).await;
        let url = Url::parse(&format!("{base}/stream")).unwrap();
        let ok = fetcher.get(&url, &Validators::default()).await.unwrap();
        assert_eq!(ok.body.len(), 2_000);
    }

    #[tokio::test]
    async fn list_requests_post_a_form_with_the_column_as_referer() {
        use crate::listing::AdapterName;
        use axum::http::HeaderMap;
        let app = axum::Router::new().fallback(
            |method: axum::http::Method, headers: HeaderMap, body: String| async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_string()
                };
                format!(
                    "{method}|{}|{}|{body}",
                    header("content-type"),
                    header("referer")
                )
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let fetcher = Fetcher::new(&FetcherOptions {
            user_agent: "test".into(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
            max_body_bytes: 1000,
            tls: TlsMode::Strict,
            ca_files: Vec::new(),
        })
        .unwrap();
        let column = Url::parse(&format!("{base}/col/index.html")).unwrap();
        let post = ListRequest {
            adapter: AdapterName::Fujian,
            method: Method::Post,
            url: Url::parse(&format!("{base}/fjdzapp/search")).unwrap(),
            form: vec![("page".into(), "2".into()), ("q".into(), "年报".into())],
            page: 2,
            column: column.clone(),
        };
        let answer = fetcher.list(&post).await.unwrap();
        assert_eq!(
            String::from_utf8(answer.body).unwrap(),
            format!(
                "POST|application/x-www-form-urlencoded; charset=UTF-8|{column}|page=2&q=%E5%B9%B4%E6%8A%A5"
            )
        );
        let get = ListRequest {
            method: Method::Get,
            form: Vec::new(),
            ..post
        };
        let answer = fetcher.list(&get).await.unwrap();
        assert_eq!(
            String::from_utf8(answer.body).unwrap(),
            format!("GET|-|{column}|")
        );
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
