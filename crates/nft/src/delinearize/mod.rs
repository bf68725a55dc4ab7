// SPDX-License-Identifier: Apache-2.0
//! Delinearisation (netlink_delinearize.c): kernel objects → the shared AST.
//! [`parse`] rebuilds statements through a register file, [`postprocess`]
//! removes implied dependencies and restores the readable forms; sets and
//! their elements are decoded here too ([`set`], [`elems`]).

mod actions;
mod fields;
mod parse;
mod postprocess;
mod set_typeof;
pub mod value;

use std::cmp::Ordering;

use nfnl::nftables::consts::*;
use nfnl::nftables::{udata, Data, SetElem};

use crate::ast::{
    ChainId, Datatype, Elem, Expr, ExprKind, Family, Rule, Set, SetFlags, SetKey, SetPolicy, Span,
    TableId,
};
use crate::cache::{CachedSet, CachedTable};
use value::Part;

/// What delinearize needs to know about a set a rule refers to.
#[derive(Debug, Clone)]
pub struct SetInfo {
    pub key_len: u32,
    pub key_type: u32,
    /// NFT_OBJECT_* of an object map.
    pub obj_type: u32,
    pub data_type: u32,
    pub anonymous: bool,
    /// Default timeout, ms.
    pub timeout: Option<u64>,
}

/// Access to the sets of the rule's table.
pub trait SetLookup {
    fn find(&self, name: &str) -> Option<SetInfo>;
    /// The elements of an (anonymous) set, keys typed as `parts`.
    fn elems(&self, name: &str, parts: &[Part]) -> Vec<Elem>;
}

impl SetLookup for CachedTable {
    fn find(&self, name: &str) -> Option<SetInfo> {
        let s = &self.set(name)?.set;
        Some(SetInfo {
            key_len: s.key_len.unwrap_or(0),
            key_type: s.key_type.unwrap_or(0),
            obj_type: s.obj_type.unwrap_or(0),
            data_type: s.data_type.unwrap_or(0),
            anonymous: s.flag(NFT_SET_ANONYMOUS),
            timeout: s.timeout,
        })
    }

    fn elems(&self, name: &str, parts: &[Part]) -> Vec<Elem> {
        match self.set(name) {
            Some(cs) => elems(cs, parts),
            None => Vec::new(),
        }
    }
}

fn table_id(t: &CachedTable) -> TableId {
    TableId {
        family: Family::from_nfproto(t.family()).unwrap_or(Family::Ip),
        name: t.name().to_string(),
        span: Span::NONE,
    }
}

/// One kernel rule → an AST rule. Expressions delinearize cannot read make
/// the rule print as nft prints what it does not understand.
pub fn rule(t: &CachedTable, r: &nfnl::nftables::Rule) -> Rule {
    let mut out = rule_body(t, r);
    out.chain = Some(ChainId {
        table: table_id(t),
        name: r.chain.clone().unwrap_or_default(),
        span: Span::NONE,
    });
    out
}

/// [`rule`] without the chain it belongs to (the text listing prints rules
/// inside their chain's block: no two name strings per rule).
pub fn rule_body(t: &CachedTable, r: &nfnl::nftables::Rule) -> Rule {
    let mut p = parse::Parser::new(t.family(), t);
    let mut bad = None;
    for x in r.expressions() {
        if let Err(e) = p.expr(x) {
            bad = Some(e);
            break;
        }
    }
    let mut stmts = p.stmts;
    postprocess::rule(&mut stmts);
    if let Some(msg) = bad {
        stmts.push(crate::ast::Stmt::new(
            crate::ast::StmtKind::Verdict(Expr::new(
                ExprKind::Literal(crate::ast::Literal::Ident(format!("# unsupported: {msg}"))),
                Span::NONE,
            )),
            Span::NONE,
        ));
    }
    Rule {
        chain: None,
        handle: r.handle,
        position: None,
        index: None,
        stmts,
        comment: r.comment(),
        span: Span::NONE,
        loc_span: Span::NONE,
    }
}

/// The key parts of a set (its declared types).
pub fn set_parts(cs: &CachedSet) -> Vec<Part> {
    let s = &cs.set;
    value::key_parts(s.key_type.unwrap_or(0), s.key_len.unwrap_or(0))
}

