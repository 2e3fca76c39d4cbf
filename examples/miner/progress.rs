//! Progress lines: the current hash rate (over the last interval, not
//! since the start), work done and time left.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How and how often progress is shown.
#[derive(Clone, Copy, Debug)]
pub struct ProgressStyle {
    /// Time between two lines.
    pub interval: Duration,
    /// Whether stderr is a terminal: one line rewritten in place.
    /// Otherwise (a log file, a pipe) each report is a line of its own.
    pub terminal: bool,
    /// `--quiet`: no progress at all.
    pub quiet: bool,
}

impl ProgressStyle {
    /// From the command line: every second on a terminal, every five
    /// seconds otherwise, unless `interval` (seconds) is given.
    pub fn new(interval: Option<f64>, quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let default = if terminal { 1.0 } else { 5.0 };
        ProgressStyle {
            interval: Duration::from_secs_f64(interval.unwrap_or(default)),
            terminal,
            quiet,
        }
    }
}

/// The hash rate between two readings of a growing counter.
#[derive(Clone, Copy, Debug)]
pub struct RateMeter {
    at: Instant,
    count: u64,
}

impl RateMeter {
    /// Starts measuring from `count` now.
    pub fn new(count: u64) -> Self {
        RateMeter {
            at: Instant::now(),
            count,
        }
    }

    /// Hashes per second since the last reading (or the start), and starts
    /// the next interval.
    pub fn rate(&mut self, count: u64) -> f64 {
        let now = Instant::now();
        let seconds = now.duration_since(self.at).as_secs_f64();
        let done = count.saturating_sub(self.count);
        self.at = now;
        self.count = count;
        if seconds > 0.0 {
            done as f64 / seconds
        } else {
            0.0
        }
    }
}

/// A hash rate with a unit that fits it: `812.4 kH/s`, `41.87 MH/s`.
pub fn format_rate(hashes_per_second: f64) -> String {
    let (value, unit) = if hashes_per_second >= 1e9 {
        (hashes_per_second / 1e9, "GH/s")
    } else if hashes_per_second >= 1e6 {
        (hashes_per_second / 1e6, "MH/s")
    } else {
        (hashes_per_second / 1e3, "kH/s")
    };
    format!("{value:.2} {unit}")
}

/// A duration for people: `42 s`, `3 min 05 s`, `2 h 07 min`, `3 d 4 h`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "unknown".to_string();
    }
    let s = seconds.round().max(0.0) as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        3600..=86_399 => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}
