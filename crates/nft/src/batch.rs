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
//! Memory: a large batch is written, in input order, to a memory file as it grows (a
//! [`Spill`], not the heap), and so are the source spans of its messages; at send time the
//! schedule is dropped and the messages are copied in send order into a second memory file,
//! which is mapped and handed to the kernel in one sendmsg (the kernel takes a batch only
//! whole). So the batch bytes are mapped (in RSS) only while they are sent, never beside the
//! schedule or the input. Small batches stay in memory. A memory file is still memory: the
//! run's memory cgroup is charged for its pages (the input-order file during pass 2, the
//! send-order file through the kernel's commit), RSS does not show them unless mapped.
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
use crate::spill::{Mapped, Spill};

/// Bytes gathered in memory before they go to the memory file (batch and span log).
const SPOOL_AT: usize = 1 << 20;

/// Every how many messages the span log's offset is kept (a kernel error decodes at most
/// this many entries forward; 8 bytes per message otherwise: 1.5 MB at N=5000).
const MARK_STRIDE: usize = 64;

/// What became of a sent batch.
pub enum Sent {
    /// The kernel ran it: its errors (none when it was committed or, with --check, accepted).
    Done(Vec<ErrorRecord>),
    /// The ruleset changed after the cache was read: nothing ran; evaluate again.
    Restart,
}

pub struct Batch {
    /// BATCH_BEGIN and the messages in input order (the part not yet in `bytes`).
    w: Writer,
    /// What has been written out of `w`.
    bytes: Spool,
    /// Each message's length, in input order (message `i` has sequence number
    /// `begin_seq + 1 + i`).
    lens: Vec<u32>,
    /// Each message's source spans ([`Marks`]), in input order, and where every
    /// [`MARK_STRIDE`]th message's start (the ones between are found by decoding forward).
    marks: Vec<u8>,
    marks_out: Spool,
    mark_at: Vec<u64>,
    /// Length of BATCH_BEGIN (the bytes before the first message).
    head: usize,
    begin_seq: u32,
    next_seq: u32,
    sched: Option<Schedule>,
    /// The first failure to write to a memory file (reported by [`Batch::send`]).
    failed: Option<std::io::Error>,
}

/// Bytes moved out of memory, to a memory file made when first needed (kept in memory
/// when none can be made).
enum Spool {
    Empty,
    File(Spill),
    Mem(Vec<u8>),
}

impl Spool {
    fn len(&self) -> u64 {
        match self {
            Spool::Empty => 0,
            Spool::File(f) => f.len(),
            Spool::Mem(v) => v.len() as u64,
        }
    }

    fn append(&mut self, b: &[u8]) -> std::io::Result<()> {
        if let Spool::Empty = self {
            *self = match Spill::new(c"nft-batch") {
                Some(f) => Spool::File(f),
                None => Spool::Mem(Vec::new()),
            };
        }
        match self {
            Spool::Empty => Ok(()),
            Spool::File(f) => f.append(b),
            Spool::Mem(v) => {
                v.extend_from_slice(b);
                Ok(())
            }
        }
    }

    /// Fill `buf` from `off`: the spooled part first, then `tail` (what is still in memory).
    fn read_at(&self, tail: &[u8], buf: &mut [u8], off: u64) -> std::io::Result<()> {
        let spooled = self.len();
        let mut done = 0;
        if off < spooled {
            let n = ((spooled - off) as usize).min(buf.len());
            match self {
                Spool::Empty => {}
                Spool::File(f) => f.read_at(&mut buf[..n], off)?,
                Spool::Mem(v) => buf[..n].copy_from_slice(&v[off as usize..off as usize + n]),
            }
            done = n;
        }
        if done < buf.len() {
            let at = (off + done as u64 - spooled) as usize;
            let src = tail
                .get(at..at + buf.len() - done)
                .ok_or(std::io::ErrorKind::UnexpectedEof)?;
            buf[done..].copy_from_slice(src);
        }
        Ok(())
    }
}

