// SPDX-License-Identifier: Apache-2.0
//! Constants as the kernel wants them: register bytes in the datatype's byte order, concatenated
//! keys padded to 4 bytes per field, verdicts, and set elements (with intervals turned into
//! start/end elements as nftables' segtree does).

use nfnl::nftables::consts::{NFT_SET_ELEM_CATCHALL, NFT_SET_ELEM_INTERVAL_END};
use nfnl::nftables::{Data, SetElem, Verdict as KVerdict};

use crate::ast::*;

/// Register bytes of a typed value, in its datatype's byte order.
pub fn value_bytes(v: &Value) -> Vec<u8> {
    value_bytes_in(v, v.dtype.byteorder())
}

/// Register bytes of a value in the byte order of what it is compared with (a payload field
/// is in network order whatever its datatype, a meta key in host order).
pub fn value_bytes_in(v: &Value, order: ByteOrder) -> Vec<u8> {
    let host = order == ByteOrder::Host
        && !matches!(v.dtype, Datatype::IfName | Datatype::String)
        && v.data.len() <= 16;
    if host && cfg!(target_endian = "little") {
        v.data.iter().rev().copied().collect()
    } else {
        v.data.clone()
    }
}

/// Pad to a multiple of 4 bytes (one field of a concatenated key).
fn pad4(mut b: Vec<u8>) -> Vec<u8> {
    b.resize(b.len().div_ceil(4) * 4, 0);
    b
}

/// The bytes of a key expression (a value or a concatenation of values).
pub fn key_bytes(e: &Expr) -> Option<Vec<u8>> {
    key_bytes_in(e, &[])
}

/// Key bytes with the byte order of each field (empty: each datatype's own).
pub fn key_bytes_in(e: &Expr, orders: &[ByteOrder]) -> Option<Vec<u8>> {
    let order_of = |i: usize, v: &Value| orders.get(i).copied().unwrap_or(v.dtype.byteorder());
    match &e.kind {
        ExprKind::Value(v) => Some(value_bytes_in(v, order_of(0, v))),
        ExprKind::Concat(parts) => {
            let mut out = Vec::new();
            for (i, p) in parts.iter().enumerate() {
                let b = match &p.kind {
                    ExprKind::Value(v) => value_bytes_in(v, order_of(i, v)),
                    _ => key_bytes(p)?,
                };
                out.extend(pad4(b));
            }
            Some(out)
        }
        _ => None,
    }
}

/// The byte order a selector's value has in a register.
pub fn order_of(e: &Expr) -> ByteOrder {
    match &e.kind {
        ExprKind::Payload(_) | ExprKind::RawPayload { .. } => ByteOrder::Big,
        ExprKind::Meta(k) if matches!(k.name, "protocol" | "random") => ByteOrder::Big,
        ExprKind::Ct { key, .. } if key.name == "id" => ByteOrder::Big,
        ExprKind::Meta(k) => k.dtype.byteorder(),
        ExprKind::Ct { key, .. } => match key.dtype {
            Datatype::Invalid => ByteOrder::Big,
            t => t.byteorder(),
        },
        ExprKind::Binop(_, l, _) => order_of(l),
        _ => ByteOrder::Host,
    }
}

/// Per-field byte orders of a (possibly concatenated) selector.
pub fn orders_of(e: &Expr) -> Vec<ByteOrder> {
    match &e.kind {
        ExprKind::Concat(p) => p.iter().map(order_of).collect(),
        _ => vec![order_of(e)],
    }
}

pub fn verdict(v: &Verdict) -> KVerdict {
    match v {
        Verdict::Jump(c) | Verdict::Goto(c) => KVerdict::to_chain(v.code(), c),
        _ => KVerdict::new(v.code()),
    }
}

/// Map data of an element.
pub fn data_of(e: &Expr) -> Option<Data> {
    match &e.kind {
        ExprKind::Verdict(v) => Some(Data::Verdict(verdict(v))),
        _ => key_bytes(e).map(Data::Value),
    }
}

/// A big-endian byte string plus one (carry out of the top means "past the end").
fn succ(b: &[u8]) -> Option<Vec<u8>> {
    let mut v = b.to_vec();
    for byte in v.iter_mut().rev() {
        if *byte == 0xff {
            *byte = 0;
        } else {
            *byte += 1;
            return Some(v);
        }
    }
    None
}

