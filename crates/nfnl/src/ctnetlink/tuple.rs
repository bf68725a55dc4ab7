// SPDX-License-Identifier: Apache-2.0
//! A conntrack tuple (CTA_TUPLE_ORIG / CTA_TUPLE_REPLY / CTA_TUPLE_MASTER):
//! addresses, layer-4 protocol, ports or ICMP type/code/id, and zone.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::attribute::*;
use crate::attr::{AttrIter, Writer};
use crate::error::Error;

/// An attribute this layer does not interpret, kept as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAttr {
    pub kind: u16,
    pub nested: bool,
    pub value: Vec<u8>,
}

impl RawAttr {
    pub(crate) fn emit(&self, w: &mut Writer) {
        let kind = if self.nested {
            self.kind | crate::attr::NLA_F_NESTED
        } else {
            self.kind
        };
        w.put(kind, &self.value);
    }
}

/// Every field is optional: a tuple doubles as a filter template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tuple {
    pub src: Option<IpAddr>,
    pub dst: Option<IpAddr>,
    pub proto: Option<u8>,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    pub icmp_id: Option<u16>,
    pub icmp_type: Option<u8>,
    pub icmp_code: Option<u8>,
    pub zone: Option<u16>,
    pub other: Vec<RawAttr>,
}

impl Tuple {
    /// Decode the attributes nested in a CTA_TUPLE_* attribute.
    pub fn parse(buf: &[u8]) -> Result<Self, Error> {
        let mut t = Tuple::default();
        for a in AttrIter::new(buf) {
            let a = a?;
            match a.kind {
                CTA_TUPLE_IP => {
                    for ip in a.nested() {
                        let ip = ip?;
                        match ip.kind {
                            CTA_IP_V4_SRC => t.src = Some(v4(ip.value)?),
                            CTA_IP_V4_DST => t.dst = Some(v4(ip.value)?),
                            CTA_IP_V6_SRC => t.src = Some(v6(ip.value)?),
                            CTA_IP_V6_DST => t.dst = Some(v6(ip.value)?),
                            _ => {}
                        }
                    }
                }
                CTA_TUPLE_PROTO => {
                    for p in a.nested() {
                        let p = p?;
                        match p.kind {
                            CTA_PROTO_NUM => t.proto = Some(p.u8()?),
                            CTA_PROTO_SRC_PORT => t.src_port = Some(p.be16()?),
                            CTA_PROTO_DST_PORT => t.dst_port = Some(p.be16()?),
                            CTA_PROTO_ICMP_ID | CTA_PROTO_ICMPV6_ID => t.icmp_id = Some(p.be16()?),
                            CTA_PROTO_ICMP_TYPE | CTA_PROTO_ICMPV6_TYPE => {
                                t.icmp_type = Some(p.u8()?)
                            }
                            CTA_PROTO_ICMP_CODE | CTA_PROTO_ICMPV6_CODE => {
                                t.icmp_code = Some(p.u8()?)
                            }
                            _ => {}
                        }
                    }
                }
                CTA_TUPLE_ZONE => t.zone = Some(a.be16()?),
                _ => t.other.push(RawAttr {
                    kind: a.kind,
                    nested: a.nested,
                    value: a.value.to_vec(),
                }),
            }
        }
        Ok(t)
    }

    /// Emit as the nested attribute `kind` (CTA_TUPLE_ORIG, …).
    pub fn emit(&self, w: &mut Writer, kind: u16) {
        let outer = w.nest_start(kind);
        if self.src.is_some() || self.dst.is_some() {
            let ip = w.nest_start(CTA_TUPLE_IP);
            for (addr, v4kind, v6kind) in [
                (self.src, CTA_IP_V4_SRC, CTA_IP_V6_SRC),
                (self.dst, CTA_IP_V4_DST, CTA_IP_V6_DST),
            ] {
                match addr {
                    Some(IpAddr::V4(a)) => w.put(v4kind, &a.octets()),
                    Some(IpAddr::V6(a)) => w.put(v6kind, &a.octets()),
                    None => {}
                }
            }
            w.nest_end(ip);
        }
        if let Some(proto) = self.proto {
            let p = w.nest_start(CTA_TUPLE_PROTO);
            w.put_u8(CTA_PROTO_NUM, proto);
            let v6 = proto == IPPROTO_ICMPV6;
            if let Some(v) = self.src_port {
                w.put_be16(CTA_PROTO_SRC_PORT, v);
            }
            if let Some(v) = self.dst_port {
                w.put_be16(CTA_PROTO_DST_PORT, v);
            }
            if let Some(v) = self.icmp_id {
                w.put_be16(
                    if v6 {
                        CTA_PROTO_ICMPV6_ID
                    } else {
                        CTA_PROTO_ICMP_ID
                    },
                    v,
                );
            }
            if let Some(v) = self.icmp_type {
                w.put_u8(
                    if v6 {
                        CTA_PROTO_ICMPV6_TYPE
                    } else {
                        CTA_PROTO_ICMP_TYPE
                    },
                    v,
                );
            }
            if let Some(v) = self.icmp_code {
                w.put_u8(
                    if v6 {
                        CTA_PROTO_ICMPV6_CODE
                    } else {
                        CTA_PROTO_ICMP_CODE
                    },
                    v,
                );
            }
            w.nest_end(p);
        }
        if let Some(z) = self.zone {
            w.put_be16(CTA_TUPLE_ZONE, z);
        }
        for o in &self.other {
            o.emit(w);
        }
        w.nest_end(outer);
    }

    /// AF_INET / AF_INET6 of the addresses, when there are any.
    pub fn family(&self) -> Option<u8> {
        match self.src.or(self.dst)? {
            IpAddr::V4(_) => Some(libc::AF_INET as u8),
            IpAddr::V6(_) => Some(libc::AF_INET6 as u8),
        }
    }
}

fn v4(b: &[u8]) -> Result<IpAddr, Error> {
    let a: [u8; 4] = b
        .get(..4)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| Error::Malformed("short IPv4 address".into()))?;
    Ok(IpAddr::V4(Ipv4Addr::from(a)))
}

fn v6(b: &[u8]) -> Result<IpAddr, Error> {
    let a: [u8; 16] = b
        .get(..16)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| Error::Malformed("short IPv6 address".into()))?;
    Ok(IpAddr::V6(Ipv6Addr::from(a)))
}
