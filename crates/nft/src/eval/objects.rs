// SPDX-License-Identifier: Apache-2.0
//! Command-level evaluation: tables, chains (hooks, priorities), sets and maps (key types,
//! flags), elements, rule placement (`index`/`position`/`handle`) and deletions.

use super::expr::{is_interval, selector_types, Ty};
use super::scope::{RuleRef, Scope, SetInfo};
use super::{Ctx, Placement};
use crate::ast::*;
use crate::erec::ErrorRecord;

fn enoent(span: Span) -> ErrorRecord {
    ErrorRecord::new(span, kcommon::errno::strerror(libc::ENOENT))
}

/// nft's table_not_found: ENOENT, with a hint when the name exists in another family.
fn table_not_found(scope: &Scope, id: &TableId) -> ErrorRecord {
    let other = scope
        .table_names()
        .find(|(f, n)| *n == id.name && *f != id.family)
        .map(|(f, n)| (f, n.to_string()));
    match other {
        Some((f, n)) => ErrorRecord::new(
            id.span,
            format!(
                "{}; did you mean table '{}' in family {}?",
                kcommon::errno::strerror(libc::ENOENT),
                n,
                f.name()
            ),
        ),
        None => enoent(id.span),
    }
}

fn need_table(scope: &Scope, id: &TableId) -> Result<(), ErrorRecord> {
    match scope.table(id.family, &id.name) {
        Some(_) => Ok(()),
        None => Err(table_not_found(scope, id)),
    }
}

pub(super) fn add(
    scope: &mut Scope,
    obj: &mut Object,
    placements: &mut Vec<Placement>,
) -> Result<(), ErrorRecord> {
    match obj {
        Object::Table(t) => {
            let family = t.family.unwrap_or(Family::Ip);
            scope.add_table(family, &t.name);
            for c in &mut t.chains {
                chain(scope, c)?;
            }
            for s in &mut t.sets {
                set(scope, s)?;
            }
            for o in &mut t.objs {
                if let Some(id) = &o.table {
                    if let Some(ti) = scope.table_mut(id.family, &id.name) {
                        ti.objs.insert(o.name.clone(), 1);
                    }
                }
            }
            for c in &mut t.chains {
                let id = ChainId {
                    table: TableId {
                        family,
                        name: t.name.clone(),
                        span: t.span,
                    },
                    name: c.name.clone(),
                    span: c.name_span,
                };
                for r in &mut c.rules {
                    r.chain = Some(id.clone());
                    placements.push(rule_cmd(scope, r, false, false)?);
                }
            }
            Ok(())
        }
        Object::Chain(c) => chain(scope, c),
        Object::Rule(r) => {
            placements.push(rule_cmd(scope, r, false, false)?);
            Ok(())
        }
        Object::Set(s) => set(scope, s),
        Object::Elements(r) => elements(scope, r),
        Object::Obj(o) => {
            let Some(id) = &o.table else {
                return Ok(());
            };
            need_table(scope, id)?;
            if let Some(ti) = scope.table_mut(id.family, &id.name) {
                ti.objs.insert(o.name.clone(), 1);
            }
            Ok(())
        }
    }
}

fn chain(scope: &mut Scope, c: &mut Chain) -> Result<(), ErrorRecord> {
    let Some(id) = &c.table else {
        return Ok(());
    };
    need_table(scope, id)?;
    if c.name.len() > 255 {
        return Err(ErrorRecord::new(c.name_span, "Chain name too long"));
    }
    if let Some(b) = &c.base {
        if hook_number(id.family, &b.hook).is_none() {
            return Err(ErrorRecord::new(
                b.hook_span,
                format!("The {} family does not support this hook", id.family.name()),
            ));
        }
        if !matches!(b.kind.as_str(), "filter" | "nat" | "route") {
            return Err(ErrorRecord::new(
                b.kind_span,
                format!("unknown chain type {}", b.kind),
            ));
        }
        if prio_value(&b.prio, id.family).is_none() {
            let name = match &b.prio {
                Prio::Named(n, _) => n.as_str(),
                Prio::Num(_) => "",
            };
            return Err(ErrorRecord::new(
                b.prio_span,
                format!("'{name}' is invalid priority in this context."),
            ));
        }
    }
    let new_id = scope.next_id();
    if let Some(t) = scope.table_mut(id.family, &id.name) {
        let ci = t.chains.entry(c.name.clone()).or_default();
        if ci.id.is_none() && ci.rules.is_none() {
            ci.id = Some(new_id);
            ci.rules = Some(Vec::new());
        }
    }
    Ok(())
}

/// The NF_INET_* (or NF_NETDEV_*, NF_ARP_*) hook number for a hook name.
pub fn hook_number(family: Family, hook: &str) -> Option<u32> {
    match family {
        Family::Ip | Family::Ip6 | Family::Inet | Family::Bridge => match hook {
            "prerouting" => Some(0),
            "input" => Some(1),
            "forward" => Some(2),
            "output" => Some(3),
            "postrouting" => Some(4),
            "ingress" if family == Family::Inet => Some(5),
            _ => None,
        },
        Family::Arp => match hook {
            "input" => Some(0),
            "output" => Some(1),
            "forward" => Some(2),
            _ => None,
        },
        Family::Netdev => match hook {
            "ingress" => Some(0),
            "egress" => Some(1),
            _ => None,
        },
    }
}

