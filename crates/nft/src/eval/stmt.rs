// SPDX-License-Identifier: Apache-2.0
//! Statement evaluation (evaluate.c `stmt_evaluate_*`): matches with protocol dependencies
//! (`tcp dport` needs `meta l4proto tcp`, `ip saddr` in inet needs `meta nfproto ipv4`),
//! verdict maps, set updates, meta/ct set, nat, reject.

use super::expr::Ty;
use super::symbols::{code_value, ICMPV6_CODES, ICMPX_CODES, ICMP_CODES};
use super::Ctx;
use crate::ast::*;
use crate::erec::ErrorRecord;

const IPPROTO_TCP: u64 = 6;
/// Protocol context after `meta l4proto { tcp, udp }`: several transport protocols.
const ANY_L4: u64 = u64::MAX;

impl Ctx<'_> {
    /// Evaluate a rule's statements, inserting dependencies before the statements needing them.
    pub(crate) fn rule(&mut self, rule: &mut Rule) -> Result<(), ErrorRecord> {
        self.l4 = None;
        self.l3 = None;
        self.iiftype = false;
        self.vlan = false;
        // In place: the dependencies a statement needs are gathered aside (usually none,
        // so nothing is allocated) and inserted before it.
        let mut stmts = std::mem::take(&mut rule.stmts);
        let mut deps = Vec::new();
        let mut terminal: Option<Span> = None;
        let mut i = 0;
        while let Some(s) = stmts.get_mut(i) {
            if let Some(t) = terminal {
                return Err(ErrorRecord::new(
                    s.span,
                    "Statement after terminal statement has no effect",
                )
                .with_other(t));
            }
            self.stmt(s, &mut deps)?;
            if is_terminal(s) {
                terminal = Some(s.span);
            }
            if !deps.is_empty() {
                let n = deps.len();
                stmts.splice(i..i, deps.drain(..));
                i += n;
            }
            i += 1;
        }
        rule.stmts = stmts;
        Ok(())
    }

    fn stmt(&mut self, s: &mut Stmt, out: &mut Vec<Stmt>) -> Result<(), ErrorRecord> {
        match &mut s.kind {
            StmtKind::Match { left, op, right } => self.match_stmt(left, *op, right, out),
            StmtKind::Verdict(e) => match &mut e.kind {
                ExprKind::Verdict(_) => Ok(()),
                ExprKind::Map { key, map } => {
                    if let Some(sp) = unqualified_ct_addr(key) {
                        return Err(ct_addr_error(sp));
                    }
                    let tys = self.selector(key)?;
                    self.deps(key, out)?;
                    self.map_target(map, &tys, Ty::new(Datatype::Verdict, 128))?;
                    shift_for(key, map);
                    Ok(())
                }
                _ => Err(ErrorRecord::new(e.span, "Expression is not a verdict")),
            },
            StmtKind::MetaSet { key, value } => {
                let t = Ty::new(key.dtype, key.len);
                self.set_value(value, t, out)
            }
            StmtKind::CtSet { key, value, .. } => {
                let t = Ty::new(key.dtype, key.len);
                self.set_value(value, t, out)
            }
            StmtKind::Nat(nat) => {
                // nftables marks the statement keyword as the secondary location.
                let kw = match nat.kind {
                    NatKind::Snat | NatKind::Dnat => 4,
                    NatKind::Masquerade => 10,
                    NatKind::Redirect => 8,
                };
                let kw_span = Span {
                    lo: s.span.lo,
                    hi: s.span.lo + kw,
                };
                self.nat(nat, s.span).map_err(|e| {
                    if e.msg.starts_with("transport protocol mapping") {
                        e.with_other(kw_span)
                    } else {
                        e
                    }
                })
            }
            StmtKind::Reject { kind, code } => self.reject(*kind, code, s.span, out),
            StmtKind::Set {
                set, set_span, key, ..
            } => {
                let info = self.lookup_set(set, *set_span)?;
                let want: Vec<Ty> = info.key.iter().map(|(d, b)| Ty::new(*d, *b)).collect();
                // Constants in a concatenated key take the set's field types (`ip saddr . 22`).
                if let ExprKind::Concat(parts) = &mut key.kind {
                    if parts.len() == want.len() {
                        for (p, t) in parts.iter_mut().zip(&want) {
                            if super::expr::single_type(p, self.family).is_none() {
                                self.value(p, *t)?;
                            }
                        }
                    }
                }
                let tys = self.key_types(key)?;
                self.deps(key, out)?;
                if !same_types(&tys, &want) {
                    return Err(ErrorRecord::new(
                        key.span,
                        "datatype mismatch, expression does not match set key",
                    ));
                }
                Ok(())
            }
            StmtKind::Log(l)
                if l.level == Some(8)
                    && (l.prefix.is_some()
                        || l.group.is_some()
                        || l.snaplen.is_some()
                        || l.queue_threshold.is_some()
                        || l.flags != 0) =>
            {
                Err(ErrorRecord::new(
                    s.span,
                    "log level audit doesn't support any further options",
                ))
            }
            StmtKind::Counter { .. }
            | StmtKind::ObjRef { .. }
            | StmtKind::Log(_)
            | StmtKind::Limit { .. }
            | StmtKind::Notrack => Ok(()),
        }
    }

    fn match_stmt(
        &mut self,
        left: &mut Expr,
        op: RelOp,
        right: &mut Expr,
        out: &mut Vec<Stmt>,
    ) -> Result<(), ErrorRecord> {
        let tys = self.selector(left)?;
        self.deps(left, out)?;
        let set_op = matches!(op, RelOp::Implicit | RelOp::Eq | RelOp::Neq);
        if matches!(right.kind, ExprKind::SetRef(_) | ExprKind::Set(_)) {
            if let Some(sp) = unqualified_ct_addr(left) {
                return Err(ct_addr_error(sp));
            }
        }
        match &mut right.kind {
            ExprKind::SetRef(name) => {
                if !set_op {
                    return Err(ErrorRecord::new(
                        right.span,
                        "Relational expression not supported for sets",
                    ));
                }
                let name = name.clone();
                let info = self.lookup_set(&name, right.span)?;
                let want: Vec<Ty> = info.key.iter().map(|(d, b)| Ty::new(*d, *b)).collect();
                if !same_types(&tys, &want) {
                    return Err(ErrorRecord::new(
                        right.span,
                        "datatype mismatch, expression does not match set key",
                    ));
                }
            }
            ExprKind::Set(elems) => {
                if !set_op {
                    return Err(ErrorRecord::new(
                        right.span,
                        "Relational expression not supported for sets",
                    ));
                }
                if elems.is_empty() {
                    return Err(ErrorRecord::new(right.span, "Set is empty"));
                }
                // A concatenation stays a set lookup, as nft keeps it.
                let concat_interval = elems
                    .first()
                    .is_some_and(|e| matches!(e.key.kind, ExprKind::Concat(_)));
                if elems.len() == 1 && elems[0].data.is_none() && !concat_interval {
                    // A one-element anonymous set is the element itself.
                    let single = elems.remove(0).key;
                    *right = single;
                    self.key(right, &tys)?;
                } else {
                    self.elems(elems, &tys, None)?;
                }
            }
            _ => {
                self.key(right, &tys)?;
                if matches!(right.kind, ExprKind::Concat(_)) && super::expr::is_interval(right) {
                    return Err(ErrorRecord::new(
                        right.span,
                        "ranges and prefixes in a concatenation need a set: use { … }",
                    ));
                }
            }
        }
        shift_for(left, right);
        if matches!(op, RelOp::Implicit | RelOp::Eq) {
            self.learn(left, right);
            // `meta l4proto { tcp, udp }`: some transport protocol, ports are meaningful.
            let l4_set = match (&left.kind, &right.kind) {
                (ExprKind::Meta(k), ExprKind::Set(_)) => k.name == "l4proto",
                (ExprKind::Payload(f), ExprKind::Set(_)) => {
                    (f.proto == Proto::Ip && f.name == "protocol")
                        || (f.proto == Proto::Ip6 && f.name == "nexthdr")
                }
                _ => false,
            };
            if l4_set {
                self.l4 = Some(ANY_L4);
            }
        }
        Ok(())
    }

    /// Protocol context from a match: `meta l4proto tcp`, `ip protocol udp`, `meta nfproto ipv6`.
    fn learn(&mut self, left: &Expr, right: &Expr) {
        let ExprKind::Value(v) = &right.kind else {
            return;
        };
        let n = v.as_u64();
        match &left.kind {
            ExprKind::Meta(k) if k.name == "l4proto" => self.l4 = n,
            ExprKind::Payload(f) if f.name == "protocol" && f.proto == Proto::Ip => self.l4 = n,
            ExprKind::Payload(f) if f.name == "nexthdr" && f.proto == Proto::Ip6 => self.l4 = n,
            ExprKind::Meta(k) if k.name == "iiftype" && n == Some(1) => self.iiftype = true,
            ExprKind::Payload(f)
                if f.proto == Proto::Ether
                    && f.name == "type"
                    && matches!(n, Some(0x8100 | 0x88a8)) =>
            {
                self.vlan = true
            }
            ExprKind::Payload(f) if f.proto == Proto::Ether && f.name == "type" => match n {
                Some(0x0800) => self.l3 = Some(Family::Ip),
                Some(0x86dd) => self.l3 = Some(Family::Ip6),
                _ => {}
            },
            ExprKind::Meta(k) if k.name == "protocol" => {
                self.l3 = match n {
                    Some(0x0800) => Some(Family::Ip),
                    Some(0x86dd) => Some(Family::Ip6),
                    _ => None,
                }
            }
            ExprKind::Meta(k) if k.name == "nfproto" => {
                self.l3 = match n {
                    Some(2) => Some(Family::Ip),
                    Some(10) => Some(Family::Ip6),
                    _ => None,
                }
            }
            _ => {}
        }
    }

    /// Insert the statements a selector depends on (proto.c dependencies).
    pub(crate) fn deps(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> Result<(), ErrorRecord> {
        match &e.kind {
            ExprKind::Concat(parts) => {
                for p in parts {
                    self.deps(p, out)?;
                }
                Ok(())
            }
            ExprKind::Binop(_, l, _) => self.deps(l, out),
            ExprKind::Payload(f) => self.payload_dep(f.proto, e.span, out),
            // `ct original ip saddr` after `meta nfproto ipv6` (and the reverse) cannot match.
            ExprKind::Ct { key, .. } => {
                let fam = match key.name {
                    "ip saddr" | "ip daddr" => Family::Ip,
                    "ip6 saddr" | "ip6 daddr" => Family::Ip6,
                    _ => return Ok(()),
                };
                match self.l3 {
                    Some(have) if have != fam => Err(ErrorRecord::new(
                        e.span,
                        format!(
                            "conflicting protocols specified: {} vs. {}",
                            have.name(),
                            fam.name()
                        ),
                    )),
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    fn payload_dep(
        &mut self,
        p: Proto,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Result<(), ErrorRecord> {
        match p {
            Proto::Ip | Proto::Ip6 => {
                let want = if p == Proto::Ip {
                    Family::Ip
                } else {
                    Family::Ip6
                };
                match self.family {
                    Family::Ip | Family::Ip6 if self.family != want => Err(ErrorRecord::new(
                        span,
                        format!(
                            "conflicting protocols specified: {} vs. {}",
                            self.family.name(),
                            p.name()
                        ),
                    )),
                    Family::Ip | Family::Ip6 => Ok(()),
                    _ => self.l3_dep(want, false, span, out),
                }
            }
            Proto::Vlan => {
                // `ether type vlan` first (after `meta iiftype ether` outside bridge/netdev).
                if let Some(t) = self.l3.filter(|_| !self.vlan) {
                    return Err(ErrorRecord::new(
                        span,
                        format!("conflicting protocols specified: {} vs. vlan", t.name()),
                    ));
                }
                self.payload_dep(Proto::Ether, span, out)?;
                if !self.vlan {
                    let f = field(Proto::Ether, "type").ok_or_else(|| internal(span))?;
                    out.push(Stmt::new(
                        StmtKind::Match {
                            left: Expr::new(ExprKind::Payload(f), span),
                            op: RelOp::Implicit,
                            right: Expr::new(
                                ExprKind::Value(Value::num(Datatype::EtherType, 16, 0x8100)),
                                span,
                            ),
                        },
                        span,
                    ));
                    self.vlan = true;
                }
                Ok(())
            }
            Proto::Ether => {
                if matches!(self.family, Family::Ip | Family::Ip6 | Family::Inet) && !self.iiftype {
                    let key = meta_key("iiftype").ok_or_else(|| internal(span))?;
                    out.push(dep_stmt(key, Datatype::ArpHrd, 16, 1, span));
                    self.iiftype = true;
                }
                Ok(())
            }
            _ => {
                // ICMP and IGMP belong to IPv4, ICMPv6 to IPv6: in inet/bridge/netdev tables
                // the network protocol comes first.
                let l3 = match p {
                    Proto::Icmp | Proto::Igmp => Some(Proto::Ip),
                    Proto::Icmpv6 => Some(Proto::Ip6),
                    _ => None,
                };
                if let Some(l3) = l3 {
                    if !matches!(self.family, Family::Ip | Family::Ip6) {
                        let want = if l3 == Proto::Ip {
                            Family::Ip
                        } else {
                            Family::Ip6
                        };
                        self.l3_dep(want, true, span, out)?;
                    }
                }
                let Some(n) = p.l4proto() else {
                    return Ok(());
                };
                if self.l4 == Some(n as u64) {
                    return Ok(());
                }
                if self.l4 == Some(ANY_L4) {
                    return Err(ErrorRecord::new(
                        span,
                        format!(
                            "conflicting transport layer protocols specified: set vs. {}",
                            p.name()
                        ),
                    ));
                }
                if let Some(have) = self.l4 {
                    return Err(ErrorRecord::new(
                        span,
                        format!(
                            "conflicting transport layer protocols specified: {} vs. {}",
                            proto_name(have),
                            p.name()
                        ),
                    ));
                }
                let key = meta_key("l4proto").ok_or_else(|| internal(span))?;
                out.push(dep_stmt(key, Datatype::InetProto, 8, n as u64, span));
                self.l4 = Some(n as u64);
                Ok(())
            }
        }
    }

    /// The network-protocol dependency outside ip/ip6 tables: `meta nfproto` in inet;
    /// in bridge/netdev `meta protocol` for network-header fields, the link-layer type field
    /// (`ether type`, or `vlan type` after a vlan match) for transport protocols that imply
    /// a network protocol (proto.c's dependency choices in nftables 1.1.x).
    fn l3_dep(
        &mut self,
        want: Family,
        via_ll: bool,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Result<(), ErrorRecord> {
        if self.l3 == Some(want) {
            return Ok(());
        }
        if let Some(have) = self.l3 {
            // A transport protocol that implies a network protocol adds no dependency once
            // one is known (nft does not check it); a network-header field conflicts.
            if via_ll {
                return Ok(());
            }
            return Err(ErrorRecord::new(
                span,
                format!(
                    "conflicting protocols specified: {} vs. {}",
                    have.name(),
                    want.name()
                ),
            ));
        }
        let ethertype = if want == Family::Ip { 0x0800 } else { 0x86dd };
        if self.family == Family::Inet {
            let key = meta_key("nfproto").ok_or_else(|| internal(span))?;
            let n = if want == Family::Ip { 2 } else { 10 };
            out.push(dep_stmt(key, Datatype::Nfproto, 8, n, span));
        } else if via_ll || self.vlan {
            let proto = if self.vlan { Proto::Vlan } else { Proto::Ether };
            let f = field(proto, "type").ok_or_else(|| internal(span))?;
            out.push(Stmt::new(
                StmtKind::Match {
                    left: Expr::new(ExprKind::Payload(f), span),
                    op: RelOp::Implicit,
                    right: Expr::new(
                        ExprKind::Value(Value::num(Datatype::EtherType, 16, ethertype)),
                        span,
                    ),
                },
                span,
            ));
        } else {
            let key = meta_key("protocol").ok_or_else(|| internal(span))?;
            out.push(dep_stmt(key, Datatype::EtherType, 16, ethertype, span));
        }
        self.l3 = Some(want);
        Ok(())
    }

    /// The map of a `vmap`/`map`: a named map of the right types, or an anonymous one.
    fn map_target(&mut self, map: &mut Expr, key: &[Ty], data: Ty) -> Result<(), ErrorRecord> {
        match &mut map.kind {
            ExprKind::SetRef(name) => {
                let name = name.clone();
                let info = self.lookup_set(&name, map.span)?;
                let want: Vec<Ty> = info.key.iter().map(|(d, b)| Ty::new(*d, *b)).collect();
                if !same_types(key, &want) {
                    return Err(ErrorRecord::new(
                        map.span,
                        "datatype mismatch, map expects a different key",
                    ));
                }
                match info.data {
                    Some((d, _)) if d == data.dtype => Ok(()),
                    _ => Err(ErrorRecord::new(
                        map.span,
                        format!("Expression is not a map with {} data", data.dtype.name()),
                    )),
                }
            }
            ExprKind::Set(elems) => {
                if elems.is_empty() {
                    return Err(ErrorRecord::new(map.span, "Set is empty"));
                }
                self.elems(elems, key, Some(data))
            }
            _ => Err(ErrorRecord::new(map.span, "Expression is not a map")),
        }
    }

    /// The value of `meta mark set …`: a constant, or a selector combined with constants.
    /// Types of a key that may mix selectors and (already typed) constants.
    fn key_types(&mut self, key: &mut Expr) -> Result<Vec<Ty>, ErrorRecord> {
        if let ExprKind::Concat(parts) = &mut key.kind {
            let mut v = Vec::with_capacity(parts.len());
            for p in parts.iter_mut() {
                match &p.kind {
                    ExprKind::Value(val) => v.push(Ty::new(val.dtype, val.bits)),
                    _ => v.extend(self.selector(p)?),
                }
            }
            return Ok(v);
        }
        self.selector(key)
    }

    fn set_value(&mut self, v: &mut Expr, t: Ty, out: &mut Vec<Stmt>) -> Result<(), ErrorRecord> {
        if let ExprKind::Map { key, map } = &mut v.kind {
            if let Some(sp) = unqualified_ct_addr(key) {
                return Err(ct_addr_error(sp));
            }
            let tys = self.selector(key)?;
            self.deps(key, out)?;
            return self.map_target(map, &tys, t);
        }
        if super::expr::single_type(v, self.family).is_some() {
            self.selector(v)?;
            return self.deps(v, out);
        }
        self.value(v, t)
    }

    fn nat(&mut self, nat: &mut NatStmt, span: Span) -> Result<(), ErrorRecord> {
        let fam = match (self.family, nat.family) {
            (Family::Ip, None | Some(Family::Ip)) => Family::Ip,
            (Family::Ip6, None | Some(Family::Ip6)) => Family::Ip6,
            (Family::Inet, Some(f)) => f,
            (Family::Inet, None) => match (&self.l3, nat.addr.as_ref()) {
                (Some(f), _) => *f,
                (None, None) => Family::Inet,
                _ => {
                    return Err(ErrorRecord::new(
                        span,
                        "specify `dnat ip' or 'dnat ip6' in inet table to disambiguate",
                    ))
                }
            },
            (f, _) => {
                return Err(ErrorRecord::new(
                    span,
                    format!("NAT is not supported in the {} family", f.name()),
                ))
            }
        };
        nat.family = Some(fam);
        if let Some(a) = &mut nat.addr {
            let t = if fam == Family::Ip6 {
                Ty::new(Datatype::Ipv6Addr, 128)
            } else {
                Ty::new(Datatype::Ipv4Addr, 32)
            };
            // nft leaves NF_NAT_RANGE_MAP_IPS (and the max registers) to the kernel.
            if let ExprKind::Map { key, map } = &mut a.kind {
                let tys = self.selector(key)?;
                self.map_target(map, &tys, t)?;
            } else {
                self.value(a, t)?;
            }
        }
        if let Some(p) = &mut nat.port {
            if !matches!(self.l4, Some(6 | 17 | 33 | 132 | 136 | ANY_L4)) {
                return Err(ErrorRecord::new(
                    p.span,
                    "transport protocol mapping is only valid after transport protocol match",
                ));
            }
            self.value(p, Ty::new(Datatype::InetService, 16))?;
            nat.flags.0 |= NatFlags::PROTO_SPECIFIED;
        }
        Ok(())
    }

    fn reject(
        &mut self,
        kind: RejectKind,
        code: &mut Option<Expr>,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Result<(), ErrorRecord> {
        let conflict = match (self.family, kind) {
            (Family::Arp, _) => Some("cannot use reject with arp"),
            (Family::Ip | Family::Ip6, RejectKind::Icmpx) => {
                Some("abstracted ICMP unreachable not supported")
            }
            (Family::Ip, RejectKind::Icmpv6) | (Family::Ip6, RejectKind::Icmp) => {
                Some("conflicting protocols specified: ip vs ip6")
            }
            (_, RejectKind::Icmp) if self.l3 == Some(Family::Ip6) => {
                Some("conflicting protocols specified: ip vs ip6")
            }
            (_, RejectKind::Icmpv6) if self.l3 == Some(Family::Ip) => {
                Some("conflicting protocols specified: ip vs ip6")
            }
            _ => None,
        };
        if let Some(msg) = conflict {
            return Err(match code {
                Some(c) => ErrorRecord::new(c.span, msg).with_other(span),
                None => ErrorRecord::new(span, msg),
            });
        }
        if kind == RejectKind::TcpReset && self.l4 != Some(IPPROTO_TCP) {
            self.payload_dep(Proto::Tcp, span, out)?;
        }
        let Some(c) = code else {
            return Ok(());
        };
        let (table, dtype) = match kind {
            RejectKind::Icmp => (ICMP_CODES, Datatype::IcmpCode),
            RejectKind::Icmpv6 => (ICMPV6_CODES, Datatype::Icmpv6Code),
            _ => (ICMPX_CODES, Datatype::IcmpxCode),
        };
        let n = match &c.kind {
            ExprKind::Literal(Literal::Ident(s)) => code_value(table, s),
            ExprKind::Literal(Literal::Number(n)) => u8::try_from(*n).ok(),
            _ => None,
        };
        match n {
            Some(n) => {
                c.kind = ExprKind::Value(Value::num(dtype, 8, n as u64));
                Ok(())
            }
            None => Err(ErrorRecord::new(c.span, "Could not parse icmp code")),
        }
    }
}

fn dep_stmt(key: &'static MetaKey, t: Datatype, bits: u32, n: u64, span: Span) -> Stmt {
    Stmt::new(
        StmtKind::Match {
            left: Expr::new(ExprKind::Meta(key), span),
            op: RelOp::Implicit,
            right: Expr::new(ExprKind::Value(Value::num(t, bits, n)), span),
        },
        span,
    )
}

fn internal(span: Span) -> ErrorRecord {
    ErrorRecord::new(span, "internal error: unknown meta key")
}

fn proto_name(n: u64) -> &'static str {
    match n {
        1 => "icmp",
        6 => "tcp",
        17 => "udp",
        58 => "icmpv6",
        132 => "sctp",
        _ => "unknown",
    }
}

pub(crate) fn same_types(a: &[Ty], b: &[Ty]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.bits.div_ceil(8) == y.bits.div_ceil(8)
                && (x.dtype == y.dtype
                    || x.dtype == Datatype::Integer
                    || y.dtype == Datatype::Integer)
        })
}

/// Statements nothing may follow (STMT_F_TERMINAL): verdicts but `continue`, reject, nat.
/// A verdict map is not one (its lookup may find nothing).
fn is_terminal(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Verdict(e) => {
            matches!(&e.kind, ExprKind::Verdict(v) if *v != Verdict::Continue)
        }
        StmtKind::Reject { .. } | StmtKind::Nat(_) => true,
        _ => false,
    }
}

/// `ct saddr`/`ct daddr` without `ip`/`ip6` cannot key a set or map.
fn unqualified_ct_addr(e: &Expr) -> Option<Span> {
    match &e.kind {
        ExprKind::Ct { key, .. } if matches!(key.name, "saddr" | "daddr") => Some(e.span),
        ExprKind::Concat(p) => p.iter().find_map(unqualified_ct_addr),
        _ => None,
    }
}

fn ct_addr_error(span: Span) -> ErrorRecord {
    ErrorRecord::new(span, "specify either ip or ip6 for address matching")
}

/// Constants compared with (or keyed by) a field that is not byte-aligned move to where the
/// field sits in the bytes loaded for it (`ip dscp cs1` compares 0x20 under mask 0xfc).
fn shift_for(sel: &Expr, consts: &mut Expr) {
    match (&sel.kind, &mut consts.kind) {
        (_, ExprKind::Set(elems)) => {
            for e in elems.iter_mut() {
                shift_for(sel, &mut e.key);
            }
        }
        (ExprKind::Concat(sels), ExprKind::Concat(vals)) => {
            for (a, b) in sels.iter().zip(vals.iter_mut()) {
                shift_for(a, b);
            }
        }
        (ExprKind::Payload(f), _) => {
            if let Some((nbytes, shift)) = super::unaligned(f) {
                shift_value(consts, nbytes, shift);
            }
        }
        (ExprKind::RawPayload { offset, len, .. }, _) => {
            if let Some((nbytes, shift)) = super::unaligned_bits(*offset, *len) {
                shift_value(consts, nbytes, shift);
            }
        }
        _ => {}
    }
}

fn shift_value(e: &mut Expr, nbytes: u32, shift: u32) {
    match &mut e.kind {
        ExprKind::Value(v) => {
            if let Some(n) = v.as_u64() {
                *v = Value::num(v.dtype, nbytes * 8, n << shift);
            }
        }
        ExprKind::Range(a, b) => {
            shift_value(a, nbytes, shift);
            shift_value(b, nbytes, shift);
        }
        _ => {}
    }
}
