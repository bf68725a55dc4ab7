// SPDX-License-Identifier: Apache-2.0
//! Entry formatting as libnetfilter_conntrack 1.0.9 prints it
//! (snprintf_default.c, snprintf_xml.c): the default line, -o extended,
//! -o id, -o ktimestamp, and XML.

use std::fmt::Write;
use std::net::IpAddr;

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{Conntrack, EventKind, ProtoInfo, Tuple};

use crate::proto::{print_name, DCCP_STATES, SCTP_STATES, TCP_STATES};

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

fn put_addresses(out: &mut String, t: &Tuple, fam: u8, src: &str, dst: &str) {
    let v6 = fam == libc::AF_INET6 as u8;
    if fam == libc::AF_INET as u8 || v6 {
        let _ = write!(out, "{src}={} {dst}={} ", addr(t.src, v6), addr(t.dst, v6));
    }
}

fn put_l4(out: &mut String, t: &Tuple) {
    match t.proto.unwrap_or(0) {
        IPPROTO_TCP | IPPROTO_UDP | IPPROTO_UDPLITE | IPPROTO_SCTP | IPPROTO_DCCP => {
            let _ = write!(
                out,
                "sport={} dport={} ",
                t.src_port.unwrap_or(0),
                t.dst_port.unwrap_or(0)
            );
        }
        IPPROTO_GRE => {
            let _ = write!(
                out,
                "srckey=0x{:x} dstkey=0x{:x} ",
                t.src_port.unwrap_or(0),
                t.dst_port.unwrap_or(0)
            );
        }
        IPPROTO_ICMP | IPPROTO_ICMPV6 => {
            let _ = write!(
                out,
                "type={} code={} id={} ",
                t.icmp_type.unwrap_or(0),
                t.icmp_code.unwrap_or(0),
                t.icmp_id.unwrap_or(0)
            );
        }
        _ => {}
    }
}

/// ctime(3) in the local time zone, without the newline.
pub fn ctime(secs: i64) -> String {
    // SAFETY: localtime_r fills the tm we own; a zeroed tm is a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t: libc::time_t = secs as libc::time_t;
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
    let mut out = String::with_capacity(256);
    match ev {
        Some(EventKind::New) => out.push_str("    [NEW] "),
        Some(EventKind::Update) => out.push_str(" [UPDATE] "),
        Some(EventKind::Destroy) => out.push_str("[DESTROY] "),
        _ => {}
    }
    let empty = Tuple::default();
    let orig = ct.orig.as_ref().unwrap_or(&empty);
    let repl = ct.reply.as_ref().unwrap_or(&empty);
    let ofam = tuple_l3(orig, ct.family);
    if f.layer3 && ct.orig.is_some() {
        let _ = write!(out, "{:<8} {} ", l3name(ofam), ofam);
    }
    if let Some(p) = orig.proto {
        let _ = write!(out, "{:<8} {} ", print_name(p), p);
    }
    if let Some(t) = ct.timeout {
        let _ = write!(out, "{t} ");
    }
    match &ct.protoinfo {
        Some(ProtoInfo::Tcp(t)) if t.state.is_some() => {
            let _ = write!(out, "{} ", state_name(TCP_STATES, t.state.unwrap_or(0)));
        }
        Some(ProtoInfo::Sctp { state: Some(s) }) => {
            let _ = write!(out, "{} ", state_name(SCTP_STATES, *s));
        }
        Some(ProtoInfo::Dccp { state: Some(s) }) => {
            let _ = write!(out, "{} ", state_name(DCCP_STATES, *s));
        }
        _ => {}
    }
    put_addresses(&mut out, orig, ofam, "src", "dst");
    put_l4(&mut out, orig);
    if let Some(z) = orig.zone {
        let _ = write!(out, "zone-orig={z} ");
    }
    if let Some(c) = ct.counters_orig {
        let _ = write!(out, "packets={} bytes={} ", c.packets, c.bytes);
    }
    if let Some(s) = ct.status {
        if s & IPS_SEEN_REPLY == 0 {
            out.push_str("[UNREPLIED] ");
        }
    }
    put_addresses(&mut out, repl, tuple_l3(repl, ct.family), "src", "dst");
    put_l4(&mut out, repl);
    if let Some(z) = repl.zone {
        let _ = write!(out, "zone-reply={z} ");
    }
    if let Some(c) = ct.counters_reply {
        let _ = write!(out, "packets={} bytes={} ", c.packets, c.bytes);
    }
    if let Some(s) = ct.status {
        if s & IPS_HW_OFFLOAD != 0 {
            out.push_str("[HW_OFFLOAD] ");
        } else if s & IPS_OFFLOAD != 0 {
            out.push_str("[OFFLOAD] ");
        } else if s & IPS_ASSURED != 0 {
            out.push_str("[ASSURED] ");
        }
    }
    if let Some(m) = ct.mark {
        let _ = write!(out, "mark={m} ");
    }
    if let Some(m) = ct.secmark {
        let _ = write!(out, "secmark={m} ");
    }
    if let Some(s) = &ct.secctx {
        let _ = write!(out, "secctx={s} ");
    }
    if let Some(z) = ct.zone {
        let _ = write!(out, "zone={z} ");
    }
    let ts = ct.timestamp.unwrap_or_default();
    if let Some(start) = ts.start {
        let stop = match ts.stop {
            Some(s) if s != 0 => (s / 1_000_000_000) as i64,
            _ => now_secs(),
        };
        let _ = write!(
            out,
            "delta-time={} ",
            stop.wrapping_sub((start / 1_000_000_000) as i64) as u64
        );
    }
    if f.ktimestamp {
        if let Some(s) = ts.start {
            let _ = write!(out, "[start={}] ", ctime((s / 1_000_000_000) as i64));
        }
        if let Some(s) = ts.stop {
            let _ = write!(out, "[stop={}] ", ctime((s / 1_000_000_000) as i64));
        }
    }
    if let Some(h) = &ct.helper {
        let _ = write!(out, "helper={h} ");
    }
    if let Some(u) = ct.use_count {
        let _ = write!(out, "use={u} ");
    }
    if f.id {
        if let Some(id) = ct.id {
            let _ = write!(out, "id={id} ");
        }
    }
    if f.labels {
        if let Some(l) = &ct.labels {
            let names = crate::labels::names(l);
            let _ = write!(out, "labels={} ", names.join(","));
        }
    }
    out.pop();
    out
}
