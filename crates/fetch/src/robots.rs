//! robots.txt, read as RFC 9309 says: a 2xx body is parsed (by `texting_robots`) for the agent
//! token of the User-Agent; a 4xx (but 429) means no rules; a 429, a 5xx or no answer at all means
//! the whole site is off limits until robots.txt is asked again. A rule too complex for the
//! matcher is not allowed to void the file: a `Disallow` rule becomes its prefix up to its first
//! wildcard, an `Allow` rule is dropped. Rules are asked again after 24 hours (the crawl's
//! caching), an unavailable robots.txt after [`RETRY_UNAVAILABLE`].

use std::time::Duration;

use texting_robots::Robot;

use crate::http::FetchError;

/// How long readable rules (or their absence) are trusted.
pub const REFRESH: Duration = Duration::from_secs(24 * 60 * 60);

/// How long an unavailable robots.txt (429, 5xx, no answer) keeps a site off limits before it
/// is asked again.
pub const RETRY_UNAVAILABLE: Duration = Duration::from_secs(10 * 60);

/// The robots.txt rules of one origin, for this crawler.
#[derive(Debug)]
pub enum Robots {
    /// No robots.txt (4xx but 429): everything is allowed.
    AllowAll,
    /// robots.txt answered this status (429 or 5xx): nothing is allowed for now.
    Unavailable(u16),
    /// The host gave no answer at all: nothing is allowed, and every URL fails with this error.
    Unreachable(FetchError),
    /// The parsed rules.
    Rules(Box<Robot>),
}

/// The agent token of a User-Agent header, matched against `User-agent:` lines: its leading run
/// of letters, `_` and `-`, lower-cased (`nianbao/0.1 (…)` → `nianbao`; `MyBot/2` → `mybot`).
pub fn agent_token(user_agent: &str) -> String {
    let token: String = user_agent
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || *c == '_' || *c == '-')
        .collect();
    if token.is_empty() {
        "nianbao".into()
    } else {
        token.to_ascii_lowercase()
    }
}

impl Robots {
    /// The rules for `agent` given the HTTP status and body of `/robots.txt`.
    pub fn from_response(status: u16, body: &[u8], agent: &str) -> Robots {
        match status {
            200..=299 => Robots::Rules(Box::new(parse(agent, body))),
            429 => Robots::Unavailable(status),
            400..=499 => Robots::AllowAll,
            _ => Robots::Unavailable(status),
        }
    }

    /// Whether `url` may be fetched.
    pub fn allowed(&self, url: &str) -> bool {
        match self {
            Robots::AllowAll => true,
            Robots::Unavailable(_) | Robots::Unreachable(_) => false,
            Robots::Rules(robot) => robot.allowed(url),
        }
    }

    /// How long these rules may be used before robots.txt is asked again.
    pub fn lifetime(&self) -> Duration {
        match self {
            Robots::AllowAll | Robots::Rules(_) => REFRESH,
            Robots::Unavailable(_) | Robots::Unreachable(_) => RETRY_UNAVAILABLE,
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

/// Parses robots.txt for `agent`; rules the matcher rejects are replaced (see the module doc).
fn parse(agent: &str, body: &[u8]) -> Robot {
    if let Ok(robot) = Robot::new(agent, body) {
        return robot;
    }
    let text = String::from_utf8_lossy(body);
    let mut kept = String::new();
    for line in text.lines() {
        let rule = line.split('#').next().unwrap_or_default();
        let replaced = match rule.split_once(':') {
            Some((key, pattern)) if is_rule_key(key) && !rule_accepted(key, pattern) => {
                if key.trim().eq_ignore_ascii_case("disallow") {
                    let prefix = pattern.trim().split(['*', '$']).next().unwrap_or_default();
                    Some(format!("Disallow: {prefix}"))
                } else {
                    Some(String::new())
                }
            }
            _ => None,
        };
        kept.push_str(replaced.as_deref().unwrap_or(line));
        kept.push('\n');
    }
    // What is left parses: every rule in it did on its own; should it not, nothing is allowed.
    Robot::new(agent, kept.as_bytes())
        .or_else(|_| Robot::new(agent, b"User-agent: *\nDisallow: /\n"))
        .expect("a one-rule robots.txt parses")
}

fn is_rule_key(key: &str) -> bool {
    let key = key.trim();
    key.eq_ignore_ascii_case("allow") || key.eq_ignore_ascii_case("disallow")
}

/// Whether the matcher accepts one rule on its own.
fn rule_accepted(key: &str, pattern: &str) -> bool {
    Robot::new(
        "x",
        format!("User-agent: *\n{}: {}\n", key.trim(), pattern.trim()).as_bytes(),
    )
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_rules() {
        let txt = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: nianbao\nDisallow: /secret\nCrawl-delay: 3";
        let r = Robots::from_response(200, txt, "nianbao");
        assert!(!r.allowed("http://h/secret/x.html"));
        assert!(r.allowed("http://h/private/x.html"));
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(3)));
        assert_eq!(r.lifetime(), REFRESH);
        assert!(Robots::from_response(404, b"", "nianbao").allowed("http://h/a"));
        let unavailable = Robots::from_response(429, b"", "nianbao");
        assert!(!unavailable.allowed("http://h/a"));
        assert_eq!(unavailable.lifetime(), RETRY_UNAVAILABLE);
        assert!(!Robots::from_response(503, b"", "nianbao").allowed("http://h/a"));
        assert!(!Robots::Unreachable(FetchError::Connect("refused".into())).allowed("http://h/a"));
    }

    #[test]
    fn the_agent_token_of_the_user_agent_is_matched() {
        assert_eq!(
            agent_token("nianbao/0.1.0 (annual-report crawler)"),
            "nianbao"
        );
        assert_eq!(agent_token("Research_Bot-2/1.0"), "research_bot-");
        assert_eq!(agent_token("  /1.0"), "nianbao");
        let txt = b"User-agent: mybot\nDisallow: /\n\nUser-agent: *\nDisallow: /x\n";
        let mine = Robots::from_response(200, txt, &agent_token("MyBot/2.0 (+mail)"));
        assert!(!mine.allowed("http://h/a"));
        assert!(Robots::from_response(200, txt, "nianbao").allowed("http://h/a"));
    }

    #[test]
    fn a_rule_too_complex_disallows_its_prefix() {
        let complex = format!("/search/{}$", "a*".repeat(4000));
        let txt = format!(
            "User-agent: *\nDisallow: {complex}\nAllow: /open*{}$\nDisallow: /private/\n",
            "b*".repeat(4000)
        );
        assert!(
            Robot::new("nianbao", txt.as_bytes()).is_err(),
            "the matcher rejects it"
        );
        let r = Robots::from_response(200, txt.as_bytes(), "nianbao");
        assert!(!r.allowed("http://h/search/anything"));
        assert!(!r.allowed("http://h/private/a"));
        assert!(r.allowed("http://h/other"));
    }
}
