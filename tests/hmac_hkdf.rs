//! The `digest` feature's promise: `hmac::Hmac`, `hmac::SimpleHmac` and
//! `hkdf::Hkdf` work over the crate's `Sha256`, and give the values of
//! RFC 4231 (HMAC-SHA-256, its seven test cases) and RFC 5869 (HKDF with
//! SHA-256, test cases 1 to 3), and the same values as over `sha2::Sha256`.

#![cfg(feature = "digest")]

use hkdf::{Hkdf, SimpleHkdf};
use hmac::{Hmac, KeyInit, Mac, SimpleHmac};
use sha256d::hex::decode_array;

/// Bytes from hex, for vectors whose length the type does not fix.
fn bytes(hex: &str) -> Vec<u8> {
    let mut out = vec![0u8; hex.len() / 2];
    sha256d::hex::decode_to_slice(hex, &mut out).expect("vector hex");
    out
}

/// RFC 4231 section 4: key, data, HMAC-SHA-256 (test case 5's is the
/// first 128 bits only, as the RFC gives it).
fn rfc4231() -> Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    vec![
        (
            vec![0x0b; 20],
            b"Hi There".to_vec(),
            bytes("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?".to_vec(),
            bytes("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ),
        (
            vec![0xaa; 20],
            vec![0xdd; 50],
            bytes("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ),
        (
            (1..=25).collect(),
            vec![0xcd; 50],
            bytes("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ),
        (
            vec![0x0c; 20],
            b"Test With Truncation".to_vec(),
            bytes("a3b6167473100ee06e0c796c2955552b"),
        ),
        (
            vec![0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            bytes("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ),
        (
            vec![0xaa; 131],
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
            bytes("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ),
    ]
}

/// The tag of `data` under `key` with the MAC type `M`, fed in two pieces
/// split at `split`.
fn tag<M: Mac + KeyInit>(key: &[u8], data: &[u8], split: usize) -> Vec<u8> {
    let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&data[..split]);
    mac.update(&data[split..]);
    mac.finalize().into_bytes().to_vec()
}

#[test]
fn hmac_rfc4231() {
    for (case, (key, data, expected)) in rfc4231().into_iter().enumerate() {
        let case = case + 1;
        for split in [0, data.len() / 2, data.len()] {
            let eager = tag::<Hmac<sha256d::Sha256>>(&key, &data, split);
            let simple = tag::<SimpleHmac<sha256d::Sha256>>(&key, &data, split);
            assert_eq!(eager[..expected.len()], expected, "Hmac, case {case}");
            assert_eq!(
                simple[..expected.len()],
                expected,
                "SimpleHmac, case {case}"
            );
        }
        // `verify_slice` accepts the RFC's tag, truncated or not.
        let mut mac = Hmac::<sha256d::Sha256>::new_from_slice(&key).unwrap();
        mac.update(&data);
        assert!(mac.verify_truncated_left(&expected).is_ok(), "case {case}");
    }
}

#[test]
fn hmac_equals_hmac_over_sha2_at_every_block_boundary() {
    let material: Vec<u8> = (0..300u32).map(|i| (i * 29 + 3) as u8).collect();
    for key_len in [0, 1, 32, 63, 64, 65, 130] {
        for data_len in [0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 300] {
            let key = &material[..key_len];
            let data = &material[..data_len];
            let theirs = tag::<Hmac<sha2::Sha256>>(key, data, data_len / 3);
            assert_eq!(
                tag::<Hmac<sha256d::Sha256>>(key, data, data_len / 3),
                theirs,
                "Hmac, key {key_len}, data {data_len}"
            );
            assert_eq!(
                tag::<SimpleHmac<sha256d::Sha256>>(key, data, data_len / 3),
                theirs,
                "SimpleHmac, key {key_len}, data {data_len}"
            );
        }
    }
}

/// One RFC 5869 test case: IKM, salt, info, PRK, OKM.
type HkdfCase = (Vec<u8>, Vec<u8>, Vec<u8>, [u8; 32], Vec<u8>);

/// RFC 5869 appendix A, test cases 1 to 3 (SHA-256).
fn rfc5869() -> Vec<HkdfCase> {
    vec![
        (
            vec![0x0b; 22],
            (0x00..=0x0c).collect(),
            (0xf0..=0xf9).collect(),
            decode_array("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
                .unwrap(),
            bytes(concat!(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
                "34007208d5b887185865",
            )),
        ),
        (
            (0x00..=0x4f).collect(),
            (0x60..=0xaf).collect(),
            (0xb0..=0xff).collect(),
            decode_array("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244")
                .unwrap(),
            bytes(concat!(
                "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c",
                "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71",
                "cc30c58179ec3e87c14c01d5c1f3434f1d87",
            )),
        ),
        (
            vec![0x0b; 22],
            Vec::new(),
            Vec::new(),
            decode_array("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04")
                .unwrap(),
            bytes(concat!(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d",
                "9d201395faa4b61a96c8",
            )),
        ),
    ]
}

#[test]
fn hkdf_rfc5869() {
    for (case, (ikm, salt, info, prk, okm)) in rfc5869().into_iter().enumerate() {
        let case = case + 1;
        let salt = (!salt.is_empty()).then_some(&salt[..]);
        let (got_prk, hk) = Hkdf::<sha256d::Sha256>::extract(salt, &ikm);
        assert_eq!(got_prk[..], prk, "PRK, case {case}");
        let mut out = vec![0u8; okm.len()];
        hk.expand(&info, &mut out).expect("valid length");
        assert_eq!(out, okm, "Hkdf, case {case}");
        // From the PRK alone, and with SimpleHmac inside.
        let from_prk = Hkdf::<sha256d::Sha256>::from_prk(&prk).expect("32-byte PRK");
        let mut again = vec![0u8; okm.len()];
        from_prk.expand(&info, &mut again).unwrap();
        assert_eq!(again, okm, "from_prk, case {case}");
        let simple = SimpleHkdf::<sha256d::Sha256>::new(salt, &ikm);
        simple.expand(&info, &mut again).unwrap();
        assert_eq!(again, okm, "SimpleHkdf, case {case}");
    }
}

#[test]
fn hkdf_refuses_too_long_output() {
    // 255 blocks of 32 bytes is HKDF-SHA-256's limit.
    let hk = Hkdf::<sha256d::Sha256>::new(None, b"ikm");
    let mut ok = vec![0u8; 255 * 32];
    assert!(hk.expand(b"", &mut ok).is_ok());
    let mut too_long = vec![0u8; 255 * 32 + 1];
    assert!(hk.expand(b"", &mut too_long).is_err());
    let theirs = Hkdf::<sha2::Sha256>::new(None, b"ikm");
    let mut expected = vec![0u8; 255 * 32];
    theirs.expand(b"", &mut expected).unwrap();
    assert_eq!(ok, expected);
}
