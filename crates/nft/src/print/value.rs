// SPDX-License-Identifier: Apache-2.0
//! Constants as nft prints them (datatype.c print callbacks): addresses,
//! protocol names, hex marks, flag lists, times. Text and JSON share the
//! symbol tables; JSON prints numbers as numbers and symbols as strings.

use std::net::Ipv6Addr;

use crate::ast::{Datatype, Value};

/// Output switches that change how values print.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueOpts {
    /// `-n`/`-nn`: protocols and symbols as numbers.
    pub numeric: bool,
}

const CT_STATE: &[(u64, &str)] = &[
    (1, "invalid"),
    (2, "established"),
    (4, "related"),
    (8, "new"),
    (64, "untracked"),
];
const CT_STATUS: &[(u64, &str)] = &[
    (1, "expected"),
    (2, "seen-reply"),
    (4, "assured"),
    (8, "confirmed"),
    (16, "snat"),
    (32, "dnat"),
    (512, "dying"),
];
const TCP_FLAGS: &[(u64, &str)] = &[
    (1, "fin"),
    (2, "syn"),
    (4, "rst"),
    (8, "psh"),
    (16, "ack"),
    (32, "urg"),
    (64, "ecn"),
    (128, "cwr"),
];
const FIB_ADDR: &[&str] = &[
    "unspec",
    "unicast",
    "local",
    "broadcast",
    "anycast",
    "multicast",
    "blackhole",
    "unreachable",
    "prohibit",
];
const ICMP_CODE: &[(u64, &str)] = &[
    (0, "net-unreachable"),
    (1, "host-unreachable"),
    (2, "prot-unreachable"),
    (3, "port-unreachable"),
    (4, "frag-needed"),
    (9, "net-prohibited"),
    (10, "host-prohibited"),
    (13, "admin-prohibited"),
];
const ICMPV6_CODE: &[(u64, &str)] = &[
    (0, "no-route"),
    (1, "admin-prohibited"),
    (3, "addr-unreachable"),
    (4, "port-unreachable"),
    (5, "policy-fail"),
    (6, "reject-route"),
];
const ICMPX_CODE: &[(u64, &str)] = &[
    (0, "no-route"),
    (1, "port-unreachable"),
    (2, "host-unreachable"),
    (3, "admin-prohibited"),
];

const DSCP: &[(u64, &str)] = &[
    (0, "cs0"),
    (8, "cs1"),
    (16, "cs2"),
    (24, "cs3"),
    (32, "cs4"),
    (40, "cs5"),
    (48, "cs6"),
    (56, "cs7"),
    (10, "af11"),
    (12, "af12"),
    (14, "af13"),
    (18, "af21"),
    (20, "af22"),
    (22, "af23"),
    (26, "af31"),
    (28, "af32"),
    (30, "af33"),
    (34, "af41"),
    (36, "af42"),
    (38, "af43"),
    (46, "ef"),
    (1, "le"),
    (44, "va"),
];
const ICMP_TYPE: &[(u64, &str)] = &[
    (0, "echo-reply"),
    (3, "destination-unreachable"),
    (4, "source-quench"),
    (5, "redirect"),
    (8, "echo-request"),
    (9, "router-advertisement"),
    (10, "router-solicitation"),
    (11, "time-exceeded"),
    (12, "parameter-problem"),
    (13, "timestamp-request"),
    (14, "timestamp-reply"),
    (15, "info-request"),
    (16, "info-reply"),
    (17, "address-mask-request"),
    (18, "address-mask-reply"),
];
const ICMPV6_TYPE: &[(u64, &str)] = &[
    (1, "destination-unreachable"),
    (2, "packet-too-big"),
    (3, "time-exceeded"),
    (4, "parameter-problem"),
    (128, "echo-request"),
    (129, "echo-reply"),
    (130, "mld-listener-query"),
    (131, "mld-listener-report"),
    (132, "mld-listener-done"),
    (133, "nd-router-solicit"),
    (134, "nd-router-advert"),
    (135, "nd-neighbor-solicit"),
    (136, "nd-neighbor-advert"),
    (137, "nd-redirect"),
    (138, "router-renumbering"),
    (141, "ind-neighbor-solicit"),
    (142, "ind-neighbor-advert"),
    (143, "mld2-listener-report"),
];

