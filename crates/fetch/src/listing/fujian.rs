//! The Fujian provincial site platform (福建省政府网站集约化平台, TRS-based).
//!
//! A column page's script sends `POST /fjdzapp/search` with the form
//! `channelid=229105&sortfield=-docorderpri,-docreltime&classsql=chnlid=4910&classcol=publishyear&classnum=100&classsort=0&cache=true&page=N&prepage=M`
//! and announces the item count (`recordCount: '123'`). The answer is JSON,
//! `{"data":[{"doctitle":…,"docpuburl":…,"chnldocurl":…,"docreltime":"2024-01-20 10:00:00"}],"pageCount":9,"total":123}`
//! (some versions name the list `docs`).
//!
//! The column page asks for every page at once when it announces its count; otherwise page 1's
//! answer asks for the rest.

use serde_json::Value;
use url::Url;

use super::{
    around, date_in, item_url, pages_for, script_number, script_params, AdapterName, ListAdapter,
    ListItem, ListPage, ListRequest, Method,
};

/// The search channel every Fujian site uses for its columns, when the page does not name one.
const DEFAULT_CHANNEL: &str = "229105";

/// Items per page when the page does not say.
const DEFAULT_PER_PAGE: u32 = 15;

/// The form fields of a search, in the order the page's script sends them (`page` and `prepage`
/// follow).
const FIELDS: [&str; 7] = [
    "channelid",
    "sortfield",
    "classsql",
    "classcol",
    "classnum",
    "classsort",
    "cache",
];

/// Fujian `fjdzapp/search` columns.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fujian;

impl ListAdapter for Fujian {
    fn name(&self) -> AdapterName {
        AdapterName::Fujian
    }

    fn detect(&self, page_url: &Url, html: &str) -> Option<ListPage> {
        let at = html.find("fjdzapp/search")?;
        let near = around(html, at, 4000);
        let mut form = script_params(near, &FIELDS);
        form.retain(|(k, v)| k != "classsql" || v.chars().any(|c| c.is_ascii_digit()));
        if !form.iter().any(|(k, _)| k == "classsql") {
            let chnlid = script_params(near, &["chnlid", "chnlId", "channelId"])
                .into_iter()
                .find(|(_, v)| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()));
            let Some((_, chnlid)) = chnlid else {
                return Some(ListPage::default());
            };
            form.push(("classsql".into(), format!("chnlid={chnlid}")));
        }
        if !form.iter().any(|(k, _)| k == "channelid") {
            form.insert(0, ("channelid".into(), DEFAULT_CHANNEL.into()));
        }
        let per_page = script_number(near, &["prepage", "pageSize"])
            .filter(|&n| n > 0)
            .unwrap_or(DEFAULT_PER_PAGE);
        let total = script_number(html, &["recordCount", "totalCount"]);
        let search = page_url.join("/fjdzapp/search").ok()?;
        let mut column = page_url.clone();
        column.set_query(None);
        let first = request(&search, &column, &form, 1, per_page);
        let next = match total {
            Some(total) => (1..=pages_for(total, per_page))
                .map(|n| request(&search, &column, &form, n, per_page))
                .collect(),
            None => vec![first],
        };
        Some(ListPage {
            items: Vec::new(),
            next,
            total,
        })
    }

    fn parse(&self, request: &ListRequest, body: &str) -> ListPage {
        let Ok(json) = serde_json::from_str::<Value>(body) else {
            return ListPage::default();
        };
        let docs = json
            .get("docs")
            .or_else(|| json.get("data"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let items = docs
            .iter()
            .filter_map(|d| {
                let href = ["docpuburl", "chnldocurl", "url"]
                    .iter()
                    .find_map(|k| d.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))?;
                Some(ListItem {
                    url: item_url(&request.column, href)?,
                    title: d
                        .get("doctitle")
                        .and_then(Value::as_str)?
                        .trim()
                        .to_string(),
                    date: d
                        .get("docreltime")
                        .and_then(Value::as_str)
                        .and_then(date_in),
                })
            })
            .collect();
        let number = |k: &str| {
            json.get(k).and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    .and_then(|n| u32::try_from(n).ok())
            })
        };
        let total = number("total").or_else(|| number("recordCount"));
        let per_page = request
            .form_value("prepage")
            .and_then(|p| p.parse().ok())
            .unwrap_or(DEFAULT_PER_PAGE);
        let pages = number("pageCount").or_else(|| total.map(|t| pages_for(t, per_page)));
        let mut next = Vec::new();
        if let (1, Some(pages)) = (request.page, pages) {
            let mut search = request.url.clone();
            search.set_query(None);
            let fields: Vec<(String, String)> = request
                .form
                .iter()
                .filter(|(k, _)| k != "page" && k != "prepage")
                .cloned()
                .collect();
            for n in 2..=pages.min(super::MAX_LIST_PAGES) {
                next.push(self::request(
                    &search,
                    &request.column,
                    &fields,
                    n,
                    per_page,
                ));
            }
        }
        ListPage { items, next, total }
    }
}

