//! `sha256d::stratum` against a real block recast as a pool job
//! (`tests/vectors/stratum/mainnet-block-c835.json`), the `sha2` crate as an
//! independent SHA-256, and the edge cases of word order, version masks,
//! difficulties, sizes and submit formatting.

mod common;

use proptest::prelude::*;
use sha2::Digest as _;
use sha256d::stratum::{
    Error, Extranonce, Extranonce2, Field, HexU32, Job, MAX_EXTRANONCE1_LEN, MAX_EXTRANONCE2_LEN,
    MAX_MERKLE_BRANCH_LEN, Notify, NotifyHex, Share, VersionMask, prevhash_from_stratum,
    prevhash_to_stratum, share_target,
};
use sha256d::{BlockHash, BlockHeader, NonceRange, SearchEnd, Solution, Target};

use common::{engines, read_vector};

/// The vector's fields, owned.
struct Vector {
    block_hash_display: String,
    header_hex: String,
    merkle_root_internal: String,
    coinbase_txid_internal: String,
    job_id: String,
    prevhash: String,
    coinb1: String,
    coinb2: String,
    merkle_branch: Vec<String>,
    version: String,
    nbits: String,
    ntime: String,
    clean_jobs: bool,
    extranonce1: String,
    extranonce2_size: usize,
    extranonce2: String,
    share_ntime: String,
    nonce: String,
    mask: String,
    version_bits: String,
    header_version: String,
}

fn vector() -> Vector {
    let json: serde_json::Value =
        serde_json::from_str(&read_vector("stratum/mainnet-block-c835.json")).expect("JSON");
    let s = |v: &serde_json::Value| v.as_str().expect("string").to_owned();
    let stratum = &json["stratum"];
    Vector {
        block_hash_display: s(&json["block_hash_display"]),
        header_hex: s(&json["header_hex"]),
        merkle_root_internal: s(&json["merkle_root_internal"]),
        coinbase_txid_internal: s(&json["coinbase_txid_internal"]),
        job_id: s(&stratum["job_id"]),
        prevhash: s(&stratum["prevhash"]),
        coinb1: s(&stratum["coinb1"]),
        coinb2: s(&stratum["coinb2"]),
        merkle_branch: stratum["merkle_branch"]
            .as_array()
            .expect("branch")
            .iter()
            .map(s)
            .collect(),
        version: s(&stratum["version"]),
        nbits: s(&stratum["nbits"]),
        ntime: s(&stratum["ntime"]),
        clean_jobs: stratum["clean_jobs"].as_bool().expect("clean_jobs"),
        extranonce1: s(&json["extranonce1"]),
        extranonce2_size: json["extranonce2_size"].as_u64().expect("size") as usize,
        extranonce2: s(&json["solution"]["extranonce2"]),
        share_ntime: s(&json["solution"]["ntime"]),
        nonce: s(&json["solution"]["nonce"]),
        mask: s(&json["version_rolling"]["mask"]),
        version_bits: s(&json["version_rolling"]["version_bits"]),
        header_version: s(&json["version_rolling"]["header_version"]),
    }
}

fn unhex(hex: &str) -> Vec<u8> {
    assert_eq!(hex.len() % 2, 0, "{hex}");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

fn u32_hex(hex: &str) -> u32 {
    u32::from_str_radix(hex, 16).expect("hex u32")
}

/// SHA-256d by the `sha2` crate.
fn sha2d(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(sha2::Sha256::digest(data)).into()
}

impl Vector {
    fn branch_strs(&self) -> Vec<&str> {
        self.merkle_branch.iter().map(String::as_str).collect()
    }

    fn notify_hex<'a>(&'a self, branch: &'a [&'a str]) -> NotifyHex<'a> {
        NotifyHex {
            job_id: &self.job_id,
            prevhash: &self.prevhash,
            coinb1: &self.coinb1,
            coinb2: &self.coinb2,
            merkle_branch: branch,
            version: &self.version,
            nbits: &self.nbits,
            ntime: &self.ntime,
            clean_jobs: self.clean_jobs,
        }
    }

    fn session(&self) -> Extranonce {
        Extranonce::from_hex(&self.extranonce1, self.extranonce2_size).expect("extranonce1")
    }

    fn share(&self) -> Share<'_> {
        Share::from_hex(
            &self.job_id,
            &self.extranonce2,
            &self.share_ntime,
            &self.nonce,
            Some(&self.version_bits),
        )
        .expect("share")
    }

    fn mask(&self) -> VersionMask {
        VersionMask::from_hex(&self.mask).expect("mask")
    }

    fn block_hash(&self) -> BlockHash {
        BlockHash::from_display_hex(&self.block_hash_display).expect("hash")
    }
}

