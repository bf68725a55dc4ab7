// SPDX-License-Identifier: Apache-2.0
//! The text printer's byte sink: short pieces, decimal numbers and IPv4
//! addresses appended to a `String` without `core::fmt`.
//!
//! Why: a kube-proxy listing is ~30 short pieces per rule. Through
//! `format!`/`push_str` each piece is a call to musl's x86_64 `memcpy`
//! (`rep movsq` / `movsb`, slow for a few bytes at the release profile's
//! opt-level "z"), plus a heap string per sub-expression. Pieces up to 32
//! bytes are copied here with fixed-size (overlapping) moves the compiler
//! inlines.

/// Append `v`.
#[inline]
pub fn put(out: &mut String, v: &str) {
    // SAFETY: `v` is UTF-8 and is appended whole, so `out` stays UTF-8.
    put_bytes(unsafe { out.as_mut_vec() }, v.as_bytes());
}

/// Append the bytes `s` (register constants of a few bytes, as well).
#[inline]
pub fn put_bytes(buf: &mut Vec<u8>, s: &[u8]) {
    let n = s.len();
    if n > 32 {
        buf.extend_from_slice(s);
        return;
    }
    buf.reserve(n);
    let len = buf.len();
    // SAFETY: `reserve` made room for `n` more bytes after `len`; every store
    // lands in `len..len + n` and every load in `s`, because each pair of
    // `k`-byte moves is only used when `k <= n` (the two overlap when
    // `n < 2k`). The bytes are initialised before `set_len` covers them.
    unsafe {
        let d = buf.as_mut_ptr().add(len);
        let p = s.as_ptr();
        macro_rules! halves {
            ($t:ty, $k:expr) => {{
                let a = std::ptr::read_unaligned(p as *const $t);
                let b = std::ptr::read_unaligned(p.add(n - $k) as *const $t);
                std::ptr::write_unaligned(d as *mut $t, a);
                std::ptr::write_unaligned(d.add(n - $k) as *mut $t, b);
            }};
        }
        if n >= 16 {
            halves!(u128, 16)
        } else if n >= 8 {
            halves!(u64, 8)
        } else if n >= 4 {
            halves!(u32, 4)
        } else if n > 0 {
            *d = *p;
            *d.add(n / 2) = *p.add(n / 2);
            *d.add(n - 1) = *p.add(n - 1);
        }
        buf.set_len(len + n);
    }
}

/// Append one ASCII byte.
#[inline]
pub fn put_b(out: &mut String, b: u8) {
    if b.is_ascii() {
        // SAFETY: an ASCII byte keeps the string UTF-8.
        unsafe { out.as_mut_vec() }.push(b);
    }
}

/// Append `n` in decimal.
pub fn put_u64(out: &mut String, mut n: u64) {
    let mut b = [0u8; 20];
    let mut i = b.len();
    loop {
        i -= 1;
        b[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    put(out, std::str::from_utf8(&b[i..]).unwrap_or(""));
}

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
