// SPDX-License-Identifier: Apache-2.0
//! The text printer's byte sink: short pieces, decimal numbers and IPv4
//! addresses appended to a `String` without `core::fmt`.
//!
//! Why: a kube-proxy listing is ~30 short pieces per rule. Through
//! `format!`/`push_str` each piece is a call to musl's x86_64 `memcpy`
//! (`rep movsq` / `movsb`, slow for a few bytes at the release profile's
//! opt-level "z"), plus a heap string per sub-expression. Pieces are
//! appended with [`kcommon::bytes`], which copies short ones with fixed-size
//! moves the compiler inlines.

/// Append `v` ([`put`]) or the bytes `s` ([`put_bytes`]: register constants
/// of a few bytes, as well) without a `memcpy` call for short pieces (see
/// [`kcommon::bytes`]).
pub use kcommon::bytes::{put as put_bytes, put_str as put};

/// Append one ASCII byte.
#[inline]
pub fn put_b(out: &mut String, b: u8) {
    if b.is_ascii() {
        // SAFETY: an ASCII byte keeps the string UTF-8.
        unsafe { out.as_mut_vec() }.push(b);
    }
}

/// Append `n` in decimal.
pub use kcommon::bytes::put_u64_str as put_u64;

/// Append a dotted quad.
pub fn put_ipv4(out: &mut String, a: [u8; 4]) {
    for (i, o) in a.into_iter().enumerate() {
        if i > 0 {
            put_b(out, b'.');
        }
        if o >= 100 {
            put_b(out, b'0' + o / 100);
        }
        if o >= 10 {
            put_b(out, b'0' + o / 10 % 10);
        }
        put_b(out, b'0' + o % 10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_numbers_addresses() {
        let mut s = String::new();
        for piece in [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcdefghi",
            "0123456789abcdefg",
        ] {
            put(&mut s, piece);
        }
        put(&mut s, &"x".repeat(40));
        put_b(&mut s, b' ');
        put_u64(&mut s, 0);
        put_b(&mut s, b' ');
        put_u64(&mut s, u64::MAX);
        put_b(&mut s, b' ');
        put_ipv4(&mut s, [10, 0, 255, 1]);
        let want = format!(
            "aababcabcdabcdefghi0123456789abcdefg{} 0 {} 10.0.255.1",
            "x".repeat(40),
            u64::MAX
        );
        assert_eq!(s, want);
    }
}