#[test]
fn the_real_job_and_share_rebuild_the_block() {
    let v = vector();
    let branch = v.branch_strs();
    let job = Job::from_hex(&v.notify_hex(&branch), &v.session()).expect("job");
    let extranonce2 = Extranonce2::from_hex(&v.extranonce2).unwrap();

    // The coinbase, assembled by hand and hashed by sha2.
    let coinbase = [
        unhex(&v.coinb1),
        unhex(&v.extranonce1),
        unhex(&v.extranonce2),
        unhex(&v.coinb2),
    ]
    .concat();
    assert_eq!(sha2d(&coinbase).to_vec(), unhex(&v.coinbase_txid_internal));
    assert_eq!(
        job.coinbase_txid(&extranonce2)
            .unwrap()
            .as_byte_array()
            .to_vec(),
        unhex(&v.coinbase_txid_internal)
    );
    assert_eq!(
        job.merkle_root(&extranonce2)
            .unwrap()
            .as_byte_array()
            .to_vec(),
        unhex(&v.merkle_root_internal)
    );

    // The job's fields.
    assert_eq!(job.job_id(), v.job_id);
    assert_eq!(job.version(), u32_hex(&v.version));
    assert_eq!(job.bits().to_consensus(), u32_hex(&v.nbits));
    assert_eq!(job.time(), u32_hex(&v.ntime));
    assert_eq!(job.merkle_branch().len(), v.merkle_branch.len());
    assert!(job.clean_jobs());
    let header_bytes = unhex(&v.header_hex);
    assert_eq!(
        job.prev_blockhash().to_byte_array().to_vec(),
        header_bytes[4..36]
    );

    // The share, as the pool rebuilds it.
    let share = v.share();
    let header = job.share_header(&share, Some(v.mask())).unwrap();
    assert_eq!(header.to_bytes().to_vec(), header_bytes);
    assert_eq!(header.version as u32, u32_hex(&v.header_version));
    assert_eq!(header.block_hash(), v.block_hash());
    assert_eq!(header.block_hash().to_string(), v.block_hash_display);
    assert!(header.meets_own_target().unwrap());
    // Independently: sha2 over the rebuilt bytes.
    assert_eq!(
        sha2d(&header.to_bytes()),
        v.block_hash().to_byte_array(),
        "sha2 disagrees"
    );
    // And the header from the job's own builder.
    assert_eq!(
        job.header(&extranonce2, u32_hex(&v.header_version), u32_hex(&v.nonce))
            .unwrap(),
        header
    );
}

#[test]
fn every_kernel_confirms_the_real_share() {
    let v = vector();
    let branch = v.branch_strs();
    let job = Job::from_hex(&v.notify_hex(&branch), &v.session()).unwrap();
    let share = v.share();
    let header = job.share_header(&share, Some(v.mask())).unwrap();
    let network = job.network_target().unwrap();
    let search_job = sha256d::SearchJob::new(&header, network);
    for engine in engines() {
        let mut found = [Solution::default(); 2];
        let outcome = engine.search(
            &search_job,
            NonceRange::new(share.nonce(), 1).unwrap(),
            &mut found,
        );
        assert_eq!(outcome.found, 1, "{}", engine.kernel());
        assert_eq!(found[0].nonce, share.nonce(), "{}", engine.kernel());
        assert_eq!(found[0].hash, v.block_hash(), "{}", engine.kernel());
        assert_eq!(
            search_job.hash(share.nonce()),
            v.block_hash(),
            "{}",
            engine.kernel()
        );
    }
}

