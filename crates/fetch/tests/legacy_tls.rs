//! The crawler against loopback servers configured as old government servers are
//! (tests/tls_support): TLS 1.0 with RSA key exchange and CBC, TLS 1.0 with ECDHE and CBC, a
//! TLS 1.0 server that resets the connection on rustls's ClientHello, and a TLS 1.2 server whose
//! chain lacks its intermediate. A strict crawl (rustls) names the old hosts with the handshake's
//! reason; `TlsMode::Legacy` reaches them with OpenSSL and says so; extra trusted certificates
//! complete a partial chain; certificate verification stays on throughout.

mod tls_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use nianbao_fetch::crawl::{crawl, Config};
use nianbao_fetch::http::{FetchError, Fetcher, FetcherOptions, Validators};
use nianbao_fetch::progress::Silent;
use nianbao_fetch::tls::{TlsBackend, TlsMode};
use tls_support::{
    crawl_config, fetcher_options, ip, serve, serve_resetting, write_pem, Pki, REPORT_BYTES,
    REPORT_PATH, TLS10_ECDHE_CBC, TLS10_RSA_CBC, TLS12, TLS12_NO_INTERMEDIATE,
};

fn config(tls: TlsMode, ca_files: &[&Path]) -> Config {
    crawl_config(4, fetcher_options(tls, ca_files))
}

/// The `tls` column of a URL's row in the crawl state.
fn tls_column(dir: &Path, url: &str) -> Option<String> {
    let db = rusqlite::Connection::open(dir.join("crawl.sqlite")).unwrap();
    db.query_row("SELECT tls FROM urls WHERE url = ?1", [url], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strict_crawl_names_the_old_hosts_and_a_legacy_crawl_fetches_their_reports() {
    let pki = Pki::new();
    let certs = tempfile::tempdir().unwrap();
    let root = certs.path().join("root.pem");
    write_pem(&root, &[&pki.root.cert]);
    let rsa = serve(&pki, ip("127.0.0.40"), TLS10_RSA_CBC);
    let ecdhe = serve(&pki, ip("127.0.0.41"), TLS10_ECDHE_CBC);
    let modern = serve(&pki, ip("127.0.0.42"), TLS12);
    let seeds = [rsa.clone(), ecdhe.clone(), modern.clone()];
    let report_of = |seed: &url::Url| seed.join(REPORT_PATH).unwrap().to_string();

    let strict = tempfile::tempdir().unwrap();
    let report = crawl(
        strict.path(),
        &seeds,
        config(TlsMode::Strict, &[&root]),
        Arc::new(Silent),
    )
    .await
    .unwrap();
    let fetched: Vec<&str> = report.documents.iter().map(|d| d.url.as_str()).collect();
    assert_eq!(fetched, [report_of(&modern)]);
    assert_eq!(
        report.counts.errors,
        [("tls".to_string(), 2)],
        "{:?}",
        report.counts.error_samples
    );
    assert_eq!(report.counts.failed, 2);
    for old in [&rsa, &ecdhe] {
        let (url, error) = report
            .counts
            .error_samples
            .iter()
            .find(|(url, _)| url == old.as_str())
            .unwrap_or_else(|| panic!("{old} not among {:?}", report.counts.error_samples));
        // rustls meets a TLS 1.0 ServerHello: the reason is the protocol version.
        assert!(
            error.starts_with("tls: ") && error.contains("ProtocolVersion"),
            "{url}: {error}"
        );
    }
    assert!(report.counts.legacy_tls_hosts.is_empty());
    assert_eq!(
        tls_column(strict.path(), &report_of(&modern)).as_deref(),
        Some("rustls")
    );

    let legacy = tempfile::tempdir().unwrap();
    let report = crawl(
        legacy.path(),
        &seeds,
        config(TlsMode::Legacy, &[&root]),
        Arc::new(Silent),
    )
    .await
    .unwrap();
    let mut fetched: Vec<String> = report.documents.iter().map(|d| d.url.clone()).collect();
    fetched.sort();
    assert_eq!(
        fetched,
        [report_of(&rsa), report_of(&ecdhe), report_of(&modern)]
    );
    assert_eq!((report.counts.failed, report.finished), (0, true));
    assert_eq!(report.counts.legacy_tls_hosts, ["127.0.0.40", "127.0.0.41"]);
    for doc in &report.documents {
        let stored = std::fs::read(legacy.path().join(&doc.path)).unwrap();
        assert_eq!(stored, REPORT_BYTES, "{}", doc.url);
    }
    let column = |url: &str| tls_column(legacy.path(), url);
    assert_eq!(column(&report_of(&rsa)).as_deref(), Some("openssl"));
    assert_eq!(column(ecdhe.as_str()).as_deref(), Some("openssl"));
    assert_eq!(column(&report_of(&modern)).as_deref(), Some("rustls"));
}

#[tokio::test]
async fn extra_certificates_complete_a_partial_chain_and_verification_stays_on() {
    let pki = Pki::new();
    let certs = tempfile::tempdir().unwrap();
    let root = certs.path().join("root.pem");
    write_pem(&root, &[&pki.root.cert]);
    let intermediate = certs.path().join("intermediate.pem");
    write_pem(&intermediate, &[&pki.intermediate.cert]);
    let partial = serve(&pki, ip("127.0.0.43"), TLS12_NO_INTERMEDIATE);
    let old = serve(&pki, ip("127.0.0.44"), TLS10_RSA_CBC);
    let get = |options: FetcherOptions, url: url::Url| async move {
        Fetcher::new(&options)
            .unwrap()
            .get(&url.join(REPORT_PATH).unwrap(), &Validators::default())
            .await
    };

    // The server leaves out its intermediate: trusting the root is not enough, for either stack.
    let err = get(fetcher_options(TlsMode::Strict, &[&root]), partial.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Tls(m) if m.contains("UnknownIssuer")),
        "{err}"
    );
    let err = get(fetcher_options(TlsMode::Legacy, &[&root]), partial.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Tls(m) if m.contains("UnknownIssuer") && m.contains("unable to get local issuer certificate")),
        "{err}"
    );
    // Trusting the intermediate as well completes it: rustls reaches the server.
    let answer = get(
        fetcher_options(TlsMode::Strict, &[&root, &intermediate]),
        partial,
    )
    .await
    .unwrap();
    assert_eq!(
        (answer.status, answer.body.as_slice(), answer.tls),
        (200, REPORT_BYTES, Some(TlsBackend::Rustls))
    );
    // OpenSSL too, trusting the intermediate alone (a partial chain ends at a trusted certificate).
    let answer = get(
        fetcher_options(TlsMode::Legacy, &[&intermediate]),
        old.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        (answer.status, answer.body.as_slice(), answer.tls),
        (200, REPORT_BYTES, Some(TlsBackend::OpenSsl))
    );
    // Without the test CA, the legacy client refuses the old server's certificate.
    let err = get(fetcher_options(TlsMode::Legacy, &[]), old)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Tls(m) if m.contains("certificate verify failed")),
        "{err}"
    );
}

