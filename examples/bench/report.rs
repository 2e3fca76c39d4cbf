//! The measurements turned into the report: rows with the derived columns
//! (cycles per nonce, floor, % of bound, thread-scaling efficiency, watts,
//! joules per GH), printed as a table, as Markdown, or as JSON.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha256d::Kernel;

use crate::compare::Comparison;
use crate::energy::{Powercap, Reading};
use crate::model;
use crate::probe::{Probe, Width};
use crate::scaling::{Run, Topology};
use crate::table::{cell, table};

/// What was measured: one of the crate's kernels, or a peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Kernel(Kernel),
    Peer(&'static str),
}

impl Subject {
    pub fn name(self) -> &'static str {
        match self {
            Subject::Kernel(kernel) => kernel.name(),
            Subject::Peer(name) => name.strip_prefix("peer/").unwrap_or(name),
        }
    }
}

/// Whether energy is measured, and if not, why.
pub enum EnergyStatus {
    Measured { powercap: Powercap, idle_watts: f64 },
    Unavailable(String),
}

/// One subject at one thread count, with the joules it used if measured.
pub struct Measurement {
    pub subject: Subject,
    pub threads: usize,
    pub run: Run,
    pub joules: Option<f64>,
}

/// The package power with nothing of ours running, over `duration`.
pub fn idle_watts(powercap: &Powercap, duration: Duration) -> Result<f64, String> {
    let before = powercap.read()?;
    let started = Instant::now();
    std::thread::sleep(duration);
    let after = powercap.read()?;
    Ok(powercap.joules(&before, &after) / started.elapsed().as_secs_f64())
}

/// Runs `run`, with energy readings around it when they are available.
/// A reading that fails after a good start leaves this row without
/// energy rather than failing the run.
pub fn measure(
    subject: Subject,
    threads: usize,
    energy: &EnergyStatus,
    run: impl FnOnce() -> Run,
) -> Measurement {
    let read = || -> Option<Reading> {
        match energy {
            EnergyStatus::Measured { powercap, .. } => powercap.read().ok(),
            EnergyStatus::Unavailable(_) => None,
        }
    };
    let before = read();
    let result = run();
    let after = read();
    let joules = match (energy, before, after) {
        (EnergyStatus::Measured { powercap, .. }, Some(b), Some(a)) => {
            Some(powercap.joules(&b, &a))
        }
        _ => None,
    };
    Measurement {
        subject,
        threads,
        run: result,
        joules,
    }
}

/// One line of the report.
#[derive(Clone, Debug)]
pub struct Row {
    pub name: String,
    pub peer: bool,
    pub threads: usize,
    pub mhs: f64,
    pub hashes: u64,
    pub seconds: f64,
    /// Core cycles per nonce: clock times the cores in use over the rate.
    pub cycles_per_nonce: Option<f64>,
    pub floor: Option<f64>,
    pub percent_of_bound: Option<f64>,
    /// MH/s per thread over that of the same subject's fewest threads.
    pub efficiency: Option<f64>,
    pub watts: Option<f64>,
    pub joules_per_gh: Option<f64>,
}

pub struct Report {
    pub rows: Vec<Row>,
    clock_mhz: f64,
    clock_source: &'static str,
    probe: Option<Probe>,
    topology: Topology,
    energy: EnergyStatus,
    identity: Value,
}

fn finite(x: f64) -> Option<f64> {
    Some(x).filter(|x| x.is_finite())
}