fn request(
    search: &Url,
    column: &Url,
    fields: &[(String, String)],
    page: u32,
    per_page: u32,
) -> ListRequest {
    let mut form = fields.to_vec();
    form.push(("page".into(), page.to_string()));
    form.push(("prepage".into(), per_page.to_string()));
    ListRequest {
        adapter: AdapterName::Fujian,
        method: Method::Post,
        url: search.clone(),
        form,
        page,
        column: column.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::{detect, parse};

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    const SHELL: &str = r#"<html><head><title>政府信息公开年报</title></head><body>
<div class="list_base"><ul id="list"></ul><div id="page"></div></div>
<script>
  var pageConfig = { recordCount: '5', perPage: 2 };
  $.ajax({
    url: '/fjdzapp/search', type: 'POST', dataType: 'json',
    data: { channelid: '229105', sortfield: '-docorderpri,-docreltime', classsql: 'chnlid=39794',
            classcol: 'publishyear', classnum: '100', classsort: '0', cache: 'true', page: 1, prepage: 2 },
    success: function (res) { render(res.data); }
  });
</script></body></html>"#;

    fn form(req: &ListRequest) -> String {
        req.body()
    }

    #[test]
    fn fujian_shell_announces_every_page() {
        let col = url("http://www.sm.gov.cn/zw/zfxxgk/zfxxgknb/");
        let (name, page) = detect(&col, SHELL).expect("detected");
        assert_eq!(name, AdapterName::Fujian);
        assert_eq!(page.total, Some(5));
        assert_eq!(page.next.len(), 3);
        let req = &page.next[0];
        assert_eq!((req.method, req.page), (Method::Post, 1));
        assert_eq!(req.url.as_str(), "http://www.sm.gov.cn/fjdzapp/search");
        assert_eq!(
            form(req),
            "channelid=229105&sortfield=-docorderpri%2C-docreltime&classsql=chnlid%3D39794\
             &classcol=publishyear&classnum=100&classsort=0&cache=true&page=1&prepage=2"
        );
        assert_eq!(page.next[2].form_value("page"), Some("3"));
    }

    #[test]
    fn fujian_first_answer_asks_for_the_rest() {
        let html = SHELL
            .replace("recordCount: '5', ", "")
            .replace("classsql: 'chnlid=39794'", "classsql: 'chnlid=' + chnlid")
            .replace("var pageConfig", "var chnlid = '4910'; var pageConfig");
        let col = url("http://www.sm.gov.cn/zw/zfxxgk/zfxxgknb/");
        let page = Fujian.detect(&col, &html).unwrap();
        assert_eq!(page.next.len(), 1);
        let first = &page.next[0];
        assert_eq!(first.form_value("classsql"), Some("chnlid=4910"));
        let body = r#"{"data":[
            {"doctitle":"三明市2023年政府信息公开工作年度报告","docpuburl":"http://www.sm.gov.cn/zw/zfxxgk/zfxxgknb/202401/t20240118_1.htm","docreltime":"2024-01-18 10:00:00"},
            {"doctitle":"关于某某的通知","docpuburl":"","chnldocurl":"./202312/t20231201_2.htm","docreltime":"2023-12-01"}
          ],"pageCount":3,"total":5}"#;
        let answer = parse(first, body);
        assert_eq!(answer.items.len(), 2);
        assert_eq!(answer.items[0].date.as_deref(), Some("2024-01-18"));
        assert_eq!(
            answer.items[1].url.as_str(),
            "http://www.sm.gov.cn/zw/zfxxgk/zfxxgknb/202312/t20231201_2.htm"
        );
        assert_eq!(answer.total, Some(5));
        let pages: Vec<Option<&str>> = answer.next.iter().map(|r| r.form_value("page")).collect();
        assert_eq!(pages, [Some("2"), Some("3")]);
        assert_eq!(answer.next[1].form_value("classsql"), Some("chnlid=4910"));
        let last = parse(
            &answer.next[1],
            r#"{"docs":[{"doctitle":"x","docpuburl":"/a.htm"}],"pageCount":3}"#,
        );
        assert_eq!((last.items.len(), last.next.len()), (1, 0));
    }

    #[test]
    fn fujian_without_a_channel_asks_nothing() {
        let col = url("http://www.sm.gov.cn/x/");
        let page = Fujian
            .detect(&col, "<script>var api = '/fjdzapp/search';</script>")
            .unwrap();
        assert!(page.next.is_empty());
        assert!(Fujian.detect(&col, "<p>nothing</p>").is_none());
    }
}
