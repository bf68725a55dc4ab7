// SPDX-License-Identifier: Apache-2.0
//! libnftnl's debug text for expressions, as `nft --debug=netlink` and the
//! corpus `.payload` files show it: `[ name field field … ]`. Fields are
//! printed when present, like libnftnl's attribute flags.

use std::fmt::{self, Write};

use super::*;
use crate::nftables::data::{Data, HexWords};

const META_KEYS: &[&str] = &[
    "len",
    "protocol",
    "priority",
    "mark",
    "iif",
    "oif",
    "iifname",
    "oifname",
    "iiftype",
    "oiftype",
    "skuid",
    "skgid",
    "nftrace",
    "rtclassid",
    "secmark",
    "nfproto",
    "l4proto",
    "bri_iifname",
    "bri_oifname",
    "pkttype",
    "cpu",
    "iifgroup",
    "oifgroup",
    "cgroup",
    "prandom",
    "secpath",
    "iifkind",
    "oifkind",
    "bri_iifpvid",
    "bri_iifvproto",
    "time",
    "day",
    "hour",
    "sdif",
    "sdifname",
    "broute",
];

const CT_KEYS: &[&str] = &[
    "state",
    "direction",
    "status",
    "mark",
    "secmark",
    "expiration",
    "helper",
    "l3protocol",
    "src",
    "dst",
    "protocol",
    "proto_src",
    "proto_dst",
    "label",
    "packets",
    "bytes",
    "avgpkt",
    "zone",
    "event",
    "src_ip",
    "dst_ip",
    "src_ip6",
    "dst_ip6",
    "id",
];

/// Name of a meta key, libnftnl's words.
pub fn meta_key_name(key: u32) -> &'static str {
    META_KEYS.get(key as usize).copied().unwrap_or("unknown")
}

/// Name of a ct key, libnftnl's words.
pub fn ct_key_name(key: u32) -> &'static str {
    CT_KEYS.get(key as usize).copied().unwrap_or("unknown")
}

fn base_name(base: u32) -> &'static str {
    match base {
        NFT_PAYLOAD_LL_HEADER => "link",
        NFT_PAYLOAD_NETWORK_HEADER => "network",
        NFT_PAYLOAD_TRANSPORT_HEADER => "transport",
        NFT_PAYLOAD_INNER_HEADER => "inner",
        _ => "unknown",
    }
}

fn family_name(f: u32) -> &'static str {
    match f {
        1 => "inet",
        2 => "ip",
        3 => "arp",
        5 => "netdev",
        7 => "bridge",
        10 => "ip6",
        _ => "unknown",
    }
}

fn cmp_op_name(op: u32) -> &'static str {
    ["eq", "neq", "lt", "lte", "gt", "gte"]
        .get(op as usize)
        .copied()
        .unwrap_or("unknown")
}

fn data_text(d: &Option<Data>) -> String {
    match d {
        Some(Data::Value(v)) => format!("{} ", HexWords(v)),
        Some(Data::Verdict(v)) => format!("{v} "),
        None => String::new(),
    }
}

/// "60 second" → libnftnl's largest whole unit.
fn limit_unit(seconds: u64) -> (u64, &'static str) {
    let units: [(u64, &str); 5] = [
        (0, "second"),
        (60, "minute"),
        (60, "hour"),
        (24, "day"),
        (7, "week"),
    ];
    let mut s = seconds;
    let mut i = 1;
    while i < units.len() {
        if units[i].0 == 0 || !s.is_multiple_of(units[i].0) {
            break;
        }
        s /= units[i].0;
        i += 1;
    }
    (s, units[i - 1].1)
}

