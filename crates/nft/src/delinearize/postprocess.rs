// SPDX-License-Identifier: Apache-2.0
//! Second pass (rule_parse_postprocess): drop the dependencies nft adds on
//! its own (`meta l4proto tcp` before `tcp dport`, `meta nfproto ipv4` before
//! `ip saddr` in inet tables) and turn flag tests (`ct state & new != 0`)
//! back into `ct state new`.

use crate::ast::{BinOp, Datatype, Expr, ExprKind, Proto, RelOp, Stmt, StmtKind};

fn is_flag_type(d: Datatype) -> bool {
    matches!(
        d,
        Datatype::CtState | Datatype::CtStatus | Datatype::TcpFlag | Datatype::CtEventBit
    )
}

fn dtype_of(e: &Expr) -> Option<Datatype> {
    match &e.kind {
        ExprKind::Payload(f) => Some(f.dtype),
        ExprKind::Meta(m) => Some(m.dtype),
        ExprKind::Ct { key, .. } => Some(key.dtype),
        _ => None,
    }
}

fn is_zero(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Value(v) if v.data.iter().all(|&b| b == 0))
}

/// Which protocols an expression's payload fields belong to.
fn protos(e: &Expr, out: &mut Vec<Proto>) {
    match &e.kind {
        ExprKind::Payload(f) => out.push(f.proto),
        ExprKind::Concat(v) => v.iter().for_each(|x| protos(x, out)),
        ExprKind::Map { key, .. } => protos(key, out),
        ExprKind::Binop(_, a, b) => {
            protos(a, out);
            protos(b, out);
        }
        _ => {}
    }
}

fn stmt_protos(s: &Stmt) -> Vec<Proto> {
    let mut out = Vec::new();
    match &s.kind {
        StmtKind::Match { left, .. } => protos(left, &mut out),
        StmtKind::Verdict(e) => protos(e, &mut out),
        StmtKind::Set { key, .. } => protos(key, &mut out),
        StmtKind::MetaSet { value, .. } | StmtKind::CtSet { value, .. } => protos(value, &mut out),
        StmtKind::Nat(n) => {
            for e in [&n.addr, &n.port].into_iter().flatten() {
                protos(e, &mut out);
            }
        }
        _ => {}
    }
    out
}

/// The protocol a `meta l4proto X` / `meta nfproto X` / `ether type X` match
/// implies, if it is one.
fn dependency(s: &Stmt) -> Option<Proto> {
    let StmtKind::Match { left, op, right } = &s.kind else {
        return None;
    };
    if !matches!(op, RelOp::Eq | RelOp::Implicit) {
        return None;
    }
    let ExprKind::Value(v) = &right.kind else {
        return None;
    };
    let n = *v.data.last()?;
    // `ether type ip` before an IPv4 (or icmp) match in bridge/netdev tables.
    if let ExprKind::Payload(f) = &left.kind {
        let ethertype = (f.proto, f.name) == (Proto::Ether, "type") && v.data.len() == 2;
        return match (ethertype, v.data[0], n) {
            (true, 0, 0x08) | (true, 0x08, 0) => Some(Proto::Ip),
            (true, 0x86, 0xdd) | (true, 0xdd, 0x86) => Some(Proto::Ip6),
            _ => None,
        };
    }
    let ExprKind::Meta(m) = &left.kind else {
        return None;
    };
    match (m.name, n) {
        ("iiftype", 1) => Some(Proto::Ether),
        ("l4proto", 6) => Some(Proto::Tcp),
        ("l4proto", 17) => Some(Proto::Udp),
        ("l4proto", 1) => Some(Proto::Icmp),
        ("l4proto", 58) => Some(Proto::Icmpv6),
        ("l4proto", 132) => Some(Proto::Sctp),
        ("nfproto", 2) => Some(Proto::Ip),
        ("nfproto", 10) => Some(Proto::Ip6),
        ("protocol", 0x08) if v.data.len() == 2 && v.data[0] == 0 => Some(Proto::Ip),
        ("protocol", 0xdd) if v.data.len() == 2 && v.data[0] == 0x86 => Some(Proto::Ip6),
        _ => None,
    }
}

/// `x >= a` followed by `x <= b` (how older nft wrote ranges) is `x a-b`.
fn merge_ranges(stmts: &mut Vec<Stmt>) {
    let mut i = 0;
    while i + 1 < stmts.len() {
        let merged = match (&stmts[i].kind, &stmts[i + 1].kind) {
            (
                StmtKind::Match {
                    left: l1,
                    op: RelOp::Gte,
                    right: lo,
                },
                StmtKind::Match {
                    left: l2,
                    op: RelOp::Lte,
                    right: hi,
                },
            ) if l1 == l2 => Some(StmtKind::Match {
                left: l1.clone(),
                op: RelOp::Implicit,
                right: Expr::new(
                    ExprKind::Range(Box::new(lo.clone()), Box::new(hi.clone())),
                    lo.span,
                ),
            }),
            _ => None,
        };
        if let Some(k) = merged {
            stmts[i].kind = k;
            stmts.remove(i + 1);
        }
        i += 1;
    }
}

pub fn rule(stmts: &mut Vec<Stmt>) {
    merge_ranges(stmts);
    // Flag tests.
    for s in stmts.iter_mut() {
        if let StmtKind::Match { left, op, right } = &mut s.kind {
            if let ExprKind::Binop(BinOp::And, inner, mask) = &left.kind {
                if *op == RelOp::Neq && is_zero(right) && dtype_of(inner).is_some_and(is_flag_type)
                {
                    let (inner, mask) = ((**inner).clone(), (**mask).clone());
                    *left = inner;
                    *right = mask;
                    *op = RelOp::Implicit;
                }
            }
        }
    }
    // Dependencies a later statement implies.
    let mut i = 0;
    while i < stmts.len() {
        if let Some(p) = dependency(&stmts[i]) {
            // icmp implies IPv4 and icmpv6 IPv6 in inet tables.
            let implied = |x: &Proto| {
                *x == p
                    || matches!(
                        (p, x),
                        (Proto::Ip, Proto::Icmp) | (Proto::Ip6, Proto::Icmpv6)
                    )
            };
            if stmts[i + 1..]
                .iter()
                .any(|s| stmt_protos(s).iter().any(implied))
            {
                stmts.remove(i);
                continue;
            }
        }
        i += 1;
    }
}
