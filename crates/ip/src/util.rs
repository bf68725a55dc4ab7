// SPDX-License-Identifier: Apache-2.0
//! Addresses and names: iproute2's `inet_prefix` parsing (lib/utils.c
//! `get_addr_1`, `get_prefix_1`), address printing, link-layer addresses
//! (lib/ll_addr.c) and the rt_names tables (lib/rt_names.c).

use crate::cli::{AF_BRIDGE, AF_INET, AF_INET6, AF_MPLS, AF_PACKET, AF_UNSPEC};
use crate::err::{Fail, Res};
use crate::out::{put, put_b};
use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

/// iproute2's `inet_prefix`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prefix {
    pub family: u8,
    pub bytelen: usize,
    /// -1: a plain address; -2 while parsing "default"/"any".
    pub bitlen: i32,
    pub len_given: bool,
    pub data: [u8; 16],
}

impl Prefix {
    pub fn bytes(&self) -> &[u8] {
        &self.data[..self.bytelen.min(16)]
    }
    pub fn is_set(&self) -> bool {
        self.family != AF_UNSPEC || self.len_given
    }
}

pub fn af_bit_len(af: u8) -> i32 {
    match af {
        AF_INET6 => 128,
        AF_INET => 32,
        AF_MPLS => 20,
        _ => 0,
    }
}

fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    // inet_aton-like, like get_addr_ipv4: 1 to 4 parts, each strtoul(…, 0)
    let mut out = [0u8; 4];
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    for (i, p) in parts.iter().enumerate() {
        let n = parse_c_ulong(p)?;
        if n > 255 {
            return None;
        }
        out[i] = n as u8;
    }
    Some(out)
}

/// strtoul(s, &end, 0) that must consume the whole string.
pub fn parse_c_ulong(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return u64::from_str_radix(h, 16).ok();
    }
    if s.len() > 1 && s.starts_with('0') {
        return u64::from_str_radix(&s[1..], 8).ok();
    }
    s.parse::<u64>().ok()
}

/// `get_unsigned`/`get_u32` with base 0.
pub fn get_u32(s: &str) -> Option<u32> {
    parse_c_ulong(s).and_then(|v| u32::try_from(v).ok())
}

pub fn get_addr_1(name: &str, family: u8) -> Option<Prefix> {
    let mut a = Prefix::default();
    if name == "default" || name == "all" || name == "any" {
        if family == AF_MPLS {
            return None;
        }
        a.family = family;
        a.bytelen = if name == "default" {
            (af_bit_len(family) / 8) as usize
        } else {
            0
        };
        a.bitlen = -2;
        a.len_given = name == "default";
        return Some(a);
    }
    if family == AF_PACKET {
        let v = parse_lladdr(name).ok()?;
        a.family = AF_PACKET;
        a.bytelen = v.len().min(16);
        a.data[..a.bytelen].copy_from_slice(&v[..a.bytelen]);
        a.bitlen = (a.bytelen * 8) as i32;
        return Some(a);
    }
    if name.contains(':') {
        a.family = AF_INET6;
        if family != AF_UNSPEC && family != AF_INET6 {
            return None;
        }
        let ip: Ipv6Addr = name.parse().ok()?;
        a.data = ip.octets();
        a.bytelen = 16;
        a.bitlen = -1;
        return Some(a);
    }
    a.family = AF_INET;
    if family != AF_UNSPEC && family != AF_INET {
        return None;
    }
    let v = parse_ipv4(name)?;
    a.data[..4].copy_from_slice(&v);
    a.bytelen = 4;
    a.bitlen = -1;
    Some(a)
}

fn get_netmask(s: &str) -> Option<u32> {
    if let Some(v) = get_u32(s) {
        return Some(v);
    }
    let m = parse_ipv4(s)?;
    if s.split('.').count() != 4 {
        return None;
    }
    let m = u32::from_be_bytes(m);
    let ones = m.leading_ones();
    if m.checked_shl(ones).unwrap_or(0) != 0 {
        return None;
    }
    Some(ones)
}

