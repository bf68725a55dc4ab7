// SPDX-License-Identifier: Apache-2.0
//! Turning literals into typed values (datatype.c `symbolic_constant_parse`, the address and
//! service parsers): numbers, addresses, and the symbol tables kube-proxy's rules use.

use crate::ast::{Datatype, Literal, Span, Value};
use crate::erec::ErrorRecord;

/// /etc/protocols names nft accepts for inet_proto (getprotobyname on a typical system).
const PROTOCOLS: &[(&str, u64)] = &[
    ("ip", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ggp", 3),
    ("ipencap", 4),
    ("st", 5),
    ("tcp", 6),
    ("egp", 8),
    ("igp", 9),
    ("pup", 12),
    ("udp", 17),
    ("hmp", 20),
    ("xns-idp", 22),
    ("rdp", 27),
    ("iso-tp4", 29),
    ("dccp", 33),
    ("xtp", 36),
    ("ddp", 37),
    ("idpr-cmtp", 38),
    ("ipv6", 41),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("idrp", 45),
    ("rsvp", 46),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("skip", 57),
    ("ipv6-icmp", 58),
    ("icmpv6", 58),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("rspf", 73),
    ("vmtp", 81),
    ("eigrp", 88),
    ("ospf", 89),
    ("ax.25", 93),
    ("ipip", 94),
    ("etherip", 97),
    ("encap", 98),
    ("pim", 103),
    ("ipcomp", 108),
    ("comp", 108),
    ("vrrp", 112),
    ("l2tp", 115),
    ("isis", 124),
    ("sctp", 132),
    ("fc", 133),
    ("mobility-header", 135),
    ("udplite", 136),
    ("mpls-in-ip", 137),
    ("manet", 138),
    ("hip", 139),
    ("shim6", 140),
    ("wesp", 141),
    ("rohc", 142),
    ("ethernet", 143),
];

/// A few /etc/services names (getservbyname); numbers are what kube-proxy writes.
const SERVICES: &[(&str, u64)] = &[
    ("ftp-data", 20),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("domain", 53),
    ("bootps", 67),
    ("bootpc", 68),
    ("tftp", 69),
    ("http", 80),
    ("kerberos", 88),
    ("pop3", 110),
    ("sunrpc", 111),
    ("ntp", 123),
    ("imap2", 143),
    ("snmp", 161),
    ("bgp", 179),
    ("ldap", 389),
    ("https", 443),
    ("microsoft-ds", 445),
    ("syslog", 514),
    ("submission", 587),
    ("ldaps", 636),
    ("rsync", 873),
    ("imaps", 993),
    ("pop3s", 995),
    ("openvpn", 1194),
    ("mysql", 3306),
    ("postgresql", 5432),
    ("http-alt", 8080),
];

const CT_STATES: &[(&str, u64)] = &[
    ("invalid", 1),
    ("established", 2),
    ("related", 4),
    ("new", 8),
    ("untracked", 64),
];

const CT_DIRS: &[(&str, u64)] = &[("original", 0), ("reply", 1)];

const CT_STATUS: &[(&str, u64)] = &[
    ("expected", 1),
    ("seen-reply", 2),
    ("assured", 4),
    ("confirmed", 8),
    ("snat", 16),
    ("dnat", 32),
    ("dying", 512),
];

const FIB_ADDRTYPES: &[(&str, u64)] = &[
    ("unspec", 0),
    ("unicast", 1),
    ("local", 2),
    ("broadcast", 3),
    ("anycast", 4),
    ("multicast", 5),
    ("blackhole", 6),
    ("unreachable", 7),
    ("prohibit", 8),
    ("throw", 9),
    ("nat", 10),
    ("xresolve", 11),
];

const NFPROTOS: &[(&str, u64)] = &[("ipv4", 2), ("ipv6", 10)];

const PKTTYPES: &[(&str, u64)] = &[
    ("host", 0),
    ("unicast", 0),
    ("broadcast", 1),
    ("multicast", 2),
    ("other", 3),
];

const ETHER_TYPES: &[(&str, u64)] = &[
    ("ip", 0x0800),
    ("arp", 0x0806),
    ("ip6", 0x86dd),
    ("8021q", 0x8100),
    ("vlan", 0x8100),
    ("8021ad", 0x88a8),
];

const ICMP_TYPES: &[(&str, u64)] = &[
    ("echo-reply", 0),
    ("destination-unreachable", 3),
    ("source-quench", 4),
    ("redirect", 5),
    ("echo-request", 8),
    ("router-advertisement", 9),
    ("router-solicitation", 10),
    ("time-exceeded", 11),
    ("parameter-problem", 12),
    ("timestamp-request", 13),
    ("timestamp-reply", 14),
    ("info-request", 15),
    ("info-reply", 16),
    ("address-mask-request", 17),
    ("address-mask-reply", 18),
];

const ICMPV6_TYPES: &[(&str, u64)] = &[
    ("destination-unreachable", 1),
    ("packet-too-big", 2),
    ("time-exceeded", 3),
    ("parameter-problem", 4),
    ("echo-request", 128),
    ("echo-reply", 129),
    ("mld-listener-query", 130),
    ("mld-listener-report", 131),
    ("mld-listener-done", 132),
    ("mld-listener-reduction", 132),
    ("nd-router-solicit", 133),
    ("nd-router-advert", 134),
    ("nd-neighbor-solicit", 135),
    ("nd-neighbor-advert", 136),
    ("nd-redirect", 137),
    ("router-renumbering", 138),
    ("ind-neighbor-solicit", 141),
    ("ind-neighbor-advert", 142),
    ("mld2-listener-report", 143),
];

const TCP_FLAGS: &[(&str, u64)] = &[
    ("fin", 0x01),
    ("syn", 0x02),
    ("rst", 0x04),
    ("psh", 0x08),
    ("ack", 0x10),
    ("urg", 0x20),
    ("ecn", 0x40),
    ("cwr", 0x80),
];

const BOOLEANS: &[(&str, u64)] = &[("exists", 1), ("missing", 0), ("true", 1), ("false", 0)];

const ARP_OPS: &[(&str, u64)] = &[
    ("request", 1),
    ("reply", 2),
    ("rrequest", 3),
    ("rreply", 4),
    ("inrequest", 8),
    ("inreply", 9),
    ("nak", 10),
];

const DCCP_TYPES: &[(&str, u64)] = &[
    ("request", 0),
    ("response", 1),
    ("data", 2),
    ("ack", 3),
    ("dataack", 4),
    ("closereq", 5),
    ("close", 6),
    ("reset", 7),
    ("sync", 8),
    ("syncack", 9),
];

const IGMP_TYPES: &[(&str, u64)] = &[
    ("membership-query", 0x11),
    ("membership-report-v1", 0x12),
    ("membership-report-v2", 0x16),
    ("membership-report-v3", 0x22),
    ("leave-group", 0x17),
];

const DSCPS: &[(&str, u64)] = &[
    ("cs0", 0),
    ("cs1", 8),
    ("af11", 10),
    ("af12", 12),
    ("af13", 14),
    ("cs2", 16),
    ("af21", 18),
    ("af22", 20),
    ("af23", 22),
    ("cs3", 24),
    ("af31", 26),
    ("af32", 28),
    ("af33", 30),
    ("cs4", 32),
    ("af41", 34),
    ("af42", 36),
    ("af43", 38),
    ("cs5", 40),
    ("va", 44),
    ("ef", 46),
    ("cs6", 48),
    ("cs7", 56),
];

const ARPHRDS: &[(&str, u64)] = &[
    ("ether", 1),
    ("ppp", 512),
    ("ipip", 768),
    ("ipip6", 769),
    ("loopback", 772),
    ("sit", 776),
    ("ipgre", 778),
];

const ECNS: &[(&str, u64)] = &[("not-ect", 0), ("ect1", 1), ("ect0", 2), ("ce", 3)];

pub const ICMP_CODES: &[(&str, u64)] = &[
    ("net-unreachable", 0),
    ("host-unreachable", 1),
    ("prot-unreachable", 2),
    ("port-unreachable", 3),
    ("frag-needed", 4),
    ("net-prohibited", 9),
    ("host-prohibited", 10),
    ("admin-prohibited", 13),
];

pub const ICMPV6_CODES: &[(&str, u64)] = &[
    ("no-route", 0),
    ("admin-prohibited", 1),
    ("addr-unreachable", 3),
    ("port-unreachable", 4),
    ("policy-fail", 5),
    ("reject-route", 6),
];

pub const ICMPX_CODES: &[(&str, u64)] = &[
    ("port-unreachable", 1),
    ("admin-prohibited", 3),
    ("no-route", 0),
    ("host-unreachable", 2),
];

fn desc(t: Datatype) -> &'static str {
    match t {
        Datatype::CtState => "conntrack state",
        Datatype::CtDir => "conntrack direction",
        Datatype::CtStatus => "conntrack status",
        Datatype::FibAddr => "fib address type",
        Datatype::Nfproto => "netfilter protocol",
        Datatype::PktType => "packet type",
        Datatype::IcmpCode => "icmp code",
        Datatype::Icmpv6Code => "icmpv6 code",
        Datatype::IcmpxCode => "icmpx code",
        Datatype::Mark => "packet mark",
        Datatype::InetService => "internet network service",
        Datatype::InetProto => "Internet protocol",
        Datatype::Ipv4Addr => "IPv4 address",
        Datatype::Ipv6Addr => "IPv6 address",
        Datatype::EtherType => "Ethernet protocol",
        Datatype::IcmpType => "ICMP type",
        Datatype::Icmp6Type => "ICMPv6 type",
        Datatype::TcpFlag => "TCP flag",
        Datatype::Boolean => "boolean type",
        Datatype::ArpOp => "ARP operation",
        Datatype::EtherAddr => "Ethernet address",
        _ => "integer",
    }
}

