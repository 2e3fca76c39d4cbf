//! Bitcoin Merkle trees: the root of a block's transaction ids, the
//! mutation flag of CVE-2012-2459, and Merkle branches as mining pools send
//! them.
//!
//! Every node above the leaves is SHA-256d of the 64-byte concatenation of
//! its two children. A level with an odd number of nodes pairs its last node
//! with itself. Hashes are in internal byte order throughout (as SHA-256d
//! outputs them and as headers store them; explorers display them
//! reversed).
//!
//! Whole levels go through [`Engine::sha256d_64_batch`], so the SIMD and
//! SHA-NI kernels hash many pairs at once. The functions here work in
//! place on the caller's slice and never allocate, except those marked as
//! needing the `alloc` feature (which `std` turns on).
//!
//! Leaves are 32-byte arrays in internal byte order, or any type that
//! borrows as one ([`Txid`](crate::Txid), [`TxMerkleNode`],
//! [`Sha256dHash`](crate::Sha256dHash), ...) for the functions that do not
//! work in place; roots and branch hashes are [`TxMerkleNode`]s.
//!
//! # The mutation flag (CVE-2012-2459)
//!
//! Because an odd level duplicates its last node, the lists
//! `[a, b, c]` and `[a, b, c, c]` have the same root, and so do longer
//! lists built the same way at higher levels. Someone relaying a valid
//! block could append duplicated transactions, producing an invalid block
//! with the same header hash; a node that then remembered that header as
//! invalid would refuse the real block (CVE-2012-2459, fixed in Bitcoin
//! Core 0.6.1; see the comment on `ComputeMerkleRoot` in Bitcoin Core's
//! `src/consensus/merkle.cpp`).
//!
//! [`MerkleRoot::mutated`] reports what Bitcoin Core's `mutated` output
//! reports: whether, at any level, two *equal* nodes were hashed together
//! as a pair (the duplicated last node of an odd level does not count). A
//! block whose transaction list sets the flag must be rejected without
//! marking its header invalid. Honest blocks never set it, because
//! transaction ids in a block are distinct.
//!
//! ```
//! use sha256d::merkle;
//!
//! let mut txids = [[1u8; 32], [2; 32], [3; 32]];
//! let root = merkle::root_in_place(&mut txids).expect("not empty");
//! assert!(!root.mutated);
//!
//! // Appending a copy of the last id gives the same root, flagged.
//! let mut forged = [[1u8; 32], [2; 32], [3; 32], [3; 32]];
//! let forged = merkle::root_in_place(&mut forged).expect("not empty");
//! assert_eq!(forged.root, root.root);
//! assert!(forged.mutated);
//! ```

use core::borrow::Borrow;

use crate::{Engine, TxMerkleNode};

/// Pairs hashed per call to the batch kernel: enough to fill every kernel's
/// lanes many times over, while the copy buffer stays at 2 KiB of stack.
const PAIRS_PER_BATCH: usize = 32;

/// The most levels a tree can have above its leaves: a slice holds fewer
/// than `2^usize::BITS` leaves.
///
/// ```
/// assert_eq!(sha256d::merkle::MAX_DEPTH, usize::BITS as usize);
/// ```
pub const MAX_DEPTH: usize = usize::BITS as usize;

/// A Merkle root and whether the tree was mutated.
///
/// ```
/// let root = sha256d::merkle::root_in_place(&mut [[5u8; 32]]).expect("not empty");
/// assert_eq!(root.root, [5u8; 32]); // a single leaf is its own root
/// assert!(!root.mutated);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub struct MerkleRoot {
    /// The root hash, internal byte order (as in a header's bytes 36..68).
    pub root: TxMerkleNode,
    /// Whether two equal nodes were hashed together as a pair at some
    /// level: the list is a CVE-2012-2459 forgery of a shorter list with
    /// the same root. See the [module documentation](self).
    pub mutated: bool,
}

/// The sibling hashes on the path from one leaf to the root, leaf level
/// first: what Stratum's `mining.notify` sends as `merkle_branch` for the
/// coinbase (leaf 0).
///
/// Holds up to [`MAX_DEPTH`] hashes inline, so it needs no allocation.
///
/// ```
/// let branch = sha256d::merkle::branch_in_place(&mut [[1u8; 32], [2; 32]], 1).expect("in range");
/// assert_eq!(branch.as_slice(), [[1u8; 32]]);
/// ```
#[derive(Clone, Copy)]
pub struct MerkleBranch {
    hashes: [TxMerkleNode; MAX_DEPTH],
    len: usize,
}

