//! Plain hashing next to its peers, each group measured in one run:
//!
//! - `sha256`: one message of 64 B, 80 B, 1 KiB and 64 KiB with the
//!   crate's best compression and the forced scalar one, `sha2` and
//!   `bitcoin_hashes`;
//! - `sha256d-header`: the SHA-256d of one 80-byte header (`sha2` as two
//!   calls);
//! - `many-headers` and `many-txids`: SHA-256d of 1,024 messages of 80 and
//!   32 bytes through the many-message path of every kernel, next to one
//!   message at a time (this crate, `sha2`, `bitcoin_hashes`);
//! - `header-chain`: checking the 8,065 consecutive mainnet headers of the
//!   test vectors (links and proof of work) with every kernel, next to the
//!   same checks in a loop over `bitcoin_hashes`.

use std::hint::black_box;

use bitcoin_hashes::{sha256 as bh_sha256, sha256d as bh_sha256d};
use criterion::{BenchmarkId, Throughput, criterion_group, criterion_main};
use sha2::Digest as _;
use sha256d::{CompactTarget, Engine, Target};

#[cfg(unix)]
mod cpu_time {
    //! Criterion measurement of the benchmark thread's CPU time
    //! (`CLOCK_THREAD_CPUTIME_ID`): on a machine shared with other busy
    //! processes, wall-clock time also counts the time the thread waits
    //! for a core, which differs from one benchmark to the next.

    use std::time::Duration;

    use criterion::measurement::{Measurement, ValueFormatter, WallTime};

    pub struct ThreadTime;

    fn now() -> Duration {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec for the call.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }

    /// Durations print as criterion prints wall-clock time.
    static FORMAT: WallTime = WallTime;

    impl Measurement for ThreadTime {
        type Intermediate = Duration;
        type Value = Duration;
        fn start(&self) -> Duration {
            now()
        }
        fn end(&self, start: Duration) -> Duration {
            now().saturating_sub(start)
        }
        fn add(&self, a: &Duration, b: &Duration) -> Duration {
            *a + *b
        }
        fn zero(&self) -> Duration {
            Duration::ZERO
        }
        fn to_f64(&self, value: &Duration) -> f64 {
            value.as_nanos() as f64
        }
        fn formatter(&self) -> &dyn ValueFormatter {
            FORMAT.formatter()
        }
    }
}

#[cfg(unix)]
type Criterion = criterion::Criterion<cpu_time::ThreadTime>;
#[cfg(not(unix))]
type Criterion = criterion::Criterion;

fn config() -> Criterion {
    #[cfg(unix)]
    return criterion::Criterion::default().with_measurement(cpu_time::ThreadTime);
    #[cfg(not(unix))]
    criterion::Criterion::default()
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 131 + 7) as u8).collect()
}

fn one_message(c: &mut Criterion) {
    let mut group = c.benchmark_group("sha256");
    let scalar = Engine::scalar();
    for len in [64usize, 80, 1024, 64 * 1024] {
        let data = data(len);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("sha256d", len), &data, |b, data| {
            b.iter(|| sha256d::sha256(black_box(data)))
        });
        group.bench_with_input(
            BenchmarkId::new("sha256d-streaming", len),
            &data,
            |b, data| {
                b.iter(|| {
                    let mut hasher = sha256d::Sha256::new();
                    hasher.update(black_box(data));
                    hasher.finalize()
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("sha256d-scalar", len), &data, |b, data| {
            b.iter(|| scalar.sha256(black_box(data)))
        });
        group.bench_with_input(BenchmarkId::new("peer/sha2", len), &data, |b, data| {
            b.iter(|| sha2::Sha256::digest(black_box(data)))
        });
        group.bench_with_input(
            BenchmarkId::new("peer/bitcoin_hashes", len),
            &data,
            |b, data| b.iter(|| bh_sha256::Hash::hash(black_box(data))),
        );
    }
    group.finish();
}

fn one_header(c: &mut Criterion) {
    let header = data(80);
    let mut group = c.benchmark_group("sha256d-header");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sha256d", |b| {
        b.iter(|| sha256d::sha256d(black_box(&header)))
    });
    group.bench_function("sha256d-scalar", |b| {
        let scalar = Engine::scalar();
        b.iter(|| scalar.sha256d(black_box(&header)))
    });
    group.bench_function("peer/sha2-two-calls", |b| {
        b.iter(|| sha2::Sha256::digest(sha2::Sha256::digest(black_box(&header))))
    });
    group.bench_function("peer/bitcoin_hashes", |b| {
        b.iter(|| bh_sha256d::Hash::hash(black_box(&header)))
    });
    group.finish();
}

