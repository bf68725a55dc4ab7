// SPDX-License-Identifier: Apache-2.0
//! One conntrack entry as ctnetlink carries it (IPCTNL_MSG_CT_NEW/GET/DELETE
//! payloads, dump replies and events). Parse never panics; attributes this
//! layer does not know are kept in `other` and emitted back unchanged.

use std::net::IpAddr;

use super::attribute::*;
use super::tuple::{RawAttr, Tuple};
use crate::attr::{Attr, AttrIter, Writer};
use crate::error::Error;
use crate::msg::Msg;

/// Per-protocol state (CTA_PROTOINFO).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtoInfo {
    Tcp(TcpInfo),
    Sctp { state: Option<u8> },
    Dccp { state: Option<u8> },
    Other(RawAttr),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcpInfo {
    pub state: Option<u8>,
    pub wscale_orig: Option<u8>,
    pub wscale_reply: Option<u8>,
    /// (flags, mask) as `struct nf_ct_tcp_flags`.
    pub flags_orig: Option<(u8, u8)>,
    pub flags_reply: Option<(u8, u8)>,
}

/// Packet/byte counters of one direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub packets: u64,
    pub bytes: u64,
}

/// A NAT range for creating entries (CTA_NAT_SRC / CTA_NAT_DST).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nat {
    pub min_ip: Option<IpAddr>,
    pub max_ip: Option<IpAddr>,
    pub min_port: Option<u16>,
    pub max_port: Option<u16>,
}

/// Start/stop timestamps in nanoseconds (CTA_TIMESTAMP).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timestamp {
    pub start: Option<u64>,
    pub stop: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Conntrack {
    /// nfgenmsg family of the message (AF_INET, AF_INET6, or 0).
    pub family: u8,
    pub orig: Option<Tuple>,
    pub reply: Option<Tuple>,
    pub master: Option<Tuple>,
    pub status: Option<u32>,
    pub status_mask: Option<u32>,
    pub protoinfo: Option<ProtoInfo>,
    pub helper: Option<String>,
    pub nat_src: Option<Nat>,
    pub nat_dst: Option<Nat>,
    pub timeout: Option<u32>,
    pub mark: Option<u32>,
    pub mark_mask: Option<u32>,
    pub counters_orig: Option<Counters>,
    pub counters_reply: Option<Counters>,
    pub use_count: Option<u32>,
    pub id: Option<u32>,
    pub secmark: Option<u32>,
    pub zone: Option<u16>,
    pub secctx: Option<String>,
    pub timestamp: Option<Timestamp>,
    pub labels: Option<Vec<u8>>,
    pub labels_mask: Option<Vec<u8>>,
    pub other: Vec<RawAttr>,
}

impl Conntrack {
    /// Decode a ctnetlink message (nfgenmsg + attributes).
    pub fn from_msg(m: &Msg<'_>) -> Result<Self, Error> {
        let mut ct = Conntrack::parse_attrs(m.attrs())?;
        ct.family = m.family();
        Ok(ct)
    }

    /// Decode an attribute stream.
    pub fn parse_attrs(attrs: AttrIter<'_>) -> Result<Self, Error> {
        let mut ct = Conntrack::default();
        for a in attrs {
            let a = a?;
            match a.kind {
                CTA_TUPLE_ORIG => ct.orig = Some(Tuple::parse(a.value)?),
                CTA_TUPLE_REPLY => ct.reply = Some(Tuple::parse(a.value)?),
                CTA_TUPLE_MASTER => ct.master = Some(Tuple::parse(a.value)?),
                CTA_STATUS => ct.status = Some(a.be32()?),
                CTA_STATUS_MASK => ct.status_mask = Some(a.be32()?),
                CTA_PROTOINFO => ct.protoinfo = parse_protoinfo(&a)?,
                CTA_HELP => ct.helper = nested_str(&a, CTA_HELP_NAME)?,
                CTA_NAT_SRC => ct.nat_src = Some(parse_nat(&a)?),
                CTA_NAT_DST => ct.nat_dst = Some(parse_nat(&a)?),
                CTA_TIMEOUT => ct.timeout = Some(a.be32()?),
                CTA_MARK => ct.mark = Some(a.be32()?),
                CTA_MARK_MASK => ct.mark_mask = Some(a.be32()?),
                CTA_COUNTERS_ORIG => ct.counters_orig = Some(parse_counters(&a)?),
                CTA_COUNTERS_REPLY => ct.counters_reply = Some(parse_counters(&a)?),
                CTA_USE => ct.use_count = Some(a.be32()?),
                CTA_ID => ct.id = Some(a.be32()?),
                CTA_SECMARK => ct.secmark = Some(a.be32()?),
                CTA_ZONE => ct.zone = Some(a.be16()?),
                CTA_SECCTX => ct.secctx = nested_str(&a, CTA_SECCTX_NAME)?,
                CTA_TIMESTAMP => ct.timestamp = Some(parse_timestamp(&a)?),
                CTA_LABELS => ct.labels = Some(a.value.to_vec()),
                CTA_LABELS_MASK => ct.labels_mask = Some(a.value.to_vec()),
                _ => ct.other.push(RawAttr {
                    kind: a.kind,
                    nested: a.nested,
                    value: a.value.to_vec(),
                }),
            }
        }
        Ok(ct)
    }

