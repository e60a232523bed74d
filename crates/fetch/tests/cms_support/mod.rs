//! Loopback imitations of the CMS families of `nianbao_fetch::listing`, one site per family.
//!
//! Every site has one column of [`ITEMS`] items, [`PER_PAGE`] a page, and serves its column page
//! (a shell, or the first page) and its list API the way the real platform does. The API
//! answers 400 when a request lacks what the real one needs (the form fields of a Hanweb proxy,
//! the unit of a jpaas build, the SID of gkmlpt, …), so a request the adapter gets wrong fails
//! the test instead of quietly returning nothing. Every request is logged.
//!
//! For `nianbao crawl SITE_ROOT`, every site also has a root page `/` (a news link the crawl must
//! leave alone, the report column under 政府信息公开年报, two report links that are gone: a soft
//! 404 and a refresh stub to the root, and an old address whose refresh stub leads to the first
//! report), and its items: odd items are report pages (the GBK sample report of `samples/`,
//! retitled), even ones notices.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::Response;

/// Items in each site's column.
pub const ITEMS: u32 = 7;
/// Items a list page holds.
pub const PER_PAGE: u32 = 3;

/// The CMS families imitated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Hanweb jpage: `<datastore>` + `POST dataproxy.jsp`.
    HanwebJpage,
    /// Hanweb `col/colNNN/index.html?uid=…&pageNum=N`.
    HanwebCol,
    /// TRS `index.html`, `index_1.html`, … with `createPageHTML`.
    Trs,
    /// 开普云 jpaas build unit.
    Jpaas,
    /// Guangdong gkmlpt.
    Gkmlpt,
    /// Fujian `fjdzapp/search`.
    Fujian,
    /// Anhui `site/label/8888`.
    Anhui,
}

impl Family {
    /// The column page's path and query.
    pub fn column(self) -> &'static str {
        match self {
            Family::HanwebJpage => "/col/col77278/index.html",
            Family::HanwebCol => "/col/col1229104851/index.html",
            Family::Trs => "/zwgk/gknb/index.html",
            Family::Jpaas => "/col/col1229/index.html",
            Family::Gkmlpt => "/gkmlpt/index",
            Family::Fujian => "/zwgk/zfxxgknb/",
            Family::Anhui => "/public/column/21731?type=4&action=list&nav=3&catId=32710511",
        }
    }

    /// The path of item `i` (1-based).
    pub fn item_path(self, i: u32) -> String {
        match self {
            Family::HanwebJpage => format!("/art/2024/1/{i}/art_77278_{}.html", 1000 + i),
            Family::HanwebCol => format!("/art/2024/1/{i}/art_1229104851_{}.html", 2000 + i),
            Family::Trs => format!("/zwgk/gknb/202401/t202401{i:02}_{}.html", 3000 + i),
            Family::Jpaas => format!("/art/2024/1/{i}/art_1229_{}.html", 4000 + i),
            Family::Gkmlpt => format!("/gkmlpt/content/0/963/post_{}.html", 5000 + i),
            Family::Fujian => format!("/zwgk/zfxxgknb/202401/t202401{i:02}_{}.htm", 6000 + i),
            Family::Anhui => format!("/public/21731/{}.html", 7000 + i),
        }
    }
}

/// The title of item `i`: odd items are reports, even ones notices (which the list also holds).
pub fn item_title(i: u32) -> String {
    if i % 2 == 1 {
        format!("某县{}年政府信息公开工作年度报告", 2024 - i)
    } else {
        format!("关于第{i}批事项的通知")
    }
}

fn item_date(i: u32) -> String {
    format!("2024-01-{i:02}")
}

/// The path of the root's link to a removed report (a 200 saying 页面不存在).
pub const SOFT_404: &str = "/zwgk/2018nb.html";
/// The path of the root's link to a report moved away (a refresh stub to the root).
pub const REFRESH_STUB: &str = "/zwgk/2017nb.html";

/// The path of the root's link to a report's old address (a refresh stub to item 1).
pub const MOVED: &str = "/zwgk/2023nb.html";

/// The GBK sample report whose title each report item takes.
const SAMPLE: &[u8] = include_bytes!("../../../../samples/county-2023-v2021.html");
const SAMPLE_TITLE: &str = "示例县人民政府2023年政府信息公开工作年度报告";

