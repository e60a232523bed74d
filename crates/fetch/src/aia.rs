//! Completing a certificate chain that a server leaves incomplete, as browsers do: the missing
//! intermediates are fetched from the Authority Information Access (AIA) "CA Issuers" URL of the
//! server's certificate.
//!
//! Many government servers send their certificate without the intermediate that issued it, and
//! rustls (like OpenSSL) then fails with `UnknownIssuer`. The rustls client of a crawl verifies
//! through `AiaVerifier`, which wraps the platform verifier reqwest uses:
//!
//! 1. A chain the platform verifier accepts is accepted; any failure but `UnknownIssuer` stands.
//! 2. On `UnknownIssuer`, the certificate's CA Issuers URLs are looked up in `Issuers`, the
//!    intermediates fetched in this run (per URL; an intermediate's own URLs are followed, at most
//!    [`MAX_ISSUER_URLS`] URLs for one chain). When every URL has been fetched, the chain is
//!    verified again with the fetched certificates added to the server's as *untrusted
//!    intermediates*: the chain must still end at a trusted root, as before.
//! 3. When a URL has not been fetched yet, the certificate is kept for the server name and the
//!    handshake fails as it did. Fetching is async (`Issuers::fetch_missing`): the caller
//!    ([`crate::http`]) fetches the URLs (`http` or `https`, at most [`MAX_ISSUER_BYTES`] within
//!    [`ISSUER_TIMEOUT`]; DER, PEM or PKCS#7 certificates) and sends its request once more.
//!
//! Server names whose chain was completed this way are remembered (`Issuers::completed`), so
//! that every answer says so, resumed TLS sessions included (they skip verification).
//!
//! The OpenSSL client of `--tls legacy` ([`crate::tls`]) does the same with its own means: its
//! verify callback keeps the certificate whose issuer is missing (`Issuers::wait`), and a
//! connection to a server name with fetched intermediates (`Issuers::intermediates_for`)
//! verifies against a store that holds them besides the trusted roots, partial chains not
//! allowed: they extend a chain to a trusted root and are never trusted themselves.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use openssl::nid::Nid;
use openssl::pkcs7::Pkcs7;
use openssl::x509::{X509VerifyResult, X509};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use url::{Host, Url};

use crate::http::{read_limited, FetchError};

/// Largest answer accepted from a CA Issuers URL (an intermediate is 1-2 KB).
pub const MAX_ISSUER_BYTES: u64 = 64 * 1024;
/// Time allowed for fetching one CA Issuers URL.
pub const ISSUER_TIMEOUT: Duration = Duration::from_secs(10);
/// Most CA Issuers URLs followed to complete one chain (the certificate's, then its fetched
/// intermediates').
pub const MAX_ISSUER_URLS: usize = 4;

/// What one CA Issuers URL gave: its certificates, or why it gave none.
type Fetched = Result<Vec<CertificateDer<'static>>, String>;

/// The intermediates fetched from CA Issuers URLs in a run, and the certificates still waiting
/// for theirs; shared by the verifier (in the handshake) and the fetcher (which fetches).
#[derive(Debug, Default)]
pub(crate) struct Issuers {
    /// Each CA Issuers URL fetched, with what it gave.
    fetched: Mutex<HashMap<String, Fetched>>,
    /// Server name → its certificate, when a URL of its chain has not been fetched yet.
    waiting: Mutex<HashMap<String, CertificateDer<'static>>>,
    /// Server name → the intermediates fetched for its chain.
    found: Mutex<HashMap<String, Vec<CertificateDer<'static>>>>,
    /// Server names whose chain was completed with fetched intermediates.
    completed: Mutex<HashSet<String>>,
}

/// Where a walk up a certificate's CA Issuers URLs ended.
enum Walk {
    /// This URL has not been fetched yet.
    Unfetched(String),
    /// Every URL has been fetched: the certificates they gave, and what went wrong with others.
    Done {
        intermediates: Vec<CertificateDer<'static>>,
        problems: Vec<String>,
    },
}

/// What fetching a chain's missing intermediates came to.
pub(crate) struct Completion {
    /// Whether any intermediate was found (the request is worth sending again).
    pub(crate) found: bool,
    /// The URLs that gave none, each with why (empty when all gave certificates).
    pub(crate) problems: Vec<String>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The name a URL's host is verified as (an IPv6 address without its brackets), as
/// [`ServerName::to_str`] spells it.
pub(crate) fn server_name(url: &Url) -> Option<String> {
    Some(match url.host()? {
        Host::Ipv6(ip) => ip.to_string(),
        host => host.to_string(),
    })
}

impl Issuers {
    /// Whether the chain of `server_name` was completed with fetched intermediates in this run.
    pub(crate) fn completed(&self, server_name: &str) -> bool {
        lock(&self.completed).contains(server_name)
    }