/// The bytes handed to the kernel.
enum Wire {
    Mem(Vec<u8>),
    Map(Mapped),
}

impl Wire {
    fn bytes(&self) -> &[u8] {
        match self {
            Wire::Mem(v) => v,
            Wire::Map(m) => m.bytes(),
        }
    }
}

/// One message's source spans, as read back from the span log.
struct Marks {
    cmd_span: Span,
    /// Top-level attribute type → source span.
    spans: Vec<(u16, Span)>,
    /// Rule expression / element spans, in order.
    list: Vec<Span>,
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
            head: w.len(),
            failed: None,
            w,
            bytes: Spool::Empty,
            lens: Vec::new(),
            marks: Vec::new(),
            marks_out: Spool::Empty,
            mark_at: Vec::new(),
            begin_seq: first_seq,
            next_seq: first_seq.wrapping_add(1),
            sched: shaping_enabled().then(Schedule::new),
        }
    }

    /// The table did not exist when the batch was built (lets the schedule drop no-op flushes).
    pub fn table_absent(&mut self, family: u8, name: &str) {
        if let Some(s) = self.sched.as_mut() {
            s.table_absent(family, name);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    pub fn len(&self) -> usize {
        self.lens.len()
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
        let start = out.emit(&mut self.w, seq).offset();
        self.lens.push((self.w.len() - start) as u32);
        if self.w.len() >= SPOOL_AT {
            if let Err(e) = self.bytes.append(self.w.as_bytes()) {
                self.failed.get_or_insert(e);
            }
            self.w.clear();
        }
        if (self.lens.len() - 1).is_multiple_of(MARK_STRIDE) {
            self.mark_at
                .push(self.marks_out.len() + self.marks.len() as u64);
        }
        encode_marks(&mut self.marks, out.cmd_span, &out.spans, &out.list_spans);
        if self.marks.len() >= SPOOL_AT {
            if let Err(e) = self.marks_out.append(&self.marks) {
                self.failed.get_or_insert(e);
            }
            self.marks.clear();
        }
    }

    /// Send the batch; return the kernel's errors as error records, in message order, or
    /// [`Sent::Restart`] when the ruleset moved past the batch's generation (nothing ran).
    pub fn send(mut self, sock: &mut Socket, check: bool) -> Result<Sent, nfnl::Error> {
        if let Some(e) = self.failed.take() {
            return Err(e.into());
        }
        let front = self.sched.take().map(|s| self.front_of(s));
        crate::memstat::mark("front");
        let wire = self.assemble(front.as_deref(), check)?;
        crate::memstat::mark("assembled");
        // Room for every ack (nftables sizes its receive buffer the same way).
        sock.set_recv_buffer((self.lens.len() + 2) * 1024 + (1 << 16));
        let mut errors = sock.batch(wire.bytes(), |_| {})?;
        crate::memstat::mark("sendmsg");
        if errors
            .iter()
            .any(|e| e.seq == self.begin_seq && e.errno == libc::ERESTART)
        {
            return Ok(Sent::Restart);
        }
        errors.sort_by_key(|e| e.seq.wrapping_sub(self.begin_seq));
        let at = self.wire_offsets(front.as_deref(), &errors);
        let recs = errors
            .iter()
            .zip(at)
            .map(|(e, at)| self.record(e, at.and_then(|a| wire.bytes().get(a..))))
            .collect();
        Ok(Sent::Done(recs))
    }

    /// Which messages go first (the schedule is dropped here, before the batch is laid out);
    /// `None`-like all-false when the input order already is the send order.
    fn front_of(&self, sched: Schedule) -> Vec<bool> {
        let front = sched.front();
        if std::env::var_os("KROOT_NFT_SHAPE_STATS").is_some() {
            eprintln!(
                "shape: {:?}, {} bytes, {} entries",
                sched.stats(&sched.order()),
                self.bytes.len() + self.w.len() as u64,
                self.lens.len()
            );
        }
        front
    }

    /// The messages in send order: the front group, then the rest, each in input order.
    fn send_order<'f>(&self, front: Option<&'f [bool]>) -> impl Iterator<Item = usize> + 'f {
        let n = self.lens.len();
        let is_front = move |i: usize| front.is_some_and(|f| f.get(i).copied().unwrap_or(false));
        (0..n)
            .filter(move |i| is_front(*i))
            .chain((0..n).filter(move |i| !is_front(*i)))
    }

    /// The batch bytes in send order, BATCH_END appended unless checking.
    fn assemble(&mut self, front: Option<&[bool]>, check: bool) -> std::io::Result<Wire> {
        let head = self.head;
        let mut end = Writer::new();
        if !check {
            end.batch_marker(NFNL_MSG_BATCH_END, self.next_seq);
        }
        let reorder = front.is_some_and(|f| {
            let first_back = f.iter().position(|x| !x).unwrap_or(f.len());
            f[first_back..].iter().any(|x| *x)
        });
        let spooled = std::mem::replace(&mut self.bytes, Spool::Empty);
        let tail = std::mem::take(&mut self.w).into_bytes();
        if !reorder {
            match spooled {
                Spool::Empty => {
                    let mut v = tail;
                    v.extend_from_slice(end.as_bytes());
                    return Ok(Wire::Mem(v));
                }
                Spool::File(mut f) => {
                    f.append(&tail)?;
                    drop(tail);
                    f.append(end.as_bytes())?;
                    return match f.map(true) {
                        Ok(m) => Ok(Wire::Map(m)),
                        Err(f) => f.into_bytes().map(Wire::Mem),
                    };
                }
                Spool::Mem(mut v) => {
                    v.extend_from_slice(&tail);
                    v.extend_from_slice(end.as_bytes());
                    return Ok(Wire::Mem(v));
                }
            }
        }
        let total = spooled.len() + tail.len() as u64 + end.len() as u64;
        let mut out = match (&spooled, Spill::new(c"nft-batch-sent")) {
            (Spool::File(_), Some(f)) => Spool::File(f),
            _ => Spool::Mem(Vec::with_capacity(total as usize)),
        };
        // Runs of messages adjacent in the input are copied together.
        let mut offsets = Vec::with_capacity(self.lens.len());
        let mut off = head as u64;
        for l in &self.lens {
            offsets.push(off);
            off += u64::from(*l);
        }
        let mut buf = vec![0u8; SPOOL_AT];
        let copy = |(mut at, end): (u64, u64), buf: &mut [u8], out: &mut Spool| {
            while at < end {
                let n = ((end - at) as usize).min(buf.len());
                spooled.read_at(&tail, &mut buf[..n], at)?;
                out.append(&buf[..n])?;
                at += n as u64;
            }
            std::io::Result::Ok(())
        };
        // A run: (start, end, whether it is of the second group). Once the second group is
        // being copied, everything before the end of its last run is copied: those pages of
        // the input-order file are freed, so the two files never hold the batch twice over.
        let n_front = front.map_or(0, |f| f.iter().filter(|x| **x).count());
        let mut run = (0, head as u64, false);
        for (k, i) in self.send_order(front).enumerate() {
            let (o, l) = (offsets[i], u64::from(self.lens[i]));
            if run.1 == o {
                run.1 += l;
                continue;
            }
            copy((run.0, run.1), &mut buf, &mut out)?;
            if run.2 {
                if let Spool::File(f) = &spooled {
                    f.discard_before(run.1);
                }
            }
            run = (o, o + l, k >= n_front);
        }
        copy((run.0, run.1), &mut buf, &mut out)?;
        drop(offsets);
        drop(tail);
        drop(spooled);
        out.append(end.as_bytes())?;
        match out {
            Spool::File(f) => match f.map(true) {
                Ok(m) => Ok(Wire::Map(m)),
                Err(f) => f.into_bytes().map(Wire::Mem),
            },
            Spool::Mem(v) => Ok(Wire::Mem(v)),
            Spool::Empty => Ok(Wire::Mem(Vec::new())),
        }
    }

    /// Where each error's message sits in the sent bytes (`None` for sequence numbers that
    /// are not a message of the batch).
    fn wire_offsets(&self, front: Option<&[bool]>, errors: &[KernelError]) -> Vec<Option<usize>> {
        let want: Vec<Option<usize>> = errors.iter().map(|e| self.index_of(e.seq)).collect();
        let mut at = vec![None; self.lens.len()];
        if want.iter().any(Option::is_some) {
            let mut pos = self.head;
            for i in self.send_order(front) {
                at[i] = Some(pos);
                pos += self.lens[i] as usize;
            }
        }
        want.iter().map(|w| w.and_then(|i| at[i])).collect()
    }

    fn index_of(&self, seq: u32) -> Option<usize> {
        let i = seq.wrapping_sub(self.begin_seq).checked_sub(1)? as usize;
        (i < self.lens.len()).then_some(i)
    }

    fn record(&self, e: &KernelError, bytes: Option<&[u8]>) -> ErrorRecord {
        let msg = format!(
            "Could not process rule: {}",
            kcommon::errno::strerror(e.errno)
        );
        let (Some(i), Some(bytes)) = (self.index_of(e.seq), bytes) else {
            return ErrorRecord::bare(msg);
        };
        let Some(marks) = self.marks_of(i) else {
            return ErrorRecord::bare(msg);
        };
        let bytes = bytes.get(..self.lens[i] as usize).unwrap_or(bytes);
        let span = e
            .offset
            .and_then(|off| span_at(bytes, &marks, off as usize))
            .filter(|s| !s.is_none())
            .unwrap_or(marks.cmd_span);
        ErrorRecord::new(span, msg)
    }

    /// Message `i`'s spans, read back from the span log.
    fn marks_of(&self, i: usize) -> Option<Marks> {
        let at = *self.mark_at.get(i / MARK_STRIDE)?;
        let end = match self.mark_at.get(i / MARK_STRIDE + 1) {
            Some(e) => *e,
            None => self.marks_out.len() + self.marks.len() as u64,
        };
        let mut b = vec![0u8; usize::try_from(end.checked_sub(at)?).ok()?];
        self.marks_out.read_at(&self.marks, &mut b, at).ok()?;
        let mut r = &b[..];
        for _ in 0..i % MARK_STRIDE {
            decode_marks(&mut r)?;
        }
        decode_marks(&mut r)
    }
}

