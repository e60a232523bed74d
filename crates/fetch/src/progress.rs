//! The live status line on stderr (indicatif; hidden when stderr is not a terminal or with
//! `--quiet`): fetched, queued, reports, attachments, errors, and the current host delay.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::state::UrlKind;

/// Live counters of one crawl invocation.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    fetched: AtomicU64,
    queued: AtomicI64,
    reports: AtomicU64,
    attachments: AtomicU64,
    errors: AtomicU64,
    delays: Mutex<HashMap<String, Duration>>,
}

impl Progress {
    /// A status line, drawn only when `visible`; `queued` is the frontier size at start.
    pub fn new(visible: bool, queued: u64) -> Progress {
        let bar = if visible {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        let progress = Progress {
            bar,
            fetched: AtomicU64::new(0),
            queued: AtomicI64::new(i64::try_from(queued).unwrap_or(i64::MAX)),
            reports: AtomicU64::new(0),
            attachments: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            delays: Mutex::new(HashMap::new()),
        };
        progress.refresh();
        progress
    }

    /// One URL done: its `kind`, whether it failed, and how many URLs it queued.
    pub fn done(&self, kind: UrlKind, failed: bool, newly_queued: u64) {
        self.fetched.fetch_add(1, Ordering::Relaxed);
        self.queued.fetch_add(
            i64::try_from(newly_queued).unwrap_or(0) - 1,
            Ordering::Relaxed,
        );
        match kind {
            UrlKind::Report => self.reports.fetch_add(1, Ordering::Relaxed),
            UrlKind::Attachment => self.attachments.fetch_add(1, Ordering::Relaxed),
            _ => 0,
        };
        if failed {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        self.refresh();
    }

    /// The wait before the next request to `host` (its delay, or a longer backoff).
    pub fn host_delay(&self, host: &str, delay: Duration) {
        if let Ok(mut delays) = self.delays.lock() {
            delays.insert(host.to_string(), delay);
        }
        self.refresh();
    }

    /// Removes the status line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn refresh(&self) {
        if self.bar.is_hidden() {
            return;
        }
        let delay = self
            .delays
            .lock()
            .ok()
            .and_then(|d| d.values().max().copied())
            .unwrap_or_default();
        self.bar.set_message(format!(
            "fetched {} · queued {} · reports {} · attachments {} · errors {} · host delay {:.1}s",
            self.fetched.load(Ordering::Relaxed),
            self.queued.load(Ordering::Relaxed).max(0),
            self.reports.load(Ordering::Relaxed),
            self.attachments.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
            delay.as_secs_f64(),
        ));
    }
}