impl Report {
    pub fn new(
        measurements: Vec<Measurement>,
        clock_mhz: f64,
        clock_source: &'static str,
        probe: Option<Probe>,
        topology: Topology,
        energy: EnergyStatus,
        identity: Value,
    ) -> Report {
        let idle = match &energy {
            EnergyStatus::Measured { idle_watts, .. } => Some(*idle_watts),
            EnergyStatus::Unavailable(_) => None,
        };
        let rows = measurements
            .iter()
            .map(|m| {
                let mhs = m.run.hashes as f64 / m.run.seconds / 1e6;
                let cycles = finite(clock_mhz * topology.cores_used(m.threads) as f64 / mhs);
                let floor = match (m.subject, &probe) {
                    (Subject::Kernel(kernel), Some(probe)) => model::floor(kernel, probe),
                    _ => None,
                };
                let fewest = measurements
                    .iter()
                    .filter(|o| o.subject == m.subject)
                    .min_by_key(|o| o.threads)
                    .expect("m itself");
                let per_thread =
                    |o: &Measurement| o.run.hashes as f64 / o.run.seconds / o.threads as f64;
                let watts = m.joules.map(|j| j / m.run.seconds);
                Row {
                    name: m.subject.name().to_owned(),
                    peer: matches!(m.subject, Subject::Peer(_)),
                    threads: m.threads,
                    mhs,
                    hashes: m.run.hashes,
                    seconds: m.run.seconds,
                    cycles_per_nonce: cycles,
                    floor,
                    percent_of_bound: floor.zip(cycles).and_then(|(f, c)| finite(100.0 * f / c)),
                    efficiency: finite(per_thread(m) / per_thread(fewest)),
                    watts,
                    // Joules above the idle draw per 10^9 hashes.
                    joules_per_gh: watts
                        .zip(idle)
                        .and_then(|(w, idle)| finite((w - idle) / (mhs / 1e3))),
                }
            })
            .collect();
        Report {
            rows,
            clock_mhz,
            clock_source,
            probe,
            topology,
            energy,
            identity,
        }
    }

