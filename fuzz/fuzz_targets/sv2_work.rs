//! Stratum V2 work from arbitrary job fields: `NewMiningJob`,
//! `NewExtendedMiningJob`, `SetNewPrevHash`, channel extranonces, masks and
//! shares. Nothing panics; every header, coinbase txid, Merkle root and
//! share check equals a plain re-computation with `sha2`.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sha2::Digest as _;
use sha256d::stratum::v2::{
    channel_target, ExtendedJob, NewExtendedMiningJob, NewMiningJob, SetNewPrevHash, StandardJob,
    SubmitShares,
};
use sha256d::stratum::{
    Error, Extranonce, Extranonce2, VersionMask, MAX_EXTRANONCE1_LEN, MAX_EXTRANONCE2_LEN,
    MAX_MERKLE_BRANCH_LEN,
};
use sha256d::Target;

#[derive(Arbitrary, Debug)]
struct Input {
    channel_id: u32,
    job_id: u32,
    min_ntime: Option<u32>,
    version: u32,
    version_rolling_allowed: bool,
    merkle_root: [u8; 32],
    merkle_path: Vec<[u8; 32]>,
    coinbase_tx_prefix: Vec<u8>,
    coinbase_tx_suffix: Vec<u8>,
    extranonce_prefix: Vec<u8>,
    extranonce_size: u8,
    prev_job_id: u32,
    prev_hash: [u8; 32],
    prev_min_ntime: u32,
    nbits: u32,
    mask: u32,
    /// The first extranonce's bytes, cut or padded to the channel's size.
    first: Vec<u8>,
    /// How many works to check, taken modulo 6.
    works: u8,
    nonce: u32,
    /// A share as a pool might receive it.
    share: ShareInput,
    target: [u8; 32],
}

#[derive(Arbitrary, Debug)]
struct ShareInput {
    channel_id: u32,
    job_id: u32,
    nonce: u32,
    ntime: u32,
    version: u32,
    extranonce: Option<Vec<u8>>,
}

fn sha256d(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(sha2::Sha256::digest(data)).into()
}

fn plain_root(coinbase: &[u8], path: &[[u8; 32]]) -> [u8; 32] {
    path.iter().fold(sha256d(coinbase), |node, hash| {
        let mut pair = [0u8; 64];
        pair[..32].copy_from_slice(&node);
        pair[32..].copy_from_slice(hash);
        sha256d(&pair)
    })
}

fn plain_header(input: &Input, version: u32, root: &[u8; 32], ntime: u32, nonce: u32) -> [u8; 80] {
    let mut header = [0u8; 80];
    header[..4].copy_from_slice(&version.to_le_bytes());
    header[4..36].copy_from_slice(&input.prev_hash);
    header[36..68].copy_from_slice(root);
    header[68..72].copy_from_slice(&ntime.to_le_bytes());
    header[72..76].copy_from_slice(&input.nbits.to_le_bytes());
    header[76..].copy_from_slice(&nonce.to_le_bytes());
    header
}

/// The job's nTime the plain way, or `None` for a future job whose
/// `SetNewPrevHash` names another job.
fn plain_ntime(input: &Input) -> Option<u32> {
    match input.min_ntime {
        Some(ntime) => Some(ntime),
        None if input.prev_job_id == input.job_id => Some(input.prev_min_ntime),
        None => None,
    }
}

/// The pool's verdict on the share the plain way: the header, or the
/// error expected.
fn plain_check(
    input: &Input,
    mask: u32,
    ntime: u32,
    root: impl Fn(&[u8]) -> Option<[u8; 32]>,
    extended: Option<usize>,
) -> Result<[u8; 80], Error> {
    let share = &input.share;
    if share.channel_id != input.channel_id || share.job_id != input.job_id {
        return Err(Error::WrongJob);
    }
    let changed = share.version ^ input.version;
    if changed & !mask != 0 {
        return Err(Error::VersionBitsOutsideMask {
            version_bits: changed,
            mask,
        });
    }
    if share.ntime < ntime {
        return Err(Error::NTimeTooEarly {
            ntime: share.ntime,
            min_ntime: ntime,
        });
    }
    let extranonce = share.extranonce.as_deref().unwrap_or(&[]);
    let root = match extended {
        Some(size) if share.extranonce.is_none() || extranonce.len() != size => {
            return Err(Error::Length {
                field: sha256d::stratum::Field::Extranonce2,
                expected: size,
                found: extranonce.len(),
            })
        }
        _ => root(extranonce).expect("a root"),
    };
    Ok(plain_header(
        input,
        share.version,
        &root,
        share.ntime,
        share.nonce,
    ))
}

fn submit(input: &Input) -> Option<SubmitShares> {
    let share = &input.share;
    let extranonce = match &share.extranonce {
        Some(bytes) => Some(Extranonce2::from_bytes(bytes).ok()?),
        None => None,
    };
    Some(SubmitShares {
        channel_id: share.channel_id,
        sequence_number: 0,
        job_id: share.job_id,
        nonce: share.nonce,
        ntime: share.ntime,
        version: share.version,
        extranonce,
    })
}

