//! The process's file-descriptor limit, and how many requests a crawl may have in flight.
//!
//! Every request in flight holds one socket (the client keeps no idle connections), and a crawl
//! holds a few more files (the state database and its journal, the lock, a document being
//! written, the runtime's own). `--jobs` bounds the requests; its default leaves half of the
//! descriptors to everything else.

/// Descriptors kept for everything but sockets (stdio, SQLite and its WAL, the lock, stored
/// documents being written, the async runtime).
const RESERVED_FDS: u64 = 32;

/// Most requests in flight by default, whatever the descriptor limit.
const MAX_DEFAULT_JOBS: u64 = 256;

/// Raises the soft limit on open files to the hard limit; returns the limit now in force
/// (`None` where it cannot be read).
#[cfg(unix)]
pub fn raise_fd_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    // `rlim_t` is u64 on Linux but not on every Unix.
    #[allow(clippy::useless_conversion)]
    Some(u64::try_from(limit.rlim_cur).unwrap_or(u64::MAX))
}

/// Raises the soft limit on open files (a no-op where there is none to raise).
#[cfg(not(unix))]
pub fn raise_fd_limit() -> Option<u64> {
    None
}

/// Whether an I/O error says the process is out of file descriptors (`EMFILE`).
pub fn is_out_of_descriptors(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::EMFILE)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// The default `--jobs` for a descriptor limit: half of what the reserve leaves, at least 1, at
/// most 256 (16 under `ulimit -n 64`).
pub fn default_jobs(fd_limit: Option<u64>) -> usize {
    let jobs = fd_limit.map_or(MAX_DEFAULT_JOBS, |limit| {
        (limit.saturating_sub(RESERVED_FDS) / 2).clamp(1, MAX_DEFAULT_JOBS)
    });
    usize::try_from(jobs).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_follow_the_descriptor_limit() {
        assert_eq!(default_jobs(Some(64)), 16);
        assert_eq!(default_jobs(Some(20)), 1);
        assert_eq!(default_jobs(Some(1 << 20)), 256);
        assert_eq!(default_jobs(None), 256);
        assert!(raise_fd_limit().is_none_or(|n| n > 0));
        let emfile = std::io::Error::from_raw_os_error(24);
        assert_eq!(is_out_of_descriptors(&emfile), cfg!(unix));
        assert!(!is_out_of_descriptors(&std::io::Error::other("x")));
    }
}
