// SPDX-License-Identifier: Apache-2.0
//! The transaction (mnl.c batch, cmd.c `cmd_add_loc`/`nft_cmd_error`): BATCH_BEGIN, every
//! message with its own sequence number and NLM_F_ACK, BATCH_END (left out for `--check`, so
//! the kernel validates everything and then aborts). Kernel errors come back by sequence
//! number; the extended-ack offset is mapped to the attribute, and the attribute to the source
//! span it was built from.
//!
//! The messages are sent in the order [`crate::schedule`] chooses (anonymous-set binds early);
//! each keeps the sequence number of its place in the input, so errors still name the command
//! that caused them.
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
use crate::schedule::Schedule;

/// Where one message sits in the batch and where its parts came from (its spans are in
/// the batch's two span arenas, so a message costs no allocation of its own).
struct Entry {
    seq: u32,
    offset: usize,
    len: u32,
    msg: u8,
    /// `spans[spans_at..spans_at + n_spans]`.
    spans_at: u32,
    n_spans: u32,
    /// `list_spans[list_at..list_at + n_list]`.
    list_at: u32,
    n_list: u32,
    cmd_span: Span,
}

/// What became of a sent batch.
pub enum Sent {
    /// The kernel ran it: its errors (none when it was committed or, with --check, accepted).
    Done(Vec<ErrorRecord>),
    /// The ruleset changed after the cache was read: nothing ran; evaluate again.
    Restart,
}

pub struct Batch {
    w: Writer,
    entries: Vec<Entry>,
    /// Top-level attribute type → source span, for all messages.
    spans: Vec<(u16, Span)>,
    /// Rule expression / element spans, for all messages.
    list_spans: Vec<Span>,
    begin_seq: u32,
    next_seq: u32,
    sched: Option<Schedule>,
    /// The messages in send order, once [`Batch::reorder`] moved them.
    shaped: Option<Vec<u8>>,
}

impl Batch {
    pub fn new(first_seq: u32) -> Batch {
        Batch::at_generation(first_seq, None)
    }

    /// A batch the kernel runs only while the ruleset is still at generation `genid`
    /// (the one the cache was read at); otherwise [`Batch::send`] reports [`Sent::Restart`].
    pub fn at_generation(first_seq: u32, genid: Option<u32>) -> Batch {
        let mut w = Writer::with_capacity(1 << 16);
        match genid {
            Some(g) => w.batch_begin_at(first_seq, g),
            None => w.batch_marker(NFNL_MSG_BATCH_BEGIN, first_seq),
        }
        Batch {
            w,
            entries: Vec::new(),
            spans: Vec::new(),
            list_spans: Vec::new(),
            begin_seq: first_seq,
            next_seq: first_seq.wrapping_add(1),
            sched: shaping_enabled().then(Schedule::new),
            shaped: None,
        }
    }