#[test]
fn searching_around_the_real_nonce_with_the_rolled_version_finds_it() {
    let v = vector();
    let branch = v.branch_strs();
    let job = Job::from_hex(&v.notify_hex(&branch), &v.session()).unwrap();
    let mask = v.mask();
    let rolled = u32_hex(&v.header_version);
    let nonce = u32_hex(&v.nonce);
    // The work the miner iterates to: this extranonce2, the rolled version
    // (the last of the mask's 2^16 versions for this job).
    let extranonce2 = Extranonce2::from_hex(&v.extranonce2).unwrap();
    let (index, work) = job
        .works(extranonce2, Some(mask))
        .unwrap()
        .enumerate()
        .find(|(_, work)| work.version() == rolled)
        .expect("the rolled version is among the works");
    assert_eq!(index as u64, mask.version_count() - 1);
    assert_eq!(work.extranonce2(), &extranonce2);
    assert_eq!(work.version_bits(), Some(u32_hex(&v.version_bits)));

    // The share target of a pool at the block's own difficulty, and an
    // easier one: the real nonce is found either way.
    let network = job.network_target().unwrap();
    let range = NonceRange::new(nonce - 30_000, 60_000).unwrap();
    for engine in engines() {
        let mut found = [Solution::default(); 4];
        let outcome = engine.search(&work.search_job(network), range, &mut found);
        assert_eq!(outcome.end, SearchEnd::Exhausted, "{}", engine.kernel());
        assert_eq!(outcome.found, 1, "{}", engine.kernel());
        assert_eq!(found[0].nonce, nonce, "{}", engine.kernel());
        assert_eq!(found[0].hash, v.block_hash(), "{}", engine.kernel());
        let share = work.share(found[0].nonce);
        assert_eq!(share, v.share(), "{}", engine.kernel());
        assert_eq!(
            share.params("worker").to_string(),
            format!(
                r#"["worker","{}","{}","{}","{}","{}"]"#,
                v.job_id, v.extranonce2, v.share_ntime, v.nonce, v.version_bits
            )
        );
    }

    // The same search on the job's own version finds nothing there.
    let unrolled = job.works(extranonce2, Some(mask)).unwrap().next().unwrap();
    assert_eq!(unrolled.version(), u32_hex(&v.version));
    let mut found = [Solution::default(); 1];
    let outcome = sha256d::Engine::best().search(&unrolled.search_job(network), range, &mut found);
    assert_eq!(outcome.found, 0);
}

#[test]
fn hex_and_byte_jobs_agree() {
    let v = vector();
    let branch_hex = v.branch_strs();
    let branch: Vec<[u8; 32]> = v
        .merkle_branch
        .iter()
        .map(|h| unhex(h).try_into().unwrap())
        .collect();
    let coinb1 = unhex(&v.coinb1);
    let coinb2 = unhex(&v.coinb2);
    let notify = Notify {
        job_id: &v.job_id,
        prevhash: unhex(&v.prevhash).try_into().unwrap(),
        coinb1: &coinb1,
        coinb2: &coinb2,
        merkle_branch: &branch,
        version: u32_hex(&v.version),
        nbits: u32_hex(&v.nbits),
        ntime: u32_hex(&v.ntime),
        clean_jobs: true,
    };
    let session = Extranonce::new(&unhex(&v.extranonce1), 4).unwrap();
    assert_eq!(session, v.session());
    let from_bytes = Job::new(&notify, &session).unwrap();
    let from_hex = Job::from_hex(&v.notify_hex(&branch_hex), &session).unwrap();
    let a: Vec<_> = from_bytes
        .works(
            Extranonce2::from_u64(0xffff_fff0, 4).unwrap(),
            Some(v.mask()),
        )
        .unwrap()
        .step_by(4099)
        .take(40)
        .collect();
    let b: Vec<_> = from_hex
        .works(
            Extranonce2::from_u64(0xffff_fff0, 4).unwrap(),
            Some(v.mask()),
        )
        .unwrap()
        .step_by(4099)
        .take(40)
        .collect();
    assert_eq!(a.len(), 40);
    assert_eq!(a, b);
    // Several extranonce2 values were visited, each with its own root.
    assert!(a.iter().any(|w| w.extranonce2() != a[0].extranonce2()));
    for work in &a {
        let coinbase = [
            coinb1.clone(),
            unhex(&v.extranonce1),
            work.extranonce2().as_bytes().to_vec(),
            coinb2.clone(),
        ]
        .concat();
        let mut node = sha2d(&coinbase);
        for sibling in &branch {
            node = sha2d(&[node, *sibling].concat());
        }
        assert_eq!(work.header().merkle_root, node);
    }
}

