// SPDX-License-Identifier: Apache-2.0
//! Request messages for ctnetlink, built into a [`Writer`].

use super::attribute::*;
use super::message::Conntrack;
use crate::attr::Writer;
use crate::msg::{nfnl_type, Msg, NFNL_SUBSYS_CTNETLINK, NFNL_SUBSYS_CTNETLINK_EXP, NLM_F_CREATE};

/// One conntrack request: `kind` (IPCTNL_MSG_CT_*), flags (NLM_F_DUMP,
/// NLM_F_ACK, NLM_F_CREATE|NLM_F_EXCL …), nfgenmsg family, and the entry's
/// attributes (none for a whole-table dump or flush).
pub fn ct_request(kind: u8, flags: u16, seq: u32, family: u8, ct: Option<&Conntrack>) -> Writer {
    let mut w = Writer::with_capacity(256);
    let m = w.msg_start(
        nfnl_type(NFNL_SUBSYS_CTNETLINK, kind),
        flags,
        seq,
        family,
        0,
    );
    if let Some(ct) = ct {
        ct.emit(&mut w);
    }
    w.msg_end(m);
    w
}

/// IPCTNL_MSG_CT_DELETE with NLM_F_ACK naming `ct` by its original tuple,
/// id and zone (what conntrack -D sends for each dumped entry), written into
/// `w` after clearing it, so a delete loop reuses one buffer.
pub fn ct_delete_into(w: &mut Writer, seq: u32, ct: &Conntrack) {
    w.clear();
    let m = w.msg_start(
        nfnl_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE),
        crate::msg::NLM_F_ACK,
        seq,
        ct.l3family(),
        0,
    );
    if let Some(t) = &ct.orig {
        t.emit(w, CTA_TUPLE_ORIG);
    }
    if let Some(v) = ct.id {
        w.put_be32(CTA_ID, v);
    }
    if let Some(v) = ct.zone {
        w.put_be16(CTA_ZONE, v);
    }
    w.msg_end(m);
}

/// One expectation request (IPCTNL_MSG_EXP_*), optionally with attributes.
pub fn exp_request(
    kind: u8,
    flags: u16,
    seq: u32,
    family: u8,
    exp: Option<&super::Expect>,
) -> Writer {
    let mut w = Writer::with_capacity(256);
    let m = w.msg_start(
        nfnl_type(NFNL_SUBSYS_CTNETLINK_EXP, kind),
        flags,
        seq,
        family,
        0,
    );
    if let Some(e) = exp {
        e.emit(&mut w);
    }
    w.msg_end(m);
    w
}

/// What an event message reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    New,
    Update,
    Destroy,
    Unknown,
}

impl EventKind {
    /// NEW with NLM_F_CREATE is a new entry, without it an update; DELETE is
    /// a destroy. The same holds for expectation events.
    pub fn of(m: &Msg<'_>) -> EventKind {
        match m.kind() {
            k if k == IPCTNL_MSG_CT_NEW && m.flags & NLM_F_CREATE != 0 => EventKind::New,
            k if k == IPCTNL_MSG_CT_NEW => EventKind::Update,
            k if k == IPCTNL_MSG_CT_DELETE => EventKind::Destroy,
            _ => EventKind::Unknown,
        }
    }
}
