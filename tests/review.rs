//! `nianbao review` end to end, in a real browser: the samples' dataset becomes a site, and
//! headless Chromium loads every page from `file://` through the DevTools protocol (over
//! `--remote-debugging-pipe`), collecting console errors, uncaught exceptions, log errors and
//! every request. Each page must load with none of the first three and no request outside the
//! site folder; the report pages' cells (`data-key`, `data-value` and the status class, read from the
//! live DOM) must match the `cells` table. Screenshots of the overview and of one report page are
//! left in `target/review-artifacts/`.
//!
//! Chromium is `/usr/bin/chromium` (or `chromium` on the PATH; `scripts/test.sh` installs it).
//! Without it the browser checks are skipped with a message, except under CI (`CI` set), where
//! a missing browser fails the test.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use polars::prelude::*;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// How long one page may take to load.
const PAGE_TIMEOUT: Duration = Duration::from_secs(30);

fn nianbao(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Chromium, or `None` (and a message) when it is not installed outside CI.
fn chromium() -> Option<PathBuf> {
    let found = std::iter::once(PathBuf::from("/usr/bin/chromium"))
        .chain(
            std::env::var_os("PATH")
                .into_iter()
                .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                .map(|d| d.join("chromium")),
        )
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed (scripts/test.sh installs it)"
        );
        eprintln!("review browser test skipped: no chromium (apt-get install chromium)");
    }
    found
}

