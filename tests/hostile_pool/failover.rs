//! Several `--pool`s.

use std::thread;

use serde_json::json;

use crate::loopback_pool::*;
use crate::*;

#[test]
fn fails_over_to_the_second_pool_and_returns_to_the_first() {
    let (first, first_url) = listener();
    let (second, second_url) = listener();
    let pool_one = thread::spawn(move || {
        // Silent: reads the opening requests and says nothing; again on
        // the first return (connections that only check that it is back
        // are skipped).
        let mut conn = Conn::accept(&first);
        conn.expect("mining.configure");
        while conn.next().is_some() {}
        let mut conn = Conn::accept_miner(&first);
        while conn.next().is_some() {}
        // Working on the second return.
        let mut conn = Conn::accept_miner(&first);
        one_share(&mut conn, "one", 1, &[1, 1, 1, 1]);
        until_gone(&mut conn);
        conn.failures
    });
    let pool_two = thread::spawn(move || {
        let mut conn = Conn::accept(&second);
        one_share(&mut conn, "two", 2, &[2, 2, 2, 2]);
        if conn.password != "pass" {
            conn.failures
                .push(format!("password {:?} (-p pass)", conn.password));
        }
        until_gone(&mut conn);
        // The miner comes back while the first pool fails again.
        let mut failures = conn.failures;
        let mut conn = Conn::accept(&second);
        conn.handshake(Some(0x1fff_e000), &[2, 2, 2, 2]);
        conn.set_difficulty(16);
        conn.send(&PoolJob::new("two-b", 3, 16, &[2, 2, 2, 2], 0x1fff_e000).notify(true));
        until_gone(&mut conn);
        failures.append(&mut conn.failures);
        failures
    });
    let miner = start(&[
        "-o",
        &first_url,
        "-o",
        &second_url,
        "-p",
        "pass",
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
    // The failed return: the next check waits --failback, then twice that.
    assert!(
        stderr.contains(&format!(
            "pool 1 (127.0.0.1:{one}) failed again after a return; next check in 1 s"
        )),
        "{context}"
    );
    for event in ["connected to", "new job", "share accepted", "is back"] {
        assert_timestamped(&stdout, event);
    }
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
