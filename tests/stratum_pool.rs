//! The miner example against a small Stratum v1 pool written here, over
//! loopback. The pool checks every share with the `sha2` crate (coinbase,
//! Merkle root, BIP 310 version, header hash against the share target),
//! never with this crate, and plays the awkward parts of real pools: a
//! garbage line, an unknown method, a job with a bad field, a rejected
//! share, a difficulty change, a new job with `clean_jobs` while the
//! miner is deep in a long search, a dropped connection, a pool without
//! version rolling, `client.reconnect`, a pool that never answers and one
//! that refuses the user. The pool itself is in `loopback_pool/`; hostile
//! pools are in `hostile_pool/`.
#![cfg(feature = "std")]

mod common;
mod loopback_pool;

use std::io::{BufRead, BufReader, Read};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::miner;
use loopback_pool::*;

#[test]
fn mines_for_a_pool_through_every_awkward_part() {
    let (listener, url) = listener();
    let pool = thread::spawn(move || {
        let mut seen = Seen::default();
        let mut failures = Vec::new();
        let mut replies = Vec::new();

        // Connection 1: version rolling on two bits (the pool's mask has
        // bits the miner did not offer; it grants the intersection),
        // difficulty 2^-16.
        let mut conn = Conn::accept(&listener);
        let mask = 0x0000_6000;
        let en1 = [0xa1, 0xb2, 0xc3, 0xd4];
        conn.handshake(Some(0xe000_6000), &en1);
        conn.set_difficulty(16);
        let a = PoolJob::new("a", 1, 16, &en1, mask);
        conn.send(&a.notify(true));
        collect(&mut conn, &[&a], "a", 2, &[], &mut seen);

        // Garbage, an unknown method, a request the miner must answer, and
        // a job with a bad field that must be ignored.
        conn.send_raw("this is not JSON {");
        conn.send_raw("[1, 2, 3]");
        conn.send(&json!({"id": null, "method": "mining.frobnicate", "params": []}));
        conn.send(&json!({"id": "v1", "method": "client.get_version", "params": []}));
        let mut bad = a.notify(false);
        bad["params"][0] = json!("bad");
        bad["params"][1] = json!("00".repeat(31));
        conn.send(&bad);
        let mut short = a.notify(false);
        short["params"][0] = json!("short");
        short["params"].as_array_mut().unwrap().truncate(5);
        conn.send(&short);
        collect(&mut conn, &[&a], "a", 1, &["bad", "short"], &mut seen);

        // A share turned down although valid: the miner counts it as
        // rejected and goes on.
        loop {
            let submit = conn.next_submit().expect("a share to reject");
            if submit.job_id == "a" && a.check(&submit.params, &conn.user.clone()).is_ok() {
                conn.answer(&submit, false, json!([23, "Low difficulty share", null]));
                seen.rejected_on_purpose += 1;
                break;
            }
            conn.failures
                .push(format!("unexpected share {:?}", submit.params));
        }

        // A harder difficulty for the next job (not clean).
        conn.set_difficulty(15);
        let b = PoolJob::new("b", 2, 15, &en1, mask);
        conn.send(&b.notify(false));
        collect(&mut conn, &[&a, &b], "b", 2, &["bad", "short"], &mut seen);

        // A clean job at a difficulty no share will meet keeps the miner
        // busy; then a clean job at an easy one must be taken up at once.
        conn.set_difficulty(-32);
        let d = PoolJob::new("d", 4, -32, &en1, mask);
        conn.send(&d.notify(true));
        // Shares of a and b found before the switch may still be on their
        // way; they are stale now. A line cut by the short read timeout
        // is kept and finished.
        let mut handle = |conn: &mut Conn, line: &str| {
            let message: Value = serde_json::from_str(line).unwrap_or(Value::Null);
            if message["method"] == "mining.submit" {
                conn.send(&json!({"id": message["id"], "result": false,
                    "error": [21, "Job not found", null]}));
            } else {
                replies.push(message);
            }
        };
        let quiet_until = Instant::now() + Duration::from_millis(700);
        let mut probe = String::new();
        conn.writer
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        while Instant::now() < quiet_until {
            match conn.reader.read_line(&mut probe) {
                Ok(0) => break,
                Ok(_) => {
                    let line = std::mem::take(&mut probe);
                    handle(&mut conn, &line);
                }
                Err(_) => {}
            }
        }
        conn.writer.set_read_timeout(Some(PATIENCE)).unwrap();
        if !probe.is_empty() {
            conn.reader
                .read_line(&mut probe)
                .expect("the rest of a line");
            handle(&mut conn, &probe);
        }
        conn.set_difficulty(16);
        let c = PoolJob::new("c", 3, 16, &en1, mask);
        conn.send(&c.notify(true));
        collect(&mut conn, &[&c], "c", 2, &["a", "b", "d"], &mut seen);
        let rolled = seen.version_bits.clone();
        let extranonces = seen.extranonce2.len();
        failures.append(&mut conn.failures);
        replies.append(&mut conn.replies);
        // Connection lost.
        drop(conn);

        // Connection 2: a pool without version rolling; another
        // extranonce1.
        let mut conn = Conn::accept(&listener);
        let en1 = [0xe5, 0xf6, 0xa7];
        conn.handshake(None, &en1);
        conn.set_difficulty(16);
        let e = PoolJob::new("e", 5, 16, &en1, 0);
        conn.send(&e.notify(true));
        collect(&mut conn, &[&e], "e", 2, &["a", "b", "c", "d"], &mut seen);
        // The miner exits after its last accepted share.
        while let Some(submit) = conn.next_submit() {
            conn.answer(&submit, false, json!([21, "Stale share", null]));
        }
        failures.append(&mut conn.failures);
        replies.append(&mut conn.replies);
        (seen, rolled, extranonces, failures, replies)
    });

    let miner = MinerProcess::start(&[
        "--pool",
        &url,
        "--user",
        "tester.1",
        "--password",
        "secret",
        "--shares",
        "9",
        "--threads",
        "2",
        "--work-size",
        "16384",
        "--timeout",
        "60",
        "--quiet",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    let (seen, rolled, extranonces, failures, replies) = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));

    assert!(
        failures.is_empty(),
        "the pool found: {failures:#?}\n{context}"
    );
    assert_eq!(code, Some(0), "{context}");
    assert_eq!(seen.accepted, 9, "{context}");
    assert_eq!(seen.rejected_on_purpose, 1);
    assert_eq!(stdout.matches("share accepted").count(), 9, "{context}");
    assert!(stdout.contains("share rejected: job a"), "{context}");
    assert!(stdout.contains("23: Low difficulty share"), "{context}");
    assert!(stdout.contains("9 accepted"), "{context}");
    // Versions and extranonce2 values were rolled (2-bit mask, 2^14 nonces
    // per work: a new extranonce2 every 2^16 nonces, about one share).
    assert!(rolled.len() >= 2, "version bits seen: {rolled:?}");
    assert!(rolled.iter().all(|bits| bits & !0x0000_6000 == 0));
    assert!(extranonces >= 2, "{context}");
    assert!(
        stdout.contains("version rolling: mask 00006000"),
        "{context}"
    );
    assert!(stdout.contains("no version rolling"), "{context}");
    assert!(
        stdout.contains("(clean: earlier jobs dropped)"),
        "{context}"
    );
    // The miner answered client.get_version.
    assert!(
        replies
            .iter()
            .any(|r| r["id"] == "v1" && r["result"].as_str().is_some_and(|v| v.contains("sha256d"))),
        "{replies:?}"
    );
    // What it said about the bad input and the lost connection.
    for expected in [
        "ignored a line from the pool: not JSON",
        "ignored a line from the pool: not a JSON object",
        "ignored unknown method mining.frobnicate",
        "ignored job bad: prevhash: expected 32 bytes, got 31",
        "ignored a mining.notify: 5 parameters instead of 9",
        "lost: the pool closed the connection; reconnecting in 1 s",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?}\n{context}");
    }
    assert!(!stderr.contains("panicked"), "{context}");
    // A share found for a job the pool has just dropped is held back
    // ("stale share not sent"), which may happen or not depending on
    // timing; a share that fails its own re-check must never happen.
    assert!(!stderr.contains("error: share not sent"), "{context}");
}

