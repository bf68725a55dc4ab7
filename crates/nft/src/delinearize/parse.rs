// SPDX-License-Identifier: Apache-2.0
//! First pass (netlink_parsers[]): kernel expressions → statements through a
//! register file. Loads put an expression into a register; cmp, lookup,
//! range and the actions take them out again.

use nfnl::nftables::consts::*;
use nfnl::nftables::expr as k;
use nfnl::nftables::{Data, Expr as KExpr};

use super::value::{self, Part};
use super::SetLookup;
use crate::ast::{
    self, BinOp, ByteOrder, CtDir, Datatype, Expr, ExprKind, FibFlags, FibResult, NatFlags,
    NatKind, NatStmt, NumgenMode, RelOp, Span, Stmt, StmtKind, Value,
};

/// What a register holds: an expression and how its bytes are typed.
#[derive(Debug, Clone)]
pub struct Reg {
    pub expr: Expr,
    pub part: Part,
    /// Only the first `n` bits of a field were loaded (`ip saddr 10.0.0.0/8`).
    pub prefix: Option<u32>,
    /// Raw constant bytes (immediate into a data register).
    pub raw: Option<Vec<u8>>,
    /// A header field narrower than the bytes loaded (`ip dscp`): (bits
    /// loaded, right shift) to apply to the constants it is compared with.
    pub shift: Option<(u32, u32)>,
}

pub(super) fn e(kind: ExprKind) -> Expr {
    Expr::new(kind, Span::NONE)
}

pub(super) fn s(kind: StmtKind) -> Stmt {
    Stmt::new(kind, Span::NONE)
}

/// NFT_REG_1..4 are 16 bytes = four 32-bit registers from NFT_REG32_00 (8).
fn reg32(r: u32) -> u32 {
    match r {
        1..=4 => 8 + (r - 1) * 4,
        other => other,
    }
}

/// The register file: the few registers a rule uses, by 32-bit register
/// number (a linear scan: a rule loads 1-4 registers; a hash map per rule
/// was measurable over 150k rules).
#[derive(Default)]
pub struct Regs(Vec<(u32, Reg)>);

impl Regs {
    fn insert(&mut self, r: u32, reg: Reg) {
        match self.0.iter_mut().find(|(k, _)| *k == r) {
            Some(slot) => slot.1 = reg,
            None => self.0.push((r, reg)),
        }
    }
    fn get(&self, r: &u32) -> Option<&Reg> {
        self.0.iter().find(|(k, _)| k == r).map(|(_, v)| v)
    }
}

pub struct Parser<'a> {
    pub family: u8,
    pub sets: &'a dyn SetLookup,
    pub(super) regs: Regs,
    pub stmts: Vec<Stmt>,
    /// The transport protocol a previous `meta l4proto` match established.
    pub(super) l4proto: Option<u8>,
    /// The network protocol a previous `meta nfproto`/`meta protocol` match
    /// established (inet, bridge and netdev tables).
    pub(super) l3proto: Option<ast::Proto>,
}

impl<'a> Parser<'a> {
    pub fn new(family: u8, sets: &'a dyn SetLookup) -> Self {
        Parser {
            family,
            sets,
            regs: Regs::default(),
            stmts: Vec::new(),
            l4proto: None,
            l3proto: None,
        }
    }

    pub(super) fn set_reg(&mut self, r: u32, reg: Reg) {
        self.regs.insert(reg32(r), reg);
    }

    pub(super) fn get_reg(&self, r: u32) -> Option<&Reg> {
        self.regs.get(&reg32(r))
    }

