// SPDX-License-Identifier: Apache-2.0
//! The expectation table: -L/-C/-F/-G/-D/-S expect, and the expectation
//! line format (libnetfilter_conntrack's expect/snprintf_default.c).

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{exp_request, EventKind, Expect, Tuple};
use nfnl::msg::{NLM_F_ACK, NLM_F_DUMP};
use nfnl::{Error, Socket};

use crate::create::op_failed;
use crate::error::{prefix, Result};
use crate::output::Out;
use crate::parse::{Cmd, O_TMS, O_XML};
use crate::print::{put_num, put_tuple};
use crate::text::{put, put_str};

pub fn line(e: &Expect, ev: Option<EventKind>) -> String {
    let mut out = Vec::with_capacity(256);
    match ev {
        Some(EventKind::New) => put(&mut out, b"    [NEW] "),
        Some(EventKind::Update) => put(&mut out, b" [UPDATE] "),
        Some(EventKind::Destroy) => put(&mut out, b"[DESTROY] "),
        _ => {}
    }
    if let Some(t) = e.timeout {
        put_num(&mut out, b"", t.into());
    }
    let proto = e.tuple.as_ref().and_then(|t| t.proto).unwrap_or(0);
    put_num(&mut out, b"proto=", proto.into());
    let empty = Tuple::default();
    for (t, src, dst) in [
        (&e.tuple, &b"src"[..], &b"dst"[..]),
        (&e.mask, b"mask-src", b"mask-dst"),
        (&e.master, b"master-src", b"master-dst"),
    ] {
        put_tuple(&mut out, t.as_ref().unwrap_or(&empty), e.family, src, dst);
    }
    if let Some(z) = e.zone {
        put_num(&mut out, b"zone=", z.into());
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
    put_str(&mut out, &names.join(","));
    if flags != 0 {
        put(&mut out, b" ");
    }
    if let Some(c) = e.class {
        put_num(&mut out, b"class=", c.into());
    }
    if let Some(h) = &e.helper {
        put(&mut out, b"helper=");
        put_str(&mut out, h);
    }
    if out.last() == Some(&b' ') {
        out.pop();
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;

    fn tuple(src: &str, dst: &str, proto: u8, ports: (u16, u16)) -> Tuple {
        let mut t = Tuple::default();
        t.src = src.parse().ok();
        t.dst = dst.parse().ok();
        t.proto = Some(proto);
        (t.src_port, t.dst_port) = (Some(ports.0), Some(ports.1));
        t
    }

    /// Lines as the String-based formatter before text.rs printed them.
    #[test]
    fn expectation_lines() {
        let mut e = Expect::default();
        e.family = libc::AF_INET as u8;
        e.timeout = Some(300);
        e.tuple = Some(tuple("1.1.1.1", "2.2.2.2", 17, (0, 5060)));
        e.mask = Some(tuple("255.255.255.255", "255.255.255.255", 17, (0, 65535)));
        e.master = Some(tuple("1.1.1.1", "2.2.2.2", 17, (5060, 5060)));
        e.flags = Some(NF_CT_EXPECT_PERMANENT | NF_CT_EXPECT_USERSPACE);
        e.class = Some(0);
        e.helper = Some("sip".into());
        e.zone = Some(3);
        assert_eq!(
            line(&e, Some(EventKind::New)),
            "    [NEW] 300 proto=17 src=1.1.1.1 dst=2.2.2.2 sport=0 dport=5060 \
             mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 \
             master-src=1.1.1.1 master-dst=2.2.2.2 sport=5060 dport=5060 zone=3 \
             PERMANENT,USERSPACE class=0 helper=sip"
        );
        let mut v6 = Expect::default();
        v6.family = libc::AF_INET6 as u8;
        let mut icmp = Tuple::default();
        icmp.src = "fe80::1".parse().ok();
        icmp.proto = Some(IPPROTO_ICMPV6);
        icmp.icmp_type = Some(128);
        v6.tuple = Some(icmp);
        v6.master = Some(tuple("10.0.0.1", "10.0.0.2", IPPROTO_GRE, (0x1234, 0xffff)));
        assert_eq!(
            line(&v6, None),
            "proto=58 src=fe80::1 dst=:: type=128 code=0 id=0 mask-src=:: mask-dst=:: \
             master-src=10.0.0.1 master-dst=10.0.0.2 srckey=0x1234 dstkey=0xffff"
        );
        assert_eq!(
            line(&Expect::default(), Some(EventKind::Destroy)),
            "[DESTROY] proto=0"
        );
    }
}
