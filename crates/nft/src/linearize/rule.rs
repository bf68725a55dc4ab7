// SPDX-License-Identifier: Apache-2.0
//! Rule linearisation (netlink_linearize.c): statements and expressions become kernel
//! expressions over registers. Registers are counted in 32-bit units from NFT_REG_1, as nft
//! does; a scalar takes a whole 16-byte register, a concatenation its rounded length.

use nfnl::nftables::consts::*;
use nfnl::nftables::expr::{
    Bitwise, Byteorder, Cmp, Counter, Ct, Dynset, Fib, Immediate, Limit, Log, Lookup, Masq, Meta,
    Nat, Numgen, Objref, Payload, Range, Redir, Reject,
};
use nfnl::nftables::Data;

use super::anon::AnonSet;
use super::data::{key_bytes_in, order_of, orders_of, value_bytes, value_bytes_in, verdict};
use crate::ast::*;
use crate::eval::{single_type, Ty};

/// Internal register number (32-bit units, NFT_REG_1 = 1) to the kernel's numbering.
fn kreg(r: u32) -> u32 {
    let k = r - 1;
    if k.is_multiple_of(4) {
        1 + k / 4
    } else {
        k + 8
    }
}

/// Bytes a selector's value takes.
fn bytes_of(e: &Expr, fam: Family) -> u32 {
    match &e.kind {
        ExprKind::Concat(p) => p.iter().map(|x| bytes_of(x, fam).div_ceil(4) * 4).sum(),
        _ => single_type(e, fam).map(Ty::bytes).unwrap_or(4),
    }
}

pub struct RuleLin<'a> {
    pub family: Family,
    reg_low: u32,
    pub exprs: Vec<Expr_>,
    /// Where each of `exprs` came from.
    pub spans: Vec<Span>,
    /// Anonymous sets the rule needs, created before it.
    pub anon: Vec<AnonSet>,
    pub set_id: &'a mut dyn FnMut() -> u32,
    pub set_ids: &'a dyn Fn(&str) -> (Option<u32>, u32),
    /// The value type of the data map being generated (meta/ct set, nat address).
    map_data: Option<Ty>,
    /// Width and byte order of the register a value is computed for (meta/ct set): binary
    /// operations work at that width, unaligned fields are shifted down first.
    dest: Option<(u32, ByteOrder)>,
}

/// nfnl's expression type (renamed: `Expr` is the AST's).
pub type Expr_ = nfnl::nftables::Expr;

impl<'a> RuleLin<'a> {
    pub fn new(
        family: Family,
        set_id: &'a mut dyn FnMut() -> u32,
        set_ids: &'a dyn Fn(&str) -> (Option<u32>, u32),
    ) -> Self {
        RuleLin {
            family,
            reg_low: 1,
            // Room for a usual rule's expressions: no regrowth on the way.
            exprs: Vec::with_capacity(8),
            spans: Vec::with_capacity(8),
            anon: Vec::new(),
            set_id,
            set_ids,
            map_data: None,
            dest: None,
        }
    }

    fn get_reg(&mut self, e: Option<&Expr>) -> u32 {
        let words = match e {
            Some(
                x @ Expr {
                    kind: ExprKind::Concat(_),
                    ..
                },
            ) => bytes_of(x, self.family).div_ceil(4),
            _ => 4,
        };
        let r = self.reg_low;
        self.reg_low += words;
        r
    }

    fn put_reg(&mut self, e: Option<&Expr>) {
        let words = match e {
            Some(
                x @ Expr {
                    kind: ExprKind::Concat(_),
                    ..
                },
            ) => bytes_of(x, self.family).div_ceil(4),
            _ => 4,
        };
        self.reg_low = self.reg_low.saturating_sub(words).max(1);
    }

    fn push(&mut self, e: Expr_, span: Span) {
        self.exprs.push(e);
        self.spans.push(span);
    }

