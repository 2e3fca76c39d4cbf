//! Floods, an absurd share target and malformed messages.

use std::io::{BufRead, ErrorKind, Write};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::loopback_pool::*;
use crate::*;

#[test]
fn floods_are_slowed_down_not_buffered() {
    let (listener, url) = listener();
    let (pid_tx, pid_rx) = std::sync::mpsc::channel::<u32>();
    let pool = thread::spawn(move || {
        let pid = pid_rx.recv().unwrap();
        let en1 = [1, 2, 3, 4];
        // Connection 1: jobs with 800 KB lines (a 400 KB coinbase part),
        // as fast as the miner takes them, for at most 3 s or 200 lines.
        let mut conn = Conn::accept(&listener);
        conn.handshake(Some(0x1fff_e000), &en1);
        conn.set_difficulty(-32);
        let mut big = PoolJob::new("flood0000", 7, -32, &en1, 0x1fff_e000);
        big.coinb2 = vec![0x5a; 400_000];
        let line = big.notify(false).to_string();
        assert!(line.len() > 800_000);
        conn.writer
            .set_write_timeout(Some(Duration::from_secs(1)))
            .unwrap();
        let until = Instant::now() + Duration::from_secs(3);
        let mut sent = 0;
        while sent < 200 && Instant::now() < until {
            let id = format!("flood{sent:04}");
            let line = line.replacen("flood0000", &id, 1);
            if conn
                .writer
                .write_all(format!("{line}\n").as_bytes())
                .is_err()
            {
                break;
            }
            sent += 1;
        }
        let after_jobs = peak_kib(pid).unwrap();

        // Pings the pool never reads the answers to: the miner's answers
        // fill the socket, its write times out (--timeout 2) and it
        // reconnects; meanwhile its reader stops taking lines, which
        // blocks these sends.
        let until = Instant::now() + Duration::from_millis(2500);
        let mut pings = 0u64;
        while Instant::now() < until {
            let batch: String = (0..100)
                .map(|i| {
                    format!(
                        "{{\"id\":{},\"method\":\"mining.ping\",\"params\":[]}}\n",
                        pings + i
                    )
                })
                .collect();
            if conn.writer.write_all(batch.as_bytes()).is_err() {
                break;
            }
            pings += 100;
        }
        drop(conn);

        // Connection 2: the miner still mines.
        let mut conn = Conn::accept(&listener);
        conn.handshake(Some(0x1fff_e000), &en1);
        conn.set_difficulty(16);
        let job = PoolJob::new("after", 8, 16, &en1, 0x1fff_e000);
        conn.send(&job.notify(true));
        let mut seen = Seen::default();
        let peak = peak_kib(pid).unwrap();
        collect(&mut conn, &[&job], "after", 1, &[], &mut seen);
        while let Some(submit) = conn.next_submit() {
            conn.answer(&submit, false, json!([21, "Stale share", null]));
        }
        (sent, pings, after_jobs, peak, conn.failures)
    });
    let miner = start(&["--pool", &url, "--timeout", "2", "--shares", "1"]);
    pid_tx.send(miner.pid()).unwrap();
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    let (sent, pings, after_jobs, peak, failures) = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    eprintln!(
        "{sent} jobs of 800 KB, {pings} pings; peak resident {after_jobs} KiB after the jobs, {peak} KiB after the pings"
    );
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(0), "{context}");
    assert!(sent >= 10, "only {sent} big jobs went out\n{context}");
    let peak = peak.max(after_jobs);
    assert!(peak <= MEMORY_BOUND_KIB, "peak {peak} KiB\n{context}");
    assert!(!stderr.contains("panicked"), "{context}");
}

#[test]
fn an_absurd_share_target_is_capped_and_said_once() {
    let (listener, url) = listener();
    let (pid_tx, pid_rx) = std::sync::mpsc::channel::<u32>();
    let pool = thread::spawn(move || {
        let pid = pid_rx.recv().unwrap();
        let en1 = [9, 9, 9, 9];
        let mut conn = Conn::accept(&listener);
        conn.handshake(Some(0x1fff_e000), &en1);
        // Every hash meets difficulty 2^-32.
        conn.set_difficulty(32);
        let job = PoolJob::new("easy", 3, 32, &en1, 0x1fff_e000);
        conn.send(&job.notify(true));
        // Accept every share for 2 s; a ping from the pool in the middle
        // must be answered.
        let started = Instant::now();
        let mut submits = 0u64;
        let mut pinged = false;
        while started.elapsed() < Duration::from_secs(2) {
            let submit = conn.next_submit().expect("shares");
            submits += 1;
            if let Err(problem) = job.check(&submit.params, "u") {
                conn.failures.push(problem);
            }
            conn.answer(&submit, true, Value::Null);
            if !pinged && submits == 5 {
                conn.send(&json!({"id": "ping-1", "method": "mining.ping", "params": []}));
                pinged = true;
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let peak = peak_kib(pid).unwrap();
        // Now the pool stops answering shares but keeps talking (pings
        // every 200 ms, so it is not silent): the miner times out on the
        // oldest share (--timeout 2) and, with --retries 0, ends.
        conn.writer
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut line = String::new();
        let mut pinged = Instant::now();
        loop {
            match conn.reader.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) => line.clear(),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
            if pinged.elapsed() >= Duration::from_millis(200) {
                conn.send(&json!({"id": null, "method": "mining.ping", "params": []}));
                pinged = Instant::now();
            }
        }
        (submits, seconds, peak, conn.failures, conn.replies)
    });
    let miner = start(&[
        "--pool",
        &url,
        "--max-share-rate",
        "20",
        "--timeout",
        "2",
        "--retries",
        "0",
    ]);
    pid_tx.send(miner.pid()).unwrap();
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    let (submits, seconds, peak, failures, replies) = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    eprintln!("{submits} shares in {seconds:.2} s at most 20/s; peak resident {peak} KiB");
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(1), "{context}");
    // The bucket holds 20 shares; then 20 per second.
    let allowed = 20.0 + 20.0 * seconds + 1.0;
    assert!(
        (submits as f64) <= allowed,
        "{submits} shares in {seconds:.2} s\n{context}"
    );
    assert!(submits >= 5, "{context}");
    assert_eq!(stderr.matches("far too easy").count(), 1, "{context}");
    assert!(
        stderr.contains("no answer to mining.submit within 2 s"),
        "{context}"
    );
    assert!(stdout.contains("over the share cap not sent"), "{context}");
    assert!(
        replies
            .iter()
            .any(|r| r["id"] == "ping-1" && r["result"] == "pong"),
        "the pool's ping was not answered: {replies:?}\n{context}"
    );
    assert!(peak <= MEMORY_BOUND_KIB, "peak {peak} KiB\n{context}");
}

