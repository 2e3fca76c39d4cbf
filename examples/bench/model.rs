//! Each kernel's floor in cycles per nonce: the least time its
//! instructions could take on this CPU's execution units, from the
//! probe's figures and an operation count of the kernel's algorithm.
//! `docs/benchmarking.md` describes the model; in short:
//!
//! - Lane kernels (and scalar, one lane): the SHA-256d of one step is
//!   built as an expression graph from the operations the lane code
//!   writes (`+`, `^`, `&`, `|`, shifts, rotations as two shifts and an OR
//!   or one native rotate, Ch, Maj and the sigmas' three-way XOR as one
//!   `vpternlogd` where the kernel has it). Values that depend only on the
//!   job are folded (computed once per job), equal expressions are shared
//!   (Maj's `a ^ b` is the next round's `b ^ c`), and what does not feed
//!   the result is dropped (the second hash stops at round 60). Rounds
//!   the kernel runs as a loop (SSE4.1 and AVX2 run rounds 16..=63 of
//!   both hashes as one) are counted whole: a loop folds nothing.
//!   The floor of a step is the largest of: each class's count times its
//!   cycles per instruction, and all operations at the fastest class's
//!   rate; divided by the lanes, per nonce. Loads, stores, register
//!   copies, the byte swap and the comparison are not counted, so the
//!   floor is below what any real code reaches.
//! - SHA-NI: per nonce, 30 SHA256RNDS2 for the first hash (rounds 4..=63)
//!   and 31 for the second (rounds 0..=61), and the second hash's
//!   schedule, 12 SHA256MSG1 and 12 SHA256MSG2 (the first hash's schedule
//!   is SHA256MSG1/MSG2 on one search path and AVX2 on the other, so it is
//!   left out of the floor of both). The floor is those instructions at
//!   the mix's measured rate (groups of five RNDS2, one MSG1, one MSG2),
//!   or at each instruction's own rate, whichever is slower.

use std::collections::HashMap;

use sha256d::Kernel;

use crate::probe::{Probe, Width};

/// SHA256RNDS2 per nonce: rounds 4..=63 of the first hash and 0..=61 of
/// the second, two rounds each.
pub const SHA_NI_RNDS2: f64 = 30.0 + 31.0;
/// SHA256MSG1 and SHA256MSG2 per nonce on both search paths: the second
/// hash's schedule groups 4..=15.
pub const SHA_NI_MSG: f64 = 12.0;

/// Operations per step, by class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ops {
    pub add: u32,
    pub logic: u32,
    pub shift: u32,
    pub rotate: u32,
    pub ternlog: u32,
}

impl Ops {
    pub fn total(&self) -> u32 {
        self.add + self.logic + self.shift + self.rotate + self.ternlog
    }
}

/// How a lane kernel computes, as far as its operation count goes.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub width: Width,
    pub lanes: u32,
    /// `vprold`/`ror` rather than two shifts and an OR.
    pub native_rotate: bool,
    /// `vpternlogd` for Ch, Maj and three-way XOR.
    pub ternlog: bool,
    /// Rounds 16..=63 of both hashes as a loop.
    pub loop_late_rounds: bool,
}

/// The shape of each x86 kernel that is made of lane (or scalar)
/// operations; `None` for SHA-NI and the AArch64 kernels.
pub fn shape(kernel: Kernel) -> Option<Shape> {
    let (width, lanes, native_rotate, ternlog, loop_late_rounds) = match kernel {
        Kernel::Scalar => (Width::Gpr32, 1, true, false, false),
        Kernel::Sse41 => (Width::Xmm, 4, false, false, true),
        Kernel::Avx2 => (Width::Ymm, 8, false, false, true),
        Kernel::Avx512Vl => (Width::Ymm, 8, true, true, false),
        Kernel::Avx512 => (Width::Zmm, 16, true, true, false),
        _ => return None,
    };
    Some(Shape {
        width,
        lanes,
        native_rotate,
        ternlog,
        loop_late_rounds,
    })
}