/// A chain priority as a number (standard names per family, plus the offset).
pub fn prio_value(p: &Prio, family: Family) -> Option<i32> {
    match p {
        Prio::Num(n) => Some(*n),
        Prio::Named(name, off) => {
            let base: i32 = match family {
                Family::Bridge => match name.as_str() {
                    "dstnat" => -300,
                    "filter" => -200,
                    "out" => 100,
                    "srcnat" => 300,
                    _ => return None,
                },
                _ => match name.as_str() {
                    "raw" => -300,
                    "mangle" => -150,
                    "dstnat" => -100,
                    "filter" => 0,
                    "security" => 50,
                    "srcnat" => 100,
                    _ => return None,
                },
            };
            base.checked_add(*off)
        }
    }
}

/// What eval and linearize need to know about a declared set.
pub fn set_info(s: &Set, family: Family) -> Result<SetInfo, ErrorRecord> {
    let key: Vec<(Datatype, u32)> = match &s.key {
        SetKey::Types(v) => v.iter().map(|t| (*t, t.bits())).collect(),
        SetKey::Typeof(exprs) => {
            let mut v = Vec::new();
            for e in exprs {
                let tys = selector_types(e, family)
                    .ok_or_else(|| ErrorRecord::new(e.span, "Expression is not a valid set key"))?;
                v.extend(tys.iter().map(|t| (t.dtype, t.bits)));
            }
            v
        }
    };
    if key.is_empty() || key.iter().any(|(_, b)| *b == 0) {
        let name = key.iter().find(|(_, b)| *b == 0).map(|(t, _)| t.name());
        return Err(ErrorRecord::new(
            s.key_span,
            format!(
                "unqualified type {} specified in {} definition",
                name.unwrap_or("invalid"),
                if s.is_map { "map" } else { "set" }
            ),
        ));
    }
    let data = match &s.data {
        None => None,
        Some(SetKey::Types(v)) if v.as_slice() == [Datatype::Verdict] => {
            Some((Datatype::Verdict, 128))
        }
        Some(SetKey::Types(v)) if v.len() == 1 => Some((v[0], v[0].bits())),
        Some(SetKey::Typeof(e)) if e.len() == 1 => {
            let t = selector_types(&e[0], family)
                .and_then(|t| t.first().copied())
                .ok_or_else(|| {
                    ErrorRecord::new(e[0].span, "Expression is not a valid map value")
                })?;
            Some((t.dtype, t.bits))
        }
        Some(_) => {
            return Err(ErrorRecord::new(
                s.key_span,
                "concatenated map data is not supported by kroot yet",
            ))
        }
    };
    let mut flags = s.flags.0;
    if s.is_map {
        flags |= SetFlags::MAP;
    }
    if s.timeout.is_some() {
        flags |= SetFlags::TIMEOUT;
    }
    if key.len() > 1 && flags & SetFlags::INTERVAL != 0 {
        flags |= SetFlags::CONCAT;
    }
    Ok(SetInfo {
        key,
        data,
        flags,
        id: None,
    })
}

fn set(scope: &mut Scope, s: &mut Set) -> Result<(), ErrorRecord> {
    let Some(id) = s.table.clone() else {
        return Ok(());
    };
    need_table(scope, &id)?;
    let mut info = set_info(s, id.family)?;
    let key: Vec<Ty> = info.key.iter().map(|(d, b)| Ty::new(*d, *b)).collect();
    let data = info.data.map(|(d, b)| Ty::new(d, b));
    let mut ctx = Ctx::new(scope, id.family, &id.name);
    ctx.elems(&mut s.elems, &key, data)?;
    if s.elems.iter().any(|e| is_interval(&e.key)) && info.flags & SetFlags::INTERVAL == 0 {
        let bad = s.elems.iter().find(|e| is_interval(&e.key)).map(|e| e.span);
        return Err(ErrorRecord::new(
            bad.unwrap_or(s.span),
            "You must add 'flags interval' to your set declaration if you want to add prefix elements",
        ));
    }
    let existing = scope.set(id.family, &id.name, &s.name).cloned();
    // Every NEWSET carries an id, re-adds of kernel sets too (the kernel wants one).
    info.id = match existing.and_then(|e| e.id) {
        Some(id) => Some(id),
        None => Some(scope.next_id()),
    };
    if let Some(t) = scope.table_mut(id.family, &id.name) {
        t.sets.insert(s.name.clone(), info);
    }
    Ok(())
}

fn elements(scope: &mut Scope, r: &mut ObjRef) -> Result<(), ErrorRecord> {
    elements_opt(scope, r, false)
}

