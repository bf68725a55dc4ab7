// SPDX-License-Identifier: Apache-2.0
//! Sets and maps as kernel objects: named declarations and the anonymous sets rules create
//! (`__set%d`/`__map%d`, bound to the rule by NFTA_SET_ID), with nftables' userdata.

use nfnl::nftables::consts::*;
use nfnl::nftables::udata::*;
use nfnl::nftables::{Bytes, FieldLens, Set as KSet, SetDesc, SetElemList};

use super::data::elements_in;
use crate::ast::*;
use crate::eval::{SetInfo, Ty};

/// nftables' `enum byteorder` as stored in set userdata.
fn byteorder_code(t: Datatype) -> u32 {
    match t {
        Datatype::Verdict | Datatype::Invalid => 0,
        t if t.byteorder() == ByteOrder::Big => 2,
        _ => 1,
    }
}

/// nftables' `enum expr_types` values recorded in typeof userdata.
const EXPR_VERDICT: u32 = 1;
const EXPR_PAYLOAD: u32 = 7;
const EXPR_META: u32 = 9;
const EXPR_CT: u32 = 12;
const EXPR_CONCAT: u32 = 13;

/// nftables' `enum proto_desc_id`, for the protocols whose field templates are listed in
/// header order here (so a field's template index is its position + 1).
fn proto_desc_id(p: Proto) -> Option<u32> {
    Some(match p {
        Proto::Ah => 1,
        Proto::Esp => 2,
        Proto::Comp => 3,
        Proto::Icmp => 4,
        Proto::Udp => 6,
        Proto::Tcp => 8,
        Proto::Sctp => 10,
        Proto::Th => 11,
        Proto::Ip => 12,
        Proto::Ip6 => 13,
        Proto::Ether => 17,
        _ => return None,
    })
}

/// The `typeof` record of one expression: its type and its build_udata data.
fn typeof_one(e: &Expr) -> Option<Vec<u8>> {
    let mut data = Udata::new();
    let etype = match &e.kind {
        ExprKind::Payload(f) => {
            data.put_u32(0, proto_desc_id(f.proto)?);
            let index = FIELDS
                .iter()
                .filter(|x| x.proto == f.proto)
                .position(|x| std::ptr::eq(x, *f))?;
            data.put_u32(1, index as u32 + 1);
            if f.dtype == Datatype::Integer {
                data.put_u32(4, f.len);
            }
            EXPR_PAYLOAD
        }
        ExprKind::Meta(k) => {
            data.put_u32(0, k.key);
            EXPR_META
        }
        ExprKind::Ct { key, dir } => {
            data.put_u32(0, key.key);
            data.put_u32(1, dir.map(|d| d as u32).unwrap_or(u32::MAX));
            EXPR_CT
        }
        _ => return None,
    };
    let mut out = Udata::new();
    out.put_u32(0, etype);
    out.put(1, &data.into_bytes());
    Some(out.into_bytes())
}

/// NFTNL_UDATA_SET_KEY_TYPEOF / DATA_TYPEOF contents for `typeof a [. b …]`.
fn typeof_udata(exprs: &[Expr]) -> Option<Vec<u8>> {
    if exprs.len() == 1 {
        return typeof_one(&exprs[0]);
    }
    let mut nests = Udata::new();
    for (i, e) in exprs.iter().enumerate() {
        nests.put(i as u8, &typeof_one(e)?);
    }
    let mut out = Udata::new();
    out.put_u32(0, EXPR_CONCAT);
    out.put(1, &nests.into_bytes());
    Some(out.into_bytes())
}

