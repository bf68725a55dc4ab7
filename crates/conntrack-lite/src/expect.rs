// SPDX-License-Identifier: Apache-2.0
//! The expectation table: -L/-C/-F/-G/-D/-S expect, and the expectation
//! line format (libnetfilter_conntrack's expect/snprintf_default.c).

use std::fmt::Write;

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{exp_request, EventKind, Expect, Tuple};
use nfnl::msg::{NLM_F_ACK, NLM_F_DUMP};
use nfnl::{Error, Socket};

use crate::create::op_failed;
use crate::error::{prefix, Result};
use crate::output::Out;
use crate::parse::{Cmd, O_TMS, O_XML};

fn put_tuple(out: &mut String, t: Option<&Tuple>, fam: u8, src: &str, dst: &str) {
    let empty = Tuple::default();
    let t = t.unwrap_or(&empty);
    let f = t.family().unwrap_or(fam);
    let v6 = f == libc::AF_INET6 as u8;
    if f == libc::AF_INET as u8 || v6 {
        let _ = write!(
            out,
            "{src}={} {dst}={} ",
            crate::print::addr(t.src, v6),
            crate::print::addr(t.dst, v6)
        );
    }
    match t.proto.unwrap_or(0) {
        IPPROTO_TCP | IPPROTO_UDP | IPPROTO_UDPLITE | IPPROTO_SCTP | IPPROTO_DCCP => {
            let _ = write!(
                out,
                "sport={} dport={} ",
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
        IPPROTO_GRE => {
            let _ = write!(
                out,
                "srckey=0x{:x} dstkey=0x{:x} ",
                t.src_port.unwrap_or(0),
                t.dst_port.unwrap_or(0)
            );
        }
        _ => {}
    }
}

/// One expectation in the default format.
pub fn line(e: &Expect, ev: Option<EventKind>) -> String {
    let mut out = String::new();
    match ev {
        Some(EventKind::New) => out.push_str("    [NEW] "),
        Some(EventKind::Update) => out.push_str(" [UPDATE] "),
        Some(EventKind::Destroy) => out.push_str("[DESTROY] "),
        _ => {}
    }
    if let Some(t) = e.timeout {
        let _ = write!(out, "{t} ");
    }
    let proto = e.tuple.as_ref().and_then(|t| t.proto).unwrap_or(0);
    let _ = write!(out, "proto={proto} ");
    put_tuple(&mut out, e.tuple.as_ref(), e.family, "src", "dst");
    put_tuple(&mut out, e.mask.as_ref(), e.family, "mask-src", "mask-dst");
    put_tuple(
        &mut out,
        e.master.as_ref(),
        e.family,
        "master-src",
        "master-dst",
    );
    if let Some(z) = e.zone {
        let _ = write!(out, "zone={z} ");
    }
    let flags = e.flags.unwrap_or(0);
    let mut names = Vec::new();
    if flags & NF_CT_EXPECT_PERMANENT != 0 {
        names.push("PERMANENT");
    }
    if flags & NF_CT_EXPECT_INACTIVE != 0 {
        names.push("INACTIVE");
    }
    if flags & NF_CT_EXPECT_USERSPACE != 0 {
        names.push("USERSPACE");
    }
    out.push_str(&names.join(","));
    if flags != 0 {
        out.push(' ');
    }
    if let Some(c) = e.class {
        let _ = write!(out, "class={c} ");
    }
    if let Some(h) = &e.helper {
        let _ = write!(out, "helper={h}");
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn dump(sock: &mut Socket, family: u8) -> std::result::Result<Vec<Expect>, Error> {
    let seq = sock.next_seq();
    let req = exp_request(IPCTNL_MSG_EXP_GET, NLM_F_DUMP, seq, family, None);
    let mut all = Vec::new();
    match sock.dump(req.as_bytes(), seq, |m| {
        if let Ok(e) = Expect::from_msg(&m) {
            all.push(e);
        }
        Ok(())
    }) {
        Ok(()) | Err(Error::DumpInterrupted) => Ok(all),
        Err(e) => Err(e),
    }
}

/// A timestamp prefix as conntrack prints it for expectations ("[%-8ld.%-6ld]\t").
pub fn tms_prefix() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("[{:<8}.{:<6}]\t", d.as_secs(), d.subsec_micros())
}

pub fn list(cmd: &Cmd, sock: &mut Socket, out: &mut Out) -> Result<()> {
    let all = dump(sock, cmd.family).map_err(|e| op_failed(&e, cmd.command))?;
    let mut header = false;
    for e in all {
        if cmd.output & O_XML != 0 && !header {
            header = true;
            out.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<expect>\n");
        }
        if cmd.output & O_TMS != 0 && cmd.output & O_XML == 0 {
            out.raw(&tms_prefix());
        }
        out.line(&line(&e, None));
        out.counter += 1;
    }
    if header {
        out.raw("</expect>\n");
    }
    out.flush();
    Ok(())
}

pub fn count(cmd: &Cmd, sock: &mut Socket, out: &mut Out) -> Result<()> {
    let all = dump(sock, cmd.family).map_err(|e| op_failed(&e, cmd.command))?;
    out.line(&all.len().to_string());
    Ok(())
}

pub fn flush(cmd: &Cmd, sock: &mut Socket) -> Result<()> {
    let seq = sock.next_seq();
    let req = exp_request(IPCTNL_MSG_EXP_DELETE, NLM_F_ACK, seq, cmd.family, None);
    let r = sock.request(req.as_bytes(), seq, |_| Ok(()));
    eprintln!("{}expectation table has been emptied.", prefix());
    r.map_err(|e| op_failed(&e, cmd.command))
}

/// -G expect (by master tuple) and -D expect (by expected tuple).
pub fn get_or_delete(cmd: &Cmd, sock: &mut Socket, out: &mut Out, delete: bool) -> Result<()> {
    let mut e = Expect::default();
    if delete {
        e.tuple = Some(cmd.tmpl.orig.clone());
    } else {
        e.master = Some(cmd.tmpl.orig.clone());
    }
    let kind = if delete {
        IPCTNL_MSG_EXP_DELETE
    } else {
        IPCTNL_MSG_EXP_GET
    };
    let seq = sock.next_seq();
    let req = exp_request(kind, NLM_F_ACK, seq, cmd.family, Some(&e));
    let mut got = Vec::new();
    sock.request(req.as_bytes(), seq, |m| {
        if let Ok(x) = Expect::from_msg(&m) {
            got.push(x);
        }
        Ok(())
    })
    .map_err(|err| op_failed(&err, cmd.command))?;
    for x in got {
        out.line(&line(&x, None));
        out.counter += 1;
    }
    out.flush();
    Ok(())
}

/// -I expect: master, expected tuple and mask from the command line.
pub fn create(cmd: &Cmd, sock: &mut Socket) -> Result<()> {
    let t = &cmd.tmpl;
    let mut e = Expect::default();
    e.master = Some(t.orig.clone());
    let mut tuple = t.exptuple.clone();
    tuple.proto = tuple.proto.or(t.orig.proto);
    let mut mask = t.mask.clone();
    mask.proto = mask.proto.or(t.orig.proto);
    e.tuple = Some(tuple);
    e.mask = Some(mask);
    e.timeout = t.timeout;
    let seq = sock.next_seq();
    let req = exp_request(
        IPCTNL_MSG_EXP_NEW,
        NLM_F_ACK | nfnl::msg::NLM_F_CREATE | nfnl::msg::NLM_F_EXCL,
        seq,
        cmd.family,
        Some(&e),
    );
    sock.request(req.as_bytes(), seq, |_| Ok(()))
        .map_err(|err| op_failed(&err, cmd.command))
}
