// SPDX-License-Identifier: Apache-2.0
//! `-o save`: an entry as the conntrack command line that recreates it
//! (conntrack's ct_save_snprintf).

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{Conntrack, EventKind, Tuple};

use crate::print::put_num;
use crate::proto::{DCCP_STATES, SCTP_STATES, TCP_STATES};
use crate::template::{ct_state, is_dnat, is_snat};
use crate::text::{put, put_ip, put_str};

const STATUS_NAMES: &[(u32, &str)] = &[
    (IPS_EXPECTED, "EXPECTED"),
    (IPS_SEEN_REPLY, "SEEN_REPLY"),
    (IPS_ASSURED, "ASSURED"),
    (IPS_FIXED_TIMEOUT, "FIXED_TIMEOUT"),
];

/// `FLAG VALUE ` for a present decimal value.
fn flag_num(out: &mut Vec<u8>, flag: &str, v: Option<u64>) {
    if let Some(v) = v {
        put_str(out, flag);
        put_num(out, b" ", v);
    }
}

/// The save line; `_listing` kept for symmetry with the other formats.
pub fn line(ct: &Conntrack, ev: Option<EventKind>, _listing: bool) -> String {
    let mut out = Vec::with_capacity(256);
    match ev {
        Some(EventKind::New) => put(&mut out, b"-A "),
        Some(EventKind::Update) => put(&mut out, b"-U "),
        Some(EventKind::Destroy) => put(&mut out, b"-D "),
        _ => {}
    }
    flag_num(&mut out, "-t", ct.timeout.map(u64::from));
    if let Some(s) = ct.status {
        put(&mut out, b"-u ");
        let mut any = false;
        for (_, n) in STATUS_NAMES.iter().filter(|(b, _)| s & b != 0) {
            if any {
                put(&mut out, b",");
            }
            put_str(&mut out, n);
            any = true;
        }
        put(&mut out, if any { b" " } else { b"UNSET " });
    }
    flag_num(&mut out, "-c", ct.secmark.map(u64::from));
    flag_num(&mut out, "-w", ct.zone.map(u64::from));
    let empty = Tuple::default();
    let o = ct.orig.as_ref().unwrap_or(&empty);
    let r = ct.reply.as_ref().unwrap_or(&empty);
    flag_num(&mut out, "--orig-zone", o.zone.map(u64::from));
    flag_num(&mut out, "--reply-zone", r.zone.map(u64::from));
    let fam = ct.l3family();
    if fam != libc::AF_INET as u8 && fam != libc::AF_INET6 as u8 {
        eprintln!("WARNING: unsupported l3proto {fam}, skipping.");
        return String::new();
    }
    let pairs = [
        ("-s", o.src),
        ("-d", o.dst),
        (if is_dnat(ct) { "-g" } else { "-r" }, r.src),
        (if is_snat(ct) { "-n" } else { "-q" }, r.dst),
    ];
    for (flag, v) in pairs {
        if let Some(v) = v {
            put_str(&mut out, flag);
            put(&mut out, b" ");
            put_ip(&mut out, v);
            put(&mut out, b" ");
        }
    }
    let p = o.proto.unwrap_or(0);
    let name = crate::proto::PROTOS
        .iter()
        .find(|h| h.num == p)
        .map(|h| h.name);
    match name {
        Some(n) => {
            put(&mut out, b"-p ");
            put_str(&mut out, n);
            put(&mut out, b" ");
            match p {
                IPPROTO_ICMP | IPPROTO_ICMPV6 => {
                    let names: [&str; 3] = if p == IPPROTO_ICMP {
                        ["--icmp-type", "--icmp-code", "--icmp-id"]
                    } else {
                        ["--icmpv6-type", "--icmpv6-code", "--icmpv6-id"]
                    };
                    let values = [
                        o.icmp_type.map(u64::from),
                        o.icmp_code.map(u64::from),
                        o.icmp_id.map(u64::from),
                    ];
                    for (n, v) in names.into_iter().zip(values) {
                        flag_num(&mut out, n, v);
                    }
                }
                _ => {
                    let names = if p == IPPROTO_GRE {
                        ["--srckey", "--dstkey", "--reply-key-src", "--reply-key-dst"]
                    } else {
                        ["--sport", "--dport", "--reply-port-src", "--reply-port-dst"]
                    };
                    for (n, v) in names
                        .into_iter()
                        .zip([o.src_port, o.dst_port, r.src_port, r.dst_port])
                    {
                        flag_num(&mut out, n, v.map(u64::from));
                    }
                    let states = match p {
                        IPPROTO_TCP => Some(TCP_STATES),
                        IPPROTO_SCTP => Some(SCTP_STATES),
                        IPPROTO_DCCP => Some(DCCP_STATES),
                        _ => None,
                    };
                    if let (Some(tbl), Some(s)) = (states, ct_state(ct)) {
                        if let Some(n) = tbl.get(s as usize) {
                            put(&mut out, b"--state ");
                            put_str(&mut out, n);
                            put(&mut out, b" ");
                        }
                    }
                }
            }
        }
        None => put_num(&mut out, b"-p ", p.into()),
    }
    while out.last() == Some(&b' ') {
        out.pop();
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
