// SPDX-License-Identifier: Apache-2.0
//! Kernel bytes → typed constants: register layout (host-order types are
//! little-endian in registers) to big-endian [`Value`]s, concatenated keys
//! split into their parts (each padded to 4 bytes), set key/data types
//! decoded (concatenations pack 6 bits per part).

use crate::ast::{ByteOrder, Datatype, Expr, ExprKind, Span, Value};

/// The type of one part of a key, with its width in bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub dtype: Datatype,
    pub bits: u32,
    pub order: ByteOrder,
}

impl Part {
    pub fn of(dtype: Datatype) -> Part {
        Part {
            dtype,
            bits: dtype.bits(),
            order: dtype.byteorder(),
        }
    }

    pub fn with_bits(dtype: Datatype, bits: u32, order: ByteOrder) -> Part {
        Part { dtype, bits, order }
    }

    /// Register bytes this part occupies (rounded up to 4).
    pub fn reg_bytes(&self) -> usize {
        (self.bits.div_ceil(8) as usize).div_ceil(4) * 4
    }
}

/// Decode nftables' packed key type: a plain type id, or a concatenation of
/// 6-bit ids (first part in the most significant bits).
pub fn key_parts(type_id: u32, key_len: u32) -> Vec<Part> {
    const TYPE_BITS: u32 = 6;
    const TYPE_MAX: u32 = 46;
    if type_id <= TYPE_MAX {
        let dt = Datatype::from_id(type_id);
        let bits = if dt.bits() == 0 {
            key_len * 8
        } else {
            dt.bits()
        };
        return vec![Part::with_bits(dt, bits, dt.byteorder())];
    }
    let mut ids = Vec::new();
    let mut t = type_id;
    while t != 0 {
        ids.push(t & ((1 << TYPE_BITS) - 1));
        t >>= TYPE_BITS;
    }
    ids.reverse();
    ids.into_iter()
        .map(|id| Part::of(Datatype::from_id(id)))
        .collect()
}

/// Register bytes → a big-endian value of `part`'s width.
pub fn value(part: &Part, reg: &[u8]) -> Value {
    let n = (part.bits.div_ceil(8) as usize).min(reg.len());
    // a few bytes: copied without a call to musl's memcpy
    let mut data = Vec::with_capacity(n);
    crate::print::sink::put_bytes(&mut data, &reg[..n]);
    // Strings are byte arrays, whatever the type's byte order says.
    let host =
        part.order == ByteOrder::Host && !matches!(part.dtype, Datatype::String | Datatype::IfName);
    if host {
        data.reverse();
    }
    if data.len() < part.bits.div_ceil(8) as usize {
        let mut pad = vec![0; part.bits.div_ceil(8) as usize - data.len()];
        if host {
            pad.extend_from_slice(&data);
            data = pad;
        } else {
            data.extend_from_slice(&pad);
        }
    }
    Value {
        dtype: part.dtype,
        bits: part.bits,
        data,
    }
}

/// A key of one or more parts → one value or a concatenation.
pub fn key_expr(parts: &[Part], bytes: &[u8]) -> Expr {
    if parts.len() == 1 {
        return val_expr(value(&parts[0], bytes));
    }
    let mut off = 0;
    let mut items = Vec::with_capacity(parts.len());
    for p in parts {
        let end = (off + p.reg_bytes()).min(bytes.len());
        items.push(val_expr(value(p, &bytes[off.min(end)..end])));
        off = end;
    }
    Expr::new(ExprKind::Concat(items), Span::NONE)
}

pub fn val_expr(v: Value) -> Expr {
    Expr::new(ExprKind::Value(v), Span::NONE)
}

/// `[start, end)` of one interval part → `start`, `start/len` or `start-last`.
pub fn interval(part: &Part, start: &[u8], end_excl: Option<&[u8]>) -> Expr {
    let lo = value(part, start);
    let Some(end) = end_excl else {
        // Open at the top: up to the maximum value.
        let mut hi = lo.clone();
        hi.data.iter_mut().for_each(|b| *b = 0xff);
        return range_or_prefix(lo, hi);
    };
    let mut hi = value(part, end);
    // end is exclusive: subtract one (big-endian).
    for b in hi.data.iter_mut().rev() {
        let (v, borrow) = b.overflowing_sub(1);
        *b = v;
        if !borrow {
            break;
        }
    }
    range_or_prefix(lo, hi)
}

/// `[lo, hi]`, both inclusive (pipapo elements carry key and key_end).
pub fn interval_incl(part: &Part, lo: &[u8], hi: &[u8]) -> Expr {
    range_or_prefix(value(part, lo), value(part, hi))
}

fn range_or_prefix(lo: Value, hi: Value) -> Expr {
    if lo.data == hi.data {
        return val_expr(lo);
    }
    // A prefix: lo has the same leading bits as hi, then lo all zeros, hi all ones.
    let bits = lo.bits as usize;
    let bit = |v: &Value, i: usize| (v.data[i / 8] >> (7 - i % 8)) & 1;
    let mut plen = 0;
    while plen < bits && bit(&lo, plen) == bit(&hi, plen) {
        plen += 1;
    }
    let is_prefix = (plen..bits).all(|i| bit(&lo, i) == 0 && bit(&hi, i) == 1);
    let prefixable = matches!(lo.dtype, Datatype::Ipv4Addr | Datatype::Ipv6Addr);
    if is_prefix && prefixable {
        return Expr::new(
            ExprKind::Prefix(Box::new(val_expr(lo)), plen as u8),
            Span::NONE,
        );
    }
    Expr::new(
        ExprKind::Range(Box::new(val_expr(lo)), Box::new(val_expr(hi))),
        Span::NONE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_types_unpack() {
        let t = (7 << 12) | (12 << 6) | 13;
        let parts = key_parts(t, 12);
        let dts: Vec<_> = parts.iter().map(|p| p.dtype).collect();
        assert_eq!(
            dts,
            vec![
                Datatype::Ipv4Addr,
                Datatype::InetProto,
                Datatype::InetService
            ]
        );
        let e = key_expr(&parts, &[172, 30, 0, 1, 6, 0, 0, 0, 0, 80, 0, 0]);
        let ExprKind::Concat(items) = e.kind else {
            panic!()
        };
        let ExprKind::Value(port) = &items[2].kind else {
            panic!()
        };
        assert_eq!(port.as_u64(), Some(80));
    }

    #[test]
    fn host_order_values_and_prefixes() {
        let v = value(&Part::of(Datatype::Mark), &[0, 0x40, 0, 0]);
        assert_eq!(v.as_u64(), Some(0x4000));
        let p = interval(
            &Part::of(Datatype::Ipv4Addr),
            &[10, 0, 0, 0],
            Some(&[11, 0, 0, 0]),
        );
        assert!(matches!(p.kind, ExprKind::Prefix(_, 8)));
        let r = interval(&Part::of(Datatype::InetService), &[0, 10], Some(&[0, 21]));
        assert!(matches!(r.kind, ExprKind::Range(..)));
    }
}
