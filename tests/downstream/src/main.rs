//! Everyday idioms against sha256d, each checked. Run with `cargo run`.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::io::Write as _;

use sha256d::{
    merkle, BlockHash, BlockHeader, CompactTarget, Midstate, Sha256, Sha256Hash, Sha256dHash,
    Target, TxMerkleNode, Txid,
};

const GENESIS_HEADER: &str = concat!(
    "0100000000000000000000000000000000000000000000000000000000000000",
    "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    "4b1e5e4a29ab5f49ffff001d1dac2b7c",
);
const GENESIS_HASH: &str = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

/// A header's first 64 bytes, as a constant.
const PREFIX: [u8; 64] = {
    let mut prefix = [0u8; 64];
    prefix[0] = 1;
    prefix
};
/// A midstate computed at compile time.
const MIDSTATE: Midstate = Midstate::from_prefix(&PREFIX);
/// A header built at compile time from its bytes.
const ZERO_HEADER: BlockHeader = BlockHeader::from_bytes(&[0; 80]);

fn hashing() -> Result<(), Box<dyn Error>> {
    // `std::io::copy` into the hasher, as with `sha2`.
    let data = b"hello world".repeat(1000);
    let mut hasher = Sha256::new();
    std::io::copy(&mut data.as_slice(), &mut hasher)?;
    hasher.flush()?;
    let copied = hasher.finalize_reset();
    // One-shot, chained and reset forms.
    assert_eq!(copied, Sha256::digest(&data));
    assert_eq!(copied, sha256d::sha256(&data));
    assert_eq!(Sha256::new().chain_update(&data).finalize(), copied);
    hasher.update(&data);
    assert_eq!(hasher.finalize_reset(), copied);
    // Hex formatting, both cases, and parsing back.
    let hex = format!("{copied:x}");
    assert_eq!(hex.len(), 64);
    assert_eq!(format!("{copied:X}"), hex.to_uppercase());
    assert_eq!(copied.to_string(), hex);
    assert_eq!(hex.parse::<Sha256Hash>()?, copied);
    // Arrays in and out, slices, AsRef and Borrow.
    let bytes: [u8; 32] = copied.into();
    assert_eq!(<[u8; 32]>::from(copied), bytes);
    assert_eq!(Sha256Hash::from(bytes), copied);
    let slice: &[u8] = copied.as_ref();
    assert_eq!(Sha256Hash::try_from(slice)?, copied);
    let array: &[u8; 32] = copied.borrow();
    assert_eq!(array, &bytes);
    assert_eq!(copied, bytes);
    assert_eq!(bytes, copied);
    // The const midstate agrees with the run-time one.
    assert_eq!(MIDSTATE, Midstate::from_prefix(&PREFIX));
    let mut header = PREFIX.to_vec();
    header.extend_from_slice(&[0; 16]);
    assert_eq!(MIDSTATE.finish_sha256d(&[0; 16]), sha256d::sha256d(&header));
    Ok(())
}

fn digest_feature() {
    // Code written against `digest::Digest` (as for `sha2::Sha256`).
    fn hash_generic<D: digest::Digest>(data: &[u8]) -> Vec<u8> {
        let mut hasher = D::new();
        hasher.update(data);
        hasher.finalize().to_vec()
    }
    let ours = hash_generic::<Sha256>(b"abc");
    assert_eq!(ours, sha256d::sha256(b"abc").as_slice());
    let output = <Sha256 as digest::Digest>::digest(b"abc");
    assert_eq!(Sha256Hash::from(output), sha256d::sha256(b"abc"));
}

/// Bytes from hex.
fn unhex(hex: &str) -> Vec<u8> {
    let mut out = vec![0u8; hex.len() / 2];
    sha256d::hex::decode_to_slice(hex, &mut out).expect("hex");
    out
}

