// SPDX-License-Identifier: Apache-2.0
//! Commands to messages (mnl.c `mnl_nft_*_add/del`, rule.c `do_command_*`): message types and
//! flags as nftables sends them, anonymous sets before the rules using them.

use nfnl::msg::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use nfnl::nftables::consts::*;
use nfnl::nftables::{
    Chain as KChain, Hook, Obj as KObj, Rule as KRule, SetElemList, Table as KTable,
};

use nfnl::nftables::expr::Counter;

use super::anon::{elem_msgs, set_msg};
use super::data::elements;
use super::rule::{stateful, RuleLin};
use super::{Body, Out};
use crate::ast::*;
use crate::eval::{hook_number, prio_value, set_info, Placement, Scope};

fn out(msg: u8, flags: u16, body: Body, span: Span) -> Out {
    Out {
        msg,
        flags,
        body,
        spans: Vec::new(),
        list_spans: Vec::new(),
        cmd_span: span,
    }
}

/// The messages for one evaluated command. `placements` are eval's, one per rule in order.
pub fn linearize(scope: &mut Scope, cmd: &Cmd, span: Span, placements: &[Placement]) -> Vec<Out> {
    let mut v = Vec::new();
    let mut pl = placements.iter();
    match cmd {
        Cmd::Add(o) => object(scope, o, false, span, &mut pl, &mut v),
        Cmd::Create(o) => object(scope, o, true, span, &mut pl, &mut v),
        Cmd::Insert(r) => {
            let p = pl.next().copied().unwrap_or_default();
            rule(scope, r, NLM_F_CREATE, p, span, &mut v)
        }
        Cmd::Replace(r) => {
            let p = pl.next().copied().unwrap_or_default();
            rule(scope, r, NLM_F_REPLACE, p, span, &mut v)
        }
        Cmd::Delete(r) => delete(scope, r, false, span, &mut v),
        Cmd::Destroy(r) => delete(scope, r, true, span, &mut v),
        Cmd::Flush(r) => flush(r, span, &mut v),
        Cmd::Reset(_) | Cmd::List(_) => {}
    }
    v
}

fn object<'p>(
    scope: &mut Scope,
    o: &Object,
    create: bool,
    span: Span,
    pl: &mut impl Iterator<Item = &'p Placement>,
    v: &mut Vec<Out>,
) {
    let excl = if create { NLM_F_EXCL } else { 0 };
    match o {
        Object::Table(t) => {
            let fam = t.family.unwrap_or(Family::Ip);
            let mut k = KTable::new(fam.nfproto(), &t.name);
            k.flags = Some(t.flags);
            if let Some(c) = &t.comment {
                k.set_comment(c);
            }
            let mut m = out(NFT_MSG_NEWTABLE, NLM_F_CREATE | excl, Body::Table(k), span);
            m.spans.push((NFTA_TABLE_NAME, t.span));
            v.push(m);
            for c in &t.chains {
                chain(c, excl, c.span, v);
            }
            for o in &t.objs {
                obj(o, excl, o.span, v);
            }
            for s in &t.sets {
                set(scope, s, excl, s.span, v);
            }
            for c in &t.chains {
                for r in &c.rules {
                    let p = pl.next().copied().unwrap_or_default();
                    rule(scope, r, NLM_F_CREATE | NLM_F_APPEND, p, r.span, v);
                }
            }
        }
        Object::Chain(c) => chain(c, excl, span, v),
        Object::Rule(r) => {
            let p = pl.next().copied().unwrap_or_default();
            rule(scope, r, NLM_F_CREATE | NLM_F_APPEND, p, span, v)
        }
        Object::Set(s) => set(scope, s, excl, span, v),
        Object::Elements(r) => elems(scope, r, NFT_MSG_NEWSETELEM, NLM_F_CREATE | excl, span, v),
        Object::Obj(o) => obj(o, excl, span, v),
    }
}

