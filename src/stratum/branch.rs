//! The coinbase's Merkle branch (v1's `merkle_branch`, v2's
//! `merkle_path`), stored inline, and the root it gives.

use super::{Error, Field};
use crate::{TxMerkleNode, Txid, merkle};

/// The longest Merkle branch accepted: enough for 2^32 transactions, many
/// more than a block can hold. A job stores its branch inline (1 KiB).
///
/// ```
/// use sha256d::stratum::{Error, Extranonce, Field, Job, Notify, MAX_MERKLE_BRANCH_LEN};
/// let branch = [[0u8; 32]; MAX_MERKLE_BRANCH_LEN + 1];
/// let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
///     merkle_branch: &branch, version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: false };
/// let session = Extranonce::new(&[], 4)?;
/// assert!(Job::new(&Notify { merkle_branch: &branch[..MAX_MERKLE_BRANCH_LEN], ..notify }, &session).is_ok());
/// assert_eq!(
///     Job::new(&notify, &session).err(),
///     Some(Error::TooLong { field: Field::MerkleBranchLength, max: 32, found: 33 }),
/// );
/// # Ok::<(), Error>(())
/// ```
pub const MAX_MERKLE_BRANCH_LEN: usize = 32;

/// Up to [`MAX_MERKLE_BRANCH_LEN`] hashes, internal byte order, leaf level
/// first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Branch {
    hashes: [[u8; 32]; MAX_MERKLE_BRANCH_LEN],
    len: usize,
}

impl Branch {
    /// A branch of `len` zero hashes, to be filled through
    /// [`Branch::as_mut_slice`].
    pub(super) fn zeros(len: usize) -> Result<Self, Error> {
        if len > MAX_MERKLE_BRANCH_LEN {
            return Err(Error::TooLong {
                field: Field::MerkleBranchLength,
                max: MAX_MERKLE_BRANCH_LEN,
                found: len,
            });
        }
        Ok(Branch {
            hashes: [[0; 32]; MAX_MERKLE_BRANCH_LEN],
            len,
        })
    }

    /// A copy of `hashes`.
    pub(super) fn new(hashes: &[[u8; 32]]) -> Result<Self, Error> {
        let mut branch = Self::zeros(hashes.len())?;
        branch.as_mut_slice().copy_from_slice(hashes);
        Ok(branch)
    }

    /// The hashes.
    pub(super) fn as_slice(&self) -> &[[u8; 32]] {
        self.hashes.get(..self.len).unwrap_or(&self.hashes)
    }

    /// The hashes, to fill in.
    pub(super) fn as_mut_slice(&mut self) -> &mut [[u8; 32]] {
        let len = self.len;
        let (hashes, _) = self.hashes.split_at_mut(len.min(MAX_MERKLE_BRANCH_LEN));
        hashes
    }

    /// The Merkle root of a block whose coinbase (leaf 0) is `txid`:
    /// [`merkle::root_from_branch`].
    pub(super) fn root(&self, txid: Txid) -> TxMerkleNode {
        merkle::root_from_branch(txid, 0, self.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_folds_each_hash_on_the_right() {
        let txid = Txid::from_byte_array([1; 32]);
        assert_eq!(
            Branch::new(&[]).unwrap().root(txid).to_byte_array(),
            [1; 32]
        );
        let branch = Branch::new(&[[2; 32], [3; 32]]).unwrap();
        let mut pair = [0u8; 64];
        pair[..32].copy_from_slice(&[1; 32]);
        pair[32..].copy_from_slice(&[2; 32]);
        let level = crate::sha256d(&pair);
        pair[..32].copy_from_slice(level.as_ref());
        pair[32..].copy_from_slice(&[3; 32]);
        assert_eq!(
            branch.root(txid).to_byte_array(),
            crate::sha256d(&pair).to_byte_array()
        );
        assert_eq!(
            Branch::zeros(MAX_MERKLE_BRANCH_LEN + 1),
            Err(Error::TooLong {
                field: Field::MerkleBranchLength,
                max: MAX_MERKLE_BRANCH_LEN,
                found: MAX_MERKLE_BRANCH_LEN + 1
            })
        );
    }
}
