// SPDX-License-Identifier: Apache-2.0
//! The XML form of an entry (libnetfilter_conntrack's snprintf_xml.c).

use std::fmt::Write;

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{Conntrack, EventKind, ProtoInfo, Tuple};

use crate::print::{addr, l3name, state_name, tuple_l3, Flags};
use crate::proto::{print_name, TCP_STATES};

pub const HEADER: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n";
pub const FOOTER: &str = "</conntrack>\n";

fn tuple(out: &mut String, ct: &Conntrack, t: &Tuple, dir: &str, reply: bool) {
    let fam = tuple_l3(t, ct.family);
    let v6 = fam == libc::AF_INET6 as u8;
    let _ = write!(
        out,
        "<meta direction=\"{dir}\"><layer3 protonum=\"{fam}\" protoname=\"{}\">",
        l3name(fam)
    );
    if fam == libc::AF_INET as u8 || v6 {
        let _ = write!(
            out,
            "<src>{}</src><dst>{}</dst>",
            addr(t.src, v6),
            addr(t.dst, v6)
        );
    } else {
        out.push_str("<src></src><dst></dst>");
    }
    let p = t.proto.unwrap_or(0);
    let _ = write!(
        out,
        "</layer3><layer4 protonum=\"{p}\" protoname=\"{}\">",
        print_name(p)
    );
    match p {
        IPPROTO_TCP | IPPROTO_UDP | IPPROTO_UDPLITE | IPPROTO_SCTP | IPPROTO_DCCP => {
            let _ = write!(
                out,
                "<sport>{}</sport><dport>{}</dport>",
                t.src_port.unwrap_or(0),
                t.dst_port.unwrap_or(0)
            );
        }
        IPPROTO_GRE => {
            let _ = write!(
                out,
                "<srckey>0x{:x}</srckey><dstkey>0x{:x}</dstkey>",
                t.src_port.unwrap_or(0),
                t.dst_port.unwrap_or(0)
            );
        }
        _ => {}
    }
    out.push_str("</layer4>");
    if let Some(z) = t.zone {
        let _ = write!(out, "<zone>{z}</zone>");
    }
    if ct.counters_orig.is_some() {
        let c = if reply {
            ct.counters_reply
        } else {
            ct.counters_orig
        }
        .unwrap_or_default();
        let _ = write!(
            out,
            "<counters><packets>{}</packets><bytes>{}</bytes></counters>",
            c.packets, c.bytes
        );
    }
    out.push_str("</meta>");
}

/// One `<flow>` element.
pub fn flow(ct: &Conntrack, ev: Option<EventKind>, f: Flags) -> String {
    let mut out = String::with_capacity(512);
    out.push_str(match ev {
        Some(EventKind::New) => "<flow type=\"new\">",
        Some(EventKind::Update) => "<flow type=\"update\">",
        Some(EventKind::Destroy) => "<flow type=\"destroy\">",
        _ => "<flow>",
    });
    let empty = Tuple::default();
    tuple(
        &mut out,
        ct,
        ct.orig.as_ref().unwrap_or(&empty),
        "original",
        false,
    );
    tuple(
        &mut out,
        ct,
        ct.reply.as_ref().unwrap_or(&empty),
        "reply",
        true,
    );
    let state = match &ct.protoinfo {
        Some(ProtoInfo::Tcp(t)) => t.state,
        Some(ProtoInfo::Sctp { state }) | Some(ProtoInfo::Dccp { state }) => *state,
        _ => None,
    };
    let ts = ct.timestamp.unwrap_or_default();
    let independent = state.is_some()
        || ct.timeout.is_some()
        || ct.mark.is_some()
        || ct.secmark.is_some()
        || ct.zone.is_some()
        || ct.use_count.is_some()
        || ct.status.is_some()
        || ct.id.is_some()
        || ct.labels.is_some()
        || ts.start.is_some()
        || ts.stop.is_some();
    if independent {
        out.push_str("<meta direction=\"independent\">");
    }
    if let Some(s) = state {
        // libnetfilter_conntrack names every protocol's state from the TCP table
        let _ = write!(out, "<state>{}</state>", state_name(TCP_STATES, s));
    }
    if let Some(t) = ct.timeout {
        let _ = write!(out, "<timeout>{t}</timeout>");
    }
    if let Some(m) = ct.mark {
        let _ = write!(out, "<mark>{m}</mark>");
    }
    if f.labels {
        if let Some(l) = &ct.labels {
            out.push_str("<labels>");
            for n in crate::labels::names(l) {
                let _ = write!(out, "<label>{n}</label>");
            }
            out.push_str("</labels>");
        }
    }
    if let Some(m) = ct.secmark {
        let _ = write!(out, "<secmark>{m}</secmark>");
    }
    if let Some(s) = &ct.secctx {
        let _ = write!(out, "<secctx>{s}</secctx>");
    }
    if let Some(z) = ct.zone {
        let _ = write!(out, "<zone>{z}</zone>");
    }
    if let Some(u) = ct.use_count {
        let _ = write!(out, "<use>{u}</use>");
    }
    if let Some(id) = ct.id {
        let _ = write!(out, "<id>{id}</id>");
    }
    if let Some(s) = ct.status {
        if s & IPS_ASSURED != 0 {
            out.push_str("<assured/>");
        }
        if s & IPS_SEEN_REPLY == 0 {
            out.push_str("<unreplied/>");
        }
    }
    if f.ktimestamp && (ts.start.is_some() || ts.stop.is_some()) {
        out.push_str("<timestamp>");
        if let Some(s) = ts.start {
            let _ = write!(out, "<start>{s}</start>");
        }
        if let Some(s) = ts.stop {
            let _ = write!(out, "<stop>{s}</stop>");
        }
        out.push_str("</timestamp>");
    }
    match (ts.start, ts.stop) {
        (Some(a), Some(b)) => {
            let _ = write!(
                out,
                "<deltatime>{}</deltatime>",
                (b.wrapping_sub(a) / 1_000_000_000) as i64 as u64
            );
        }
        (Some(a), None) => {
            let d = crate::print::now_secs().wrapping_sub((a / 1_000_000_000) as i64);
            let _ = write!(out, "<deltatime>{}</deltatime>", d as u64);
        }
        _ => {}
    }
    if independent {
        out.push_str("</meta>");
    }
    if f.time {
        when(&mut out);
    }
    if let Some(h) = &ct.helper {
        let _ = write!(out, "<helper>{h}</helper>");
    }
    out.push_str("</flow>");
    out
}

fn when(out: &mut String) {
    // SAFETY: localtime_r fills the tm we own; a zeroed tm is a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // The width of time_t is the libc's (musl changed it); inferred, not named.
    let t = crate::print::now_secs() as _;
    // SAFETY: both pointers are valid for the call.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return;
    }
    let _ = write!(
        out,
        "<when><hour>{}</hour><min>{:02}</min><sec>{:02}</sec><wday>{}</wday><day>{}</day><month>{}</month><year>{}</year></when>",
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        tm.tm_wday + 1,
        tm.tm_mday,
        tm.tm_mon + 1,
        1900 + tm.tm_year
    );
}
