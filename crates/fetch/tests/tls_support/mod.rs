//! Loopback HTTPS servers configured as old government servers are (TLS 1.0 only, CBC suites,
//! RSA key exchange, a chain without its intermediate, a reset on a ClientHello they do not
//! understand), with certificates made at run time by the `openssl` crate: a root CA, an
//! intermediate, and server certificates for one loopback IP (naming the intermediate's AIA URL
//! when asked); and a plain HTTP server for that URL.
//!
//! Every HTTPS server answers `/` with a column page linking one report PDF ([`REPORT_PATH`]),
//! the PDF itself, and 404 for anything else (robots.txt included). Each connection is served on
//! a thread of its own; the servers live until the test process ends.

#![allow(dead_code)] // Each test target uses part of it.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use nianbao_fetch::crawl::Config;
use nianbao_fetch::http::FetcherOptions;
use nianbao_fetch::tls::TlsMode;
use openssl::asn1::{Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::ssl::{SslAcceptor, SslMethod, SslOptions, SslVersion};
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509Extension, X509Name, X509};
use url::Url;

/// Client settings for the loopback servers: `tls` and extra trust from `ca_files`.
pub fn fetcher_options(tls: TlsMode, ca_files: &[&Path]) -> FetcherOptions {
    FetcherOptions {
        user_agent: "nianbao-test".into(),
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(10),
        max_body_bytes: 1 << 20,
        tls,
        ca_files: ca_files.iter().map(|p| p.to_path_buf()).collect(),
    }
}

/// Crawl settings for the loopback servers: no delay, no retries, `jobs` requests at once.
pub fn crawl_config(jobs: usize, http: FetcherOptions) -> Config {
    Config {
        delay: Duration::ZERO,
        max_depth: 2,
        max_listing_pages: 10,
        max_urls_per_host: 100,
        max_pages: None,
        max_retries: 0,
        max_retry_after: Duration::from_secs(1),
        allow_hosts: Vec::new(),
        jobs,
        http,
    }
}

/// A loopback address written out.
pub fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// The report every server links from its column page.
pub const REPORT_PATH: &str = "/2023nb.pdf";
/// The report's bytes.
pub const REPORT_BYTES: &[u8] = b"%PDF-1.4 a 2023 annual report";

/// A certificate and its key.
pub struct Identity {
    /// The certificate.
    pub cert: X509,
    /// Its private key.
    pub key: PKey<Private>,
}

/// A root CA and an intermediate CA under it.
pub struct Pki {
    /// The self-signed root.
    pub root: Identity,
    /// The intermediate, signed by the root.
    pub intermediate: Identity,
}

fn rsa_key() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap()
}

/// The DER of an Authority Information Access extension naming one CA Issuers URL.
fn ca_issuers_der(url: &str) -> Vec<u8> {
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let len = content.len();
        let mut out = vec![tag];
        if len < 0x80 {
            out.push(len as u8);
        } else {
            out.extend([0x82, (len >> 8) as u8, len as u8]);
        }
        out.extend_from_slice(content);
        out
    }
    // id-ad-caIssuers, 1.3.6.1.5.5.7.48.2.
    let method = tlv(0x06, &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02]);
    // A uniformResourceIdentifier GeneralName, [6] IMPLICIT IA5String.
    let location = tlv(0x86, url.as_bytes());
    tlv(0x30, &tlv(0x30, &[method, location].concat()))
}

/// A certificate named `cn` (an IP address in its SAN when `ip` is given), signed by `issuer`
/// (self-signed when `None`), a CA when `ca`, naming `aia` as its issuer's CA Issuers URL.
fn certificate(
    cn: &str,
    ip: Option<IpAddr>,
    issuer: Option<&Identity>,
    ca: bool,
    aia: Option<&Url>,
) -> Identity {
    let key = rsa_key();
    let mut name = X509Name::builder().unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(64, MsbOption::MAYBE_ZERO, false).unwrap();
    b.set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(issuer.map_or(&name, |i| i.cert.subject_name()))
        .unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    if ca {
        b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap();
        b.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()
                .unwrap(),
        )
        .unwrap();
    } else {
        let mut san = SubjectAlternativeName::new();
        if let Some(ip) = ip {
            san.ip(&ip.to_string());
        }
        let san = san.build(&b.x509v3_context(issuer.map(|i| &*i.cert), None));
        b.append_extension(san.unwrap()).unwrap();
        b.append_extension(
            KeyUsage::new()
                .critical()
                .digital_signature()
                .key_encipherment()
                .build()
                .unwrap(),
        )
        .unwrap();
    }
    if let Some(url) = aia {
        let oid = Asn1Object::from_str("1.3.6.1.5.5.7.1.1").unwrap();
        let der = Asn1OctetString::new_from_bytes(&ca_issuers_der(url.as_str())).unwrap();
        b.append_extension(X509Extension::new_from_der(&oid, false, &der).unwrap())
            .unwrap();
    }
    let signer = issuer.map_or(&key, |i| &i.key);
    b.sign(signer, MessageDigest::sha256()).unwrap();
    Identity {
        cert: b.build(),
        key,
    }
}

