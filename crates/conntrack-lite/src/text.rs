// SPDX-License-Identifier: Apache-2.0
//! The printers' byte sink: appending short pieces and decimal numbers to a
//! `Vec<u8>` without `core::fmt`.
//!
//! Why: a listing is ~30 short pieces per entry. Through `core::fmt` each
//! piece is a call to `memcpy` with a run-time length, and musl's x86_64
//! `memcpy` (`rep movsq` / `movsb`) is slow for a few bytes: it was 40% of
//! `conntrack -L`. Pieces are appended with [`kcommon::bytes::put`], which
//! copies short ones with fixed-size moves the compiler inlines.

use std::net::{IpAddr, Ipv4Addr};

/// Append `s` without a `memcpy` call for short pieces (see [`kcommon::bytes`]).
pub use kcommon::bytes::put;

/// Append a string.
#[inline]
pub fn put_str(v: &mut Vec<u8>, s: &str) {
    put(v, s.as_bytes());
}

/// Append `x` in decimal.
pub use kcommon::bytes::put_u64;

/// Append `x` in lower-case hexadecimal, without a prefix.
pub fn put_hex(v: &mut Vec<u8>, mut x: u64) {
    let mut b = [0u8; 16];
    let mut i = b.len();
    loop {
        i -= 1;
        b[i] = b"0123456789abcdef"[(x & 15) as usize];
        x >>= 4;
        if x == 0 {
            break;
        }
    }
    put(v, &b[i..]);
}

/// Append `x` left-justified in a field of `width` (`%-*s`).
pub fn put_padded(v: &mut Vec<u8>, x: &str, width: usize) {
    const SPACES: [u8; 32] = [b' '; 32];
    put_str(v, x);
    let pad = width.saturating_sub(x.len()).min(SPACES.len());
    put(v, &SPACES[..pad]);
}

/// Append an IPv4 address in dotted quad (inet_ntop).
#[inline]
pub fn put_ipv4(v: &mut Vec<u8>, a: Ipv4Addr) {
    let mut b = [0u8; 16];
    let mut n = 0;
    for (k, o) in a.octets().into_iter().enumerate() {
        if k > 0 {
            b[n] = b'.';
            n += 1;
        }
        if o >= 100 {
            b[n] = b'0' + o / 100;
            n += 1;
        }
        if o >= 10 {
            b[n] = b'0' + o / 10 % 10;
            n += 1;
        }
        b[n] = b'0' + o % 10;
        n += 1;
    }
    put(v, &b[..n]);
}

/// Append an address; IPv6 goes through `Display`, which prints what
/// inet_ntop prints.
#[inline]
pub fn put_ip(v: &mut Vec<u8>, a: IpAddr) {
    match a {
        IpAddr::V4(a) => put_ipv4(v, a),
        IpAddr::V6(a) => put_str(v, &a.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_every_length_are_copied_exactly() {
        let src: Vec<u8> = (0..80u8).map(|i| b'a' + i % 26).collect();
        for n in 0..=src.len() {
            let mut v = b"xy".to_vec();
            put(&mut v, &src[..n]);
            assert_eq!(&v[..2], b"xy");
            assert_eq!(&v[2..], &src[..n], "length {n}");
        }
    }

    #[test]
    fn numbers_match_display() {
        for x in [0u64, 1, 9, 10, 99, 100, 65535, 4294967295, u64::MAX] {
            let mut v = Vec::new();
            put_u64(&mut v, x);
            assert_eq!(v, x.to_string().into_bytes());
            let mut h = Vec::new();
            put_hex(&mut h, x);
            assert_eq!(h, format!("{x:x}").into_bytes());
        }
    }

    #[test]
    fn addresses_match_display() {
        for a in [
            "0.0.0.0",
            "127.0.1.1",
            "10.20.255.9",
            "255.255.255.255",
            "1.100.10.0",
        ] {
            let ip: Ipv4Addr = a.parse().unwrap();
            let mut v = Vec::new();
            put_ipv4(&mut v, ip);
            assert_eq!(v, a.as_bytes());
        }
        let mut v = Vec::new();
        put_ip(&mut v, "fe80::1".parse().unwrap());
        assert_eq!(v, b"fe80::1");
    }

    #[test]
    fn padding_is_printf_minus_star_s() {
        let mut v = Vec::new();
        put_padded(&mut v, "udp", 8);
        put_padded(&mut v, "verylongname", 8);
        assert_eq!(v, b"udp     verylongname");
    }
}