/// A message's spans in the span log, as LEB128 varints: the command span's start and
/// length, the counts of attribute and list spans, then each attribute span as its type, its
/// start relative to the command's (zigzag: a `define`'s tokens lie before it) and its length
/// (zigzag), and each list span the same without a type. Most of them take a byte or two
/// (12 bytes per attribute span and 8 per list span as plain words).
fn encode_marks(m: &mut Vec<u8>, cmd: Span, spans: &[(u16, Span)], list: &[Span]) {
    let rel = |m: &mut Vec<u8>, s: &Span| {
        put_var(m, zigzag(i64::from(s.lo) - i64::from(cmd.lo)));
        put_var(m, zigzag(i64::from(s.hi) - i64::from(s.lo)));
    };
    put_var(m, u64::from(cmd.lo));
    put_var(m, zigzag(i64::from(cmd.hi) - i64::from(cmd.lo)));
    put_var(m, spans.len() as u64);
    put_var(m, list.len() as u64);
    for (k, s) in spans {
        put_var(m, u64::from(*k));
        rel(m, s);
    }
    for s in list {
        rel(m, s);
    }
}

/// The entry at the start of `r`; `r` moves past it.
fn decode_marks(r: &mut &[u8]) -> Option<Marks> {
    let avail = r.len() as u64;
    let mut next = || get_var(r);
    let lo = u32::try_from(next()?).ok()?;
    let span = |from: u32, d: u64, len: u64| -> Option<Span> {
        let lo = u32::try_from(i64::from(from) + unzigzag(d)).ok()?;
        let hi = u32::try_from(i64::from(lo) + unzigzag(len)).ok()?;
        Some(Span { lo, hi })
    };
    let cmd_span = span(lo, 0, next()?)?;
    let (ns, nl) = (next()?, next()?);
    // Each entry takes at least two bytes: counts past that are a damaged log.
    if ns.saturating_add(nl) > avail {
        return None;
    }
    let mut spans = Vec::with_capacity(ns as usize);
    for _ in 0..ns {
        let k = u16::try_from(next()?).ok()?;
        spans.push((k, span(lo, next()?, next()?)?));
    }
    let mut list = Vec::with_capacity(nl as usize);
    for _ in 0..nl {
        list.push(span(lo, next()?, next()?)?);
    }
    Some(Marks {
        cmd_span,
        spans,
        list,
    })
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

fn put_var(m: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        m.push(v as u8 | 0x80);
        v >>= 7;
    }
    m.push(v as u8);
}