/// Messages per measured iteration of the many-message groups.
const MESSAGES: usize = 1024;

fn many<const L: usize>(c: &mut Criterion, name: &str) {
    let flat = data(MESSAGES * L);
    let messages: Vec<[u8; L]> = flat
        .chunks_exact(L)
        .map(|m| m.try_into().expect("L bytes"))
        .collect();
    let mut out = vec![[0u8; 32]; MESSAGES];
    let mut typed = vec![sha256d::Sha256dHash::default(); MESSAGES];
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(MESSAGES as u64));
    for engine in Engine::available() {
        // One output per message: the timed calls hash, not return an error.
        engine
            .sha256d_each(&messages, &mut typed)
            .expect("one output per message");
        group.bench_function(format!("many/{}", engine.kernel()), |b| {
            b.iter(|| engine.sha256d_each(black_box(&messages), &mut typed))
        });
    }
    group.bench_function("one-at-a-time/sha256d", |b| {
        b.iter(|| {
            for (m, o) in black_box(&messages).iter().zip(out.iter_mut()) {
                *o = sha256d::sha256d(m).into();
            }
        })
    });
    group.bench_function("peer/sha2-one-at-a-time", |b| {
        b.iter(|| {
            for (m, o) in black_box(&messages).iter().zip(out.iter_mut()) {
                *o = sha2::Sha256::digest(sha2::Sha256::digest(m)).into();
            }
        })
    });
    group.bench_function("peer/bitcoin_hashes-one-at-a-time", |b| {
        b.iter(|| {
            for (m, o) in black_box(&messages).iter().zip(out.iter_mut()) {
                *o = bh_sha256d::Hash::hash(m).to_byte_array();
            }
        })
    });
    if L == 64 {
        group.bench_function("peer/bitcoin_hashes-hash_64_many", |b| {
            let inputs: Vec<[u8; 64]> = flat
                .chunks_exact(64)
                .map(|m| m.try_into().expect("64 bytes"))
                .collect();
            b.iter(|| bh_sha256d::Hash::hash_64_many(&mut out, black_box(&inputs)))
        });
    }
    group.finish();
}

fn many_messages(c: &mut Criterion) {
    many::<80>(c, "many-headers");
    many::<32>(c, "many-txids");
    many::<64>(c, "many-64");
}

/// The 8,065 consecutive mainnet headers of the test vectors.
fn chain() -> Vec<[u8; 80]> {
    include_str!("../tests/vectors/mainnet-822528-830592-headers.txt")
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(_, hex)| sha256d::hex::decode_array(hex.trim()).expect("header hex"))
        .collect()
}

/// The same checks as `Engine::check_header_chain`, one header at a time
/// with `bitcoin_hashes`: the link to the previous hash, the target from
/// the `bits` field (remembered while it stays the same), the hash against
/// it. Returns the index of the first failure.
fn bitcoin_hashes_chain(headers: &[[u8; 80]]) -> Option<usize> {
    let mut previous: Option<[u8; 32]> = None;
    let mut cached: Option<(u32, Target)> = None;
    for (index, header) in headers.iter().enumerate() {
        if previous.is_some_and(|p| p[..] != header[4..36]) {
            return Some(index);
        }
        let bits = u32::from_le_bytes(header[72..76].try_into().expect("4 bytes"));
        let target = match cached {
            Some((b, t)) if b == bits => t,
            _ => {
                let t = CompactTarget::from_consensus(bits).to_target().ok()?;
                cached = Some((bits, t));
                t
            }
        };
        let hash = bh_sha256d::Hash::hash(header).to_byte_array();
        if !target.is_met_by(&hash) {
            return Some(index);
        }
        previous = Some(hash);
    }
    None
}

fn header_chain(c: &mut Criterion) {
    let headers = chain();
    assert_eq!(headers.len(), 8065);
    assert_eq!(bitcoin_hashes_chain(&headers), None);
    let mut group = c.benchmark_group("header-chain");
    group.throughput(Throughput::Elements(headers.len() as u64));
    let typed: Vec<sha256d::BlockHeader> = headers
        .iter()
        .map(sha256d::BlockHeader::from_bytes)
        .collect();
    for engine in Engine::available() {
        assert!(engine.check_header_chain(None, &typed).is_ok());
        group.bench_function(engine.kernel().name(), |b| {
            b.iter(|| engine.check_header_chain(None, black_box(&typed)))
        });
    }
    group.bench_function("peer/bitcoin_hashes-loop", |b| {
        b.iter(|| bitcoin_hashes_chain(black_box(&headers)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = one_message, one_header, many_messages, header_chain
}
criterion_main!(benches);
