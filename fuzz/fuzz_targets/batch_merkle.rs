//! SHA-256d of many 64-byte inputs, and Merkle roots and branches built on
//! it: every available kernel equals scalar, and scalar equals one-shot
//! hashing and a plain Merkle tree, for any count and output length.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sha256d::merkle::MerkleRoot;
use sha256d::Engine;
use sha256d_fuzz::engines;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Number of 64-byte inputs, taken modulo 600.
    count: u16,
    /// Outputs offered, taken modulo `count + 9`: fewer, as many or more.
    outputs: u16,
    /// Number of Merkle leaves, taken modulo 300.
    leaves: u16,
    /// When non-zero, leaf `i` repeats leaf `i % distinct`: equal pairs,
    /// the trees that CVE-2012-2459 is about.
    distinct: u8,
    /// Leaf whose branch is checked, taken modulo the leaf count.
    branch_index: u16,
    /// Bytes of the inputs and leaves, repeated as needed.
    bytes: Vec<u8>,
}

/// `n` items of `N` bytes from the repeated pattern; item `i` is made from
/// item number `key(i)`, so that different keys give different items.
fn items<const N: usize>(pattern: &[u8], n: usize, key: impl Fn(usize) -> usize) -> Vec<[u8; N]> {
    (0..n)
        .map(|i| {
            let k = key(i);
            let mut item = [0u8; N];
            for (j, byte) in item.iter_mut().enumerate() {
                *byte = pattern[(k * N + j) % pattern.len()] ^ (k as u8).wrapping_mul(0x9d);
            }
            item
        })
        .collect()
}

/// The Merkle root the plain way: one pair at a time with the one-shot
/// `sha256d`, flagging equal pairs as Bitcoin Core does.
fn reference_root(leaves: &[[u8; 32]]) -> Option<MerkleRoot> {
    let mut level = leaves.to_vec();
    let mut mutated = false;
    while level.len() > 1 {
        mutated |= level.chunks_exact(2).any(|pair| pair[0] == pair[1]);
        if level.len() % 2 == 1 {
            level.push(level[level.len() - 1]);
        }
        level = level
            .chunks_exact(2)
            .map(|pair| {
                let mut concat = [0u8; 64];
                concat[..32].copy_from_slice(&pair[0]);
                concat[32..].copy_from_slice(&pair[1]);
                sha256d::sha256d(&concat).to_byte_array()
            })
            .collect();
    }
    level.first().map(|&root| MerkleRoot { root: root.into(), mutated })
}

fuzz_target!(|input: Input| {
    let pattern = if input.bytes.is_empty() {
        &[0u8][..]
    } else {
        &input.bytes[..]
    };

    // The batch function: all outputs when the counts match, an error and
    // nothing written when they do not.
    let count = usize::from(input.count % 600);
    let outputs = usize::from(input.outputs) % (count + 9);
    let inputs: Vec<[u8; 64]> = items(pattern, count, |i| i);
    let untouched = sha256d::Sha256dHash::from_byte_array([0x5a; 32]);
    let mut expected = vec![untouched; outputs];
    let result = Engine::scalar().sha256d_64_batch(&inputs, &mut expected);
    if outputs == count {
        assert_eq!(result, Ok(()));
        for (i, out) in expected.iter().enumerate() {
            assert_eq!(*out, sha256d::sha256d(&inputs[i]), "scalar, input {i}");
        }
    } else {
        assert_eq!(
            result,
            Err(sha256d::Error::InvalidLength { expected: count, found: outputs })
        );
        assert!(expected.iter().all(|out| *out == untouched), "scalar wrote on a mismatch");
    }
    for engine in engines() {
        let mut out = vec![untouched; outputs];
        assert_eq!(engine.sha256d_64_batch(&inputs, &mut out), result);
        assert_eq!(out, expected, "kernel {}, {count} inputs", engine.kernel());
    }

    // Merkle trees.
    let n = usize::from(input.leaves % 300);
    let distinct = usize::from(input.distinct);
    let leaves: Vec<[u8; 32]> = items(pattern, n, |i| if distinct == 0 { i } else { i % distinct });
    let expected = reference_root(&leaves);
    let index = usize::from(input.branch_index) % n.max(1);
    for engine in engines() {
        let kernel = engine.kernel();
        let root = engine.merkle_root(&leaves);
        assert_eq!(root, expected, "kernel {kernel}, {n} leaves");
        let mut nodes = leaves.clone();
        assert_eq!(engine.merkle_root_in_place(&mut nodes), expected);

        let branch = engine.merkle_branch(&leaves, index);
        assert_eq!(branch.is_some(), n > 0);
        if let (Some(branch), Some(root)) = (branch, root) {
            assert_eq!(
                branch,
                Engine::scalar().merkle_branch(&leaves, index).unwrap()
            );
            let from_branch =
                engine.merkle_root_from_branch(leaves[index], index, branch.as_slice());
            assert_eq!(
                from_branch, root.root,
                "kernel {kernel}, leaf {index} of {n}"
            );
        }
        assert_eq!(engine.merkle_branch(&leaves, n), None);
    }
});