    /// Notes that the chain of `server_name` was completed with fetched intermediates.
    pub(crate) fn mark_completed(&self, server_name: &str) {
        lock(&self.completed).insert(server_name.to_string());
    }

    /// Keeps `cert`, whose issuer is missing, for [`Issuers::fetch_missing`] to fetch it.
    pub(crate) fn wait(&self, server_name: &str, cert: CertificateDer<'static>) {
        lock(&self.waiting).insert(server_name.to_string(), cert);
    }

    /// The intermediates fetched for the chain of `server_name` (none when nothing was).
    pub(crate) fn intermediates_for(&self, server_name: &str) -> Vec<CertificateDer<'static>> {
        lock(&self.found)
            .get(server_name)
            .cloned()
            .unwrap_or_default()
    }

    /// Walks up `leaf`'s CA Issuers URLs through the intermediates already fetched (step 2).
    fn walk(&self, leaf: &CertificateDer<'_>) -> Walk {
        let fetched = lock(&self.fetched);
        let mut intermediates = Vec::new();
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        let mut pending = issuer_urls(leaf);
        while let Some(url) = pending.pop() {
            if seen.len() == MAX_ISSUER_URLS {
                break;
            }
            if !seen.insert(url.clone()) {
                continue;
            }
            match fetched.get(&url) {
                None => return Walk::Unfetched(url),
                Some(Ok(certs)) => {
                    for cert in certs {
                        pending.extend(issuer_urls(cert));
                        intermediates.push(cert.clone());
                    }
                }
                Some(Err(why)) => problems.push(format!("{url}: {why}")),
            }
        }
        Walk::Done {
            intermediates,
            problems,
        }
    }

    /// Fetches the CA Issuers URLs that the chain kept for `server_name` needs (step 3) through
    /// `client`; `None` when no chain was kept (the handshake failed for another reason, or its
    /// certificate names no CA Issuers URL).
    pub(crate) async fn fetch_missing(
        &self,
        client: &reqwest::Client,
        server_name: &str,
    ) -> Option<Completion> {
        let leaf = lock(&self.waiting).remove(server_name)?;
        loop {
            match self.walk(&leaf) {
                Walk::Unfetched(url) => {
                    let fetched = fetch(client, &url).await;
                    lock(&self.fetched).insert(url, fetched);
                }
                Walk::Done {
                    intermediates,
                    problems,
                } => {
                    let found = !intermediates.is_empty();
                    if found {
                        lock(&self.found).insert(server_name.to_string(), intermediates);
                    }
                    return Some(Completion { found, problems });
                }
            }
        }
    }
}

/// The CA Issuers URLs (`http`, `https`) of a certificate; none for a self-issued one (a root).
fn issuer_urls(der: &CertificateDer<'_>) -> Vec<String> {
    let Ok(cert) = X509::from_der(der) else {
        return Vec::new();
    };
    if cert.issued(&cert) == X509VerifyResult::OK {
        return Vec::new();
    }
    let Some(access) = cert.authority_info() else {
        return Vec::new();
    };
    access
        .iter()
        .filter(|a| a.method().nid() == Nid::AD_CA_ISSUERS)
        .filter_map(|a| a.location().uri())
        .filter(|uri| uri.starts_with("http://") || uri.starts_with("https://"))
        .map(str::to_string)
        .collect()
}

/// Fetches one CA Issuers URL and reads its certificates.
async fn fetch(client: &reqwest::Client, url: &str) -> Fetched {
    let response = client
        .get(url)
        .timeout(ISSUER_TIMEOUT)
        .send()
        .await
        .map_err(|e| FetchError::from_reqwest(&e).to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("status {}", status.as_u16()));
    }
    let body = read_limited(response, MAX_ISSUER_BYTES)
        .await
        .map_err(|e| e.to_string())?;
    parse_certificates(&body)
}

