//! robots.txt, read as RFC 9309 says: a 2xx body is parsed (by `texting_robots`); a 4xx means no
//! rules; a 5xx or no answer at all means the whole site is off limits for this run.

use std::time::Duration;

use texting_robots::Robot;

use crate::http::FetchError;

/// The robots.txt rules of one host, for this crawler.
#[derive(Debug)]
pub enum Robots {
    /// No robots.txt (4xx): everything is allowed.
    AllowAll,
    /// robots.txt answered 5xx: nothing is allowed.
    DisallowAll,
    /// The host gave no answer at all: nothing is allowed, and every URL fails with this error.
    Unreachable(FetchError),
    /// The parsed rules.
    Rules(Box<Robot>),
}

/// The product token matched against `User-agent:` lines.
pub const AGENT_TOKEN: &str = "nianbao";

impl Robots {
    /// The rules given the HTTP status and body of `/robots.txt`.
    pub fn from_response(status: u16, body: &[u8]) -> Robots {
        match status {
            200..=299 => match Robot::new(AGENT_TOKEN, body) {
                Ok(robot) => Robots::Rules(Box::new(robot)),
                Err(_) => Robots::AllowAll,
            },
            400..=499 => Robots::AllowAll,
            _ => Robots::DisallowAll,
        }
    }

    /// Whether `url` may be fetched.
    pub fn allowed(&self, url: &str) -> bool {
        match self {
            Robots::AllowAll => true,
            Robots::DisallowAll | Robots::Unreachable(_) => false,
            Robots::Rules(robot) => robot.allowed(url),
        }
    }

    /// The `Crawl-delay` asked for, if any (capped at one minute).
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Robots::Rules(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d.min(60.0))),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_rules() {
        let txt = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: nianbao\nDisallow: /secret\nCrawl-delay: 3";
        let r = Robots::from_response(200, txt);
        assert!(!r.allowed("http://h/secret/x.html"));
        assert!(r.allowed("http://h/private/x.html"));
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(3)));
        assert!(Robots::from_response(404, b"").allowed("http://h/a"));
        assert!(!Robots::from_response(503, b"").allowed("http://h/a"));
        assert!(!Robots::Unreachable(FetchError::Connect("refused".into())).allowed("http://h/a"));
    }
}