pub fn get_prefix_1(arg: &str, family: u8) -> Option<Prefix> {
    let (addr, len) = match arg.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (arg, None),
    };
    let mut p = get_addr_1(addr, family)?;
    let mut bitlen = af_bit_len(p.family);
    if let Some(l) = len {
        if p.bitlen == -2 {
            return None;
        }
        let plen = get_netmask(l)?;
        if plen as i32 > bitlen {
            return None;
        }
        p.len_given = true;
        bitlen = plen as i32;
    } else if p.bitlen == -2 {
        bitlen = 0;
    }
    p.bitlen = bitlen;
    Some(p)
}

pub fn family_name(f: u8) -> &'static str {
    match f {
        AF_INET => "inet",
        AF_INET6 => "inet6",
        AF_PACKET => "link",
        AF_MPLS => "mpls",
        AF_BRIDGE => "bridge",
        12 => "dnet",
        _ => "???",
    }
}

fn family_verbose(f: u8) -> &'static str {
    if f == AF_UNSPEC {
        "any valid"
    } else {
        family_name(f)
    }
}

/// `get_addr`: exits 1 with iproute2's message on a bad address.
pub fn get_addr(arg: &str, family: u8) -> Res<Prefix> {
    get_addr_1(arg, family).ok_or_else(|| {
        Fail::new(
            1,
            format!(
                "Error: {} address is expected rather than \"{arg}\".\n",
                family_verbose(family)
            ),
        )
    })
}

/// `get_prefix`: exits 1 with iproute2's message on a bad prefix.
pub fn get_prefix(arg: &str, family: u8) -> Res<Prefix> {
    if family == AF_PACKET {
        return Err(Fail::new(
            1,
            format!(
                "Error: \"{arg}\" may be inet prefix, but it is not allowed in this context.\n"
            ),
        ));
    }
    get_prefix_1(arg, family).ok_or_else(|| {
        Fail::new(
            1,
            format!(
                "Error: {} prefix is expected rather than \"{arg}\".\n",
                family_verbose(family)
            ),
        )
    })
}

/// `inet_addr_match`: the first `bits` bits of `a` and `b` agree.
pub fn addr_match(a: &[u8], b: &[u8], bits: i32) -> bool {
    if bits <= 0 {
        return true;
    }
    let bits = bits as usize;
    let full = bits / 8;
    if a.len() < full || b.len() < full || a[..full] != b[..full] {
        return false;
    }
    let rest = bits % 8;
    if rest == 0 {
        return true;
    }
    let (Some(x), Some(y)) = (a.get(full), b.get(full)) else {
        return false;
    };
    let mask = 0xffu8 << (8 - rest);
    x & mask == y & mask
}

/// An address attribute as text (`rt_addr_n2a`): by length, IPv4 or IPv6.
pub fn fmt_addr(family: u8, v: &[u8]) -> String {
    let mut s = String::new();
    push_addr(&mut s, family, v);
    s
}

/// `fmt_addr` appended to `s` (no string of its own for IPv4 and
/// link-layer addresses: 10k-route listings print two each).
pub fn push_addr(s: &mut String, family: u8, v: &[u8]) {
    match (family, v.len()) {
        (AF_INET, 4) | (AF_UNSPEC, 4) => push_ipv4(s, v[0], v[1], v[2], v[3]),
        (AF_INET6, 16) | (AF_UNSPEC, 16) => {
            let mut b = [0u8; 16];
            b.copy_from_slice(v);
            put(s, &fmt_ipv6(&b));
        }
        (AF_PACKET, _) | (AF_BRIDGE, _) => push_lladdr(s, v),
        _ => put(s, "???"),
    }
}

/// `get_rt_realms_or_raw`: a raw u32, or FROM/TO realms (numbers or
/// `cosmos`, the one name /etc/iproute2/rt_realms has by default).
pub fn realms(v: &str) -> Option<u32> {
    if let Some(r) = get_u32(v) {
        return Some(r);
    }
    let one = |s: &str| -> Option<u32> {
        match s {
            "cosmos" => Some(0),
            _ => get_u32(s).filter(|n| *n <= 0xffff),
        }
    };
    let (from, to) = v.split_once('/')?;
    Some((one(from)? << 16) | one(to)?)
}