    pub fn stmt(&mut self, s: &Stmt) {
        let span = s.span;
        match &s.kind {
            StmtKind::Match { left, op, right } => self.relational(left, *op, right, span),
            StmtKind::Verdict(e) => match &e.kind {
                // The `queue` statement (num 0), not an NF_QUEUE verdict.
                ExprKind::Verdict(Verdict::Queue) => {
                    let mut q = nfnl::nftables::expr::Queue::default();
                    q.num = Some(0);
                    self.push(Expr_::Queue(q), e.span);
                }
                ExprKind::Verdict(v) => {
                    let mut i = Immediate::default();
                    i.dreg = Some(0);
                    i.data = Some(Data::Verdict(verdict(v)));
                    self.push(Expr_::Immediate(i), e.span);
                }
                ExprKind::Map { key, map } => {
                    let sreg = self.get_reg(Some(key));
                    self.gen(key, sreg);
                    let (name, id) = self.set_target(map, key, true);
                    let mut l = Lookup::default();
                    l.sreg = Some(kreg(sreg));
                    l.dreg = Some(0);
                    l.set = Some(name);
                    l.set_id = id;
                    self.push(Expr_::Lookup(l), span);
                    self.put_reg(Some(key));
                }
                _ => {}
            },
            StmtKind::Counter { packets, bytes } => {
                let mut c = Counter::default();
                if *packets != 0 {
                    c.packets = Some(*packets);
                }
                if *bytes != 0 {
                    c.bytes = Some(*bytes);
                }
                self.push(Expr_::Counter(c), span);
            }
            StmtKind::ObjRef { kind, name } => {
                let mut o = Objref::default();
                o.imm_type = Some(*kind);
                o.imm_name = Some(match &name.kind {
                    ExprKind::Literal(Literal::Ident(s) | Literal::Str(s)) => s.clone(),
                    _ => String::new(),
                });
                self.push(Expr_::Objref(o), span);
            }
            StmtKind::MetaSet { key, value } => {
                let sreg = self.get_reg(None);
                self.map_data = Some(Ty::new(key.dtype, key.len));
                self.dest = Some((key.len.div_ceil(8), key.dtype.byteorder()));
                self.gen(value, sreg);
                self.dest = None;
                let mut m = Meta::default();
                m.key = Some(key.key);
                m.sreg = Some(kreg(sreg));
                self.push(Expr_::Meta(m), span);
                self.put_reg(None);
            }
            StmtKind::CtSet { key, dir, value } => {
                let sreg = self.get_reg(None);
                self.map_data = Some(Ty::new(key.dtype, key.len));
                self.dest = Some((key.len.div_ceil(8), key.dtype.byteorder()));
                self.gen(value, sreg);
                self.dest = None;
                let mut c = Ct::default();
                c.key = Some(key.key);
                c.sreg = Some(kreg(sreg));
                c.direction = dir.map(|d| d as u8);
                self.push(Expr_::Ct(c), span);
                self.put_reg(None);
            }
            StmtKind::Nat(n) => self.nat(n, span),
            StmtKind::Reject { kind, code } => {
                let code = code.as_ref().and_then(|c| match &c.kind {
                    ExprKind::Value(v) => v.as_u64().map(|n| n as u8),
                    _ => None,
                });
                let mut r = Reject::default();
                let (t, c) = match (kind, self.family) {
                    (RejectKind::TcpReset, _) => (NFT_REJECT_TCP_RST, None),
                    (RejectKind::Icmpx, _) => (NFT_REJECT_ICMPX_UNREACH, code),
                    (RejectKind::Icmp | RejectKind::Icmpv6, _) => (NFT_REJECT_ICMP_UNREACH, code),
                    (RejectKind::Default, Family::Ip) => (NFT_REJECT_ICMP_UNREACH, Some(3)),
                    (RejectKind::Default, Family::Ip6) => (NFT_REJECT_ICMP_UNREACH, Some(4)),
                    (RejectKind::Default, _) => (NFT_REJECT_ICMPX_UNREACH, Some(1)),
                };
                r.reject_type = Some(t);
                r.icmp_code = c.or(Some(0));
                self.push(Expr_::Reject(r), span);
            }
            StmtKind::Set {
                op,
                set,
                key,
                timeout,
                stmts,
                ..
            } => {
                let sreg = self.get_reg(Some(key));
                self.gen(key, sreg);
                self.put_reg(Some(key));
                let mut d = Dynset::default();
                d.set_name = Some(set.clone());
                d.set_id = (self.set_ids)(set).0;
                d.op = Some(match op {
                    SetOp::Add => NFT_DYNSET_OP_ADD,
                    SetOp::Update => NFT_DYNSET_OP_UPDATE,
                    SetOp::Delete => NFT_DYNSET_OP_DELETE,
                });
                d.sreg_key = Some(kreg(sreg));
                if let Some(t) = timeout.filter(|t| *t > 0) {
                    d.timeout = Some(t);
                }
                let inner: Vec<Expr_> = stmts.iter().filter_map(stateful).collect();
                if inner.len() == 1 {
                    d.expr = inner.into_iter().next().map(Box::new);
                } else if inner.len() > 1 {
                    d.exprs = Some(inner);
                    d.flags = Some(1);
                }
                self.push(Expr_::Dynset(d), span);
            }
            StmtKind::Log(l) => {
                let mut g = Log::default();
                g.prefix = l.prefix.clone();
                g.group = l.group;
                g.snaplen = l.snaplen;
                g.qthreshold = l.queue_threshold;
                g.level = l.level;
                if l.flags != 0 {
                    g.flags = Some(l.flags);
                }
                self.push(Expr_::Log(g), span);
            }
            StmtKind::Limit { .. } => {
                if let Some(e) = stateful(s) {
                    self.push(e, span);
                }
            }
            StmtKind::Notrack => self.push(Expr_::Notrack, span),
        }
    }