/// The NEWSET message body for a set of the given shape.
pub fn set_msg(
    family: Family,
    table: &str,
    name: &str,
    info: &SetInfo,
    decl: Option<&Set>,
    nelems: Option<u32>,
    anon_key: Option<&Expr>,
) -> KSet {
    let mut s = KSet::new(family.nfproto(), table, name);
    s.flags = Some(info.flags);
    let key_type = info
        .key
        .iter()
        .fold(0u32, |acc, (t, _)| (acc << 6) | t.id());
    let key_len: u32 = if info.key.len() > 1 {
        info.key
            .iter()
            .map(|(_, b)| b.div_ceil(8).div_ceil(4) * 4)
            .sum()
    } else {
        info.key.first().map(|(_, b)| b.div_ceil(8)).unwrap_or(0)
    };
    s.key_type = Some(key_type);
    s.key_len = Some(key_len);
    if let Some((t, bits)) = info.data {
        s.data_type = Some(if t == Datatype::Verdict {
            NFT_DATA_VERDICT
        } else {
            t.id()
        });
        s.data_len = Some(bits.div_ceil(8));
    }
    if let Some(d) = decl {
        if let Some(p) = d.policy {
            if p == SetPolicy::Memory {
                s.policy = Some(1);
            }
        }
        if let Some(t) = d.timeout {
            s.timeout = Some(t);
        }
        if let Some(g) = d.gc_interval {
            s.gc_interval = Some(g as u32);
        }
    }
    let size = decl.and_then(|d| d.size).or(nelems);
    let concat = if info.key.len() > 1 && info.flags & SetFlags::INTERVAL != 0 {
        Some(FieldLens(
            info.key.iter().map(|(_, b)| b.div_ceil(8)).collect(),
        ))
    } else {
        None
    };
    if size.is_some() || concat.is_some() {
        let mut desc = SetDesc::default();
        desc.size = size;
        desc.concat = concat;
        s.desc = Some(desc);
    }
    s.id = info.id;
    let mut u = Udata::new();
    let key_order = if info.key.len() > 1 {
        0
    } else {
        info.key
            .first()
            .map(|(t, _)| byteorder_code(*t))
            .unwrap_or(0)
    };
    u.put_u32(NFTNL_UDATA_SET_KEYBYTEORDER, key_order);
    if let Some((t, _)) = info.data {
        u.put_u32(NFTNL_UDATA_SET_DATABYTEORDER, byteorder_code(t));
    }
    let anon_interval =
        info.flags & SetFlags::ANONYMOUS != 0 && info.flags & SetFlags::INTERVAL != 0;
    if decl.is_some_and(|d| d.auto_merge) || anon_interval {
        u.put_u32(NFTNL_UDATA_SET_MERGE_ELEMENTS, 1);
    }
    // The key expression: a `typeof` declaration's, or the selector an anonymous set is
    // matched against.
    let key_typeof = match (decl.map(|d| &d.key), anon_key) {
        (Some(SetKey::Typeof(exprs)), _) => typeof_udata(exprs),
        (_, Some(k)) => match &k.kind {
            ExprKind::Concat(parts) => typeof_udata(parts),
            _ => typeof_udata(std::slice::from_ref(k)),
        },
        _ => None,
    };
    if let Some(t) = &key_typeof {
        u.put(NFTNL_UDATA_SET_KEY_TYPEOF, t);
    } else if info.key.len() > 1 && info.flags & SetFlags::ANONYMOUS == 0 {
        // `type a . b`: a concat typeof record with no field data (what nftables writes).
        let mut inner = Udata::new();
        inner.put_u32(0, EXPR_CONCAT);
        inner.put(1, &[]);
        u.put(NFTNL_UDATA_SET_KEY_TYPEOF, &inner.into_bytes());
    }
    let anon_vmap = anon_key.is_some() && info.data.is_some_and(|(t, _)| t == Datatype::Verdict);
    if key_typeof.is_some() || anon_vmap {
        let data = match decl.and_then(|d| d.data.as_ref()) {
            None if anon_vmap => {
                let mut inner = Udata::new();
                inner.put_u32(0, EXPR_VERDICT);
                inner.put(1, &[]);
                Some(inner.into_bytes())
            }
            Some(SetKey::Typeof(exprs)) => typeof_udata(exprs),
            Some(SetKey::Types(t)) if t.as_slice() == [Datatype::Verdict] => {
                let mut inner = Udata::new();
                inner.put_u32(0, EXPR_VERDICT);
                inner.put(1, &[]);
                Some(inner.into_bytes())
            }
            _ => None,
        };
        if let Some(d) = data {
            u.put(NFTNL_UDATA_SET_DATA_TYPEOF, &d);
        }
    }
    if info.data.is_some() {
        u.put_u32(NFTNL_UDATA_SET_DATA_INTERVAL, 0);
    }
    if let Some(c) = decl.and_then(|d| d.comment.as_deref()) {
        u.put_str(NFTNL_UDATA_SET_COMMENT, c);
    }
    s.userdata = Some(Bytes(u.into_bytes()));
    s
}

