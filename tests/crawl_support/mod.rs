//! A loopback imitation of a district government site, for the crawl tests.
//!
//! Layout (every path below is what the crawler may or may not ask for):
//!
//! * `/robots.txt`: disallows `/private/`.
//! * `/` (UTF-8): links to 新闻中心 (not disclosure: never fetched), 政务公开, and an off-site page.
//! * `/zwgk/index.html` (GB2312-declared, GBK bytes): 政府信息公开年报 column, 信息公开指南, and a
//!   report link under `/private/` (robots-disallowed: never fetched).
//! * `/zwgk/zfxxgknb/index.html` (GB2312): reports 2023 (UTF-8 page, PDF via `onclick`), 2022 (GBK
//!   page, DOCX by href), 2021 (only a DOCX), 2020 (`old.html`, a 301), 2019 (a 404); `下一页` and
//!   `createPageHTML(3, …)`.
//! * `index_1.html`: 2018 (a 503 the first time), 2017 (a 429 with `Retry-After: 1` the first
//!   time), 2016 (slow: answers after 2.5 s).
//! * `index_2.html`: a Hanweb `<record><![CDATA[…]]>` item, 2015, whose page links its XLS by link
//!   text only (`/download?id=7`).
//!
//! Reports and attachments carry an `ETag` and `Last-Modified` and answer conditional requests
//! with 304. Every request is logged with its arrival time and headers.

pub mod servers;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Path and query.
    pub path: String,
    /// Arrival, from the server's start.
    pub at: Duration,
    /// Request headers.
    pub headers: HeaderMap,
}

/// A running imitation site.
pub struct Site {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    state: Arc<SiteState>,
    offsite_state: Arc<SiteState>,
    _runtime: tokio::runtime::Runtime,
}

struct SiteState {
    start: Instant,
    log: Mutex<Vec<Hit>>,
    counts: Mutex<HashMap<String, u32>>,
    /// Bumped to change the 2023 report.
    version: AtomicU32,
    offsite: Mutex<String>,
}

impl Site {
    /// Starts the site and its off-site neighbour on loopback.
    pub fn start() -> Site {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let new_state = || {
            Arc::new(SiteState {
                start: Instant::now(),
                log: Mutex::new(Vec::new()),
                counts: Mutex::new(HashMap::new()),
                version: AtomicU32::new(1),
                offsite: Mutex::new(String::new()),
            })
        };
        let (state, offsite_state) = (new_state(), new_state());
        let (addr, off_addr) = runtime.block_on(async {
            (
                serve(state.clone()).await,
                serve(offsite_state.clone()).await,
            )
        });
        *state.offsite.lock().unwrap() = format!("http://localhost:{}", off_addr.port());
        Site {
            base: format!("http://127.0.0.1:{}", addr.port()),
            state,
            offsite_state,
            _runtime: runtime,
        }
    }

    /// Every request so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.state.log.lock().unwrap().clone()
    }

    /// Requests the off-site server got.
    pub fn offsite_hits(&self) -> Vec<Hit> {
        self.offsite_state.log.lock().unwrap().clone()
    }

    /// Forgets the request log.
    pub fn clear_log(&self) {
        self.state.log.lock().unwrap().clear();
    }

    /// Changes the 2023 report.
    pub fn change_report(&self) {
        self.state.version.fetch_add(1, Ordering::SeqCst);
    }

    /// The host key of the site (`127.0.0.1:PORT`).
    pub fn host(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }
}

