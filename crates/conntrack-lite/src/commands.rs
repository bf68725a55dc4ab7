// SPDX-License-Identifier: Apache-2.0
//! The conntrack-table commands (conntrack's do_command_ct): list, delete,
//! update, get. Each returns how many entries it handled.

use std::net::IpAddr;

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{
    ct_delete_into, ct_request, Conntrack, DeleteMsg, ProtoInfo, TcpInfo, Tuple,
};
use nfnl::msg::{NLM_F_ACK, NLM_F_DUMP};
use nfnl::{Error, Socket};

use crate::error::{err2str, errno_of, param, Result};
use crate::output::Out;
use crate::parse::{Cmd, Table};
use crate::table::*;
use crate::template::{Filter, Net};

/// The command's filter (nfct_filter_init): --mask-src/--mask-dst turn the
/// exact address into a network comparison.
pub fn filter_for(cmd: &Cmd) -> Result<Filter> {
    if cmd.options & O_MASK_SRC != 0 && cmd.options & O_ORIG_SRC == 0 {
        return param("Can't use --mask-src without --src");
    }
    if cmd.options & O_MASK_DST != 0 && cmd.options & O_ORIG_DST == 0 {
        return param("Can't use --mask-dst without --dst");
    }
    let mut tmpl = cmd.tmpl.clone();
    let net = |addr: Option<IpAddr>, mask: Option<IpAddr>| -> Option<Net> {
        let (a, m) = (addr?, mask?);
        let network = match (a, m) {
            (IpAddr::V4(a), IpAddr::V4(m)) => IpAddr::V4((u32::from(a) & u32::from(m)).into()),
            (IpAddr::V6(a), IpAddr::V6(m)) => IpAddr::V6((u128::from(a) & u128::from(m)).into()),
            _ => return None,
        };
        Some(Net { network, mask: m })
    };
    let src = if cmd.options & O_MASK_SRC != 0 {
        net(cmd.tmpl.orig.src, cmd.mask_src)
    } else {
        None
    };
    let dst = if cmd.options & O_MASK_DST != 0 {
        net(cmd.tmpl.orig.dst, cmd.mask_dst)
    } else {
        None
    };
    if src.is_some() {
        tmpl.orig.src = None;
    }
    if dst.is_some() {
        tmpl.orig.dst = None;
    }
    Ok(Filter {
        options: cmd.options,
        family: cmd.family,
        tmpl,
        net_src: src,
        net_dst: dst,
    })
}

fn fail(e: &Error, command: u32) -> crate::error::Fail {
    crate::error::Fail::Other(format!(
        "Operation failed: {}",
        err2str(errno_of(e), command)
    ))
}

pub fn list(cmd: &Cmd, sock: &mut Socket, out: &mut Out) -> Result<()> {
    let kind = match cmd.table {
        Table::Dying => IPCTNL_MSG_CT_GET_DYING,
        Table::Unconfirmed => IPCTNL_MSG_CT_GET_UNCONFIRMED,
        _ => {
            if cmd.options & O_COMPARISON != 0 && cmd.options & O_ZERO != 0 {
                return param("Can't use -z with filtering parameters");
            }
            if cmd.options & O_ZERO != 0 {
                IPCTNL_MSG_CT_GET_CTRZERO
            } else {
                IPCTNL_MSG_CT_GET
            }
        }
    };
    let filter = filter_for(cmd)?;
    let tmpl = &filter.tmpl;
    let plain = matches!(cmd.table, Table::Conntrack | Table::Expect);
    // Entries are printed as they arrive: a big table is never held whole.
    let seq = sock.next_seq();
    let req = ct_request(kind, NLM_F_DUMP, seq, cmd.family, None);
    let r = sock.dump(req.as_bytes(), seq, |m| {
        let Ok(ct) = Conntrack::from_msg(&m) else {
            return Ok(());
        };
        if plain {
            if let Some((val, mask)) = tmpl.status_filter {
                if ct.status.unwrap_or(0) & mask != val {
                    return Ok(());
                }
            }
        }
        if !filter.rejects(&ct) {
            out.entry(cmd, &ct, true);
            out.counter += 1;
        }
        Ok(())
    });
    match r {
        Ok(()) | Err(Error::DumpInterrupted) => {}
        Err(e) => {
            out.finish();
            return Err(fail(&e, cmd.command));
        }
    }
    out.finish();
    Ok(())
}