/// The page of item `i`: the sample report (GBK) retitled for an odd item, a notice otherwise.
fn item_page(i: u32) -> (StatusCode, &'static str, Vec<u8>) {
    if i % 2 == 1 {
        let (text, _, _) = encoding_rs::GBK.decode(SAMPLE);
        let text = text.replace(SAMPLE_TITLE, &item_title(i));
        let bytes = encoding_rs::GBK.encode(&text).0.into_owned();
        return (StatusCode::OK, "text/html; charset=gb2312", bytes);
    }
    let body = format!(
        r#"<html><head><title>{t}</title></head><body><h1>{t}</h1><p>各有关单位：现将有关事项通知如下。</p><a href="/">首页</a></body></html>"#,
        t = item_title(i)
    );
    (StatusCode::OK, HTML, body.into_bytes())
}

/// The pages every site has besides its listing: the root, the items, the removed reports.
fn common(family: Family, r: &Req<'_>) -> Option<(StatusCode, &'static str, Vec<u8>)> {
    if *r.method != Method::GET {
        return None;
    }
    if let Some(i) = (1..=ITEMS).find(|&i| family.item_path(i) == r.path) {
        return Some(item_page(i));
    }
    let column = family.column().replace('&', "&amp;");
    let body = match r.path {
        "/" => format!(
            r#"<html><head><title>某县人民政府</title></head><body>
<div class="nav"><a href="/xwzx/index.html">新闻中心</a> <a href="{column}">政府信息公开年报</a></div>
<ul><li><a href="{SOFT_404}">某县2018年政府信息公开工作年度报告</a></li>
<li><a href="{REFRESH_STUB}">某县2017年政府信息公开工作年度报告</a></li>
<li><a href="{MOVED}">某县2023年政府信息公开工作年度报告</a></li></ul></body></html>"#
        ),
        SOFT_404 => "<html><head><title>提示信息</title></head><body><p>对不起，您访问的页面不存在或已被删除！</p><a href=\"/\">返回首页</a></body></html>".to_string(),
        REFRESH_STUB => "<html><head><meta http-equiv=\"refresh\" content=\"0;url=/\"></head><body></body></html>".to_string(),
        MOVED => format!(
            r#"<html><head><meta http-equiv="refresh" content="0; url={}"></head><body></body></html>"#,
            family.item_path(1)
        ),
        _ => return None,
    };
    Some((StatusCode::OK, HTML, body.into_bytes()))
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// `GET` or `POST`.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The request body.
    pub body: String,
    /// The status answered.
    pub status: u16,
}

/// A running imitation site.
pub struct Site {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    state: Arc<SiteState>,
    _runtime: tokio::runtime::Runtime,
}

struct SiteState {
    family: Family,
    /// The site's robots.txt (a 404 when `None`).
    robots: Option<&'static str>,
    log: Mutex<Vec<Hit>>,
}

impl Site {
    /// Starts the site of a family on loopback.
    pub fn start(family: Family) -> Site {
        Site::with_robots(family, None)
    }

    /// Starts the site of a family on loopback, with a robots.txt when one is given.
    pub fn with_robots(family: Family, robots: Option<&'static str>) -> Site {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let state = Arc::new(SiteState {
            family,
            robots,
            log: Mutex::new(Vec::new()),
        });
        let addr = runtime.block_on(serve(state.clone()));
        Site {
            base: format!("http://127.0.0.1:{}", addr.port()),
            state,
            _runtime: runtime,
        }
    }

    /// Every request so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.state.log.lock().unwrap().clone()
    }

    /// The column page's URL.
    pub fn column_url(&self) -> String {
        format!("{}{}", self.base, self.state.family.column())
    }

    /// Every item URL of the column.
    pub fn item_urls(&self) -> Vec<String> {
        (1..=ITEMS)
            .map(|i| format!("{}{}", self.base, self.state.family.item_path(i)))
            .collect()
    }
}

