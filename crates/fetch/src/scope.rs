//! Which hosts a crawl may touch, and how hosts are keyed for politeness.
//!
//! A host key is the host name, plus the port when it is not the scheme's default
//! (`www.q.gov.cn`, `127.0.0.1:8080`): `http://` and `https://` on the default ports share one key,
//! hence one delay and one robots.txt. The start URLs' hosts are in scope; any other host only when
//! named with `--allow-host` (by name, or by `name:port`).

use std::collections::HashSet;

use url::Url;

/// The hosts a crawl may fetch from.
#[derive(Debug, Clone)]
pub struct Scope {
    allowed: HashSet<String>,
}

/// The politeness key of a URL's host, or `None` for a URL without a host or not HTTP(S).
pub fn host_key(url: &Url) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

impl Scope {
    /// The scope of a crawl from `seeds`, widened by `--allow-host` values.
    pub fn new<'a>(seeds: impl IntoIterator<Item = &'a Url>, allow_hosts: &[String]) -> Scope {
        let mut allowed: HashSet<String> = seeds.into_iter().filter_map(host_key).collect();
        allowed.extend(
            allow_hosts
                .iter()
                .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase()),
        );
        Scope { allowed }
    }

    /// The host key of `url` if the crawl may fetch it.
    pub fn admit(&self, url: &Url) -> Option<String> {
        let key = host_key(url)?;
        let name = url.host_str()?.to_ascii_lowercase();
        (self.allowed.contains(&key) || self.allowed.contains(&name)).then_some(key)
    }
}

/// Query keys that carry a session, not a page (compared case-insensitively; ASP's
/// `ASPSESSIONIDxxxx` by its prefix).
const SESSION_KEYS: [&str; 6] = [
    "jsessionid",
    "phpsessid",
    "sid",
    "sessionid",
    "session_id",
    "cfid",
];

/// The URL a link is known by: no fragment, no `;jsessionid=…` path parameter, no session query
/// keys (`jsessionid`, `phpsessid`, `sid`, …), the scheme's default port dropped (the `url` crate
/// already does), an empty query removed. Two links that differ only in those are one URL, so a
/// server that hands every visit a new session id cannot make the crawl walk in circles.
pub fn normalize(url: &Url) -> Url {
    let mut out = url.clone();
    out.set_fragment(None);
    let path = url.path();
    if let Some(at) = path.to_ascii_lowercase().find(";jsessionid=") {
        let end = path[at + 1..]
            .find(['/', ';'])
            .map_or(path.len(), |i| at + 1 + i);
        let cleaned = format!("{}{}", &path[..at], &path[end..]);
        out.set_path(&cleaned);
    }
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !(SESSION_KEYS.contains(&k.as_str()) || k.starts_with("aspsessionid"))
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            out.set_query(None);
        } else if kept.len() != url.query_pairs().count() {
            out.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_fragments_and_default_ports_are_dropped() {
        let n = |s: &str| normalize(&Url::parse(s).unwrap()).to_string();
        assert_eq!(n("http://q.gov.cn:80/a.html#top"), "http://q.gov.cn/a.html");
        assert_eq!(
            n("http://q.gov.cn/list.jsp;jsessionid=A1B2C3?node=4"),
            "http://q.gov.cn/list.jsp?node=4"
        );
        assert_eq!(
            n("http://q.gov.cn/a;JSESSIONID=x/b.html"),
            "http://q.gov.cn/a/b.html"
        );
        assert_eq!(
            n("http://q.gov.cn/list?page=2&PHPSESSID=zz&sid=1"),
            "http://q.gov.cn/list?page=2"
        );
        assert_eq!(
            n("http://q.gov.cn/doc.pdf?sid=abc"),
            "http://q.gov.cn/doc.pdf"
        );
        assert_eq!(
            n("http://q.gov.cn/x?ASPSESSIONIDQQ=1&id=7"),
            "http://q.gov.cn/x?id=7"
        );
        // Order and spelling of the other keys are kept as they were.
        assert_eq!(
            n("http://q.gov.cn/x?b=2&a=%E5%B9%B4"),
            "http://q.gov.cn/x?b=2&a=%E5%B9%B4"
        );
    }

    #[test]
    fn keys_and_admission() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            host_key(&u("https://WWW.Q.gov.cn:443/a")).as_deref(),
            Some("www.q.gov.cn")
        );
        assert_eq!(
            host_key(&u("http://127.0.0.1:8080/")).as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(host_key(&u("ftp://q.gov.cn/")), None);
        let scope = Scope::new([&u("http://127.0.0.1:8080/")], &["cdn.q.gov.cn".into()]);
        assert!(scope.admit(&u("http://127.0.0.1:8080/x")).is_some());
        assert!(scope.admit(&u("http://127.0.0.1:9090/x")).is_none());
        assert!(scope.admit(&u("https://cdn.q.gov.cn/a.pdf")).is_some());
        assert!(scope.admit(&u("https://other.gov.cn/a.pdf")).is_none());
    }
}
