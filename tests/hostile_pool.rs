//! The miner example against hostile and broken Stratum v1 pools, over
//! loopback (127.0.0.1 only): floods of huge jobs and of pings the pool
//! never reads the answers to, an absurdly easy share target, lines that
//! are not UTF-8, pool text with escape sequences, `client.reconnect` to
//! another host, with a long wait or in a storm, silent pools, failover
//! between pools,
//! and a catalogue of malformed messages. Each case is bounded in count
//! and time (small time-outs from the command line), and the floods check
//! the miner's peak resident memory (`VmHWM` in `/proc/PID/status`).
#![cfg(all(feature = "std", target_os = "linux"))]

mod common;
mod loopback_pool;

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use loopback_pool::*;

/// The most resident memory a miner may reach under any flood here.
const MEMORY_BOUND_KIB: u64 = 64 * 1024;

/// The port of a `stratum+tcp://127.0.0.1:PORT` URL.
fn port(url: &str) -> u16 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

/// Stdout and stderr of the miner for a failure message.
fn context(stdout: &str, stderr: &str) -> String {
    format!("stdout:\n{stdout}\nstderr:\n{stderr}")
}

/// Every output byte is printable or a newline: no escape sequence, no
/// carriage return, nothing a pool wrote reaches the terminal raw.
fn assert_clean(name: &str, text: &str) {
    for (number, line) in text.lines().enumerate() {
        assert!(
            !line.chars().any(char::is_control),
            "{name} line {} holds a control character: {line:?}",
            number + 1
        );
    }
}

/// The miner with `--threads 1 --quiet` and `args`.
fn start(args: &[&str]) -> MinerProcess {
    let mut all = args.to_vec();
    all.extend(["--threads", "1", "--quiet", "--user", "u"]);
    MinerProcess::start(&all)
}

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
        // Now the pool stops answering: the miner times out on the oldest
        // share (--timeout 2) and, with --retries 0, ends.
        while conn.next_submit().is_some() {}
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
fn bad_utf8_is_refused_and_pool_text_is_escaped_and_cut() {
    let (listener, url) = listener();
    let pool = thread::spawn(move || {
        let en1 = [7, 7, 7, 7];
        let mut conn = Conn::accept(&listener);
        conn.handshake(Some(0x1fff_e000), &en1);
        conn.set_difficulty(16);
        // A job whose id is not UTF-8: the whole line is refused.
        let bad = PoolJob::new("BADID", 1, 16, &en1, 0x1fff_e000);
        // Bytes 0xff and 0xfe never occur in UTF-8.
        let mut bytes = bad.notify(true).to_string().into_bytes();
        let at = bytes.windows(5).position(|w| w == b"BADID").unwrap();
        bytes[at + 3] = 0xff;
        bytes[at + 4] = 0xfe;
        conn.send_bytes(&bytes);
        // Text meant for the terminal.
        let forged = "\u{1b}[2J\u{1b}[31m\r\n[2020-01-01 00:00:00] share accepted: forged";
        conn.send(&json!({"id": null, "method": "client.show_message", "params": [forged]}));
        conn.send(&json!({"id": null, "method": "client.show_message",
            "params": ["long ".repeat(20_000)]}));
        conn.send(&json!({"id": null, "method": "mining.\u{1b}]0;title\u{7}", "params": []}));
        conn.send_raw("\u{1b}[5mnot JSON\u{7}");
        // A job whose id holds an escape sequence is mined (the id goes
        // back to the pool as the pool wrote it) but printed escaped.
        let odd_id = "odd\u{1b}[1m\u{202e}";
        let odd = PoolJob::new(odd_id, 2, 16, &en1, 0x1fff_e000);
        conn.send(&odd.notify(true));
        let mut seen = Seen::default();
        // One share rejected with a hostile reason, then one accepted.
        loop {
            let submit = conn.next_submit().expect("a share");
            if submit.job_id == odd_id && odd.check(&submit.params, "u").is_ok() {
                conn.answer(
                    &submit,
                    false,
                    json!([
                        23,
                        "\u{1b}[32mno\r\n[2020-01-01 00:00:00] share accepted: fake",
                        null
                    ]),
                );
                break;
            }
            conn.failures
                .push(format!("unexpected share {:?}", submit.params));
        }
        collect(&mut conn, &[&odd], odd_id, 1, &[], &mut seen);
        while let Some(submit) = conn.next_submit() {
            if !submit.job_id.starts_with("odd") {
                conn.failures.push(format!("share for {:?}", submit.job_id));
            }
            conn.answer(&submit, false, json!([21, "Stale share", null]));
        }
        conn.failures
    });
    let miner = start(&["--pool", &url, "--shares", "1"]);
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    let failures = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(0), "{context}");
    assert_clean("stdout", &stdout);
    assert_clean("stderr", &stderr);
    assert!(stderr.contains("not UTF-8"), "{context}");
    // Only real answers start a line as "share accepted".
    let accepted_lines = stdout
        .lines()
        .filter(|l| {
            l.split_once("] ")
                .is_some_and(|(_, rest)| rest.starts_with("share accepted"))
        })
        .count();
    assert_eq!(accepted_lines, 1, "{context}");
    assert!(
        stdout.contains("message from the pool: \\u{1b}[2J\\u{1b}[31m\\u{d}\\u{a}[2020"),
        "{context}"
    );
    assert!(stdout.contains("job odd\\u{1b}[1m\\u{202e}"), "{context}");
    assert!(stdout.contains("\\u{1b}[32mno\\u{d}\\u{a}"), "{context}");
    assert!(
        stderr.contains("unknown method mining.\\u{1b}]0;title\\u{7}"),
        "{context}"
    );
    // A long message is cut (200 characters and an ellipsis).
    let long = stdout
        .lines()
        .find(|l| l.contains("long long"))
        .expect("the long message");
    assert!(long.len() < 300 && long.ends_with('…'), "{long}");
}

