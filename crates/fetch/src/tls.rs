//! TLS for the old servers that government sites still run (`--tls legacy`), and certificates
//! trusted besides the system's roots (`--ca-file`).
//!
//! reqwest's rustls speaks TLS 1.2 and 1.3 only, with AEAD suites and (EC)DHE key exchange: a
//! server that offers only TLS 1.0/1.1, CBC suites or RSA key exchange fails the handshake.
//! OpenSSL 3 still has all three, but at its default security level (1) it refuses the MD5-SHA1
//! signature of a TLS 1.0/1.1 (EC)DHE handshake ("legacy sigalg disallowed") and SHA-1 signed
//! certificates, and native-tls cannot lower that level. So the legacy client is the `openssl`
//! crate itself under a plain hyper HTTP/1.1 client ([`LegacyClient`]), tried only for an origin
//! whose rustls handshake failed (see [`crate::http`]).
//!
//! 1. The connector: OpenSSL's client defaults (the system's roots, host-name verification),
//!    TLS 1.0 at least, security level 0, and the cipher list [`LEGACY_CIPHERS`] (no anonymous,
//!    null, export, RC4 or MD5 suites). Certificates are verified as always: nothing here turns
//!    verification off.
//! 2. Extra trusted certificates ([`ExtraRoots`], read from PEM files) go into both stacks: a
//!    server whose chain lacks an intermediate is reached by trusting that intermediate. rustls
//!    takes any trusted certificate as a trust anchor; OpenSSL is told the same (partial chains
//!    allowed) when there are extra certificates.
//! 3. A chain that lacks an intermediate named by an AIA URL ([`crate::aia`]): the verify
//!    callback keeps the certificate whose issuer is missing; once the intermediates are fetched,
//!    each connection to that server name verifies against a store of the system's roots, the
//!    extra certificates and the fetched intermediates, partial chains not allowed (so a fetched
//!    intermediate only leads to a trusted root).
//! 4. A request: the crawl's `User-Agent`, `Accept: */*`, no `Accept-Encoding` (bodies come
//!    uncompressed), no redirects followed, no idle connections kept (TLS sessions are resumed),
//!    `TCP_NODELAY`, the connect timeout, and the request timeout over the whole answer, body
//!    included; the body is read under the same limit as reqwest's answers
//!    ([`crate::http::LimitedBody`]).

use std::path::PathBuf;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_openssl::client::legacy::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;

use openssl::error::ErrorStack;
use openssl::ssl::{ConnectConfiguration, SslConnector, SslMethod, SslVerifyMode, SslVersion};
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::verify::X509VerifyFlags;
use openssl::x509::X509;
use reqwest::header::{self, HeaderValue};
use rustls::pki_types::CertificateDer;

use crate::aia::{server_name, Issuers};
use crate::http::{FetchError, FetcherOptions, LimitedBody, Outgoing, Response};

/// The cipher suites the legacy client offers: OpenSSL's whole list at security level 0, less
/// the suites without authentication or encryption, export-grade ones, RC4 and MD5 MACs.
pub const LEGACY_CIPHERS: &str = "ALL:!aNULL:!eNULL:!EXPORT:!RC4:!MD5:@SECLEVEL=0";

/// Which TLS stacks a crawl may use to reach an `https` host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    /// rustls only (TLS 1.2 and 1.3, AEAD suites, forward secrecy): a host it cannot reach fails
    /// with a `tls` error.
    #[default]
    Strict,
    /// rustls first; a host whose rustls handshake fails is tried again with OpenSSL, which also
    /// speaks TLS 1.0/1.1, CBC suites and RSA key exchange (certificates still verified).
    Legacy,
}

impl TlsMode {
    const ALL: [TlsMode; 2] = [TlsMode::Strict, TlsMode::Legacy];