/// Several flags: one name as a string; more as an array (ct state) or an
/// `{"|": [...]}` expression (tcp flags).
fn flag_list(table: &[(u64, &'static str)], n: u64, or_expr: bool) -> Json {
    let names: Vec<&str> = table
        .iter()
        .filter(|(v, _)| n & v != 0)
        .map(|(_, s)| *s)
        .collect();
    if names.len() <= 1 || table.iter().fold(n, |acc, (v, _)| acc & !v) != 0 {
        return Json::Str(flags(table, n));
    }
    let items: Vec<String> = names.iter().map(|x| format!("\"{x}\"")).collect();
    if or_expr {
        Json::Raw(format!("{{\"|\": [{}]}}", items.join(", ")))
    } else {
        Json::Raw(format!("[{}]", items.join(", ")))
    }
}

/// An ether_type value as a number in network order, whichever byte order
/// the type table gives it.
fn ether_type(v: &Value) -> u16 {
    let n = v.as_u64().unwrap_or(0) as u16;
    match v.dtype.byteorder() {
        crate::ast::ByteOrder::Big => n,
        crate::ast::ByteOrder::Host => n.swap_bytes(),
    }
}

/// The name of an IP protocol number, as nft prints `inet_proto` values.
pub fn proto_name(n: u64) -> Option<&'static str> {
    Some(match n {
        1 => "icmp",
        2 => "igmp",
        4 => "ipv4",
        6 => "tcp",
        17 => "udp",
        33 => "dccp",
        41 => "ipv6",
        47 => "gre",
        50 => "esp",
        51 => "ah",
        58 => "ipv6-icmp",
        132 => "sctp",
        136 => "udplite",
        _ => return None,
    })
}

fn sym(table: &[(u64, &'static str)], n: u64) -> Option<&'static str> {
    table.iter().find(|(v, _)| *v == n).map(|(_, s)| *s)
}

fn flags(table: &[(u64, &'static str)], n: u64) -> String {
    let names: Vec<&str> = table
        .iter()
        .filter(|(v, _)| n & v != 0)
        .map(|(_, s)| *s)
        .collect();
    if names.is_empty() || table.iter().fold(n, |acc, (v, _)| acc & !v) != 0 {
        return format!("0x{n:x}");
    }
    names.join(",")
}

fn string_of(v: &Value) -> String {
    let end = v.data.iter().position(|&b| b == 0).unwrap_or(v.data.len());
    String::from_utf8_lossy(&v.data[..end]).into_owned()
}

fn hex(v: &Value) -> String {
    let digits = (v.bits.div_ceil(4)) as usize;
    match v.as_u64() {
        Some(n) => format!("0x{n:0digits$x}"),
        None => {
            let s: String = v.data.iter().map(|b| format!("{b:02x}")).collect();
            format!("0x{}", s.trim_start_matches('0'))
        }
    }
}

/// nft's hex integer (`0x2736c00`): no padding.
fn xint(v: &Value) -> String {
    match v.as_u64() {
        Some(n) => format!("0x{n:x}"),
        None => {
            let s: String = v.data.iter().map(|b| format!("{b:02x}")).collect();
            let t = s.trim_start_matches('0');
            format!("0x{}", if t.is_empty() { "0" } else { t })
        }
    }
}

/// What a value is in JSON: a number or a string.
pub enum Json {
    Num(u64),
    Str(String),
    /// Already-encoded JSON (flag lists).
    Raw(String),
}

/// A value as nft's text output shows it.
pub fn text(v: &Value, o: ValueOpts) -> String {
    let num = v.as_u64().unwrap_or(0);
    match v.dtype {
        Datatype::Mark => return hex(v),
        // Raw payloads compare with hex integers (nft's xinteger).
        Datatype::Bitmask => return xint(v),
        Datatype::CtState if !o.numeric => return flags(CT_STATE, num),
        Datatype::CtStatus if !o.numeric => return flags(CT_STATUS, num),
        Datatype::TcpFlag if !o.numeric => return flags(TCP_FLAGS, num).replace(',', " | "),
        // Bitmasks print in hex when numeric.
        Datatype::CtState | Datatype::CtStatus | Datatype::TcpFlag => return format!("0x{num:x}"),
        _ => {}
    }
    match json(v, o) {
        Json::Num(n) => n.to_string(),
        Json::Raw(r) => r,
        Json::Str(s) => match v.dtype {
            Datatype::String | Datatype::IfName | Datatype::IfIndex => format!("\"{s}\""),
            _ => s,
        },
    }
}

/// [`text`], appended to `out`: addresses and numbers are written in place
/// (no string of their own, no `core::fmt`); the rest goes through [`text`].
pub fn text_to(out: &mut String, v: &Value, o: ValueOpts) {
    use super::sink::{put, put_b, put_ipv4, put_u64};
    match v.dtype {
        Datatype::Ipv4Addr if v.data.len() == 4 => {
            return put_ipv4(out, [v.data[0], v.data[1], v.data[2], v.data[3]]);
        }
        Datatype::Mark
        | Datatype::Bitmask
        | Datatype::CtState
        | Datatype::CtStatus
        | Datatype::TcpFlag => return put(out, &text(v, o)),
        _ => {}
    }
    match json(v, o) {
        Json::Num(n) => put_u64(out, n),
        Json::Raw(r) => put(out, &r),
        Json::Str(s) => match v.dtype {
            Datatype::String | Datatype::IfName | Datatype::IfIndex => {
                put_b(out, b'"');
                put(out, &s);
                put_b(out, b'"');
            }
            _ => put(out, &s),
        },
    }
}

/// A dotted quad without `core::fmt`.
fn ipv4(d: &[u8]) -> String {
    let mut s = String::with_capacity(15);
    super::sink::put_ipv4(&mut s, [d[0], d[1], d[2], d[3]]);
    s
}

/// A value as nft's JSON output encodes it.
pub fn json(v: &Value, o: ValueOpts) -> Json {
    let n = v.as_u64();
    let num = n.unwrap_or(0);
    let s = |x: &str| Json::Str(x.to_string());
    match v.dtype {
        Datatype::Ipv4Addr if v.data.len() == 4 => Json::Str(ipv4(&v.data)),
        Datatype::Ipv6Addr if v.data.len() == 16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(&v.data);
            Json::Str(Ipv6Addr::from(a).to_string())
        }
        Datatype::InetProto if !o.numeric => match proto_name(num) {
            Some(p) => s(p),
            None => Json::Num(num),
        },
        Datatype::Mark | Datatype::CtLabel | Datatype::Realm | Datatype::ClassId => {
            if matches!(v.dtype, Datatype::Mark) {
                Json::Num(num)
            } else {
                Json::Str(hex(v))
            }
        }
        Datatype::CtState if !o.numeric => flag_list(CT_STATE, num, false),
        Datatype::CtStatus if !o.numeric => flag_list(CT_STATUS, num, false),
        Datatype::TcpFlag if !o.numeric => flag_list(TCP_FLAGS, num, true),
        Datatype::Dscp if !o.numeric => sym(DSCP, num)
            .map(s)
            .unwrap_or(Json::Str(format!("0x{num:02x}"))),
        Datatype::Ecn if !o.numeric => match num {
            0 => s("not-ect"),
            1 => s("ect1"),
            2 => s("ect0"),
            _ => s("ce"),
        },
        Datatype::PktType if !o.numeric => match num {
            0 => s("host"),
            1 => s("broadcast"),
            2 => s("multicast"),
            3 => s("other"),
            _ => Json::Num(num),
        },
        Datatype::IcmpType if !o.numeric => sym(ICMP_TYPE, num).map(s).unwrap_or(Json::Num(num)),
        Datatype::Icmp6Type if !o.numeric => sym(ICMPV6_TYPE, num).map(s).unwrap_or(Json::Num(num)),
        Datatype::FibAddr => match FIB_ADDR.get(num as usize) {
            Some(x) if !o.numeric => s(x),
            _ => Json::Num(num),
        },
        Datatype::IcmpCode => sym(ICMP_CODE, num).map(s).unwrap_or(Json::Num(num)),
        Datatype::Icmpv6Code => sym(ICMPV6_CODE, num).map(s).unwrap_or(Json::Num(num)),
        Datatype::IcmpxCode => sym(ICMPX_CODE, num).map(s).unwrap_or(Json::Num(num)),
        Datatype::Nfproto if !o.numeric => match num {
            2 => s("ipv4"),
            10 => s("ipv6"),
            _ => Json::Num(num),
        },
        Datatype::EtherType if !o.numeric => match ether_type(v) {
            0x0800 => s("ip"),
            0x86dd => s("ip6"),
            0x0806 => s("arp"),
            0x8100 => s("vlan"),
            0x88a8 => s("8021ad"),
            _ => Json::Str(hex(v)),
        },
        Datatype::String | Datatype::IfName => Json::Str(string_of(v)),
        Datatype::IfIndex => Json::Str(ifname(num as u32)),
        Datatype::CtDir => match num {
            0 => s("original"),
            _ => s("reply"),
        },
        _ => match n {
            Some(x) => Json::Num(x),
            None => Json::Str(hex(v)),
        },
    }
}

/// The name of an interface index, as `iif` prints it.
fn ifname(idx: u32) -> String {
    let mut buf = [0u8; 17];
    // SAFETY: if_indextoname writes at most IF_NAMESIZE (16) bytes plus NUL.
    let p = unsafe { libc::if_indextoname(idx, buf.as_mut_ptr() as *mut libc::c_char) };
    if p.is_null() {
        return idx.to_string();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// nft's time text (`3h`, `1d2h3m4s5ms`), from milliseconds.
pub fn time(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let parts = [
        (ms / 86_400_000, "d"),
        ((ms / 3_600_000) % 24, "h"),
        ((ms / 60_000) % 60, "m"),
        ((ms / 1000) % 60, "s"),
        (ms % 1000, "ms"),
    ];
    for (n, unit) in parts {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(dtype: Datatype, bits: u32, n: u64) -> Value {
        Value::num(dtype, bits, n)
    }

    #[test]
    fn values_print_like_nft() {
        let o = ValueOpts::default();
        assert_eq!(
            text(&v(Datatype::Ipv4Addr, 32, 0xac1e0001), o),
            "172.30.0.1"
        );
        assert_eq!(text(&v(Datatype::InetProto, 8, 6), o), "tcp");
        assert_eq!(
            text(&v(Datatype::InetProto, 8, 6), ValueOpts { numeric: true }),
            "6"
        );
        assert_eq!(text(&v(Datatype::InetService, 16, 80), o), "80");
        assert_eq!(text(&v(Datatype::CtState, 32, 8), o), "new");
        assert_eq!(text(&v(Datatype::CtState, 32, 6), o), "established,related");
        assert_eq!(text(&v(Datatype::FibAddr, 32, 2), o), "local");
        assert_eq!(time(10_800_000), "3h");
        assert_eq!(time(93_784_005), "1d2h3m4s5ms");
    }
}