#[test]
fn client_reconnect_stays_on_the_host_and_its_wait_is_capped() {
    let (first, url) = listener();
    let (second, second_url) = listener();
    let second_port = port(&second_url);
    let pool = thread::spawn(move || {
        let en1 = [4, 4, 4, 4];
        let mut conn = Conn::accept(&first);
        conn.handshake(None, &en1);
        // Another host: ignored without --allow-redirect.
        conn.send(&json!({"id": null, "method": "client.reconnect",
            "params": ["pool.invalid", 3333, 0]}));
        conn.send(&json!({"id": null, "method": "client.reconnect",
            "params": ["evil\u{1b}[2J", 3333, 0]}));
        conn.set_difficulty(16);
        let job = PoolJob::new("stay", 1, 16, &en1, 0);
        conn.send(&job.notify(true));
        let mut seen = Seen::default();
        collect(&mut conn, &[&job], "stay", 1, &[], &mut seen);
        // The same host, another port, asking for 10 minutes: followed
        // after --max-reconnect-wait.
        conn.send(&json!({"id": null, "method": "client.reconnect",
            "params": ["127.0.0.1", second_port, 600]}));
        let mut failures = std::mem::take(&mut conn.failures);
        let mut conn = Conn::accept(&second);
        conn.handshake(None, &en1);
        conn.set_difficulty(16);
        let job = PoolJob::new("moved", 2, 16, &en1, 0);
        conn.send(&job.notify(true));
        collect(&mut conn, &[&job], "moved", 1, &[], &mut seen);
        while let Some(submit) = conn.next_submit() {
            conn.answer(&submit, false, json!([21, "Stale share", null]));
        }
        failures.append(&mut conn.failures);
        failures
    });
    let miner = start(&["--pool", &url, "--shares", "2", "--max-reconnect-wait", "1"]);
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    let failures = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(0), "{context}");
    assert!(
        stderr.contains("ignored client.reconnect to pool.invalid:3333: another host"),
        "{context}"
    );
    assert!(
        stderr.contains("ignored client.reconnect to evil\\u{1b}[2J: not a host name"),
        "{context}"
    );
    assert!(
        stderr.contains("asked to wait 10 min 00 s; waiting 1 s"),
        "{context}"
    );
    assert!(
        stdout.contains(&format!(
            "asked to reconnect to 127.0.0.1:{second_port}; reconnecting in 1 s"
        )),
        "{context}"
    );
    assert_clean("stderr", &stderr);
}

