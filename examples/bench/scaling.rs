//! Thread scaling: the machine's topology, the default thread counts, and
//! the timed runs of a kernel or a peer on a number of threads.

use std::collections::BTreeSet;
use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use sha256d::parallel::ParallelSearch;
use sha256d::{Engine, NonceRange, SearchJob};

/// Logical CPUs, physical cores and how many logical CPUs share a core.
#[derive(Clone, Copy, Debug)]
pub struct Topology {
    pub logical: usize,
    pub cores: usize,
    /// Where `cores` came from: `sysfs`, or `assumed` (one core per
    /// logical CPU) where the OS does not say.
    pub source: &'static str,
}

impl Topology {
    pub fn detect() -> Topology {
        let logical = thread::available_parallelism().map_or(1, |n| n.get());
        match sysfs_cores() {
            Some(cores) if cores > 0 && cores <= logical => Topology {
                logical,
                cores,
                source: "sysfs",
            },
            _ => Topology {
                logical,
                cores: logical,
                source: "assumed",
            },
        }
    }

    /// Logical CPUs per physical core (SMT siblings), rounded up.
    pub fn threads_per_core(&self) -> usize {
        self.logical.div_ceil(self.cores)
    }

    /// Cores that `threads` busy threads occupy, at best one each.
    pub fn cores_used(&self, threads: usize) -> usize {
        threads.min(self.cores).max(1)
    }

    pub fn describe(&self) -> String {
        let per_core = self.threads_per_core();
        format!(
            "{} logical CPUs, {} physical cores, {} thread{} per core{}",
            self.logical,
            self.cores,
            per_core,
            if per_core == 1 { "" } else { "s (SMT)" },
            if self.source == "assumed" {
                " (assumed: the OS does not say)"
            } else {
                ""
            }
        )
    }
}

/// Distinct (package, core) pairs among the online CPUs, on Linux.
fn sysfs_cores() -> Option<usize> {
    let mut cores = BTreeSet::new();
    for entry in fs::read_dir("/sys/devices/system/cpu").ok()?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(n) = name.strip_prefix("cpu") else {
            continue;
        };
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let topology = entry.path().join("topology");
        let read = |file: &str| -> Option<u32> {
            fs::read_to_string(topology.join(file))
                .ok()?
                .trim()
                .parse()
                .ok()
        };
        // Offline CPUs have no topology directory.
        if let (Some(package), Some(core)) = (read("physical_package_id"), read("core_id")) {
            cores.insert((package, core));
        }
    }
    Some(cores.len())
}

/// 1, 2, 4, ... below `logical`, then `logical` itself.
pub fn default_counts(logical: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = std::iter::successors(Some(1usize), |n| n.checked_mul(2))
        .take_while(|&n| n < logical)
        .collect();
    counts.push(logical.max(1));
    counts
}

/// Hashes done in a timed run.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub hashes: u64,
    pub seconds: f64,
}

/// Runs `engine` on `threads` threads for about `duration`, starting over
/// at nonce 0 whenever it runs through the whole nonce space.
pub fn run_kernel(engine: Engine, threads: usize, job: &SearchJob, duration: Duration) -> Run {
    let time_up = AtomicBool::new(false);
    let search = ParallelSearch::new(engine)
        .threads(threads)
        .cancel_flag(&time_up);
    let started = Instant::now();
    let hashes = thread::scope(|scope| {
        scope.spawn(|| {
            thread::sleep(duration);
            time_up.store(true, Ordering::Relaxed);
        });
        let mut hashes = 0;
        while !time_up.load(Ordering::Relaxed) {
            hashes += search.search(job, NonceRange::FULL).hashed;
        }
        hashes
    });
    Run {
        hashes,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Nonces a peer hashes between two looks at the clock.
const PEER_CHUNK: u32 = 1 << 16;

/// Runs a peer's `search(start, count)` on `threads` threads for about
/// `duration`, each thread on its own nonces.
pub fn run_peer(
    threads: usize,
    duration: Duration,
    search: impl Fn(u32, u32) -> u32 + Sync,
) -> Run {
    let time_up = AtomicBool::new(false);
    let started = Instant::now();
    let hashes: u64 = thread::scope(|scope| {
        scope.spawn(|| {
            thread::sleep(duration);
            time_up.store(true, Ordering::Relaxed);
        });
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (search, time_up) = (&search, &time_up);
                scope.spawn(move || {
                    let mut start = (t as u32).wrapping_mul(1 << 28);
                    let mut hashes = 0u64;
                    while !time_up.load(Ordering::Relaxed) {
                        std::hint::black_box(search(start, PEER_CHUNK));
                        start = start.wrapping_add(PEER_CHUNK);
                        hashes += u64::from(PEER_CHUNK);
                    }
                    hashes
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("peer thread"))
            .sum()
    });
    Run {
        hashes,
        seconds: started.elapsed().as_secs_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_counts_double_up_to_all() {
        assert_eq!(default_counts(1), [1]);
        assert_eq!(default_counts(2), [1, 2]);
        assert_eq!(default_counts(6), [1, 2, 4, 6]);
        assert_eq!(default_counts(8), [1, 2, 4, 8]);
    }
}