#[test]
fn follows_client_reconnect_to_another_pool() {
    let (first, url) = listener();
    let (second, second_url) = listener();
    let second_port: u16 = second_url.rsplit(':').next().unwrap().parse().unwrap();
    let pool = thread::spawn(move || {
        let mut conn = Conn::accept(&first);
        conn.handshake(Some(0x1fff_e000), &[1, 2, 3, 4]);
        conn.send(&json!({"id": null, "method": "client.reconnect",
            "params": ["127.0.0.1", second_port, 0]}));
        let mut failures = std::mem::take(&mut conn.failures);
        let mut conn = Conn::accept(&second);
        conn.handshake(Some(0x1fff_e000), &[5, 6, 7, 8]);
        conn.set_difficulty(16);
        let job = PoolJob::new("r", 9, 16, &[5, 6, 7, 8], 0x1fff_e000);
        conn.send(&job.notify(true));
        let mut seen = Seen::default();
        collect(&mut conn, &[&job], "r", 1, &[], &mut seen);
        while let Some(submit) = conn.next_submit() {
            conn.answer(&submit, false, json!([21, "Stale share", null]));
        }
        failures.append(&mut conn.failures);
        failures
    });
    let miner = MinerProcess::start(&[
        "--pool",
        &url,
        "--user",
        "u",
        "--shares",
        "1",
        "--threads",
        "1",
        "--quiet",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    let failures = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(0), "{context}");
    assert!(
        stdout.contains(&format!("asked to reconnect to 127.0.0.1:{second_port}")),
        "{context}"
    );
    assert_eq!(stdout.matches("share accepted").count(), 1, "{context}");
}

#[test]
fn a_silent_pool_times_out_and_the_miner_gives_up() {
    let (listener, url) = listener();
    let pool = thread::spawn(move || {
        // Accept twice, read what the miner says, answer nothing; hold the
        // second connection until the miner hangs up.
        let (first, _) = listener.accept().expect("accept");
        let mut line = String::new();
        let mut first = BufReader::new(first);
        first.read_line(&mut line).unwrap();
        let (second, _) = listener.accept().expect("accept again");
        second.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut rest = String::new();
        let _ = BufReader::new(second).read_to_string(&mut rest);
        drop(first);
        line
    });
    let started = Instant::now();
    let miner = MinerProcess::start(&[
        "--pool",
        &url,
        "--user",
        "u",
        "--timeout",
        "1",
        "--retries",
        "1",
        "--threads",
        "1",
        "--quiet",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    let first = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(first.contains("mining.configure"), "{first}");
    assert_eq!(code, Some(1), "{context}");
    assert!(
        stderr.contains("no answer to mining.configure within 1 s; reconnecting in 1 s"),
        "{context}"
    );
    assert!(
        stderr.contains("error: giving up on 127.0.0.1:")
            && stderr.contains("after 2 failed connections in a row"),
        "{context}"
    );
    assert!(started.elapsed() < PATIENCE);
    assert!(!stderr.contains("panicked"), "{context}");
}

#[test]
fn an_unreachable_pool_is_a_clear_error() {
    let (listener, url) = listener();
    drop(listener);
    let miner = MinerProcess::start(&["--pool", &url, "--user", "u", "--retries", "0", "--quiet"]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(code, Some(1), "{context}");
    assert!(stderr.contains("cannot connect to 127.0.0.1:"), "{context}");
    assert!(
        stderr.contains("after 1 failed connection in a row"),
        "{context}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{context}");
}

#[test]
fn a_refused_user_ends_the_miner() {
    let (listener, url) = listener();
    let pool = thread::spawn(move || {
        let mut conn = Conn::accept(&listener);
        let configure = conn.expect("mining.configure");
        conn.send(
            &json!({"id": configure["id"], "result": {"version-rolling": false}, "error": null}),
        );
        let subscribe = conn.expect("mining.subscribe");
        conn.send(&json!({"id": subscribe["id"], "error": null,
            "result": [[], "00000001", 4]}));
        let authorize = conn.expect("mining.authorize");
        assert_eq!(authorize["params"], json!(["nobody", "x"]));
        conn.send(&json!({"id": authorize["id"], "result": null,
            "error": [24, "Unauthorized worker", null]}));
        // The miner hangs up.
        while conn.next().is_some() {}
    });
    let miner = MinerProcess::start(&["--pool", &url, "--user", "nobody", "--quiet"]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    pool.join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert_eq!(code, Some(1), "{context}");
    assert!(
        stdout.contains("no version rolling: the pool declined it"),
        "{context}"
    );
    assert!(
        stderr.contains("error: the pool refused user nobody: 24: Unauthorized worker"),
        "{context}"
    );
}

#[test]
fn bad_pool_options_are_one_line_errors() {
    for (args, expected) in [
        (
            vec!["--pool", "http://127.0.0.1:1", "--user", "u"],
            "only stratum+tcp",
        ),
        (
            vec!["--pool", "stratum+tcp://127.0.0.1", "--user", "u"],
            "no :PORT",
        ),
        (
            vec!["--pool", "stratum+tcp://127.0.0.1:0", "--user", "u"],
            "bad port",
        ),
        (
            vec!["--pool", "stratum+tcp://127.0.0.1:99999", "--user", "u"],
            "bad port",
        ),
        (vec!["--pool", "stratum+tcp://127.0.0.1:3333"], "--user"),
        (
            vec![
                "--pool",
                "stratum+tcp://h:1",
                "--user",
                "u",
                "--work-size",
                "0",
            ],
            "--work-size",
        ),
        (
            vec![
                "--pool",
                "stratum+tcp://h:1",
                "--user",
                "u",
                "--timeout",
                "0",
            ],
            "--timeout",
        ),
        (
            vec![
                "--pool",
                "stratum+tcp://h:1",
                "--user",
                "u",
                "--shares",
                "0",
            ],
            "--shares",
        ),
        (
            vec![
                "--pool",
                "stratum+tcp://h:1",
                "--user",
                "u",
                "--header",
                "00",
            ],
            "cannot be used with",
        ),
        (vec!["--user", "u"], "--pool"),
        (
            vec![
                "-o",
                "stratum+tcp://h:1",
                "-u",
                "u",
                "--handshake-timeout",
                "0",
            ],
            "--handshake-timeout",
        ),
        (
            vec![
                "-o",
                "stratum+tcp://h:1",
                "-u",
                "u",
                "--max-share-rate",
                "0",
            ],
            "--max-share-rate",
        ),
        (
            vec!["-o", "stratum+tcp://h:1", "-o", "ftp://h:2", "-u", "u"],
            "--pool ftp://h:2: only stratum+tcp://HOST:PORT",
        ),
        (
            vec!["-o", "stratum+tcp://h:1", "--benchmark", "-u", "u"],
            "cannot be used with",
        ),
    ] {
        let output = Command::new(miner()).args(&args).output().expect("run");
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}