    /// Load a selector (or constant) into `dreg`.
    fn gen(&mut self, e: &Expr, dreg: u32) {
        let span = e.span;
        match &e.kind {
            ExprKind::Payload(f) => {
                self.payload(f, f.len, dreg, span);
                if let Some((nbytes, shift)) = crate::eval::unaligned(f) {
                    let mask = ((1u128 << f.len) - 1) << shift;
                    let be = mask.to_be_bytes()[16 - nbytes as usize..].to_vec();
                    self.bitwise(dreg, nbytes as usize, &be, &vec![0; nbytes as usize], span);
                }
            }
            ExprKind::RawPayload { base, offset, len } => {
                let mut p = Payload::default();
                p.dreg = Some(kreg(dreg));
                p.base = Some(*base as u32);
                p.offset = Some(offset / 8);
                let nbytes = (offset + len).div_ceil(8) - offset / 8;
                p.len = Some(nbytes);
                self.push(Expr_::Payload(p), span);
                if let Some((nbytes, shift)) = crate::eval::unaligned_bits(*offset, *len) {
                    let mask = ((1u128 << len) - 1) << shift;
                    let be = mask.to_be_bytes()[16 - nbytes as usize..].to_vec();
                    self.bitwise(dreg, nbytes as usize, &be, &vec![0; nbytes as usize], span);
                }
            }
            ExprKind::Meta(k) => {
                let mut m = Meta::default();
                m.key = Some(k.key);
                m.dreg = Some(kreg(dreg));
                self.push(Expr_::Meta(m), span);
            }
            ExprKind::Ct { key, dir } => {
                let mut c = Ct::default();
                c.key = Some(key.key);
                c.dreg = Some(kreg(dreg));
                c.direction = dir.map(|d| d as u8);
                self.push(Expr_::Ct(c), span);
            }
            ExprKind::Fib { flags, result } => {
                let mut f = Fib::default();
                f.dreg = Some(kreg(dreg));
                f.result = Some(*result as u32);
                f.flags = Some(flags.0);
                self.push(Expr_::Fib(f), span);
            }
            ExprKind::Numgen {
                mode,
                modulus,
                offset,
            } => {
                let mut n = Numgen::default();
                n.dreg = Some(kreg(dreg));
                n.modulus = Some(*modulus);
                n.ng_type = Some(*mode as u32);
                if *offset != 0 {
                    n.offset = Some(*offset);
                }
                self.push(Expr_::Numgen(n), span);
            }
            ExprKind::Concat(parts) => {
                let mut r = dreg;
                for p in parts {
                    self.gen(p, r);
                    r += bytes_of(p, self.family).div_ceil(4);
                }
            }
            ExprKind::Binop(..) => self.binop(e, dreg),
            ExprKind::Map { key, map } => {
                // A data map: the key into `dreg`, the value looked up into `dreg`.
                let space = match key.kind {
                    ExprKind::Concat(_) => bytes_of(key, self.family).div_ceil(4),
                    _ => 0,
                };
                self.reg_low += space;
                self.gen(key, dreg);
                self.reg_low -= space;
                let data = self.map_data.take();
                let (name, id) = self.set_target_data(map, key, data);
                let mut l = Lookup::default();
                l.sreg = Some(kreg(dreg));
                l.dreg = Some(kreg(dreg));
                l.set = Some(name);
                l.set_id = id;
                self.push(Expr_::Lookup(l), span);
            }
            ExprKind::Value(v) => {
                let mut i = Immediate::default();
                i.dreg = Some(kreg(dreg));
                i.data = Some(Data::Value(value_bytes(v)));
                self.push(Expr_::Immediate(i), span);
            }
            ExprKind::Verdict(v) => {
                let mut i = Immediate::default();
                i.dreg = Some(kreg(dreg));
                i.data = Some(Data::Verdict(verdict(v)));
                self.push(Expr_::Immediate(i), span);
            }
            _ => {}
        }
    }