    /// The mode's name (`strict`, `legacy`), as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            TlsMode::Strict => "strict",
            TlsMode::Legacy => "legacy",
        }
    }

    /// The mode a name stands for.
    pub fn from_name(name: &str) -> Option<TlsMode> {
        TlsMode::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// The TLS stack that carried an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsBackend {
    /// reqwest's rustls.
    Rustls,
    /// The legacy OpenSSL client ([`TlsMode::Legacy`]).
    OpenSsl,
}

impl TlsBackend {
    /// The name stored in the crawl state (`rustls`, `openssl`).
    pub fn name(self) -> &'static str {
        match self {
            TlsBackend::Rustls => "rustls",
            TlsBackend::OpenSsl => "openssl",
        }
    }
}

/// A CA file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("CA file {}: {message}", path.display())]
pub struct CaFileError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

/// Certificates trusted besides the system's roots (CAs, or intermediates that servers leave out
/// of their chains), read from PEM files.
#[derive(Debug, Clone, Default)]
pub struct ExtraRoots {
    certs: Vec<X509>,
}

impl ExtraRoots {
    /// Reads every certificate of each PEM file; a file that cannot be read or holds none is an
    /// error naming it.
    pub fn read(paths: &[PathBuf]) -> Result<ExtraRoots, CaFileError> {
        let mut certs = Vec::new();
        for path in paths {
            let error = |message: String| CaFileError {
                path: path.clone(),
                message,
            };
            let pem = std::fs::read(path).map_err(|e| error(e.to_string()))?;
            let found = X509::stack_from_pem(&pem).map_err(|e| error(e.to_string()))?;
            if found.is_empty() {
                return Err(error("no PEM certificate in it".into()));
            }
            certs.extend(found);
        }
        Ok(ExtraRoots { certs })
    }

    /// The certificates in DER, for rustls.
    pub(crate) fn der(&self) -> anyhow::Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
        self.certs
            .iter()
            .map(|cert| Ok(cert.to_der()?.into()))
            .collect()
    }
}

/// OpenSSL's verification results for a certificate whose issuer is missing:
/// `X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT`, `…_LOCALLY` and
/// `X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE`.
const MISSING_ISSUER: [std::ffi::c_int; 3] = [2, 20, 21];

/// The OpenSSL client of [`TlsMode::Legacy`].
pub(crate) struct LegacyClient {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    user_agent: HeaderValue,
    timeout: Duration,
    issuers: Arc<Issuers>,
}

/// Sets up one connection to `name` (step 3): keeps the certificate whose issuer is missing,
/// and verifies with the intermediates fetched for `name`, if any.
fn complete_from_aia(
    config: &mut ConnectConfiguration,
    name: String,
    roots: &[X509],
    issuers: &Arc<Issuers>,
) -> Result<(), ErrorStack> {
    let fetched = issuers.intermediates_for(&name);
    let completing = !fetched.is_empty();
    if completing {
        config.set_verify_cert_store(store_with(roots, &fetched)?)?;
        config
            .param_mut()
            .clear_flags(X509VerifyFlags::PARTIAL_CHAIN)?;
    }
    let issuers = issuers.clone();
    config.set_verify_callback(SslVerifyMode::PEER, move |ok, ctx| {
        if !ok && MISSING_ISSUER.contains(&ctx.error().as_raw()) {
            if let Some(der) = ctx.current_cert().and_then(|c| c.to_der().ok()) {
                issuers.wait(&name, der.into());
            }
        }
        if ok && completing && ctx.error_depth() == 0 {
            issuers.mark_completed(&name);
        }
        ok
    });
    Ok(())
}

