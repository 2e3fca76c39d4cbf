//! Writing to stdout and stderr without panicking.
//!
//! `println!` panics when stdout is a closed pipe (`miner | head -1`); the
//! miner instead stops quietly, as command-line tools do. Messages on
//! stderr are best effort: a closed stderr loses them, nothing else.

use std::fmt;
use std::io::{self, Write};

/// Writes one line on stdout. A reader that went away (broken pipe) ends
/// the program quietly with status 0; any other write error ends it with
/// status 1.
pub fn line(args: fmt::Arguments<'_>) {
    let mut stdout = io::stdout().lock();
    let written = stdout
        .write_fmt(args)
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
    let _ = writeln!(io::stderr().lock(), "{args}");
}

/// Writes on stderr without a newline (a status line rewritten with `\r`).
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

pub(crate) use {say, tell};