/// The flags every Chromium run gets: headless, no network of its own, a fresh profile.
fn chromium_flags(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// A headless Chromium driven over `--remote-debugging-pipe`: it reads NUL-terminated JSON
/// commands on fd 3 and writes responses and events on fd 4, which a shell maps onto the
/// child's standard input and output.
struct Browser {
    child: Child,
    commands: ChildStdin,
    messages: Receiver<Value>,
    events: Vec<Value>,
    next_id: u64,
}

impl Browser {
    fn launch(chromium: &Path, profile: &Path) -> Browser {
        let mut child = Command::new("bash")
            .arg("-c")
            .arg(r#"exec "$0" "$@" --remote-debugging-pipe about:blank 3<&0 4>&1 0</dev/null 1>/dev/null 2>/dev/null"#)
            .arg(chromium)
            .args(chromium_flags(profile))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let commands = child.stdin.take().unwrap();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buffer = Vec::new();
            while output.read_until(0, &mut buffer).is_ok_and(|n| n > 0) {
                buffer.pop_if(|b| *b == 0);
                if let Ok(message) = serde_json::from_slice::<Value>(&buffer) {
                    if sender.send(message).is_err() {
                        break;
                    }
                }
                buffer.clear();
            }
        });
        Browser {
            child,
            commands,
            messages,
            events: Vec::new(),
            next_id: 1,
        }
    }

    /// Sends a command (to a page session when `session` is set) and waits for its result;
    /// events that arrive meanwhile are kept.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut command = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&command).unwrap();
        bytes.push(0);
        self.commands.write_all(&bytes).unwrap();
        self.commands.flush().unwrap();
        let deadline = Instant::now() + PAGE_TIMEOUT;
        loop {
            let message = self.receive(deadline, method);
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{method} failed: {message}");
                return message["result"].clone();
            }
            self.events.push(message);
        }
    }

    fn receive(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("chromium: no answer to {waiting_for}"),
            Err(RecvTimeoutError::Disconnected) => panic!("chromium exited during {waiting_for}"),
        }
    }

    /// Waits for the event `method` of `session` (it may already have arrived).
    fn wait_for(&mut self, session: &str, method: &str) {
        let is_it = |e: &Value| e["method"] == json!(method) && e["sessionId"] == json!(session);
        if self.events.iter().any(is_it) {
            return;
        }
        let deadline = Instant::now() + PAGE_TIMEOUT;
        loop {
            let message = self.receive(deadline, method);
            let found = is_it(&message);
            self.events.push(message);
            if found {
                return;
            }
        }
    }

    /// Opens a tab with console, log, network and page events on; returns its session.
    fn open_tab(&mut self) -> String {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in ["Runtime", "Log", "Network", "Page"] {
            self.call(Some(&session), &format!("{domain}.enable"), json!({}));
        }
        session
    }

    /// Loads `url` in the tab and returns what went wrong (console errors, exceptions, log
    /// errors) and every URL requested.
    fn load(&mut self, session: &str, url: &str) -> PageLoad {
        self.events.clear();
        self.call(Some(session), "Page.navigate", json!({"url": url}));
        self.wait_for(session, "Page.loadEventFired");
        // Whatever the load event left in flight (a late script error) has a moment to arrive.
        self.evaluate(session, "new Promise(r => setTimeout(() => r(1), 100))");
        let mut load = PageLoad::default();
        for event in self
            .events
            .iter()
            .filter(|e| e["sessionId"] == json!(session))
        {
            let params = &event["params"];
            match event["method"].as_str().unwrap_or("") {
                "Runtime.consoleAPICalled"
                    if matches!(params["type"].as_str(), Some("error" | "assert")) =>
                {
                    load.errors.push(format!("console: {}", params["args"]));
                }
                "Runtime.exceptionThrown" => {
                    load.errors
                        .push(format!("exception: {}", params["exceptionDetails"]));
                }
                "Log.entryAdded" if params["entry"]["level"] == json!("error") => {
                    load.errors.push(format!("log: {}", params["entry"]));
                }
                "Network.requestWillBeSent" => {
                    load.requests
                        .push(params["request"]["url"].as_str().unwrap_or("").to_string());
                }
                _ => {}
            }
        }
        load
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its JSON value.
    fn evaluate(&mut self, session: &str, expression: &str) -> Value {
        let result = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What loading one page did.
#[derive(Default, Debug)]
struct PageLoad {
    errors: Vec<String>,
    requests: Vec<String>,
}

/// Every `.html` file under `dir`.
fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(html_files(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The values of `attribute="…"` in `html`.
fn attribute_values<'h>(html: &'h str, attribute: &str) -> Vec<&'h str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// The second line of defence, without a browser: no resource of any page (scripts, images,
/// stylesheets, fonts, frames, CSS `url()`/`@import`) refers outside the site.
fn assert_self_contained(site: &Path) {
    for path in html_files(site) {
        let html = std::fs::read_to_string(&path).unwrap();
        let external = |url: &str| {
            let url = url.trim().to_ascii_lowercase();
            url.starts_with("http:") || url.starts_with("https:") || url.starts_with("//")
        };
        for url in attribute_values(&html, "src") {
            assert!(!external(url), "{}: src={url}", path.display());
        }
        for tag in html.split("<link").skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            for url in attribute_values(tag, "href") {
                assert!(!external(url), "{}: <link href={url}>", path.display());
            }
        }
        assert!(!html.contains("url("), "{}: CSS url()", path.display());
        assert!(!html.contains("@import"), "{}: CSS @import", path.display());
    }
}

/// The cells of every report as the table has them: key → (value text, status).
fn cells_by_report(dataset: &Path) -> HashMap<String, HashMap<String, (String, String)>> {
    let file = File::open(dataset.join("cells.parquet")).unwrap();
    let cells = ParquetReader::new(file).finish().unwrap();
    let text = |name: &str| -> Vec<Option<String>> {
        let column = cells.column(name).unwrap().str().unwrap();
        column.iter().map(|s| s.map(str::to_string)).collect()
    };
    let (ids, keys, statuses) = (text("report_id"), text("key"), text("status"));
    let ints: Vec<Option<i64>> = cells
        .column("value_int")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .collect();
    let decimals: Vec<Option<f64>> = cells
        .column("value_decimal")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    let mut by_report: HashMap<String, HashMap<String, (String, String)>> = HashMap::new();
    for row in 0..cells.height() {
        let value = match (ints[row], decimals[row]) {
            (Some(i), _) => i.to_string(),
            (None, Some(d)) => format!("{d}"),
            (None, None) => String::new(),
        };
        by_report
            .entry(ids[row].clone().unwrap())
            .or_default()
            .insert(
                keys[row].clone().unwrap(),
                (value, statuses[row].clone().unwrap()),
            );
    }
    by_report
}

/// Loads `page` and asserts it loaded cleanly without leaving the site.
fn assert_loads_cleanly(browser: &mut Browser, session: &str, site: &Path, page: &Path) {
    let url = format!("file://{}", page.display());
    let load = browser.load(session, &url);
    assert!(
        load.errors.is_empty(),
        "{}: {:#?}",
        page.display(),
        load.errors
    );
    let inside = format!("file://{}/", site.display());
    for request in &load.requests {
        assert!(
            request.starts_with(&inside) || request.starts_with("data:"),
            "{}: a request outside the site: {request}",
            page.display()
        );
    }
    assert!(
        load.requests.contains(&url),
        "{}: {:?}",
        page.display(),
        load.requests
    );
}

fn screenshot(chromium: &Path, page: &Path, png: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(chromium)
        .args(chromium_flags(profile.path()))
        .arg("--window-size=1280,1600")
        .arg("--hide-scrollbars")
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success() && png.is_file(), "{}", png.display());
}

#[test]
fn the_samples_site_loads_cleanly_in_a_browser_and_shows_the_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("dataset");
    let site = dir.path().join("site");
    let samples = Path::new(ROOT).join("samples");
    let built = nianbao(&[
        "dataset",
        samples.to_str().unwrap(),
        "--out",
        dataset.to_str().unwrap(),
        "-q",
    ]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let reviewed = nianbao(&[
        "review",
        dataset.to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
    ]);
    assert!(
        reviewed.status.success(),
        "{}",
        String::from_utf8_lossy(&reviewed.stderr)
    );
    assert_self_contained(&site);
    let pages = html_files(&site.join("reports"));
    let expected = cells_by_report(&dataset);
    assert_eq!(pages.len(), expected.len(), "one page per extracted report");

    let Some(chromium) = chromium() else { return };
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Browser::launch(&chromium, profile.path());
    let session = browser.open_tab();

    assert_loads_cleanly(&mut browser, &session, &site, &site.join("index.html"));
    let headings = browser.evaluate(
        &session,
        "Array.from(document.querySelectorAll('h2')).map(h => h.textContent)",
    );
    for heading in ["按年度和表格格式", "校验", "政府信息公开申请", "读取失败"]
    {
        assert!(
            headings.as_array().unwrap().contains(&json!(heading)),
            "{headings}"
        );
    }

    assert_loads_cleanly(&mut browser, &session, &site, &site.join("reports.html"));
    assert_eq!(
        browser.evaluate(&session, "document.body.dataset.ready"),
        json!("1")
    );
    let rows = browser.evaluate(
        &session,
        "document.querySelectorAll('#report-list tbody tr').length",
    );
    assert_eq!(rows, json!(6), "every document of the samples is listed");
    // A click on 年度 sorts ascending, a second click descending.
    let years = "(() => { document.querySelectorAll('#report-list th')[1].click(); \
         return Array.from(document.querySelectorAll('#report-list tbody tr')).map(r => r.cells[1].textContent); })()";
    let ascending = browser.evaluate(&session, years);
    assert_eq!(ascending[0], json!("2020"), "{ascending}");
    let descending = browser.evaluate(&session, years);
    assert_eq!(descending[0], json!("2023"), "{descending}");
    // Filtering hides the rows that do not match.
    let shown = browser.evaluate(
        &session,
        "(() => { const f = document.getElementById('filter-text'); f.value = '2023'; \
         f.dispatchEvent(new Event('input')); \
         return Array.from(document.querySelectorAll('#report-list tbody tr')).filter(r => r.style.display !== 'none').length; })()",
    );
    assert_eq!(shown, json!(3), "the county's three 2023 documents");

    for page in &pages {
        assert_loads_cleanly(&mut browser, &session, &site, page);
        let id = page.file_stem().unwrap().to_str().unwrap();
        let shown = browser.evaluate(
            &session,
            "Array.from(document.querySelectorAll('td[data-key]')).map(td => [td.dataset.key, td.dataset.value, td.classList[0]])",
        );
        let shown: Vec<(String, String, String)> = serde_json::from_value(shown).unwrap();
        let table = &expected[id];
        assert_eq!(
            shown.len(),
            table.len(),
            "{id}: every cell is on the page once"
        );
        for (key, value, status) in shown {
            assert_eq!(table.get(&key), Some(&(value, status)), "{id}: {key}");
        }
    }

    let artifacts = Path::new(ROOT).join("target/review-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    screenshot(
        &chromium,
        &site.join("index.html"),
        &artifacts.join("overview.png"),
    );
    screenshot(&chromium, &pages[0], &artifacts.join("report.png"));
}

/// A CSV dataset written by hand, as an older nianbao would have (no `error_kind` column) plus a
/// `region_level` column another tool added, with a title that is markup, a failed check, and
/// the same agency's previous year.
fn write_hostile_csv_dataset(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let id = "ab".repeat(32);
    std::fs::write(
        dir.join("reports.csv"),
        format!(
            "\u{feff}report_id,source_path,title,agency,agency_normalized,year,template,error,duplicate_of,warnings,region_level\n\
             {id},a.html,\"<script>window.pwned=1</script><img src=x onerror=window.pwned=2>\",某局,某局,2023,2021,,,,county\n\
             {},b.doc,,,,,,\"legacy Word <b>.doc</b>\",,,\n\
             {},c.html,某局2022年报,某局,某局,2022,2021,,,,county\n",
            "cd".repeat(32),
            "ef".repeat(32)
        ),
    )
    .unwrap();
    let keys = [
        ("table3.new_received.total", "5"),
        ("table3.carried_over.total", "0"),
        ("table3.result_total.total", "3"),
        ("table3.carried_forward.total", "0"),
    ];
    let mut cells =
        String::from("report_id,key,table,value_int,value_decimal,status,raw,unit,candidates\n");
    for (key, value) in keys {
        cells.push_str(&format!("{id},{key},3,{value},,number,{value},,\n"));
    }
    cells.push_str(&format!(
        "{id},table4.admin_review.total,4,,,ambiguous,12 3,,12|3\n"
    ));
    std::fs::write(dir.join("cells.csv"), cells).unwrap();
    std::fs::write(
        dir.join("checks.csv"),
        format!("report_id,rule,scope,passed,detail\n{id},R3.1,total,false,5 + 0 ≠ 3 + 0\n"),
    )
    .unwrap();
}

#[test]
fn markup_in_the_data_stays_text_and_failed_checks_are_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("dataset");
    let site = dir.path().join("site");
    write_hostile_csv_dataset(&dataset);
    let reviewed = nianbao(&[
        "review",
        dataset.to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
    ]);
    assert!(
        reviewed.status.success(),
        "{}",
        String::from_utf8_lossy(&reviewed.stderr)
    );
    let page_path = site.join(format!("reports/{}.html", "ab".repeat(32)));
    let page = std::fs::read_to_string(&page_path).unwrap();
    assert!(!page.contains("<script>window"), "the title is escaped");
    assert!(page.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"));
    assert_eq!(
        page.matches("class=\"number failed\"").count(),
        4,
        "R3.1 total: 4 cells"
    );
    let overview = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        overview.contains("legacy Word &lt;b&gt;.doc&lt;/b&gt;"),
        "grouped by error"
    );
    assert_self_contained(&site);

    let Some(chromium) = chromium() else { return };
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Browser::launch(&chromium, profile.path());
    let session = browser.open_tab();
    for page in [
        site.join("index.html"),
        site.join("reports.html"),
        page_path,
    ] {
        assert_loads_cleanly(&mut browser, &session, &site, &page);
        assert_eq!(
            browser.evaluate(&session, "window.pwned === undefined"),
            json!(true)
        );
    }
    let title = browser.evaluate(&session, "document.querySelector('h1').textContent");
    assert_eq!(
        title,
        json!("<script>window.pwned=1</script><img src=x onerror=window.pwned=2>")
    );
    let ambiguous = browser.evaluate(
        &session,
        "(() => { const td = document.querySelector('td[data-key=\"table4.admin_review.total\"]'); return [td.className, td.textContent, td.title]; })()",
    );
    assert_eq!(ambiguous[0], json!("ambiguous"));
    assert_eq!(ambiguous[1], json!("12 / 3"));
    assert!(
        ambiguous[2].as_str().unwrap().contains("原文: 12 3"),
        "{ambiguous}"
    );
}

