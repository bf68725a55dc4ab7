// SPDX-License-Identifier: Apache-2.0
//! Decode stage of `ip addr`: an RTM_NEWADDR/DELADDR answer as
//! netlink-packet-route's `AddressHeader` and typed `AddressAttribute`s
//! (everything `print_addrinfo` prints is carried by the typed forms:
//! addresses, label, flags, metric, cacheinfo).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::{NlasIterator, Parseable};
use netlink_packet_route::address::{AddressAttribute, AddressHeader, CacheInfo};

use crate::util::{fmt_ipv4, fmt_ipv6};

/// A decoded ifaddrmsg with the attributes iproute2 looks at (`tb[IFA_*]`:
/// the last of each kind wins, as in `parse_rtattr`).
pub struct Ifa {
    pub family: u8,
    pub prefixlen: u8,
    pub flags: u8,
    pub scope: u8,
    pub index: u32,
    pub address: Option<IpAddr>,
    pub local_attr: Option<IpAddr>,
    pub broadcast: Option<Ipv4Addr>,
    pub anycast: Option<Ipv6Addr>,
    pub label: Option<String>,
    pub ifa_flags: Option<u32>,
    pub metric: Option<u32>,
    pub cacheinfo: Option<CacheInfo>,
}

/// Decode one answer; None when the header is short. An attribute the
/// crate cannot decode (a kernel would not send one) is skipped.
pub fn ifa(data: &[u8]) -> Option<Ifa> {
    let h = AddressHeader::parse(data).ok()?;
    let mut a = Ifa {
        family: h.family.into(),
        prefixlen: h.prefix_len,
        flags: h.flags.bits(),
        scope: h.scope.into(),
        index: h.index,
        address: None,
        local_attr: None,
        broadcast: None,
        anycast: None,
        label: None,
        ifa_flags: None,
        metric: None,
        cacheinfo: None,
    };
    for nla in NlasIterator::new(data.get(8..)?) {
        let Ok(nla) = nla else { break };
        match AddressAttribute::parse(&nla) {
            Ok(AddressAttribute::Address(v)) => a.address = Some(v),
            Ok(AddressAttribute::Local(v)) => a.local_attr = Some(v),
            Ok(AddressAttribute::Broadcast(v)) => a.broadcast = Some(v),
            Ok(AddressAttribute::Anycast(v)) => a.anycast = Some(v),
            Ok(AddressAttribute::Label(v)) => a.label = Some(v),
            Ok(AddressAttribute::Flags(v)) => a.ifa_flags = Some(v.bits()),
            Ok(AddressAttribute::RoutePriority(v)) => a.metric = Some(v),
            Ok(AddressAttribute::CacheInfo(v)) => a.cacheinfo = Some(v),
            _ => {}
        }
    }
    Some(a)
}

impl Ifa {
    /// IFA_FLAGS when present (32 bits), else the header's 8.
    pub fn all_flags(&self) -> u32 {
        self.ifa_flags.unwrap_or(self.flags as u32)
    }
    /// IFA_LOCAL, else IFA_ADDRESS.
    pub fn local(&self) -> Option<IpAddr> {
        self.local_attr.or(self.address)
    }
}

/// An address as iproute2 prints it (`rt_addr_n2a`).
pub fn fmt_ip(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V4(v) => {
            let [a, b, c, d] = v.octets();
            fmt_ipv4(a, b, c, d)
        }
        IpAddr::V6(v) => fmt_ipv6(&v.octets()),
    }
}

/// Its bytes (for prefix matching).
pub fn ip_bytes(ip: &IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v) => v.octets().to_vec(),
        IpAddr::V6(v) => v.octets().to_vec(),
    }
}