#[test]
fn a_reconnect_storm_backs_off() {
    let (listener, url) = listener();
    let pool = thread::spawn(move || {
        let port = listener.local_addr().unwrap().port();
        // Two redirects to itself before any job, then work.
        for _ in 0..2 {
            let mut conn = Conn::accept(&listener);
            conn.handshake(None, &[3, 3, 3, 3]);
            conn.send(&json!({"id": null, "method": "client.reconnect",
                "params": ["127.0.0.1", port, 0]}));
            while conn.next().is_some() {}
        }
        let mut conn = Conn::accept(&listener);
        conn.handshake(None, &[3, 3, 3, 3]);
        conn.set_difficulty(16);
        let job = PoolJob::new("calm", 4, 16, &[3, 3, 3, 3], 0);
        conn.send(&job.notify(true));
        let mut seen = Seen::default();
        collect(&mut conn, &[&job], "calm", 1, &[], &mut seen);
        until_gone(&mut conn);
        conn.failures
    });
    let miner = start(&["--pool", &url, "--shares", "1"]);
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    let failures = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(0), "{context}");
    assert!(stdout.contains("reconnecting in 1 s"), "{context}");
    assert!(stdout.contains("reconnecting in 2 s"), "{context}");
}

#[test]
fn allow_redirect_follows_another_host() {
    let (first, url) = listener();
    let (second, second_url) = listener();
    let second_port = port(&second_url);
    let pool = thread::spawn(move || {
        let mut conn = Conn::accept(&first);
        conn.handshake(None, &[1, 1, 1, 1]);
        // "localhost" is another host name than 127.0.0.1.
        conn.send(&json!({"id": null, "method": "client.reconnect",
            "params": ["localhost", second_port, 0]}));
        let mut conn = Conn::accept(&second);
        conn.handshake(None, &[2, 2, 2, 2]);
        conn.set_difficulty(16);
        let job = PoolJob::new("there", 5, 16, &[2, 2, 2, 2], 0);
        conn.send(&job.notify(true));
        let mut seen = Seen::default();
        collect(&mut conn, &[&job], "there", 1, &[], &mut seen);
        while let Some(submit) = conn.next_submit() {
            conn.answer(&submit, false, json!([21, "Stale share", null]));
        }
        conn.failures
    });
    let miner = start(&["--pool", &url, "--shares", "1", "--allow-redirect"]);
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    let failures = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(0), "{context}");
    assert!(
        stdout.contains(&format!("asked to reconnect to localhost:{second_port}")),
        "{context}"
    );
}