    /// The report for people: a few header lines, the probe, the table
    /// and the energy note; Markdown if `markdown`.
    pub fn text(&self, markdown: bool) -> String {
        let mut out = String::new();
        let bullet = if markdown { "- " } else { "" };
        let cpu = &self.identity["cpu"];
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let number = |v: &Value| v.as_u64().map_or("?".to_owned(), |n| n.to_string());
        let name = text(&cpu["model_name"]).unwrap_or_else(|| "unknown CPU".into());
        let _ = writeln!(
            out,
            "{bullet}CPU: {name} ({} family {} model {} stepping {}){}",
            text(&cpu["vendor"]).unwrap_or_else(|| std::env::consts::ARCH.into()),
            number(&cpu["family"]),
            number(&cpu["model"]),
            number(&cpu["stepping"]),
            if self.identity["virtualised"] == true {
                ", virtual machine (CPUID hypervisor bit)"
            } else {
                ""
            },
        );
        let _ = writeln!(out, "{bullet}topology: {}", self.topology.describe());
        if let Some(load) = self.identity["load_average_1min"].as_f64() {
            let _ = writeln!(
                out,
                "{bullet}load average before the run: {load:.2} (other work lowers every rate)"
            );
        }
        let _ = writeln!(
            out,
            "{bullet}clock: {:.0} MHz ({})",
            self.clock_mhz, self.clock_source
        );
        self.probe_text(&mut out, markdown);
        out.push('\n');

        let header = [
            "kernel",
            "threads",
            "MH/s",
            "efficiency",
            "cycles/nonce",
            "floor",
            "% of bound",
            "W",
            "J/GH",
        ];
        let energy_cell = |v: Option<f64>, decimals: usize| match (&self.energy, v) {
            (EnergyStatus::Unavailable(_), _) => "n/a".to_owned(),
            (_, v) => cell(v, decimals),
        };
        let rows: Vec<[String; 9]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    if r.peer {
                        format!("peer/{}", r.name)
                    } else {
                        r.name.clone()
                    },
                    r.threads.to_string(),
                    format!("{:.2}", r.mhs),
                    r.efficiency
                        .map_or("-".into(), |e| format!("{:.0}%", 100.0 * e)),
                    cell(r.cycles_per_nonce, 0),
                    cell(r.floor, 0),
                    r.percent_of_bound
                        .map_or("-".into(), |p| format!("{p:.0}%")),
                    energy_cell(r.watts, 1),
                    energy_cell(r.joules_per_gh, 2),
                ]
            })
            .collect();
        if rows.is_empty() {
            // --probe-only: the floors, and the rate each allows a core.
            let floors: Vec<[String; 3]> = self
                .floors()
                .into_iter()
                .map(|(kernel, floor)| {
                    [
                        kernel.name().to_owned(),
                        cell(floor, 0),
                        cell(floor.map(|f| self.clock_mhz / f), 2),
                    ]
                })
                .collect();
            table(
                &mut out,
                &["kernel", "floor (cycles/nonce)", "ceiling MH/s per core"],
                &floors,
                markdown,
            );
            return out;
        }
        table(&mut out, &header, &rows, markdown);
        out.push('\n');
        match &self.energy {
            EnergyStatus::Unavailable(reason) => {
                let _ = writeln!(out, "{bullet}energy (W, J/GH): not measured: {reason}.");
            }
            EnergyStatus::Measured {
                powercap,
                idle_watts,
            } => {
                let _ = writeln!(
                    out,
                    "{bullet}energy: package counters {} in {}; W is the package power during \
                     the run, J/GH the energy above the idle draw ({idle_watts:.1} W, measured \
                     first) per 10^9 hashes.",
                    powercap.zone_names().join(", "),
                    powercap.root().display()
                );
            }
        }
        let _ = writeln!(
            out,
            "{bullet}cycles/nonce: per core in use (threads beyond the {} physical cores share \
             one); floor: the fewest cycles the probed instructions allow \
             (docs/benchmarking.md); efficiency: MH/s per thread against the fewest threads.",
            self.topology.cores
        );
        out
    }

    /// Every available kernel's floor, cycles per nonce.
    fn floors(&self) -> Vec<(Kernel, Option<f64>)> {
        Kernel::available()
            .map(|k| (k, self.probe.as_ref().and_then(|p| model::floor(k, p))))
            .collect()
    }

    fn probe_text(&self, out: &mut String, markdown: bool) {
        let bullet = if markdown { "- " } else { "" };
        let Some(probe) = &self.probe else {
            let _ = writeln!(
                out,
                "{bullet}probe: none on this architecture (x86-64 only); no floors"
            );
            return;
        };
        let _ = writeln!(
            out,
            "{bullet}probe ({:.2} s), cycles per instruction (throughput; latency where said):",
            probe.seconds
        );
        if let Some(sha) = probe.sha {
            let _ = writeln!(
                out,
                "{bullet}SHA256RNDS2 latency {:.2}, throughput {:.2}; SHA256MSG1 {:.2}; \
                 SHA256MSG2 {:.2}; 5 RNDS2 + MSG1 + MSG2 together {:.2}",
                sha.rnds2_latency, sha.rnds2, sha.msg1, sha.msg2, sha.mix
            );
            let _ = writeln!(
                out,
                "{bullet}sha-ni RNDS2 chain per nonce (61 x latency / streams): 2 streams {:.0}, \
                 4 streams {:.0}, 8 streams {:.0} cycles",
                model::sha_ni_chain_floor(sha.rnds2_latency, 2),
                model::sha_ni_chain_floor(sha.rnds2_latency, 4),
                model::sha_ni_chain_floor(sha.rnds2_latency, 8),
            );
        }
        out.push('\n');
        let rows: Vec<[String; 6]> = probe
            .units
            .iter()
            .map(|u| {
                [
                    u.width.name().to_owned(),
                    format!("{:.2}", u.add),
                    format!("{:.2}", u.logic),
                    format!("{:.2}", u.shift),
                    cell(u.rotate, 2),
                    cell(u.ternlog, 2),
                ]
            })
            .collect();
        table(
            out,
            &["width", "add", "xor", "shift", "rotate", "ternlog"],
            &rows,
            markdown,
        );
    }

    /// The report for machines (`docs/benchmarking.md` lists the fields).
    pub fn json(&self, comparison: Option<&Comparison>) -> Value {
        let probe = self.probe.as_ref().map(|p| {
            json!({
                "clock_mhz": p.clock_mhz,
                "seconds": p.seconds,
                "sha": p.sha.map(|s| json!({
                    "rnds2_latency": s.rnds2_latency,
                    "rnds2": s.rnds2,
                    "msg1": s.msg1,
                    "msg2": s.msg2,
                    "mix_5_1_1": s.mix,
                })),
                "units": p.units.iter().map(|u| json!({
                    "width": match u.width {
                        Width::Gpr32 => "gpr32",
                        Width::Xmm => "128",
                        Width::Ymm => "256",
                        Width::Zmm => "512",
                    },
                    "add": u.add,
                    "logic": u.logic,
                    "shift": u.shift,
                    "rotate": u.rotate,
                    "ternlog": u.ternlog,
                })).collect::<Vec<_>>(),
            })
        });
        let energy = match &self.energy {
            EnergyStatus::Measured {
                powercap,
                idle_watts,
            } => json!({
                "measured": true,
                "zones": powercap.zone_names(),
                "idle_watts": idle_watts,
            }),
            EnergyStatus::Unavailable(reason) => json!({"measured": false, "reason": reason}),
        };
        let results: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                json!({
                    "kernel": r.name,
                    "peer": r.peer,
                    "threads": r.threads,
                    "mhs": r.mhs,
                    "efficiency": r.efficiency,
                    "cycles_per_nonce": r.cycles_per_nonce,
                    "floor_cycles_per_nonce": r.floor,
                    "percent_of_bound": r.percent_of_bound,
                    "watts": r.watts,
                    "joules_per_gh": r.joules_per_gh,
                    "seconds": r.seconds,
                    "hashes": r.hashes,
                    "criterion": criterion_id(r),
                })
            })
            .collect();
        let mut report = json!({
            "format": crate::compare::FORMAT,
            "identity": self.identity,
            "topology": {
                "logical_cpus": self.topology.logical,
                "physical_cores": self.topology.cores,
                "threads_per_core": self.topology.threads_per_core(),
                "source": self.topology.source,
            },
            "clock_mhz": self.clock_mhz,
            "clock_source": self.clock_source,
            "probe": probe,
            "energy": energy,
            "floors": self
                .floors()
                .into_iter()
                .map(|(k, f)| (k.name().to_owned(), json!(f)))
                .collect::<serde_json::Map<_, _>>(),
            "results": results,
        });
        if let Some(comparison) = comparison {
            report["comparison"] = comparison.json();
        }
        report
    }
}

