//! The miner example against hostile and broken Stratum v1 pools, over
//! loopback (127.0.0.1 only), one file per concern:
//!
//! - `floods.rs`: huge jobs and pings whose answers the pool never reads
//!   (peak resident memory, `VmHWM` in `/proc/PID/status`, under 64 MiB),
//!   an absurdly easy share target, and a catalogue of malformed messages
//!   ending with an endless line and a close in the middle of a line;
//! - `text.rs`: lines that are not UTF-8, and pool text with escape
//!   sequences and forged lines;
//! - `redirects.rs`: `client.reconnect` to another host, with a long wait
//!   or in a storm, and the handshake time-outs;
//! - `failover.rs`: several `--pool`s: silent, unreachable and refusing
//!   pools, the return to the first, a reconnect wait spent elsewhere.
//!
//! Each case is bounded in count and time (small time-outs from the
//! command line).
#![cfg(all(feature = "std", target_os = "linux"))]

#[path = "../common/mod.rs"]
mod common;
#[path = "../loopback_pool/mod.rs"]
mod loopback_pool;

mod failover;
mod floods;
mod redirects;
mod text;

use serde_json::json;

use loopback_pool::*;

/// The most resident memory a miner may reach under any flood here.
pub const MEMORY_BOUND_KIB: u64 = 64 * 1024;

/// The port of a `stratum+tcp://127.0.0.1:PORT` URL.
pub fn port(url: &str) -> u16 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

/// Stdout and stderr of the miner for a failure message.
pub fn context(stdout: &str, stderr: &str) -> String {
    format!("stdout:\n{stdout}\nstderr:\n{stderr}")
}

/// Every output byte is printable or a newline: no escape sequence, no
/// carriage return, nothing a pool wrote reaches the terminal raw.
pub fn assert_clean(name: &str, text: &str) {
    for (number, line) in text.lines().enumerate() {
        assert!(
            !line.chars().any(char::is_control),
            "{name} line {} holds a control character: {line:?}",
            number + 1
        );
    }
}

/// Lines about pool events start with the UTC time:
/// `[2024-05-01 12:34:56] `.
pub fn assert_timestamped(stdout: &str, event: &str) {
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains(event)).collect();
    assert!(!lines.is_empty(), "no {event:?} line in\n{stdout}");
    for line in lines {
        let bytes = line.as_bytes();
        let shape_ok = bytes.len() > 22
            && bytes[0] == b'['
            && &bytes[20..22] == b"] "
            && bytes[1..20].iter().enumerate().all(|(i, &b)| match i {
                4 | 7 => b == b'-',
                10 => b == b' ',
                13 | 16 => b == b':',
                _ => b.is_ascii_digit(),
            });
        assert!(shape_ok, "{line}");
        let year: u32 = line[1..5].parse().unwrap();
        let (month, day): (u32, u32) = (line[6..8].parse().unwrap(), line[9..11].parse().unwrap());
        let (hour, minute, second): (u32, u32, u32) = (
            line[12..14].parse().unwrap(),
            line[15..17].parse().unwrap(),
            line[18..20].parse().unwrap(),
        );
        assert!(
            year >= 2024 && (1..=12).contains(&month) && (1..=31).contains(&day),
            "{line}"
        );
        assert!(hour < 24 && minute < 60 && second < 60, "{line}");
    }
}

/// The miner with `--threads 1 --quiet` and `args`.
pub fn start(args: &[&str]) -> MinerProcess {
    let mut all = args.to_vec();
    all.extend(["--threads", "1", "--quiet", "--user", "u"]);
    MinerProcess::start(&all)
}

/// Answers shares as stale until the miner leaves this connection.
pub fn until_gone(conn: &mut Conn) {
    while let Some(submit) = conn.next_submit() {
        conn.answer(&submit, false, json!([21, "Stale share", null]));
    }
}

/// One accepted share of a fresh job on `conn`, after the handshake.
pub fn one_share(conn: &mut Conn, job_id: &str, seed: u8, en1: &[u8]) {
    conn.handshake(Some(0x1fff_e000), en1);
    conn.set_difficulty(16);
    let job = PoolJob::new(job_id, seed, 16, en1, 0x1fff_e000);
    conn.send(&job.notify(true));
    let mut seen = Seen::default();
    collect(conn, &[&job], job_id, 1, &[], &mut seen);
}