async fn serve(state: Arc<SiteState>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(handle).with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// An answer: status, content type, body.
type Answer = (StatusCode, &'static str, String);

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";
const XML: &str = "text/xml; charset=utf-8";

fn bad(why: &str) -> Answer {
    (StatusCode::BAD_REQUEST, "text/plain", why.to_string())
}

fn not_found() -> Answer {
    (StatusCode::NOT_FOUND, "text/plain", "not found".into())
}

async fn handle(State(state): State<Arc<SiteState>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let query = pairs(request.uri().query().unwrap_or_default());
    let body = to_bytes(request.into_body(), 1 << 20)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let form = pairs(&body);
    let req = Req {
        method: &method,
        path: &path,
        query: &query,
        form: &form,
    };
    let robots = state
        .robots
        .filter(|_| path == "/robots.txt")
        .map(|robots| (StatusCode::OK, "text/plain", robots.as_bytes().to_vec()));
    let (status, content_type, text) = robots
        .or_else(|| common(state.family, &req))
        .unwrap_or_else(|| {
            let (status, content_type, text) = answer(state.family, &req);
            (status, content_type, text.into_bytes())
        });
    state.log.lock().unwrap().push(Hit {
        method: method.to_string(),
        path: path_and_query,
        body,
        status: status.as_u16(),
    });
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(text))
        .unwrap()
}

fn pairs(s: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(s.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

struct Req<'a> {
    method: &'a Method,
    path: &'a str,
    query: &'a [(String, String)],
    form: &'a [(String, String)],
}

impl Req<'_> {
    fn q(&self, k: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }

    fn f(&self, k: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }

    fn q_num(&self, k: &str) -> Option<u32> {
        self.q(k)?.parse().ok()
    }
}

/// Items `from..=to` (1-based, clipped to the column).
fn range(from: u32, to: u32) -> impl Iterator<Item = u32> {
    from.max(1)..=to.min(ITEMS)
}

/// Page `n` (1-based) of the column.
fn page_items(n: u32) -> impl Iterator<Item = u32> {
    range((n - 1) * PER_PAGE + 1, n * PER_PAGE)
}

fn pages() -> u32 {
    ITEMS.div_ceil(PER_PAGE)
}

fn li(family: Family, i: u32) -> String {
    format!(
        r#"<li><a href="{}" target="_blank" title="{t}">{t}</a><span class="date">{}</span></li>"#,
        family.item_path(i),
        item_date(i),
        t = item_title(i)
    )
}

fn answer(family: Family, r: &Req<'_>) -> Answer {
    let get = *r.method == Method::GET;
    let post = *r.method == Method::POST;
    match family {
        Family::HanwebJpage => hanweb_jpage(r, get, post),
        Family::HanwebCol => hanweb_col(r, get),
        Family::Trs => trs(r, get),
        Family::Jpaas => jpaas(r, get),
        Family::Gkmlpt => gkmlpt(r, get),
        Family::Fujian => fujian(r, get, post),
        Family::Anhui => anhui(r, get),
    }
}

fn records(family: Family, items: impl Iterator<Item = u32>) -> String {
    items
        .map(|i| format!("<record><![CDATA[\n{}\n]]></record>\n", li(family, i)))
        .collect()
}

fn hanweb_jpage(r: &Req<'_>, get: bool, post: bool) -> Answer {
    let f = Family::HanwebJpage;
    if get && r.path == f.column() {
        let body = format!(
            r#"<html><head><title>政府信息公开年报</title></head><body><div class="nav"><a href="/">首页</a></div>
<div id="303271"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=67&path=/&columnid=77278&unitid=303271&webname=%E6%9F%90%E5%8E%BF&permissiontype=0"></a>]]></nextgroup>
<recordset>
{}</recordset></datastore></script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>$(document).ready(function(){{ $('#303271').jpage({{ dataStore: dataStore, proxyUrl:'/module/web/jpage/dataproxy.jsp',
 totalRecord:{ITEMS}, perPage:{PER_PAGE}, groupSize:1, barPosition:'bottom',
 ajaxParam:{{col:1,appid:1,webid:67,path:'/',columnid:77278,sourceContentType:1,unitid:303271,webname:'某县',permissiontype:0}} }}); }});</script>
</body></html>"#,
            records(f, page_items(1))
        );
        return (StatusCode::OK, HTML, body);
    }
    if r.path == "/module/web/jpage/dataproxy.jsp" {
        if !post {
            return bad("POST only");
        }
        if r.f("columnid") != Some("77278")
            || r.f("unitid") != Some("303271")
            || r.f("webid") != Some("67")
        {
            return bad("columnid, unitid and webid required");
        }
        let (Some(start), Some(end), Some(_)) = (
            r.q_num("startrecord"),
            r.q_num("endrecord"),
            r.q_num("perpage"),
        ) else {
            return bad("startrecord, endrecord and perpage required");
        };
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><datastore><totalrecord>{ITEMS}</totalrecord><totalpage>{}</totalpage><recordset>\n{}</recordset></datastore>",
            pages(),
            records(f, range(start, end))
        );
        return (StatusCode::OK, XML, body);
    }
    not_found()
}