/// -D: delete while dumping, as conntrack-tools does (mnl_nfct_delete_cb):
/// each entry the filter keeps is deleted from the dump callback through a
/// second socket, so the table is never held whole. The kernel resumes its
/// dump after entries deleted meanwhile; one that vanished between the dump
/// and its delete (ENOENT) is skipped.
pub fn delete(cmd: &Cmd, sock: &mut Socket, out: &mut Out) -> Result<()> {
    let filter = filter_for(cmd)?;
    let mut modifier = Socket::open().map_err(|e| fail(&e, CT_DELETE))?;
    let seq = sock.next_seq();
    let req = ct_request(IPCTNL_MSG_CT_GET, NLM_F_DUMP, seq, cmd.family, None);
    let mut buf = nfnl::attr::Writer::with_capacity(256);
    let mut fast = DeleteMsg::default();
    let r = sock.dump(req.as_bytes(), seq, |m| {
        let Ok(ct) = Conntrack::from_msg(&m) else {
            return Ok(());
        };
        if filter.rejects(&ct) {
            return Ok(());
        }
        let seq = modifier.next_seq();
        let bytes = if fast.fill(seq, &ct) {
            fast.as_bytes()
        } else {
            ct_delete_into(&mut buf, seq, &ct);
            buf.as_bytes()
        };
        match modifier.request(bytes, seq, |_| Ok(())) {
            Ok(()) => {}
            // gone in the meantime (expired or deleted by someone else)
            Err(e) if errno_of(&e) == libc::ENOENT => return Ok(()),
            // stops the dump: `Socket::dump` drains it and returns this
            Err(e) => return Err(e),
        }
        out.deleted(cmd, &ct);
        out.counter += 1;
        Ok(())
    });
    out.flush();
    match r {
        Ok(()) | Err(Error::DumpInterrupted) => Ok(()),
        Err(e) => Err(fail(&e, CT_DELETE)),
    }
}

fn cmp_tuple_only(want: &Tuple, l3: Option<u8>, got: Option<&Tuple>, fam: u8) -> bool {
    let t = crate::template::Template {
        orig: want.clone(),
        orig_l3: l3,
        ..Default::default()
    };
    let mut ct = Conntrack::default();
    ct.family = fam;
    ct.orig = got.cloned();
    crate::template::cmp(&t, &ct)
}

/// -U: like -D, the updates are sent from inside the dump through a second
/// socket (mnl_nfct_update_cb), so the table is never held whole.
pub fn update(cmd: &Cmd, sock: &mut Socket, out: &mut Out) -> Result<()> {
    let filter = filter_for(cmd)?;
    let tmpl = &filter.tmpl;
    let mut modifier = Socket::open().map_err(|e| fail(&e, CT_UPDATE))?;
    let seq = sock.next_seq();
    let req = ct_request(IPCTNL_MSG_CT_GET, NLM_F_DUMP, seq, cmd.family, None);
    let r = sock.dump(req.as_bytes(), seq, |m| {
        let Ok(ct) = Conntrack::from_msg(&m) else {
            return Ok(());
        };
        if filter.nat_rejects(&ct) || filter.label_rejects(&ct) || filter.network_rejects(&ct) {
            return Ok(());
        }
        if let (Some(a), Some(b)) = (tmpl.id, ct.id) {
            if a != b {
                return Ok(());
            }
        }
        if cmd.options & (O_ORIG | O_PROTO) != 0
            && !cmp_tuple_only(&tmpl.orig, tmpl.orig_l3, ct.orig.as_ref(), ct.family)
        {
            return Ok(());
        }
        if cmd.options & (O_REPL | O_PROTO) != 0
            && !cmp_tuple_only(&tmpl.repl, tmpl.repl_l3, ct.reply.as_ref(), ct.family)
        {
            return Ok(());
        }
        let new = updated(cmd, tmpl, &ct);
        if unchanged(&new, &ct) {
            return Ok(());
        }
        let seq = modifier.next_seq();
        let req = ct_request(IPCTNL_MSG_CT_NEW, NLM_F_ACK, seq, cmd.family, Some(&new));
        if let Err(e) = modifier.request(req.as_bytes(), seq, |_| Ok(())) {
            out.flush();
            eprintln!("Operation failed: {}", err2str(errno_of(&e), CT_UPDATE));
        }
        let seq = modifier.next_seq();
        let req = ct_request(IPCTNL_MSG_CT_GET, NLM_F_ACK, seq, cmd.family, Some(&new));
        let mut got = Vec::new();
        match modifier.request(req.as_bytes(), seq, |m| {
            if let Ok(c) = Conntrack::from_msg(&m) {
                got.push(c);
            }
            Ok(())
        }) {
            Ok(()) => {}
            Err(e) if errno_of(&e) == libc::ENOENT => return Ok(()),
            // stops the dump: `Socket::dump` drains it and returns this
            Err(e) => return Err(e),
        }
        for c in &got {
            out.entry(cmd, c, false);
        }
        out.counter += 1;
        Ok(())
    });
    out.flush();
    match r {
        Ok(()) | Err(Error::DumpInterrupted) => Ok(()),
        Err(e) => Err(fail(&e, CT_UPDATE)),
    }
}