/// Element messages for a set, split so each element list stays well under 64 KiB.
pub fn elem_msgs(
    family: Family,
    table: &str,
    set: &str,
    set_id: Option<u32>,
    elems: Vec<nfnl::nftables::SetElem>,
) -> Vec<SetElemList> {
    const LIMIT: usize = 48 * 1024;
    let mut out = Vec::new();
    let mut cur: Vec<nfnl::nftables::SetElem> = Vec::new();
    let mut size = 0usize;
    for e in elems {
        let est = 64
            + e.key.as_ref().map(|_| 32).unwrap_or(0)
            + e.data
                .as_ref()
                .and_then(|d| d.verdict())
                .and_then(|v| v.chain.as_ref())
                .map(|c| c.len() + 16)
                .unwrap_or(16)
            + e.userdata.as_ref().map(|u| u.0.len() + 8).unwrap_or(0);
        if size + est > LIMIT && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            size = 0;
        }
        size += est;
        cur.push(e);
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|chunk| {
            let mut l = SetElemList::new(family.nfproto(), table, set);
            l.set_id = set_id;
            l.elements = Some(nfnl::nftables::Elems(chunk));
            l
        })
        .collect()
}

/// An anonymous set or map a rule needs.
pub struct AnonSet {
    pub id: u32,
    /// Byte order of each key field (from the selector the set is matched against).
    pub orders: Vec<ByteOrder>,
    /// Map data type (verdict maps when `None`).
    pub data: Option<Ty>,
    /// The selector the set is matched against (recorded as the set's key typeof).
    pub key_expr: Option<Expr>,
    pub map: bool,
    pub key: Vec<Ty>,
    pub elems: Vec<Elem>,
    pub span: Span,
}

impl AnonSet {
    pub fn new(id: u32, map: bool, key: Vec<Ty>, elems: Vec<Elem>, span: Span) -> AnonSet {
        AnonSet {
            id,
            orders: Vec::new(),
            data: None,
            key_expr: None,
            map,
            key,
            elems,
            span,
        }
    }

    pub fn name(&self) -> &'static str {
        if self.map {
            "__map%d"
        } else {
            "__set%d"
        }
    }

    /// NEWSET + NEWSETELEM bodies.
    pub fn messages(&self, family: Family, table: &str) -> (KSet, Vec<SetElemList>) {
        let interval = self
            .elems
            .iter()
            .any(|e| super::super::eval::expr::is_interval(&e.key));
        let mut flags = SetFlags::ANONYMOUS | SetFlags::CONSTANT;
        if interval {
            flags |= SetFlags::INTERVAL;
        }
        if self.map {
            flags |= SetFlags::MAP;
        }
        if interval && self.key.len() > 1 {
            flags |= SetFlags::CONCAT;
        }
        let data = if self.map {
            Some(
                self.data
                    .map_or((Datatype::Verdict, 128), |t| (t.dtype, t.bits)),
            )
        } else {
            None
        };
        let info = SetInfo {
            key: self.key.iter().map(|t| (t.dtype, t.bits)).collect(),
            data,
            flags,
            id: Some(self.id),
        };
        let kelems = elements_in(&self.elems, interval, true, &self.orders).unwrap_or_default();
        let s = set_msg(
            family,
            table,
            self.name(),
            &info,
            None,
            Some(kelems.len() as u32),
            self.key_expr.as_ref(),
        );
        let msgs = elem_msgs(family, table, self.name(), Some(self.id), kelems);
        (s, msgs)
    }
}
