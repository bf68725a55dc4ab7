// SPDX-License-Identifier: Apache-2.0
//! -I/-A (create, add), -F (flush), -C (count), -S (stats).

use std::io::Write;

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{
    ct_request, global_entries, Conntrack, CpuStats, Nat, ProtoInfo, TcpInfo, Tuple,
};
use nfnl::msg::{NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL};
use nfnl::{Error, Socket};

use crate::error::{err2str, errno_of, other, prefix, Fail, Result};
use crate::output::Out;
use crate::parse::Cmd;
use crate::table::*;

fn icmp_reply_type(proto: u8, t: u8) -> u8 {
    let map: &[(u8, u8)] = if proto == IPPROTO_ICMPV6 {
        &[(128, 129), (129, 128), (139, 140), (140, 139)]
    } else {
        &[
            (8, 0),
            (0, 8),
            (13, 14),
            (14, 13),
            (15, 16),
            (16, 15),
            (17, 18),
            (18, 17),
        ]
    };
    map.iter().find(|(a, _)| *a == t).map_or(255, |(_, b)| *b)
}

/// The other direction of a tuple (NFCT_SOPT_SETUP_REPLY / _ORIGINAL).
fn invert(t: &Tuple) -> Tuple {
    let mut r = Tuple::default();
    r.src = t.dst;
    r.dst = t.src;
    r.proto = t.proto;
    r.src_port = t.dst_port;
    r.dst_port = t.src_port;
    if let Some(p @ (IPPROTO_ICMP | IPPROTO_ICMPV6)) = t.proto {
        r.icmp_type = t.icmp_type.map(|ty| icmp_reply_type(p, ty));
        r.icmp_code = t.icmp_code;
        r.icmp_id = t.icmp_id;
    }
    r
}

fn nat(ip: Option<std::net::IpAddr>, port: Option<u16>) -> Option<Nat> {
    ip.map(|ip| Nat {
        min_ip: Some(ip),
        max_ip: Some(ip),
        min_port: port,
        max_port: port,
    })
}

/// The entry -I/-A sends.
pub fn entry(cmd: &Cmd) -> Conntrack {
    let t = &cmd.tmpl;
    let has_orig = cmd.options & O_ORIG != 0;
    let has_repl = cmd.options & O_REPL != 0;
    let mut orig = t.orig.clone();
    let mut repl = t.repl.clone();
    if has_orig && !has_repl {
        let z = repl.zone;
        repl = invert(&orig);
        repl.zone = z;
    } else if has_repl && !has_orig {
        let z = orig.zone;
        orig = invert(&repl);
        orig.zone = z;
    }
    if repl.proto.is_none() {
        repl.proto = orig.proto;
    }
    let mut ct = Conntrack::default();
    ct.orig = Some(orig);
    ct.reply = Some(repl);
    // libnetfilter_conntrack always sends CONFIRMED with a status: the
    // kernel refuses to see that bit change (EBUSY).
    ct.status = t.status.map(|s| s | IPS_CONFIRMED);
    ct.timeout = t.timeout;
    ct.zone = t.zone;
    ct.secmark = t.secmark;
    if cmd.options & O_MARK != 0 {
        ct.mark = t.mark.map(|(v, _)| v);
    }
    ct.nat_src = nat(t.snat, t.snat_port);
    ct.nat_dst = nat(t.dnat, t.dnat_port);
    if t.state.is_some() || t.tcp_flags.is_some() {
        let flags = t.tcp_flags.map(|f| (f, f));
        ct.protoinfo = Some(match cmd.protonum {
            IPPROTO_SCTP => ProtoInfo::Sctp { state: t.state },
            IPPROTO_DCCP => ProtoInfo::Dccp { state: t.state },
            _ => ProtoInfo::Tcp(TcpInfo {
                state: t.state,
                flags_orig: flags,
                flags_reply: flags,
                ..TcpInfo::default()
            }),
        });
    }
    if let Some(bits) = &t.labels_modify {
        let mut l = vec![0u8; 16];
        for &b in bits {
            if let Some(x) = l.get_mut((b / 8) as usize) {
                *x |= 1 << (b % 8);
            }
        }
        ct.labels = Some(l);
    }
    ct
}

pub fn create(cmd: &Cmd, sock: &mut Socket, out: &mut Out) -> Result<()> {
    let ct = entry(cmd);
    let seq = sock.next_seq();
    let req = ct_request(
        IPCTNL_MSG_CT_NEW,
        NLM_F_CREATE | NLM_F_ACK | NLM_F_EXCL,
        seq,
        cmd.family,
        Some(&ct),
    );
    match sock.request(req.as_bytes(), seq, |_| Ok(())) {
        Ok(()) => out.counter += 1,
        Err(e) if cmd.command == CT_ADD && errno_of(&e) == libc::EEXIST => {}
        Err(e) => return Err(op_failed(&e, cmd.command)),
    }
    Ok(())
}