/// `v` in decimal, appended without the fmt machinery (hot in 10k-route listings).
pub fn push_u8(s: &mut String, v: u8) {
    if v >= 100 {
        put_b(s, b'0' + v / 100);
    }
    if v >= 10 {
        put_b(s, b'0' + v / 10 % 10);
    }
    put_b(s, b'0' + v % 10);
}

/// Dotted quad, written directly (Ipv4Addr's Display goes through a
/// padding-aware formatter: measurable with 10k routes).
pub fn fmt_ipv4(a: u8, b: u8, c: u8, d: u8) -> String {
    let mut s = String::with_capacity(15);
    push_ipv4(&mut s, a, b, c, d);
    s
}

/// `fmt_ipv4` appended to `s`.
pub fn push_ipv4(s: &mut String, a: u8, b: u8, c: u8, d: u8) {
    for (i, o) in [a, b, c, d].into_iter().enumerate() {
        if i > 0 {
            put_b(s, b'.');
        }
        push_u8(s, o);
    }
}

/// IPv6 as glibc's inet_ntop writes it (IPv4-mapped/compatible tails too).
pub fn fmt_ipv6(b: &[u8; 16]) -> String {
    let ip = Ipv6Addr::from(*b);
    let s = ip.segments();
    if s[..5] == [0, 0, 0, 0, 0] && (s[5] == 0xffff || (s[5] == 0 && s[6] != 0)) {
        let v4 = Ipv4Addr::new(b[12], b[13], b[14], b[15]);
        return if s[5] == 0xffff {
            format!("::ffff:{v4}")
        } else {
            format!("::{v4}")
        };
    }
    ip.to_string()
}

/// `ll_addr_n2a`: tunnels show their endpoint as an IP address.
pub fn fmt_ll(v: &[u8], hwtype: u16) -> String {
    let mut s = String::new();
    push_ll(&mut s, v, hwtype);
    s
}

/// `fmt_ll` appended to `s`.
pub fn push_ll(s: &mut String, v: &[u8], hwtype: u16) {
    match (v.len(), hwtype) {
        (4, 768 | 776 | 778) => push_ipv4(s, v[0], v[1], v[2], v[3]),
        (16, 769 | 823) => {
            let mut b = [0u8; 16];
            b.copy_from_slice(v);
            put(s, &fmt_ipv6(&b));
        }
        (0, _) => put(s, "00"),
        _ => push_lladdr(s, v),
    }
}

pub fn fmt_lladdr(v: &[u8]) -> String {
    let mut s = String::with_capacity(v.len() * 3);
    push_lladdr(&mut s, v);
    s
}

/// `fmt_lladdr` appended to `s`.
pub fn push_lladdr(s: &mut String, v: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in v.iter().enumerate() {
        if i > 0 {
            put_b(s, b':');
        }
        put_b(s, HEX[(b >> 4) as usize]);
        put_b(s, HEX[(b & 15) as usize]);
    }
}

/// `ll_addr_a2n` for colon-hex addresses; the error is iproute2's text.
pub fn parse_lladdr(arg: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for part in arg.split(':') {
        if out.len() >= 32 {
            break;
        }
        let hex: String = part.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
        let v = if hex.is_empty() {
            None
        } else {
            u32::from_str_radix(&hex, 16).ok()
        };
        match v {
            Some(n) if n <= 255 => out.push(n as u8),
            _ => return Err(format!("\"{part}\" is invalid lladdr.\n")),
        }
    }
    Ok(out)
}

// ---- rt_names ----------------------------------------------------------

pub fn scope_n2a(s: u8) -> Cow<'static, str> {
    match s {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        n => n.to_string().into(),
    }
}

pub fn scope_a2n(s: &str) -> Option<u8> {
    Some(match s {
        "global" => 0,
        "site" => 200,
        "link" => 253,
        "host" => 254,
        "nowhere" => 255,
        _ => return get_u32(s).and_then(|v| u8::try_from(v).ok()),
    })
}

