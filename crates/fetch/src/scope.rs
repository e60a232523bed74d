//! Which hosts and ports a crawl may touch, and how hosts are keyed for politeness.
//!
//! Politeness is counted per host **name** (`www.q.gov.cn`, `127.0.0.1`): every port and both
//! schemes of a name share one delay and one request at a time, because they are one machine.
//! robots.txt is read per origin (scheme, name, port), as RFC 9309 says.
//!
//! The start URLs' hosts are in scope on their own port; a start URL on a default port (80 or
//! 443) admits both default ports of its name (sites move between http:// and https://). Any
//! other host or port only when `--allow-host` names it: `name` (its default ports), `name:port`,
//! or `*.suffix` (every subdomain of `suffix`, on default ports); names may be given in Unicode
//! (IDN) or punycode.

use std::collections::HashSet;

use url::Url;

/// The hosts a crawl may fetch from.
#[derive(Debug, Clone)]
pub struct Scope {
    /// `(name, port)` pairs; port `None` stands for both default ports.
    hosts: HashSet<(String, Option<u16>)>,
    /// Suffixes (with their leading dot) whose subdomains are allowed on default ports.
    suffixes: Vec<String>,
}

/// The politeness key of a URL's host (its name, lower-case, punycode), or `None` for a URL
/// without a host or not HTTP(S).
pub fn host_key(url: &Url) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    Some(url.host_str()?.to_ascii_lowercase())
}

/// The port of an HTTP(S) URL, `None` when it is the scheme's default one (80 or 443).
fn explicit_port(url: &Url) -> Option<u16> {
    url.port_or_known_default()
        .filter(|p| *p != 80 && *p != 443)
}

/// A host name as the `url` crate writes it (IDN to punycode, lower case), if it is one.
fn canonical_name(name: &str) -> Option<String> {
    let name = name.trim().trim_end_matches('.');
    match url::Host::parse(name).ok()? {
        url::Host::Domain(d) => Some(d.to_ascii_lowercase()),
        host => Some(host.to_string()),
    }
}

impl Scope {
    /// The scope of a crawl from `seeds`, widened by `--allow-host` values. Returns the values
    /// that are not host names.
    pub fn new<'a>(
        seeds: impl IntoIterator<Item = &'a Url>,
        allow_hosts: &[String],
    ) -> Result<Scope, String> {
        let mut scope = Scope {
            hosts: seeds
                .into_iter()
                .filter_map(|url| Some((host_key(url)?, explicit_port(url))))
                .collect(),
            suffixes: Vec::new(),
        };
        for value in allow_hosts {
            let value = value.trim();
            let bad =
                || format!("--allow-host {value:?} is not a host name, name:port or *.suffix");
            if let Some(suffix) = value.strip_prefix("*.") {
                scope
                    .suffixes
                    .push(format!(".{}", canonical_name(suffix).ok_or_else(bad)?));
                continue;
            }
            let (name, port) = match value.rsplit_once(':') {
                Some((name, port)) if !name.contains(':') || name.ends_with(']') => {
                    (name, Some(port.parse::<u16>().map_err(|_| bad())?))
                }
                _ => (value, None),
            };
            let name = canonical_name(name).ok_or_else(bad)?;
            scope
                .hosts
                .insert((name, port.filter(|p| *p != 80 && *p != 443)));
        }
        Ok(scope)
    }

    /// The host key of `url` if the crawl may fetch it.
    pub fn admit(&self, url: &Url) -> Option<String> {
        let key = host_key(url)?;
        let port = explicit_port(url);
        let listed = self.hosts.contains(&(key.clone(), port));
        let by_suffix = port.is_none() && self.suffixes.iter().any(|s| key.ends_with(s.as_str()));
        (listed || by_suffix).then_some(key)
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

/// The file names a server usually answers a folder URL (`/dir/`) with.
const INDEX_NAMES: [&str; 3] = ["index.html", "index.htm", "index.shtml"];

/// The URLs that usually name the same page as `url`: `/dir/` and `/dir/index.html` (or `.htm`,
/// `.shtml`), with the same query. The crawl never rewrites a URL into its twin (a server may
/// answer only one of them); it only skips a URL whose twin it has already queued in the run.
pub fn index_twins(url: &Url) -> Vec<Url> {
    let path = url.path();
    let twin = |path: String| {
        let mut twin = url.clone();
        twin.set_path(&path);
        twin
    };
    if path.ends_with('/') {
        INDEX_NAMES
            .iter()
            .map(|name| twin(format!("{path}{name}")))
            .collect()
    } else {
        INDEX_NAMES
            .iter()
            .find_map(|name| path.strip_suffix(name).filter(|p| p.ends_with('/')))
            .map(|folder| vec![twin(folder.to_string())])
            .unwrap_or_default()
    }
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
    fn folder_and_index_page_are_twins() {
        let twins = |s: &str| {
            index_twins(&Url::parse(s).unwrap())
                .iter()
                .map(Url::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            twins("http://q.gov.cn/zwgk/index.html?a=1"),
            ["http://q.gov.cn/zwgk/?a=1"]
        );
        assert_eq!(
            twins("http://q.gov.cn/"),
            [
                "http://q.gov.cn/index.html",
                "http://q.gov.cn/index.htm",
                "http://q.gov.cn/index.shtml"
            ]
        );
        assert!(twins("http://q.gov.cn/zwgk/myindex.html").is_empty());
        assert!(twins("http://q.gov.cn/zwgk/list.html").is_empty());
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
            Some("127.0.0.1"),
            "politeness is per name, whatever the port"
        );
        assert_eq!(host_key(&u("ftp://q.gov.cn/")), None);
        let allow = [
            "cdn.q.gov.cn",
            "*.example.gov.cn",
            "127.0.0.1:9191",
            "例子.中国",
        ]
        .map(String::from);
        let scope = Scope::new(
            [&u("http://127.0.0.1:8080/"), &u("http://www.q.gov.cn/")],
            &allow,
        )
        .unwrap();
        let admitted = |s: &str| scope.admit(&u(s)).is_some();
        assert!(admitted("http://127.0.0.1:8080/x"));
        assert!(
            !admitted("http://127.0.0.1:9090/x"),
            "another port of a seed's host"
        );
        assert!(admitted("http://127.0.0.1:9191/x"));
        assert!(
            admitted("https://www.q.gov.cn/a"),
            "http and https of a seed"
        );
        assert!(!admitted("http://www.q.gov.cn:8080/a"));
        assert!(admitted("https://cdn.q.gov.cn/a.pdf"));
        assert!(!admitted("https://other.gov.cn/a.pdf"));
        assert!(admitted("http://a.b.example.gov.cn/x"));
        assert!(
            !admitted("http://example.gov.cn/x"),
            "a wildcard names subdomains"
        );
        assert!(!admitted("http://badexample.gov.cn/x"));
        assert!(admitted("http://例子.中国/x") && admitted("http://xn--fsqu00a.xn--fiqs8s/x"));
        assert!(Scope::new([], &["bad host:x".into()]).is_err());
    }
}
