//! What a crawl reports while it runs. The library draws nothing: the program that runs a crawl
//! gives it an [`Observer`] (the `nianbao` CLI draws a status line on stderr with it).

use std::time::Duration;

use crate::state::UrlKind;

/// Receives a crawl's progress, from any of its tasks.
pub trait Observer: Send + Sync {
    /// The crawl starts with `queued` URLs in its frontier.
    fn started(&self, queued: u64);
    /// One URL is done: what it was, whether it failed, and how many URLs it newly queued.
    fn url_done(&self, kind: UrlKind, failed: bool, newly_queued: u64);
    /// The wait before the next request to `host` (its delay, or a longer backoff).
    fn host_delay(&self, host: &str, delay: Duration);
    /// The crawl is over.
    fn finished(&self);
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn started(&self, _: u64) {}
    fn url_done(&self, _: UrlKind, _: bool, _: u64) {}
    fn host_delay(&self, _: &str, _: Duration) {}
    fn finished(&self) {}
}
