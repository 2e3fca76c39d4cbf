//! `client.reconnect` and the handshake time-outs.

use std::thread;
use std::time::Duration;

use serde_json::json;

use crate::loopback_pool::*;
use crate::*;

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
    assert_timestamped(&stdout, "asked to reconnect");
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
