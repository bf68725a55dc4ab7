// SPDX-License-Identifier: Apache-2.0
//! The transaction (mnl.c batch, cmd.c `cmd_add_loc`/`nft_cmd_error`): BATCH_BEGIN, every
//! message with its own sequence number and NLM_F_ACK, BATCH_END (left out for `--check`, so
//! the kernel validates everything and then aborts). Kernel errors come back by sequence
//! number; the extended-ack offset is mapped to the attribute, and the attribute to the source
//! span it was built from.
//!
//! Invariant: only this module writes ruleset changes to the socket.

use nfnl::attr::{AttrIter, Writer};
use nfnl::msg::{NFGENMSG_LEN, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NLMSG_HDRLEN};
use nfnl::nftables::consts::{
    NFTA_RULE_EXPRESSIONS, NFTA_SET_ELEM_LIST_ELEMENTS, NFT_MSG_DELSETELEM, NFT_MSG_DESTROYSETELEM,
    NFT_MSG_NEWRULE, NFT_MSG_NEWSETELEM,
};
use nfnl::{KernelError, Socket};

use crate::ast::Span;
use crate::erec::ErrorRecord;
use crate::linearize::Out;

/// Where one message sits in the batch and where its parts came from.
struct Entry {
    seq: u32,
    offset: usize,
    len: usize,
    msg: u8,
    spans: Vec<(u16, Span)>,
    list_spans: Vec<Span>,
    cmd_span: Span,
}

pub struct Batch {
    w: Writer,
    entries: Vec<Entry>,
    begin_seq: u32,
    next_seq: u32,
}

impl Batch {
    pub fn new(first_seq: u32) -> Batch {
        let mut w = Writer::with_capacity(1 << 16);
        w.batch_marker(NFNL_MSG_BATCH_BEGIN, first_seq);
        Batch {
            w,
            entries: Vec::new(),
            begin_seq: first_seq,
            next_seq: first_seq.wrapping_add(1),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Append one message (its spans are kept for error mapping).
    pub fn push(&mut self, out: Out) {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        let start = out.emit(&mut self.w, seq);
        let offset = start.offset();
        self.entries.push(Entry {
            seq,
            offset,
            len: self.w.len() - offset,
            msg: out.msg,
            spans: out.spans,
            list_spans: out.list_spans,
            cmd_span: out.cmd_span,
        });
    }

    /// Send the batch; return the kernel's errors as error records, in message order.
    pub fn send(mut self, sock: &mut Socket, check: bool) -> Result<Vec<ErrorRecord>, nfnl::Error> {
        if !check {
            let end = self.next_seq;
            self.w.batch_marker(NFNL_MSG_BATCH_END, end);
        }
        // Room for every ack (nftables sizes its receive buffer the same way).
        sock.set_recv_buffer((self.entries.len() + 2) * 1024 + (1 << 16));
        let _ = self.begin_seq;
        let mut errors = sock.batch(self.w.as_bytes(), |_| {})?;
        errors.sort_by_key(|e| e.seq.wrapping_sub(self.begin_seq));
        Ok(errors.iter().map(|e| self.record(e)).collect())
    }

    fn record(&self, e: &KernelError) -> ErrorRecord {
        let msg = format!(
            "Could not process rule: {}",
            kcommon::errno::strerror(e.errno)
        );
        let Ok(i) = self.entries.binary_search_by_key(&e.seq, |x| x.seq) else {
            return ErrorRecord::bare(msg);
        };
        let entry = &self.entries[i];
        let span = e
            .offset
            .and_then(|off| self.span_at(entry, off as usize))
            .filter(|s| !s.is_none())
            .unwrap_or(entry.cmd_span);
        ErrorRecord::new(span, msg)
    }

    /// The source span of the attribute at `off` bytes into a message.
    fn span_at(&self, entry: &Entry, off: usize) -> Option<Span> {
        let bytes = self
            .w
            .as_bytes()
            .get(entry.offset..entry.offset + entry.len)?;
        let base = NLMSG_HDRLEN + NFGENMSG_LEN;
        let list_attr = match entry.msg {
            NFT_MSG_NEWRULE => Some(NFTA_RULE_EXPRESSIONS),
            NFT_MSG_NEWSETELEM | NFT_MSG_DELSETELEM | NFT_MSG_DESTROYSETELEM => {
                Some(NFTA_SET_ELEM_LIST_ELEMENTS)
            }
            _ => None,
        };
        let mut pos = base;
        for a in AttrIter::new(bytes.get(base..)?) {
            let a = a.ok()?;
            let total = (4 + a.value.len() + 3) & !3;
            if off >= pos && off < pos + total {
                if Some(a.kind) == list_attr && off >= pos + 4 {
                    let mut p = pos + 4;
                    for (i, el) in AttrIter::new(a.value).enumerate() {
                        let el = el.ok()?;
                        let t = (4 + el.value.len() + 3) & !3;
                        if off >= p && off < p + t {
                            return entry.list_spans.get(i).copied();
                        }
                        p += t;
                    }
                    return None;
                }
                return entry
                    .spans
                    .iter()
                    .find(|(k, _)| *k == a.kind)
                    .map(|(_, s)| *s);
            }
            pos += total;
        }
        None
    }
}