async fn serve(state: Arc<SiteState>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(handle).with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

const UTF8: &str = "text/html; charset=utf-8";
const GB: &str = "text/html; charset=gb2312";

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

/// The GBK page whose bytes are also checked by the tests.
pub fn report_2022() -> Vec<u8> {
    gbk(
        r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某区2022年政府信息公开工作年度报告</title></head><body>
<h1>某区2022年政府信息公开工作年度报告</h1><p>本报告由某区人民政府办公室编制。</p>
<p>附件：<a href="/files/2022nb.docx">2022年年报全文.docx</a></p></body></html>"#,
    )
}

/// The bytes of the DOCX-only 2021 report.
pub const DOCX_2021: &[u8] = b"PK\x03\x04 fake docx of 2021";
/// The 2023 report's PDF.
pub const PDF_2023: &[u8] = b"%PDF-1.4 fake pdf of 2023";
/// The 2022 report's DOCX.
pub const DOCX_2022: &[u8] = b"PK\x03\x04 fake docx of 2022";
/// The 2015 report's spreadsheet.
pub const XLS_2015: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 fake xls";

fn report_2023(version: u32) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>某区2023年度政府信息公开工作年度报告</title></head>
<body><h1>某区2023年度政府信息公开工作年度报告</h1><p>版本 {version}</p>
<a href="javascript:void(0)" onclick="window.open('/files/2023nb.pdf')">下载附件</a></body></html>"#
    )
}

fn simple_report(year: u32) -> String {
    format!(
        r#"<html><head><meta charset="utf-8"><title>某区{year}年政府信息公开年报</title></head>
<body><h1>某区{year}年政府信息公开年报</h1><p>正文。</p></body></html>"#
    )
}