#[test]
fn stratum_prevhash_word_order() {
    let v = vector();
    let sent: [u8; 32] = unhex(&v.prevhash).try_into().unwrap();
    let header = unhex(&v.header_hex);
    let internal = prevhash_from_stratum(sent);
    assert_eq!(internal.to_byte_array().to_vec(), header[4..36]);
    assert_eq!(prevhash_to_stratum(internal), sent);
    // Each 4-byte word reversed, the words in place.
    let mut counting = [0u8; 32];
    for (i, b) in counting.iter_mut().enumerate() {
        *b = i as u8;
    }
    let swapped = prevhash_from_stratum(counting).to_byte_array();
    assert_eq!(swapped[..8], [3, 2, 1, 0, 7, 6, 5, 4]);
    assert_eq!(swapped[28..], [31, 30, 29, 28]);
    // Display order is the whole internal order reversed, which is the
    // Stratum string with its eight words in reverse order.
    let display = internal.to_string();
    let words: Vec<&str> = (0..8).map(|i| &v.prevhash[8 * i..8 * i + 8]).collect();
    let reversed_words: String = words.iter().rev().copied().collect();
    assert_eq!(display, reversed_words);
}

#[test]
fn version_mask_semantics() {
    // BIP 310's formula replaces masked bits and keeps the rest.
    let mask = VersionMask::new(0x1fff_e000);
    assert_eq!(mask.apply(0x2000_0004, 0).unwrap(), 0x2000_0004);
    assert_eq!(mask.apply(0x2000_0004, 0x1fff_e000).unwrap(), 0x3fff_e004);
    assert_eq!(mask.apply(0x3fff_e004, 0).unwrap(), 0x2000_0004);
    assert_eq!(
        mask.apply(0x2000_0004, 0x2000_0000),
        Err(Error::VersionBitsOutsideMask {
            version_bits: 0x2000_0000,
            mask: 0x1fff_e000
        })
    );
    assert_eq!(mask.version_bits(0x3fff_e004), 0x1fff_e000);
    assert_eq!(
        VersionMask::NONE.apply(0x2000_0000, 0).unwrap(),
        0x2000_0000
    );
    assert!(VersionMask::NONE.apply(0x2000_0000, 1).is_err());

    // Negotiation: the grant must lie inside the request.
    assert_eq!(
        VersionMask::negotiated(mask, VersionMask::new(0x0000_6000)),
        Ok(VersionMask::new(0x0000_6000))
    );
    assert_eq!(
        VersionMask::negotiated(mask, VersionMask::NONE),
        Ok(VersionMask::NONE)
    );
    assert_eq!(
        VersionMask::negotiated(mask, VersionMask::new(0xffff_ffff)),
        Err(Error::MaskNotRequested {
            requested: 0x1fff_e000,
            granted: 0xffff_ffff
        })
    );

    // Parsing: BIP 310's TMask is exactly eight hex digits.
    assert_eq!(VersionMask::from_hex("1FfFe000"), Ok(mask));
    assert_eq!(mask.to_string(), "1fffe000");
    assert_eq!(
        VersionMask::from_hex("1fffe0000"),
        Err(Error::Hex {
            field: Field::VersionMask,
            error: sha256d::Error::OddHexLength
        })
    );
    assert_eq!(
        VersionMask::from_hex("1fffe00000"),
        Err(Error::Length {
            field: Field::VersionMask,
            expected: 4,
            found: 5
        })
    );
    assert!(matches!(
        VersionMask::from_hex("1fffg000"),
        Err(Error::Hex {
            field: Field::VersionMask,
            error: sha256d::Error::InvalidHexCharacter { index: 4 }
        })
    ));

    // Versions: every combination of mask bits exactly once, the job's own
    // first, nothing outside the mask changed.
    for (mask, job_version) in [
        (0x0000_0000u32, 0x2000_0000u32),
        (0x0000_e000, 0x2000_0000),
        (0x1800_6001, 0x2800_0001),
        (0x0003_c000, 0x2fff_ffff),
    ] {
        let mask = VersionMask::new(mask);
        let versions: Vec<u32> = mask.versions(job_version).collect();
        assert_eq!(versions.len() as u64, mask.version_count());
        assert_eq!(versions[0], job_version);
        let mut sorted = versions.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), versions.len(), "duplicates for {mask}");
        for version in versions {
            assert_eq!(version & !mask.bits(), job_version & !mask.bits());
            assert_eq!(
                mask.apply(job_version, mask.version_bits(version)).unwrap(),
                version
            );
        }
    }
    assert_eq!(VersionMask::new(u32::MAX).version_count(), 1 << 32);
    assert_eq!(
        VersionMask::BIP320.versions(0x2000_0000).nth(65_535),
        Some(0x3fff_e000)
    );
    assert_eq!(VersionMask::BIP320.versions(0x2000_0000).nth(65_536), None);
}

