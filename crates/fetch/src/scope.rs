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

#[cfg(test)]
mod tests {
    use super::*;

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