fn chain(c: &Chain, excl: u16, span: Span, v: &mut Vec<Out>) {
    let Some(id) = &c.table else {
        return;
    };
    let mut k = KChain::new(id.family.nfproto(), &id.name, &c.name);
    if let Some(b) = &c.base {
        let mut h = Hook::default();
        h.hooknum = hook_number(id.family, &b.hook);
        h.priority = prio_value(&b.prio, id.family);
        if let Some(d) = b.devices.first() {
            if b.devices.len() == 1 {
                h.dev = Some(d.clone());
            }
        }
        k.hook = Some(h);
        k.chain_type = Some(b.kind.clone());
        k.policy = b.policy;
    }
    if let Some(cm) = &c.comment {
        k.set_comment(cm);
    }
    let mut m = out(NFT_MSG_NEWCHAIN, NLM_F_CREATE | excl, Body::Chain(k), span);
    m.spans.push((NFTA_CHAIN_TABLE, id.span));
    m.spans.push((NFTA_CHAIN_NAME, c.name_span));
    if let Some(b) = &c.base {
        m.spans.push((NFTA_CHAIN_HOOK, b.hook_span.to(b.prio_span)));
        m.spans.push((NFTA_CHAIN_TYPE, b.kind_span));
    }
    v.push(m);
}

fn rule(scope: &mut Scope, r: &Rule, flags: u16, p: Placement, span: Span, v: &mut Vec<Out>) {
    let Some(cid) = &r.chain else {
        return;
    };
    let fam = cid.table.family;
    let tname = &cid.table.name;
    // Ids for anonymous sets come after the scope's; the scope is only read meanwhile.
    let counter = std::cell::Cell::new(scope.last_id());
    let (exprs, spans, anon) = {
        let ro: &Scope = scope;
        let lookup = |n: &str| {
            ro.set(fam, tname, n)
                .map(|s| (s.id, s.flags))
                .unwrap_or((None, 0))
        };
        let mut next = || {
            counter.set(counter.get() + 1);
            counter.get()
        };
        let mut lin = RuleLin::new(fam, &mut next, &lookup);
        for s in &r.stmts {
            lin.stmt(s);
        }
        (
            std::mem::take(&mut lin.exprs),
            std::mem::take(&mut lin.spans),
            std::mem::take(&mut lin.anon),
        )
    };
    scope.set_last_id(counter.get());
    for a in anon {
        let (s, lists) = a.messages(fam, tname);
        let mut m = out(NFT_MSG_NEWSET, NLM_F_CREATE, Body::Set(s), a.span);
        m.spans.push((NFTA_SET_TABLE, cid.table.span));
        v.push(m);
        for l in lists {
            let mut m = out(NFT_MSG_NEWSETELEM, NLM_F_CREATE, Body::Elems(l), a.span);
            m.spans.push((NFTA_SET_ELEM_LIST_TABLE, cid.table.span));
            v.push(m);
        }
    }
    let mut k = KRule::new(fam.nfproto(), tname, &cid.name);
    k.handle = p.handle;
    k.position = p.position;
    k.position_id = p.position_id;
    if flags & NLM_F_REPLACE == 0 {
        k.id = Some(p.rule_id);
    }
    k.exprs = Some(exprs);
    if let Some(c) = &r.comment {
        k.set_comment(c);
    }
    let mut m = out(NFT_MSG_NEWRULE, flags, Body::Rule(k), span);
    m.spans.push((NFTA_RULE_TABLE, cid.table.span));
    m.spans.push((NFTA_RULE_CHAIN, cid.span));
    m.spans.push((NFTA_RULE_HANDLE, r.loc_span));
    m.spans.push((NFTA_RULE_POSITION, r.loc_span));
    m.list_spans = spans;
    v.push(m);
}

fn set(scope: &mut Scope, s: &Set, excl: u16, span: Span, v: &mut Vec<Out>) {
    let Some(id) = &s.table else {
        return;
    };
    let info = match scope.set(id.family, &id.name, &s.name) {
        Some(i) => i.clone(),
        None => match set_info(s, id.family) {
            Ok(i) => i,
            Err(_) => return,
        },
    };
    let interval = info.flags & SetFlags::INTERVAL != 0;
    let kelems = if s.elems.is_empty() {
        Vec::new()
    } else {
        elements(&s.elems, interval, true).unwrap_or_default()
    };
    let mut k = set_msg(id.family, &id.name, &s.name, &info, Some(s), None, None);
    let exprs: Vec<_> = s.stmts.iter().filter_map(stateful).collect();
    if exprs.len() == 1 {
        k.expr = exprs.into_iter().next().map(Box::new);
    } else if exprs.len() > 1 {
        k.exprs = Some(exprs);
    }
    let mut m = out(NFT_MSG_NEWSET, NLM_F_CREATE | excl, Body::Set(k), span);
    m.spans.push((NFTA_SET_TABLE, id.span));
    m.spans.push((NFTA_SET_NAME, s.name_span));
    m.spans.push((NFTA_SET_KEY_TYPE, s.key_span));
    v.push(m);
    if !kelems.is_empty() {
        for l in elem_msgs(id.family, &id.name, &s.name, info.id, kelems) {
            let mut m = out(
                NFT_MSG_NEWSETELEM,
                NLM_F_CREATE | excl,
                Body::Elems(l),
                span,
            );
            m.spans.push((NFTA_SET_ELEM_LIST_TABLE, id.span));
            m.spans.push((NFTA_SET_ELEM_LIST_SET, s.name_span));
            v.push(m);
        }
    }
}