impl MerkleBranch {
    /// The sibling hashes, leaf level first.
    ///
    /// ```
    /// let branch = sha256d::merkle::branch_in_place(&mut [[1u8; 32]; 3], 0).expect("in range");
    /// assert_eq!(branch.as_slice().len(), 2);
    /// ```
    #[must_use]
    pub fn as_slice(&self) -> &[TxMerkleNode] {
        // `len <= MAX_DEPTH` always: each level of a tree adds one hash.
        self.hashes.get(..self.len).unwrap_or(&self.hashes)
    }

    /// How many hashes: the number of levels above the leaves.
    ///
    /// ```
    /// let branch = sha256d::merkle::branch_in_place(&mut [[1u8; 32]; 5], 4).expect("in range");
    /// assert_eq!(branch.len(), 3);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether the branch is empty, as for a tree of one leaf.
    ///
    /// ```
    /// let branch = sha256d::merkle::branch_in_place(&mut [[1u8; 32]], 0).expect("in range");
    /// assert!(branch.is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, hash: [u8; 32]) {
        if let Some(slot) = self.hashes.get_mut(self.len) {
            *slot = TxMerkleNode::from_byte_array(hash);
            self.len += 1;
        }
    }
}

impl AsRef<[TxMerkleNode]> for MerkleBranch {
    fn as_ref(&self) -> &[TxMerkleNode] {
        self.as_slice()
    }
}

impl PartialEq for MerkleBranch {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for MerkleBranch {}

impl core::fmt::Debug for MerkleBranch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list()
            .entries(
                self.as_slice()
                    .iter()
                    .map(|h| crate::hex::Hex(h.as_slice())),
            )
            .finish()
    }
}

/// Replaces the first `(len + 1) / 2` nodes with the next level up and
/// returns that length and whether an equal pair was hashed.
fn hash_level_in_place(engine: &Engine, nodes: &mut [[u8; 32]]) -> (usize, bool) {
    let len = nodes.len();
    let parents = len.div_ceil(2);
    let mut mutated = false;
    let mut pairs = [[0u8; 64]; PAIRS_PER_BATCH];
    let mut first_parent = 0;
    while first_parent < parents {
        let batch = (parents - first_parent).min(PAIRS_PER_BATCH);
        for (offset, pair) in pairs[..batch].iter_mut().enumerate() {
            let left = 2 * (first_parent + offset);
            // An odd level's last node is paired with itself; that
            // duplicate is not a mutation.
            let right = match nodes.get(left + 1) {
                Some(right) => {
                    mutated |= *right == nodes[left];
                    right
                }
                None => &nodes[left],
            };
            pair[..32].copy_from_slice(&nodes[left]);
            pair[32..].copy_from_slice(right);
        }
        // Parents land at or before the children they came from, and the
        // children were copied out above, so nothing unread is overwritten.
        engine.sha256d_64_pairs(
            &pairs[..batch],
            &mut nodes[first_parent..first_parent + batch],
        );
        first_parent += batch;
    }
    (parents, mutated)
}

impl Engine {
    /// The Merkle root of `nodes` (leaves in internal byte order), computed
    /// in place: the slice is used as scratch space and holds intermediate
    /// levels afterwards. `None` for an empty slice, which has no root.
    ///
    /// A single leaf is its own root.
    ///
    /// ```
    /// use sha256d::Engine;
    /// let mut txids = [[7u8; 32], [9u8; 32]];
    /// let mut pair = [0u8; 64];
    /// pair[..32].copy_from_slice(&txids[0]);
    /// pair[32..].copy_from_slice(&txids[1]);
    /// let root = Engine::best().merkle_root_in_place(&mut txids).expect("not empty");
    /// assert_eq!(root.root, sha256d::sha256d(&pair).to_byte_array());
    /// assert!(!root.mutated);
    /// ```
    #[must_use]
    pub fn merkle_root_in_place(&self, nodes: &mut [[u8; 32]]) -> Option<MerkleRoot> {
        let mut len = nodes.len();
        if len == 0 {
            return None;
        }
        let mut mutated = false;
        while len > 1 {
            let (parents, level_mutated) = hash_level_in_place(self, &mut nodes[..len]);
            mutated |= level_mutated;
            len = parents;
        }
        Some(MerkleRoot {
            root: TxMerkleNode::from_byte_array(nodes[0]),
            mutated,
        })
    }

