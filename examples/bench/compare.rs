//! `--compare BASELINE.json`: this run's MH/s over a saved report's, per
//! kernel (or peer) and thread count, for two machines or two versions of
//! the crate.
//!
//! The baseline file is input from elsewhere, so it is read strictly: at
//! most [`MAX_BYTES`], JSON with a `results` array whose entries have a
//! short printable `kernel` name, a `threads` count from 1 and a finite,
//! non-negative `mhs` (the `peer` flag defaults to false, which also reads
//! the reports of earlier versions of this example). Anything else is an
//! error naming the entry.

use std::fmt::Write as _;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde_json::{Value, json};

use crate::report::Row;
use crate::table::table;

/// The `format` field of this example's JSON reports.
pub const FORMAT: &str = "sha256d-bench/1";

/// Largest baseline file read.
const MAX_BYTES: u64 = 4 << 20;

/// One measurement of the baseline.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    kernel: String,
    peer: bool,
    threads: u64,
    mhs: f64,
}

/// A saved report: its CPU's name, if it has one, and its measurements.
#[derive(Debug)]
pub struct Baseline {
    cpu: Option<String>,
    entries: Vec<Entry>,
}

impl Baseline {
    /// Reads and checks a report saved with `--json`.
    ///
    /// # Errors
    /// What is wrong with the file, as one line.
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let mut text = String::new();
        File::open(path)
            .and_then(|f| f.take(MAX_BYTES + 1).read_to_string(&mut text))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if text.len() as u64 > MAX_BYTES {
            return Err(format!("{}: larger than {MAX_BYTES} bytes", path.display()));
        }
        Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub(crate) fn parse(text: &str) -> Result<Baseline, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if let Some(format) = value.get("format").filter(|f| *f != FORMAT) {
            return Err(format!(
                "unknown format {format} (this example writes {FORMAT:?})"
            ));
        }
        let results = value
            .get("results")
            .and_then(Value::as_array)
            .ok_or("no \"results\" array")?;
        let entries = results
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let bad = |what: &str| format!("results[{i}]: {what}");
                let kernel = r
                    .get("kernel")
                    .and_then(Value::as_str)
                    .filter(|k| {
                        !k.is_empty() && k.len() <= 64 && k.bytes().all(|b| b.is_ascii_graphic())
                    })
                    .ok_or_else(|| bad("\"kernel\" must be a short printable name"))?;
                let peer = match r.get("peer") {
                    None => false,
                    Some(p) => p
                        .as_bool()
                        .ok_or_else(|| bad("\"peer\" must be true or false"))?,
                };
                let threads = r
                    .get("threads")
                    .and_then(Value::as_u64)
                    .filter(|&t| t >= 1)
                    .ok_or_else(|| bad("\"threads\" must be a count from 1"))?;
                let mhs = r
                    .get("mhs")
                    .and_then(Value::as_f64)
                    .filter(|m| m.is_finite() && *m >= 0.0)
                    .ok_or_else(|| bad("\"mhs\" must be a finite number from 0"))?;
                Ok(Entry {
                    kernel: kernel.to_owned(),
                    peer,
                    threads,
                    mhs,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let cpu = value
            .pointer("/identity/cpu/model_name")
            .and_then(Value::as_str)
            .map(|s| s.chars().filter(|c| !c.is_control()).take(100).collect());
        Ok(Baseline { cpu, entries })
    }

    /// Pairs this run's rows with the baseline's entries.
    pub fn compare(&self, rows: &[Row]) -> Comparison {
        let lines = rows
            .iter()
            .map(|row| {
                let base = self.entries.iter().find(|e| {
                    e.kernel == row.name && e.peer == row.peer && e.threads == row.threads as u64
                });
                Line {
                    name: row.name.clone(),
                    peer: row.peer,
                    threads: row.threads,
                    baseline_mhs: base.map(|e| e.mhs),
                    mhs: row.mhs,
                }
            })
            .collect();
        Comparison {
            baseline_cpu: self.cpu.clone(),
            lines,
        }
    }
}

struct Line {
    name: String,
    peer: bool,
    threads: usize,
    baseline_mhs: Option<f64>,
    mhs: f64,
}

impl Line {
    fn ratio(&self) -> Option<f64> {
        self.baseline_mhs
            .map(|b| self.mhs / b)
            .filter(|r| r.is_finite())
    }
}

/// This run against the baseline.
pub struct Comparison {
    baseline_cpu: Option<String>,
    lines: Vec<Line>,
}

impl Comparison {
    pub fn text(&self, markdown: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}against the baseline{}: ratio = this run's MH/s over the baseline's",
            if markdown { "- " } else { "" },
            self.baseline_cpu
                .as_ref()
                .map_or(String::new(), |cpu| format!(" ({cpu})"))
        );
        out.push('\n');
        let rows: Vec<[String; 5]> = self
            .lines
            .iter()
            .map(|l| {
                [
                    if l.peer {
                        format!("peer/{}", l.name)
                    } else {
                        l.name.clone()
                    },
                    l.threads.to_string(),
                    l.baseline_mhs
                        .map_or("not in baseline".into(), |b| format!("{b:.2}")),
                    format!("{:.2}", l.mhs),
                    l.ratio().map_or("-".into(), |r| format!("{r:.3}")),
                ]
            })
            .collect();
        table(
            &mut out,
            &["kernel", "threads", "baseline MH/s", "MH/s", "ratio"],
            &rows,
            markdown,
        );
        out
    }

    pub fn json(&self) -> Value {
        json!({
            "baseline_cpu": self.baseline_cpu,
            "results": self.lines.iter().map(|l| json!({
                "kernel": l.name,
                "peer": l.peer,
                "threads": l.threads,
                "baseline_mhs": l.baseline_mhs,
                "mhs": l.mhs,
                "ratio": l.ratio(),
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, peer: bool, threads: usize, mhs: f64) -> Row {
        Row {
            name: name.into(),
            peer,
            threads,
            mhs,
            hashes: (mhs * 1e6) as u64,
            seconds: 1.0,
            cycles_per_nonce: None,
            floor: None,
            percent_of_bound: None,
            efficiency: None,
            watts: None,
            joules_per_gh: None,
        }
    }

    #[test]
    fn ratios_by_kernel_peer_and_threads() {
        let baseline = Baseline::parse(&format!(
            r#"{{"format": "{FORMAT}", "identity": {{"cpu": {{"model_name": "CPU A"}}}},
               "results": [
                 {{"kernel": "sha-ni", "peer": false, "threads": 1, "mhs": 20.0}},
                 {{"kernel": "sha-ni", "peer": false, "threads": 2, "mhs": 40.0}},
                 {{"kernel": "sha2-compress256", "peer": true, "threads": 1, "mhs": 8.0}}
               ]}}"#
        ))
        .expect("baseline");
        let rows = [
            row("sha-ni", false, 1, 30.0),
            row("sha-ni", false, 4, 80.0),
            row("sha2-compress256", true, 1, 10.0),
            row("sha2-compress256", false, 1, 10.0),
        ];
        let json = baseline.compare(&rows).json();
        let ratios: Vec<Option<f64>> = json["results"]
            .as_array()
            .expect("array")
            .iter()
            .map(|r| r["ratio"].as_f64())
            .collect();
        assert_eq!(ratios, [Some(1.5), None, Some(1.25), None]);
        assert_eq!(json["baseline_cpu"], "CPU A");
        let text = baseline.compare(&rows).text(true);
        assert!(
            text.contains("| sha-ni | 1 | 20.00 | 30.00 | 1.500 |"),
            "{text}"
        );
        assert!(text.contains("not in baseline"), "{text}");
    }

    #[test]
    fn bad_baselines_are_refused() {
        for (text, expected) in [
            ("[1, 2", "not JSON"),
            (r#"{"results": 3}"#, "no \"results\" array"),
            (r#"{"format": "other/9", "results": []}"#, "unknown format"),
            (
                r#"{"results": [{"kernel": "a b", "threads": 1, "mhs": 1}]}"#,
                "results[0]: \"kernel\"",
            ),
            (
                r#"{"results": [{"kernel": "x", "threads": 0, "mhs": 1}]}"#,
                "\"threads\"",
            ),
            (
                r#"{"results": [{"kernel": "x", "threads": 1, "mhs": -1}]}"#,
                "\"mhs\"",
            ),
            (
                r#"{"results": [{"kernel": "x", "threads": 1, "mhs": 1, "peer": 1}]}"#,
                "\"peer\"",
            ),
        ] {
            let error = Baseline::parse(text).expect_err(text);
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
