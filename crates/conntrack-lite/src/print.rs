// SPDX-License-Identifier: Apache-2.0
//! Entry formatting as libnetfilter_conntrack 1.0.9 prints it
//! (snprintf_default.c, snprintf_xml.c): the default line, -o extended,
//! -o id, -o ktimestamp, and XML.

use std::net::IpAddr;

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{Conntrack, EventKind, ProtoInfo, Tuple};

use crate::proto::{print_name, DCCP_STATES, SCTP_STATES, TCP_STATES};
use crate::text::{put, put_hex, put_ip, put_padded, put_str, put_u64};

/// Output flags (NFCT_OF_*).
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    pub layer3: bool,
    pub id: bool,
    pub ktimestamp: bool,
    /// XML <when> (events with -o xml,timestamp).
    pub time: bool,
    pub labels: bool,
}

pub(crate) fn l3name(f: u8) -> &'static str {
    match f as i32 {
        libc::AF_INET => "ipv4",
        libc::AF_INET6 => "ipv6",
        _ => "unknown",
    }
}

pub(crate) fn state_name(table: &[&'static str], s: u8) -> &'static str {
    table.get(s as usize).copied().unwrap_or("NONE")
}

pub(crate) fn addr(a: Option<IpAddr>, v6: bool) -> String {
    match a {
        Some(a) => a.to_string(),
        None if v6 => "::".into(),
        None => "0.0.0.0".into(),
    }
}

pub(crate) fn tuple_l3(t: &Tuple, fallback: u8) -> u8 {
    t.family().unwrap_or(fallback)
}

/// A tuple's addresses and layer-4 fields, `SRC=a DST=b sport=…`, in the
/// family of its addresses (`fam` when it has none). Shared with the
/// expectation line, which labels its three tuples differently.
pub(crate) fn put_tuple(out: &mut Vec<u8>, t: &Tuple, fam: u8, src: &[u8], dst: &[u8]) {
    put_addresses(out, t, tuple_l3(t, fam), src, dst);
    put_l4(out, t);
}

fn put_addresses(out: &mut Vec<u8>, t: &Tuple, fam: u8, src: &[u8], dst: &[u8]) {
    let v6 = fam == libc::AF_INET6 as u8;
    if fam == libc::AF_INET as u8 || v6 {
        let zero = || -> IpAddr {
            if v6 {
                IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
            } else {
                IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
            }
        };
        put(out, src);
        put(out, b"=");
        put_ip(out, t.src.unwrap_or_else(zero));
        put(out, b" ");
        put(out, dst);
        put(out, b"=");
        put_ip(out, t.dst.unwrap_or_else(zero));
        put(out, b" ");
    }
}

fn put_l4(out: &mut Vec<u8>, t: &Tuple) {
    match t.proto.unwrap_or(0) {
        IPPROTO_TCP | IPPROTO_UDP | IPPROTO_UDPLITE | IPPROTO_SCTP | IPPROTO_DCCP => {
            put(out, b"sport=");
            put_u64(out, t.src_port.unwrap_or(0).into());
            put(out, b" dport=");
            put_u64(out, t.dst_port.unwrap_or(0).into());
            put(out, b" ");
        }
        IPPROTO_GRE => {
            put(out, b"srckey=0x");
            put_hex(out, t.src_port.unwrap_or(0).into());
            put(out, b" dstkey=0x");
            put_hex(out, t.dst_port.unwrap_or(0).into());
            put(out, b" ");
        }
        IPPROTO_ICMP | IPPROTO_ICMPV6 => {
            put(out, b"type=");
            put_u64(out, t.icmp_type.unwrap_or(0).into());
            put(out, b" code=");
            put_u64(out, t.icmp_code.unwrap_or(0).into());
            put(out, b" id=");
            put_u64(out, t.icmp_id.unwrap_or(0).into());
            put(out, b" ");
        }
        _ => {}
    }
}

/// `name=value ` with a decimal value.
pub(crate) fn put_num(out: &mut Vec<u8>, name: &[u8], v: u64) {
    put(out, name);
    put_u64(out, v);
    put(out, b" ");
}

fn put_counters(out: &mut Vec<u8>, c: Option<nfnl::ctnetlink::Counters>) {
    if let Some(c) = c {
        put_num(out, b"packets=", c.packets);
        put_num(out, b"bytes=", c.bytes);
    }
}

/// ctime(3) in the local time zone, without the newline.
pub fn ctime(secs: i64) -> String {
    // SAFETY: localtime_r fills the tm we own; a zeroed tm is a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // The width of time_t is the libc's (musl changed it); inferred, not named.
    let t = secs as _;
    // SAFETY: both pointers are valid for the call.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return secs.to_string();
    }
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        DAYS.get(tm.tm_wday as usize).unwrap_or(&"???"),
        MONS.get(tm.tm_mon as usize).unwrap_or(&"???"),
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        1900 + tm.tm_year as i64
    )
}

pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The default text form of an entry, with the event tag when `ev` is given.
pub fn default(ct: &Conntrack, ev: Option<EventKind>, f: Flags) -> String {
    let mut out = Vec::with_capacity(256);
    default_into(&mut out, ct, ev, f);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`default`], appended to `out` (no newline): the listing path, which
/// formats every entry into one output buffer.
pub fn default_into(out: &mut Vec<u8>, ct: &Conntrack, ev: Option<EventKind>, f: Flags) {
    let at = out.len();
    match ev {
        Some(EventKind::New) => put(out, b"    [NEW] "),
        Some(EventKind::Update) => put(out, b" [UPDATE] "),
        Some(EventKind::Destroy) => put(out, b"[DESTROY] "),
        _ => {}
    }
    let empty = Tuple::default();
    let orig = ct.orig.as_ref().unwrap_or(&empty);
    let repl = ct.reply.as_ref().unwrap_or(&empty);
    let ofam = tuple_l3(orig, ct.family);
    if f.layer3 && ct.orig.is_some() {
        put_padded(out, l3name(ofam), 8);
        put_num(out, b" ", ofam.into());
    }
    if let Some(p) = orig.proto {
        put_padded(out, print_name(p), 8);
        put_num(out, b" ", p.into());
    }
    if let Some(t) = ct.timeout {
        put_num(out, b"", t.into());
    }
    let state = match &ct.protoinfo {
        Some(ProtoInfo::Tcp(t)) => t.state.map(|s| state_name(TCP_STATES, s)),
        Some(ProtoInfo::Sctp { state: Some(s) }) => Some(state_name(SCTP_STATES, *s)),
        Some(ProtoInfo::Dccp { state: Some(s) }) => Some(state_name(DCCP_STATES, *s)),
        _ => None,
    };
    if let Some(name) = state {
        put_str(out, name);
        put(out, b" ");
    }
    put_tuple(out, orig, ct.family, b"src", b"dst");
    if let Some(z) = orig.zone {
        put_num(out, b"zone-orig=", z.into());
    }
    put_counters(out, ct.counters_orig);
    if ct.status.is_some_and(|s| s & IPS_SEEN_REPLY == 0) {
        put(out, b"[UNREPLIED] ");
    }
    put_tuple(out, repl, ct.family, b"src", b"dst");
    if let Some(z) = repl.zone {
        put_num(out, b"zone-reply=", z.into());
    }
    put_counters(out, ct.counters_reply);
    if let Some(s) = ct.status {
        if s & IPS_HW_OFFLOAD != 0 {
            put(out, b"[HW_OFFLOAD] ");
        } else if s & IPS_OFFLOAD != 0 {
            put(out, b"[OFFLOAD] ");
        } else if s & IPS_ASSURED != 0 {
            put(out, b"[ASSURED] ");
        }
    }
    if let Some(m) = ct.mark {
        put_num(out, b"mark=", m.into());
    }
    if let Some(m) = ct.secmark {
        put_num(out, b"secmark=", m.into());
    }
    if let Some(s) = &ct.secctx {
        put(out, b"secctx=");
        put_str(out, s);
        put(out, b" ");
    }
    if let Some(z) = ct.zone {
        put_num(out, b"zone=", z.into());
    }
    let ts = ct.timestamp.unwrap_or_default();
    if let Some(start) = ts.start {
        let stop = match ts.stop {
            Some(s) if s != 0 => (s / 1_000_000_000) as i64,
            _ => now_secs(),
        };
        let delta = stop.wrapping_sub((start / 1_000_000_000) as i64) as u64;
        put_num(out, b"delta-time=", delta);
    }
    if f.ktimestamp {
        for (name, t) in [(&b"[start="[..], ts.start), (&b"[stop="[..], ts.stop)] {
            if let Some(t) = t {
                put(out, name);
                put_str(out, &ctime((t / 1_000_000_000) as i64));
                put(out, b"] ");
            }
        }
    }
    if let Some(h) = &ct.helper {
        put(out, b"helper=");
        put_str(out, h);
        put(out, b" ");
    }
    if let Some(u) = ct.use_count {
        put_num(out, b"use=", u.into());
    }
    if f.id {
        if let Some(id) = ct.id {
            put_num(out, b"id=", id.into());
        }
    }
    if f.labels {
        if let Some(l) = &ct.labels {
            put(out, b"labels=");
            put_str(out, &crate::labels::names(l).join(","));
            put(out, b" ");
        }
    }
    // The trailing space goes, as snprintf_default's last BUFFER_SIZE(-1).
    if out.len() > at {
        out.pop();
    }
}