fn standard(input: &Input, prev: &SetNewPrevHash) {
    let fields = NewMiningJob {
        channel_id: input.channel_id,
        job_id: input.job_id,
        min_ntime: input.min_ntime,
        version: input.version,
        merkle_root: input.merkle_root,
    };
    let job = StandardJob::new(&fields, prev, VersionMask::new(input.mask));
    let Some(ntime) = plain_ntime(input) else {
        assert_eq!(job, Err(Error::WrongJob));
        return;
    };
    let job = job.expect("a standard job");
    let mut seen = Vec::new();
    for work in job.works().take(usize::from(input.works % 6) + 1) {
        let version = work.version();
        assert_eq!((version ^ input.version) & !input.mask, 0);
        assert!(!seen.contains(&version), "version {version:08x} twice");
        seen.push(version);
        let header = plain_header(input, version, &input.merkle_root, ntime, input.nonce);
        assert_eq!(
            work.search_job(Target::ALL_ONES)
                .hash(input.nonce)
                .to_byte_array(),
            sha256d(&header)
        );
        let share = work.share(1, input.nonce);
        assert_eq!(job.share_header(&share).map(|h| h.to_bytes()), Ok(header));
    }
    assert_eq!(seen[0], input.version);
    if let Some(share) = submit(input) {
        let expected = plain_check(input, input.mask, ntime, |_| Some(input.merkle_root), None);
        assert_eq!(job.share_header(&share).map(|h| h.to_bytes()), expected);
    }
}

fn extended(input: &Input, prev: &SetNewPrevHash) {
    let size = usize::from(input.extranonce_size);
    let channel = Extranonce::new(&input.extranonce_prefix, size);
    if input.extranonce_prefix.len() > MAX_EXTRANONCE1_LEN || size > MAX_EXTRANONCE2_LEN {
        assert!(matches!(channel, Err(Error::TooLong { .. })));
        return;
    }
    let channel = channel.expect("a channel");
    let fields = NewExtendedMiningJob {
        channel_id: input.channel_id,
        job_id: input.job_id,
        min_ntime: input.min_ntime,
        version: input.version,
        version_rolling_allowed: input.version_rolling_allowed,
        merkle_path: &input.merkle_path,
        coinbase_tx_prefix: &input.coinbase_tx_prefix,
        coinbase_tx_suffix: &input.coinbase_tx_suffix,
    };
    let job = ExtendedJob::new(&fields, prev, &channel, VersionMask::new(input.mask));
    let Some(ntime) = plain_ntime(input) else {
        assert!(matches!(job, Err(Error::WrongJob)));
        return;
    };
    if input.merkle_path.len() > MAX_MERKLE_BRANCH_LEN {
        assert!(matches!(job, Err(Error::TooLong { .. })));
        return;
    }
    let job = job.expect("an extended job");
    let mask = if input.version_rolling_allowed {
        input.mask
    } else {
        0
    };
    assert_eq!(job.version_mask().bits(), mask);
    let coinbase = |extranonce: &[u8]| {
        [
            &input.coinbase_tx_prefix[..],
            &input.extranonce_prefix,
            extranonce,
            &input.coinbase_tx_suffix,
        ]
        .concat()
    };
    let root = |extranonce: &[u8]| plain_root(&coinbase(extranonce), &input.merkle_path);

    let mut first = input.first.clone();
    first.resize(size, 0);
    let first = Extranonce2::from_bytes(&first).expect("at most 32 bytes");
    // A first extranonce of the wrong size is refused.
    let wrong = Extranonce2::zero((size + 1) % (MAX_EXTRANONCE2_LEN + 1)).expect("size");
    assert!(matches!(job.works(wrong), Err(Error::Length { .. })));
    for work in job
        .works(first)
        .expect("works")
        .take(usize::from(input.works % 6) + 1)
    {
        let extranonce = work.extranonce().expect("an extranonce").as_bytes();
        assert_eq!(
            job.coinbase_txid(work.extranonce().expect("extranonce"))
                .map(|t| t.to_byte_array()),
            Ok(sha256d(&coinbase(extranonce)))
        );
        let version = work.version();
        assert_eq!((version ^ input.version) & !mask, 0);
        let header = plain_header(input, version, &root(extranonce), ntime, input.nonce);
        assert_eq!(
            work.search_job(Target::ALL_ONES)
                .hash(input.nonce)
                .to_byte_array(),
            sha256d(&header)
        );
        let share = work.share(2, input.nonce);
        assert_eq!(job.share_header(&share).map(|h| h.to_bytes()), Ok(header));
    }
    if let Some(share) = submit(input) {
        let expected = plain_check(input, mask, ntime, |e| Some(root(e)), Some(size));
        assert_eq!(job.share_header(&share).map(|h| h.to_bytes()), expected);
    }
}

fuzz_target!(|input: Input| {
    let prev = SetNewPrevHash {
        channel_id: input.channel_id,
        job_id: input.prev_job_id,
        prev_hash: input.prev_hash,
        min_ntime: input.prev_min_ntime,
        nbits: input.nbits,
    };
    standard(&input, &prev);
    extended(&input, &prev);
    match channel_target(input.target) {
        Ok(target) => assert_eq!(target.to_le_bytes(), input.target),
        Err(error) => {
            assert_eq!(error, Error::ZeroTarget);
            assert_eq!(input.target, [0; 32]);
        }
    }
});