/// A kernel's floor, cycles per nonce, on the probed CPU; `None` when the
/// probe lacks what the kernel runs on or the kernel has no model here.
pub fn floor(kernel: Kernel, probe: &Probe) -> Option<f64> {
    if kernel == Kernel::ShaNi {
        let sha = probe.sha?;
        let floor = (SHA_NI_RNDS2 * sha.rnds2)
            .max(SHA_NI_MSG * sha.msg1)
            .max(SHA_NI_MSG * sha.msg2)
            .max(SHA_NI_RNDS2 / 5.0 * sha.mix);
        return Some(floor).filter(|f| f.is_finite() && *f > 0.0);
    }
    let shape = shape(kernel)?;
    let unit = probe.unit(shape.width)?;
    let ops = count(shape);
    let classes = [
        (ops.add, Some(unit.add)),
        (ops.logic, Some(unit.logic)),
        (ops.shift, Some(unit.shift)),
        (ops.rotate, unit.rotate),
        (ops.ternlog, unit.ternlog),
    ];
    let mut step = 0.0f64;
    let mut fastest = f64::MAX;
    for (n, cycles) in classes {
        if n == 0 {
            continue;
        }
        let cycles = cycles?;
        step = step.max(f64::from(n) * cycles);
        fastest = fastest.min(cycles);
    }
    step = step.max(f64::from(ops.total()) * fastest);
    Some(step / f64::from(shape.lanes)).filter(|f| f.is_finite() && *f > 0.0)
}

/// SHA256RNDS2's latency chain per nonce with `streams` nonces
/// interleaved: each nonce's 61 instructions wait on each other.
pub fn sha_ni_chain_floor(latency: f64, streams: u32) -> f64 {
    SHA_NI_RNDS2 * latency / f64::from(streams)
}

/// An operation in the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Op {
    /// An input: the nonce (varies) or a job constant (numbered).
    Input(u32),
    /// A value the loop form recomputes every time: costs nothing itself
    /// but makes everything computed from it count.
    InLoop(usize),
    Add(usize, usize),
    Xor(usize, usize),
    And(usize, usize),
    Or(usize, usize),
    Shr(usize, u32),
    Shl(usize, u32),
    Rotr(usize, u32),
    Ternlog(usize, usize, usize, u8),
}

/// The expression graph of one step: nodes, whether each varies with the
/// nonce, and equal expressions shared.
struct Graph {
    nodes: Vec<(Op, bool)>,
    index: HashMap<Op, usize>,
    inputs: u32,
    /// Nodes a loop computes whether or not the result needs them.
    pinned: Vec<usize>,
    in_loop: bool,
    shape: Shape,
}

impl Graph {
    fn new(shape: Shape) -> Self {
        Graph {
            nodes: Vec::new(),
            index: HashMap::new(),
            inputs: 0,
            pinned: Vec::new(),
            in_loop: false,
            shape,
        }
    }

    fn node(&mut self, op: Op, varies: bool) -> usize {
        if let Some(&i) = self.index.get(&op) {
            return i;
        }
        let i = self.nodes.len();
        self.nodes.push((op, varies));
        self.index.insert(op, i);
        if self.in_loop && varies {
            self.pinned.push(i);
        }
        i
    }

    fn input(&mut self, varies: bool) -> usize {
        self.inputs += 1;
        self.node(Op::Input(self.inputs), varies)
    }

    fn varies(&self, i: usize) -> bool {
        self.nodes[i].1
    }

    fn binary(&mut self, op: Op, a: usize, b: usize) -> usize {
        let varies = self.varies(a) || self.varies(b);
        self.node(op, varies)
    }

