//! Merkle roots and branches on every available kernel, against a real
//! block and two independent references.

mod common;

use common::{engines, read_vector};
use proptest::prelude::*;
use sha256d::Engine;
use sha256d::merkle::{self, MerkleBranch, MerkleRoot};

/// The root through the in-place API, which exists without `std` too.
fn root_of(engine: &Engine, leaves: &[[u8; 32]]) -> Option<MerkleRoot> {
    engine.merkle_root_in_place(&mut leaves.to_vec())
}

/// The branch through the in-place API.
fn branch_of(engine: &Engine, leaves: &[[u8; 32]], index: usize) -> Option<MerkleBranch> {
    engine.merkle_branch_in_place(&mut leaves.to_vec(), index)
}

/// The 1,851 txids of block 830,000, internal byte order; `None` (the
/// test skips) where the file is not in the package.
fn block_830000_txids() -> Option<Vec<[u8; 32]>> {
    let txids: Vec<[u8; 32]> = common::read_large_vector("block-830000-txids.txt")?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| sha256d::hex::decode_array(l.trim()).expect("txid hex"))
        .collect();
    assert_eq!(txids.len(), 1_851);
    Some(txids)
}

/// The Merkle root field (bytes 36..68) of block 830,000's header.
fn block_830000_merkle_root() -> [u8; 32] {
    let header: [u8; 80] =
        sha256d::hex::decode_array(read_vector("block-830000-header.txt").trim())
            .expect("header hex");
    header[36..68].try_into().unwrap()
}

/// The plain definition, one `Vec` per level, with the crate's one-shot
/// `sha256d`; `mutated` as Bitcoin Core defines it.
fn naive_root(leaves: &[[u8; 32]], hash: impl Fn(&[u8]) -> [u8; 32]) -> Option<MerkleRoot> {
    if leaves.is_empty() {
        return None;
    }
    let mut level = leaves.to_vec();
    let mut mutated = false;
    while level.len() > 1 {
        mutated |= level.chunks_exact(2).any(|pair| pair[0] == pair[1]);
        if level.len() % 2 == 1 {
            level.push(*level.last().unwrap());
        }
        level = level
            .chunks_exact(2)
            .map(|pair| hash(&[pair[0], pair[1]].concat()))
            .collect();
    }
    Some(MerkleRoot {
        root: level[0].into(),
        mutated,
    })
}

fn crate_sha256d(data: &[u8]) -> [u8; 32] {
    sha256d::sha256d(data).into()
}

fn bitcoin_hashes_sha256d(data: &[u8]) -> [u8; 32] {
    bitcoin_hashes::sha256d::Hash::hash(data).to_byte_array()
}

/// `count` pseudo-random distinct leaves from `seed`.
fn leaves(seed: u64, count: usize) -> Vec<[u8; 32]> {
    (0..count as u64)
        .map(|i| sha256d::sha256(&[seed.to_le_bytes(), i.to_le_bytes()].concat()).into())
        .collect()
}

#[test]
fn block_830000_root_matches_its_header_on_every_kernel() {
    let Some(txids) = block_830000_txids() else {
        return;
    };
    let expected = block_830000_merkle_root();
    for engine in engines() {
        let root = root_of(&engine, &txids).expect("not empty");
        assert_eq!(root.root, expected, "kernel {}", engine.kernel());
        assert!(!root.mutated, "kernel {}", engine.kernel());
    }
    let mut scratch = txids.clone();
    assert_eq!(
        merkle::root_in_place(&mut scratch).map(|r| r.root.to_byte_array()),
        Some(expected)
    );
}