#[test]
fn works_roll_versions_then_extranonce2() {
    let v = vector();
    let branch = v.branch_strs();
    let session = Extranonce::from_hex(&v.extranonce1, 1).unwrap();
    let job = Job::from_hex(&v.notify_hex(&branch), &session).unwrap();
    let mask = VersionMask::new(0x0000_6000);
    let works: Vec<_> = job
        .works(Extranonce2::zero(1).unwrap(), Some(mask))
        .unwrap()
        .collect();
    // One-byte extranonce2: 256 values, four versions each, then the end.
    assert_eq!(works.len(), 256 * 4);
    for (i, work) in works.iter().enumerate() {
        assert_eq!(work.extranonce2().as_bytes(), [(i / 4) as u8]);
        assert_eq!(work.version_bits(), Some(((i % 4) as u32) << 13));
        assert_eq!(work.version(), 0x2000_0004 | (((i % 4) as u32) << 13));
        assert_eq!(work.header().nonce, 0);
    }
    // Each version has its own midstate; the Merkle root changes only with
    // the extranonce2.
    let midstates: Vec<_> = works[..8].iter().map(|w| w.header().midstate()).collect();
    for (i, a) in midstates.iter().enumerate() {
        for b in &midstates[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(works[0].header().merkle_root, works[3].header().merkle_root);
    assert_ne!(works[3].header().merkle_root, works[4].header().merkle_root);

    // Without version rolling: one version per extranonce2, no version bits.
    let plain: Vec<_> = job
        .works(Extranonce2::from_hex("fd").unwrap(), None)
        .unwrap()
        .collect();
    assert_eq!(plain.len(), 3);
    assert!(
        plain
            .iter()
            .all(|w| w.version() == 0x2000_0004 && w.version_bits().is_none())
    );
    let share = plain[2].share(9);
    assert_eq!(share.version_bits(), None);
    assert_eq!(
        share.params("w").to_string(),
        r#"["w","1","ff","6155a491","00000009"]"#
    );
    // An empty extranonce2 gives exactly one coinbase.
    let none = Extranonce::from_hex(&v.extranonce1, 0).unwrap();
    let job0 = Job::from_hex(&v.notify_hex(&branch), &none).unwrap();
    assert_eq!(
        job0.works(Extranonce2::zero(0).unwrap(), None)
            .unwrap()
            .count(),
        1
    );
    // The first extranonce2 must have the session's size.
    assert_eq!(
        job.works(Extranonce2::zero(4).unwrap(), None).unwrap_err(),
        Error::Length {
            field: Field::Extranonce2,
            expected: 1,
            found: 4
        }
    );
}

#[test]
fn share_target_from_difficulty() {
    // Difficulty 1 is 0xffff << 208, and powers of two shift it exactly.
    let shifted = |shift: i32| -> Target {
        let mut value = [0u8; 32];
        // 0xffff at bit `208 + shift` (floor for negative shifts past it).
        let bit = 208 + shift;
        for (i, byte) in value.iter_mut().enumerate() {
            let mut out = 0u8;
            for b in 0..8 {
                let pos = (i * 8 + b) as i32;
                let rel = pos - bit;
                if (0..16).contains(&rel) {
                    out |= 1 << b;
                }
            }
            *byte = out;
        }
        Target::from_le_bytes(value)
    };
    assert_eq!(
        share_target(1.0).unwrap().to_string(),
        format!("00000000ffff{}", "0".repeat(52))
    );
    for k in 0..=32 {
        // Difficulty 2^-k: target 0xffff << (208 + k), up to the top bits.
        let d = 2f64.powi(-k);
        assert_eq!(share_target(d).unwrap(), shifted(k), "difficulty 2^-{k}");
        // Difficulty 2^k.
        let d = 2f64.powi(k);
        assert_eq!(share_target(d).unwrap(), shifted(-k), "difficulty 2^{k}");
    }
    // Easier than 2^-32: every hash meets it.
    assert_eq!(share_target(2f64.powi(-33)).unwrap(), Target::ALL_ONES);
    assert_eq!(share_target(1e-300).unwrap(), Target::ALL_ONES);
    assert_eq!(share_target(f64::MIN_POSITIVE).unwrap(), Target::ALL_ONES);
    // Fractional difficulties: the target is the exact quotient, floored.
    for d in [0.001, 0.3, 1.5, 3.0, 1000.0, 123_456.789, 5e12] {
        let target = share_target(d).unwrap();
        let back = target.difficulty_float();
        assert!((back / d - 1.0).abs() < 1e-12, "{d}: {back}");
        assert!(target < share_target(d * 0.999).unwrap(), "{d}");
    }
    // Pool difficulties far beyond the network's still have a target.
    assert!(share_target(1e60).unwrap() > Target::ZERO);
    // Nonsense.
    for d in [
        0.0,
        -0.0,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e70,
        f64::MAX,
    ] {
        assert_eq!(share_target(d), Err(Error::InvalidDifficulty), "{d}");
    }
    // A hash equal to the target is a share; one more is not.
    let target = share_target(1.0).unwrap();
    let equal = target.to_le_bytes();
    assert!(target.is_met_by(&equal));
    let mut above = equal;
    above[0] = 1;
    assert!(!target.is_met_by(&above));
}

#[test]
fn submit_fields_and_json_escaping() {
    assert_eq!(HexU32(0).to_string(), "00000000");
    assert_eq!(HexU32(u32::MAX).to_string(), "ffffffff");
    let share = Share::new(
        "j\"1\\",
        Extranonce2::from_hex("00ab").unwrap(),
        0x6155_a491,
        0x0000_00e3,
        Some(0x0000_2000),
    );
    for worker in [
        "plain.worker",
        "quote\"back\\slash",
        "tab\tnew\nline\r\u{1}\u{1f}",
        "unicode: żółw ✓ 🚀",
        "",
    ] {
        let text = share.params(worker).to_string();
        let parsed: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            parsed,
            serde_json::json!([worker, "j\"1\\", "00ab", "6155a491", "000000e3", "00002000"]),
            "{text}"
        );
    }
    let round =
        Share::from_hex("j\"1\\", "00ab", "6155a491", "000000e3", Some("00002000")).unwrap();
    assert_eq!(round, share);
}

#[test]
fn bad_fields_are_errors_naming_the_field() {
    let v = vector();
    let branch = v.branch_strs();
    let session = v.session();
    let good = v.notify_hex(&branch);
    let check = |notify: NotifyHex<'_>, expected: Error| {
        assert_eq!(
            Job::from_hex(&notify, &session).unwrap_err(),
            expected,
            "{notify:?}"
        );
    };
    let short_prevhash = &v.prevhash[2..];
    check(
        NotifyHex {
            prevhash: short_prevhash,
            ..good
        },
        Error::Length {
            field: Field::PrevHash,
            expected: 32,
            found: 31,
        },
    );
    let long_prevhash = format!("{}00", v.prevhash);
    check(
        NotifyHex {
            prevhash: &long_prevhash,
            ..good
        },
        Error::Length {
            field: Field::PrevHash,
            expected: 32,
            found: 33,
        },
    );
    let odd = &v.coinb1[1..];
    check(
        NotifyHex {
            coinb1: odd,
            ..good
        },
        Error::Hex {
            field: Field::Coinb1,
            error: sha256d::Error::OddHexLength,
        },
    );
    let mut bad_coinb2 = v.coinb2.clone();
    bad_coinb2.replace_range(150..151, "x");
    check(
        NotifyHex {
            coinb2: &bad_coinb2,
            ..good
        },
        Error::Hex {
            field: Field::Coinb2,
            error: sha256d::Error::InvalidHexCharacter { index: 150 },
        },
    );
    // A multi-byte character is reported at its first byte, never split.
    let mut unicode = v.coinb2.clone();
    unicode.replace_range(200..202, "é");
    check(
        NotifyHex {
            coinb2: &unicode,
            ..good
        },
        Error::Hex {
            field: Field::Coinb2,
            error: sha256d::Error::InvalidHexCharacter { index: 200 },
        },
    );
    let mut short_branch = branch.clone();
    short_branch[5] = &v.merkle_branch[5][..62];
    check(
        NotifyHex {
            merkle_branch: &short_branch,
            ..good
        },
        Error::Length {
            field: Field::MerkleBranch { index: 5 },
            expected: 32,
            found: 31,
        },
    );
    let long_branch = vec![v.merkle_branch[0].as_str(); MAX_MERKLE_BRANCH_LEN + 1];
    check(
        NotifyHex {
            merkle_branch: &long_branch,
            ..good
        },
        Error::TooLong {
            field: Field::MerkleBranchLength,
            max: MAX_MERKLE_BRANCH_LEN,
            found: MAX_MERKLE_BRANCH_LEN + 1,
        },
    );
    let full_branch = vec![v.merkle_branch[0].as_str(); MAX_MERKLE_BRANCH_LEN];
    assert!(
        Job::from_hex(
            &NotifyHex {
                merkle_branch: &full_branch,
                ..good
            },
            &session
        )
        .is_ok()
    );
    for (field, text) in [
        (Field::Version, "200000"),
        (Field::NBits, "170ed0ebff"),
        (Field::NTime, ""),
    ] {
        let mut notify = good;
        match field {
            Field::Version => notify.version = text,
            Field::NBits => notify.nbits = text,
            _ => notify.ntime = text,
        }
        check(
            notify,
            Error::Length {
                field,
                expected: 4,
                found: text.len() / 2,
            },
        );
    }
    check(
        NotifyHex {
            version: "2000000z",
            ..good
        },
        Error::Hex {
            field: Field::Version,
            error: sha256d::Error::InvalidHexCharacter { index: 7 },
        },
    );

    // Session fields.
    assert_eq!(
        Extranonce::new(&[0; MAX_EXTRANONCE1_LEN + 1], 4),
        Err(Error::TooLong {
            field: Field::Extranonce1,
            max: MAX_EXTRANONCE1_LEN,
            found: MAX_EXTRANONCE1_LEN + 1
        })
    );
    assert!(Extranonce::new(&[0; MAX_EXTRANONCE1_LEN], MAX_EXTRANONCE2_LEN).is_ok());
    assert_eq!(
        Extranonce::from_hex(&"00".repeat(MAX_EXTRANONCE1_LEN + 1), 4),
        Err(Error::TooLong {
            field: Field::Extranonce1,
            max: MAX_EXTRANONCE1_LEN,
            found: MAX_EXTRANONCE1_LEN + 1
        })
    );
    assert_eq!(
        Extranonce::from_hex("0g", 4),
        Err(Error::Hex {
            field: Field::Extranonce1,
            error: sha256d::Error::InvalidHexCharacter { index: 1 }
        })
    );
    assert!(matches!(
        Extranonce2::from_hex(&"00".repeat(MAX_EXTRANONCE2_LEN + 1)),
        Err(Error::TooLong { .. })
    ));
    assert!(matches!(
        Extranonce2::zero(MAX_EXTRANONCE2_LEN + 1),
        Err(Error::TooLong { .. })
    ));

    // Using a job with the wrong extranonce2 size, or another job's share.
    let job = Job::from_hex(&good, &session).unwrap();
    let short = Extranonce2::zero(3).unwrap();
    let expected = Error::Length {
        field: Field::Extranonce2,
        expected: 4,
        found: 3,
    };
    assert_eq!(job.coinbase_txid(&short), Err(expected));
    assert_eq!(job.merkle_root(&short), Err(expected));
    assert_eq!(job.header(&short, 0, 0), Err(expected));
    let other = Share::new("2", Extranonce2::zero(4).unwrap(), 0, 0, None);
    assert_eq!(job.share_header(&other, None), Err(Error::WrongJob));
    let outside = Share::new("1", Extranonce2::zero(4).unwrap(), 0, 0, Some(0x2000_0000));
    assert_eq!(
        job.share_header(&outside, Some(v.mask())),
        Err(Error::VersionBitsOutsideMask {
            version_bits: 0x2000_0000,
            mask: 0x1fff_e000
        })
    );
    // Errors explain themselves.
    assert_eq!(expected.to_string(), "extranonce2: expected 4 bytes, got 3");
    assert_eq!(
        Error::Hex {
            field: Field::Coinb2,
            error: sha256d::Error::InvalidHexCharacter { index: 150 }
        }
        .to_string(),
        "coinb2: invalid hex character at offset 150"
    );
}