/// A kernel set with its elements → an AST set.
pub fn set(t: &CachedTable, cs: &CachedSet) -> Set {
    let s = &cs.set;
    let parts = set_parts(cs);
    let is_map = s.flag(NFT_SET_MAP) || s.flag(NFT_SET_OBJECT);
    let data = if s.flag(NFT_SET_OBJECT) {
        let name = match s.obj_type.unwrap_or(0) {
            NFT_OBJECT_COUNTER => "counter",
            NFT_OBJECT_QUOTA => "quota",
            NFT_OBJECT_CT_HELPER => "ct helper",
            NFT_OBJECT_LIMIT => "limit",
            NFT_OBJECT_CT_TIMEOUT => "ct timeout",
            NFT_OBJECT_SECMARK => "secmark",
            NFT_OBJECT_CT_EXPECT => "ct expectation",
            NFT_OBJECT_SYNPROXY => "synproxy",
            _ => "invalid",
        };
        let lit = Expr::new(
            ExprKind::Literal(crate::ast::Literal::Ident(name.into())),
            Span::NONE,
        );
        Some(SetKey::Typeof(vec![lit]))
    } else if is_map {
        let dt = s.data_type.unwrap_or(0);
        let d = if dt == NFT_DATA_VERDICT {
            Datatype::Verdict
        } else {
            Datatype::from_id(dt)
        };
        if dt == NFT_DATA_VERDICT {
            Some(SetKey::Types(vec![d]))
        } else {
            Some(SetKey::Types(
                value::key_parts(dt, s.data_len.unwrap_or(0))
                    .iter()
                    .map(|p| p.dtype)
                    .collect(),
            ))
        }
    } else {
        None
    };
    let data = match (data, s.data_typeof().and_then(set_typeof::typeof_exprs)) {
        (Some(_), Some(t)) => Some(SetKey::Typeof(t)),
        (d, _) => d,
    };
    let ud = s.userdata.as_ref().map(|b| b.0.as_slice()).unwrap_or(&[]);
    Set {
        table: Some(table_id(t)),
        name: cs.name().to_string(),
        name_span: Span::NONE,
        handle: s.handle,
        is_map,
        key: s
            .key_typeof()
            .and_then(set_typeof::typeof_exprs)
            .map(SetKey::Typeof)
            .unwrap_or_else(|| SetKey::Types(parts.iter().map(|p| p.dtype).collect())),
        key_span: Span::NONE,
        data,
        flags: SetFlags(s.flags.unwrap_or(0)),
        timeout: s.timeout,
        gc_interval: s.gc_interval.map(u64::from),
        size: s.desc.as_ref().and_then(|d| d.size),
        policy: s.policy.map(|p| {
            if p == NFT_SET_POL_MEMORY {
                SetPolicy::Memory
            } else {
                SetPolicy::Performance
            }
        }),
        auto_merge: udata::find(ud, udata::NFTNL_UDATA_SET_MERGE_ELEMENTS).is_some(),
        comment: s.comment(),
        stmts: s
            .expr
            .iter()
            .map(|b| b.as_ref())
            .chain(s.exprs.iter().flatten())
            .filter_map(stateful)
            .collect(),
        elems: elems(cs, &parts),
        span: Span::NONE,
    }
}

/// Keys compared as little-endian numbers (last byte most significant).
fn le_cmp(a: &[u8], b: &[u8]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

fn data_expr(cs: &CachedSet, d: &Data) -> Expr {
    match d {
        Data::Verdict(v) => Expr::new(ExprKind::Verdict(parse::verdict_of(v)), Span::NONE),
        Data::Value(bytes) => {
            let s = &cs.set;
            let parts = value::key_parts(s.data_type.unwrap_or(0), s.data_len.unwrap_or(0));
            value::key_expr(&parts, bytes)
        }
    }
}

fn elem(cs: &CachedSet, e: &SetElem, key: Expr) -> Elem {
    let set_timeout = cs.set.timeout;
    Elem {
        key,
        data: match (&e.data, &e.objref) {
            (Some(d), _) => Some(data_expr(cs, d)),
            (None, Some(obj)) => Some(Expr::new(
                ExprKind::Literal(crate::ast::Literal::Str(obj.clone())),
                Span::NONE,
            )),
            (None, None) => None,
        },
        timeout: e.timeout.filter(|t| Some(*t) != set_timeout),
        expires: e.expiration,
        comment: e.comment(),
        stmts: e
            .expr
            .iter()
            .map(|b| b.as_ref())
            .chain(e.exprs.iter().flatten())
            .filter_map(stateful)
            .collect(),
        span: Span::NONE,
    }
}

/// The elements of a set, typed as `parts`, in nft's listing order;
/// interval sets have their start/end pairs joined into prefixes and ranges.
pub fn elems(cs: &CachedSet, parts: &[Part]) -> Vec<Elem> {
    let interval = cs.set.flag(NFT_SET_INTERVAL);
    let mut list: Vec<&SetElem> = cs.elems.iter().collect();
    if !interval || parts.len() > 1 {
        // One big-endian part sorts by its value; host-order parts and
        // concatenations sort as one little-endian number.
        if (parts.len() == 1 && parts[0].order == crate::ast::ByteOrder::Big)
            || (interval && parts.len() > 1)
        {
            list.sort_by(|a, b| a.key_bytes().cmp(b.key_bytes()));
        } else {
            list.sort_by(|a, b| le_cmp(a.key_bytes(), b.key_bytes()));
        }
        // The catch-all element lists last.
        list.sort_by_key(|e| is_catchall(e));
        return list
            .into_iter()
            .filter(|e| !e.is_interval_end())
            .map(|e| {
                if e.flags.unwrap_or(0) & NFT_SET_ELEM_CATCHALL != 0 {
                    let star = Expr::new(
                        ExprKind::Literal(crate::ast::Literal::Ident("*".into())),
                        Span::NONE,
                    );
                    return elem(cs, e, star);
                }
                let key = match (&e.key_end, parts.len()) {
                    (Some(end), _) => {
                        interval_concat(parts, e.key_bytes(), end.value().unwrap_or(&[]))
                    }
                    (None, _) => value::key_expr(parts, e.key_bytes()),
                };
                elem(cs, e, key)
            })
            .collect();
    }
    // Equal keys: the end of one interval before the start of the next.
    list.sort_by(|a, b| {
        a.key_bytes()
            .cmp(b.key_bytes())
            .then_with(|| b.is_interval_end().cmp(&a.is_interval_end()))
    });
    let (catchall, list): (Vec<&SetElem>, Vec<&SetElem>) =
        list.into_iter().partition(|e| is_catchall(e));
    let mut out = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let e = list[i];
        if e.is_interval_end() {
            i += 1;
            continue;
        }
        // The interval ends at the next element: an end marker, or the
        // start of an adjacent interval (nft sends no end marker then).
        let next = list.get(i + 1);
        let end = next.map(|n| n.key_bytes());
        let consumed = if next.is_some_and(|n| n.is_interval_end()) {
            2
        } else {
            1
        };
        let key = match &e.key_end {
            Some(ke) => value::interval_incl(&parts[0], e.key_bytes(), ke.value().unwrap_or(&[])),
            None => value::interval(&parts[0], e.key_bytes(), end),
        };
        out.push(elem(cs, e, key));
        i += consumed;
    }
    for e in catchall {
        out.push(elem(cs, e, star()));
    }
    out
}

