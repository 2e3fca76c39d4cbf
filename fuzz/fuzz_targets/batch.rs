//! SHA-256d of many 64-byte inputs: every available kernel equals scalar,
//! and scalar equals one-shot hashing, for any count and output length.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sha256d::Engine;
use sha256d_fuzz::engines;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Number of inputs, taken modulo 600.
    count: u16,
    /// Outputs offered, taken modulo `count + 9`: fewer, as many or more.
    outputs: u16,
    /// Bytes of the inputs, repeated as needed.
    bytes: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let count = usize::from(input.count % 600);
    let outputs = usize::from(input.outputs) % (count + 9);
    let pattern = if input.bytes.is_empty() {
        &[0u8][..]
    } else {
        &input.bytes[..]
    };
    let mut inputs = vec![[0u8; 64]; count];
    for (i, byte) in inputs.iter_mut().flatten().enumerate() {
        // Repeat the pattern, but let each input differ from the last.
        *byte = pattern[i % pattern.len()] ^ ((i / 64) as u8).wrapping_mul(0x9d);
    }

    let done = count.min(outputs);
    let mut expected = vec![[0x5au8; 32]; outputs];
    Engine::scalar().sha256d_64_batch(&inputs, &mut expected);
    for (i, out) in expected.iter().enumerate() {
        if i < done {
            assert_eq!(*out, sha256d::sha256d(&inputs[i]), "scalar, input {i}");
        } else {
            assert_eq!(*out, [0x5a; 32], "scalar wrote past the inputs");
        }
    }

    for engine in engines() {
        let mut out = vec![[0x5au8; 32]; outputs];
        engine.sha256d_64_batch(&inputs, &mut out);
        assert_eq!(out, expected, "kernel {}, {count} inputs", engine.kernel());
    }
});