    /// The table did not exist when the batch was built (lets the schedule drop no-op flushes).
    pub fn table_absent(&mut self, family: u8, name: &str) {
        if let Some(s) = self.sched.as_mut() {
            s.table_absent(family, name);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The table's chains as the kernel has them and those with anonymous sets (see
    /// [`Schedule::table_known`]).
    pub fn table_known(
        &mut self,
        family: u8,
        name: &str,
        chains: std::collections::HashSet<String>,
        anon: std::collections::HashSet<String>,
    ) {
        if let Some(s) = self.sched.as_mut() {
            s.table_known(family, name, chains, anon);
        }
    }

    /// The table's set names and each chain's anonymous sets (see
    /// [`Schedule::table_set_names`]).
    pub fn table_set_names(
        &mut self,
        family: u8,
        name: &str,
        sets: &[String],
        chain_sets: std::collections::HashMap<String, Vec<String>>,
    ) {
        if let Some(s) = self.sched.as_mut() {
            s.table_set_names(family, name, sets.iter().map(String::as_str), chain_sets);
        }
    }

    /// Append one message (its spans are kept for error mapping).
    pub fn push(&mut self, mut out: Out) {
        if let Some(s) = self.sched.as_mut() {
            if !s.add(&mut out) {
                return;
            }
        }
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        let start = out.emit(&mut self.w, seq);
        let offset = start.offset();
        let (spans_at, list_at) = (self.spans.len() as u32, self.list_spans.len() as u32);
        self.spans.extend_from_slice(&out.spans);
        self.list_spans.extend_from_slice(&out.list_spans);
        self.entries.push(Entry {
            seq,
            offset,
            len: (self.w.len() - offset) as u32,
            msg: out.msg,
            spans_at,
            n_spans: out.spans.len() as u32,
            list_at,
            n_list: out.list_spans.len() as u32,
            cmd_span: out.cmd_span,
        });
    }

    /// Send the batch; return the kernel's errors as error records, in message order, or
    /// [`Sent::Restart`] when the ruleset moved past the batch's generation (nothing ran).
    pub fn send(mut self, sock: &mut Socket, check: bool) -> Result<Sent, nfnl::Error> {
        self.reorder();
        if !check {
            let end = self.next_seq;
            match self.shaped.as_mut() {
                Some(b) => {
                    let mut w = Writer::new();
                    w.batch_marker(NFNL_MSG_BATCH_END, end);
                    b.extend_from_slice(w.as_bytes());
                }
                None => self.w.batch_marker(NFNL_MSG_BATCH_END, end),
            }
        }
        // Room for every ack (nftables sizes its receive buffer the same way).
        sock.set_recv_buffer((self.entries.len() + 2) * 1024 + (1 << 16));
        let _ = self.begin_seq;
        let mut errors = sock.batch(self.bytes(), |_| {})?;
        if errors
            .iter()
            .any(|e| e.seq == self.begin_seq && e.errno == libc::ERESTART)
        {
            return Ok(Sent::Restart);
        }
        errors.sort_by_key(|e| e.seq.wrapping_sub(self.begin_seq));
        Ok(Sent::Done(errors.iter().map(|e| self.record(e)).collect()))
    }

    /// Lay the messages out in the schedule's order (their offsets follow them): the first
    /// group is copied aside, the rest moved to the end of the buffer in place (last first),
    /// and the first group copied in before it, so the batch is never held twice.
    fn reorder(&mut self) {
        let Some(sched) = self.sched.take() else {
            return;
        };
        let front = sched.front();
        if std::env::var_os("KROOT_NFT_SHAPE_STATS").is_some() {
            eprintln!(
                "shape: {:?}, {} bytes, {} entries",
                sched.stats(&sched.order()),
                self.w.len(),
                self.entries.len()
            );
        }
        drop(sched);
        // Already in order when no message after a back one goes to the front.
        let first_back = front.iter().position(|f| !f).unwrap_or(front.len());
        if front[first_back..].iter().all(|f| !f) {
            return;
        }
        let Some(base) = self.entries.first().map(|e| e.offset) else {
            return;
        };
        let mut buf = std::mem::take(&mut self.w).into_bytes();
        let front_bytes: usize = self
            .entries
            .iter()
            .zip(&front)
            .filter(|(_, f)| **f)
            .map(|(e, _)| e.len as usize)
            .sum();
        let mut aside = Vec::with_capacity(front_bytes);
        for (e, _) in self.entries.iter_mut().zip(&front).filter(|(_, f)| **f) {
            let off = base + aside.len();
            aside.extend_from_slice(&buf[e.offset..e.offset + e.len as usize]);
            e.offset = off;
        }
        let mut wp = buf.len();
        for (e, _) in self
            .entries
            .iter_mut()
            .zip(&front)
            .rev()
            .filter(|(_, f)| !**f)
        {
            wp -= e.len as usize;
            buf.copy_within(e.offset..e.offset + e.len as usize, wp);
            e.offset = wp;
        }
        buf[base..base + front_bytes].copy_from_slice(&aside);
        self.shaped = Some(buf);
    }

    /// The batch bytes as they will be sent.
    fn bytes(&self) -> &[u8] {
        match &self.shaped {
            Some(b) => b,
            None => self.w.as_bytes(),
        }
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
            .bytes()
            .get(entry.offset..entry.offset + entry.len as usize)?;
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
                            if i >= entry.n_list as usize {
                                return None;
                            }
                            return self.list_spans.get(entry.list_at as usize + i).copied();
                        }
                        p += t;
                    }
                    return None;
                }
                let at = entry.spans_at as usize;
                return self
                    .spans
                    .get(at..at + entry.n_spans as usize)?
                    .iter()
                    .find(|(k, _)| *k == a.kind)
                    .map(|(_, s)| *s);
            }
            pos += total;
        }
        None
    }
}

/// `KROOT_NFT_SHAPE=0` sends the messages in input order (for measurements and comparisons).
fn shaping_enabled() -> bool {
    std::env::var_os("KROOT_NFT_SHAPE").is_none_or(|v| v != "0")
}