/// The entry to send for -U: the original tuple, the template's timeout,
/// status and state, the new mark and labels.
fn updated(cmd: &Cmd, tmpl: &crate::template::Template, ct: &Conntrack) -> Conntrack {
    let mut n = Conntrack::default();
    n.orig = ct.orig.clone();
    n.timeout = tmpl.timeout;
    n.id = tmpl.id;
    if let Some(s) = tmpl.state {
        n.protoinfo = Some(ProtoInfo::Tcp(TcpInfo {
            state: Some(s),
            ..TcpInfo::default()
        }));
    }
    if cmd.options & O_MARK != 0 {
        let (value, mask) = tmpl.mark.unwrap_or((0, u32::MAX));
        n.mark = Some((ct.mark.unwrap_or(0) & !mask) ^ value);
    }
    if cmd.options & O_STATUS != 0 {
        n.status = Some(tmpl.status.unwrap_or(0) | ct.status.unwrap_or(0));
    }
    if let Some(bits) = &tmpl.labels_modify {
        let len = ct.labels.as_ref().map_or(16, |l| l.len().max(16));
        let mut labels = ct.labels.clone().unwrap_or_default();
        labels.resize(len, 0);
        let mut mask = vec![0u8; len];
        for &b in bits {
            let (i, bit) = ((b / 8) as usize, 1u8 << (b % 8));
            if let (Some(l), Some(m)) = (labels.get_mut(i), mask.get_mut(i)) {
                *m |= bit;
                if cmd.options & O_ADD_LABEL != 0 {
                    *l |= bit;
                } else {
                    *l &= !bit;
                }
            }
        }
        n.labels = Some(labels);
        n.labels_mask = Some(mask);
    } else if cmd.options & O_DEL_LABEL != 0 {
        n.labels = Some(vec![0u8; ct.labels.as_ref().map_or(16, |l| l.len())]);
    }
    n
}

/// nfct_cmp(new, ct, ALL|MASK): nothing the update would set differs.
fn unchanged(new: &Conntrack, ct: &Conntrack) -> bool {
    let mark_same = new.mark.is_none_or(|m| ct.mark.unwrap_or(0) == m);
    let status_same = new
        .status
        .is_none_or(|s| ct.status.is_some_and(|c| c & s == s));
    let state_same = new
        .tcp_state()
        .is_none_or(|s| crate::template::ct_state(ct) == Some(s));
    let labels_same = new.labels.is_none();
    mark_same && status_same && state_same && labels_same
}

pub fn get(cmd: &Cmd, sock: &mut Socket, out: &mut Out) -> Result<()> {
    let t = &cmd.tmpl;
    let mut q = Conntrack::default();
    if cmd.options & O_ORIG != 0 {
        q.orig = Some(t.orig.clone());
    }
    if cmd.options & O_REPL != 0 {
        q.reply = Some(t.repl.clone());
    }
    q.zone = t.zone;
    q.id = t.id;
    let seq = sock.next_seq();
    let req = ct_request(IPCTNL_MSG_CT_GET, NLM_F_ACK, seq, cmd.family, Some(&q));
    let mut got = Vec::new();
    sock.request(req.as_bytes(), seq, |m| {
        if let Ok(c) = Conntrack::from_msg(&m) {
            got.push(c);
        }
        Ok(())
    })
    .map_err(|e| fail(&e, cmd.command))?;
    let filter = filter_for(cmd)?;
    for ct in got {
        if filter.rejects(&ct) {
            continue;
        }
        out.entry(cmd, &ct, true);
        out.counter += 1;
    }
    out.finish();
    Ok(())
}
