// SPDX-License-Identifier: Apache-2.0
//! The hash of the schedule's maps.

use std::collections::{HashMap, HashSet};

/// The schedule's maps hash names and small ids a word at a time (rustc's Fx mixing: rotate,
/// xor, multiply), with no per-map keys: SipHash's keyed rounds were a tenth of a load's
/// user time, and a crafted input can only slow its own load down.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        // Whole words by array conversion and the tail by shifts: no memcpy call (at
        // opt-level "z" a copy_from_slice per word is one).
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            if let Ok(w) = <[u8; 8]>::try_from(c) {
                self.add(u64::from_le_bytes(w));
            }
        }
        let rest = chunks.remainder();
        let mut w = (rest.len() as u64) << 56;
        for (i, b) in rest.iter().enumerate() {
            w |= u64::from(*b) << (8 * i);
        }
        self.add(w);
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves its entropy in the high bits; the table indexes by the low.
        self.0.rotate_left(26)
    }
}

pub type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;
pub type FxSet<K> = HashSet<K, std::hash::BuildHasherDefault<Fx>>;
