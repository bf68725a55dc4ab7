// SPDX-License-Identifier: Apache-2.0
//! Appending short byte pieces to a buffer without a `memcpy` call.
//!
//! Why: listings (`ip`, `conntrack -L`, `nft list`) are ~30 short pieces per
//! entry, and a netlink batch is millions of 2-70 byte pieces. At the release
//! profile's opt-level "z", `extend_from_slice`/`push_str` (and even a
//! `copy_from_slice` of a fixed 8 bytes) is an out-of-line call to musl's
//! x86_64 `memcpy` (`rep movsq` + `movsb`), which is slow for a few bytes: it
//! was 40% of `conntrack -L`, a quarter of `ip link`/`ip route` and of an nft
//! load's user time. Pieces up to 64 bytes are copied here with fixed-size
//! (overlapping) unaligned moves that the compiler inlines; longer ones go
//! through `memcpy`.

/// Append `s` to `v`.
#[inline]
pub fn put(v: &mut Vec<u8>, s: &[u8]) {
    let n = s.len();
    v.reserve(n);
    let len = v.len();
    // SAFETY: `reserve` made room for `n` bytes after `len`; `copy_short`
    // writes exactly `len .. len + n`, so they are initialised before
    // `set_len` covers them. `s` cannot overlap the spare capacity of `v`.
    unsafe {
        copy_short(v.as_mut_ptr().add(len), s);
        v.set_len(len + n);
    }
}

/// Append the string `s` to `out`.
#[inline]
pub fn put_str(out: &mut String, s: &str) {
    // SAFETY: `s` is UTF-8 and is appended whole, so `out` stays UTF-8.
    put(unsafe { out.as_mut_vec() }, s.as_bytes());
}

/// Append `x` in decimal.
#[inline]
pub fn put_u64(v: &mut Vec<u8>, x: u64) {
    let mut b = [0u8; 21];
    put(v, dec(x, false, &mut b).as_bytes());
}

/// Append `x` in decimal to a string.
#[inline]
pub fn put_u64_str(out: &mut String, x: u64) {
    let mut b = [0u8; 21];
    put_str(out, dec(x, false, &mut b));
}

/// The decimal digits of `v`, after a `-` when `neg`, written to the end of
/// `buf` (no allocation, no `core::fmt`).
#[inline]
pub fn dec(mut v: u64, neg: bool, buf: &mut [u8; 21]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("")
}

/// Copy `s` to `d` (for writers that reserve once for a header and a value):
/// up to 64 bytes with fixed-size moves, longer through `memcpy`.
///
/// # Safety
/// `d` must be valid for `s.len()` bytes of writes and not overlap `s`.
#[inline]
pub unsafe fn copy_short(d: *mut u8, s: &[u8]) {
    let n = s.len();
    let p = s.as_ptr();
    macro_rules! pair {
        ($t:ty, $at:expr, $k:expr) => {{
            let a = std::ptr::read_unaligned(p.add($at) as *const $t);
            let b = std::ptr::read_unaligned(p.add(n - $at - $k) as *const $t);
            std::ptr::write_unaligned(d.add($at) as *mut $t, a);
            std::ptr::write_unaligned(d.add(n - $at - $k) as *mut $t, b);
        }};
    }
    // Each pair of `k`-byte moves (from the front at `at`, and ending `at`
    // bytes before the end) is used only when `at + k <= n`: every load is
    // inside `s` and every store inside `d .. d + n` (they overlap when
    // `n < 2 (at + k)`).
    if n > 64 {
        std::ptr::copy_nonoverlapping(p, d, n);
    } else if n >= 32 {
        pair!(u128, 0, 16);
        pair!(u128, 16, 16);
    } else if n >= 16 {
        pair!(u128, 0, 16)
    } else if n >= 8 {
        pair!(u64, 0, 8)
    } else if n >= 4 {
        pair!(u32, 0, 4)
    } else if n > 0 {
        *d = *p;
        *d.add(n / 2) = *p.add(n / 2);
        *d.add(n - 1) = *p.add(n - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + 3) as u8).collect()
    }

    #[test]
    fn put_equals_extend_from_slice() {
        for pre in [0usize, 1, 3, 8, 13] {
            for n in 0..=100 {
                let s = sample(n);
                let mut want = sample(pre);
                want.extend_from_slice(&s);
                let mut got = sample(pre);
                put(&mut got, &s);
                assert_eq!(got, want, "prefix {pre}, length {n}");
                // Appending to a full buffer (no spare capacity) as well.
                let mut tight = Vec::with_capacity(pre);
                tight.extend_from_slice(&sample(pre));
                put(&mut tight, &s);
                assert_eq!(tight, want, "tight, prefix {pre}, length {n}");
            }
        }
    }

    #[test]
    fn decimal() {
        let mut d = [0u8; 21];
        assert_eq!(dec(0, false, &mut d), "0");
        assert_eq!(
            dec(i64::MIN.unsigned_abs(), true, &mut d),
            "-9223372036854775808"
        );
        assert_eq!(dec(u64::MAX, false, &mut d), "18446744073709551615");
        for x in [0u64, 7, 10, 99, 100, 65535, 1 << 32, u64::MAX] {
            let mut v = b"n=".to_vec();
            put_u64(&mut v, x);
            assert_eq!(v, format!("n={x}").into_bytes());
            let mut s = String::from("n=");
            put_u64_str(&mut s, x);
            assert_eq!(s, format!("n={x}"));
        }
    }

    #[test]
    fn put_str_equals_push_str() {
        let text = "éa🦀bc-KUBE-SVC-0123456789ABCDEF/ü, the quick brown fox jumps over the lazy dog 0123456789";
        for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
            let s = &text[..end];
            let mut want = String::from("x ");
            want.push_str(s);
            let mut got = String::from("x ");
            put_str(&mut got, s);
            assert_eq!(got, want);
        }
    }
}