    fn payload(&mut self, f: &Field, len_bits: u32, dreg: u32, span: Span) {
        let mut p = Payload::default();
        p.dreg = Some(kreg(dreg));
        p.base = Some(f.proto.base() as u32);
        p.offset = Some(f.offset / 8);
        let end = f.offset + len_bits;
        p.len = Some(end.div_ceil(8) - f.offset / 8);
        self.push(Expr_::Payload(p), span);
    }

    /// A chain of and/or/xor on one selector as one bitwise (combine_binop), shifts apart.
    fn binop(&mut self, e: &Expr, dreg: u32) {
        let mut chain = Vec::new();
        let mut cur = e;
        while let ExprKind::Binop(op, l, r) = &cur.kind {
            chain.push((*op, r.as_ref()));
            cur = l;
        }
        chain.reverse();
        self.gen(cur, dreg);
        let mut n = single_type(cur, self.family).map(Ty::bytes).unwrap_or(4) as usize;
        let mut order = order_of(cur);
        if let Some((width, dest_order)) = self.dest {
            // A computed value: the field's own value (unaligned fields shifted down), then
            // the operations at the destination's width and byte order.
            if let ExprKind::Payload(f) = &cur.kind {
                if let Some((nbytes, shift)) = crate::eval::unaligned(f) {
                    if shift > 0 {
                        self.shift_op(dreg, nbytes, NFT_BITWISE_RSHIFT, shift, e.span);
                    }
                }
            }
            n = n.max(width as usize);
            order = dest_order;
        }
        let mut mask = vec![0xffu8; n];
        let mut xor = vec![0u8; n];
        let mut pending = false;
        for (op, r) in chain {
            let ExprKind::Value(v) = &r.kind else {
                continue;
            };
            let mut val = value_bytes_in(v, order);
            if val.len() < n {
                // Widen: host order grows at the end, network order at the front.
                let pad = n - val.len();
                if order == ByteOrder::Big {
                    let mut w = vec![0; pad];
                    w.extend(val);
                    val = w;
                } else {
                    val.resize(n, 0);
                }
            }
            match op {
                BinOp::And => {
                    for i in 0..n {
                        mask[i] &= val[i];
                        xor[i] &= val[i];
                    }
                    pending = true;
                }
                BinOp::Or => {
                    for i in 0..n {
                        let m = !val[i];
                        xor[i] = val[i] ^ (xor[i] & m);
                        mask[i] &= m;
                    }
                    pending = true;
                }
                BinOp::Xor => {
                    for i in 0..n {
                        xor[i] ^= val[i];
                    }
                    pending = true;
                }
                BinOp::Lshift | BinOp::Rshift => {
                    if pending {
                        self.bitwise(dreg, n, &mask, &xor, e.span);
                        mask = vec![0xff; n];
                        xor = vec![0; n];
                        pending = false;
                    }
                    let mut b = Bitwise::default();
                    b.sreg = Some(kreg(dreg));
                    b.dreg = Some(kreg(dreg));
                    b.len = Some(n as u32);
                    b.op = Some(if op == BinOp::Lshift {
                        NFT_BITWISE_LSHIFT
                    } else {
                        NFT_BITWISE_RSHIFT
                    });
                    let shift = v.as_u64().unwrap_or(0) as u32;
                    b.data = Some(Data::Value(shift.to_ne_bytes().to_vec()));
                    self.push(Expr_::Bitwise(b), e.span);
                }
            }
        }
        if pending {
            self.bitwise(dreg, n, &mask, &xor, e.span);
        }
    }

    fn shift_op(&mut self, reg: u32, n: u32, op: u32, by: u32, span: Span) {
        let mut b = Bitwise::default();
        b.sreg = Some(kreg(reg));
        b.dreg = Some(kreg(reg));
        b.len = Some(n);
        b.op = Some(op);
        b.data = Some(Data::Value(by.to_ne_bytes().to_vec()));
        self.push(Expr_::Bitwise(b), span);
    }