    fn add(&mut self, a: usize, b: usize) -> usize {
        self.binary(Op::Add(a, b), a, b)
    }
    fn xor(&mut self, a: usize, b: usize) -> usize {
        self.binary(Op::Xor(a, b), a, b)
    }
    fn and(&mut self, a: usize, b: usize) -> usize {
        self.binary(Op::And(a, b), a, b)
    }
    fn shr(&mut self, x: usize, n: u32) -> usize {
        self.node(Op::Shr(x, n), self.varies(x))
    }
    fn rotr(&mut self, x: usize, n: u32) -> usize {
        if self.shape.native_rotate {
            return self.node(Op::Rotr(x, n), self.varies(x));
        }
        let right = self.shr(x, n);
        let left = self.node(Op::Shl(x, 32 - n), self.varies(x));
        self.binary(Op::Or(right, left), right, left)
    }
    fn ternlog(&mut self, a: usize, b: usize, c: usize, table: u8) -> usize {
        let varies = self.varies(a) || self.varies(b) || self.varies(c);
        self.node(Op::Ternlog(a, b, c, table), varies)
    }
    fn xor3(&mut self, a: usize, b: usize, c: usize) -> usize {
        if self.shape.ternlog {
            return self.ternlog(a, b, c, 0x96);
        }
        let ab = self.xor(a, b);
        self.xor(ab, c)
    }
    fn ch(&mut self, e: usize, f: usize, g: usize) -> usize {
        if self.shape.ternlog {
            return self.ternlog(e, f, g, 0xca);
        }
        let fg = self.xor(f, g);
        let masked = self.and(e, fg);
        self.xor(g, masked)
    }
    fn maj(&mut self, a: usize, b: usize, c: usize) -> usize {
        if self.shape.ternlog {
            return self.ternlog(a, b, c, 0xe8);
        }
        let ab = self.xor(a, b);
        let bc = self.xor(b, c);
        let masked = self.and(ab, bc);
        self.xor(b, masked)
    }
    fn sigma(&mut self, x: usize, r: [u32; 2], last: (u32, bool)) -> usize {
        let p = self.rotr(x, r[0]);
        let q = self.rotr(x, r[1]);
        let s = if last.1 {
            self.rotr(x, last.0)
        } else {
            self.shr(x, last.0)
        };
        self.xor3(p, q, s)
    }

    /// One round; `w` is the message word, `k` its constant (an input).
    fn round(&mut self, s: &mut [usize; 8], w: usize) {
        let [a, b, c, d, e, f, g, h] = *s;
        let k = self.input(false);
        let kw = self.add(k, w);
        let ch = self.ch(e, f, g);
        let s1 = self.sigma(e, [6, 11], (25, true));
        let t1 = self.add(h, kw);
        let t1 = self.add(t1, ch);
        let t1 = self.add(t1, s1);
        let s0 = self.sigma(a, [2, 13], (22, true));
        let maj = self.maj(a, b, c);
        let t2 = self.add(s0, maj);
        let new_a = self.add(t1, t2);
        let new_e = self.add(d, t1);
        *s = [new_a, a, b, c, new_e, e, f, g];
    }

    /// Schedule word `i` into the window.
    fn expand(&mut self, w: &mut [usize; 16], i: usize) {
        let s1 = self.sigma(w[(i - 2) % 16], [17, 19], (10, false));
        let s0 = self.sigma(w[(i - 15) % 16], [7, 18], (3, false));
        let x = self.add(s1, w[(i - 7) % 16]);
        let x = self.add(x, s0);
        w[i % 16] = self.add(x, w[i % 16]);
    }

    /// Makes the window's words loop values (see [`Op::InLoop`]).
    fn enter_loop(&mut self, w: &mut [usize; 16]) {
        self.in_loop = true;
        for word in w {
            *word = self.node(Op::InLoop(*word), true);
        }
    }

    /// Live operations that vary with the nonce, by class, from `out`.
    fn count(&self, out: usize) -> Ops {
        let mut live = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = self.pinned.clone();
        stack.push(out);
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut live[i], true) {
                continue;
            }
            match self.nodes[i].0 {
                Op::Input(_) => {}
                Op::InLoop(x) | Op::Shr(x, _) | Op::Shl(x, _) | Op::Rotr(x, _) => stack.push(x),
                Op::Add(a, b) | Op::Xor(a, b) | Op::And(a, b) | Op::Or(a, b) => {
                    stack.extend([a, b])
                }
                Op::Ternlog(a, b, c, _) => stack.extend([a, b, c]),
            }
        }
        let mut ops = Ops::default();
        for (i, &(op, varies)) in self.nodes.iter().enumerate() {
            if !live[i] || !varies {
                continue;
            }
            match op {
                Op::Input(_) | Op::InLoop(_) => {}
                Op::Add(..) => ops.add += 1,
                Op::Xor(..) | Op::And(..) | Op::Or(..) => ops.logic += 1,
                Op::Shr(..) | Op::Shl(..) => ops.shift += 1,
                Op::Rotr(..) => ops.rotate += 1,
                Op::Ternlog(..) => ops.ternlog += 1,
            }
        }
        ops
    }
}