/// The name `cargo bench` gives the same measurement: one thread in
/// `benches/search.rs`, more (the best kernel only) in
/// `benches/parallel.rs`.
fn criterion_id(row: &Row) -> Option<String> {
    match (row.peer, row.threads) {
        (true, 1) => Some(format!("nonce_search/peer/{}", row.name)),
        (false, 1) => Some(format!("nonce_search/{}", row.name)),
        (false, threads) if row.name == Kernel::best().name() => {
            Some(format!("parallel_search/{}/{threads}", row.name))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Baseline;
    use crate::probe::Sha;

    fn measurement(
        kernel: Kernel,
        threads: usize,
        hashes: u64,
        joules: Option<f64>,
    ) -> Measurement {
        Measurement {
            subject: Subject::Kernel(kernel),
            threads,
            run: Run {
                hashes,
                seconds: 2.0,
            },
            joules,
        }
    }

    fn report(energy: EnergyStatus, joules: [Option<f64>; 2]) -> Report {
        let probe = Probe {
            clock_mhz: 4000.0,
            sha: Some(Sha {
                rnds2_latency: 4.0,
                rnds2: 2.0,
                msg1: 0.5,
                msg2: 2.0,
                mix: 10.0,
            }),
            units: Vec::new(),
            seconds: 0.1,
        };
        let topology = Topology {
            logical: 4,
            cores: 2,
            source: "sysfs",
        };
        Report::new(
            vec![
                // 20 and 30 MH/s.
                measurement(Kernel::ShaNi, 1, 40_000_000, joules[0]),
                measurement(Kernel::ShaNi, 4, 60_000_000, joules[1]),
            ],
            4000.0,
            "measured",
            Some(probe),
            topology,
            energy,
            serde_json::json!({"cpu": {"model_name": "Test CPU"}}),
        )
    }

    #[test]
    fn derived_columns() {
        let report = report(
            EnergyStatus::Unavailable("no counters here".into()),
            [None; 2],
        );
        let [one, four] = [&report.rows[0], &report.rows[1]];
        // 4000 MHz over 20 MH/s on one core; 4000 x 2 cores (four
        // threads, two cores) over 30 MH/s.
        assert_eq!(one.cycles_per_nonce, Some(200.0));
        assert!((four.cycles_per_nonce.unwrap() - 8000.0 / 30.0).abs() < 1e-9);
        // SHA-NI floor: 61 SHA256RNDS2 at 2 cycles (the mix, 61/5 x 10,
        // is the same).
        assert_eq!(one.floor, Some(122.0));
        assert_eq!(one.percent_of_bound, Some(61.0));
        assert_eq!(one.efficiency, Some(1.0));
        assert_eq!(four.efficiency, Some(7.5 / 20.0));
        let text = report.text(true);
        assert!(
            text.contains("| sha-ni | 1 | 20.00 | 100% | 200 | 122 | 61% | n/a | n/a |"),
            "{text}"
        );
        assert!(text.contains("not measured: no counters here"), "{text}");
    }

    #[test]
    fn energy_columns_subtract_the_idle_draw() {
        let dir = std::env::temp_dir().join(format!("sha256d-bench-report-{}", std::process::id()));
        let zone = dir.join("intel-rapl:0");
        std::fs::create_dir_all(&zone).expect("fake tree");
        std::fs::write(zone.join("energy_uj"), "0\n").expect("write");
        std::fs::write(zone.join("max_energy_range_uj"), "1000000000\n").expect("write");
        let powercap = Powercap::open(&dir).expect("fake tree");
        let _ = std::fs::remove_dir_all(&dir);
        let energy = EnergyStatus::Measured {
            powercap,
            idle_watts: 10.0,
        };
        // 60 J in 2 s: 30 W, 20 W above idle, at 0.02 GH/s: 1000 J/GH.
        let report = report(energy, [Some(60.0), None]);
        assert_eq!(report.rows[0].watts, Some(30.0));
        let j = report.rows[0].joules_per_gh.expect("J/GH");
        assert!((j - 1000.0).abs() < 1e-6, "{j}");
        // A row whose reading failed has no energy, and says "-".
        assert_eq!(report.rows[1].watts, None);
        assert!(report.text(false).contains("package counters intel-rapl:0"));
    }

    /// The JSON report is a baseline `--compare` reads: comparing a run
    /// with itself gives ratio 1 everywhere.
    #[test]
    fn json_round_trips_through_compare() {
        let report = report(EnergyStatus::Unavailable("none".into()), [None; 2]);
        let json = report.json(None).to_string();
        let baseline = Baseline::parse(&json).expect("own JSON");
        let comparison = baseline.compare(&report.rows).json();
        let ratios: Vec<f64> = comparison["results"]
            .as_array()
            .expect("array")
            .iter()
            .map(|r| r["ratio"].as_f64().expect("ratio"))
            .collect();
        assert_eq!(ratios, [1.0, 1.0]);
        assert_eq!(comparison["baseline_cpu"], "Test CPU");
    }
}