#[test]
fn a_new_site_replaces_the_old_one_whole_and_a_failed_run_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("dataset");
    let site = dir.path().join("site");
    write_hostile_csv_dataset(&dataset);
    std::fs::create_dir_all(site.join("reports")).unwrap();
    std::fs::write(site.join("stale.html"), "old").unwrap();
    let args = [
        "review",
        dataset.to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
    ];
    assert!(nianbao(&args).status.success());
    assert!(
        !site.join("stale.html").exists(),
        "nothing of the old site is left"
    );
    assert!(site.join("index.html").is_file());
    let before = std::fs::read_to_string(site.join("index.html")).unwrap();
    std::fs::remove_file(dataset.join("reports.csv")).unwrap();
    assert_eq!(nianbao(&args).status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(site.join("index.html")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary folder is left: {leftovers:?}"
    );
}

#[test]
fn a_folder_without_a_dataset_is_fatal_and_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let output = nianbao(&[
        "review",
        dir.path().to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&dir.path().display().to_string()) && stderr.contains("no dataset"),
        "{stderr}"
    );
    assert!(!site.exists(), "no site is written");
    assert_eq!(nianbao(&["review", "--out"]).status.code(), Some(2));
}

#[test]
fn extract_format_html_is_the_report_page() {
    let sample = Path::new(ROOT).join("samples/county-2023-v2021.html");
    let output = nianbao(&["extract", sample.to_str().unwrap(), "--format", "html"]);
    assert!(output.status.success());
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        page.matches(" data-key=\"").count(),
        200,
        "every key of the 2021 template"
    );
    assert!(page.contains("三、收到和处理政府信息公开申请情况"));
}