fn elements_opt(scope: &mut Scope, r: &mut ObjRef, keys_only: bool) -> Result<(), ErrorRecord> {
    let family = r.family.unwrap_or(Family::Ip);
    let table = r.table.clone().unwrap_or_default();
    let name = r.name.clone().unwrap_or_default();
    let tid = TableId {
        family,
        name: table.clone(),
        span: r.table_span,
    };
    need_table(scope, &tid)?;
    let Some(info) = scope.set(family, &table, &name).cloned() else {
        return Err(enoent(r.name_span));
    };
    let key: Vec<Ty> = info.key.iter().map(|(d, b)| Ty::new(*d, *b)).collect();
    let data = info.data.map(|(d, b)| Ty::new(d, b));
    let mut ctx = Ctx::new(scope, family, &table);
    ctx.elems_opt(&mut r.elems, &key, data, keys_only)?;
    if info.flags & SetFlags::INTERVAL == 0 {
        if let Some(e) = r.elems.iter().find(|e| is_interval(&e.key)) {
            return Err(ErrorRecord::new(
                e.span,
                "You must add 'flags interval' to your set declaration if you want to add prefix elements",
            ));
        }
    }
    Ok(())
}

/// Evaluate a rule and resolve where it goes; record it in the chain's rule order.
pub(super) fn rule_cmd(
    scope: &mut Scope,
    r: &mut Rule,
    insert: bool,
    replace: bool,
) -> Result<Placement, ErrorRecord> {
    // The chain is taken out while the rule is evaluated (statements never look at it) and
    // put back after, so that its names are not copied for every rule.
    let Some(cid) = r.chain.take() else {
        return Err(ErrorRecord::new(r.span, "rule without chain"));
    };
    let placed = place_rule(scope, r, &cid, insert, replace);
    r.chain = Some(cid);
    placed
}

fn place_rule(
    scope: &mut Scope,
    r: &mut Rule,
    cid: &ChainId,
    insert: bool,
    replace: bool,
) -> Result<Placement, ErrorRecord> {
    let fam = cid.table.family;
    {
        let mut ctx = Ctx::new(scope, fam, &cid.table.name);
        ctx.rule(r)?;
    }
    let rule_id = scope.next_id();
    let mut p = Placement {
        rule_id,
        ..Placement::default()
    };
    if replace {
        p.handle = r.handle;
        if r.handle.is_none() {
            return Err(ErrorRecord::new(r.span, "replace rule needs a handle"));
        }
        return Ok(p);
    }
    let rules = scope
        .table_mut(fam, &cid.table.name)
        .and_then(|t| t.chains.get_mut(&cid.name))
        .and_then(|c| c.rules.as_mut());
    let want_ref = r.index.is_some() || r.position.is_some() || r.handle.is_some();
    let Some(rules) = rules else {
        if want_ref {
            if let Some(h) = r.position.or(r.handle) {
                p.position = Some(h);
                return Ok(p);
            }
            return Err(ErrorRecord::new(
                r.loc_span,
                format!(
                    "Could not process rule: {}",
                    kcommon::errno::strerror(libc::ENOENT)
                ),
            ));
        }
        return Ok(p);
    };
    let me = RuleRef::Id(rule_id);
    let at = if let Some(i) = r.index {
        match rules.get(i as usize) {
            Some(x) => Some((i as usize, *x)),
            None => {
                return Err(ErrorRecord::new(
                    r.loc_span,
                    format!(
                        "Could not process rule: {}",
                        kcommon::errno::strerror(libc::ENOENT)
                    ),
                ))
            }
        }
    } else if let Some(h) = r.position.or(r.handle) {
        match rules.iter().position(|x| *x == RuleRef::Handle(h)) {
            Some(i) => Some((i, RuleRef::Handle(h))),
            None => {
                p.position = Some(h);
                return Ok(p);
            }
        }
    } else {
        None
    };
    match at {
        Some((i, target)) => {
            match target {
                RuleRef::Handle(h) => p.position = Some(h),
                RuleRef::Id(id) => p.position_id = Some(id),
            }
            rules.insert(if insert { i } else { i + 1 }, me);
        }
        None if insert => rules.insert(0, me),
        None => rules.push(me),
    }
    Ok(p)
}

pub(super) fn delete(scope: &mut Scope, r: &mut ObjRef) -> Result<(), ErrorRecord> {
    let family = r.family.unwrap_or(Family::Ip);
    let Some(table) = r.table.clone() else {
        return Ok(());
    };
    match r.kind {
        ObjKind::Table => scope.remove_table(family, &table),
        ObjKind::Chain => {
            if let (Some(t), Some(n)) = (scope.table_mut(family, &table), &r.name) {
                t.chains.remove(n);
            }
        }
        ObjKind::Set | ObjKind::Map => {
            if let (Some(t), Some(n)) = (scope.table_mut(family, &table), &r.name) {
                t.sets.remove(n);
            }
        }
        ObjKind::Rule => {
            if let (Some(t), Some(n), Some(h)) =
                (scope.table_mut(family, &table), &r.name, r.handle)
            {
                if let Some(rules) = t.chains.get_mut(n).and_then(|c| c.rules.as_mut()) {
                    rules.retain(|x| *x != RuleRef::Handle(h));
                }
            }
        }
        ObjKind::Element => elements_opt(scope, r, true)?,
        _ => {}
    }
    Ok(())
}