    /// `[ byteorder reg R = hton(reg R, N, N) ]`: host-order values compared as intervals.
    fn hton(&mut self, reg: u32, n: u32, span: Span) {
        let mut b = Byteorder::default();
        b.sreg = Some(kreg(reg));
        b.dreg = Some(kreg(reg));
        b.op = Some(NFT_BYTEORDER_HTON);
        b.len = Some(n);
        b.size = Some(n);
        self.push(Expr_::Byteorder(b), span);
    }

    /// Load a key for an interval lookup or range: host-order fields wider than a byte are
    /// turned to network order (the kernel compares intervals as big-endian numbers).
    fn gen_interval_key(&mut self, e: &Expr, dreg: u32) {
        match &e.kind {
            ExprKind::Concat(parts) => {
                let mut r = dreg;
                for p in parts {
                    self.gen_interval_key(p, r);
                    r += bytes_of(p, self.family).div_ceil(4);
                }
            }
            _ => {
                self.gen(e, dreg);
                let n = bytes_of(e, self.family);
                if order_of(e) == ByteOrder::Host && n > 1 && n <= 8 {
                    self.hton(dreg, n, e.span);
                }
            }
        }
    }

    fn bitwise(&mut self, reg: u32, n: usize, mask: &[u8], xor: &[u8], span: Span) {
        let mut b = Bitwise::default();
        b.sreg = Some(kreg(reg));
        b.dreg = Some(kreg(reg));
        b.len = Some(n as u32);
        b.mask = Some(Data::Value(mask.to_vec()));
        b.xor = Some(Data::Value(xor.to_vec()));
        self.push(Expr_::Bitwise(b), span);
    }

    fn cmp(&mut self, reg: u32, op: u32, data: Vec<u8>, span: Span) {
        let mut c = Cmp::default();
        c.sreg = Some(kreg(reg));
        c.op = Some(op);
        c.data = Some(Data::Value(data));
        self.push(Expr_::Cmp(c), span);
    }