    /// Emit every set field as attributes (after the caller's nfgenmsg).
    pub fn emit(&self, w: &mut Writer) {
        if let Some(t) = &self.orig {
            t.emit(w, CTA_TUPLE_ORIG);
        }
        if let Some(t) = &self.reply {
            t.emit(w, CTA_TUPLE_REPLY);
        }
        if let Some(t) = &self.master {
            t.emit(w, CTA_TUPLE_MASTER);
        }
        if let Some(n) = &self.nat_src {
            emit_nat(w, CTA_NAT_SRC, n);
        }
        if let Some(n) = &self.nat_dst {
            emit_nat(w, CTA_NAT_DST, n);
        }
        if let Some(v) = self.status {
            w.put_be32(CTA_STATUS, v);
        }
        if let Some(v) = self.status_mask {
            w.put_be32(CTA_STATUS_MASK, v);
        }
        if let Some(v) = self.timeout {
            w.put_be32(CTA_TIMEOUT, v);
        }
        if let Some(v) = self.mark {
            w.put_be32(CTA_MARK, v);
        }
        if let Some(v) = self.mark_mask {
            w.put_be32(CTA_MARK_MASK, v);
        }
        if let Some(v) = self.id {
            w.put_be32(CTA_ID, v);
        }
        if let Some(v) = self.secmark {
            w.put_be32(CTA_SECMARK, v);
        }
        if let Some(v) = self.zone {
            w.put_be16(CTA_ZONE, v);
        }
        if let Some(p) = &self.protoinfo {
            emit_protoinfo(w, p);
        }
        if let Some(h) = &self.helper {
            let n = w.nest_start(CTA_HELP);
            w.put_str(CTA_HELP_NAME, h);
            w.nest_end(n);
        }
        if let Some(l) = &self.labels {
            w.put(CTA_LABELS, l);
        }
        if let Some(l) = &self.labels_mask {
            w.put(CTA_LABELS_MASK, l);
        }
        for o in &self.other {
            o.emit(w);
        }
    }

    /// The TCP/SCTP/DCCP state, when the entry carries one.
    pub fn tcp_state(&self) -> Option<u8> {
        match &self.protoinfo {
            Some(ProtoInfo::Tcp(t)) => t.state,
            _ => None,
        }
    }

    /// The layer-3 family: from the tuples, else the message's.
    pub fn l3family(&self) -> u8 {
        self.orig
            .as_ref()
            .and_then(Tuple::family)
            .or_else(|| self.reply.as_ref().and_then(Tuple::family))
            .unwrap_or(self.family)
    }
}

fn nested_str(a: &Attr<'_>, kind: u16) -> Result<Option<String>, Error> {
    for n in a.nested() {
        let n = n?;
        if n.kind == kind {
            return Ok(Some(n.str()?.to_string()));
        }
    }
    Ok(None)
}

fn parse_protoinfo(a: &Attr<'_>) -> Result<Option<ProtoInfo>, Error> {
    let mut out = None;
    for p in a.nested() {
        let p = p?;
        out = Some(match p.kind {
            CTA_PROTOINFO_TCP => {
                let mut t = TcpInfo::default();
                for f in p.nested() {
                    let f = f?;
                    match f.kind {
                        CTA_PROTOINFO_TCP_STATE => t.state = Some(f.u8()?),
                        CTA_PROTOINFO_TCP_WSCALE_ORIGINAL => t.wscale_orig = Some(f.u8()?),
                        CTA_PROTOINFO_TCP_WSCALE_REPLY => t.wscale_reply = Some(f.u8()?),
                        CTA_PROTOINFO_TCP_FLAGS_ORIGINAL => t.flags_orig = Some(flag_pair(&f)?),
                        CTA_PROTOINFO_TCP_FLAGS_REPLY => t.flags_reply = Some(flag_pair(&f)?),
                        _ => {}
                    }
                }
                ProtoInfo::Tcp(t)
            }
            CTA_PROTOINFO_SCTP | CTA_PROTOINFO_DCCP => {
                let mut state = None;
                for f in p.nested() {
                    let f = f?;
                    if f.kind == 1 {
                        state = Some(f.u8()?);
                    }
                }
                if p.kind == CTA_PROTOINFO_SCTP {
                    ProtoInfo::Sctp { state }
                } else {
                    ProtoInfo::Dccp { state }
                }
            }
            _ => ProtoInfo::Other(RawAttr {
                kind: p.kind,
                nested: p.nested,
                value: p.value.to_vec(),
            }),
        });
    }
    Ok(out)
}

