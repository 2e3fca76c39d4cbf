//! Writing to stdout and stderr without panicking, and showing text that
//! came from the network safely.
//!
//! `println!` panics when stdout is a closed pipe (`miner | head -1`); the
//! miner instead stops quietly, as command-line tools do. Messages on
//! stderr are best effort: a closed stderr loses them, nothing else.
//!
//! Every line written goes through [`escape_controls`]: the miner's own
//! messages hold no control characters, so a pool's text cannot move the
//! cursor, recolour the screen or start a line of its own even where a
//! call site forgot [`shown`]. Pool text is also cut to a length with
//! [`shown`] where it is printed.

use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

/// How much of a pool's text is shown, in characters, by kind. Longer
/// text is cut and ends with `…`.
pub mod limit {
    /// Job ids.
    pub const JOB_ID: usize = 40;
    /// Error answers and reasons (a rejected share, a refused user).
    pub const REASON: usize = 120;
    /// `client.show_message`.
    pub const MESSAGE: usize = 200;
    /// Host names from `client.reconnect`, method names.
    pub const NAME: usize = 60;
    /// Excerpts of lines that could not be used.
    pub const EXCERPT: usize = 80;
}

/// Whether `c` is shown as `\u{..}`: control characters (C0, DEL, C1)
/// and the invisible marks that reorder or hide text (bidirectional
/// overrides and isolates, zero-width characters).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// `text` with every character of [`is_hidden`] written as `\u{hex}`.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A pool's text as it is printed: at most `max` characters of it, with
/// `\` written as `\\` and hidden characters as `\u{hex}` (so that
/// `\u{1b}` in the output always stands for one escaped character), and
/// `…` after a cut.
pub fn shown(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        if c == '\\' {
            out.push_str("\\\\");
        } else if is_hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// The time now, UTC, as `2024-05-01 12:34:56`, for pool events.
pub fn timestamp() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, time) = (seconds / 86_400, seconds % 86_400);
    // Days since 1970-01-01 to a civil date (proleptic Gregorian), in
    // 400-year eras of 146,097 days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        time / 3600,
        time % 3600 / 60,
        time % 60
    )
}

/// Writes one line on stdout. A reader that went away (broken pipe) ends
/// the program quietly with status 0; any other write error ends it with
/// status 1.
pub fn line(args: fmt::Arguments<'_>) {
    let text = args.to_string();
    let mut stdout = io::stdout().lock();
    let written = stdout
        .write_all(escape_controls(&text).as_bytes())
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    if let Err(e) = written {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        message(format_args!("error: cannot write to stdout: {e}"));
        std::process::exit(1);
    }
}

/// Writes one line on stderr, ignoring errors.
pub fn message(args: fmt::Arguments<'_>) {
    let text = args.to_string();
    let _ = writeln!(io::stderr().lock(), "{}", escape_controls(&text));
}

/// Writes on stderr without a newline (a status line rewritten with `\r`):
/// the miner's own text only.
pub fn status(args: fmt::Arguments<'_>) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_fmt(args);
    let _ = stderr.flush();
}

/// `println!` that stops quietly on a closed stdout.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics.
macro_rules! tell {
    ($($arg:tt)*) => {
        $crate::output::message(format_args!($($arg)*))
    };
}

/// A pool event on stdout (connected, a new job, a share's answer, a
/// reconnection), after the UTC time: `[2024-05-01 12:34:56] ...`.
macro_rules! event {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!(
            "[{}] {}",
            $crate::output::timestamp(),
            format_args!($($arg)*)
        ))
    };
}

/// A pool event that went wrong (a lost connection, a pool left) on
/// stderr, after the UTC time like [`event!`].
macro_rules! alert {
    ($($arg:tt)*) => {
        $crate::output::message(format_args!(
            "[{}] {}",
            $crate::output::timestamp(),
            format_args!($($arg)*)
        ))
    };
}

pub(crate) use {alert, event, say, tell};