    fn relational(&mut self, left: &Expr, op: RelOp, right: &Expr, span: Span) {
        let cmp_op = match op {
            RelOp::Implicit | RelOp::Eq => NFT_CMP_EQ,
            RelOp::Neq => NFT_CMP_NEQ,
            RelOp::Lt => NFT_CMP_LT,
            RelOp::Gt => NFT_CMP_GT,
            RelOp::Lte => NFT_CMP_LTE,
            RelOp::Gte => NFT_CMP_GTE,
        };
        match &right.kind {
            ExprKind::SetRef(_) | ExprKind::Set(_) => {
                let sreg = self.get_reg(Some(left));
                let interval = match &right.kind {
                    ExprKind::SetRef(n) => (self.set_ids)(n).1 & SetFlags::INTERVAL != 0,
                    ExprKind::Set(el) => el.iter().any(|e| crate::eval::expr::is_interval(&e.key)),
                    _ => false,
                };
                if interval {
                    self.gen_interval_key(left, sreg);
                } else {
                    self.gen(left, sreg);
                }
                let (name, id) = self.set_target(right, left, false);
                let mut l = Lookup::default();
                l.sreg = Some(kreg(sreg));
                l.set = Some(name);
                l.set_id = id;
                if op == RelOp::Neq {
                    l.flags = Some(NFT_LOOKUP_F_INV);
                }
                self.push(Expr_::Lookup(l), span);
                self.put_reg(Some(left));
            }
            ExprKind::Range(lo, hi) => {
                let sreg = self.get_reg(Some(left));
                self.gen_interval_key(left, sreg);
                let mut r = Range::default();
                r.sreg = Some(kreg(sreg));
                r.op = Some(if op == RelOp::Neq {
                    NFT_RANGE_NEQ
                } else {
                    NFT_RANGE_EQ
                });
                // Ranges compare big-endian (host-order selectors were converted above).
                let o = vec![ByteOrder::Big; orders_of(left).len()];
                r.from = key_bytes_in(lo, &o).map(Data::Value);
                r.to = key_bytes_in(hi, &o).map(Data::Value);
                self.push(Expr_::Range(r), span);
                self.put_reg(Some(left));
            }
            ExprKind::Prefix(inner, plen) => {
                let ExprKind::Value(v) = &inner.kind else {
                    return;
                };
                let sreg = self.get_reg(Some(left));
                // Strings compare their prefix bytes like network-order values.
                let big = v.dtype.byteorder() == ByteOrder::Big
                    || matches!(v.dtype, Datatype::IfName | Datatype::String);
                let plen = *plen as u32;
                // A prefix of a field that is not byte-aligned: the field's top `plen` bits,
                // where the field sits in the bytes loaded for it.
                if let ExprKind::Payload(f) = &left.kind {
                    if let Some((nbytes, shift)) = crate::eval::unaligned(f) {
                        self.gen(left, sreg);
                        let keep = plen.min(f.len);
                        let pmask: u128 = (((1u128 << keep) - 1) << (f.len - keep)) << shift;
                        let val = ((v.as_u64().unwrap_or(0) as u128) << shift) & pmask;
                        let n = nbytes as usize;
                        let be = |x: u128| x.to_be_bytes()[16 - n..].to_vec();
                        self.bitwise(sreg, n, &be(pmask), &vec![0; n], span);
                        self.cmp(sreg, cmp_op, be(val), span);
                        self.put_reg(Some(left));
                        return;
                    }
                }
                if big && plen.is_multiple_of(8) && plen > 0 {
                    // Compare only the prefix bytes (payloads also load only them).
                    match &left.kind {
                        ExprKind::Payload(f) => self.payload(f, plen, sreg, left.span),
                        _ => self.gen(left, sreg),
                    }
                    let n = (plen / 8) as usize;
                    self.cmp(sreg, cmp_op, v.data[..n.min(v.data.len())].to_vec(), span);
                } else {
                    self.gen(left, sreg);
                    let mut mask = vec![0u8; v.data.len()];
                    for (i, m) in mask.iter_mut().enumerate() {
                        let keep = plen.saturating_sub(i as u32 * 8).min(8);
                        *m = if keep == 0 { 0 } else { !0u8 << (8 - keep) };
                    }
                    let n = mask.len();
                    let masked: Vec<u8> = v.data.iter().zip(&mask).map(|(a, b)| a & b).collect();
                    // Mask and value as numbers, laid out in the selector's byte order.
                    let lay = |be: Vec<u8>| {
                        let w = Value {
                            dtype: v.dtype,
                            bits: v.bits,
                            data: be,
                        };
                        value_bytes_in(&w, order_of(left))
                    };
                    let (mask, masked) = (lay(mask), lay(masked));
                    self.bitwise(sreg, n, &mask, &vec![0; n], span);
                    self.cmp(sreg, cmp_op, masked, span);
                }
                self.put_reg(Some(left));
            }
            ExprKind::Value(v)
                if matches!(op, RelOp::Implicit) && crate::eval::symbols::is_bitmask(v.dtype) =>
            {
                let sreg = self.get_reg(Some(left));
                self.gen(left, sreg);
                let val = value_bytes_in(v, order_of(left));
                let n = val.len();
                if matches!(left.kind, ExprKind::Binop(..)) {
                    self.cmp(sreg, NFT_CMP_EQ, val, span);
                } else {
                    self.bitwise(sreg, n, &val, &vec![0; n], span);
                    self.cmp(sreg, NFT_CMP_NEQ, vec![0; n], span);
                }
                self.put_reg(Some(left));
            }
            _ => {
                let sreg = self.get_reg(Some(left));
                // (Fields that are not byte-aligned are masked by `gen`; eval shifted the value.)
                // Ordered comparisons are big-endian: host-order selectors are converted.
                let ordered = matches!(op, RelOp::Lt | RelOp::Gt | RelOp::Lte | RelOp::Gte);
                let orders = if ordered {
                    self.gen_interval_key(left, sreg);
                    vec![ByteOrder::Big; orders_of(left).len()]
                } else {
                    self.gen(left, sreg);
                    orders_of(left)
                };
                if let Some(b) = key_bytes_in(right, &orders) {
                    self.cmp(sreg, cmp_op, b, span);
                }
                self.put_reg(Some(left));
            }
        }
    }

    /// A data map's set (anonymous maps get `data` as their value type).
    fn set_target_data(
        &mut self,
        target: &Expr,
        key: &Expr,
        data: Option<Ty>,
    ) -> (String, Option<u32>) {
        let before = self.anon.len();
        let r = self.set_target(target, key, true);
        if let Some(a) = self.anon.get_mut(before) {
            a.data = data;
        }
        r
    }

