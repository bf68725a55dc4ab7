// SPDX-License-Identifier: Apache-2.0
//! Protocol knowledge as data (proto.c templates, meta.c `meta_templates[]`, ct.c `ct_templates[]`):
//! header fields with their offsets, lengths and datatypes, and the meta/ct keys. Both directions
//! use these tables: eval/linearize look fields up by name, delinearize by (base, offset, len).

use super::datatype::Datatype;
use Datatype as D;

/// Payload base (NFT_PAYLOAD_*_HEADER).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Base {
    Link = 0,
    Network = 1,
    Transport = 2,
    Inner = 3,
}

/// A protocol header nft knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proto {
    Ether,
    Ip,
    Ip6,
    Icmp,
    Icmpv6,
    Tcp,
    Udp,
    Sctp,
    /// `th`: the transport header without naming its protocol (ports only).
    Th,
    Esp,
    Ah,
    Comp,
    Udplite,
    Dccp,
    Igmp,
    Arp,
    /// 802.1Q: its fields' offsets count from the link-layer header (it follows Ethernet).
    Vlan,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Ether => "ether",
            Proto::Ip => "ip",
            Proto::Ip6 => "ip6",
            Proto::Icmp => "icmp",
            Proto::Icmpv6 => "icmpv6",
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Sctp => "sctp",
            Proto::Th => "th",
            Proto::Esp => "esp",
            Proto::Ah => "ah",
            Proto::Comp => "comp",
            Proto::Udplite => "udplite",
            Proto::Dccp => "dccp",
            Proto::Igmp => "igmp",
            Proto::Arp => "arp",
            Proto::Vlan => "vlan",
        }
    }

    /// The protocol a header keyword names (only protocols with fields).
    pub fn from_name(s: &str) -> Option<Proto> {
        // Asked for every word that starts an expression: a match, not a scan of FIELDS.
        let p = match s {
            "ether" => Proto::Ether,
            "ip" => Proto::Ip,
            "ip6" => Proto::Ip6,
            "icmp" => Proto::Icmp,
            "icmpv6" => Proto::Icmpv6,
            "tcp" => Proto::Tcp,
            "udp" => Proto::Udp,
            "sctp" => Proto::Sctp,
            "th" => Proto::Th,
            "esp" => Proto::Esp,
            "ah" => Proto::Ah,
            "comp" => Proto::Comp,
            "udplite" => Proto::Udplite,
            "dccp" => Proto::Dccp,
            "igmp" => Proto::Igmp,
            "arp" => Proto::Arp,
            "vlan" => Proto::Vlan,
            _ => return None,
        };
        FIELDS.iter().any(|f| f.proto == p).then_some(p)
    }

    pub fn base(self) -> Base {
        match self {
            Proto::Ether | Proto::Vlan => Base::Link,
            Proto::Ip | Proto::Ip6 | Proto::Arp => Base::Network,
            _ => Base::Transport,
        }
    }

    /// The IP protocol number this transport header implies (`meta l4proto N` dependency).
    pub fn l4proto(self) -> Option<u8> {
        match self {
            Proto::Icmp => Some(1),
            Proto::Igmp => Some(2),
            Proto::Tcp => Some(6),
            Proto::Dccp => Some(33),
            Proto::Esp => Some(50),
            Proto::Ah => Some(51),
            Proto::Comp => Some(108),
            Proto::Udplite => Some(136),
            Proto::Udp => Some(17),
            Proto::Icmpv6 => Some(58),
            Proto::Sctp => Some(132),
            _ => None,
        }
    }
}

/// One header field: `ip saddr` is (Ip, "saddr", 96, 32, ipv4_addr).
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    pub proto: Proto,
    pub name: &'static str,
    /// Offset and length in bits from the start of the header.
    pub offset: u32,
    pub len: u32,
    pub dtype: Datatype,
}

macro_rules! f {
    ($p:ident, $n:literal, $o:literal, $l:literal, $t:ident) => {
        Field {
            proto: Proto::$p,
            name: $n,
            offset: $o,
            len: $l,
            dtype: D::$t,
        }
    };
}

