// SPDX-License-Identifier: Apache-2.0
//! `-o save`: an entry as the conntrack command line that recreates it
//! (conntrack's ct_save_snprintf).

use std::fmt::Write;
use std::net::IpAddr;

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{Conntrack, EventKind, Tuple};

use crate::proto::{DCCP_STATES, SCTP_STATES, TCP_STATES};
use crate::template::{ct_state, is_dnat, is_snat};

const STATUS_NAMES: &[(u32, &str)] = &[
    (IPS_EXPECTED, "EXPECTED"),
    (IPS_SEEN_REPLY, "SEEN_REPLY"),
    (IPS_ASSURED, "ASSURED"),
    (IPS_FIXED_TIMEOUT, "FIXED_TIMEOUT"),
];

fn ip(a: Option<IpAddr>) -> Option<String> {
    a.map(|a| a.to_string())
}

/// The save line; `_listing` kept for symmetry with the other formats.
pub fn line(ct: &Conntrack, ev: Option<EventKind>, _listing: bool) -> String {
    let mut out = String::new();
    match ev {
        Some(EventKind::New) => out.push_str("-A "),
        Some(EventKind::Update) => out.push_str("-U "),
        Some(EventKind::Destroy) => out.push_str("-D "),
        _ => {}
    }
    if let Some(t) = ct.timeout {
        let _ = write!(out, "-t {t} ");
    }
    if let Some(s) = ct.status {
        let names: Vec<&str> = STATUS_NAMES
            .iter()
            .filter(|(b, _)| s & b != 0)
            .map(|(_, n)| *n)
            .collect();
        if names.is_empty() {
            out.push_str("-u UNSET ");
        } else {
            let _ = write!(out, "-u {} ", names.join(","));
        }
    }
    if let Some(v) = ct.secmark {
        let _ = write!(out, "-c {v} ");
    }
    if let Some(v) = ct.zone {
        let _ = write!(out, "-w {v} ");
    }
    let empty = Tuple::default();
    let o = ct.orig.as_ref().unwrap_or(&empty);
    let r = ct.reply.as_ref().unwrap_or(&empty);
    if let Some(v) = o.zone {
        let _ = write!(out, "--orig-zone {v} ");
    }
    if let Some(v) = r.zone {
        let _ = write!(out, "--reply-zone {v} ");
    }
    let fam = ct.l3family();
    if fam != libc::AF_INET as u8 && fam != libc::AF_INET6 as u8 {
        eprintln!("WARNING: unsupported l3proto {fam}, skipping.");
        return String::new();
    }
    let pairs = [
        ("-s", ip(o.src)),
        ("-d", ip(o.dst)),
        (if is_dnat(ct) { "-g" } else { "-r" }, ip(r.src)),
        (if is_snat(ct) { "-n" } else { "-q" }, ip(r.dst)),
    ];
    for (flag, v) in pairs {
        if let Some(v) = v {
            let _ = write!(out, "{flag} {v} ");
        }
    }
    let p = o.proto.unwrap_or(0);
    let name = crate::proto::PROTOS
        .iter()
        .find(|h| h.num == p)
        .map(|h| h.name);
    match name {
        Some(n) => {
            let _ = write!(out, "-p {n} ");
            match p {
                IPPROTO_ICMP | IPPROTO_ICMPV6 => {
                    let pre = if p == IPPROTO_ICMP { "icmp" } else { "icmpv6" };
                    if let Some(v) = o.icmp_type {
                        let _ = write!(out, "--{pre}-type {v} ");
                    }
                    if let Some(v) = o.icmp_code {
                        let _ = write!(out, "--{pre}-code {v} ");
                    }
                    if let Some(v) = o.icmp_id {
                        let _ = write!(out, "--{pre}-id {v} ");
                    }
                }
                _ => {
                    let names = if p == IPPROTO_GRE {
                        ["--srckey", "--dstkey", "--reply-key-src", "--reply-key-dst"]
                    } else {
                        ["--sport", "--dport", "--reply-port-src", "--reply-port-dst"]
                    };
                    for (n, v) in names
                        .iter()
                        .zip([o.src_port, o.dst_port, r.src_port, r.dst_port])
                    {
                        if let Some(v) = v {
                            let _ = write!(out, "{n} {v} ");
                        }
                    }
                    let states = match p {
                        IPPROTO_TCP => Some(TCP_STATES),
                        IPPROTO_SCTP => Some(SCTP_STATES),
                        IPPROTO_DCCP => Some(DCCP_STATES),
                        _ => None,
                    };
                    if let (Some(tbl), Some(s)) = (states, ct_state(ct)) {
                        if let Some(n) = tbl.get(s as usize) {
                            let _ = write!(out, "--state {n} ");
                        }
                    }
                }
            }
        }
        None => {
            let _ = write!(out, "-p {p} ");
        }
    }
    out.truncate(out.trim_end_matches(' ').len());
    out
}