#[test]
fn block_830000_coinbase_branch_gives_the_header_root() {
    let Some(txids) = block_830000_txids() else {
        return;
    };
    let expected = block_830000_merkle_root();
    for engine in engines() {
        let branch = branch_of(&engine, &txids, 0).expect("index in range");
        // 1,851 leaves: 11 levels above them.
        assert_eq!(branch.len(), 11);
        assert_eq!(
            engine.merkle_root_from_branch(txids[0], 0, branch.as_slice()),
            expected,
            "kernel {}",
            engine.kernel()
        );
        // The last transaction sits alone at the end of odd levels.
        let last = txids.len() - 1;
        let branch = branch_of(&engine, &txids, last).expect("index in range");
        assert_eq!(
            engine.merkle_root_from_branch(txids[last], last, branch.as_slice()),
            expected,
            "kernel {}",
            engine.kernel()
        );
    }
}

#[test]
fn empty_list_has_no_root_and_no_branch() {
    for engine in engines() {
        assert_eq!(engine.merkle_root_in_place(&mut []), None);
        assert_eq!(root_of(&engine, &[]), None);
        assert_eq!(branch_of(&engine, &[], 0), None);
    }
}

#[test]
fn single_leaf_is_its_own_root_with_an_empty_branch() {
    let leaf = [0x5a; 32];
    for engine in engines() {
        assert_eq!(
            root_of(&engine, &[leaf]),
            Some(MerkleRoot {
                root: leaf.into(),
                mutated: false
            })
        );
        let branch = branch_of(&engine, &[leaf], 0).unwrap();
        assert!(branch.is_empty());
        assert_eq!(
            engine.merkle_root_from_branch(leaf, 0, &[] as &[[u8; 32]]),
            leaf
        );
        assert_eq!(branch_of(&engine, &[leaf], 1), None);
    }
}

#[test]
fn index_bits_past_the_branch_are_ignored() {
    let txids = leaves(3, 4);
    let branch = branch_of(&Engine::best(), &txids, 1).unwrap();
    let root = root_of(&Engine::best(), &txids).unwrap().root;
    for index in [1, 1 + 4, 1 | (1 << (usize::BITS - 1)), usize::MAX - 2] {
        assert_eq!(
            merkle::root_from_branch(txids[1], index, branch.as_slice()),
            root
        );
    }
    // A branch longer than an index has bits: levels past the index's
    // width are left children (and no shift overflows).
    let long_branch: Vec<[u8; 32]> = (0..usize::BITS as u8 + 3).map(|i| [i; 32]).collect();
    let mut expected = txids[0];
    for (level, sibling) in long_branch.iter().enumerate() {
        let pair = if level < usize::BITS as usize {
            [*sibling, expected].concat()
        } else {
            [expected, *sibling].concat()
        };
        expected = sha256d::sha256d(&pair).into();
    }
    assert_eq!(
        merkle::root_from_branch(txids[0], usize::MAX, &long_branch),
        expected
    );
}

#[test]
fn mutation_flags_equal_last_pair_and_not_an_odd_level() {
    for engine in engines() {
        for count in [3usize, 5, 7, 9, 11, 13, 101, 1_851] {
            let normal = leaves(count as u64, count);
            let root = root_of(&engine, &normal).unwrap();
            assert!(!root.mutated, "odd tree of {count}, {}", engine.kernel());

            // CVE-2012-2459: duplicate the odd level's last node; the root
            // stays the same and the flag goes up.
            let mut forged = normal.clone();
            forged.push(*normal.last().unwrap());
            let forged_root = root_of(&engine, &forged).unwrap();
            assert_eq!(forged_root.root, root.root, "{count}, {}", engine.kernel());
            assert!(forged_root.mutated, "{count}, {}", engine.kernel());
        }

        // Equal last pair at a higher level: leaves [a b c d e f e f]
        // give level 1 [ab cd ef ef].
        let base = leaves(77, 6);
        let mut higher = base.clone();
        higher.extend_from_slice(&base[4..6]);
        let higher_root = root_of(&engine, &higher).unwrap();
        assert!(higher_root.mutated, "{}", engine.kernel());
        assert!(!root_of(&engine, &base).unwrap().mutated);
        assert_eq!(higher_root.root, root_of(&engine, &base).unwrap().root);

        // An equal pair that is not at the end is flagged too.
        let mut early = leaves(5, 8);
        early[3] = early[2];
        assert!(root_of(&engine, &early).unwrap().mutated);
        // Equal nodes that are not paired together are not.
        let mut unpaired = leaves(5, 8);
        unpaired[2] = unpaired[1];
        assert!(!root_of(&engine, &unpaired).unwrap().mutated);
    }
}