    /// The set a lookup/vmap uses: a named one, or a new anonymous set for a literal.
    fn set_target(&mut self, target: &Expr, key: &Expr, map: bool) -> (String, Option<u32>) {
        match &target.kind {
            ExprKind::SetRef(name) => (name.clone(), (self.set_ids)(name).0),
            ExprKind::Set(elems) => {
                let id = (self.set_id)();
                let key_types: Vec<Ty> =
                    crate::eval::selector_types(key, self.family).unwrap_or_default();
                let mut a = AnonSet::new(id, map, key_types, elems.clone(), target.span);
                a.orders = orders_of(key);
                a.key_expr = Some(key.clone());
                let name = a.name().to_string();
                self.anon.push(a);
                (name, Some(id))
            }
            _ => (String::new(), None),
        }
    }

    fn nat(&mut self, n: &NatStmt, span: Span) {
        let mut regs = 0;
        let (mut amin, mut amax, mut pmin, mut pmax) = (None, None, None, None);
        if let Some(a) = &n.addr {
            let r = self.get_reg(None);
            regs += 1;
            if let ExprKind::Range(lo, hi) = &a.kind {
                let r2 = self.get_reg(None);
                regs += 1;
                self.gen(lo, r);
                self.gen(hi, r2);
                amin = Some(kreg(r));
                amax = Some(kreg(r2));
            } else {
                self.map_data = Some(if n.family == Some(Family::Ip6) {
                    Ty::new(Datatype::Ipv6Addr, 128)
                } else {
                    Ty::new(Datatype::Ipv4Addr, 32)
                });
                self.gen(a, r);
                amin = Some(kreg(r));
            }
        }
        if let Some(p) = &n.port {
            let r = self.get_reg(None);
            regs += 1;
            if let ExprKind::Range(lo, hi) = &p.kind {
                let r2 = self.get_reg(None);
                regs += 1;
                self.gen(lo, r);
                self.gen(hi, r2);
                pmin = Some(kreg(r));
                pmax = Some(kreg(r2));
            } else {
                self.gen(p, r);
                pmin = Some(kreg(r));
            }
        }
        for _ in 0..regs {
            self.put_reg(None);
        }
        let flags = (n.flags.0 != 0).then_some(n.flags.0);
        let e = match n.kind {
            NatKind::Snat | NatKind::Dnat => {
                let mut x = Nat::default();
                x.nat_type = Some(if n.kind == NatKind::Snat {
                    NFT_NAT_SNAT
                } else {
                    NFT_NAT_DNAT
                });
                x.family = n.family.map(|f| f.nfproto() as u32);
                x.reg_addr_min = amin;
                x.reg_addr_max = amax;
                x.reg_proto_min = pmin;
                x.reg_proto_max = pmax;
                x.flags = flags;
                Expr_::Nat(x)
            }
            NatKind::Masquerade => {
                let mut x = Masq::default();
                x.flags = flags;
                x.reg_proto_min = pmin;
                x.reg_proto_max = pmax;
                Expr_::Masq(x)
            }
            NatKind::Redirect => {
                let mut x = Redir::default();
                x.flags = flags;
                x.reg_proto_min = pmin;
                x.reg_proto_max = pmax;
                Expr_::Redir(x)
            }
        };
        self.push(e, span);
    }
}

/// Stateful statements as expressions (for dynsets and set declarations).
pub fn stateful(s: &Stmt) -> Option<Expr_> {
    match &s.kind {
        StmtKind::Counter { packets, bytes } => {
            let mut c = Counter::default();
            if *packets != 0 {
                c.packets = Some(*packets);
            }
            if *bytes != 0 {
                c.bytes = Some(*bytes);
            }
            Some(Expr_::Counter(c))
        }
        StmtKind::Limit {
            rate,
            unit_secs,
            burst,
            bytes,
            over,
        } => {
            let mut l = Limit::default();
            l.rate = Some(*rate);
            l.unit = Some(*unit_secs);
            l.burst = Some(*burst);
            l.limit_type = Some(if *bytes {
                NFT_LIMIT_PKT_BYTES
            } else {
                NFT_LIMIT_PKTS
            });
            l.flags = Some(if *over { NFT_LIMIT_F_INV } else { 0 });
            Some(Expr_::Limit(l))
        }
        _ => None,
    }
}