#[test]
fn handshake_time_outs_leave_a_silent_pool() {
    // The defaults, as documented.
    let help = std::process::Command::new(common::miner())
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for option in ["--handshake-timeout", "--max-reconnect-wait"] {
        let mut lines = help.lines().skip_while(|l| !l.contains(option));
        let mut line = lines.next().unwrap_or_default().to_string();
        line.extend(lines.take_while(|l| !l.trim_start().starts_with('-')));
        assert!(line.contains("[default: 30]"), "{option}: {line}");
    }

    // A pool that answers mining.configure and mining.subscribe, then
    // nothing; one that answers everything but never sends a job.
    for answers_authorize in [false, true] {
        let (listener, url) = listener();
        let pool = thread::spawn(move || {
            let mut conn = Conn::accept(&listener);
            let configure = conn.expect("mining.configure");
            conn.send(&json!({"id": configure["id"], "result": {"version-rolling": false}, "error": null}));
            let subscribe = conn.expect("mining.subscribe");
            conn.send(
                &json!({"id": subscribe["id"], "error": null, "result": [[], "00000001", 4]}),
            );
            let authorize = conn.expect("mining.authorize");
            if answers_authorize {
                conn.send(&json!({"id": authorize["id"], "result": true, "error": null}));
            }
            // Pings keep the connection from being silent.
            for i in 0..40 {
                conn.send(&json!({"id": i, "method": "mining.ping", "params": []}));
                thread::sleep(Duration::from_millis(50));
            }
            while conn.next().is_some() {}
        });
        let miner = start(&["--pool", &url, "--handshake-timeout", "1", "--retries", "0"]);
        let (code, stdout, stderr) = miner.finish();
        let context = context(&stdout, &stderr);
        pool.join()
            .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
        assert_eq!(code, Some(1), "{context}");
        let expected = if answers_authorize {
            "no job within 1 s of connecting"
        } else {
            "no answer to mining.authorize within 1 s"
        };
        assert!(stderr.contains(expected), "{context}");
    }
}

/// Answers shares as stale until the miner leaves this connection.
fn until_gone(conn: &mut Conn) {
    while let Some(submit) = conn.next_submit() {
        conn.answer(&submit, false, json!([21, "Stale share", null]));
    }
}

/// One accepted share of a fresh job on `conn`, after the handshake.
fn one_share(conn: &mut Conn, job_id: &str, seed: u8, en1: &[u8]) {
    conn.handshake(Some(0x1fff_e000), en1);
    conn.set_difficulty(16);
    let job = PoolJob::new(job_id, seed, 16, en1, 0x1fff_e000);
    conn.send(&job.notify(true));
    let mut seen = Seen::default();
    collect(conn, &[&job], job_id, 1, &[], &mut seen);
}