/// `[lo, hi]` (inclusive, big-endian) of an interval key: a value, a prefix or a range.
fn bounds(e: &Expr) -> Option<(Vec<u8>, Vec<u8>)> {
    match &e.kind {
        ExprKind::Value(v) => Some((v.data.clone(), v.data.clone())),
        ExprKind::Prefix(inner, len) => {
            let ExprKind::Value(v) = &inner.kind else {
                return None;
            };
            let mut lo = v.data.clone();
            let mut hi = v.data.clone();
            for (i, (l, h)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
                let bit0 = i as u32 * 8;
                let keep = (*len as u32).saturating_sub(bit0).min(8);
                let mask: u8 = if keep == 0 { 0 } else { !0u8 << (8 - keep) };
                *l &= mask;
                *h |= !mask;
            }
            Some((lo, hi))
        }
        ExprKind::Range(a, b) => match (&a.kind, &b.kind) {
            (ExprKind::Value(x), ExprKind::Value(y)) => Some((x.data.clone(), y.data.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// Concatenated interval keys (pipapo sets): each element is `key` (every field's low end)
/// and `key_end` (every field's high end), fields padded to 4 bytes.
fn concat_intervals(elems: &[Elem], orders: &[ByteOrder]) -> Option<Vec<SetElem>> {
    let mut out = Vec::with_capacity(elems.len());
    for el in elems {
        let ExprKind::Concat(parts) = &el.key.kind else {
            return None;
        };
        let (mut lo, mut hi) = (Vec::new(), Vec::new());
        for (i, p) in parts.iter().enumerate() {
            let (a, b) = bounds(p)?;
            let t = match &p.kind {
                ExprKind::Value(v) => v.dtype,
                ExprKind::Prefix(x, _) | ExprKind::Range(x, _) => match &x.kind {
                    ExprKind::Value(v) => v.dtype,
                    _ => Datatype::Integer,
                },
                _ => Datatype::Integer,
            };
            // Interval keys are big-endian (host-order selectors are converted with hton).
            let _ = orders.get(i);
            lo.extend(pad4(to_reg(t, a, Some(ByteOrder::Big))));
            hi.extend(pad4(to_reg(t, b, Some(ByteOrder::Big))));
        }
        let mut k = common(el, true);
        k.key = Some(Data::Value(lo));
        k.key_end = Some(Data::Value(hi));
        out.push(k);
    }
    Some(out)
}

/// Register-order bytes of a big-endian key of type `t`.
fn to_reg(t: Datatype, be: Vec<u8>, order: Option<ByteOrder>) -> Vec<u8> {
    let v = Value {
        dtype: t,
        bits: be.len() as u32 * 8,
        data: be,
    };
    value_bytes_in(&v, order.unwrap_or(t.byteorder()))
}

fn common(el: &Elem, set_timeout: bool) -> SetElem {
    let mut k = SetElem::default();
    if let Some(c) = &el.comment {
        k.set_comment(c);
    }
    if let Some(t) = el.timeout {
        if set_timeout {
            k.timeout = Some(t);
        }
    }
    if let Some(d) = &el.data {
        k.data = data_of(d);
    }
    k
}

/// Kernel elements for a list of evaluated elements. Interval sets get start elements and
/// end-flagged elements at one past each interval (plus a leading zero end element when
/// `leading_zero` and the first interval does not start at zero), sorted and merged.
pub fn elements(elems: &[Elem], interval: bool, leading_zero: bool) -> Option<Vec<SetElem>> {
    elements_in(elems, interval, leading_zero, &[])
}

/// [`elements`] with the key fields' byte orders (an anonymous set keyed by a selector).
pub fn elements_in(
    elems: &[Elem],
    interval: bool,
    leading_zero: bool,
    orders: &[ByteOrder],
) -> Option<Vec<SetElem>> {
    // Catch-all elements (`*`) have no key; they go last.
    let (catchall, keyed): (Vec<&Elem>, Vec<&Elem>) = elems
        .iter()
        .partition(|e| crate::eval::expr::is_catchall(&e.key));
    if !catchall.is_empty() {
        let keyed: Vec<Elem> = keyed.into_iter().cloned().collect();
        let mut out = if keyed.is_empty() {
            Vec::new()
        } else {
            elements_in(&keyed, interval, leading_zero, orders)?
        };
        for el in catchall {
            let mut k = common(el, true);
            k.flags = Some(NFT_SET_ELEM_CATCHALL);
            out.push(k);
        }
        return Some(out);
    }
    if !interval {
        let mut out = Vec::with_capacity(elems.len());
        for el in elems {
            let mut k = common(el, true);
            k.key = Some(Data::Value(key_bytes_in(&el.key, orders)?));
            out.push(k);
        }
        return Some(out);
    }
    if elems
        .iter()
        .any(|e| matches!(e.key.kind, ExprKind::Concat(_)))
    {
        return concat_intervals(elems, orders);
    }
    let mut iv: Vec<(Vec<u8>, Vec<u8>, &Elem, Datatype)> = Vec::with_capacity(elems.len());
    for el in elems {
        let (lo, hi) = bounds(&el.key)?;
        let t = match &el.key.kind {
            ExprKind::Value(v) => v.dtype,
            ExprKind::Prefix(i, _) | ExprKind::Range(i, _) => match &i.kind {
                ExprKind::Value(v) => v.dtype,
                _ => Datatype::Integer,
            },
            _ => Datatype::Integer,
        };
        iv.push((lo, hi, el, t));
    }
    iv.sort_by(|a, b| a.0.cmp(&b.0));
    // Merge overlapping or adjacent intervals without data (nft's automerge of anonymous sets).
    let mut merged: Vec<(Vec<u8>, Vec<u8>, &Elem, Datatype)> = Vec::with_capacity(iv.len());
    for cur in iv {
        if let Some(last) = merged.last_mut() {
            let touches = succ(&last.1).is_none_or(|n| cur.0 <= n);
            if touches && last.2.data.is_none() && cur.2.data.is_none() {
                if cur.1 > last.1 {
                    last.1 = cur.1;
                }
                continue;
            }
        }
        merged.push(cur);
    }
    let mut out = Vec::with_capacity(merged.len() * 2 + 1);
    if leading_zero {
        if let Some(first) = merged.first() {
            if first.0.iter().any(|&b| b != 0) {
                let zero = vec![0u8; first.0.len()];
                let mut k = SetElem::default();
                k.key = Some(Data::Value(to_reg(first.3, zero, Some(ByteOrder::Big))));
                k.flags = Some(NFT_SET_ELEM_INTERVAL_END);
                out.push(k);
            }
        }
    }
    for (lo, hi, el, t) in merged {
        let mut k = common(el, true);
        k.key = Some(Data::Value(to_reg(t, lo, Some(ByteOrder::Big))));
        out.push(k);
        if let Some(end) = succ(&hi) {
            let mut e = SetElem::default();
            e.key = Some(Data::Value(to_reg(t, end, Some(ByteOrder::Big))));
            e.flags = Some(NFT_SET_ELEM_INTERVAL_END);
            out.push(e);
        }
    }
    Some(out)
}