#[test]
fn the_browser_harness_sees_errors_and_outside_requests() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><body><img src=\"http://127.0.0.1:9/x.png\">\
         <script>console.error('boom'); notDefined();</script></body>",
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Browser::launch(&chromium, profile.path());
    let session = browser.open_tab();
    let load = browser.load(&session, &format!("file://{}", page.display()));
    assert!(load.errors.iter().any(|e| e.contains("boom")), "{load:#?}");
    assert!(
        load.errors.iter().any(|e| e.contains("notDefined")),
        "{load:#?}"
    );
    assert!(
        load.requests
            .iter()
            .any(|r| r.starts_with("http://127.0.0.1:9/")),
        "{load:#?}"
    );
}

#[test]
fn a_csv_dataset_gives_the_same_site_as_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(ROOT).join("samples");
    let mut sites = Vec::new();
    for format in ["parquet", "csv"] {
        let dataset = dir.path().join(format!("dataset-{format}"));
        let site = dir.path().join(format!("site-{format}"));
        let built = nianbao(&[
            "dataset",
            samples.to_str().unwrap(),
            "--out",
            dataset.to_str().unwrap(),
            "--format",
            format,
            "-q",
        ]);
        assert!(
            built.status.success(),
            "{}",
            String::from_utf8_lossy(&built.stderr)
        );
        let reviewed = nianbao(&[
            "review",
            dataset.to_str().unwrap(),
            "--out",
            site.to_str().unwrap(),
        ]);
        assert!(
            reviewed.status.success(),
            "{}",
            String::from_utf8_lossy(&reviewed.stderr)
        );
        sites.push(site);
    }
    let pages = |site: &Path| -> Vec<(PathBuf, String)> {
        html_files(site)
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                (p.strip_prefix(site).unwrap().to_path_buf(), text)
            })
            .collect()
    };
    let (parquet, csv) = (pages(&sites[0]), pages(&sites[1]));
    assert_eq!(parquet.len(), 2 + 6);
    for ((name, a), (other, b)) in parquet.iter().zip(&csv) {
        assert_eq!(name, other);
        assert!(
            a == b,
            "{}: the CSV dataset reads differently",
            name.display()
        );
    }
}

#[test]
fn extract_format_html_loads_cleanly_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let sample = Path::new(ROOT).join("samples/bureau-2020-v2019.docx");
    let output = nianbao(&[
        "extract",
        sample.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let Some(chromium) = chromium() else { return };
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Browser::launch(&chromium, profile.path());
    let session = browser.open_tab();
    assert_loads_cleanly(&mut browser, &session, dir.path(), &page);
    let cells = browser.evaluate(&session, "document.querySelectorAll('td[data-key]').length");
    assert_eq!(cells, json!(198), "every key of the 2019 template");
}