pub fn op_failed(e: &Error, command: u32) -> Fail {
    Fail::Other(format!(
        "Operation failed: {}",
        err2str(errno_of(e), command)
    ))
}

pub fn flush(cmd: &Cmd, sock: &mut Socket) -> Result<()> {
    let seq = sock.next_seq();
    let req = ct_request(IPCTNL_MSG_CT_DELETE, NLM_F_ACK, seq, cmd.family, None);
    let r = sock.request(req.as_bytes(), seq, |_| Ok(()));
    eprintln!("{}connection tracking table has been emptied.", prefix());
    r.map_err(|e| op_failed(&e, cmd.command))
}

pub fn count(sock: &mut Socket, out: &mut Out) -> Result<()> {
    let seq = sock.next_seq();
    let req = ct_request(IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, seq, 0, None);
    let mut n = None;
    let r = sock.request(req.as_bytes(), seq, |m| {
        if let Ok(Some(v)) = global_entries(&m) {
            n = Some(v);
        }
        Ok(())
    });
    if r.is_ok() {
        if let Some(v) = n {
            out.line(&(v as i32).to_string());
        }
        return Ok(());
    }
    const PROC: &str = "/proc/sys/net/netfilter/nf_conntrack_count";
    let Ok(text) = std::fs::read_to_string(PROC) else {
        return other(format!("Can't open {PROC}"));
    };
    match text.trim().parse::<i64>() {
        Ok(v) => {
            out.line(&v.to_string());
            Ok(())
        }
        Err(_) => other(format!("Can't read {PROC}")),
    }
}

const STAT_NAMES: [&str; 16] = [
    "",
    "searched",
    "found",
    "new",
    "invalid",
    "ignore",
    "delete",
    "delete_list",
    "insert",
    "insert_failed",
    "drop",
    "early_drop",
    "error",
    "search_restart",
    "clash_resolve",
    "chaintoolong",
];

fn stat_name(kind: u16, exp: bool) -> Option<String> {
    if exp {
        return match kind {
            1 => Some("expect_new".into()),
            2 => Some("expect_create".into()),
            3 => Some("expect_delete".into()),
            _ => None,
        };
    }
    match kind {
        1..=15 => Some(STAT_NAMES[kind as usize].to_string()),
        16..=19 => Some(format!("unknown{}", kind - CTA_STATS_MAX)),
        _ => None,
    }
}

/// -S: per-CPU counters, via ctnetlink or else /proc/net/stat/nf_conntrack.
pub fn stats(sock: &mut Socket, out: &mut Out, exp: bool) -> Result<()> {
    let seq = sock.next_seq();
    let req = if exp {
        nfnl::ctnetlink::exp_request(IPCTNL_MSG_EXP_GET_STATS_CPU, NLM_F_DUMP, seq, 0, None)
    } else {
        ct_request(IPCTNL_MSG_CT_GET_STATS_CPU, NLM_F_DUMP, seq, 0, None)
    };
    let mut cpus = Vec::new();
    let r = sock.dump(req.as_bytes(), seq, |m| {
        if let Ok(s) = CpuStats::from_msg(&m) {
            cpus.push(s);
        }
        Ok(())
    });
    if r.is_ok() || matches!(r, Err(Error::DumpInterrupted)) {
        for s in cpus {
            let mut line = format!("cpu={:<4}\t", s.cpu);
            let mut kinds: Vec<(u16, u32)> = s.counters.clone();
            kinds.sort_by_key(|(k, _)| *k);
            for (k, v) in kinds {
                if let Some(n) = stat_name(k, exp) {
                    line.push_str(&format!("{n}={v} "));
                }
            }
            out.line(&line);
        }
        return Ok(());
    }
    proc_stats(out)
}

fn proc_stats(out: &mut Out) -> Result<()> {
    let Ok(text) = std::fs::read_to_string("/proc/net/stat/nf_conntrack") else {
        return other("Can't open /proc interface");
    };
    let mut lines = text.lines();
    let Some(head) = lines.next() else {
        return other("Can't open /proc interface");
    };
    let names: Vec<&str> = head.split_whitespace().collect();
    let mut cpu = 0;
    for l in lines {
        let vals: Vec<u32> = l
            .split_whitespace()
            .map(|v| u32::from_str_radix(v, 16).unwrap_or(0))
            .collect();
        let mut line = format!("cpu={cpu:<4}\t");
        for (i, n) in names.iter().enumerate() {
            line.push_str(&format!("{n}={} ", vals.get(i).copied().unwrap_or(0)));
        }
        out.line(&line);
        cpu += 1;
    }
    if cpu == 0 {
        return other("Can't open /proc interface");
    }
    let _ = std::io::stdout().flush();
    Ok(())
}