#[test]
fn a_bad_ca_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing: PathBuf = dir.path().join("missing.pem");
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    for path in [&missing, &empty] {
        let err = Fetcher::new(&fetcher_options(TlsMode::Legacy, &[path]))
            .err()
            .unwrap();
        let text = format!("{err:#}");
        assert!(
            text.starts_with(&format!("CA file {}: ", path.display())),
            "{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_in_the_handshake_is_a_tls_error_that_legacy_tls_gets_past() {
    let pki = Pki::new();
    let certs = tempfile::tempdir().unwrap();
    let root = certs.path().join("root.pem");
    write_pem(&root, &[&pki.root.cert]);
    let server = serve_resetting(&pki, ip("127.0.0.45"));
    let report = server.join(REPORT_PATH).unwrap();
    let none = Validators::default();

    let strict = Fetcher::new(&fetcher_options(TlsMode::Strict, &[&root])).unwrap();
    let err = strict.get(&report, &none).await.unwrap_err();
    assert_eq!(err.kind(), "tls", "{err}");
    assert!(
        err.message()
            .starts_with("the server closed the connection in the handshake: "),
        "{err}"
    );
    let legacy = Fetcher::new(&fetcher_options(TlsMode::Legacy, &[&root])).unwrap();
    let answer = legacy.get(&report, &none).await.unwrap();
    assert_eq!(
        (answer.status, answer.body.as_slice(), answer.tls),
        (200, REPORT_BYTES, Some(TlsBackend::OpenSsl))
    );
    // A refused connection is no handshake: it stays a `connect` error.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let refused = url::Url::parse(&format!("https://127.0.0.1:{port}/")).unwrap();
    let err = legacy.get(&refused, &none).await.unwrap_err();
    assert_eq!(err.kind(), "connect", "{err}");
}
