// SPDX-License-Identifier: Apache-2.0
//! Datatypes (datatype.h `enum datatypes`): the type every constant, set key and map value has.
//! The numbers are nftables' own (they are stored in set userdata and NFTA_SET_KEY_TYPE, and
//! concatenations pack them 6 bits per part), so they must not change.

/// How a value of the type sits in a kernel register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Network order (addresses, ports).
    Big,
    /// Host order (marks, meta/ct keys).
    Host,
}

/// A datatype, by nftables' `TYPE_*` number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Datatype {
    Invalid,
    Verdict,
    Nfproto,
    Bitmask,
    Integer,
    String,
    LlAddr,
    Ipv4Addr,
    Ipv6Addr,
    EtherAddr,
    EtherType,
    ArpOp,
    InetProto,
    InetService,
    IcmpType,
    TcpFlag,
    DccpPktType,
    MhType,
    Time,
    Mark,
    IfIndex,
    ArpHrd,
    Realm,
    ClassId,
    Uid,
    Gid,
    CtState,
    CtDir,
    CtStatus,
    Icmp6Type,
    CtLabel,
    PktType,
    IcmpCode,
    Icmpv6Code,
    IcmpxCode,
    DevGroup,
    Dscp,
    Ecn,
    FibAddr,
    Boolean,
    CtEventBit,
    IfName,
    IgmpType,
    TimeDate,
    TimeHour,
    TimeDay,
    CgroupV2,
    /// A type number kroot does not know (kept for printing what the kernel holds).
    Other(u32),
}

use Datatype::*;

/// (type, number, name, size in bits (0 = variable), byte order)
const TABLE: &[(Datatype, u32, &str, u32, ByteOrder)] = &[
    (Invalid, 0, "invalid", 0, ByteOrder::Host),
    (Verdict, 1, "verdict", 0, ByteOrder::Host),
    (Nfproto, 2, "nf_proto", 8, ByteOrder::Host),
    (Bitmask, 3, "bitmask", 0, ByteOrder::Host),
    (Integer, 4, "integer", 0, ByteOrder::Host),
    (String, 5, "string", 0, ByteOrder::Host),
    (LlAddr, 6, "ll_addr", 0, ByteOrder::Big),
    (Ipv4Addr, 7, "ipv4_addr", 32, ByteOrder::Big),
    (Ipv6Addr, 8, "ipv6_addr", 128, ByteOrder::Big),
    (EtherAddr, 9, "ether_addr", 48, ByteOrder::Big),
    (EtherType, 10, "ether_type", 16, ByteOrder::Big),
    (ArpOp, 11, "arp_op", 16, ByteOrder::Big),
    (InetProto, 12, "inet_proto", 8, ByteOrder::Big),
    (InetService, 13, "inet_service", 16, ByteOrder::Big),
    (IcmpType, 14, "icmp_type", 8, ByteOrder::Big),
    (TcpFlag, 15, "tcp_flag", 8, ByteOrder::Big),
    (DccpPktType, 16, "dccp_pkttype", 4, ByteOrder::Big),
    (MhType, 17, "mh_type", 8, ByteOrder::Big),
    (Time, 18, "time", 64, ByteOrder::Host),
    (Mark, 19, "mark", 32, ByteOrder::Host),
    (IfIndex, 20, "iface_index", 32, ByteOrder::Host),
    (ArpHrd, 21, "iface_type", 16, ByteOrder::Host),
    (Realm, 22, "realm", 32, ByteOrder::Host),
    (ClassId, 23, "classid", 32, ByteOrder::Host),
    (Uid, 24, "uid", 32, ByteOrder::Host),
    (Gid, 25, "gid", 32, ByteOrder::Host),
    (CtState, 26, "ct_state", 32, ByteOrder::Host),
    (CtDir, 27, "ct_dir", 8, ByteOrder::Host),
    (CtStatus, 28, "ct_status", 32, ByteOrder::Host),
    (Icmp6Type, 29, "icmpv6_type", 8, ByteOrder::Big),
    (CtLabel, 30, "ct_label", 128, ByteOrder::Host),
    (PktType, 31, "pkt_type", 8, ByteOrder::Host),
    (IcmpCode, 32, "icmp_code", 8, ByteOrder::Big),
    (Icmpv6Code, 33, "icmpv6_code", 8, ByteOrder::Big),
    (IcmpxCode, 34, "icmpx_code", 8, ByteOrder::Big),
    (DevGroup, 35, "devgroup", 32, ByteOrder::Host),
    (Dscp, 36, "dscp", 6, ByteOrder::Big),
    (Ecn, 37, "ecn", 2, ByteOrder::Big),
    (FibAddr, 38, "fib_addrtype", 32, ByteOrder::Host),
    (Boolean, 39, "boolean", 1, ByteOrder::Host),
    (CtEventBit, 40, "ct_event", 32, ByteOrder::Host),
    (IfName, 41, "ifname", 128, ByteOrder::Host),
    (IgmpType, 42, "igmp_type", 8, ByteOrder::Big),
    (TimeDate, 43, "time", 64, ByteOrder::Host),
    (TimeHour, 44, "hour", 32, ByteOrder::Host),
    (TimeDay, 45, "day", 8, ByteOrder::Host),
    (CgroupV2, 46, "cgroupsv2", 64, ByteOrder::Host),
];

impl Datatype {
    fn row(self) -> Option<&'static (Datatype, u32, &'static str, u32, ByteOrder)> {
        TABLE.iter().find(|r| r.0 == self)
    }

    /// nftables' type number.
    pub fn id(self) -> u32 {
        match self {
            Other(n) => n,
            t => t.row().map(|r| r.1).unwrap_or(0),
        }
    }

    pub fn from_id(id: u32) -> Datatype {
        TABLE
            .iter()
            .find(|r| r.1 == id)
            .map(|r| r.0)
            .unwrap_or(Other(id))
    }

    /// The name used in `type …` declarations and listings.
    pub fn name(self) -> &'static str {
        self.row().map(|r| r.2).unwrap_or("invalid")
    }

    /// Look a type up by the name written after `type` (only the ones usable in set declarations).
    pub fn from_name(name: &str) -> Option<Datatype> {
        match name {
            // `time` in a declaration is the relative time type (18), not the date (43).
            "time" => return Some(Time),
            "day" => return Some(TimeDay),
            "hour" => return Some(TimeHour),
            _ => {}
        }
        TABLE
            .iter()
            .find(|r| r.2 == name && !matches!(r.0, Invalid | Bitmask))
            .map(|r| r.0)
    }

    /// Width in bits; 0 for variable-sized types (integer, string, verdict).
    pub fn bits(self) -> u32 {
        self.row().map(|r| r.3).unwrap_or(0)
    }

    /// Width in bytes as the kernel stores a set key part (rounded up).
    pub fn bytes(self) -> u32 {
        self.bits().div_ceil(8)
    }

    pub fn byteorder(self) -> ByteOrder {
        self.row().map(|r| r.4).unwrap_or(ByteOrder::Host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_round_trip() {
        for r in TABLE {
            assert_eq!(Datatype::from_id(r.1), r.0);
        }
        assert_eq!(Datatype::from_name("ipv4_addr"), Some(Ipv4Addr));
        assert_eq!(
            Datatype::from_name("inet_service").map(Datatype::id),
            Some(13)
        );
        assert_eq!(Datatype::from_name("mark").map(Datatype::bits), Some(32));
        assert_eq!(Datatype::from_id(99), Other(99));
    }
}