/// The certificates of a CA Issuers answer: one DER certificate, PEM certificates, or a PKCS#7
/// bundle (DER or PEM) of certificates.
fn parse_certificates(body: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = if let Ok(cert) = X509::from_der(body) {
        vec![cert]
    } else if let Some(certs) = X509::stack_from_pem(body).ok().filter(|c| !c.is_empty()) {
        certs
    } else if let Ok(bundle) = Pkcs7::from_der(body).or_else(|_| Pkcs7::from_pem(body)) {
        bundle
            .signed()
            .and_then(|signed| signed.certificates())
            .map(|stack| stack.iter().map(|c| c.to_owned()).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    if certs.is_empty() {
        return Err(format!(
            "no certificate in {} bytes (DER, PEM or PKCS#7)",
            body.len()
        ));
    }
    certs
        .iter()
        .map(|c| Ok(CertificateDer::from(c.to_der().map_err(|e| e.to_string())?)))
        .collect()
}

/// The rustls verifier of a crawl: the platform verifier, with a chain the server leaves
/// incomplete completed from its CA Issuers URLs (steps 1-3).
#[derive(Debug)]
pub(crate) struct AiaVerifier {
    inner: rustls_platform_verifier::Verifier,
    issuers: Arc<Issuers>,
}

impl AiaVerifier {
    /// Wraps `inner`, completing chains with what `issuers` holds.
    pub(crate) fn new(inner: rustls_platform_verifier::Verifier, issuers: Arc<Issuers>) -> Self {
        AiaVerifier { inner, issuers }
    }
}

impl ServerCertVerifier for AiaVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let presented = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let unknown_issuer = match presented {
            Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
                rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
            }
            other => return other,
        };
        let name = server_name.to_str();
        match self.issuers.walk(end_entity) {
            Walk::Unfetched(_) => {
                self.issuers.wait(&name, end_entity.clone().into_owned());
                Err(unknown_issuer)
            }
            Walk::Done {
                intermediates: fetched,
                ..
            } if !fetched.is_empty() => {
                let mut all: Vec<CertificateDer<'_>> = intermediates.to_vec();
                all.extend(fetched);
                let verified = self.inner.verify_server_cert(
                    end_entity,
                    &all,
                    server_name,
                    ocsp_response,
                    now,
                )?;
                self.issuers.mark_completed(&name);
                Ok(verified)
            }
            Walk::Done { .. } => Err(unknown_issuer),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The rustls client settings of a crawl, as reqwest makes them (aws-lc-rs, TLS 1.2 and 1.3,
/// ALPN `h2` and `http/1.1`), with `extra_roots` trusted besides the system's, verifying through
/// [`AiaVerifier`] with `issuers`.
pub(crate) fn rustls_config(
    extra_roots: Vec<CertificateDer<'static>>,
    issuers: Arc<Issuers>,
) -> anyhow::Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let platform =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AiaVerifier::new(platform, issuers)))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::pkcs7::Pkcs7Flags;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::stack::Stack;
    use openssl::x509::X509Name;

    fn self_signed(cn: &str) -> (X509, PKey<openssl::pkey::Private>) {
        let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let mut name = X509Name::builder().unwrap();
        name.append_entry_by_text("CN", cn).unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&openssl::asn1::Asn1Time::days_from_now(1).unwrap())
            .unwrap();
        b.sign(&key, openssl::hash::MessageDigest::sha256())
            .unwrap();
        (b.build(), key)
    }

    #[test]
    fn issuer_answers_in_der_pem_and_pkcs7() {
        let (a, key) = self_signed("a");
        let (b, _) = self_signed("b");
        let der = |c: &X509| CertificateDer::from(c.to_der().unwrap());
        assert_eq!(parse_certificates(&a.to_der().unwrap()), Ok(vec![der(&a)]));
        let pem = [a.to_pem().unwrap(), b.to_pem().unwrap()].concat();
        assert_eq!(parse_certificates(&pem), Ok(vec![der(&a), der(&b)]));
        let mut extra = Stack::new().unwrap();
        extra.push(b.clone()).unwrap();
        let bundle = Pkcs7::sign(&a, &key, &extra, b"", Pkcs7Flags::empty()).unwrap();
        let certs = parse_certificates(&bundle.to_der().unwrap()).unwrap();
        assert!(
            certs.contains(&der(&a)) && certs.contains(&der(&b)),
            "{certs:?}"
        );
        assert_eq!(
            parse_certificates(b"<html>not found</html>"),
            Err("no certificate in 22 bytes (DER, PEM or PKCS#7)".to_string())
        );
        // A root names no issuer to fetch.
        assert!(issuer_urls(&der(&a)).is_empty());
    }
}
