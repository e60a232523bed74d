//! A server that leaves its intermediate out of its chain, whose certificate names the
//! intermediate's AIA URL (a loopback HTTP server): rustls completes the chain from that URL,
//! once per URL in a run, and says so; so does OpenSSL under `--tls legacy` for a TLS 1.0
//! server; a URL that gives no certificate fails with a `tls` error that says what it gave; a
//! fetched intermediate is never a trust anchor, for either stack.

mod tls_support;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use nianbao_fetch::crawl::crawl;
use nianbao_fetch::http::{FetchError, Fetcher, FetcherOptions, Response, Validators};
use nianbao_fetch::progress::Silent;
use nianbao_fetch::tls::{TlsBackend, TlsMode};
use tls_support::{
    crawl_config, fetcher_options, ip, serve_http, serve_with_aia, write_pem, Pki, ServerTls,
    REPORT_BYTES, REPORT_PATH, TLS10_RSA_CBC, TLS12_NO_INTERMEDIATE,
};

fn options(ca_files: &[&Path]) -> FetcherOptions {
    fetcher_options(TlsMode::Strict, ca_files)
}

async fn get(fetcher: &Fetcher, server: &url::Url) -> Result<Response, FetchError> {
    fetcher
        .get(&server.join(REPORT_PATH).unwrap(), &Validators::default())
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_missing_intermediate_is_fetched_from_the_aia_url() {
    let pki = Pki::new();
    let certs = tempfile::tempdir().unwrap();
    let root = certs.path().join("root.pem");
    write_pem(&root, &[&pki.root.cert]);
    let (aia, requests) = serve_http("/intermediate.cer", pki.intermediate.cert.to_der().unwrap());
    let server = serve_with_aia(&pki, ip("127.0.0.50"), TLS12_NO_INTERMEDIATE, &aia);
    let other = serve_with_aia(&pki, ip("127.0.0.51"), TLS12_NO_INTERMEDIATE, &aia);

    let fetcher = Fetcher::new(&options(&[&root])).unwrap();
    for server in [&server, &server, &other] {
        let answer = get(&fetcher, server).await.unwrap();
        assert_eq!(
            (answer.status, answer.body.as_slice(), answer.tls),
            (200, REPORT_BYTES, Some(TlsBackend::Rustls))
        );
        assert!(answer.chain_from_aia);
    }
    // Fetched once for the run: the second server's chain is completed from the cache.
    assert_eq!(requests.load(Ordering::SeqCst), 1);

    // A crawl records it, and names the host.
    let dir = tempfile::tempdir().unwrap();
    let report = crawl(
        dir.path(),
        std::slice::from_ref(&server),
        crawl_config(2, options(&[&root])),
        Arc::new(Silent),
    )
    .await
    .unwrap();
    assert_eq!(report.documents.len(), 1, "{:?}", report.counts);
    assert_eq!(report.counts.aia_hosts, ["127.0.0.50"]);
    let db = rusqlite::Connection::open(dir.path().join("crawl.sqlite")).unwrap();
    let marked: i64 = db
        .query_row(
            "SELECT count(*) FROM urls WHERE chain_from_aia = 1 AND status = 200",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(marked, 2, "the column page and the report");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aia_url_without_a_certificate_fails_with_a_tls_error_saying_what_it_gave() {
    let pki = Pki::new();
    let certs = tempfile::tempdir().unwrap();
    let root = certs.path().join("root.pem");
    write_pem(&root, &[&pki.root.cert]);
    let (garbage, _) = serve_http("/intermediate.cer", b"<html>gone</html>".to_vec());
    let nothing = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        url::Url::parse(&format!("http://127.0.0.1:{port}/intermediate.cer")).unwrap()
    };
    let fetcher = Fetcher::new(&options(&[&root])).unwrap();
    for (n, aia, why) in [
        (
            52,
            &garbage,
            "no certificate in 17 bytes (DER, PEM or PKCS#7)",
        ),
        (53, &nothing, "connect: "),
    ] {
        let server = serve_with_aia(
            &pki,
            ip(&format!("127.0.0.{n}")),
            TLS12_NO_INTERMEDIATE,
            aia,
        );
        let err = get(&fetcher, &server).await.unwrap_err();
        let FetchError::Tls(message) = &err else {
            panic!("{err}");
        };
        assert!(message.contains("UnknownIssuer"), "{message}");
        assert!(
            message.contains(&format!("its issuer from AIA: {aia}: {why}")),
            "{message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intermediate_from_aia_is_not_a_trust_anchor() {
    let pki = Pki::new();
    let (aia, requests) = serve_http("/intermediate.cer", pki.intermediate.cert.to_der().unwrap());
    let server = serve_with_aia(&pki, ip("127.0.0.54"), TLS12_NO_INTERMEDIATE, &aia);
    // The root is not trusted: the chain the intermediate completes ends nowhere trusted.
    let fetcher = Fetcher::new(&options(&[])).unwrap();
    let err = get(&fetcher, &server).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Tls(m) if m.contains("UnknownIssuer") && m.contains("with intermediates from AIA")),
        "{err}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    // Nor when another root of the same name is trusted: its signature does not hold.
    let other = Pki::new();
    let certs = tempfile::tempdir().unwrap();
    let other_root = certs.path().join("other.pem");
    write_pem(&other_root, &[&other.root.cert]);
    let fetcher = Fetcher::new(&options(&[&other_root])).unwrap();
    let err = get(&fetcher, &server).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Tls(m) if m.contains("BadSignature (with intermediates from AIA)")),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_completes_an_old_servers_chain_from_its_aia_url_too() {
    let pki = Pki::new();
    let certs = tempfile::tempdir().unwrap();
    let root = certs.path().join("root.pem");
    write_pem(&root, &[&pki.root.cert]);
    let (aia, requests) = serve_http("/intermediate.cer", pki.intermediate.cert.to_der().unwrap());
    let tls10_partial = ServerTls {
        full_chain: false,
        ..TLS10_RSA_CBC
    };
    let server = serve_with_aia(&pki, ip("127.0.0.55"), tls10_partial, &aia);

    let fetcher = Fetcher::new(&fetcher_options(TlsMode::Legacy, &[&root])).unwrap();
    for _ in 0..2 {
        let answer = get(&fetcher, &server).await.unwrap();
        assert_eq!(
            (answer.status, answer.body.as_slice(), answer.tls),
            (200, REPORT_BYTES, Some(TlsBackend::OpenSsl))
        );
        assert!(answer.chain_from_aia);
    }
    assert_eq!(requests.load(Ordering::SeqCst), 1);

    // The root untrusted: the intermediate from AIA does not stand in for it.
    let fetcher = Fetcher::new(&fetcher_options(TlsMode::Legacy, &[])).unwrap();
    let err = get(&fetcher, &server).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Tls(m) if m.ends_with("unable to get issuer certificate (with intermediates from AIA)")),
        "{err}"
    );
}