/// Operations per step of a lane kernel's SHA-256d of one header.
pub fn count(shape: Shape) -> Ops {
    let mut g = Graph::new(shape);
    // First hash: the header's second block from the state after round 3,
    // whose A and E include the nonce (message word 3).
    let nonce = g.input(true);
    let mut w: [usize; 16] = std::array::from_fn(|i| if i == 3 { nonce } else { g.input(false) });
    let job: [usize; 8] = std::array::from_fn(|_| g.input(false));
    let a = g.add(job[0], nonce);
    let e = g.add(job[4], nonce);
    let mut s = [a, job[1], job[2], job[3], e, job[5], job[6], job[7]];
    for &word in &w[4..16] {
        g.round(&mut s, word);
    }
    for i in 16..64 {
        if i == 16 && shape.loop_late_rounds {
            g.enter_loop(&mut w);
        }
        // Words 16 and 17 do not depend on the nonce (precomputed per job
        // in the unrolled form; the loop computes them).
        g.expand(&mut w, i);
        g.round(&mut s, w[i % 16]);
    }
    g.in_loop = false;
    // Feed-forward, then the second hash of the digest and its padding.
    let midstate: [usize; 8] = std::array::from_fn(|_| g.input(false));
    let mut w2: [usize; 16] = std::array::from_fn(|i| {
        if i < 8 {
            g.add(midstate[i], s[i])
        } else {
            g.input(false)
        }
    });
    let mut s2: [usize; 8] = std::array::from_fn(|_| g.input(false));
    for word in w2 {
        g.round(&mut s2, word);
    }
    let last = if shape.loop_late_rounds { 63 } else { 60 };
    for i in 16..=last {
        if i == 16 && shape.loop_late_rounds {
            g.enter_loop(&mut w2);
        }
        g.expand(&mut w2, i);
        g.round(&mut s2, w2[i % 16]);
    }
    g.in_loop = false;
    // H7: the last round's e (round 60's, moved to h by rounds 61..=63).
    let iv7 = g.input(false);
    let h = if shape.loop_late_rounds { s2[7] } else { s2[4] };
    let out = g.add(iv7, h);
    g.count(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(kernel: Kernel) -> Ops {
        count(shape(kernel).expect("lane kernel"))
    }

    /// The AVX-512 form (native rotate, three-input logic) needs fewer
    /// operations than the AVX2 form, and none of the classes it lacks.
    #[test]
    fn forms_count_what_they_have() {
        let avx2 = ops(Kernel::Avx2);
        let avx512 = ops(Kernel::Avx512);
        assert_eq!(avx2.rotate + avx2.ternlog, 0);
        assert_eq!(ops(Kernel::Scalar).ternlog, 0);
        assert!(avx512.rotate > 0 && avx512.ternlog > 0);
        assert!(avx512.total() < avx2.total());
        // The loop form counts what the unrolled form folds.
        let unrolled = count(Shape {
            loop_late_rounds: false,
            ..shape(Kernel::Avx2).expect("lane kernel")
        });
        assert!(unrolled.total() < avx2.total());
    }

    /// A hand count of one round with everything varying: Sigma1 and
    /// Sigma0 are three rotations (two shifts and an OR each) and two
    /// XORs; Ch three operations; Maj three (its `b ^ c` is new here);
    /// seven additions.
    #[test]
    fn one_round_by_hand() {
        let shape = shape(Kernel::Avx2).expect("lane kernel");
        let mut g = Graph::new(shape);
        let mut s: [usize; 8] = std::array::from_fn(|_| g.input(true));
        let w = g.input(true);
        g.round(&mut s, w);
        let out = g.add(s[0], s[4]);
        let ops = g.count(out);
        // Maj: a ^ b, b ^ c, &, ^ (b ^ c is not shared in a first round).
        assert_eq!(ops.shift, 12);
        assert_eq!(ops.logic, 5 + 5 + 3 + 4);
        assert_eq!(ops.add, 7 + 1);
    }
}
