//! `sha256d::stratum::v2` against plain re-computation with the `sha2`
//! crate: the real block of `tests/vectors/stratum/mainnet-block-c835.json`
//! served as a standard and as an extended job, made-up jobs of every
//! shape, version rolling inside the mask, the channel target's byte order
//! and the pool's share checks.

mod common;

use proptest::prelude::*;
use sha2::Digest as _;
use sha256d::stratum::v2::{
    ExtendedJob, NewExtendedMiningJob, NewMiningJob, SetNewPrevHash, StandardJob, SubmitShares,
    channel_target,
};
use sha256d::stratum::{Error, Extranonce, Extranonce2, Field, VersionMask};
use sha256d::{NonceRange, Solution, Target};

use common::{engines, read_vector};

fn unhex(hex: &str) -> Vec<u8> {
    assert_eq!(hex.len() % 2, 0, "{hex}");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

fn unhex32(hex: &str) -> [u8; 32] {
    unhex(hex).try_into().expect("32 bytes")
}

fn sha256d(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(sha2::Sha256::digest(data)).into()
}

/// The Merkle root the plain way: the coinbase txid folded with each hash
/// of the path on its right.
fn plain_root(coinbase: &[u8], path: &[[u8; 32]]) -> [u8; 32] {
    path.iter().fold(sha256d(coinbase), |node, hash| {
        let mut pair = [0u8; 64];
        pair[..32].copy_from_slice(&node);
        pair[32..].copy_from_slice(hash);
        sha256d(&pair)
    })
}

/// The 80 header bytes the plain way.
fn plain_header(
    version: u32,
    prev: &[u8; 32],
    root: &[u8; 32],
    ntime: u32,
    nbits: u32,
    nonce: u32,
) -> [u8; 80] {
    let mut header = [0u8; 80];
    header[..4].copy_from_slice(&version.to_le_bytes());
    header[4..36].copy_from_slice(prev);
    header[36..68].copy_from_slice(root);
    header[68..72].copy_from_slice(&ntime.to_le_bytes());
    header[72..76].copy_from_slice(&nbits.to_le_bytes());
    header[76..].copy_from_slice(&nonce.to_le_bytes());
    header
}

/// Whether `hash` (internal order) is at most `target` read as a
/// little-endian number: compared from the last byte.
fn plain_meets(hash: &[u8; 32], target_le: &[u8; 32]) -> bool {
    hash.iter().rev().cmp(target_le.iter().rev()) != core::cmp::Ordering::Greater
}

/// The real block's job fields.
struct Block {
    header: [u8; 80],
    prev_hash: [u8; 32],
    merkle_root: [u8; 32],
    coinb1: Vec<u8>,
    coinb2: Vec<u8>,
    branch: Vec<[u8; 32]>,
    extranonce1: Vec<u8>,
    extranonce2: Vec<u8>,
    version: u32,
    header_version: u32,
    nbits: u32,
    ntime: u32,
    nonce: u32,
}

fn block() -> Block {
    let json: serde_json::Value =
        serde_json::from_str(&read_vector("stratum/mainnet-block-c835.json")).expect("JSON");
    let s = |v: &serde_json::Value| v.as_str().expect("string").to_owned();
    let u = |v: &serde_json::Value| u32::from_str_radix(&s(v), 16).expect("hex u32");
    let header: [u8; 80] = unhex(&s(&json["header_hex"])).try_into().expect("80");
    let stratum = &json["stratum"];
    Block {
        header,
        prev_hash: header[4..36].try_into().expect("32"),
        merkle_root: unhex32(&s(&json["merkle_root_internal"])),
        coinb1: unhex(&s(&stratum["coinb1"])),
        coinb2: unhex(&s(&stratum["coinb2"])),
        branch: stratum["merkle_branch"]
            .as_array()
            .expect("branch")
            .iter()
            .map(|h| unhex32(&s(h)))
            .collect(),
        extranonce1: unhex(&s(&json["extranonce1"])),
        extranonce2: unhex(&s(&json["solution"]["extranonce2"])),
        version: u(&stratum["version"]),
        header_version: u(&json["version_rolling"]["header_version"]),
        nbits: u(&stratum["nbits"]),
        ntime: u(&json["solution"]["ntime"]),
        nonce: u(&json["solution"]["nonce"]),
    }
}

#[test]
fn the_real_block_as_a_standard_job() {
    let b = block();
    let job = NewMiningJob {
        channel_id: 4,
        job_id: 11,
        min_ntime: None,
        version: b.version,
        merkle_root: b.merkle_root,
    };
    let prev = SetNewPrevHash {
        channel_id: 4,
        job_id: 11,
        prev_hash: b.prev_hash,
        min_ntime: b.ntime,
        nbits: b.nbits,
    };
    let job = StandardJob::new(&job, &prev, VersionMask::BIP320).unwrap();
    let header = job.header(b.header_version, b.nonce);
    assert_eq!(header.to_bytes(), b.header);
    assert_eq!(header.block_hash().to_byte_array(), sha256d(&b.header));

    // The share the block is, and the pool's check of it.
    let work = job
        .works()
        .find(|work| work.version() == b.header_version)
        .expect("the block's version is among the rolled ones");
    let share = work.share(0, b.nonce);
    assert_eq!(
        share,
        SubmitShares {
            channel_id: 4,
            sequence_number: 0,
            job_id: 11,
            nonce: b.nonce,
            ntime: b.ntime,
            version: b.header_version,
            extranonce: None,
        }
    );
    let rebuilt = job.share_header(&share).unwrap();
    assert_eq!(rebuilt.to_bytes(), b.header);
    assert!(rebuilt.meets_own_target().unwrap());
}

#[test]
fn the_real_block_as_an_extended_job() {
    let b = block();
    let fields = NewExtendedMiningJob {
        channel_id: 9,
        job_id: 1,
        min_ntime: Some(b.ntime),
        version: b.version,
        version_rolling_allowed: true,
        merkle_path: &b.branch,
        coinbase_tx_prefix: &b.coinb1,
        coinbase_tx_suffix: &b.coinb2,
    };
    // An older SetNewPrevHash: a job with min_ntime is current at once.
    let prev = SetNewPrevHash {
        channel_id: 9,
        job_id: 0,
        prev_hash: b.prev_hash,
        min_ntime: b.ntime - 600,
        nbits: b.nbits,
    };
    let channel = Extranonce::new(&b.extranonce1, b.extranonce2.len()).unwrap();
    let job = ExtendedJob::new(&fields, &prev, &channel, VersionMask::BIP320).unwrap();
    let extranonce = Extranonce2::from_bytes(&b.extranonce2).unwrap();
    let coinbase = [&b.coinb1[..], &b.extranonce1, &b.extranonce2, &b.coinb2].concat();
    assert_eq!(
        job.coinbase_txid(&extranonce).unwrap().to_byte_array(),
        sha256d(&coinbase)
    );
    assert_eq!(plain_root(&coinbase, &b.branch), b.merkle_root);
    assert_eq!(
        job.merkle_root(&extranonce).unwrap().to_byte_array(),
        b.merkle_root
    );
    assert_eq!(
        job.header(&extranonce, b.header_version, b.nonce)
            .unwrap()
            .to_bytes(),
        b.header
    );

    let share = SubmitShares {
        channel_id: 9,
        sequence_number: 7,
        job_id: 1,
        nonce: b.nonce,
        ntime: b.ntime,
        version: b.header_version,
        extranonce: Some(extranonce),
    };
    assert_eq!(job.share_header(&share).unwrap().to_bytes(), b.header);
    // The same share without its extranonce (a SubmitSharesStandard on an
    // extended channel) is refused.
    assert_eq!(
        job.share_header(&SubmitShares {
            extranonce: None,
            ..share
        }),
        Err(Error::Length {
            field: Field::Extranonce2,
            expected: 4,
            found: 0
        })
    );
}

#[test]
fn every_engine_finds_the_real_block_nonce_from_a_v2_work() {
    let b = block();
    let job = NewMiningJob {
        channel_id: 1,
        job_id: 1,
        min_ntime: Some(b.ntime),
        version: b.version,
        merkle_root: b.merkle_root,
    };
    let prev = SetNewPrevHash {
        channel_id: 1,
        job_id: 1,
        prev_hash: b.prev_hash,
        min_ntime: b.ntime,
        nbits: b.nbits,
    };
    let job = StandardJob::new(&job, &prev, VersionMask::BIP320).unwrap();
    let work = job
        .works()
        .find(|work| work.version() == b.header_version)
        .unwrap();
    let target = sha256d::CompactTarget::from_consensus(b.nbits)
        .to_target()
        .unwrap();
    let search = work.search_job(target);
    let range = NonceRange::new(b.nonce - 2000, 4000).unwrap();
    for engine in engines() {
        let mut found = [Solution::default(); 4];
        let outcome = engine.search(&search, range, &mut found);
        assert_eq!(outcome.found, 1, "{engine:?}");
        assert_eq!(found[0].nonce, b.nonce, "{engine:?}");
        assert_eq!(found[0].hash.to_byte_array(), sha256d(&b.header));
    }
}

#[test]
fn the_channel_target_is_little_endian() {
    let b = block();
    let hash = sha256d(&b.header);
    // A target equal to the hash is met; one less is not.
    let equal = channel_target(hash).unwrap();
    assert!(plain_meets(&hash, &hash));
    assert!(sha256d::BlockHash::from_byte_array(hash).meets(&equal));
    let mut less = hash;
    let first_nonzero = less.iter().position(|&byte| byte != 0).unwrap();
    less[first_nonzero] -= 1;
    assert!(!plain_meets(&hash, &less));
    assert!(!sha256d::BlockHash::from_byte_array(hash).meets(&channel_target(less).unwrap()));
    assert_eq!(channel_target([0; 32]), Err(Error::ZeroTarget));
    assert_eq!(channel_target([0xff; 32]), Ok(Target::ALL_ONES));
}

#[test]
fn future_jobs_wait_for_their_prev_hash() {
    let job = NewMiningJob {
        channel_id: 1,
        job_id: 5,
        min_ntime: None,
        version: 0x2000_0000,
        merkle_root: [1; 32],
    };
    let prev = SetNewPrevHash {
        channel_id: 1,
        job_id: 6,
        prev_hash: [2; 32],
        min_ntime: 1000,
        nbits: 0x1d00_ffff,
    };
    assert_eq!(
        StandardJob::new(&job, &prev, VersionMask::BIP320),
        Err(Error::WrongJob)
    );
    let named = SetNewPrevHash { job_id: 5, ..prev };
    assert_eq!(
        StandardJob::new(&job, &named, VersionMask::BIP320)
            .unwrap()
            .time(),
        1000
    );
    // A current job keeps its own min_ntime on the latest prev hash.
    let current = NewMiningJob {
        min_ntime: Some(1234),
        ..job
    };
    assert_eq!(
        StandardJob::new(&current, &prev, VersionMask::BIP320)
            .unwrap()
            .time(),
        1234
    );
}

#[test]
fn the_pool_refuses_shares_outside_the_job() {
    let job = NewMiningJob {
        channel_id: 1,
        job_id: 5,
        min_ntime: Some(1000),
        version: 0x2000_0004,
        merkle_root: [1; 32],
    };
    let prev = SetNewPrevHash {
        channel_id: 1,
        job_id: 5,
        prev_hash: [2; 32],
        min_ntime: 1000,
        nbits: 0x1d00_ffff,
    };
    let job = StandardJob::new(&job, &prev, VersionMask::BIP320).unwrap();
    let share = job.works().nth(3).unwrap().share(1, 77);
    assert_eq!(share.version, 0x2000_6004);
    assert!(job.share_header(&share).is_ok());
    assert_eq!(
        job.share_header(&SubmitShares { job_id: 4, ..share }),
        Err(Error::WrongJob)
    );
    assert_eq!(
        job.share_header(&SubmitShares {
            channel_id: 2,
            ..share
        }),
        Err(Error::WrongJob)
    );
    assert_eq!(
        job.share_header(&SubmitShares {
            version: 0x2000_0005,
            ..share
        }),
        Err(Error::VersionBitsOutsideMask {
            version_bits: 1,
            mask: 0x1fff_e000
        })
    );
    assert_eq!(
        job.share_header(&SubmitShares {
            ntime: 999,
            ..share
        }),
        Err(Error::NTimeTooEarly {
            ntime: 999,
            min_ntime: 1000
        })
    );
    // A later nTime is the miner's to roll.
    assert_eq!(
        job.share_header(&SubmitShares {
            ntime: 1001,
            ..share
        })
        .unwrap()
        .time,
        1001
    );
}

#[test]
fn an_extended_job_without_version_rolling_keeps_its_version() {
    let fields = NewExtendedMiningJob {
        channel_id: 1,
        job_id: 2,
        min_ntime: Some(50),
        version: 0x2000_0000,
        version_rolling_allowed: false,
        merkle_path: &[],
        coinbase_tx_prefix: &[1],
        coinbase_tx_suffix: &[2],
    };
    let prev = SetNewPrevHash {
        channel_id: 1,
        job_id: 2,
        prev_hash: [0; 32],
        min_ntime: 50,
        nbits: 0x1d00_ffff,
    };
    let channel = Extranonce::new(&[], 1).unwrap();
    let job = ExtendedJob::new(&fields, &prev, &channel, VersionMask::BIP320).unwrap();
    assert_eq!(job.version_mask(), VersionMask::NONE);
    let works: Vec<_> = job.works(Extranonce2::zero(1).unwrap()).unwrap().collect();
    // One version per extranonce, every one-byte extranonce once.
    assert_eq!(works.len(), 256);
    assert!(works.iter().all(|work| work.version() == 0x2000_0000));
    let share = works[9].share(0, 3);
    assert_eq!(share.extranonce, Some(Extranonce2::from_u64(9, 1).unwrap()));
    assert!(matches!(
        job.share_header(&SubmitShares {
            version: 0x2000_2000,
            ..share
        }),
        Err(Error::VersionBitsOutsideMask { .. })
    ));
}

/// Coinbase prefix, extranonce prefix, coinbase suffix, Merkle path and the
/// miner's extranonce size.
type ExtendedFields = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<[u8; 32]>, usize);