/// A store of the system's roots, `roots` and the fetched `intermediates`.
fn store_with(
    roots: &[X509],
    intermediates: &[CertificateDer<'_>],
) -> Result<X509Store, ErrorStack> {
    let mut store = X509StoreBuilder::new()?;
    store.set_default_paths()?;
    for cert in roots {
        store.add_cert(cert.clone())?;
    }
    for der in intermediates {
        store.add_cert(X509::from_der(der)?)?;
    }
    Ok(store.build())
}

impl LegacyClient {
    /// Builds the client (step 1), trusting `roots` besides the system's (step 2), completing
    /// chains with `issuers` (step 3).
    pub(crate) fn new(
        options: &FetcherOptions,
        roots: &ExtraRoots,
        issuers: Arc<Issuers>,
    ) -> anyhow::Result<Self> {
        let mut ssl = SslConnector::builder(SslMethod::tls_client())?;
        ssl.set_min_proto_version(Some(SslVersion::TLS1))?;
        ssl.set_security_level(0);
        ssl.set_cipher_list(LEGACY_CIPHERS)?;
        ssl.set_alpn_protos(b"\x08http/1.1")?;
        if !roots.certs.is_empty() {
            for cert in &roots.certs {
                ssl.cert_store_mut().add_cert(cert.clone())?;
            }
            ssl.verify_param_mut()
                .set_flags(X509VerifyFlags::PARTIAL_CHAIN)?;
        }
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(options.connect_timeout));
        // As reqwest does: without it, Nagle's algorithm against the server's delayed ACK holds
        // small handshake writes (a resumed session's) for 40 ms.
        http.set_nodelay(true);
        let mut connector = HttpsConnector::with_connector(http, ssl)?;
        let (extra, callback_issuers) = (roots.certs.clone(), issuers.clone());
        connector.set_callback(move |config, uri| {
            let Some(host) = uri.host() else {
                return Ok(());
            };
            let name = host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            complete_from_aia(config, name, &extra, &callback_issuers)
        });
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build(connector);
        Ok(LegacyClient {
            client,
            user_agent: HeaderValue::from_str(&options.user_agent)?,
            timeout: options.timeout,
            issuers,
        })
    }

    /// Sends `out` and reads its answer (step 4).
    pub(crate) async fn send(
        &self,
        out: &Outgoing<'_>,
        max_body_bytes: u64,
    ) -> Result<Response, FetchError> {
        let mut request = hyper::Request::builder()
            .method(out.method.http())
            .uri(out.url.as_str())
            .header(header::USER_AGENT, self.user_agent.clone())
            .header(header::ACCEPT, "*/*");
        for (name, value) in &out.headers {
            request = request.header(name, value.as_str());
        }
        let body = Full::new(Bytes::from(out.body.clone().unwrap_or_default()));
        let request = request
            .body(body)
            .map_err(|e| FetchError::Other(format!("a request for {} not built: {e}", out.url)))?;
        let answer = async {
            let response =
                self.client.request(request).await.map_err(|e| {
                    FetchError::classify(&e, false, is_handshake(&e), e.is_connect())
                })?;
            let mut answer = Response::head(
                response.status().as_u16(),
                response.headers(),
                out.url,
                Some(TlsBackend::OpenSsl),
            );
            answer.chain_from_aia =
                server_name(out.url).is_some_and(|name| self.issuers.completed(&name));
            if !(200..300).contains(&answer.status) {
                return Ok(answer);
            }
            let announced = response
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse().ok());
            let mut limited = LimitedBody::new(max_body_bytes, announced)?;
            let mut body = response.into_body();
            while let Some(frame) = body.frame().await {
                let frame =
                    frame.map_err(|e| FetchError::classify(&e, e.is_timeout(), false, false))?;
                if let Some(data) = frame.data_ref() {
                    limited.push(data)?;
                }
            }
            answer.body = limited.into_bytes();
            Ok(answer)
        };
        tokio::time::timeout(self.timeout, answer)
            .await
            .unwrap_or_else(|_| {
                Err(FetchError::Timeout(format!(
                    "no complete answer within {}",
                    humantime::format_duration(self.timeout)
                )))
            })
    }
}

/// Whether a connect error of the legacy client happened in the TLS handshake (OpenSSL's
/// error), rather than opening the connection.
fn is_handshake(e: &hyper_util::client::legacy::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = source {
        if err.is::<openssl::ssl::Error>() || err.is::<openssl::error::ErrorStack>() {
            return true;
        }
        source = err.source();
    }
    false
}