    /// The Merkle root of `leaves` (byte arrays or any of the crate's hash
    /// types), which are left untouched (a copy is hashed in place). `None`
    /// for an empty slice.
    ///
    /// ```
    /// let root = sha256d::Engine::best().merkle_root(&[[7u8; 32]]).expect("not empty");
    /// assert_eq!(root.root, [7u8; 32]);
    /// ```
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    #[must_use]
    pub fn merkle_root<T: Borrow<[u8; 32]>>(&self, leaves: &[T]) -> Option<MerkleRoot> {
        self.merkle_root_in_place(&mut copy_leaves(leaves))
    }

    /// The Merkle branch of leaf `index`: its sibling at each level, leaf
    /// level first (a last node of an odd level is its own sibling).
    /// Computed in place like [`Engine::merkle_root_in_place`]; `None` if
    /// `index` is not below `nodes.len()`.
    ///
    /// ```
    /// use sha256d::Engine;
    /// let engine = Engine::best();
    /// let txids: Vec<[u8; 32]> = (0u8..5).map(|i| [i; 32]).collect();
    /// let branch = engine.merkle_branch_in_place(&mut txids.clone(), 3).expect("index in range");
    /// assert_eq!(branch.len(), 3);
    /// assert_eq!(branch.as_slice()[0], txids[2]);
    /// let root = engine.merkle_root_in_place(&mut txids.clone()).expect("not empty");
    /// assert_eq!(engine.merkle_root_from_branch(txids[3], 3, branch.as_slice()), root.root);
    /// ```
    #[must_use]
    pub fn merkle_branch_in_place(
        &self,
        nodes: &mut [[u8; 32]],
        index: usize,
    ) -> Option<MerkleBranch> {
        let mut len = nodes.len();
        if index >= len {
            return None;
        }
        let mut branch = MerkleBranch {
            hashes: [TxMerkleNode::ALL_ZEROS; MAX_DEPTH],
            len: 0,
        };
        let mut position = index;
        while len > 1 {
            let sibling = nodes.get(position ^ 1).filter(|_| position ^ 1 < len);
            branch.push(*sibling.unwrap_or(&nodes[position]));
            len = hash_level_in_place(self, &mut nodes[..len]).0;
            position /= 2;
        }
        Some(branch)
    }

    /// The Merkle branch of leaf `index` of `leaves` (byte arrays or any of
    /// the crate's hash types), which are left untouched. `None` if `index`
    /// is out of range.
    ///
    /// ```
    /// use sha256d::{Engine, Txid};
    /// let txids = [Txid::from([1; 32]), Txid::from([2; 32])];
    /// let branch = Engine::best().merkle_branch(&txids, 0).expect("in range");
    /// assert_eq!(branch.as_slice(), [[2u8; 32]]);
    /// ```
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    #[must_use]
    pub fn merkle_branch<T: Borrow<[u8; 32]>>(
        &self,
        leaves: &[T],
        index: usize,
    ) -> Option<MerkleBranch> {
        self.merkle_branch_in_place(&mut copy_leaves(leaves), index)
    }