impl Pki {
    /// A new root and intermediate.
    pub fn new() -> Pki {
        let root = certificate("nianbao test root", None, None, true, None);
        let intermediate = certificate("nianbao test intermediate", None, Some(&root), true, None);
        Pki { root, intermediate }
    }

    /// A server certificate for `ip`, issued by the intermediate, naming `aia` as the URL of its
    /// issuer's certificate.
    pub fn server(&self, ip: IpAddr, aia: Option<&Url>) -> Identity {
        certificate(
            &ip.to_string(),
            Some(ip),
            Some(&self.intermediate),
            false,
            aia,
        )
    }
}

/// Writes certificates to a PEM file.
pub fn write_pem(path: &Path, certs: &[&X509]) {
    let pem: Vec<u8> = certs.iter().flat_map(|c| c.to_pem().unwrap()).collect();
    std::fs::write(path, pem).unwrap();
}

/// How a server speaks TLS.
#[derive(Debug, Clone, Copy)]
pub struct ServerTls {
    /// The only protocol version it accepts.
    pub version: SslVersion,
    /// Its OpenSSL cipher list.
    pub ciphers: &'static str,
    /// Whether it sends the intermediate with its certificate.
    pub full_chain: bool,
}

/// TLS 1.0 with RSA key exchange and AES-128-CBC-SHA only.
pub const TLS10_RSA_CBC: ServerTls = ServerTls {
    version: SslVersion::TLS1,
    ciphers: "AES128-SHA:@SECLEVEL=0",
    full_chain: true,
};

/// TLS 1.0 with ECDHE-RSA and AES-128-CBC-SHA (its key exchange signed with MD5-SHA1).
pub const TLS10_ECDHE_CBC: ServerTls = ServerTls {
    version: SslVersion::TLS1,
    ciphers: "ECDHE-RSA-AES128-SHA:@SECLEVEL=0",
    full_chain: true,
};

/// TLS 1.2 with a modern suite, its chain complete.
pub const TLS12: ServerTls = ServerTls {
    version: SslVersion::TLS1_2,
    ciphers: "ECDHE-RSA-AES128-GCM-SHA256",
    full_chain: true,
};

/// TLS 1.2 with a modern suite, sending its certificate without the intermediate.
pub const TLS12_NO_INTERMEDIATE: ServerTls = ServerTls {
    full_chain: false,
    ..TLS12
};

/// Starts a server on `ip` (any free port) with a certificate from `pki`; returns its root URL.
pub fn serve(pki: &Pki, ip: IpAddr, tls: ServerTls) -> Url {
    serve_as(pki, pki.server(ip, None), ip, tls)
}

/// Starts a server on `ip` with a certificate from `pki` that names `aia` as its issuer's URL.
pub fn serve_with_aia(pki: &Pki, ip: IpAddr, tls: ServerTls, aia: &Url) -> Url {
    serve_as(pki, pki.server(ip, Some(aia)), ip, tls)
}

/// A TLS acceptor with `identity` (and the intermediate of `pki` when `tls` sends it).
fn acceptor(pki: &Pki, identity: &Identity, tls: ServerTls) -> openssl::ssl::SslAcceptor {
    let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).unwrap();
    // Mozilla's settings turn TLS 1.0 and 1.1 off by options, which a version range does not undo.
    acceptor.clear_options(SslOptions::NO_TLSV1 | SslOptions::NO_TLSV1_1);
    acceptor.set_security_level(0);
    acceptor.set_min_proto_version(Some(tls.version)).unwrap();
    acceptor.set_max_proto_version(Some(tls.version)).unwrap();
    acceptor.set_cipher_list(tls.ciphers).unwrap();
    acceptor.set_private_key(&identity.key).unwrap();
    acceptor.set_certificate(&identity.cert).unwrap();
    if tls.full_chain {
        acceptor
            .add_extra_chain_cert(pki.intermediate.cert.clone())
            .unwrap();
    }
    acceptor.build()
}