#[test]
fn every_count_up_to_70_matches_the_naive_root() {
    // Every count around the batch size (32 pairs), deterministic.
    for engine in engines() {
        for count in 1..=70 {
            let txids = leaves(count as u64 * 31, count);
            assert_eq!(
                root_of(&engine, &txids),
                naive_root(&txids, crate_sha256d),
                "count {count}, kernel {}",
                engine.kernel()
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn root_matches_naive_and_bitcoin_hashes(
        seed in any::<u64>(),
        count in 1usize..300,
        duplicate in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut txids = leaves(seed, count);
        // Sometimes copy one leaf onto its right neighbour, so that both
        // mutated and honest trees are compared.
        if let Some(at) = duplicate {
            let at = at.index(count);
            if at + 1 < count {
                txids[at + 1] = txids[at];
            }
        }
        let naive = naive_root(&txids, crate_sha256d);
        let oracle = naive_root(&txids, bitcoin_hashes_sha256d);
        prop_assert_eq!(naive, oracle);
        for engine in engines() {
            prop_assert_eq!(root_of(&engine, &txids), naive, "kernel {}", engine.kernel());
        }
    }

    #[test]
    fn branch_of_any_leaf_gives_the_full_root(
        seed in any::<u64>(),
        count in 1usize..300,
        pick in any::<prop::sample::Index>(),
    ) {
        let txids = leaves(seed, count);
        let root = naive_root(&txids, bitcoin_hashes_sha256d).unwrap().root;
        for engine in engines() {
            for index in [0, pick.index(count)] {
                let branch = branch_of(&engine, &txids, index).unwrap();
                prop_assert_eq!(
                    branch.len(),
                    count.next_power_of_two().trailing_zeros() as usize
                );
                prop_assert_eq!(
                    engine.merkle_root_from_branch(txids[index], index, branch.as_slice()),
                    root,
                    "leaf {} of {}, kernel {}", index, count, engine.kernel()
                );
                // A wrong leaf does not give the root.
                let mut wrong = txids[index];
                wrong[0] ^= 1;
                prop_assert_ne!(
                    engine.merkle_root_from_branch(wrong, index, branch.as_slice()),
                    root
                );
            }
        }
    }
}

#[cfg(feature = "std")]
#[test]
fn copying_forms_agree_with_the_in_place_forms() {
    let Some(txids) = block_830000_txids() else {
        return;
    };
    let expected = block_830000_merkle_root();
    for engine in engines() {
        let root = engine.merkle_root(&txids).expect("not empty");
        assert_eq!(
            root,
            root_of(&engine, &txids).unwrap(),
            "{}",
            engine.kernel()
        );
        assert_eq!(root.root, expected);
        for index in [0, 1, 1_000, 1_850] {
            assert_eq!(
                engine.merkle_branch(&txids, index),
                branch_of(&engine, &txids, index),
                "{}",
                engine.kernel()
            );
        }
        assert_eq!(engine.merkle_root::<[u8; 32]>(&[]), None);
        assert_eq!(engine.merkle_branch(&txids, 1_851), None);
    }
    assert_eq!(
        merkle::root(&txids),
        Some(root_of(&Engine::best(), &txids).unwrap())
    );
    assert_eq!(
        merkle::branch(&txids, 7),
        branch_of(&Engine::best(), &txids, 7)
    );
    let mut scratch = txids.clone();
    assert_eq!(
        merkle::branch_in_place(&mut scratch, 7),
        merkle::branch(&txids, 7)
    );
}
