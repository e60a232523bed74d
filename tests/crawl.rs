//! `nianbao crawl` against a loopback imitation of a district site (tests/crawl_support): what is
//! stored, what is never requested, the delay between requests, retries, kill -9 and resume, and
//! the conditional requests of a re-crawl. Nothing leaves 127.0.0.1.

#[path = "../crates/fetch/tests/cms_support/mod.rs"]
mod cms_support;
mod crawl_support;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crawl_support::servers::{Handler, Reply, Server, Servers};
use crawl_support::Site;

const DELAY: f64 = 0.1;
const CONTACT: &str = "crawl-test@example.org";

fn nianbao() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    cmd.env_remove("RUST_LOG");
    cmd
}

/// A closed loopback port (bound, then released).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn crawl_command(site: &Site, dir: &Path, extra_seeds: &[String], delay: f64) -> Command {
    let mut cmd = nianbao();
    cmd.arg("crawl")
        .arg(format!("{}/", site.base))
        .args(extra_seeds);
    cmd.arg("--out").arg(dir);
    cmd.args([
        "--delay",
        &delay.to_string(),
        "--timeout",
        "1.5",
        "--max-retries",
        "1",
        "--contact",
        CONTACT,
    ]);
    cmd
}

/// Runs a crawl that must end with `code` (0 done, 4 finished with failures).
fn run_expecting(mut cmd: Command, code: i32) -> Output {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "crawl ended with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Exit code of a crawl whose every URL succeeded.
const DONE: i32 = 0;
/// Exit code of a crawl that finished with failed URLs.
const FAILURES: i32 = 4;

/// The stored documents by URL path.
fn documents(site: &Site, dir: &Path) -> BTreeMap<String, nianbao_store::CrawledDocument> {
    nianbao_store::crawled_documents(dir)
        .unwrap()
        .into_iter()
        .map(|d| {
            (
                d.url.strip_prefix(&site.base).unwrap_or(&d.url).to_string(),
                d,
            )
        })
        .collect()
}

const REPORTS: [&str; 6] = [
    "/zwgk/zfxxgknb/202403/t20240301_1.html",
    "/zwgk/zfxxgknb/202303/t20230301_2.html",
    "/zwgk/zfxxgknb/202103/t20210301_4.html",
    "/zwgk/zfxxgknb/flaky.html",
    "/zwgk/zfxxgknb/limited.html",
    "/art/2016/3/1/art_1_5.html",
];
const ATTACHMENTS: [&str; 4] = [
    "/files/2023nb.pdf",
    "/files/2022nb.docx",
    "/files/2021nb.docx",
    "/download?id=7",
];

fn assert_complete(site: &Site, dir: &Path) {
    let docs = documents(site, dir);
    let expected: Vec<&str> = REPORTS.iter().chain(&ATTACHMENTS).copied().collect();
    let mut got: Vec<&str> = docs.keys().map(String::as_str).collect();
    let mut want = expected.clone();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    for path in REPORTS {
        assert_eq!(
            docs[path].kind,
            nianbao_store::DocumentKind::Report,
            "{path}"
        );
    }
    for path in ATTACHMENTS {
        assert_eq!(
            docs[path].kind,
            nianbao_store::DocumentKind::Attachment,
            "{path}"
        );
    }
    for doc in docs.values() {
        let bytes = std::fs::read(&doc.path).unwrap();
        let name = doc.path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(name, nianbao_format::sha256_hex(&bytes), "{}", doc.url);
        assert_eq!(name, doc.sha256);
        assert!(
            doc.fetched_at.ends_with('Z') && doc.fetched_at.contains('T'),
            "{}",
            doc.fetched_at
        );
    }
    // Bytes are kept as served, with the encoding used.
    let gbk = &docs["/zwgk/zfxxgknb/202303/t20230301_2.html"];
    assert_eq!(
        std::fs::read(&gbk.path).unwrap(),
        crawl_support::report_2022()
    );
    assert_eq!(gbk.encoding.as_deref(), Some("gb18030"));
    assert_eq!(
        docs["/zwgk/zfxxgknb/202403/t20240301_1.html"]
            .encoding
            .as_deref(),
        Some("UTF-8")
    );
    assert_eq!(
        std::fs::read(&docs["/files/2021nb.docx"].path).unwrap(),
        crawl_support::DOCX_2021
    );
    assert_eq!(
        std::fs::read(&docs["/files/2023nb.pdf"].path).unwrap(),
        crawl_support::PDF_2023
    );
    assert_eq!(
        std::fs::read(&docs["/download?id=7"].path).unwrap(),
        crawl_support::XLS_2015
    );
    assert!(docs["/download?id=7"]
        .path
        .to_str()
        .unwrap()
        .ends_with(".xls"));
    assert_eq!(
        docs["/files/2021nb.docx"].referrer_title.as_deref(),
        Some("某区2021年度政府信息公开工作年度报告")
    );
    assert_eq!(
        docs["/zwgk/zfxxgknb/202103/t20210301_4.html"]
            .referrer_title
            .as_deref(),
        Some("某区2020年政府信息公开年报")
    );
}

fn count(hits: &[crawl_support::Hit], path: &str) -> usize {
    hits.iter().filter(|h| h.path == path).count()
}

fn db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("crawl.sqlite")).unwrap()
}

