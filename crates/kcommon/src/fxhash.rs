// SPDX-License-Identifier: Apache-2.0
//! A fast, unkeyed hasher for maps keyed by names and small ids.
//!
//! Why: std's `HashMap` hashes with keyed SipHash-1-3, whose rounds were a
//! tenth of an nft load's user time (tens of thousands of chain and set name
//! lookups per full sync). This is rustc's Fx mixing (rotate, xor, multiply),
//! fed a word at a time. It has no per-map key, so it gives no flooding
//! resistance: use it only where the keys come from the caller's own input
//! (a crafted ruleset can only slow its own load down).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hasher. See the module documentation.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

/// Builds [`FxHasher`]s (all alike: there is no key).
pub type FxBuildHasher = BuildHasherDefault<FxHasher>;
/// A `HashMap` hashed with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, FxBuildHasher>;
/// A `HashSet` hashed with [`FxHasher`].
pub type FxSet<K> = HashSet<K, FxBuildHasher>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn mix(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Whole words by array conversion and the tail by shifts: no memcpy
        // call (at opt-level "z" a `copy_from_slice` per word is one).
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            if let Ok(w) = <[u8; 8]>::try_from(c) {
                self.mix(u64::from_le_bytes(w));
            }
        }
        let mut last = 0u64;
        for (i, &b) in chunks.remainder().iter().enumerate() {
            last |= u64::from(b) << (8 * i);
        }
        self.mix(last ^ ((bytes.len() as u64) << 56));
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // hashbrown takes the bucket from the low bits and the tag from the
        // top seven: the product's well-mixed high bits are rotated into the
        // low ones.
        self.0.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn h<T: std::hash::Hash + ?Sized>(x: &T) -> u64 {
        FxBuildHasher::default().hash_one(x)
    }

    #[test]
    fn equal_strings_hash_equal() {
        for n in 0..=40 {
            let a: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            let b = a.clone();
            assert_eq!(h(&a), h(&b));
            assert_eq!(h(a.as_str()), h(&b));
            assert_eq!(h(&(7u8, a.clone())), h(&(7u8, b)));
        }
    }

    #[test]
    fn names_spread() {
        // kube-proxy-like names (a base32 digest after the prefix) hash
        // apart, and the low bits the table uses spread. (Fx is not a strong
        // hash: names differing only in a few adjacent characters can collide
        // in full, which costs a probe, never a wrong lookup.)
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let names: Vec<String> = (0..2000)
            .map(|_| {
                let d: String = (0..16)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[(x >> 59) as usize])
                    })
                    .collect();
                format!("KUBE-SVC-{d}")
            })
            .collect();
        let hashes: FxSet<u64> = names.iter().map(h).collect();
        assert_eq!(hashes.len(), names.len());
        let low: FxSet<u64> = names.iter().map(|s| h(s) & 0xfff).collect();
        assert!(low.len() > 1000, "{} distinct low 12 bits", low.len());
        assert_ne!(h(&b"ab"[..]), h(&b"ab\0"[..]));
    }

    #[test]
    fn maps_find_what_they_hold() {
        let mut m: FxMap<String, usize> = FxMap::default();
        for i in 0..500 {
            m.insert(format!("chain-{i}"), i);
        }
        for i in 0..500 {
            assert_eq!(m.get(format!("chain-{i}").as_str()), Some(&i));
        }
        assert_eq!(m.get("chain-500"), None);
    }
}