pub static FIELDS: &[Field] = &[
    f!(Ether, "daddr", 0, 48, EtherAddr),
    f!(Ether, "saddr", 48, 48, EtherAddr),
    f!(Ether, "type", 96, 16, EtherType),
    f!(Ip, "version", 0, 4, Integer),
    f!(Ip, "hdrlength", 4, 4, Integer),
    f!(Ip, "dscp", 8, 6, Dscp),
    f!(Ip, "ecn", 14, 2, Ecn),
    f!(Ip, "length", 16, 16, Integer),
    f!(Ip, "id", 32, 16, Integer),
    f!(Ip, "frag-off", 48, 16, Integer),
    f!(Ip, "ttl", 64, 8, Integer),
    f!(Ip, "protocol", 72, 8, InetProto),
    f!(Ip, "checksum", 80, 16, Integer),
    f!(Ip, "saddr", 96, 32, Ipv4Addr),
    f!(Ip, "daddr", 128, 32, Ipv4Addr),
    f!(Ip6, "version", 0, 4, Integer),
    f!(Ip6, "dscp", 4, 6, Dscp),
    f!(Ip6, "ecn", 10, 2, Ecn),
    f!(Ip6, "flowlabel", 12, 20, Integer),
    f!(Ip6, "length", 32, 16, Integer),
    f!(Ip6, "nexthdr", 48, 8, InetProto),
    f!(Ip6, "hoplimit", 56, 8, Integer),
    f!(Ip6, "saddr", 64, 128, Ipv6Addr),
    f!(Ip6, "daddr", 192, 128, Ipv6Addr),
    f!(Icmp, "type", 0, 8, IcmpType),
    f!(Icmp, "code", 8, 8, IcmpCode),
    f!(Icmp, "checksum", 16, 16, Integer),
    f!(Icmp, "id", 32, 16, Integer),
    f!(Icmp, "sequence", 48, 16, Integer),
    f!(Icmp, "gateway", 32, 32, Integer),
    f!(Icmp, "mtu", 48, 16, Integer),
    f!(Icmpv6, "type", 0, 8, Icmp6Type),
    f!(Icmpv6, "code", 8, 8, Icmpv6Code),
    f!(Icmpv6, "checksum", 16, 16, Integer),
    f!(Icmpv6, "parameter-problem", 32, 32, Integer),
    f!(Icmpv6, "mtu", 32, 32, Integer),
    f!(Icmpv6, "id", 32, 16, Integer),
    f!(Icmpv6, "sequence", 48, 16, Integer),
    f!(Icmpv6, "max-delay", 32, 16, Integer),
    f!(Tcp, "sport", 0, 16, InetService),
    f!(Tcp, "dport", 16, 16, InetService),
    f!(Tcp, "sequence", 32, 32, Integer),
    f!(Tcp, "ackseq", 64, 32, Integer),
    f!(Tcp, "doff", 96, 4, Integer),
    f!(Tcp, "reserved", 100, 4, Integer),
    f!(Tcp, "flags", 104, 8, TcpFlag),
    f!(Tcp, "window", 112, 16, Integer),
    f!(Tcp, "checksum", 128, 16, Integer),
    f!(Tcp, "urgptr", 144, 16, Integer),
    f!(Udp, "sport", 0, 16, InetService),
    f!(Udp, "dport", 16, 16, InetService),
    f!(Udp, "length", 32, 16, Integer),
    f!(Udp, "checksum", 48, 16, Integer),
    f!(Sctp, "sport", 0, 16, InetService),
    f!(Sctp, "dport", 16, 16, InetService),
    f!(Sctp, "vtag", 32, 32, Integer),
    f!(Sctp, "checksum", 64, 32, Integer),
    f!(Th, "sport", 0, 16, InetService),
    f!(Th, "dport", 16, 16, InetService),
    f!(Esp, "spi", 0, 32, Integer),
    f!(Esp, "sequence", 32, 32, Integer),
    f!(Ah, "nexthdr", 0, 8, InetProto),
    f!(Ah, "hdrlength", 8, 8, Integer),
    f!(Ah, "reserved", 16, 16, Integer),
    f!(Ah, "spi", 32, 32, Integer),
    f!(Ah, "sequence", 64, 32, Integer),
    f!(Comp, "nexthdr", 0, 8, InetProto),
    f!(Comp, "flags", 8, 8, Bitmask),
    f!(Comp, "cpi", 16, 16, Integer),
    f!(Udplite, "sport", 0, 16, InetService),
    f!(Udplite, "dport", 16, 16, InetService),
    f!(Udplite, "csumcov", 32, 16, Integer),
    f!(Udplite, "checksum", 48, 16, Integer),
    f!(Dccp, "sport", 0, 16, InetService),
    f!(Dccp, "dport", 16, 16, InetService),
    f!(Dccp, "type", 67, 4, DccpPktType),
    f!(Igmp, "type", 0, 8, IgmpType),
    f!(Igmp, "mrt", 8, 8, Integer),
    f!(Igmp, "checksum", 16, 16, Integer),
    f!(Igmp, "group", 32, 32, Ipv4Addr),
    // vlan: 14 bytes into the link-layer header.
    f!(Vlan, "pcp", 112, 3, Integer),
    f!(Vlan, "dei", 115, 1, Integer),
    f!(Vlan, "cfi", 115, 1, Integer),
    f!(Vlan, "id", 116, 12, Integer),
    f!(Vlan, "type", 128, 16, EtherType),
    f!(Arp, "htype", 0, 16, Integer),
    f!(Arp, "ptype", 16, 16, EtherType),
    f!(Arp, "hlen", 32, 8, Integer),
    f!(Arp, "plen", 40, 8, Integer),
    f!(Arp, "operation", 48, 16, ArpOp),
    f!(Arp, "saddr ether", 64, 48, EtherAddr),
    f!(Arp, "saddr ip", 112, 32, Ipv4Addr),
    f!(Arp, "daddr ether", 144, 48, EtherAddr),
    f!(Arp, "daddr ip", 192, 32, Ipv4Addr),
];