fn get_var(r: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = r.split_first()?;
        *r = rest;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// The source span of the attribute at `off` bytes into a message.
fn span_at(bytes: &[u8], marks: &Marks, off: usize) -> Option<Span> {
    let msg = bytes
        .get(4..6)
        .map(|t| u16::from_ne_bytes([t[0], t[1]]) as u8)?;
    let base = NLMSG_HDRLEN + NFGENMSG_LEN;
    let list_attr = match msg {
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
                        return marks.list.get(i).copied();
                    }
                    p += t;
                }
                return None;
            }
            return marks
                .spans
                .iter()
                .find(|(k, _)| *k == a.kind)
                .map(|(_, s)| *s);
        }
        pos += total;
    }
    None
}

/// `KROOT_NFT_SHAPE=0` sends the messages in input order (for measurements and comparisons).
fn shaping_enabled() -> bool {
    std::env::var_os("KROOT_NFT_SHAPE").is_none_or(|v| v != "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A command span, its attribute spans and its list spans.
    type Case = (Span, Vec<(u16, Span)>, Vec<Span>);

    #[test]
    fn span_log_round_trips() {
        let sp = |lo, hi| Span { lo, hi };
        let cases: Vec<Case> = vec![
            (sp(0, 0), vec![], vec![]),
            (
                sp(27_000_000, 27_000_090),
                vec![(1, sp(27_000_004, 27_000_010)), (7, sp(0, 0))],
                vec![],
            ),
            // A define's tokens before the command; a span ending before it starts.
            (
                sp(500, 600),
                vec![(u16::MAX, sp(3, 9))],
                vec![sp(510, 520), sp(599, 590)],
            ),
            (
                sp(u32::MAX - 1, u32::MAX),
                vec![],
                vec![sp(u32::MAX, u32::MAX), sp(0, u32::MAX)],
            ),
        ];
        let mut log = Vec::new();
        let mut at = Vec::new();
        for (c, s, l) in &cases {
            at.push(log.len());
            encode_marks(&mut log, *c, s, l);
        }
        at.push(log.len());
        for (i, (c, s, l)) in cases.iter().enumerate() {
            let mut r = &log[at[i]..at[i + 1]];
            let m = decode_marks(&mut r).expect("decodes");
            assert!(r.is_empty(), "case {i}: the whole entry read");
            assert_eq!((m.cmd_span, &m.spans, &m.list), (*c, s, l), "case {i}");
        }
        // A short or damaged entry gives None, never a panic.
        // Entries read one after another from the start.
        let mut r = &log[..];
        for (i, (c, _, _)) in cases.iter().enumerate() {
            assert_eq!(
                decode_marks(&mut r).map(|m| m.cmd_span),
                Some(*c),
                "case {i}"
            );
        }
        assert!(decode_marks(&mut &log[at[1]..at[2] - 1]).is_none());
        assert!(decode_marks(&mut &[0xff; 12][..]).is_none());
        assert!(decode_marks(&mut &[0, 0, 0x80, 0x80, 0x80, 0x01][..]).is_none());
    }
}