fn body(e: &Expr) -> String {
    let mut o = String::new();
    let u = |v: Option<u32>| v.unwrap_or(0);
    match e {
        Expr::Payload(p) => {
            let (len, base, off) = (u(p.len), base_name(u(p.base)), u(p.offset));
            if let Some(sreg) = p.sreg.filter(|&r| r != 0) {
                let _ = write!(
                    o,
                    "write reg {sreg} => {len}b @ {base} header + {off} csum_type {} csum_off {} csum_flags 0x{:x} ",
                    u(p.csum_type),
                    u(p.csum_offset),
                    u(p.csum_flags)
                );
            } else {
                let _ = write!(
                    o,
                    "load {len}b @ {base} header + {off} => reg {} ",
                    u(p.dreg)
                );
            }
        }
        Expr::Cmp(c) => {
            let _ = write!(
                o,
                "{} reg {} {}",
                cmp_op_name(u(c.op)),
                u(c.sreg),
                data_text(&c.data)
            );
        }
        Expr::Meta(m) => {
            let key = meta_key_name(u(m.key));
            if let Some(s) = m.sreg {
                let _ = write!(o, "set {key} with reg {s} ");
            } else if let Some(d) = m.dreg {
                let _ = write!(o, "load {key} => reg {d} ");
            }
        }
        Expr::Immediate(i) => {
            let _ = write!(o, "reg {} {}", u(i.dreg), data_text(&i.data));
        }
        Expr::Lookup(l) => {
            let _ = write!(
                o,
                "reg {} set {} ",
                u(l.sreg),
                l.set.as_deref().unwrap_or("")
            );
            if let Some(d) = l.dreg {
                let _ = write!(o, "dreg {d} ");
            }
            if let Some(f) = l.flags {
                let _ = write!(o, "0x{f:x} ");
            }
        }
        Expr::Bitwise(b) => {
            let (d, s) = (u(b.dreg), u(b.sreg));
            match u(b.op) {
                NFT_BITWISE_LSHIFT | NFT_BITWISE_RSHIFT => {
                    let op = if u(b.op) == NFT_BITWISE_LSHIFT {
                        "<<"
                    } else {
                        ">>"
                    };
                    let _ = write!(o, "reg {d} = ( reg {s} {op} {}) ", data_text(&b.data));
                }
                _ => {
                    let _ = write!(
                        o,
                        "reg {d} = ( reg {s} & {}) ^ {}",
                        data_text(&b.mask),
                        data_text(&b.xor)
                    );
                }
            }
        }
        Expr::Byteorder(b) => {
            let op = if u(b.op) == NFT_BYTEORDER_HTON {
                "hton"
            } else {
                "ntoh"
            };
            let _ = write!(
                o,
                "reg {} = {op}(reg {}, {}, {}) ",
                u(b.dreg),
                u(b.sreg),
                u(b.size),
                u(b.len)
            );
        }
        Expr::Ct(c) => {
            let key = ct_key_name(u(c.key));
            if let Some(s) = c.sreg {
                let _ = write!(o, "set {key} with reg {s} ");
            }
            if let Some(d) = c.dreg {
                let _ = write!(o, "load {key} => reg {d} ");
            }
            if let Some(dir) = c.direction {
                let dir = match dir {
                    0 => "original",
                    1 => "reply",
                    _ => "unknown",
                };
                let _ = write!(o, ", dir {dir} ");
            }
        }
        Expr::Fib(f) => {
            let all = u(f.flags);
            let mut flags = all & !NFTA_FIB_F_PRESENT;
            let tab = [
                (NFTA_FIB_F_SADDR, "saddr"),
                (NFTA_FIB_F_DADDR, "daddr"),
                (NFTA_FIB_F_MARK, "mark"),
                (NFTA_FIB_F_IIF, "iif"),
                (NFTA_FIB_F_OIF, "oif"),
            ];
            for (bit, name) in tab {
                if flags & bit != 0 {
                    let _ = write!(o, "{name} ");
                    flags &= !bit;
                    if flags != 0 {
                        o.push_str(". ");
                    }
                }
            }
            if flags != 0 {
                let _ = write!(o, "unknown 0x{flags:x}");
            }
            let result = ["unspec", "oif", "oifname", "type"]
                .get(u(f.result) as usize)
                .copied()
                .unwrap_or("unknown");
            let present = if all & NFTA_FIB_F_PRESENT != 0 {
                " present"
            } else {
                ""
            };
            let _ = write!(o, "{result}{present} => reg {} ", u(f.dreg));
        }
        Expr::Numgen(n) => {
            let kind = match u(n.ng_type) {
                NFT_NG_INCREMENTAL => "inc",
                NFT_NG_RANDOM => "random",
                _ => return o,
            };
            let _ = write!(o, "reg {} = {kind} mod {} ", u(n.dreg), u(n.modulus));
            if u(n.offset) != 0 {
                let _ = write!(o, "offset {} ", u(n.offset));
            }
        }
        Expr::Hash(h) => {
            if u(h.hash_type) == NFT_HASH_SYM {
                let _ = write!(o, "reg {} = symhash() % mod {} ", u(h.dreg), u(h.modulus));
            } else {
                let _ = write!(
                    o,
                    "reg {} = jhash(reg {}, {}, 0x{:x}) % mod {} ",
                    u(h.dreg),
                    u(h.sreg),
                    u(h.len),
                    u(h.seed),
                    u(h.modulus)
                );
            }
            if u(h.offset) != 0 {
                let _ = write!(o, "offset {} ", u(h.offset));
            }
        }
        Expr::Nat(n) => {
            let t = if u(n.nat_type) == NFT_NAT_DNAT {
                "dnat"
            } else {
                "snat"
            };
            let _ = write!(o, "{t} {} ", family_name(u(n.family)));
            regs(
                &mut o,
                &[
                    ("addr_min", n.reg_addr_min),
                    ("addr_max", n.reg_addr_max),
                    ("proto_min", n.reg_proto_min),
                    ("proto_max", n.reg_proto_max),
                ],
            );
            if let Some(f) = n.flags {
                let _ = write!(o, "flags 0x{f:x} ");
            }
        }
        Expr::Masq(m) => {
            regs(
                &mut o,
                &[
                    ("proto_min", m.reg_proto_min),
                    ("proto_max", m.reg_proto_max),
                ],
            );
            if let Some(f) = m.flags {
                let _ = write!(o, "flags 0x{f:x} ");
            }
        }
        Expr::Redir(m) => {
            regs(
                &mut o,
                &[
                    ("proto_min", m.reg_proto_min),
                    ("proto_max", m.reg_proto_max),
                ],
            );
            if let Some(f) = m.flags {
                let _ = write!(o, "flags 0x{f:x} ");
            }
        }
        Expr::Reject(r) => {
            let _ = write!(
                o,
                "type {} code {} ",
                u(r.reject_type),
                r.icmp_code.unwrap_or(0)
            );
        }
        Expr::Counter(c) => {
            let _ = write!(
                o,
                "pkts {} bytes {} ",
                c.packets.unwrap_or(0),
                c.bytes.unwrap_or(0)
            );
        }
        Expr::Dynset(d) => {
            let op = ["add", "update", "delete"]
                .get(u(d.op) as usize)
                .copied()
                .unwrap_or("unknown");
            let _ = write!(
                o,
                "{op} reg_key {} set {} ",
                u(d.sreg_key),
                d.set_name.as_deref().unwrap_or("")
            );
            if let Some(s) = d.sreg_data {
                let _ = write!(o, "sreg_data {s} ");
            }
            if let Some(t) = d.timeout {
                let _ = write!(o, "timeout {t}ms ");
            }
            let inner = d
                .expr
                .iter()
                .map(|b| b.as_ref())
                .chain(d.exprs.iter().flatten());
            for e in inner {
                let _ = write!(o, "expr [ {} {}] ", e.name(), body(e));
            }
        }
        Expr::Range(r) => {
            let op = if u(r.op) == NFT_RANGE_NEQ {
                "neq"
            } else {
                "eq"
            };
            let _ = write!(
                o,
                "{op} reg {} {}{}",
                u(r.sreg),
                data_text(&r.from),
                data_text(&r.to)
            );
        }
        Expr::Objref(r) => {
            if let Some(s) = r.set_sreg {
                let _ = write!(o, "sreg {s} set {} ", r.set_name.as_deref().unwrap_or(""));
            } else {
                let _ = write!(
                    o,
                    "type {} name {} ",
                    u(r.imm_type),
                    r.imm_name.as_deref().unwrap_or("")
                );
            }
        }
        Expr::Limit(l) => {
            let _ = write!(o, "rate {}/", l.rate.unwrap_or(0));
            let (val, unit) = limit_unit(l.unit.unwrap_or(0));
            if val > 1 {
                let _ = write!(o, "{val} ");
            }
            let ty = if u(l.limit_type) == NFT_LIMIT_PKT_BYTES {
                "bytes"
            } else {
                "packets"
            };
            let _ = write!(
                o,
                "{unit} burst {} type {ty} flags 0x{:x} ",
                u(l.burst),
                u(l.flags)
            );
        }
        Expr::Log(l) => {
            if let Some(p) = &l.prefix {
                let _ = write!(o, "prefix {p} ");
            }
            if let Some(g) = l.group {
                let _ = write!(
                    o,
                    "group {g} snaplen {} qthreshold {} ",
                    u(l.snaplen),
                    l.qthreshold.unwrap_or(0)
                );
            } else {
                if let Some(lv) = l.level {
                    let _ = write!(o, "level {lv} ");
                }
                if let Some(f) = l.flags {
                    for (bit, name) in [
                        (1, "tcpseq"),
                        (2, "tcpopt"),
                        (4, "ipopt"),
                        (8, "uid"),
                        (0x20, "macdecode"),
                    ] {
                        if f & bit != 0 {
                            let _ = write!(o, "{name} ");
                        }
                    }
                }
            }
        }
        Expr::Quota(q) => {
            let _ = write!(
                o,
                "bytes {} consumed {} flags {} ",
                q.bytes.unwrap_or(0),
                q.consumed.unwrap_or(0),
                u(q.flags)
            );
        }
        Expr::Exthdr(x) => {
            let op = match u(x.op) {
                NFT_EXTHDR_OP_TCPOPT => " tcpopt",
                NFT_EXTHDR_OP_IPV6 => " ipv6",
                NFT_EXTHDR_OP_IPV4 => " ipv4",
                _ => "",
            };
            let t = x.exthdr_type.unwrap_or(0);
            if let Some(d) = x.dreg {
                let present = if u(x.flags) & NFT_EXTHDR_F_PRESENT != 0 {
                    " present"
                } else {
                    ""
                };
                let _ = write!(
                    o,
                    "load{op} {}b @ {t} + {}{present} => reg {d} ",
                    u(x.len),
                    u(x.offset)
                );
            } else if let Some(s) = x.sreg {
                let _ = write!(
                    o,
                    "write{op} reg {s} => {}b @ {t} + {} ",
                    u(x.len),
                    u(x.offset)
                );
            } else if u(x.op) == NFT_EXTHDR_OP_TCPOPT && u(x.len) == 0 {
                let _ = write!(o, "reset tcpopt {t} ");
            } else {
                let _ = write!(
                    o,
                    "op {} len {} type {t} offset {} ",
                    u(x.op),
                    u(x.len),
                    u(x.offset)
                );
            }
        }
        Expr::Rt(r) => {
            let key = ["classid", "nexthop4", "nexthop6", "tcpmss", "ipsec"]
                .get(u(r.key) as usize)
                .copied()
                .unwrap_or("unknown");
            let _ = write!(o, "load {key} => reg {} ", u(r.dreg));
        }
        Expr::Queue(q) => {
            let total = q.total.unwrap_or(1).max(1);
            let num = q.num.unwrap_or(0);
            if let Some(s) = q.sreg_qnum {
                let _ = write!(o, "sreg_qnum {s} ");
            } else {
                let _ = write!(o, "num {num}");
                if total > 1 {
                    let _ = write!(o, "-{}", num as u32 + total as u32 - 1);
                }
                o.push(' ');
            }
            let f = q.flags.unwrap_or(0);
            if f & 1 != 0 {
                o.push_str("bypass ");
            }
            if f & 2 != 0 {
                o.push_str("fanout ");
            }
        }
        Expr::Notrack | Expr::Other { .. } => {}
    }
    o
}

fn regs(o: &mut String, list: &[(&str, Option<u32>)]) {
    for (name, r) in list {
        if let Some(r) = r {
            let _ = write!(o, "{name} reg {r} ");
        }
    }
}

impl fmt::Display for Expr {
    /// `[ payload load 4b @ network header + 12 => reg 1 ]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[ {} {}]", self.name(), body(self))
    }
}