    /// The root of the tree that holds `leaf` at position `index`, given
    /// its Merkle `branch` (leaf level first). A miner calls this with the
    /// coinbase transaction's id, index 0 and the pool's `merkle_branch`.
    ///
    /// Bit `k` of `index` says whether the leaf's ancestor at level `k` is
    /// a right child; bits past the branch's length are ignored.
    ///
    /// ```
    /// use sha256d::Engine;
    /// let engine = Engine::best();
    /// let txids = [[1u8; 32], [2; 32], [3; 32]];
    /// let branch = engine.merkle_branch_in_place(&mut txids.clone(), 0).expect("index in range");
    /// let root = engine.merkle_root_in_place(&mut txids.clone()).expect("not empty").root;
    /// assert_eq!(engine.merkle_root_from_branch(txids[0], 0, branch.as_slice()), root);
    /// ```
    #[must_use]
    pub fn merkle_root_from_branch<B: Borrow<[u8; 32]>>(
        &self,
        leaf: impl Borrow<[u8; 32]>,
        index: usize,
        branch: &[B],
    ) -> TxMerkleNode {
        let mut node = [*leaf.borrow()];
        let mut pair = [[0u8; 64]];
        for (level, sibling) in branch.iter().enumerate() {
            let is_right_child = u32::try_from(level)
                .ok()
                .and_then(|shift| index.checked_shr(shift))
                .is_some_and(|bits| bits & 1 == 1);
            let sibling = sibling.borrow();
            let (left, right) = if is_right_child {
                (sibling, &node[0])
            } else {
                (&node[0], sibling)
            };
            pair[0][..32].copy_from_slice(left);
            pair[0][32..].copy_from_slice(right);
            self.sha256d_64_pairs(&pair, &mut node);
        }
        TxMerkleNode::from_byte_array(node[0])
    }
}

/// The leaves as byte arrays, in a new vector to hash in place.
#[cfg(feature = "alloc")]
fn copy_leaves<T: Borrow<[u8; 32]>>(leaves: &[T]) -> alloc::vec::Vec<[u8; 32]> {
    leaves.iter().map(|leaf| *leaf.borrow()).collect()
}

/// [`Engine::merkle_root_in_place`] with [`Engine::best`].
///
/// ```
/// let mut txids = [[1u8; 32], [2; 32], [3; 32]];
/// let root = sha256d::merkle::root_in_place(&mut txids).expect("not empty");
/// assert!(!root.mutated);
/// assert_eq!(sha256d::merkle::root_in_place(&mut []), None);
/// ```
#[must_use]
pub fn root_in_place(nodes: &mut [[u8; 32]]) -> Option<MerkleRoot> {
    Engine::best().merkle_root_in_place(nodes)
}

/// [`Engine::merkle_root`] with [`Engine::best`].
///
/// ```
/// let root = sha256d::merkle::root(&[[1u8; 32], [2; 32]]).expect("not empty");
/// assert!(!root.mutated);
/// ```
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
#[must_use]
pub fn root<T: Borrow<[u8; 32]>>(leaves: &[T]) -> Option<MerkleRoot> {
    Engine::best().merkle_root(leaves)
}

/// [`Engine::merkle_branch_in_place`] with [`Engine::best`].
///
/// ```
/// let mut txids = [[1u8; 32], [2; 32], [3; 32]];
/// let branch = sha256d::merkle::branch_in_place(&mut txids, 2).expect("index in range");
/// assert_eq!(branch.as_slice()[0], [3u8; 32]); // the last node is its own sibling
/// ```
#[must_use]
pub fn branch_in_place(nodes: &mut [[u8; 32]], index: usize) -> Option<MerkleBranch> {
    Engine::best().merkle_branch_in_place(nodes, index)
}

/// [`Engine::merkle_branch`] with [`Engine::best`].
///
/// ```
/// let branch = sha256d::merkle::branch(&[[1u8; 32], [2; 32]], 0).expect("index in range");
/// assert_eq!(branch.as_slice(), &[[2u8; 32]]);
/// ```
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
#[must_use]
pub fn branch<T: Borrow<[u8; 32]>>(leaves: &[T], index: usize) -> Option<MerkleBranch> {
    Engine::best().merkle_branch(leaves, index)
}

/// [`Engine::merkle_root_from_branch`] with [`Engine::best`].
///
/// ```
/// let txids = [[1u8; 32], [2; 32], [3; 32], [4; 32]];
/// let branch = sha256d::merkle::branch_in_place(&mut txids.clone(), 0).expect("index in range");
/// let root = sha256d::merkle::root_in_place(&mut txids.clone()).expect("not empty").root;
/// assert_eq!(sha256d::merkle::root_from_branch(txids[0], 0, branch.as_slice()), root);
/// ```
#[must_use]
pub fn root_from_branch<B: Borrow<[u8; 32]>>(
    leaf: impl Borrow<[u8; 32]>,
    index: usize,
    branch: &[B],
) -> TxMerkleNode {
    Engine::best().merkle_root_from_branch(leaf, index, branch)
}
