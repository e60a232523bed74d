//! Loopback HTTPS servers configured as old government servers are (TLS 1.0 only, CBC suites,
//! RSA key exchange, a chain without its intermediate), with certificates made at run time by
//! the `openssl` crate: a root CA, an intermediate, and server certificates for one loopback IP.
//!
//! Every server answers `/` with a column page linking one report PDF ([`REPORT_PATH`]), the
//! PDF itself, and 404 for anything else (robots.txt included). Each connection is served on a
//! thread of its own; the servers live until the test process ends.

#![allow(dead_code)] // Each test target uses part of it.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener};
use std::path::Path;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::ssl::{SslAcceptor, SslMethod, SslOptions, SslVersion};
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509Name, X509};
use url::Url;

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

/// A certificate named `cn` (an IP address in its SAN when `ip` is given), signed by `issuer`
/// (self-signed when `None`), a CA when `ca`.
fn certificate(cn: &str, ip: Option<IpAddr>, issuer: Option<&Identity>, ca: bool) -> Identity {
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
        let root = certificate("nianbao test root", None, None, true);
        let intermediate = certificate("nianbao test intermediate", None, Some(&root), true);
        Pki { root, intermediate }
    }

    /// A server certificate for `ip`, issued by the intermediate.
    pub fn server(&self, ip: IpAddr) -> Identity {
        certificate(&ip.to_string(), Some(ip), Some(&self.intermediate), false)
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
    let identity = pki.server(ip);
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
    let acceptor = acceptor.build();
    let listener = TcpListener::bind((ip, 0)).unwrap();
    let url = Url::parse(&format!("https://{}/", listener.local_addr().unwrap())).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let acceptor = acceptor.clone();
            std::thread::spawn(move || {
                // A client that gives up on the handshake is no concern of the server's.
                if let Ok(mut tls) = acceptor.accept(stream) {
                    answer(&mut tls);
                }
            });
        }
    });
    url
}

/// Reads one request head and answers it; the connection then closes.
fn answer(stream: &mut impl ReadWrite) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let (status, content_type, body): (&str, &str, Vec<u8>) = match path {
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
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

/// A stream to read and write.
trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}