fn table_of(t: Datatype) -> Option<&'static [(&'static str, u64)]> {
    Some(match t {
        Datatype::CtState => CT_STATES,
        Datatype::CtDir => CT_DIRS,
        Datatype::CtStatus => CT_STATUS,
        Datatype::FibAddr => FIB_ADDRTYPES,
        Datatype::Nfproto => NFPROTOS,
        Datatype::PktType => PKTTYPES,
        Datatype::IcmpCode => ICMP_CODES,
        Datatype::Icmpv6Code => ICMPV6_CODES,
        Datatype::IcmpxCode => ICMPX_CODES,
        Datatype::EtherType => ETHER_TYPES,
        Datatype::IcmpType => ICMP_TYPES,
        Datatype::Icmp6Type => ICMPV6_TYPES,
        Datatype::TcpFlag => TCP_FLAGS,
        Datatype::Boolean => BOOLEANS,
        Datatype::ArpOp => ARP_OPS,
        Datatype::DccpPktType => DCCP_TYPES,
        Datatype::IgmpType => IGMP_TYPES,
        Datatype::Dscp => DSCPS,
        Datatype::Ecn => ECNS,
        Datatype::ArpHrd => ARPHRDS,
        _ => return None,
    })
}

/// The largest value `bits` can hold.
fn max_of(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

fn number(t: Datatype, bits: u32, n: u64, span: Span) -> Result<Value, ErrorRecord> {
    if n > max_of(bits) {
        return Err(ErrorRecord::new(
            span,
            format!("Value {n} exceeds valid range 0-{}", max_of(bits)),
        ));
    }
    Ok(Value::num(t, bits, n))
}

/// Resolve a literal as a value of type `t` (`bits` wide).
pub fn resolve(lit: &Literal, t: Datatype, bits: u32, span: Span) -> Result<Value, ErrorRecord> {
    match (t, lit) {
        (Datatype::Ipv4Addr, Literal::Ipv4(a)) => Ok(Value {
            dtype: t,
            bits: 32,
            data: a.octets().to_vec(),
        }),
        (Datatype::Ipv6Addr, Literal::Ipv6(a)) => Ok(Value {
            dtype: t,
            bits: 128,
            data: a.octets().to_vec(),
        }),
        // Numbers stand for addresses in masks (`ip saddr & 0xff == 1`).
        (Datatype::Ipv4Addr, Literal::Number(n)) if *n <= u32::MAX as u64 => {
            Ok(Value::num(t, 32, *n))
        }
        (Datatype::Ipv4Addr | Datatype::Ipv6Addr, Literal::Ident(_) | Literal::Str(_)) => {
            Err(ErrorRecord::new(
                span,
                "Could not resolve hostname: Name or service not known",
            ))
        }
        (Datatype::Ipv4Addr, _) => Err(ErrorRecord::new(
            span,
            "Could not resolve hostname: Address family for hostname not supported",
        )),
        (Datatype::Ipv6Addr, _) => Err(ErrorRecord::new(
            span,
            "Could not resolve hostname: Address family for hostname not supported",
        )),
        (Datatype::EtherAddr | Datatype::LlAddr, Literal::Ident(s)) => {
            let parts: Vec<&str> = s.split(':').collect();
            let bytes: Option<Vec<u8>> = parts
                .iter()
                .map(|p| {
                    if p.is_empty() || p.len() > 2 {
                        None
                    } else {
                        u8::from_str_radix(p, 16).ok()
                    }
                })
                .collect();
            match bytes {
                Some(b) if t == Datatype::LlAddr || b.len() == 6 => Ok(Value {
                    dtype: t,
                    bits: b.len() as u32 * 8,
                    data: b,
                }),
                _ => Err(ErrorRecord::new(
                    span,
                    format!("Could not parse {}", desc(t)),
                )),
            }
        }
        (Datatype::IfIndex, Literal::Ident(s) | Literal::Str(s)) => match ifindex(s) {
            Some(i) => Ok(Value::num(t, bits, i as u64)),
            None => Err(ErrorRecord::new(
                span,
                format!("Interface does not exist: {s}"),
            )),
        },
        (Datatype::InetProto, Literal::Ident(s) | Literal::Str(s)) => {
            match PROTOCOLS.iter().find(|(n, _)| n == s) {
                Some((_, v)) => Ok(Value::num(t, bits, *v)),
                None => Err(ErrorRecord::new(span, "Could not resolve protocol name")),
            }
        }
        (Datatype::InetService, Literal::Ident(s) | Literal::Str(s)) => {
            match SERVICES.iter().find(|(n, _)| n == s) {
                Some((_, v)) => Ok(Value::num(t, bits, *v)),
                None => Err(ErrorRecord::new(
                    span,
                    "Could not resolve service: Servname not supported for ai_socktype",
                )),
            }
        }
        (Datatype::IfName | Datatype::String, Literal::Str(s)) if s.is_empty() => {
            Err(ErrorRecord::new(span, "Empty string is not allowed"))
        }
        // A conntrack label is a bit number.
        (Datatype::CtLabel, Literal::Number(n)) if *n < 128 => {
            let mut data = vec![0u8; 16];
            data[15 - (*n as usize / 8)] = 1 << (n % 8);
            Ok(Value {
                dtype: t,
                bits: 128,
                data,
            })
        }
        (Datatype::CtLabel, Literal::Number(_)) => Err(ErrorRecord::new(
            span,
            "Could not parse conntrack label: out of range",
        )),
        (Datatype::Time, Literal::Number(n)) => number(t, bits, n.saturating_mul(1000), span),
        (Datatype::Time, Literal::Ident(s) | Literal::Str(s)) => {
            match crate::syntax::parse_time(s) {
                Some(ms) => number(t, bits, ms, span),
                None => Err(ErrorRecord::new(
                    span,
                    format!("Wrong time format, expecting ms, s, m, h or d: {s}"),
                )),
            }
        }
        (Datatype::IfName | Datatype::String, Literal::Ident(s) | Literal::Str(s)) => {
            // `\*` is a literal asterisk, not a wildcard.
            let mut data = s.replace("\\*", "*").into_bytes();
            if data.len() >= 16 {
                return Err(ErrorRecord::new(
                    span,
                    "String exceeds maximum length of 16",
                ));
            }
            // Exact names compare the whole field (IFNAMSIZ for ifname), NUL-padded.
            data.resize(((bits / 8) as usize).max(data.len() + 1), 0);
            Ok(Value {
                dtype: t,
                bits: data.len() as u32 * 8,
                data,
            })
        }
        (Datatype::InetService, Literal::Number(n)) if *n > 65535 => {
            Err(ErrorRecord::new(span, "Service out of range"))
        }
        (_, Literal::Number(n)) => number(t, bits, *n, span),
        (_, Literal::Ident(s)) => {
            match table_of(t).and_then(|tb| tb.iter().find(|(n, _)| n == s)) {
                Some((_, v)) => Ok(Value::num(t, bits, *v)),
                None => Err(ErrorRecord::new(
                    span,
                    format!("Could not parse {}", desc(t)),
                )),
            }
        }
        _ => Err(ErrorRecord::new(
            span,
            format!("Could not parse {}", desc(t)),
        )),
    }
}

/// Whether values of the type are flag sets (bitmask base type: `ct state new,established`).
pub fn is_bitmask(t: Datatype) -> bool {
    matches!(
        t,
        Datatype::CtState
            | Datatype::CtStatus
            | Datatype::TcpFlag
            | Datatype::CtEventBit
            | Datatype::CtLabel
    )
}

/// The code value of a reject code symbol.
pub fn code_value(table: &[(&str, u64)], name: &str) -> Option<u8> {
    table
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v as u8)
}

/// if_nametoindex(3): the index of a network interface in the current namespace.
fn ifindex(name: &str) -> Option<u32> {
    let c = std::ffi::CString::new(name).ok()?;
    // SAFETY: `c` is a valid NUL-terminated string for the duration of the call.
    let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
    (i != 0).then_some(i)
}