fn elems(scope: &Scope, r: &ObjRef, msg: u8, flags: u16, span: Span, v: &mut Vec<Out>) {
    let fam = r.family.unwrap_or(Family::Ip);
    let table = r.table.clone().unwrap_or_default();
    let name = r.name.clone().unwrap_or_default();
    let info = scope.set(fam, &table, &name).cloned();
    let interval = info
        .as_ref()
        .is_some_and(|i| i.flags & SetFlags::INTERVAL != 0);
    let kelems = if msg == NFT_MSG_NEWSETELEM {
        elements(&r.elems, interval, false).unwrap_or_default()
    } else {
        // Deletions name the keys only (interval starts and ends alike).
        let mut list = elements(&r.elems, interval, false).unwrap_or_default();
        for e in &mut list {
            e.data = None;
            e.userdata = None;
            e.timeout = None;
        }
        list
    };
    let id = info.and_then(|i| i.id);
    // Element spans: one per key (interval sets: start and end share the element's span).
    let per: Vec<Span> = r
        .elems
        .iter()
        .flat_map(|e| {
            let n = if interval { 2 } else { 1 };
            std::iter::repeat_n(e.key.span, n)
        })
        .collect();
    for l in elem_msgs(fam, &table, &name, id, kelems) {
        let count = l.elems().len();
        let mut m = out(msg, flags, Body::Elems(l), span);
        m.spans.push((NFTA_SET_ELEM_LIST_TABLE, r.table_span));
        m.spans.push((NFTA_SET_ELEM_LIST_SET, r.name_span));
        m.list_spans = per.iter().take(count).copied().collect();
        v.push(m);
    }
}

fn obj(o: &Obj, excl: u16, span: Span, v: &mut Vec<Out>) {
    let Some(id) = &o.table else {
        return;
    };
    let mut k = match &o.body {
        ObjBody::Counter { packets, bytes } => {
            let mut c = Counter::default();
            c.packets = Some(*packets);
            c.bytes = Some(*bytes);
            KObj::counter(id.family.nfproto(), &id.name, &o.name, &c)
        }
        ObjBody::Quota { bytes, used, over } => {
            let mut q = nfnl::nftables::expr::Quota::default();
            q.bytes = Some(*bytes);
            q.consumed = Some(*used);
            q.flags = Some(u32::from(*over));
            let mut w = nfnl::attr::Writer::new();
            q.emit(&mut w);
            let mut k = KObj::default();
            k.family = id.family.nfproto();
            k.table = Some(id.name.clone());
            k.name = Some(o.name.clone());
            k.obj_type = Some(NFT_OBJECT_QUOTA);
            k.data = Some(nfnl::nftables::RawNest(w.into_bytes()));
            k
        }
    };
    if let Some(c) = &o.comment {
        k.set_comment(c);
    }
    let mut m = out(NFT_MSG_NEWOBJ, NLM_F_CREATE | excl, Body::Obj(k), span);
    m.spans.push((NFTA_OBJ_TABLE, id.span));
    m.spans.push((NFTA_OBJ_NAME, o.name_span));
    v.push(m);
}