    /// The expression of `len` bytes starting at register `r`: one register,
    /// or a concatenation of consecutive ones.
    /// `key_at`, with constants (immediates) typed by the set's key parts.
    pub(super) fn set_key_at(
        &self,
        r: u32,
        info: &super::SetInfo,
    ) -> Option<(Expr, Vec<Part>, Option<u32>)> {
        let (expr, parts, prefix) = self.key_at(r, info.key_len as usize)?;
        let set_parts = value::key_parts(info.key_type, info.key_len);
        let ExprKind::Concat(items) = &expr.kind else {
            return Some((expr, parts, prefix));
        };
        let mut at = reg32(r);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let reg = self.regs.get(&at)?;
            match (&reg.raw, set_parts.get(i)) {
                (Some(bytes), Some(p)) if set_parts.len() == items.len() => {
                    out.push(value::val_expr(value::value(p, bytes)))
                }
                _ => out.push(item.clone()),
            }
            at += (reg.part.reg_bytes() / 4) as u32;
        }
        Some((e(ExprKind::Concat(out)), parts, prefix))
    }

    fn key_at(&self, r: u32, len: usize) -> Option<(Expr, Vec<Part>, Option<u32>)> {
        let first = self.regs.get(&reg32(r))?;
        if first.part.reg_bytes() >= len {
            return Some((first.expr.clone(), vec![first.part], first.prefix));
        }
        let mut at = reg32(r);
        let mut used = 0;
        let mut items = Vec::new();
        let mut parts = Vec::new();
        while used < len {
            let reg = self.regs.get(&at)?;
            items.push(reg.expr.clone());
            parts.push(reg.part);
            let n = reg.part.reg_bytes();
            used += n;
            at += (n / 4) as u32;
        }
        Some((e(ExprKind::Concat(items)), parts, None))
    }

    pub fn expr(&mut self, x: &KExpr) -> Result<(), String> {
        match x {
            KExpr::Payload(p) => self.payload(p),
            KExpr::Meta(m) => self.meta(m),
            KExpr::Ct(c) => self.ct(c),
            KExpr::Cmp(c) => self.cmp(c),
            KExpr::Bitwise(b) => self.bitwise(b),
            KExpr::Immediate(i) => self.immediate(i),
            KExpr::Lookup(l) => self.lookup(l),
            KExpr::Range(r) => self.range(r),
            KExpr::Numgen(n) => {
                let mode = if n.ng_type == Some(NFT_NG_RANDOM) {
                    NumgenMode::Random
                } else {
                    NumgenMode::Inc
                };
                let expr = e(ExprKind::Numgen {
                    mode,
                    modulus: n.modulus.unwrap_or(0),
                    offset: n.offset.unwrap_or(0),
                });
                self.set_reg(
                    n.dreg.unwrap_or(1),
                    Reg {
                        expr,
                        part: Part::of(Datatype::Integer).with32(),
                        prefix: None,
                        raw: None,
                        shift: None,
                    },
                );
                Ok(())
            }
            KExpr::Fib(f) => {
                let result = match f.result.unwrap_or(0) {
                    1 => FibResult::Oif,
                    2 => FibResult::OifName,
                    _ => FibResult::AddrType,
                };
                let dt = match result {
                    FibResult::Oif => Datatype::IfIndex,
                    FibResult::OifName => Datatype::IfName,
                    FibResult::AddrType => Datatype::FibAddr,
                };
                let expr = e(ExprKind::Fib {
                    flags: FibFlags(f.flags.unwrap_or(0)),
                    result,
                });
                self.set_reg(
                    f.dreg.unwrap_or(1),
                    Reg {
                        expr,
                        part: Part::of(dt),
                        prefix: None,
                        raw: None,
                        shift: None,
                    },
                );
                Ok(())
            }
            KExpr::Counter(c) => {
                self.stmts.push(s(StmtKind::Counter {
                    packets: c.packets.unwrap_or(0),
                    bytes: c.bytes.unwrap_or(0),
                }));
                Ok(())
            }
            KExpr::Nat(n) => self.nat(n),
            KExpr::Masq(m) => {
                let port = m
                    .reg_proto_min
                    .and_then(|r| self.get_reg(r))
                    .map(|r| self.typed(r, Datatype::InetService));
                self.stmts.push(s(StmtKind::Nat(NatStmt {
                    kind: NatKind::Masquerade,
                    family: None,
                    addr: None,
                    port,
                    flags: NatFlags(m.flags.unwrap_or(0) & 0x1c),
                })));
                Ok(())
            }
            KExpr::Redir(m) => {
                let port = m
                    .reg_proto_min
                    .and_then(|r| self.get_reg(r))
                    .map(|r| self.typed(r, Datatype::InetService));
                self.stmts.push(s(StmtKind::Nat(NatStmt {
                    kind: NatKind::Redirect,
                    family: None,
                    addr: None,
                    port,
                    flags: NatFlags(m.flags.unwrap_or(0) & 0x1c),
                })));
                Ok(())
            }
            KExpr::Reject(r) => {
                self.reject(r);
                Ok(())
            }
            KExpr::Dynset(d) => self.dynset(d),
            KExpr::Notrack => {
                self.stmts.push(s(StmtKind::Notrack));
                Ok(())
            }
            KExpr::Log(l) => {
                self.stmts.push(s(StmtKind::Log(ast::LogStmt {
                    prefix: l.prefix.clone(),
                    group: l.group,
                    snaplen: l.snaplen,
                    queue_threshold: l.qthreshold,
                    level: l.level,
                    flags: l.flags.unwrap_or(0),
                })));
                Ok(())
            }
            KExpr::Limit(l) => {
                self.stmts.push(s(StmtKind::Limit {
                    rate: l.rate.unwrap_or(0),
                    unit_secs: l.unit.unwrap_or(1),
                    burst: l.burst.unwrap_or(0),
                    bytes: l.limit_type == Some(NFT_LIMIT_PKT_BYTES),
                    over: l.flags.unwrap_or(0) & NFT_LIMIT_F_INV != 0,
                }));
                Ok(())
            }
            KExpr::Objref(o) if o.set_sreg.is_some() => {
                // `counter name ip saddr map { … : "obj" }`: an object map.
                let name = o.set_name.clone().unwrap_or_default();
                let info = self
                    .sets
                    .find(&name)
                    .ok_or_else(|| format!("unknown set {name}"))?;
                let (key, parts, _) = self
                    .set_key_at(o.set_sreg.unwrap_or(1), &info)
                    .ok_or("objref on an empty register")?;
                let map = if info.anonymous {
                    e(ExprKind::Set(self.sets.elems(&name, &parts)))
                } else {
                    e(ExprKind::SetRef(name.clone()))
                };
                self.stmts.push(s(StmtKind::ObjRef {
                    kind: info.obj_type,
                    name: e(ExprKind::Map {
                        key: Box::new(key),
                        map: Box::new(map),
                    }),
                }));
                Ok(())
            }
            KExpr::Objref(o) => {
                let name = o.imm_name.clone().unwrap_or_default();
                self.stmts.push(s(StmtKind::ObjRef {
                    kind: o.imm_type.unwrap_or(0),
                    name: e(ExprKind::Value(Value {
                        dtype: Datatype::String,
                        bits: name.len() as u32 * 8,
                        data: name.into_bytes(),
                    })),
                }));
                Ok(())
            }
            other => Err(format!("unsupported expression {}", other.name())),
        }
    }

    fn payload(&mut self, p: &k::Payload) -> Result<(), String> {
        let (base, off, len) = (
            p.base.unwrap_or(0),
            p.offset.unwrap_or(0) * 8,
            p.len.unwrap_or(0) * 8,
        );
        if p.sreg.is_some_and(|r| r != 0) {
            return Err("payload write".into());
        }
        let proto = match base {
            NFT_PAYLOAD_NETWORK_HEADER => match self.family {
                2 => Some(ast::Proto::Ip),
                10 => Some(ast::Proto::Ip6),
                _ => self.l3proto,
            },
            NFT_PAYLOAD_TRANSPORT_HEADER => Some(match self.l4proto {
                Some(6) => ast::Proto::Tcp,
                Some(17) => ast::Proto::Udp,
                Some(1) => ast::Proto::Icmp,
                Some(58) => ast::Proto::Icmpv6,
                Some(132) => ast::Proto::Sctp,
                _ => ast::Proto::Th,
            }),
            NFT_PAYLOAD_LL_HEADER => Some(ast::Proto::Ether),
            _ => None,
        };
        let field = proto.and_then(|pr| {
            ast::FIELDS.iter().find(|f| {
                f.proto == pr && f.offset == off && (f.len == len || (f.len > len && len > 0))
            })
        });
        let reg = match field {
            Some(f) => Reg {
                expr: e(ExprKind::Payload(f)),
                // Header fields are in network order, whatever their type.
                part: Part::with_bits(f.dtype, f.len, ByteOrder::Big),
                prefix: (f.len > len).then_some(len),
                raw: None,
                shift: None,
            },
            None => {
                let b = match base {
                    0 => ast::Base::Link,
                    1 => ast::Base::Network,
                    2 => ast::Base::Transport,
                    _ => ast::Base::Inner,
                };
                Reg {
                    expr: e(ExprKind::RawPayload {
                        base: b,
                        offset: off,
                        len,
                    }),
                    part: Part::with_bits(Datatype::Bitmask, len, ByteOrder::Big),
                    prefix: None,
                    raw: None,
                    shift: None,
                }
            }
        };
        self.set_reg(p.dreg.unwrap_or(1), reg);
        Ok(())
    }

    fn meta(&mut self, m: &k::Meta) -> Result<(), String> {
        let key = m.key.unwrap_or(0);
        let mk = ast::meta_key_by_id(key).ok_or_else(|| format!("meta key {key}"))?;
        if let Some(sreg) = m.sreg {
            let r = self
                .get_reg(sreg)
                .ok_or("meta set from an empty register")?;
            let value = self.typed(r, mk.dtype);
            self.stmts.push(s(StmtKind::MetaSet { key: mk, value }));
            return Ok(());
        }
        let part = Part::with_bits(mk.dtype, mk.len, mk.dtype.byteorder());
        self.set_reg(
            m.dreg.unwrap_or(1),
            Reg {
                expr: e(ExprKind::Meta(mk)),
                part,
                prefix: None,
                raw: None,
                shift: None,
            },
        );
        Ok(())
    }

    fn ct(&mut self, c: &k::Ct) -> Result<(), String> {
        let key = c.key.unwrap_or(0);
        let ck = ast::ct_key_by_id(key).ok_or_else(|| format!("ct key {key}"))?;
        let dir = c.direction.map(|d| {
            if d == 0 {
                CtDir::Original
            } else {
                CtDir::Reply
            }
        });
        if let Some(sreg) = c.sreg {
            let r = self.get_reg(sreg).ok_or("ct set from an empty register")?;
            let value = self.typed(r, ck.dtype);
            self.stmts.push(s(StmtKind::CtSet {
                key: ck,
                dir,
                value,
            }));
            return Ok(());
        }
        let dt = match (ck.dtype, self.family) {
            (Datatype::Invalid, 10) => Datatype::Ipv6Addr,
            (Datatype::Invalid, _) => Datatype::Ipv4Addr,
            (d, _) => d,
        };
        let bits = if ck.len == 0 { dt.bits() } else { ck.len };
        let part = Part::with_bits(dt, bits, dt.byteorder());
        self.set_reg(
            c.dreg.unwrap_or(1),
            Reg {
                expr: e(ExprKind::Ct { key: ck, dir }),
                part,
                prefix: None,
                raw: None,
                shift: None,
            },
        );
        Ok(())
    }

    /// A register's constant typed as `dt` (immediate data), or its expression.
    pub(super) fn typed(&self, r: &Reg, dt: Datatype) -> Expr {
        match &r.raw {
            Some(bytes) => {
                let bits = if dt.bits() == 0 {
                    bytes.len() as u32 * 8
                } else {
                    dt.bits()
                };
                value::val_expr(value::value(
                    &Part::with_bits(dt, bits, dt.byteorder()),
                    bytes,
                ))
            }
            None => r.expr.clone(),
        }
    }

    fn rhs(&self, r: &Reg, bytes: &[u8]) -> Expr {
        if let Some((total, sh)) = r.shift {
            return value::val_expr(Self::shifted(&r.part, bytes, total, sh));
        }
        let v = value::value(&r.part, bytes);
        match r.prefix {
            Some(plen) => {
                let mut full = v;
                let n = (plen.div_ceil(8) as usize).min(full.data.len());
                full.data[n..].iter_mut().for_each(|b| *b = 0);
                e(ExprKind::Prefix(
                    Box::new(value::val_expr(full)),
                    plen as u8,
                ))
            }
            None => value::val_expr(v),
        }
    }

    fn cmp(&mut self, c: &k::Cmp) -> Result<(), String> {
        let r = self
            .get_reg(c.sreg.unwrap_or(1))
            .cloned()
            .ok_or("cmp on an empty register")?;
        let data = c
            .data
            .as_ref()
            .and_then(Data::value)
            .ok_or("cmp without data")?;
        let op = match c.op.unwrap_or(0) {
            NFT_CMP_EQ => RelOp::Eq,
            NFT_CMP_NEQ => RelOp::Neq,
            NFT_CMP_LT => RelOp::Lt,
            NFT_CMP_LTE => RelOp::Lte,
            NFT_CMP_GT => RelOp::Gt,
            _ => RelOp::Gte,
        };
        let right = if let ExprKind::Concat(_) = r.expr.kind {
            value::val_expr(Value {
                dtype: Datatype::Integer,
                bits: data.len() as u32 * 8,
                data: data.to_vec(),
            })
        } else {
            self.rhs(&r, data)
        };
        if let ExprKind::Meta(m) = &r.expr.kind {
            if op == RelOp::Eq {
                match (m.key, data) {
                    (NFT_META_L4PROTO, [p, ..]) => self.l4proto = Some(*p),
                    (NFT_META_NFPROTO, [2, ..]) | (NFT_META_PROTOCOL, [0x08, 0x00, ..]) => {
                        self.l3proto = Some(ast::Proto::Ip)
                    }
                    (NFT_META_NFPROTO, [10, ..]) | (NFT_META_PROTOCOL, [0x86, 0xdd, ..]) => {
                        self.l3proto = Some(ast::Proto::Ip6)
                    }
                    _ => {}
                }
            }
        }
        if let ExprKind::Payload(f) = &r.expr.kind {
            // `ip protocol tcp` / `ip6 nexthdr tcp` set the transport context too.
            if op == RelOp::Eq
                && matches!(
                    (f.proto, f.name),
                    (ast::Proto::Ip, "protocol") | (ast::Proto::Ip6, "nexthdr")
                )
            {
                self.l4proto = data.first().copied();
            }
        }
        self.stmts.push(s(StmtKind::Match {
            left: r.expr,
            op,
            right,
        }));
        Ok(())
    }

    fn range(&mut self, rg: &k::Range) -> Result<(), String> {
        let r = self
            .get_reg(rg.sreg.unwrap_or(1))
            .cloned()
            .ok_or("range on an empty register")?;
        let from = rg
            .from
            .as_ref()
            .and_then(Data::value)
            .ok_or("range without data")?;
        let to = rg
            .to
            .as_ref()
            .and_then(Data::value)
            .ok_or("range without data")?;
        let op = if rg.op == Some(NFT_RANGE_NEQ) {
            RelOp::Neq
        } else {
            RelOp::Implicit
        };
        let right = e(ExprKind::Range(
            Box::new(self.rhs(&r, from)),
            Box::new(self.rhs(&r, to)),
        ));
        self.stmts.push(s(StmtKind::Match {
            left: r.expr,
            op,
            right,
        }));
        Ok(())
    }

    fn bitwise(&mut self, b: &k::Bitwise) -> Result<(), String> {
        let r = self
            .get_reg(b.sreg.unwrap_or(1))
            .ok_or("bitwise on an empty register")?;
        let len = b.len.unwrap_or(4) as usize;
        let op = b.op.unwrap_or(NFT_BITWISE_MASK_XOR);
        let konst = |bytes: &[u8]| value::val_expr(value::value(&r.part, bytes));
        let expr = if op == NFT_BITWISE_LSHIFT || op == NFT_BITWISE_RSHIFT {
            let d = b.data.as_ref().and_then(Data::value).unwrap_or(&[]);
            let n = d
                .get(..4)
                .map(|w| u32::from_ne_bytes([w[0], w[1], w[2], w[3]]))
                .unwrap_or(0);
            let bo = if op == NFT_BITWISE_LSHIFT {
                BinOp::Lshift
            } else {
                BinOp::Rshift
            };
            e(ExprKind::Binop(
                bo,
                Box::new(r.expr.clone()),
                Box::new(value::val_expr(Value::num(Datatype::Integer, 32, n as u64))),
            ))
        } else {
            let mask = b.mask.as_ref().and_then(Data::value).unwrap_or(&[]);
            let xor = b.xor.as_ref().and_then(Data::value).unwrap_or(&[]);
            let ones = mask.iter().take(len).all(|&x| x == 0xff);
            let zero_xor = xor.iter().all(|&x| x == 0);
            let inv_mask = mask.iter().zip(xor).take(len).all(|(m, x)| *m == !*x);
            if zero_xor {
                if let Some(reg) = self.bitfield(r, &mask[..len.min(mask.len())]) {
                    self.set_reg(b.dreg.unwrap_or(1), reg);
                    return Ok(());
                }
                // A prefix mask on an address: keep it for the comparison.
                if matches!(r.part.dtype, Datatype::Ipv4Addr | Datatype::Ipv6Addr)
                    && r.prefix.is_none()
                {
                    let plen = mask.iter().take(len).map(|m| m.count_ones()).sum::<u32>();
                    let contiguous = mask
                        .iter()
                        .take(len)
                        .fold((true, false), |(ok, seen_gap), m| {
                            let m = *m;
                            let is_full = m == 0xff;
                            let is_head = m.leading_ones() + m.trailing_zeros() == 8;
                            (ok && (!seen_gap || m == 0) && is_head, seen_gap || !is_full)
                        })
                        .0;
                    if contiguous {
                        let mut reg = r.clone();
                        reg.prefix = Some(plen);
                        self.set_reg(b.dreg.unwrap_or(1), reg);
                        return Ok(());
                    }
                }
                e(ExprKind::Binop(
                    BinOp::And,
                    Box::new(r.expr.clone()),
                    Box::new(konst(mask)),
                ))
            } else if ones {
                e(ExprKind::Binop(
                    BinOp::Xor,
                    Box::new(r.expr.clone()),
                    Box::new(konst(xor)),
                ))
            } else if inv_mask {
                e(ExprKind::Binop(
                    BinOp::Or,
                    Box::new(r.expr.clone()),
                    Box::new(konst(xor)),
                ))
            } else {
                let and = e(ExprKind::Binop(
                    BinOp::And,
                    Box::new(r.expr.clone()),
                    Box::new(konst(mask)),
                ));
                e(ExprKind::Binop(
                    BinOp::Xor,
                    Box::new(and),
                    Box::new(konst(xor)),
                ))
            }
        };
        self.set_reg(
            b.dreg.unwrap_or(1),
            Reg {
                expr,
                part: r.part,
                prefix: None,
                raw: None,
                shift: None,
            },
        );
        Ok(())
    }

    fn immediate(&mut self, i: &k::Immediate) -> Result<(), String> {
        match (&i.data, i.dreg.unwrap_or(0)) {
            (Some(Data::Verdict(v)), _) => {
                let verdict = verdict_of(v);
                self.stmts
                    .push(s(StmtKind::Verdict(e(ExprKind::Verdict(verdict)))));
            }
            (Some(Data::Value(bytes)), r) => {
                let part =
                    Part::with_bits(Datatype::Integer, bytes.len() as u32 * 8, ByteOrder::Host);
                let expr = value::val_expr(value::value(&part, bytes));
                self.set_reg(
                    r,
                    Reg {
                        expr,
                        part,
                        prefix: None,
                        raw: Some(bytes.clone()),
                        shift: None,
                    },
                );
            }
            (None, _) => return Err("immediate without data".into()),
        }
        Ok(())
    }

    fn lookup(&mut self, l: &k::Lookup) -> Result<(), String> {
        let name = l.set.clone().unwrap_or_default();
        let info = self
            .sets
            .find(&name)
            .ok_or_else(|| format!("unknown set {name}"))?;
        let (key, parts, _) = self
            .set_key_at(l.sreg.unwrap_or(1), &info)
            .ok_or("lookup on an empty register")?;
        let map = if info.anonymous {
            let mut elems = self.sets.elems(&name, &parts);
            // Keys of a shifted field (`ip version vmap { 4 : … }`) hold the
            // bits in place: shift them down like compared constants.
            if let Some(Reg {
                shift: Some((total, sh)),
                part,
                ..
            }) = self.get_reg(l.sreg.unwrap_or(1)).cloned()
            {
                if part.bits.div_ceil(8) * 8 == total {
                    for el in elems.iter_mut() {
                        if let ExprKind::Value(v) = &el.key.kind {
                            let nv = Self::shifted(&part, &v.data, total, sh);
                            el.key = value::val_expr(nv);
                        }
                    }
                }
            }
            e(ExprKind::Set(elems))
        } else {
            e(ExprKind::SetRef(name.clone()))
        };
        match l.dreg {
            Some(0) => {
                let m = e(ExprKind::Map {
                    key: Box::new(key),
                    map: Box::new(map),
                });
                self.stmts.push(s(StmtKind::Verdict(m)));
            }
            Some(d) => {
                let m = e(ExprKind::Map {
                    key: Box::new(key),
                    map: Box::new(map),
                });
                let dt = Datatype::from_id(info.data_type);
                self.set_reg(
                    d,
                    Reg {
                        expr: m,
                        part: Part::of(dt),
                        prefix: None,
                        raw: None,
                        shift: None,
                    },
                );
            }
            None => {
                let op = if l.flags.unwrap_or(0) & NFT_LOOKUP_F_INV != 0 {
                    RelOp::Neq
                } else {
                    RelOp::Implicit
                };
                self.stmts.push(s(StmtKind::Match {
                    left: key,
                    op,
                    right: map,
                }));
            }
        }
        Ok(())
    }
}

impl Part {
    /// A 32-bit host-order integer (numgen, hash results).
    pub fn with32(self) -> Part {
        Part::with_bits(self.dtype, 32, ByteOrder::Host)
    }
}

pub use super::actions::verdict_of;