const PROTOS: &[(u8, &str)] = &[
    (0, "unspec"),
    (1, "redirect"),
    (2, "kernel"),
    (3, "boot"),
    (4, "static"),
    (8, "gated"),
    (9, "ra"),
    (10, "mrt"),
    (11, "zebra"),
    (12, "bird"),
    (13, "dnrouted"),
    (14, "xorp"),
    (15, "ntk"),
    (16, "dhcp"),
    (17, "mrouted"),
    (18, "keepalived"),
    (42, "babel"),
    (99, "openr"),
    (186, "bgp"),
    (187, "isis"),
    (188, "ospf"),
    (189, "rip"),
    (192, "eigrp"),
];

pub fn proto_n2a(p: u8) -> Cow<'static, str> {
    PROTOS
        .iter()
        .find(|(n, _)| *n == p)
        .map(|(_, s)| Cow::Borrowed(*s))
        .unwrap_or_else(|| p.to_string().into())
}

pub fn proto_a2n(s: &str) -> Option<u8> {
    PROTOS
        .iter()
        .find(|(_, n)| *n == s)
        .map(|(p, _)| *p)
        .or_else(|| get_u32(s).and_then(|v| u8::try_from(v).ok()))
}

pub fn table_n2a(t: u32) -> Cow<'static, str> {
    match t {
        253 => "default".into(),
        254 => "main".into(),
        255 => "local".into(),
        n => n.to_string().into(),
    }
}

pub fn table_a2n(s: &str) -> Option<u32> {
    match s {
        "default" => Some(253),
        "main" => Some(254),
        "local" => Some(255),
        _ => get_u32(s),
    }
}

const RTNTYPES: &[&str] = &[
    "none",
    "unicast",
    "local",
    "broadcast",
    "anycast",
    "multicast",
    "blackhole",
    "unreachable",
    "prohibit",
    "throw",
    "nat",
    "xresolve",
];

pub fn rtntype_n2a(t: u8) -> Cow<'static, str> {
    RTNTYPES
        .get(t as usize)
        .map(|s| Cow::Borrowed(*s))
        .unwrap_or_else(|| t.to_string().into())
}

pub fn rtntype_a2n(s: &str) -> Option<u8> {
    if s == "none" {
        return None;
    }
    RTNTYPES
        .iter()
        .position(|n| *n == s)
        .map(|p| p as u8)
        .or_else(|| get_u32(s).and_then(|v| u8::try_from(v).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ipv4_is_zero_filled() {
        // golden ip/091: `ip route get 10.42.1` means 10.42.1.0
        let p = get_prefix_1("10.42.1", AF_UNSPEC).map(|p| (p.family, p.bitlen, p.data));
        let mut d = [0u8; 16];
        d[..4].copy_from_slice(&[10, 42, 1, 0]);
        assert_eq!(p, Some((AF_INET, 32, d)));
    }

    #[test]
    fn bad_prefix_message() {
        let e = get_prefix("10.0.0.1/33", AF_UNSPEC)
            .err()
            .map(|f| (f.code, f.msg));
        assert_eq!(
            e,
            Some((
                1,
                "Error: any valid prefix is expected rather than \"10.0.0.1/33\".\n".into()
            ))
        );
    }

    #[test]
    fn default_prefix() {
        let p = get_prefix_1("default", AF_INET).map(|p| (p.bitlen, p.bytelen, p.len_given));
        assert_eq!(p, Some((0, 4, true)));
    }

    #[test]
    fn lladdr_roundtrip_and_error() {
        assert_eq!(
            parse_lladdr("02:00:0a:2a:00:99").map(|v| fmt_lladdr(&v)),
            Ok("02:00:0a:2a:00:99".into())
        );
        assert_eq!(
            parse_lladdr("zz:00:00:00:00:01"),
            Err("\"zz\" is invalid lladdr.\n".into())
        );
    }

    #[test]
    fn ipv6_text() {
        let p = get_addr_1("fd42:0:0:1::", AF_UNSPEC).map(|p| fmt_addr(AF_INET6, p.bytes()));
        assert_eq!(p.as_deref(), Some("fd42:0:0:1::"));
        assert!(addr_match(&[10, 42, 1, 0], &[10, 42, 1, 7], 24));
        assert!(!addr_match(&[10, 42, 2, 0], &[10, 42, 1, 7], 24));
    }
}