/// `proto field`, e.g. `field(Proto::Ip, "saddr")`.
pub fn field(proto: Proto, name: &str) -> Option<&'static Field> {
    fields_of(proto)
        .iter()
        .find(|f| f.proto == proto && f.name == name)
}

/// The fields of one protocol (parsing asks several times per rule: a scan of its own
/// entries, not of the whole table).
fn fields_of(proto: Proto) -> &'static [Field] {
    static GROUPS: std::sync::OnceLock<[(usize, usize); PROTOS]> = std::sync::OnceLock::new();
    let groups = GROUPS.get_or_init(|| {
        let mut g = [(0, 0); PROTOS];
        // From a protocol's first entry to its last (lookups still check the protocol, so
        // the table need not keep a protocol's entries together).
        for (i, f) in FIELDS.iter().enumerate() {
            if let Some(e) = g.get_mut(f.proto as usize) {
                if e.1 == 0 {
                    e.0 = i;
                }
                e.1 = i + 1;
            }
        }
        g
    });
    match groups.get(proto as usize) {
        Some(&(lo, hi)) => FIELDS.get(lo..hi).unwrap_or(&[]),
        None => FIELDS,
    }
}

/// Room for every [`Proto`] (one more than the last variant's number; any other falls
/// back to the whole table).
const PROTOS: usize = Proto::Vlan as usize + 1;

/// A two-word field (`arp saddr ip` is `field2(Proto::Arp, "saddr", "ip")`), without
/// building the `"saddr ip"` string.
pub fn field2(proto: Proto, a: &str, b: &str) -> Option<&'static Field> {
    fields_of(proto).iter().find(|f| {
        f.proto == proto
            && f.name.len() == a.len() + 1 + b.len()
            && f.name.starts_with(a)
            && f.name.as_bytes()[a.len()] == b' '
            && f.name.ends_with(b)
    })
}

/// A meta key (NFT_META_*).
#[derive(Debug, PartialEq, Eq)]
pub struct MetaKey {
    pub name: &'static str,
    pub key: u32,
    pub dtype: Datatype,
    /// Register width in bits.
    pub len: u32,
}

macro_rules! m {
    ($n:literal, $k:literal, $t:ident, $l:literal) => {
        MetaKey {
            name: $n,
            key: $k,
            dtype: D::$t,
            len: $l,
        }
    };
}