#[test]
fn fails_over_to_the_second_pool_and_returns_to_the_first() {
    let (first, first_url) = listener();
    let (second, second_url) = listener();
    let pool_one = thread::spawn(move || {
        // Silent: reads the opening requests and says nothing.
        let mut conn = Conn::accept(&first);
        conn.expect("mining.configure");
        while conn.next().is_some() {}
        // Back: connections that only check it are skipped.
        let mut conn = Conn::accept_miner(&first);
        one_share(&mut conn, "one", 1, &[1, 1, 1, 1]);
        until_gone(&mut conn);
        conn.failures
    });
    let pool_two = thread::spawn(move || {
        let mut conn = Conn::accept(&second);
        one_share(&mut conn, "two", 2, &[2, 2, 2, 2]);
        until_gone(&mut conn);
        conn.failures
    });
    let miner = start(&[
        "-o",
        &first_url,
        "-o",
        &second_url,
        "--handshake-timeout",
        "1",
        "--failback",
        "1",
        "--shares",
        "2",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    for pool in [pool_one, pool_two] {
        let failures = pool
            .join()
            .unwrap_or_else(|_| panic!("a pool failed\n{context}"));
        assert!(failures.is_empty(), "{failures:#?}\n{context}");
    }
    assert_eq!(code, Some(0), "{context}");
    let (one, two) = (port(&first_url), port(&second_url));
    assert!(
        stderr.contains(&format!(
            "pool 1 (127.0.0.1:{one}) lost: no answer to mining.configure within 1 s; moving to pool 2 (127.0.0.1:{two})"
        )),
        "{context}"
    );
    assert!(
        stdout.contains(&format!("pool 1 (127.0.0.1:{one}) is back: leaving pool 2")),
        "{context}"
    );
    assert!(
        stdout.contains(&format!("pool 1 (127.0.0.1:{one}): 1 accepted"))
            && stdout.contains(&format!("pool 2 (127.0.0.1:{two}): 1 accepted")),
        "{context}"
    );
}

#[test]
fn fails_over_past_an_unreachable_pool_and_a_refused_user() {
    let (closed, closed_url) = listener();
    drop(closed);
    let (refusing, refusing_url) = listener();
    let (working, working_url) = listener();
    let refuser = thread::spawn(move || {
        let mut conn = Conn::accept(&refusing);
        let configure = conn.expect("mining.configure");
        conn.send(
            &json!({"id": configure["id"], "result": {"version-rolling": false}, "error": null}),
        );
        let subscribe = conn.expect("mining.subscribe");
        conn.send(&json!({"id": subscribe["id"], "error": null, "result": [[], "00000001", 4]}));
        let authorize = conn.expect("mining.authorize");
        conn.send(&json!({"id": authorize["id"], "result": null,
            "error": [24, "Unauthorized worker", null]}));
        while conn.next().is_some() {}
    });
    let worker = thread::spawn(move || {
        let mut conn = Conn::accept(&working);
        one_share(&mut conn, "w", 3, &[3, 3, 3, 3]);
        until_gone(&mut conn);
        conn.failures
    });
    let miner = start(&[
        "--pool",
        &closed_url,
        "--pool",
        &refusing_url,
        "--pool",
        &working_url,
        "--shares",
        "1",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    refuser
        .join()
        .unwrap_or_else(|_| panic!("the refusing pool failed\n{context}"));
    let failures = worker
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(0), "{context}");
    assert!(stderr.contains("cannot connect to 127.0.0.1:"), "{context}");
    assert!(
        stderr.contains("refused user u: 24: Unauthorized worker; moving to pool 3"),
        "{context}"
    );
    assert!(
        stdout.contains(&format!(
            "pool 3 (127.0.0.1:{}): 1 accepted",
            port(&working_url)
        )),
        "{context}"
    );
}

#[test]
fn a_reconnect_wait_is_spent_mining_on_the_next_pool() {
    let (first, first_url) = listener();
    let (second, second_url) = listener();
    let pool_one = thread::spawn(move || {
        let mut conn = Conn::accept(&first);
        one_share(&mut conn, "before", 4, &[4, 4, 4, 4]);
        // Come back in 2 s (the same host and port).
        let port = first.local_addr().unwrap().port();
        conn.send(&json!({"id": null, "method": "client.reconnect",
            "params": ["127.0.0.1", port, 2]}));
        until_gone(&mut conn);
        let mut conn = Conn::accept_miner(&first);
        one_share(&mut conn, "after", 5, &[5, 5, 5, 5]);
        until_gone(&mut conn);
        conn.failures
    });
    let pool_two = thread::spawn(move || {
        let mut conn = Conn::accept(&second);
        one_share(&mut conn, "meanwhile", 6, &[6, 6, 6, 6]);
        until_gone(&mut conn);
        conn.failures
    });
    let miner = start(&[
        "--pool",
        &first_url,
        "--pool",
        &second_url,
        "--failback",
        "1",
        "--shares",
        "3",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let context = context(&stdout, &stderr);
    for pool in [pool_one, pool_two] {
        let failures = pool
            .join()
            .unwrap_or_else(|_| panic!("a pool failed\n{context}"));
        assert!(failures.is_empty(), "{failures:#?}\n{context}");
    }
    assert_eq!(code, Some(0), "{context}");
    assert!(stdout.contains("in 2 s"), "{context}");
    assert!(stdout.contains("mining on pool 2"), "{context}");
    assert!(
        stdout.contains(&format!(
            "pool 1 (127.0.0.1:{}): 2 accepted",
            port(&first_url)
        )),
        "{context}"
    );
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
            json!({"id": null, "method": "mining.set_extranonce", "params": ["0102", 17]}),
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