fn hmac_and_hkdf() -> Result<(), Box<dyn Error>> {
    use hmac::{KeyInit, Mac};
    // HMAC-SHA-256 with the crate's hasher, both HMAC types: RFC 4231 test
    // cases 1 and 2.
    type HmacSha256 = hmac::Hmac<Sha256>;
    let mut mac = HmacSha256::new_from_slice(&[0x0b; 20])?;
    mac.update(b"Hi There");
    assert_eq!(
        mac.finalize().into_bytes().to_vec(),
        unhex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    );
    let mut mac = hmac::SimpleHmac::<Sha256>::new_from_slice(b"Jefe")?;
    mac.update(b"what do ya want for nothing?");
    mac.verify_slice(&unhex(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ))?;
    // HKDF-SHA-256: RFC 5869 test case 1.
    let salt: Vec<u8> = (0x00..=0x0c).collect();
    let info: Vec<u8> = (0xf0..=0xf9).collect();
    let (prk, hk) = hkdf::Hkdf::<Sha256>::extract(Some(&salt), &[0x0b; 22]);
    assert_eq!(
        prk.to_vec(),
        unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    );
    let mut okm = [0u8; 42];
    hk.expand(&info, &mut okm).map_err(|e| e.to_string())?;
    assert_eq!(
        okm.to_vec(),
        unhex(concat!(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
            "34007208d5b887185865",
        ))
    );
    // The hasher's `Debug` shows nothing of the key, and `zeroize` wipes it.
    let mut keyed = Sha256::new().chain_update(b"secret key");
    assert_eq!(format!("{keyed:?}"), "Sha256 { .. }");
    zeroize::Zeroize::zeroize(&mut keyed);
    Ok(())
}

fn bitcoin_types() -> Result<(), Box<dyn Error>> {
    // Hashes parse from and print in display order.
    let hash: BlockHash = GENESIS_HASH.parse()?;
    assert_eq!(hash.to_string(), GENESIS_HASH);
    assert_eq!(format!("{hash:x}"), GENESIS_HASH);
    assert_eq!(hash.as_byte_array()[31], 0);
    let raw = [7u8; 32];
    assert_eq!(BlockHash::from(raw).to_byte_array(), raw);
    assert_eq!(<[u8; 32]>::from(BlockHash::from(raw)), raw);
    // Targets and compact targets.
    let compact = CompactTarget::from(0x1d00ffff);
    assert_eq!(u32::from(compact), 0x1d00ffff);
    let target = Target::try_from(compact)?;
    let shown = "00000000ffff0000000000000000000000000000000000000000000000000000";
    assert_eq!(shown.parse::<Target>()?, target);
    assert_eq!(target.to_string(), shown);
    assert_eq!(format!("{target:x}"), shown);
    assert_eq!(CompactTarget::from(target), compact);
    assert_eq!("1d00ffff".parse::<CompactTarget>()?, compact);
    assert_eq!(format!("{compact:08x}"), "1d00ffff");
    assert!(Target::from_difficulty(2.0)? < target);
    let mut targets = [Target::ALL_ONES, target, Target::ZERO];
    targets.sort();
    assert_eq!(targets, [Target::ZERO, target, Target::ALL_ONES]);
    // Headers as text.
    let header: BlockHeader = GENESIS_HEADER.parse()?;
    assert_eq!(header.to_string(), GENESIS_HEADER);
    assert_eq!(format!("{header:x}"), GENESIS_HEADER);
    assert_eq!(header.block_hash(), hash);
    assert_eq!(BlockHeader::from(header.to_bytes()), header);
    assert_eq!(<[u8; 80]>::from(header), header.to_bytes());
    assert_eq!(BlockHeader::try_from(&header.to_bytes()[..])?, header);
    assert_eq!(BlockHeader::default(), ZERO_HEADER);
    // Hash types as map keys, looked up by array.
    let mut by_hash = HashMap::new();
    by_hash.insert(hash, 0u32);
    assert_eq!(by_hash.get(hash.as_byte_array()), Some(&0));
    let mut ordered = BTreeMap::new();
    ordered.insert(header.merkle_root, "genesis");
    assert_eq!(ordered.get(header.merkle_root.as_byte_array()), Some(&"genesis"));
    // Errors work with `?`, `Box<dyn Error>` and `core::error::Error`.
    let error = "not hex".parse::<BlockHash>().unwrap_err();
    let boxed: Box<dyn Error + Send + Sync> = Box::new(error);
    assert!(!boxed.to_string().is_empty());
    let _: &dyn core::error::Error = &error;
    Ok(())
}