/// Serves HTTPS with `identity` on `ip`, with TLS settings `tls`.
fn serve_as(pki: &Pki, identity: Identity, ip: IpAddr, tls: ServerTls) -> Url {
    let acceptor = acceptor(pki, &identity, tls);
    serve_connections(ip, "https", move |stream| {
        // A client that gives up on the handshake is no concern of the server's.
        if let Ok(mut tls) = acceptor.accept(stream) {
            answer(&mut tls);
        }
    })
}

/// Accepts connections on `ip` (any free port), each served by `serve` on a thread of its own;
/// returns the root URL with `scheme`.
fn serve_connections(
    ip: IpAddr,
    scheme: &str,
    serve: impl Fn(TcpStream) + Clone + Send + 'static,
) -> Url {
    let listener = TcpListener::bind((ip, 0)).unwrap();
    let url = Url::parse(&format!("{scheme}://{}/", listener.local_addr().unwrap())).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let serve = serve.clone();
            std::thread::spawn(move || serve(stream));
        }
    });
    url
}

/// A server that speaks TLS 1.0 with AES128-SHA ([`TLS10_RSA_CBC`]) to a client that offers
/// that suite, and resets the connection on any other ClientHello (rustls's), as old servers
/// do that meet a ClientHello they do not understand.
pub fn serve_resetting(pki: &Pki, ip: IpAddr) -> Url {
    let acceptor = acceptor(pki, &pki.server(ip, None), TLS10_RSA_CBC);
    serve_connections(ip, "https", move |stream| {
        if offers_aes128_sha(&stream) {
            if let Ok(mut tls) = acceptor.accept(stream) {
                answer(&mut tls);
            }
        } else {
            reset(stream);
        }
    })
}

/// Whether the ClientHello waiting on `stream` (peeked, not read) offers
/// TLS_RSA_WITH_AES_128_CBC_SHA (0x002f).
fn offers_aes128_sha(stream: &TcpStream) -> bool {
    let mut buf = vec![0u8; 16 * 1024];
    let mut n = 0;
    for _ in 0..200 {
        n = stream.peek(&mut buf).unwrap_or(0);
        if n >= 5 && n >= 5 + usize::from(u16::from_be_bytes([buf[3], buf[4]])) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // Record header (5), handshake header (4), version (2), random (32), session id.
    let hello = &buf[..n];
    let Some(&sid_len) = hello.get(43) else {
        return false;
    };
    let at = 44 + usize::from(sid_len);
    let Some(len) = hello.get(at..at + 2) else {
        return false;
    };
    let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
    hello
        .get(at + 2..at + 2 + len)
        .is_some_and(|suites| suites.chunks(2).any(|s| s == [0x00, 0x2f]))
}

/// Closes `stream` with a TCP reset (`SO_LINGER` of zero).
fn reset(stream: TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a `linger` of the size passed.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

/// A plain HTTP server on 127.0.0.1 that answers every request with `body` (status 200), as a
/// CA's server answers for an AIA URL; returns its URL for `path`, and the count of requests.
pub fn serve_http(path: &str, body: Vec<u8>) -> (Url, Arc<AtomicUsize>) {
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let url = serve_connections("127.0.0.1".parse().unwrap(), "http", move |mut stream| {
        if read_head(&mut stream).is_some() {
            counter.fetch_add(1, Ordering::SeqCst);
            respond(&mut stream, "200 OK", "application/pkix-cert", &body);
        }
    });
    (url.join(path).unwrap(), requests)
}

/// Reads one request head; returns its path.
fn read_head(stream: &mut impl Read) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&head);
    Some(head.split_whitespace().nth(1).unwrap_or("/").to_string())
}

/// Writes an answer; the connection then closes.
fn respond(stream: &mut impl Write, status: &str, content_type: &str, body: &[u8]) {
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

/// Reads one request head and answers it; the connection then closes.
fn answer(stream: &mut impl ReadWrite) {
    let Some(path) = read_head(stream) else {
        return;
    };
    let (status, content_type, body): (&str, &str, Vec<u8>) = match path.as_str() {
        "/" => (
            "200 OK",
            "text/html; charset=utf-8",
            format!(
                "<html><head><title>政府信息公开年报</title></head><body>\
                 <a href=\"{REPORT_PATH}\">2023年政府信息公开工作年度报告.pdf</a></body></html>"
            )
            .into_bytes(),
        ),
        REPORT_PATH => ("200 OK", "application/pdf", REPORT_BYTES.to_vec()),
        _ => ("404 Not Found", "text/plain", b"not found".to_vec()),
    };
    respond(stream, status, content_type, &body);
}

/// A stream to read and write.
trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}