async fn handle(State(state): State<Arc<SiteState>>, request: Request) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let headers = request.headers().clone();
    state.log.lock().unwrap().push(Hit {
        path: path.clone(),
        at: state.start.elapsed(),
        headers: headers.clone(),
    });
    let count = {
        let mut counts = state.counts.lock().unwrap();
        let c = counts.entry(path.clone()).or_insert(0);
        *c += 1;
        *c
    };
    let offsite = state.offsite.lock().unwrap().clone();
    let page = |ct: &str, body: Vec<u8>| plain(StatusCode::OK, ct, body);
    let doc = |ct: &str, body: Vec<u8>| conditional(&headers, ct, body);
    match path.as_str() {
        "/robots.txt" => page("text/plain", b"User-agent: *\nDisallow: /private/\n".to_vec()),
        "/" | "/index.html" => page(
            UTF8,
            format!(
                r#"<html><head><meta charset="utf-8"><title>某区人民政府</title></head><body>
<a href="/xwzx/index.html">新闻中心</a> <a href="/zwgk/index.html">政务公开</a>
<a href="{offsite}/zwgk/index.html">上级政府信息公开</a></body></html>"#
            )
            .into_bytes(),
        ),
        "/zwgk/index.html" => page(
            GB,
            gbk(r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>政务公开</title></head><body>
<a href="/zwgk/zfxxgknb/index.html">政府信息公开年报</a> <a href="/zwgk/xxgkzn/index.html">政府信息公开指南</a>
<a href="/private/nb.html">2023年政府信息公开年报（内部稿）</a></body></html>"#),
        ),
        "/zwgk/xxgkzn/index.html" => page(GB, gbk("<html><head><title>政府信息公开指南</title></head><body><p>指南</p></body></html>")),
        "/zwgk/zfxxgknb/index.html" => page(
            GB,
            gbk(r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>政府信息公开年报</title></head><body><ul>
<li><a href="./202403/t20240301_1.html">某区2023年度政府信息公开工作年度报告</a></li>
<li><a href="./202303/t20230301_2.html">某区2022年政府信息公开工作年度报告</a></li>
<li><a href="/files/2021nb.docx">某区2021年度政府信息公开工作年度报告</a></li>
<li><a href="old.html">某区2020年政府信息公开年报</a></li>
<li><a href="missing.html">某区2019年政府信息公开年报</a></li>
</ul><a href="index_1.html">下一页</a>
<script>createPageHTML(3, 0, "index", "html");</script></body></html>"#),
        ),
        "/zwgk/zfxxgknb/index_1.html" => page(
            GB,
            gbk(r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>政府信息公开年报</title></head><body><ul>
<li><a href="flaky.html">某区2018年政府信息公开年报</a></li>
<li><a href="limited.html">某区2017年政府信息公开年报</a></li>
<li><a href="slow.html">某区2016年政府信息公开年报</a></li>
</ul><a href="index.html">上一页</a><a href="index_2.html">下一页</a></body></html>"#),
        ),
        "/zwgk/zfxxgknb/index_2.html" => page(
            GB,
            gbk(r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>政府信息公开年报</title></head><body>
<div id="list"></div><script type="text/xml"><datastore><recordset>
<record><![CDATA[<li><a href="/art/2016/3/1/art_1_5.html" title="某区2015年政府信息公开年报">某区2015年政府信息公开年报</a></li>]]></record>
</recordset></datastore></script><a href="index_1.html">上一页</a></body></html>"#),
        ),
        "/zwgk/zfxxgknb/202403/t20240301_1.html" => {
            doc(UTF8, report_2023(state.version.load(Ordering::SeqCst)).into_bytes())
        }
        "/zwgk/zfxxgknb/202303/t20230301_2.html" => doc(GB, report_2022()),
        "/zwgk/zfxxgknb/old.html" => {
            let mut r = plain(StatusCode::MOVED_PERMANENTLY, UTF8, Vec::new());
            r.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/zwgk/zfxxgknb/202103/t20210301_4.html"));
            r
        }
        "/zwgk/zfxxgknb/202103/t20210301_4.html" => doc(UTF8, simple_report(2020).into_bytes()),
        "/zwgk/zfxxgknb/flaky.html" if count == 1 => plain(StatusCode::SERVICE_UNAVAILABLE, UTF8, b"busy".to_vec()),
        "/zwgk/zfxxgknb/flaky.html" => doc(UTF8, simple_report(2018).into_bytes()),
        "/zwgk/zfxxgknb/limited.html" if count == 1 => {
            let mut r = plain(StatusCode::TOO_MANY_REQUESTS, UTF8, b"slow down".to_vec());
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
        "/zwgk/zfxxgknb/limited.html" => doc(UTF8, simple_report(2017).into_bytes()),
        "/zwgk/zfxxgknb/slow.html" => {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            doc(UTF8, simple_report(2016).into_bytes())
        }
        "/art/2016/3/1/art_1_5.html" => doc(
            UTF8,
            r#"<html><head><meta charset="utf-8"><title>某区2015年政府信息公开年报</title></head><body>
<p>见附件。</p><a href="/download?id=7">附件：2015年报表.xls</a></body></html>"#
                .as_bytes()
                .to_vec(),
        ),
        "/files/2023nb.pdf" => doc("application/pdf", PDF_2023.to_vec()),
        "/files/2022nb.docx" => doc("application/octet-stream", DOCX_2022.to_vec()),
        "/files/2021nb.docx" => doc(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DOCX_2021.to_vec(),
        ),
        "/download?id=7" => doc("application/octet-stream", XLS_2015.to_vec()),
        _ => plain(StatusCode::NOT_FOUND, UTF8, b"<html><title>404</title></html>".to_vec()),
    }
}

fn plain(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap(),
    );
    r
}

/// A document with validators, answering `If-None-Match` with 304.
fn conditional(headers: &HeaderMap, content_type: &str, body: Vec<u8>) -> Response {
    let etag = format!(
        "\"{:x}\"",
        body.iter()
            .fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(*b))
                .wrapping_mul(0x100000001b3))
    );
    let modified = "Wed, 01 May 2024 08:00:00 GMT";
    let status = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut r = plain(
        status,
        content_type,
        if status == StatusCode::OK {
            body
        } else {
            Vec::new()
        },
    );
    r.headers_mut()
        .insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
    r.headers_mut()
        .insert(header::LAST_MODIFIED, HeaderValue::from_static(modified));
    r
}