/// Arbitrary job fields, small enough to walk.
fn extended_fields() -> impl Strategy<Value = ExtendedFields> {
    (
        proptest::collection::vec(any::<u8>(), 0..200),
        proptest::collection::vec(any::<u8>(), 0..=32),
        proptest::collection::vec(any::<u8>(), 0..200),
        proptest::collection::vec(any::<[u8; 32]>(), 0..12),
        1usize..=3,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn extended_works_equal_the_plain_computation(
        (prefix, pool, suffix, path, size) in extended_fields(),
        version in any::<u32>(),
        ntime in any::<u32>(),
        nbits in any::<u32>(),
        prev_hash in any::<[u8; 32]>(),
        mask in prop_oneof![Just(0u32), Just(0x0000_6000), Just(0x1800_0001)],
        start in any::<u8>(),
        nonce in any::<u32>(),
    ) {
        let fields = NewExtendedMiningJob {
            channel_id: 3, job_id: 4, min_ntime: Some(ntime), version,
            version_rolling_allowed: true, merkle_path: &path,
            coinbase_tx_prefix: &prefix, coinbase_tx_suffix: &suffix,
        };
        let prev = SetNewPrevHash { channel_id: 3, job_id: 0, prev_hash, min_ntime: ntime, nbits };
        let channel = Extranonce::new(&pool, size).unwrap();
        let job = ExtendedJob::new(&fields, &prev, &channel, VersionMask::new(mask)).unwrap();
        let mut first = vec![0u8; size];
        first[size - 1] = start;
        let versions = 1usize << mask.count_ones();
        for work in job.works(Extranonce2::from_bytes(&first).unwrap()).unwrap().take(3 * versions) {
            let extranonce = work.extranonce().unwrap().as_bytes().to_vec();
            let coinbase = [&prefix[..], &pool, &extranonce, &suffix].concat();
            let root = plain_root(&coinbase, &path);
            prop_assert_eq!((work.version() ^ version) & !mask, 0);
            let header = plain_header(work.version(), &prev_hash, &root, ntime, nbits, nonce);
            prop_assert_eq!(work.search_job(Target::ALL_ONES).hash(nonce).to_byte_array(), sha256d(&header));
            let share = work.share(9, nonce);
            prop_assert_eq!(share.extranonce.map(|e| e.as_bytes().to_vec()), Some(extranonce));
            prop_assert_eq!(job.share_header(&share).unwrap().to_bytes(), header);
        }
    }

    #[test]
    fn standard_works_equal_the_plain_computation(
        version in any::<u32>(),
        ntime in any::<u32>(),
        nbits in any::<u32>(),
        prev_hash in any::<[u8; 32]>(),
        merkle_root in any::<[u8; 32]>(),
        mask in prop_oneof![Just(0u32), Just(0x0000_e000), Just(0x8000_0003)],
        nonce in any::<u32>(),
    ) {
        let fields = NewMiningJob { channel_id: 1, job_id: 2, min_ntime: None, version, merkle_root };
        let prev = SetNewPrevHash { channel_id: 1, job_id: 2, prev_hash, min_ntime: ntime, nbits };
        let job = StandardJob::new(&fields, &prev, VersionMask::new(mask)).unwrap();
        let works: Vec<_> = job.works().collect();
        prop_assert_eq!(works.len(), 1 << mask.count_ones());
        let mut seen: Vec<u32> = works.iter().map(|work| work.version()).collect();
        prop_assert_eq!(seen[0], version);
        seen.sort_unstable();
        seen.dedup();
        prop_assert_eq!(seen.len(), works.len());
        for work in &works {
            prop_assert_eq!((work.version() ^ version) & !mask, 0);
            prop_assert!(work.extranonce().is_none());
            let header = plain_header(work.version(), &prev_hash, &merkle_root, ntime, nbits, nonce);
            prop_assert_eq!(work.search_job(Target::ALL_ONES).hash(nonce).to_byte_array(), sha256d(&header));
            prop_assert_eq!(job.share_header(&work.share(0, nonce)).unwrap().to_bytes(), header);
        }
    }
}