fn flag_pair(a: &Attr<'_>) -> Result<(u8, u8), Error> {
    match a.value {
        [f, m, ..] => Ok((*f, *m)),
        _ => Err(Error::Malformed("short tcp flags".into())),
    }
}

fn emit_protoinfo(w: &mut Writer, p: &ProtoInfo) {
    let outer = w.nest_start(CTA_PROTOINFO);
    match p {
        ProtoInfo::Tcp(t) => {
            let n = w.nest_start(CTA_PROTOINFO_TCP);
            if let Some(s) = t.state {
                w.put_u8(CTA_PROTOINFO_TCP_STATE, s);
            }
            if let Some(s) = t.wscale_orig {
                w.put_u8(CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, s);
            }
            if let Some(s) = t.wscale_reply {
                w.put_u8(CTA_PROTOINFO_TCP_WSCALE_REPLY, s);
            }
            if let Some((f, m)) = t.flags_orig {
                w.put(CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, &[f, m]);
            }
            if let Some((f, m)) = t.flags_reply {
                w.put(CTA_PROTOINFO_TCP_FLAGS_REPLY, &[f, m]);
            }
            w.nest_end(n);
        }
        ProtoInfo::Sctp { state } | ProtoInfo::Dccp { state } => {
            let kind = if matches!(p, ProtoInfo::Sctp { .. }) {
                CTA_PROTOINFO_SCTP
            } else {
                CTA_PROTOINFO_DCCP
            };
            let n = w.nest_start(kind);
            if let Some(s) = state {
                w.put_u8(1, *s);
            }
            w.nest_end(n);
        }
        ProtoInfo::Other(raw) => raw.emit(w),
    }
    w.nest_end(outer);
}

fn parse_counters(a: &Attr<'_>) -> Result<Counters, Error> {
    let mut c = Counters::default();
    for f in a.nested() {
        let f = f?;
        match f.kind {
            CTA_COUNTERS_PACKETS => c.packets = f.be64()?,
            CTA_COUNTERS_BYTES => c.bytes = f.be64()?,
            CTA_COUNTERS32_PACKETS => c.packets = f.be32()? as u64,
            CTA_COUNTERS32_BYTES => c.bytes = f.be32()? as u64,
            _ => {}
        }
    }
    Ok(c)
}

fn parse_timestamp(a: &Attr<'_>) -> Result<Timestamp, Error> {
    let mut t = Timestamp::default();
    for f in a.nested() {
        let f = f?;
        match f.kind {
            CTA_TIMESTAMP_START => t.start = Some(f.be64()?),
            CTA_TIMESTAMP_STOP => t.stop = Some(f.be64()?),
            _ => {}
        }
    }
    Ok(t)
}

fn parse_nat(a: &Attr<'_>) -> Result<Nat, Error> {
    let mut n = Nat::default();
    for f in a.nested() {
        let f = f?;
        let ip = |v: &[u8]| -> Option<IpAddr> {
            match v.len() {
                4 => <[u8; 4]>::try_from(v).ok().map(IpAddr::from),
                16 => <[u8; 16]>::try_from(v).ok().map(IpAddr::from),
                _ => None,
            }
        };
        match f.kind {
            CTA_NAT_V4_MINIP | CTA_NAT_V6_MINIP => n.min_ip = ip(f.value),
            CTA_NAT_V4_MAXIP | CTA_NAT_V6_MAXIP => n.max_ip = ip(f.value),
            CTA_NAT_PROTO => {
                for p in f.nested() {
                    let p = p?;
                    match p.kind {
                        CTA_PROTONAT_PORT_MIN => n.min_port = Some(p.be16()?),
                        CTA_PROTONAT_PORT_MAX => n.max_port = Some(p.be16()?),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(n)
}

fn emit_nat(w: &mut Writer, kind: u16, n: &Nat) {
    let outer = w.nest_start(kind);
    for (ip, k4, k6) in [
        (n.min_ip, CTA_NAT_V4_MINIP, CTA_NAT_V6_MINIP),
        (n.max_ip, CTA_NAT_V4_MAXIP, CTA_NAT_V6_MAXIP),
    ] {
        match ip {
            Some(IpAddr::V4(a)) => w.put(k4, &a.octets()),
            Some(IpAddr::V6(a)) => w.put(k6, &a.octets()),
            None => {}
        }
    }
    if n.min_port.is_some() || n.max_port.is_some() {
        let p = w.nest_start(CTA_NAT_PROTO);
        if let Some(v) = n.min_port {
            w.put_be16(CTA_PROTONAT_PORT_MIN, v);
        }
        if let Some(v) = n.max_port {
            w.put_be16(CTA_PROTONAT_PORT_MAX, v);
        }
        w.nest_end(p);
    }
    w.nest_end(outer);
}