fn column(dir: &Path, url: &str, col: &str) -> Option<String> {
    db(dir)
        .query_row(
            &format!("SELECT CAST({col} AS TEXT) FROM urls WHERE url = ?1"),
            [url],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

#[test]
fn crawls_a_district_site_politely_then_revalidates() {
    let site = Site::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let tls_seed = format!("https://{}/", site.host());
    let dead_seed = format!("http://127.0.0.1:{}/", closed_port());
    let seeds = [tls_seed.clone(), dead_seed.clone()];

    let out = run_expecting(crawl_command(&site, &dir, &seeds, DELAY), FAILURES);
    assert!(nianbao_store::is_crawl_dir(&dir));
    assert_complete(&site, &dir);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("new\t")).count(),
        10,
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("errors:"), "{stderr}");

    // What was never requested.
    let hits = site.hits();
    assert!(
        site.offsite_hits().is_empty(),
        "off-site requests: {:?}",
        site.offsite_hits()
    );
    assert_eq!(count(&hits, "/xwzx/index.html"), 0, "not a disclosure link");
    assert!(
        hits.iter().all(|h| !h.path.starts_with("/private/")),
        "robots.txt disallows /private/"
    );
    assert_eq!(count(&hits, "/robots.txt"), 1);
    // Retries: a 503 and a 429 once each, then success; a 404 is not retried; a slow page times out twice.
    assert_eq!(count(&hits, "/zwgk/zfxxgknb/flaky.html"), 2);
    assert_eq!(count(&hits, "/zwgk/zfxxgknb/limited.html"), 2);
    assert_eq!(count(&hits, "/zwgk/zfxxgknb/missing.html"), 1);
    assert_eq!(count(&hits, "/zwgk/zfxxgknb/slow.html"), 2);
    let limited: Vec<Duration> = hits
        .iter()
        .filter(|h| h.path == "/zwgk/zfxxgknb/limited.html")
        .map(|h| h.at)
        .collect();
    assert!(
        limited[1] - limited[0] >= Duration::from_millis(990),
        "Retry-After: 1 not honoured: {limited:?}"
    );
    // One request at a time, at least the delay apart.
    let mut times: Vec<Duration> = hits.iter().map(|h| h.at).collect();
    times.sort();
    let min_gap = times.windows(2).map(|w| w[1] - w[0]).min().unwrap();
    assert!(
        min_gap >= Duration::from_secs_f64(DELAY - 0.01),
        "requests {min_gap:?} apart"
    );
    for hit in &hits {
        let ua = hit.headers.get("user-agent").unwrap().to_str().unwrap();
        assert!(ua.starts_with("nianbao/") && ua.contains(CONTACT), "{ua}");
    }
    // What was recorded about failures and redirects.
    let url = |p: &str| format!("{}{p}", site.base);
    assert_eq!(
        column(&dir, &url("/zwgk/zfxxgknb/missing.html"), "status").as_deref(),
        Some("404")
    );
    assert_eq!(
        column(&dir, &url("/zwgk/zfxxgknb/slow.html"), "error_kind").as_deref(),
        Some("timeout")
    );
    assert_eq!(
        column(&dir, &url("/private/nb.html"), "kind").as_deref(),
        Some("disallowed")
    );
    assert_eq!(
        column(&dir, &url("/zwgk/zfxxgknb/old.html"), "status").as_deref(),
        Some("301")
    );
    assert_eq!(
        column(&dir, &url("/zwgk/zfxxgknb/old.html"), "final_url"),
        Some(url("/zwgk/zfxxgknb/202103/t20210301_4.html"))
    );
    assert_eq!(
        column(&dir, &tls_seed, "error_kind").as_deref(),
        Some("tls")
    );
    assert_eq!(
        column(&dir, &dead_seed, "error_kind").as_deref(),
        Some("connect")
    );

    // A re-crawl revalidates what it holds and stores nothing new.
    site.clear_log();
    let out = run_expecting(crawl_command(&site, &dir, &seeds, DELAY), FAILURES);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "", "nothing is new");
    let hits = site.hits();
    assert_eq!(
        count(&hits, "/zwgk/zfxxgknb/index.html"),
        1,
        "listing pages are revisited"
    );
    assert_eq!(count(&hits, "/zwgk/zfxxgknb/index_2.html"), 1);
    for path in REPORTS.iter().chain(&ATTACHMENTS) {
        let conditional: Vec<bool> = hits
            .iter()
            .filter(|h| h.path == *path)
            .map(|h| {
                h.headers.contains_key("if-none-match")
                    && h.headers.contains_key("if-modified-since")
            })
            .collect();
        assert_eq!(
            conditional,
            [true],
            "{path} revalidated once, conditionally"
        );
    }
    assert_complete(&site, &dir);
    let not_modified: i64 = db(&dir)
        .query_row("SELECT count(*) FROM urls WHERE status = 304", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(not_modified, 10);

    // A changed report is stored again and announced.
    site.change_report();
    let out = run_expecting(crawl_command(&site, &dir, &seeds, DELAY), FAILURES);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let changed = format!(
        "changed\treport\t{}\t",
        url("/zwgk/zfxxgknb/202403/t20240301_1.html")
    );
    assert!(
        stdout.starts_with(&changed) && stdout.lines().count() == 1,
        "{stdout}"
    );
    let docs = documents(&site, &dir);
    assert!(
        String::from_utf8(std::fs::read(&docs[REPORTS[0]].path).unwrap())
            .unwrap()
            .contains("版本 2")
    );
    assert_eq!(docs.len(), 10);
    let versions: i64 = db(&dir)
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(versions, 11, "both versions of the changed report are kept");
}