fn hanweb_col(r: &Req<'_>, get: bool) -> Answer {
    let f = Family::HanwebCol;
    if !(get && r.path == f.column()) {
        return not_found();
    }
    let n = match r.q("pageNum") {
        None => 1,
        Some(p) => match (r.q("uid"), p.parse::<u32>()) {
            (Some("423656"), Ok(n)) if (1..=pages()).contains(&n) => n,
            _ => return bad("uid and a page number required"),
        },
    };
    let list: String = page_items(n).map(|i| li(f, i)).collect();
    let pager: String = (1..=pages())
        .map(|p| {
            format!(
                r#"<a href="{}?uid=423656&amp;pageNum={p}">{p}</a> "#,
                f.column()
            )
        })
        .collect();
    let body = format!(
        r#"<html><head><title>政府信息公开年报</title></head><body>
<div class="side"><a href="/art/2024/2/1/art_1_1.html">要闻：某某会议召开</a></div>
<div id="423656"><ul>{list}</ul><div class="page">{pager} 共{}页</div></div></body></html>"#,
        pages()
    );
    (StatusCode::OK, HTML, body)
}

fn trs(r: &Req<'_>, get: bool) -> Answer {
    let n = match r.path {
        "/zwgk/gknb/index.html" => 1,
        p => match p
            .strip_prefix("/zwgk/gknb/index_")
            .and_then(|s| s.strip_suffix(".html"))
            .and_then(|s| s.parse::<u32>().ok())
        {
            Some(k) if k < pages() => k + 1,
            _ => return not_found(),
        },
    };
    if !get {
        return bad("GET only");
    }
    let list: String = page_items(n)
        .map(|i| {
            format!(
                r#"<li><a href="./202401/t202401{i:02}_{}.html" title="{t}">{t}</a><span>{}</span></li>"#,
                3000 + i,
                item_date(i),
                t = item_title(i)
            )
        })
        .collect();
    let body = format!(
        r#"<html><head><title>政府信息公开年报</title></head><body><a href="../../">首页</a>
<ul class="list">{list}</ul>
<script>createPageHTML({}, {}, "index", "html");</script></body></html>"#,
        pages(),
        n - 1
    );
    (StatusCode::OK, HTML, body)
}

fn jpaas(r: &Req<'_>, get: bool) -> Answer {
    let f = Family::Jpaas;
    if get && r.path == f.column() {
        let body = r#"<html><head><title>政府信息公开年报</title></head><body><div class="head"><a href="/">首页</a></div>
<script src="/AuthorizedRead/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
 queryData="{'tplSetId':'LmNssD6Eo0DO7Gf77breT','pageType':'column','tagId':'当前栏目list','editType':'null','pageId':'1229','webId':'NuQPpnZycKgxHWRPidPDl'}"></script>
</body></html>"#;
        return (StatusCode::OK, HTML, body.to_string());
    }
    if r.path != "/api-gateway/jpaas-publish-server/front/page/build/unit" {
        return not_found();
    }
    if !get {
        return bad("GET only");
    }
    if r.q("webId") != Some("NuQPpnZycKgxHWRPidPDl")
        || r.q("pageId") != Some("1229")
        || r.q("tplSetId").is_none()
        || r.q("tagId") != Some("当前栏目list")
    {
        return bad("unit parameters required");
    }
    let (n, size) = match r.q("paramJson") {
        None => (1, PER_PAGE),
        Some(p) => {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(p) else {
                return bad("paramJson is JSON");
            };
            match (v["pageNo"].as_u64(), v["pageSize"].as_u64()) {
                (Some(n), Some(s)) if n >= 1 && s as u32 == PER_PAGE => (n as u32, s as u32),
                _ => return bad("pageNo and pageSize required"),
            }
        }
    };
    let list: String = range((n - 1) * size + 1, n * size)
        .map(|i| li(Family::Jpaas, i))
        .collect();
    let html = format!(
        r#"<ul class="list">{list}</ul><div class="pagination" rows="{PER_PAGE}" count="{ITEMS}"><a href="javascript:;" data-page="2">2</a><a href="javascript:;">下一页</a></div>"#
    );
    let body = serde_json::json!({"success": true, "code": "200", "data": {"html": html}});
    (StatusCode::OK, JSON, body.to_string())
}