fn merkle_and_alloc() {
    // Merkle roots of typed ids (the `alloc` feature), compared with the
    // header's own field.
    let header: BlockHeader = GENESIS_HEADER.parse().expect("genesis");
    let coinbase: Txid = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
        .parse()
        .expect("txid");
    let root = merkle::root(&[coinbase]).expect("one leaf");
    assert_eq!(root.root, header.merkle_root);
    let txids: Vec<Txid> = (0u8..5).map(|i| Txid::from([i; 32])).collect();
    let root: TxMerkleNode = merkle::root(&txids).expect("five leaves").root;
    let branch = merkle::branch(&txids, 3).expect("in range");
    assert_eq!(merkle::root_from_branch(txids[3], 3, branch.as_slice()), root);
    // The family converts through `Sha256dHash`.
    let double = Sha256dHash::from(root);
    assert_eq!(TxMerkleNode::from(double), root);
    assert_eq!(Sha256dHash::hash(b"abc"), sha256d::sha256d(b"abc"));
}

fn serde_feature() -> Result<(), Box<dyn Error>> {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Share {
        header: BlockHeader,
        hash: BlockHash,
        bits: CompactTarget,
        target: Target,
    }
    let header: BlockHeader = GENESIS_HEADER.parse()?;
    let share = Share {
        header,
        hash: header.block_hash(),
        bits: header.bits,
        target: header.bits.to_target()?,
    };
    let json = serde_json::to_string(&share)?;
    assert!(json.contains(GENESIS_HASH));
    assert!(json.contains("\"1d00ffff\""));
    assert_eq!(serde_json::from_str::<Share>(&json)?, share);
    Ok(())
}

fn bitcoin_feature() {
    let header: BlockHeader = GENESIS_HEADER.parse().expect("genesis");
    let theirs: bitcoin::block::Header = header.into();
    let back: BlockHeader = theirs.into();
    assert_eq!(back, header);
    let hash: bitcoin::BlockHash = header.block_hash().into();
    assert_eq!(hash, theirs.block_hash());
    assert_eq!(BlockHash::from(hash), header.block_hash());
    let bits: bitcoin::CompactTarget = header.bits.into();
    let target: Target = bitcoin::Target::from_compact(bits).into();
    assert_eq!(Ok(target), header.bits.to_target());
    let root: bitcoin::TxMerkleNode = header.merkle_root.into();
    assert_eq!(TxMerkleNode::from(root), header.merkle_root);
    // Shared names mean the same: the bitcoin crate's `Target::MAX` is the
    // difficulty-1 target, which this crate calls by its other name.
    assert_eq!(
        bitcoin::Target::from(Target::MAX_ATTAINABLE_MAINNET),
        bitcoin::Target::MAX
    );
    assert_eq!(
        Target::MAX_ATTAINABLE_MAINNET.difficulty_float(),
        bitcoin::Target::MAX.difficulty_float()
    );
    assert_eq!(
        header.cmp(&BlockHeader::default()),
        theirs.cmp(&BlockHeader::default().into())
    );
}

fn main() -> Result<(), Box<dyn Error>> {
    hashing()?;
    digest_feature();
    hmac_and_hkdf()?;
    bitcoin_types()?;
    merkle_and_alloc();
    serde_feature()?;
    bitcoin_feature();
    println!("downstream: every idiom compiled and checked");
    Ok(())
}