fn is_catchall(e: &SetElem) -> bool {
    e.flags.unwrap_or(0) & NFT_SET_ELEM_CATCHALL != 0
}

/// The catch-all element's key, `*`.
fn star() -> Expr {
    Expr::new(
        ExprKind::Literal(crate::ast::Literal::Ident("*".into())),
        Span::NONE,
    )
}

/// A concatenated interval element (key .. key_end, both inclusive).
fn interval_concat(parts: &[Part], lo: &[u8], hi: &[u8]) -> Expr {
    let mut off = 0;
    let mut items = Vec::new();
    for p in parts {
        let n = p.reg_bytes();
        let (a, b) = (
            lo.get(off..off + n).unwrap_or(&[]),
            hi.get(off..off + n).unwrap_or(&[]),
        );
        items.push(value::interval_incl(p, a, b));
        off += n;
    }
    if items.len() == 1 {
        return items.remove(0);
    }
    Expr::new(ExprKind::Concat(items), Span::NONE)
}

/// A kernel chain → an AST chain (no rules; the printer streams them).
pub fn chain(t: &CachedTable, c: &nfnl::nftables::Chain) -> crate::ast::Chain {
    let base = c.hook.as_ref().map(|h| crate::ast::BaseChain {
        kind: c.chain_type.clone().unwrap_or_else(|| "filter".into()),
        kind_span: Span::NONE,
        hook: crate::print::prio::hook_name(t.family(), h.hooknum.unwrap_or(0)).to_string(),
        hook_span: Span::NONE,
        devices: match (&h.dev, &h.devs) {
            (_, Some(d)) => d.0.clone(),
            (Some(d), None) => vec![d.clone()],
            (None, None) => Vec::new(),
        },
        prio: crate::ast::Prio::Num(h.priority.unwrap_or(0)),
        prio_span: Span::NONE,
        policy: c.policy,
        flags: c.flags.unwrap_or(0),
    });
    crate::ast::Chain {
        table: Some(table_id(t)),
        name: c.name.clone().unwrap_or_default(),
        name_span: Span::NONE,
        handle: c.handle,
        base,
        comment: c.comment(),
        rules: Vec::new(),
        span: Span::NONE,
    }
}

#[cfg(test)]
mod tests;

/// A stateful expression attached to a set or an element, as a statement.
pub(crate) fn stateful(x: &nfnl::nftables::Expr) -> Option<crate::ast::Stmt> {
    use crate::ast::{Stmt, StmtKind};
    let kind = match x {
        nfnl::nftables::Expr::Counter(c) => StmtKind::Counter {
            packets: c.packets.unwrap_or(0),
            bytes: c.bytes.unwrap_or(0),
        },
        nfnl::nftables::Expr::Limit(l) => StmtKind::Limit {
            rate: l.rate.unwrap_or(0),
            unit_secs: l.unit.unwrap_or(1),
            burst: l.burst.unwrap_or(0),
            bytes: l.limit_type == Some(NFT_LIMIT_PKT_BYTES),
            over: l.flags.unwrap_or(0) & NFT_LIMIT_F_INV != 0,
        },
        _ => return None,
    };
    Some(Stmt::new(kind, Span::NONE))
}