fn gkmlpt(r: &Req<'_>, get: bool) -> Answer {
    let f = Family::Gkmlpt;
    if get && r.path == f.column() {
        let body = r#"<!DOCTYPE html><html><head><title>政府信息公开目录</title><script>
window._CONFIG = { SID: '755041', SITE_NAME: '某区',
  TREE: [{"id":20760,"name":"法定主动公开内容","children":[{"id":20765,"name":"政府信息公开年报","children":[]},{"id":20766,"name":"部门预决算","children":[]}]}],
  SERVICE_AREA_ID: 440310 };
</script><script src="/gkmlpt/gkml/pc/js/chunk-common.js"></script></head><body><div id="app"></div></body></html>"#;
        return (StatusCode::OK, HTML, body.to_string());
    }
    if r.path == "/gkmlpt/api/all/20766" {
        return (StatusCode::OK, JSON, r#"{"total":0,"articles":[]}"#.into());
    }
    if r.path != "/gkmlpt/api/all/20765" {
        return not_found();
    }
    if !get || r.q("sid") != Some("755041") {
        return bad("GET with sid required");
    }
    let Some(n) = r.q_num("page").filter(|&n| n >= 1) else {
        return bad("page required");
    };
    let articles: Vec<serde_json::Value> = page_items(n)
        .map(|i| {
            serde_json::json!({"id": 5000 + i, "title": item_title(i), "url": f.item_path(i),
                "created_at": format!("{} 10:00:00", item_date(i))})
        })
        .collect();
    let body = serde_json::json!({"classify": {"id": 20765, "post_count": ITEMS}, "total": ITEMS, "articles": articles});
    (StatusCode::OK, JSON, body.to_string())
}

fn fujian(r: &Req<'_>, get: bool, post: bool) -> Answer {
    let f = Family::Fujian;
    if get && r.path == f.column() {
        let body = format!(
            r#"<html><head><title>政府信息公开年报</title></head><body><ul id="list"></ul><div id="page"></div>
<script>
  var pageConfig = {{ recordCount: '{ITEMS}' }};
  $.ajax({{ url: '/fjdzapp/search', type: 'POST', dataType: 'json',
    data: {{ channelid: '229105', sortfield: '-docorderpri,-docreltime', classsql: 'chnlid=39794',
            classcol: 'publishyear', classnum: '100', classsort: '0', cache: 'true', page: 1, prepage: {PER_PAGE} }} }});
</script></body></html>"#
        );
        return (StatusCode::OK, HTML, body);
    }
    if r.path != "/fjdzapp/search" {
        return not_found();
    }
    if !post || r.f("channelid") != Some("229105") || r.f("classsql") != Some("chnlid=39794") {
        return bad("POST with channelid and classsql required");
    }
    let (Some(n), Some(size)) = (
        r.f("page").and_then(|p| p.parse::<u32>().ok()),
        r.f("prepage").and_then(|p| p.parse::<u32>().ok()),
    ) else {
        return bad("page and prepage required");
    };
    let docs: Vec<serde_json::Value> = range((n - 1) * size + 1, n * size)
        .map(|i| {
            serde_json::json!({"doctitle": item_title(i), "docpuburl": f.item_path(i),
                "chnldocurl": format!("./202401/t202401{i:02}_{}.htm", 6000 + i),
                "docreltime": format!("{} 09:30:00", item_date(i))})
        })
        .collect();
    let body = serde_json::json!({"data": docs, "pageCount": ITEMS.div_ceil(size), "total": ITEMS});
    (StatusCode::OK, JSON, body.to_string())
}

fn anhui(r: &Req<'_>, get: bool) -> Answer {
    let f = Family::Anhui;
    if get && r.path == "/public/column/21731" {
        let body = r##"<html><head><title>政府信息公开年报_某县人民政府</title></head><body><div id="xxgk_lmcon"></div>
<script>$(function () { $("#xxgk_lmcon").load("/site/label/8888?IsAjax=1&dataType=html&_=0.38935&labelName=publicInfoList&siteId=6788721&pageSize=3&pageIndex=1&action=list&isDate=true&dateFormat=yyyy-MM-dd&length=80&organId=21731&type=4&catIds=&cId=&result=%E6%9A%82%E6%97%A0&file=%2Fxxgk%2FpublicInfoList_newest2020&catId=32710511"); });</script>
</body></html>"##;
        return (StatusCode::OK, HTML, body.to_string());
    }
    if r.path != "/site/label/8888" {
        return not_found();
    }
    if !get
        || r.q("labelName") != Some("publicInfoList")
        || r.q("catId") != Some("32710511")
        || r.q("organId") != Some("21731")
    {
        return bad("GET with labelName, catId and organId required");
    }
    let Some(n) = r.q_num("pageIndex").filter(|&n| n >= 1) else {
        return bad("pageIndex required");
    };
    let list: String = page_items(n).map(|i| li(f, i)).collect();
    let body = format!(
        r#"<ul class="clearfix xxgk_nav_list">{list}</ul><div class="pagination"><a href="javascript:void(0)" onclick="pageIndex({})">下一页</a> 共 {} 页</div>"#,
        n + 1,
        pages()
    );
    (StatusCode::OK, HTML, body)
}
