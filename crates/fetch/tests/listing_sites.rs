//! The CMS list adapters against loopback imitations of each family (tests/cms_support): the
//! column page is fetched, the adapter's requests are sent as HTTP (GET query, POST form) to a
//! server that refuses malformed ones, their answers are parsed, and the requests they ask for
//! are followed until none is left. Every item of the column must be found, each once, with its
//! title and date, and no request beyond the listing's pages may be made. Nothing leaves
//! 127.0.0.1.

mod cms_support;

use std::collections::{HashSet, VecDeque};

use cms_support::{item_title, Family, Site, ITEMS};
use nianbao_fetch::listing::{self, AdapterName, ListItem, Method};
use url::Url;

/// What walking a listing did.
struct Walk {
    adapter: AdapterName,
    items: Vec<ListItem>,
    requests: usize,
}

/// Fetches the column page and follows the adapter's requests, as the crawl loop will.
fn walk(site: &Site) -> Walk {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let column = Url::parse(&site.column_url()).unwrap();
        let html = client
            .get(column.clone())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let (adapter, first) = listing::detect(&column, &html).expect("a CMS listing");
        let mut items = first.items;
        let mut queue: VecDeque<_> = first.next.into();
        let mut seen = HashSet::new();
        let mut requests = 0;
        while let Some(request) = queue.pop_front() {
            if !seen.insert(request.key()) {
                continue;
            }
            assert!(requests < 50, "runaway listing");
            requests += 1;
            let builder = match request.method {
                Method::Get => client.get(request.url.clone()),
                Method::Post => client
                    .post(request.url.clone())
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded; charset=UTF-8",
                    )
                    .body(request.body()),
            };
            let response = builder
                .header(reqwest::header::REFERER, request.column.as_str())
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            assert!(
                status.is_success(),
                "{} {}: {status} {body}",
                request.method.as_str(),
                request.url
            );
            let page = listing::parse(&request, &body);
            items.extend(page.items);
            queue.extend(page.next);
        }
        Walk {
            adapter,
            items,
            requests,
        }
    })
}

/// Walks a family's site and checks the items and the number of list requests.
fn check(family: Family, adapter: AdapterName, requests: usize, dated: bool) {
    let site = Site::start(family);
    let walk = walk(&site);
    assert_eq!(walk.adapter, adapter);
    let urls: Vec<String> = walk.items.iter().map(|i| i.url.to_string()).collect();
    assert_eq!(
        urls,
        site.item_urls(),
        "{family:?}: every item, once, in list order"
    );
    for (i, item) in (1..=ITEMS).zip(&walk.items) {
        assert_eq!(item.title, item_title(i), "{family:?}");
        if dated {
            assert_eq!(
                item.date.as_deref(),
                Some(format!("2024-01-{i:02}").as_str())
            );
        }
    }
    assert_eq!(walk.requests, requests, "{family:?}: list requests");
    let hits = site.hits();
    assert!(
        hits.iter().all(|h| h.status == 200),
        "{family:?}: {hits:#?}"
    );
    assert_eq!(
        hits.len(),
        requests + 1,
        "{family:?}: the column page and the list requests"
    );
}

#[test]
fn hanweb_jpage_site() {
    check(Family::HanwebJpage, AdapterName::HanwebJpage, 2, true);
    let site = Site::start(Family::HanwebJpage);
    walk(&site);
    let posts: Vec<_> = site
        .hits()
        .into_iter()
        .filter(|h| h.method == "POST")
        .collect();
    assert_eq!(
        posts[0].path,
        "/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3"
    );
    assert!(
        posts[0].body.contains("columnid=77278")
            && posts[0].body.contains("webname=%E6%9F%90%E5%8E%BF")
    );
}

#[test]
fn hanweb_col_site() {
    check(Family::HanwebCol, AdapterName::HanwebCol, 2, true);
}

#[test]
fn trs_site() {
    check(Family::Trs, AdapterName::Trs, 2, true);
}

#[test]
fn jpaas_site() {
    check(Family::Jpaas, AdapterName::Jpaas, 3, true);
}

#[test]
fn gkmlpt_site() {
    check(Family::Gkmlpt, AdapterName::Gkmlpt, 3, true);
}

#[test]
fn fujian_site() {
    check(Family::Fujian, AdapterName::Fujian, 3, true);
    let site = Site::start(Family::Fujian);
    walk(&site);
    let pages: Vec<_> = site
        .hits()
        .into_iter()
        .filter(|h| h.method == "POST")
        .map(|h| h.body)
        .collect();
    assert_eq!(pages.len(), 3);
    assert!(pages[2].ends_with("&page=3&prepage=3"), "{}", pages[2]);
}

#[test]
fn anhui_site() {
    check(Family::Anhui, AdapterName::Anhui, 3, true);
}