#[test]
fn malformed_messages_are_ignored_and_long_lines_end_the_connection() {
    let (listener, url) = listener();
    let (pid_tx, pid_rx) = std::sync::mpsc::channel::<u32>();
    let pool = thread::spawn(move || {
        let pid = pid_rx.recv().unwrap();
        let en1 = [8, 8, 8, 8];
        let mut conn = Conn::accept(&listener);
        conn.handshake(Some(0x1fff_e000), &en1);
        let good = PoolJob::new("good", 1, 16, &en1, 0x1fff_e000);
        let notify_with = |index: usize, value: Value| {
            let mut notify = good.notify(false);
            notify["params"][0] = json!(format!("bad{index}"));
            notify["params"][index] = value;
            notify
        };
        for message in [
            json!({"id": null, "method": "mining.set_difficulty", "params": [0]}),
            json!({"id": null, "method": "mining.set_difficulty", "params": [-1]}),
            json!({"id": null, "method": "mining.set_difficulty", "params": ["NaN"]}),
            json!({"id": null, "method": "mining.set_difficulty", "params": [1e308]}),
            json!({"id": null, "method": "mining.set_extranonce", "params": ["0102", 33]}),
            json!({"id": null, "method": "mining.set_extranonce", "params": ["0102", -1]}),
            json!({"id": null, "method": "mining.set_extranonce", "params": ["zz", 4]}),
            json!({"id": null, "method": "mining.set_version_mask", "params": ["xyz"]}),
            json!({"id": null, "method": 5, "params": []}),
            json!({"id": null, "method": "mining.notify", "params": {"a": 1}}),
            json!({"id": 999, "result": true, "error": null}),
            json!({"id": [1], "result": true, "error": null}),
            notify_with(4, json!(vec!["00".repeat(32); 10_000])),
            notify_with(4, json!(["00"])),
            notify_with(2, json!("abc")),
            notify_with(0, json!("j".repeat(300))),
            notify_with(6, json!("zzzzzzzz")),
            notify_with(5, json!(7)),
            notify_with(8, json!("yes")),
        ] {
            conn.send(&message);
        }
        conn.send_raw("{\"id\": null, \"method\": \"mining.notify\", \"params\": [");
        // Then a good difficulty and job.
        conn.set_difficulty(16);
        let job = PoolJob::new("fine", 2, 16, &en1, 0x1fff_e000);
        conn.send(&job.notify(true));
        let mut seen = Seen::default();
        collect(&mut conn, &[&job], "fine", 1, &[], &mut seen);
        // Endless JSON: 2 MiB without a newline ends the connection.
        let endless = format!("{{\"id\": null, \"method\": \"{}", "x".repeat(2 << 20));
        let _ = conn.writer.write_all(endless.as_bytes());
        until_gone(&mut conn);
        // A line cut by a close.
        let mut conn = Conn::accept(&listener);
        conn.handshake(Some(0x1fff_e000), &en1);
        let _ = conn
            .writer
            .write_all(b"{\"id\": null, \"method\": \"mining.no");
        drop(conn);
        // Still mining.
        let mut conn = Conn::accept(&listener);
        let peak = peak_kib(pid).unwrap();
        one_share(&mut conn, "last", 3, &en1);
        until_gone(&mut conn);
        (peak, conn.failures)
    });
    let miner = start(&["--pool", &url, "--shares", "2"]);
    pid_tx.send(miner.pid()).unwrap();
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    let (peak, failures) = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(0), "{context}");
    for expected in [
        "ignored mining.set_difficulty: ",
        "ignored mining.set_difficulty: no difficulty number",
        "ignored mining.set_extranonce: extranonce2_size",
        "ignored mining.set_extranonce: no extranonce2_size number",
        "ignored mining.set_extranonce: extranonce1",
        "ignored mining.set_version_mask",
        "method is not a string",
        "mining.notify: params is not an array",
        "ignored an answer to unknown request 999",
        "a response without a usable id",
        "merkle_branch of 10000 hashes (at most 32)",
        "ignored job bad4: merkle_branch[0]",
        "ignored job bad2: coinb1",
        "ignored a mining.notify: a job_id of 300 bytes (at most 256)",
        "ignored job bad6: nbits",
        "ignored a mining.notify: version is not a string",
        "ignored a mining.notify: clean_jobs is not a boolean",
        "not JSON",
        "a line longer than 1048576 bytes",
        "the pool closed the connection in the middle of a line",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?}\n{context}");
    }
    assert_eq!(stdout.matches("share accepted").count(), 2, "{context}");
    assert!(peak <= MEMORY_BOUND_KIB, "peak {peak} KiB\n{context}");
    assert!(!stderr.contains("panicked"), "{context}");
}