pub static META_KEYS: &[MetaKey] = &[
    m!("length", 0, Integer, 32),
    m!("protocol", 1, EtherType, 16),
    m!("priority", 2, ClassId, 32),
    m!("mark", 3, Mark, 32),
    m!("iif", 4, IfIndex, 32),
    m!("oif", 5, IfIndex, 32),
    m!("iifname", 6, IfName, 128),
    m!("oifname", 7, IfName, 128),
    m!("iiftype", 8, ArpHrd, 16),
    m!("oiftype", 9, ArpHrd, 16),
    m!("skuid", 10, Uid, 32),
    m!("skgid", 11, Gid, 32),
    m!("nftrace", 12, Integer, 1),
    m!("rtclassid", 13, Realm, 32),
    m!("secmark", 14, Integer, 32),
    m!("nfproto", 15, Nfproto, 8),
    m!("l4proto", 16, InetProto, 8),
    m!("ibrname", 17, IfName, 128),
    m!("obrname", 18, IfName, 128),
    m!("pkttype", 19, PktType, 8),
    m!("cpu", 20, Integer, 32),
    m!("iifgroup", 21, DevGroup, 32),
    m!("oifgroup", 22, DevGroup, 32),
    m!("cgroup", 23, Integer, 32),
    m!("random", 24, Integer, 32),
];

pub fn meta_key(name: &str) -> Option<&'static MetaKey> {
    META_KEYS.iter().find(|m| m.name == name)
}

pub fn meta_key_by_id(key: u32) -> Option<&'static MetaKey> {
    META_KEYS.iter().find(|m| m.key == key)
}

/// A conntrack key (NFT_CT_*). `len` 0 means "depends on the family" (addresses).
#[derive(Debug, PartialEq, Eq)]
pub struct CtKey {
    pub name: &'static str,
    pub key: u32,
    pub dtype: Datatype,
    pub len: u32,
}

macro_rules! c {
    ($n:literal, $k:literal, $t:ident, $l:literal) => {
        CtKey {
            name: $n,
            key: $k,
            dtype: D::$t,
            len: $l,
        }
    };
}

pub static CT_KEYS: &[CtKey] = &[
    c!("state", 0, CtState, 32),
    c!("direction", 1, CtDir, 8),
    c!("status", 2, CtStatus, 32),
    c!("mark", 3, Mark, 32),
    c!("secmark", 4, Integer, 32),
    c!("expiration", 5, Time, 32),
    c!("helper", 6, String, 128),
    c!("l3proto", 7, Nfproto, 8),
    c!("saddr", 8, Invalid, 0),
    c!("daddr", 9, Invalid, 0),
    c!("protocol", 10, InetProto, 8),
    c!("proto-src", 11, InetService, 16),
    c!("proto-dst", 12, InetService, 16),
    c!("label", 13, CtLabel, 128),
    c!("packets", 14, Integer, 64),
    c!("bytes", 15, Integer, 64),
    c!("avgpkt", 16, Integer, 64),
    c!("zone", 17, Integer, 16),
    c!("event", 18, CtEventBit, 32),
    c!("id", 23, Integer, 32),
    c!("ip saddr", 19, Ipv4Addr, 32),
    c!("ip daddr", 20, Ipv4Addr, 32),
    c!("ip6 saddr", 21, Ipv6Addr, 128),
    c!("ip6 daddr", 22, Ipv6Addr, 128),
];

pub fn ct_key(name: &str) -> Option<&'static CtKey> {
    CT_KEYS.iter().find(|c| c.name == name)
}

pub fn ct_key_by_id(key: u32) -> Option<&'static CtKey> {
    CT_KEYS.iter().find(|c| c.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_agree_with_the_field_table() {
        for f in FIELDS {
            let first = FIELDS
                .iter()
                .find(|g| g.proto == f.proto && g.name == f.name);
            assert_eq!(field(f.proto, f.name), first);
            assert_eq!(Proto::from_name(f.proto.name()), Some(f.proto));
            if let Some((a, b)) = f.name.split_once(' ') {
                assert_eq!(field2(f.proto, a, b), Some(f));
            }
        }
        for w in ["meta", "ct", "kube-proxy", "", "IP", "ip6x"] {
            assert_eq!(Proto::from_name(w), None);
        }
        assert_eq!(field2(Proto::Arp, "saddr", "ipx"), None);
        assert_eq!(field2(Proto::Ip, "saddr", "ip"), None);
    }
}