fn delete(scope: &Scope, r: &ObjRef, destroy: bool, span: Span, v: &mut Vec<Out>) {
    let fam = r.family.unwrap_or(Family::Ip).nfproto();
    let table = r.table.clone().unwrap_or_default();
    let pick = |del: u8, des: u8| if destroy { des } else { del };
    let mut m = match r.kind {
        ObjKind::Table => {
            let mut k = KTable::default();
            k.family = fam;
            if r.handle.is_some() {
                k.handle = r.handle;
            } else {
                k.name = Some(table.clone());
            }
            let mut m = out(
                pick(NFT_MSG_DELTABLE, NFT_MSG_DESTROYTABLE),
                0,
                Body::Table(k),
                span,
            );
            m.spans.push((NFTA_TABLE_NAME, r.table_span));
            m.spans.push((NFTA_TABLE_HANDLE, r.handle_span));
            m
        }
        ObjKind::Chain => {
            let mut k = KChain::default();
            k.family = fam;
            k.table = Some(table.clone());
            k.name = r.name.clone();
            k.handle = r.handle;
            let mut m = out(
                pick(NFT_MSG_DELCHAIN, NFT_MSG_DESTROYCHAIN),
                0,
                Body::Chain(k),
                span,
            );
            m.spans.push((NFTA_CHAIN_NAME, r.name_span));
            m.spans.push((NFTA_CHAIN_HANDLE, r.handle_span));
            m
        }
        ObjKind::Rule => {
            let mut k = KRule::new(fam, &table, r.name.as_deref().unwrap_or(""));
            k.handle = r.handle;
            let mut m = out(
                pick(NFT_MSG_DELRULE, NFT_MSG_DESTROYRULE),
                0,
                Body::Rule(k),
                span,
            );
            m.spans.push((NFTA_RULE_CHAIN, r.name_span));
            m.spans.push((NFTA_RULE_HANDLE, r.handle_span));
            m
        }
        ObjKind::Set | ObjKind::Map => {
            let mut k = nfnl::nftables::Set::default();
            k.family = fam;
            k.table = Some(table.clone());
            k.name = r.name.clone();
            k.handle = r.handle;
            let mut m = out(
                pick(NFT_MSG_DELSET, NFT_MSG_DESTROYSET),
                0,
                Body::Set(k),
                span,
            );
            m.spans.push((NFTA_SET_NAME, r.name_span));
            m.spans.push((NFTA_SET_HANDLE, r.handle_span));
            m
        }
        ObjKind::Element => {
            let msg = pick(NFT_MSG_DELSETELEM, NFT_MSG_DESTROYSETELEM);
            return elems(scope, r, msg, 0, span, v);
        }
        ObjKind::Counter | ObjKind::Quota => {
            let mut k = KObj::default();
            k.family = fam;
            k.table = Some(table.clone());
            k.name = r.name.clone();
            k.handle = r.handle;
            k.obj_type = Some(if r.kind == ObjKind::Counter {
                NFT_OBJECT_COUNTER
            } else {
                NFT_OBJECT_QUOTA
            });
            let mut m = out(
                pick(NFT_MSG_DELOBJ, NFT_MSG_DESTROYOBJ),
                0,
                Body::Obj(k),
                span,
            );
            m.spans.push((NFTA_OBJ_NAME, r.name_span));
            m
        }
        ObjKind::Ruleset | ObjKind::Counters => return,
    };
    if !matches!(r.kind, ObjKind::Table) {
        let attr = match r.kind {
            ObjKind::Chain => NFTA_CHAIN_TABLE,
            ObjKind::Rule => NFTA_RULE_TABLE,
            ObjKind::Set | ObjKind::Map => NFTA_SET_TABLE,
            _ => NFTA_OBJ_TABLE,
        };
        m.spans.push((attr, r.table_span));
    }
    v.push(m);
}

fn flush(r: &ObjRef, span: Span, v: &mut Vec<Out>) {
    let fam = r.family.map(Family::nfproto).unwrap_or(0);
    let table = r.table.clone().unwrap_or_default();
    match r.kind {
        ObjKind::Ruleset => {
            let mut k = KTable::default();
            k.family = fam;
            v.push(out(NFT_MSG_DELTABLE, 0, Body::Table(k), span));
        }
        ObjKind::Table => {
            let mut k = KRule::default();
            k.family = fam;
            k.table = Some(table);
            let mut m = out(NFT_MSG_DELRULE, 0, Body::Rule(k), span);
            m.spans.push((NFTA_RULE_TABLE, r.table_span));
            v.push(m);
        }
        ObjKind::Chain => {
            let k = KRule::new(fam, &table, r.name.as_deref().unwrap_or(""));
            let mut m = out(NFT_MSG_DELRULE, 0, Body::Rule(k), span);
            m.spans.push((NFTA_RULE_TABLE, r.table_span));
            m.spans.push((NFTA_RULE_CHAIN, r.name_span));
            v.push(m);
        }
        ObjKind::Set | ObjKind::Map => {
            let mut k = SetElemList::new(fam, &table, r.name.as_deref().unwrap_or(""));
            k.elements = None;
            let mut m = out(NFT_MSG_DELSETELEM, 0, Body::Elems(k), span);
            m.spans.push((NFTA_SET_ELEM_LIST_TABLE, r.table_span));
            m.spans.push((NFTA_SET_ELEM_LIST_SET, r.name_span));
            v.push(m);
        }
        _ => {}
    }
}
