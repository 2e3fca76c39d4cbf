//! Lines that are not UTF-8, and pool text meant for the terminal.

use std::thread;

use serde_json::json;

use crate::loopback_pool::*;
use crate::*;

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
    assert_timestamped(&stdout, "share rejected");
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
