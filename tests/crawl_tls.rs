//! `nianbao crawl --tls` and `--ca-file` against an old government server as it is configured in
//! the wild, played by `openssl s_server` on loopback: TLS 1.0 only, RSA key exchange,
//! AES-128-CBC-SHA (`-tls1 -cipher AES128-SHA@SECLEVEL=0`), a certificate made by `openssl req`
//! for 127.0.0.1. The default crawl names the host with the handshake's reason and exits 4;
//! `--tls legacy` collects its report and exits 0; bad values are exit 2, naming what is wrong.
//! And a server that leaves its intermediate out of its chain, made in-process with the fetch
//! crate's test servers: the default crawl completes the chain from the certificate's AIA URL and
//! names the host; an AIA URL that gives no certificate is a `tls` error saying so.

#[path = "../crates/fetch/tests/tls_support/mod.rs"]
mod tls_support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// An `openssl s_server` serving a folder; killed when dropped.
struct OldServer {
    child: Child,
    port: u16,
}

impl Drop for OldServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes a self-signed certificate for 127.0.0.1 in `dir` (`cert.pem`, `key.pem`).
fn certificate(dir: &Path) {
    let status = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .expect("the openssl command (Debian package openssl)");
    assert!(status.success());
}

/// Serves `dir/www` over TLS 1.0 with AES128-SHA only, on a free loopback port.
fn old_server(dir: &Path) -> OldServer {
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept", "127.0.0.1:0", "-WWW"])
        .args(["-tls1", "-cipher", "AES128-SHA@SECLEVEL=0"])
        .arg("-cert")
        .arg(dir.join("cert.pem"))
        .arg("-key")
        .arg(dir.join("key.pem"))
        .current_dir(dir.join("www"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // s_server prints `ACCEPT 127.0.0.1:PORT` once it listens.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("ACCEPT 127.0.0.1:")?.trim().parse().ok())
        .expect("s_server's ACCEPT line");
    // Keep reading its output so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    OldServer { child, port }
}

fn crawl(seed: &str, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .env_remove("RUST_LOG")
        .args(["crawl", seed, "--delay", "0", "--max-retries", "0", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn legacy_tls_reaches_a_tls_1_0_server_that_the_default_crawl_names() {
    let dir = tempfile::tempdir().unwrap();
    certificate(dir.path());
    let www = dir.path().join("www");
    std::fs::create_dir(&www).unwrap();
    std::fs::write(
        www.join("index.html"),
        "<html><head><title>政府信息公开年报</title></head><body>\
         <a href=\"/2023nb.pdf\">2023年政府信息公开工作年度报告.pdf</a></body></html>",
    )
    .unwrap();
    std::fs::write(www.join("2023nb.pdf"), "%PDF-1.4 the 2023 report").unwrap();
    let server = old_server(dir.path());
    let seed = format!("https://127.0.0.1:{}/index.html", server.port);
    let ca = dir.path().join("cert.pem");
    let ca = ca.to_str().unwrap();

    let strict = crawl(&seed, &dir.path().join("strict"), &["--ca-file", ca]);
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert_eq!(strict.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "  {seed}: tls: received fatal alert: ProtocolVersion"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("--tls legacy"), "{stderr}");
    assert!(strict.stdout.is_empty());

    let legacy = crawl(
        &seed,
        &dir.path().join("legacy"),
        &["--ca-file", ca, "--tls", "legacy"],
    );
    let stderr = String::from_utf8_lossy(&legacy.stderr);
    assert_eq!(legacy.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("legacy TLS: reached with OpenSSL after rustls failed: 127.0.0.1\n"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&legacy.stdout);
    let report = format!("https://127.0.0.1:{}/2023nb.pdf", server.port);
    let stored: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("new\tattachment\t{report}\t")))
        .collect();
    assert_eq!(stored.len(), 1, "{stdout}");
    let bytes = std::fs::read(dir.path().join("legacy").join(stored[0])).unwrap();
    assert_eq!(bytes, b"%PDF-1.4 the 2023 report");
}

#[test]
fn bad_tls_options_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let bad_mode = crawl("https://127.0.0.1:9/", &out, &["--tls", "old"]);
    assert_eq!(bad_mode.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_mode.stderr).contains("`old` is not a TLS mode"));
    let missing = dir.path().join("missing.pem");
    let bad_file = crawl(
        "https://127.0.0.1:9/",
        &out,
        &["--ca-file", missing.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&bad_file.stderr);
    assert_eq!(bad_file.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("CA file {}: ", missing.display())),
        "{stderr}"
    );
}

#[test]
fn a_chain_left_incomplete_is_completed_from_its_aia_url_and_the_host_named() {
    use tls_support::{serve_http, serve_with_aia, write_pem, Pki, TLS12_NO_INTERMEDIATE};
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root.pem");
    write_pem(&root, &[&pki.root.cert]);
    let root = root.to_str().unwrap();
    let (aia, _) = serve_http("/ca.cer", pki.intermediate.cert.to_der().unwrap());
    let ip = "127.0.0.60".parse().unwrap();
    let server = serve_with_aia(&pki, ip, TLS12_NO_INTERMEDIATE, &aia);
    let done = crawl(
        server.as_str(),
        &dir.path().join("ok"),
        &["--ca-file", root],
    );
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "incomplete certificate chain: intermediate fetched from the certificate's AIA URL: 127.0.0.60\n"
        ),
        "{stderr}"
    );
    let report = server.join(tls_support::REPORT_PATH).unwrap();
    assert!(
        String::from_utf8_lossy(&done.stdout).contains(&format!("new\tattachment\t{report}\t")),
        "{}",
        String::from_utf8_lossy(&done.stdout)
    );

    let (garbage, _) = serve_http("/ca.cer", b"garbage".to_vec());
    let ip = "127.0.0.61".parse().unwrap();
    let server = serve_with_aia(&pki, ip, TLS12_NO_INTERMEDIATE, &garbage);
    let failed = crawl(
        server.as_str(),
        &dir.path().join("bad"),
        &["--ca-file", root],
    );
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!("  {server}: tls: ")) && stderr.contains("UnknownIssuer"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "; its issuer from AIA: {garbage}: no certificate in 7 bytes"
        )),
        "{stderr}"
    );
}