#[test]
fn extranonce2_counts_big_endian() {
    let mut e = Extranonce2::from_hex("00fe").unwrap();
    let mut seen = Vec::new();
    while let Some(next) = e.next() {
        seen.push(next.to_string());
        e = next;
        if seen.len() == 3 {
            break;
        }
    }
    assert_eq!(seen, ["00ff", "0100", "0101"]);
    assert_eq!(Extranonce2::from_hex("ffffffff").unwrap().next(), None);
    assert_eq!(
        Extranonce2::from_u64(u64::MAX, 8).unwrap().to_string(),
        "ffffffffffffffff"
    );
    assert_eq!(
        Extranonce2::from_u64(7, 12).unwrap().to_string(),
        "000000000000000000000007"
    );
    assert!(Extranonce2::from_u64(256, 1).is_err());
    assert!(Extranonce2::from_u64(0, 0).is_ok());
    assert!(Extranonce2::from_u64(1, 0).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Coinbases of any size, split anywhere: the job's txid and root equal
    /// sha2 over the concatenation, from bytes and from hex alike.
    #[test]
    fn coinbase_and_root_match_sha2(
        coinb1 in proptest::collection::vec(any::<u8>(), 0..400),
        coinb2 in proptest::collection::vec(any::<u8>(), 0..400),
        extranonce1 in proptest::collection::vec(any::<u8>(), 0..=MAX_EXTRANONCE1_LEN),
        extranonce2 in proptest::collection::vec(any::<u8>(), 0..=MAX_EXTRANONCE2_LEN),
        branch in proptest::collection::vec(any::<[u8; 32]>(), 0..12),
        version in any::<u32>(),
        ntime in any::<u32>(),
        nonce in any::<u32>(),
        uppercase in any::<bool>(),
    ) {
        let session = Extranonce::new(&extranonce1, extranonce2.len()).unwrap();
        let notify = Notify {
            job_id: "p",
            prevhash: [7; 32],
            coinb1: &coinb1,
            coinb2: &coinb2,
            merkle_branch: &branch,
            version,
            nbits: 0x1d00_ffff,
            ntime,
            clean_jobs: false,
        };
        let hex = |b: &[u8]| {
            let s: String = b.iter().map(|x| format!("{x:02x}")).collect();
            if uppercase { s.to_uppercase() } else { s }
        };
        let (c1, c2, prev) = (hex(&coinb1), hex(&coinb2), hex(&[7; 32]));
        let branch_hex: Vec<String> = branch.iter().map(|h| hex(h)).collect();
        let branch_strs: Vec<&str> = branch_hex.iter().map(String::as_str).collect();
        let (vs, ts) = (format!("{version:08x}"), format!("{ntime:08x}"));
        let notify_hex = NotifyHex {
            job_id: "p",
            prevhash: &prev,
            coinb1: &c1,
            coinb2: &c2,
            merkle_branch: &branch_strs,
            version: &vs,
            nbits: "1d00ffff",
            ntime: &ts,
            clean_jobs: false,
        };
        let e2 = Extranonce2::from_bytes(&extranonce2).unwrap();
        let coinbase = [coinb1.clone(), extranonce1.clone(), extranonce2.clone(), coinb2.clone()].concat();
        let mut root = sha2d(&coinbase);
        for sibling in &branch {
            root = sha2d(&[root, *sibling].concat());
        }
        for job in [Job::new(&notify, &session).unwrap(), Job::from_hex(&notify_hex, &session).unwrap()] {
            prop_assert_eq!(job.coinbase_txid(&e2).unwrap(), sha2d(&coinbase));
            prop_assert_eq!(job.merkle_root(&e2).unwrap(), root);
            let header = job.header(&e2, version, nonce).unwrap();
            let mut bytes = Vec::new();
            bytes.extend(version.to_le_bytes());
            bytes.extend([7u8; 32]);
            bytes.extend(root);
            bytes.extend(ntime.to_le_bytes());
            bytes.extend(0x1d00_ffffu32.to_le_bytes());
            bytes.extend(nonce.to_le_bytes());
            prop_assert_eq!(header.to_bytes().to_vec(), bytes.clone());
            prop_assert_eq!(header.block_hash().to_byte_array(), sha2d(&bytes));
            // The share of a work round-trips through the pool's rebuild.
            let work = job.works(e2, Some(VersionMask::BIP320)).unwrap().next().unwrap();
            let share = work.share(nonce);
            let rebuilt: BlockHeader = job.share_header(&share, Some(VersionMask::BIP320)).unwrap();
            prop_assert_eq!(rebuilt, BlockHeader { nonce, ..*work.header() });
            prop_assert_eq!(work.search_job(Target::ALL_ONES).hash(nonce), rebuilt.block_hash());
        }
    }
}