#[test]
fn resumes_after_kill_9_without_refetching() {
    let site = Site::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let delay = 0.15;
    let mut child = crawl_command(&site, &dir, &[], delay)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    // Kill it in the middle: after a report or two has been stored.
    while site.hits().len() < 10 {
        assert!(Instant::now() < deadline, "crawl too slow");
        assert!(
            child.try_wait().unwrap().is_none(),
            "crawl ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let done: HashSet<String> = {
        let conn = db(&dir);
        let mut stmt = conn
            .prepare("SELECT url FROM urls WHERE pending = 0")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    assert!(!done.is_empty(), "the killed crawl recorded nothing");
    let pending: i64 = db(&dir)
        .query_row("SELECT count(*) FROM urls WHERE pending = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(
        pending > 0,
        "the crawl was killed too late to test resuming"
    );

    site.clear_log();
    let out = run_expecting(crawl_command(&site, &dir, &[], delay), FAILURES);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("(resumed)"), "{stderr}");
    for hit in site.hits() {
        let url = format!("{}{}", site.base, hit.path);
        assert!(
            !done.contains(&url),
            "{url} was fetched again after resuming"
        );
    }
    assert_complete(&site, &dir);
    // Every new document of the run is listed once, across the kill.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 10, "{stdout}");
    let conn = db(&dir);
    let dup: i64 = conn
        .query_row("SELECT count(*) FROM (SELECT url_id FROM documents GROUP BY url_id HAVING count(*) > 1)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(dup, 0);
    let files = walk(&dir.join("raw"))
        .into_iter()
        .filter(|p| !p.starts_with(dir.join("raw/tmp")))
        .count();
    assert_eq!(files, 10);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn bad_start_url_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["not a url", "ftp://example.gov.cn/", "http://"] {
        let out = nianbao()
            .args(["crawl", bad, "--out"])
            .arg(tmp.path().join("c"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("bad start URL"),
            "{bad}"
        );
    }
    assert!(!nianbao_store::is_crawl_dir(&tmp.path().join("c")));
    let out = nianbao()
        .args(["crawl", "http://127.0.0.1:9/", "--delay", "-1", "--out"])
        .arg(tmp.path().join("c"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    for bad in [["--allow-host", "bad host:x"], ["--jobs", "0"]] {
        let out = nianbao()
            .args(["crawl", "http://127.0.0.1:9/"])
            .args(bad)
            .arg("--out")
            .arg(tmp.path().join("c"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    assert!(!nianbao_store::is_crawl_dir(&tmp.path().join("c")));
    // A crawl folder that cannot be one is fatal: exit code 1.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = nianbao()
        .args(["crawl", "http://127.0.0.1:9/", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn max_pages_stops_and_the_next_invocation_continues() {
    let site = Site::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let mut cmd = crawl_command(&site, &dir, &[], 0.05);
    cmd.args(["--max-pages", "3", "--quiet"]);
    let out = run_expecting(cmd, DONE);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "--quiet prints no summary"
    );
    let done = || -> i64 {
        db(&dir)
            .query_row("SELECT count(*) FROM urls WHERE pending = 0", [], |r| {
                r.get(0)
            })
            .unwrap()
    };
    // Three URLs (the third, under /private/, is disallowed: no request), after robots.txt.
    assert_eq!(done(), 3);
    assert_eq!(site.hits().len(), 3);
    let mut cmd = crawl_command(&site, &dir, &[], 0.05);
    cmd.args(["--max-pages", "3"]);
    let out = run_expecting(cmd, DONE);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("crawl run 1 (resumed)") && stderr.contains("run unfinished"),
        "{stderr}"
    );
    assert_eq!(done(), 6);
    assert_eq!(
        site.hits().len(),
        7,
        "robots.txt again, then the next three URLs"
    );
}

#[test]
fn a_crawl_folder_becomes_a_dataset_that_keeps_each_source_url() {
    let site = Site::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    run_expecting(crawl_command(&site, &dir, &[], 0.05), FAILURES);
    let stored = documents(&site, &dir);
    assert!(!stored.is_empty());

    let data = tmp.path().join("data");
    let out = nianbao()
        .args(["dataset", "--quiet", "--format", "csv", "--out"])
        .arg(&data)
        .arg(&dir)
        .output()
        .unwrap();
    // The site's attachments are fake bytes: they are error rows, so the exit code is 3.
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports = std::fs::read_to_string(data.join("reports.csv")).unwrap();
    let reports = reports.trim_start_matches('\u{feff}');
    let header: Vec<&str> = reports.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = reports
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(
        rows.len(),
        stored.len(),
        "one reports row per stored document"
    );
    for doc in stored.values() {
        let row = rows
            .iter()
            .find(|r| r[col("source_url")] == doc.url)
            .unwrap_or_else(|| panic!("no reports row for {}", doc.url));
        assert_eq!(row[col("fetched_at")], doc.fetched_at);
        assert!(!row[col("report_id")].is_empty());
    }
    let referrers = rows
        .iter()
        .filter(|r| !r[col("referrer_title")].is_empty())
        .count();
    assert!(referrers > 0, "link titles are kept");
}

/// A nianbao command run under `ulimit -n {fds}` (soft and hard).
fn under_ulimit(fds: u32, args: &[String]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.env_remove("RUST_LOG")
        .arg("-c")
        .arg(format!("ulimit -n {fds} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_nianbao"))
        .args(args);
    cmd
}

/// A site whose root links one report PDF (`/nb.pdf`); robots.txt is a 404 that takes 50 ms, so
/// that the robots.txt requests of many such sites overlap.
fn one_report_site(tag: String) -> Handler {
    Arc::new(move |path, _, _| match path {
        "/" => Reply::html(
            r#"<title>某县人民政府</title><a href="/nb.pdf">2023年政府信息公开工作年度报告.pdf</a>"#,
        ),
        "/nb.pdf" => pdf(&tag),
        _ => Reply::status(404).after(Duration::from_millis(50)),
    })
}

fn crawl_args(seeds: &[String], dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["crawl".to_string()];
    args.extend(seeds.iter().cloned());
    args.extend(["--out".into(), dir.display().to_string()]);
    if !extra.contains(&"--delay") {
        args.extend(["--delay", "0.02"].map(String::from));
    }
    args.extend(["--timeout", "5"].map(String::from));
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[test]
fn a_hundred_hosts_under_ulimit_64() {
    let servers = Servers::new();
    let sites: Vec<Server> = (2..102)
        .map(|i| servers.serve(&format!("127.0.0.{i}"), 0, one_report_site(i.to_string())))
        .collect();
    let seeds: Vec<String> = sites.iter().map(|s| s.url("/")).collect();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let out = run_expecting(under_ulimit(64, &crawl_args(&seeds, &dir, &[])), DONE);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("new\t")).count(),
        100,
        "{stdout}"
    );
    for site in &sites {
        assert_eq!(
            site.paths(),
            ["/robots.txt", "/", "/nb.pdf"],
            "{}",
            site.base
        );
    }
    // Asked for more requests in flight than descriptors allow, the crawl runs out of them: the
    // requests wait, and no host is taken for unreachable.
    let dir = tmp.path().join("too-many-jobs");
    let out = run_expecting(
        under_ulimit(64, &crawl_args(&seeds, &dir, &["--jobs", "100"])),
        DONE,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Too many open files"), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 100, "{stdout}");
    for site in &sites {
        assert_eq!(
            site.paths()[3..],
            ["/robots.txt", "/", "/nb.pdf"],
            "{}",
            site.base
        );
    }
}

#[test]
fn a_failed_url_is_recorded_and_a_lost_copy_fetched_again() {
    let servers = Servers::new();
    let site = servers.serve(
        "127.0.0.1",
        0,
        Arc::new(|path: &str, headers: &axum::http::HeaderMap, count| match path {
            "/" => Reply::html(
                r#"<title>某县人民政府</title><a href="/nb.pdf">2023年政府信息公开工作年度报告.pdf</a>
                   <a href="/odd.pdf">2022年政府信息公开工作年度报告.pdf</a>"#,
            ),
            "/nb.pdf" if headers.contains_key("if-none-match") => {
                Reply::status(304).header("etag", "\"v1\"")
            }
            "/nb.pdf" => Reply::status(200)
                .header("content-type", "application/pdf")
                .header("etag", "\"v1\"")
                .body("%PDF-1.4 the report"),
            // A server that answers 304 to a request that was not conditional, once.
            "/odd.pdf" if count == 1 => Reply::status(304),
            "/odd.pdf" => Reply::status(200)
                .header("content-type", "application/pdf")
                .body("%PDF-1.4 the odd one"),
            _ => Reply::status(404),
        }),
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let args = crawl_args(&[site.url("/")], &dir, &[]);
    let out = run_expecting(under_ulimit(1024, &args), FAILURES);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&site.url("/odd.pdf")),
        "the failed URL is named: {stderr}"
    );
    assert_eq!(
        column(
            &dir,
            &site.url("/odd.pdf"),
            "status || ' ' || error_kind || ' ' || attempts"
        ),
        Some("304 http 1".into())
    );
    assert_eq!(documents_of(&dir), 1);

    // The stored copy of /nb.pdf disappears: it is fetched again without validators.
    let stored = nianbao_store::crawled_documents(&dir).unwrap();
    std::fs::remove_file(&stored[0].path).unwrap();
    let out = run_expecting(under_ulimit(1024, &args), DONE);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        1,
        "only /odd.pdf is new"
    );
    let nb: Vec<bool> = site
        .hits()
        .iter()
        .filter(|h| h.path == "/nb.pdf")
        .map(|h| h.headers.contains_key("if-none-match"))
        .collect();
    assert_eq!(nb, [false, false], "no conditional request for a lost copy");
    assert!(stored[0].path.is_file(), "the lost copy is stored again");
    assert_eq!(documents_of(&dir), 2);
}

fn documents_of(dir: &Path) -> usize {
    nianbao_store::crawled_documents(dir).unwrap().len()
}

/// A listing paged without end (`?page=N` links `?page=N+1`), two report PDFs a page.
fn endless_listing() -> Handler {
    Arc::new(|path, _, _| {
        let page: u32 = match path {
            "/" => 1,
            p => match p.strip_prefix("/?page=") {
                Some(n) => n.parse().unwrap_or(0),
                None if p.ends_with(".pdf") => {
                    return Reply::status(200)
                        .header("content-type", "application/pdf")
                        .body(format!("%PDF-1.4 {p}"))
                }
                None => return Reply::status(404),
            },
        };
        Reply::html(format!(
            r#"<title>政府信息公开年报</title>
               <a href="/{page}/a.pdf">{page}年A局政府信息公开工作年度报告.pdf</a>
               <a href="/{page}/b.pdf">{page}年B局政府信息公开工作年度报告.pdf</a>
               <a href="/?page={}">下一页</a>"#,
            page + 1
        ))
    })
}

/// A root with fifty report PDFs.
fn fifty_reports() -> Handler {
    Arc::new(|path, _, _| match path {
        "/" => Reply::html(
            (0..50)
                .map(|i| {
                    format!(r#"<a href="/{i}.pdf">2023年第{i}号政府信息公开工作年度报告.pdf</a>"#)
                })
                .collect::<String>(),
        ),
        p if p.ends_with(".pdf") => Reply::status(200)
            .header("content-type", "application/pdf")
            .body(format!("%PDF-1.4 {p}")),
        _ => Reply::status(404),
    })
}

/// Redirects without end, with and without a new session id each time, a calendar, and links
/// that differ only by a session key or a fragment.
fn looping_site() -> Handler {
    Arc::new(|path, _, count| {
        if let Some(n) = path.strip_prefix("/r/") {
            let n: u32 = n.parse().unwrap();
            return Reply::redirect(&format!("/r/{}", n + 1));
        }
        match path {
            "/" => Reply::html(format!(
                r#"<title>政务公开</title>
                   <a href="/loop">2023年政府信息公开工作年度报告</a>
                   <a href="/r/1">2022年政府信息公开工作年度报告</a>
                   <a href="/doc.pdf?sid=abc">2021年政府信息公开工作年度报告.pdf</a>
                   <a href="/doc.pdf;jsessionid=XYZ">2021年政府信息公开工作年度报告.pdf</a>
                   <a href="/a.pdf#page=1">2020年政府信息公开工作年度报告.pdf</a>
                   <a href="/a.pdf#page=2">2020年政府信息公开工作年度报告.pdf</a>
                   {}"#,
                (1..=31)
                    .map(|d| format!(r#"<a href="/202405{d:02}.html">{d}</a>"#))
                    .collect::<String>()
            )),
            "/loop" => Reply::redirect(&format!("/loop;jsessionid={count}")),
            p if p.ends_with(".pdf") => Reply::status(200)
                .header("content-type", "application/pdf")
                .body(format!("%PDF-1.4 {p}")),
            _ => Reply::status(404),
        }
    })
}

#[test]
fn traps_are_bounded_and_named() {
    let servers = Servers::new();
    let listing = servers.serve("127.0.0.2", 0, endless_listing());
    let many = servers.serve("127.0.0.3", 0, fifty_reports());
    let looping = servers.serve("127.0.0.4", 0, looping_site());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let seeds = [listing.url("/"), many.url("/"), looping.url("/")];
    let limits = [
        "--max-depth",
        "0",
        "--max-listing-pages",
        "3",
        "--max-urls-per-host",
        "30",
    ];
    let start = Instant::now();
    let out = run_expecting(
        under_ulimit(1024, &crawl_args(&seeds, &dir, &limits)),
        FAILURES,
    );
    assert!(start.elapsed() < Duration::from_secs(60));
    // The listing: its first page and three more, two PDFs each.
    let mut pages: Vec<String> = listing
        .paths()
        .into_iter()
        .filter(|p| !p.ends_with(".pdf"))
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        ["/", "/?page=2", "/?page=3", "/?page=4", "/robots.txt"]
    );
    assert_eq!(listing.hits().len(), 5 + 8);
    // Fifty reports, but thirty URLs a host (the root among them).
    assert_eq!(many.hits().len(), 1 + 30);
    // Ten redirects followed, then an error; the session id and fragments name no new URL;
    // calendar days are not pages.
    let paths = looping.paths();
    let count = |p: &str| paths.iter().filter(|q| *q == p).count();
    assert_eq!(count("/loop"), 1);
    assert!(paths.iter().all(|p| !p.contains("jsessionid")), "{paths:?}");
    assert_eq!(count("/r/11"), 1);
    assert_eq!(count("/r/12"), 0);
    assert_eq!((count("/doc.pdf"), count("/a.pdf")), (1, 1), "{paths:?}");
    assert!(paths.iter().all(|p| !p.starts_with("/202405")), "{paths:?}");
    assert_eq!(
        column(&dir, &looping.url("/r/11"), "error_kind").as_deref(),
        Some("redirects")
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (server, bound) in [
        (&listing, "listing pages"),
        (&many, "URLs per host"),
        (&looping, "redirects"),
    ] {
        let host = server
            .base
            .trim_start_matches("http://")
            .split(':')
            .next()
            .unwrap();
        assert!(
            stderr.contains(&format!("bound reached: {host}: {bound}")),
            "{stderr}"
        );
    }
}

fn pdf(name: &str) -> Reply {
    Reply::status(200)
        .header("content-type", "application/pdf")
        .body(format!("%PDF-1.4 {name}"))
}

#[test]
fn robots_txt_as_rfc_9309_says() {
    let servers = Servers::new();
    // B is outside the crawl's scope: only its robots.txt, which A's redirects to, is read.
    let b = servers.serve(
        "127.0.0.3",
        0,
        Arc::new(|path, _, _| match path {
            "/robots.txt" => Reply::status(200).body(
                "User-agent: *\nDisallow: /\n\nUser-agent: researchbot\nDisallow: /private/\n",
            ),
            _ => Reply::status(404),
        }),
    );
    let b_robots = b.url("/robots.txt");
    let a = servers.serve(
        "127.0.0.2",
        0,
        Arc::new(move |path, _, _| match path {
            "/robots.txt" => Reply::redirect(&b_robots),
            "/" => Reply::html(
                r#"<a href="/private/nb.pdf">2023年政府信息公开工作年度报告.pdf</a>
                   <a href="/nb.pdf">2022年政府信息公开工作年度报告.pdf</a>"#,
            ),
            p if p.ends_with(".pdf") => pdf(p),
            _ => Reply::status(404),
        }),
    );
    // C answers 429 to its first two robots.txt requests.
    let c = servers.serve(
        "127.0.0.4",
        0,
        Arc::new(|path, _, count| match path {
            "/robots.txt" if count <= 2 => Reply::status(429).header("retry-after", "0"),
            "/robots.txt" => Reply::status(404),
            "/" => Reply::html(r#"<a href="/nb.pdf">2023年政府信息公开工作年度报告.pdf</a>"#),
            p if p.ends_with(".pdf") => pdf(p),
            _ => Reply::status(404),
        }),
    );
    // D has a rule too complex for the matcher (`/search/a*a*…$`): its prefix `/search/a` is
    // disallowed, and the rest of the file still counts.
    let complex = format!("/search/{}$", "a*".repeat(4000));
    let d = servers.serve(
        "127.0.0.5",
        0,
        Arc::new(move |path, _, _| match path {
            "/robots.txt" => Reply::status(200).body(format!(
                "User-agent: *\nDisallow: {complex}\nDisallow: /private/\n"
            )),
            "/" => Reply::html(
                r#"<a href="/search/all.pdf">2023年政府信息公开工作年度报告.pdf</a>
                   <a href="/private/nb.pdf">2022年政府信息公开工作年度报告.pdf</a>
                   <a href="/nb.pdf">2021年政府信息公开工作年度报告.pdf</a>"#,
            ),
            p if p.ends_with(".pdf") => pdf(p),
            _ => Reply::status(404),
        }),
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let seeds = [a.url("/"), c.url("/"), d.url("/")];
    let args = crawl_args(
        &seeds,
        &dir,
        &[
            "--user-agent",
            "ResearchBot/1.0 (+mailto:x@example.org)",
            "--max-retries",
            "1",
        ],
    );
    run_expecting(under_ulimit(1024, &args), FAILURES);
    assert_eq!(a.paths(), ["/robots.txt", "/", "/nb.pdf"]);
    assert_eq!(b.paths(), ["/robots.txt"]);
    assert_eq!(
        c.paths(),
        ["/robots.txt", "/robots.txt"],
        "429: nothing fetched"
    );
    assert_eq!(
        column(&dir, &c.url("/"), "error_kind").as_deref(),
        Some("robots")
    );
    assert_eq!(d.paths(), ["/robots.txt", "/", "/nb.pdf"]);
    // The next run asks C again, and C now answers.
    run_expecting(under_ulimit(1024, &args), DONE);
    assert_eq!(c.paths()[2..], ["/robots.txt", "/", "/nb.pdf"]);
}

#[test]
fn politeness_per_host_name_from_end_to_start() {
    let servers = Servers::new();
    let other_port = servers.serve(
        "127.0.0.6",
        0,
        Arc::new(|path, _, _| match path {
            p if p.ends_with(".pdf") => pdf(p).after(Duration::from_millis(150)),
            _ => Reply::status(404),
        }),
    );
    let other = other_port.url("/nb.pdf");
    let seed = servers.serve(
        "127.0.0.6",
        0,
        Arc::new(move |path, _, _| match path {
            "/" => Reply::html(format!(
                r#"<a href="{other}">2023年政府信息公开工作年度报告.pdf</a>
                   <a href="/slow.pdf">2022年政府信息公开工作年度报告.pdf</a>
                   <a href="/nb.pdf">2021年政府信息公开工作年度报告.pdf</a>"#
            )),
            "/slow.pdf" => pdf(path).after(Duration::from_millis(300)),
            p if p.ends_with(".pdf") => pdf(p),
            _ => Reply::status(404),
        }),
    );
    let tmp = tempfile::tempdir().unwrap();
    let delay = 0.2;
    let crawl = |dir: &Path, extra: &[&str]| {
        let args = crawl_args(
            &[seed.url("/")],
            dir,
            &[&["--delay", "0.2"], extra].concat(),
        );
        run_expecting(under_ulimit(1024, &args), DONE)
    };
    crawl(&tmp.path().join("one"), &[]);
    assert!(
        other_port.hits().is_empty(),
        "another port needs --allow-host"
    );
    assert_eq!(seed.hits().len(), 4);

    let allow = other_port.base.trim_start_matches("http://").to_string();
    crawl(&tmp.path().join("two"), &["--allow-host", &allow]);
    assert_eq!(other_port.paths(), ["/robots.txt", "/nb.pdf"]);
    // One machine: both ports share one request at a time and the delay, which runs from the
    // end of an answer to the next request.
    let mut hits: Vec<_> = seed.hits()[4..]
        .iter()
        .chain(&other_port.hits())
        .cloned()
        .collect();
    hits.sort_by_key(|h| h.at);
    assert_eq!(hits.len(), 6);
    for pair in hits.windows(2) {
        let gap = pair[1].at.saturating_sub(pair[0].done);
        assert!(
            gap >= Duration::from_secs_f64(delay - 0.01),
            "{} {gap:?} after the end of {}",
            pair[1].path,
            pair[0].path
        );
    }
}

#[test]
fn off_site_links_and_redirects_are_recorded_not_followed() {
    let servers = Servers::new();
    let elsewhere = servers.serve(
        "127.0.0.8",
        0,
        Arc::new(|_: &str, _: &axum::http::HeaderMap, _| Reply::status(404)),
    );
    let moved_to = elsewhere.url("/");
    let moved = servers.serve(
        "127.0.0.7",
        0,
        Arc::new(move |path, _, _| match path {
            "/" => Reply::redirect(&moved_to),
            _ => Reply::status(404),
        }),
    );
    let off_pdf = elsewhere.url("/files/nb.pdf");
    let linking = servers.serve(
        "127.0.0.9",
        0,
        Arc::new(move |path, _, _| match path {
            "/" => Reply::html(format!(
                r#"<a href="{off_pdf}">2023年政府信息公开工作年度报告.pdf</a>
                   <a href="/nb.pdf">2022年政府信息公开工作年度报告.pdf</a>"#
            )),
            p if p.ends_with(".pdf") => pdf(p),
            _ => Reply::status(404),
        }),
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let args = crawl_args(&[moved.url("/"), linking.url("/")], &dir, &[]);
    let out = run_expecting(under_ulimit(1024, &args), DONE);
    assert!(elsewhere.hits().is_empty(), "{:?}", elsewhere.paths());
    assert_eq!(linking.paths(), ["/robots.txt", "/", "/nb.pdf"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "warning: start URL {} redirects to {}, outside the crawl",
            moved.url("/"),
            elsewhere.url("/")
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("off-site: 2 report or attachment links not followed")
            && stderr.contains("127.0.0.8 2"),
        "{stderr}"
    );
    let (referrer, title): (String, String) = db(&dir)
        .query_row(
            "SELECT u.url, o.title FROM offsite o JOIN urls u ON u.id = o.referrer WHERE o.url = ?1",
            [elsewhere.url("/files/nb.pdf")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(referrer, linking.url("/"));
    assert_eq!(title, "2023年政府信息公开工作年度报告.pdf");
}

/// A crawl command for a CMS imitation site, from its root, with `delay` seconds between
/// requests.
fn cms_crawl(site: &cms_support::Site, dir: &Path, delay: f64) -> Command {
    let mut cmd = nianbao();
    cmd.arg("crawl")
        .arg(format!("{}/", site.base))
        .arg("--out")
        .arg(dir);
    cmd.args(["--delay", &delay.to_string()]);
    cmd.args(["--timeout", "5", "--contact", CONTACT]);
    cmd
}

/// The report items of a CMS imitation site (the odd ones; the even ones are notices).
fn cms_reports(site: &cms_support::Site) -> Vec<String> {
    site.item_urls().into_iter().step_by(2).collect()
}

/// `nianbao crawl SITE_ROOT` on a CMS family's imitation, then `nianbao dataset`: the listing is
/// read through `adapter` (named in the summary and the state), exactly the report items are
/// stored and become dataset rows, the removed reports are recorded as removed, and nothing
/// outside the site nor off the listing (the news column) is asked for, no request malformed.
fn crawls_a_cms_site(family: cms_support::Family, adapter: &str) {
    let site = cms_support::Site::start(family);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let out = run_expecting(cms_crawl(&site, &dir, 0.0), DONE);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Hosts are keyed by name (politeness is per machine), without the port.
    let host = "127.0.0.1";
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&format!("site {host}:")))
        .unwrap_or_else(|| panic!("{family:?}: no site line\n{stderr}"));
    assert!(
        line.contains(&format!("listing by {adapter} ("))
            && line.ends_with("4 reports: 2017 1, 2019 1, 2021 1, 2023 1"),
        "{family:?}: {line}"
    );

    let want = cms_reports(&site);
    let mut stored: Vec<String> = nianbao_store::crawled_documents(&dir)
        .unwrap()
        .into_iter()
        .map(|d| d.url)
        .collect();
    stored.sort();
    let mut sorted = want.clone();
    sorted.sort();
    assert_eq!(stored, sorted, "{family:?}: the reports, nothing else");

    let first = site.hits();
    assert!(
        first.iter().all(|h| h.status != 400),
        "{family:?}: a malformed request: {first:#?}"
    );
    assert!(
        first.iter().all(|h| !h.path.starts_with("/xwzx/")),
        "{family:?}: the news column is not disclosure"
    );
    let conn = db(&dir);
    let hosts: Vec<String> = conn
        .prepare("SELECT DISTINCT host FROM urls")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(hosts, [host], "{family:?}: no URL off the site");
    assert_eq!(
        column(&dir, &site.column_url(), "adapter").as_deref(),
        Some(adapter),
        "{family:?}: the column page names its adapter"
    );
    let answers: i64 = conn
        .query_row(
            "SELECT count(*) FROM urls WHERE adapter = ?1 AND kind = 'listing'",
            [adapter],
            |r| r.get(0),
        )
        .unwrap();
    assert!(answers >= 2, "{family:?}: the column and its list answers");
    for path in [cms_support::SOFT_404, cms_support::REFRESH_STUB] {
        let url = format!("{}{path}", site.base);
        assert_eq!(
            column(&dir, &url, "kind").as_deref(),
            Some("removed"),
            "{url}"
        );
    }
    let moved = format!("{}{}", site.base, cms_support::MOVED);
    assert_eq!(column(&dir, &moved, "kind").as_deref(), Some("redirect"));
    assert_eq!(column(&dir, &moved, "final_url"), Some(want[0].clone()));

    // A second run walks the listing again (its requests queued anew) and finds nothing new.
    let before = site.hits().len();
    let out = run_expecting(cms_crawl(&site, &dir, 0.0), DONE);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("crawl run 2: ") && stderr.contains(" 0 new, 0 changed documents"),
        "{family:?}: {stderr}"
    );
    assert!(stderr.contains(line), "{family:?}: {stderr}");
    let requests = |hits: &[cms_support::Hit]| {
        let mut all: Vec<(String, String, String)> = hits
            .iter()
            .map(|h| (h.method.clone(), h.path.clone(), h.body.clone()))
            .collect();
        all.sort();
        all
    };
    let hits = site.hits();
    assert_eq!(
        requests(&hits[before..]),
        requests(&hits[..before]),
        "{family:?}: the same requests, list requests included"
    );

    let data = tmp.path().join("data");
    let out = nianbao()
        .args(["dataset", "--quiet", "--format", "csv", "--out"])
        .arg(&data)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{family:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports = std::fs::read_to_string(data.join("reports.csv")).unwrap();
    let reports = reports.trim_start_matches('\u{feff}');
    let header: Vec<&str> = reports.lines().next().unwrap().split(',').collect();
    let source = header.iter().position(|h| *h == "source_url").unwrap();
    let mut rows: Vec<String> = reports
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(source).unwrap().to_string())
        .collect();
    rows.sort();
    assert_eq!(rows, sorted, "{family:?}: one dataset row per report");
}

#[test]
fn crawls_a_hanweb_jpage_site() {
    crawls_a_cms_site(cms_support::Family::HanwebJpage, "hanweb-jpage");
}

#[test]
fn crawls_a_hanweb_col_site() {
    crawls_a_cms_site(cms_support::Family::HanwebCol, "hanweb-col");
}

#[test]
fn crawls_a_trs_site() {
    crawls_a_cms_site(cms_support::Family::Trs, "trs");
}

#[test]
fn crawls_a_jpaas_site() {
    crawls_a_cms_site(cms_support::Family::Jpaas, "jpaas");
}

#[test]
fn crawls_a_gkmlpt_site() {
    crawls_a_cms_site(cms_support::Family::Gkmlpt, "gkmlpt");
}

#[test]
fn crawls_a_fujian_site() {
    crawls_a_cms_site(cms_support::Family::Fujian, "fujian");
}

#[test]
fn crawls_an_anhui_site() {
    crawls_a_cms_site(cms_support::Family::Anhui, "anhui");
}

/// A POST listing stopped halfway (`--max-pages`) goes on in the next invocation from the requests
/// stored in the state: every request, POSTs included, is made once over both invocations.
#[test]
fn a_post_listing_resumes_from_its_stored_requests() {
    let site = cms_support::Site::start(cms_support::Family::Fujian);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    // The root, its two removed reports, a moved one and where it moved, the column.
    let mut cmd = cms_crawl(&site, &dir, 0.0);
    cmd.args(["--max-pages", "6"]);
    run_expecting(cmd, DONE);
    let pending_posts: i64 = db(&dir)
        .query_row(
            "SELECT count(*) FROM urls WHERE pending = 1 AND url LIKE 'POST %' AND request IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(pending_posts > 0, "further POST pages wait in the state");
    let out = run_expecting(cms_crawl(&site, &dir, 0.0), DONE);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("crawl run 1 (resumed)"), "{stderr}");
    let hits = site.hits();
    let mut seen = HashSet::new();
    for hit in hits.iter().filter(|h| h.path != "/robots.txt") {
        assert!(
            seen.insert((hit.method.clone(), hit.path.clone(), hit.body.clone())),
            "asked twice: {hit:?}"
        );
    }
    let posts = hits.iter().filter(|h| h.method == "POST").count();
    assert_eq!(posts, 3, "the three pages of the listing");
    let mut stored: Vec<String> = nianbao_store::crawled_documents(&dir)
        .unwrap()
        .into_iter()
        .map(|d| d.url)
        .collect();
    stored.sort();
    let mut want = cms_reports(&site);
    want.sort();
    assert_eq!(stored, want);
}

/// A site without a report column, and one whose report column lists nothing, are named in the
/// summary with what they lacked, not passed over in silence.
#[test]
fn the_summary_names_sites_without_a_column_or_without_items() {
    let servers = Servers::new();
    let bare = servers.serve(
        "127.0.0.40",
        0,
        Arc::new(|path: &str, _: &axum::http::HeaderMap, _| match path {
            "/" => Reply::html(r#"<title>某县人民政府</title><a href="/xwzx/">新闻中心</a>"#),
            _ => Reply::status(404),
        }),
    );
    let empty = servers.serve(
        "127.0.0.41",
        0,
        Arc::new(|path: &str, _: &axum::http::HeaderMap, _| match path {
            "/" => Reply::html(
                r#"<title>某县人民政府</title><a href="/zwgk/gknb/index.html">政府信息公开年报</a>"#,
            ),
            "/zwgk/gknb/index.html" => Reply::html(
                r#"<title>政府信息公开年报</title><ul class="list"></ul>
                   <script>createPageHTML(1, 0, "index", "html");</script>"#,
            ),
            _ => Reply::status(404),
        }),
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let mut cmd = nianbao();
    cmd.args(crawl_args(&[bare.url("/"), empty.url("/")], &dir, &[]));
    let out = run_expecting(cmd, DONE);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "site 127.0.0.40: listing by links (1 page); no reports: no report column or no items found\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "site 127.0.0.41: listing by trs (1 page); no reports: the listing had no report items\n"
        ),
        "{stderr}"
    );
}

/// A crawl of a Hanweb jpage site killed (`kill -9`) after its first POST to the data proxy goes
/// on from the requests stored in the state: nothing recorded is asked again, and every report is
/// stored once.
#[test]
fn a_post_listing_resumes_after_kill_9() {
    let site = cms_support::Site::start(cms_support::Family::HanwebJpage);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let mut child = cms_crawl(&site, &dir, 0.2)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !site.hits().iter().any(|h| h.method == "POST") {
        assert!(Instant::now() < deadline, "crawl too slow");
        assert!(
            child.try_wait().unwrap().is_none(),
            "crawl ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let done: HashSet<String> = {
        let conn = db(&dir);
        let mut stmt = conn
            .prepare("SELECT url FROM urls WHERE pending = 0")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    let pending_posts: i64 = db(&dir)
        .query_row(
            "SELECT count(*) FROM urls WHERE pending = 1 AND url LIKE 'POST %' AND request IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(pending_posts > 0, "a POST page waits in the state");
    let before = site.hits().len();
    let out = run_expecting(cms_crawl(&site, &dir, 0.0), DONE);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("(resumed)"), "{stderr}");
    for hit in &site.hits()[before..] {
        let url = format!("{}{}", site.base, hit.path);
        let key = match hit.method.as_str() {
            "POST" => format!("POST {url} {}", hit.body),
            _ => url,
        };
        assert!(!done.contains(&key), "{key} was asked again after resuming");
    }
    let posts = site.hits().iter().filter(|h| h.method == "POST").count();
    assert!(
        (2..=3).contains(&posts),
        "two pages, one maybe in flight twice"
    );
    let mut stored: Vec<String> = nianbao_store::crawled_documents(&dir)
        .unwrap()
        .into_iter()
        .map(|d| d.url)
        .collect();
    stored.sort();
    let mut want = cms_reports(&site);
    want.sort();
    assert_eq!(stored, want);
}

/// List requests are pagination: `--max-listing-pages 1` lets the column page and one data-proxy
/// page through, leaves the last page out and names the bound.
#[test]
fn list_requests_count_toward_max_listing_pages() {
    let site = cms_support::Site::start(cms_support::Family::HanwebJpage);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    let mut cmd = cms_crawl(&site, &dir, 0.0);
    cmd.args(["--max-listing-pages", "1"]);
    let out = run_expecting(cmd, DONE);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bound reached: 127.0.0.1: listing pages"),
        "{stderr}"
    );
    let posts = site.hits().iter().filter(|h| h.method == "POST").count();
    assert_eq!(posts, 1, "page 2 only");
    let mut stored: Vec<String> = nianbao_store::crawled_documents(&dir)
        .unwrap()
        .into_iter()
        .map(|d| d.url)
        .collect();
    stored.sort();
    // Items 1, 3 (the column page) and 5 (page 2); item 7 is on page 3.
    let mut want: Vec<String> = cms_reports(&site).into_iter().take(3).collect();
    want.sort();
    assert_eq!(stored, want);
}

/// A list request is robots-checked like any URL: with the Fujian search disallowed, no POST is
/// made and the requests are recorded as disallowed.
#[test]
fn robots_txt_can_disallow_a_list_request() {
    let site = cms_support::Site::with_robots(
        cms_support::Family::Fujian,
        Some("User-agent: *\nDisallow: /fjdzapp/\n"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    run_expecting(cms_crawl(&site, &dir, 0.0), DONE);
    assert!(site.hits().iter().all(|h| h.method != "POST"));
    let disallowed: i64 = db(&dir)
        .query_row(
            "SELECT count(*) FROM urls WHERE kind = 'disallowed' AND url LIKE 'POST %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(disallowed > 0);
}
