// SPDX-License-Identifier: Apache-2.0
//! Expression evaluation (evaluate.c `expr_evaluate_*`): the type of every selector, and
//! resolving the values compared with it, set against it or stored in sets.

use super::symbols::{is_bitmask, resolve};
use super::Ctx;
use crate::ast::*;
use crate::erec::ErrorRecord;

/// A value type: datatype and width in bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ty {
    pub dtype: Datatype,
    pub bits: u32,
}

impl Ty {
    pub fn new(dtype: Datatype, bits: u32) -> Ty {
        Ty { dtype, bits }
    }

    /// Bytes a value of this type takes in a register/set key (rounded up to 4 in concats).
    pub fn bytes(self) -> u32 {
        self.bits.div_ceil(8)
    }
}

/// The type of a selector (the left side of a match, a map key, a set update key), one entry per
/// concatenated field. `None` for things that are not selectors (a bare symbol).
pub fn selector_types(e: &Expr, family: Family) -> Option<Vec<Ty>> {
    Some(match &e.kind {
        ExprKind::Concat(parts) => {
            let mut v = Vec::with_capacity(parts.len());
            for p in parts {
                v.push(single_type(p, family)?);
            }
            v
        }
        _ => vec![single_type(e, family)?],
    })
}

pub fn single_type(e: &Expr, family: Family) -> Option<Ty> {
    Some(match &e.kind {
        ExprKind::Payload(f) => Ty::new(f.dtype, f.len),
        ExprKind::RawPayload { len, .. } => Ty::new(Datatype::Integer, *len),
        ExprKind::Meta(k) => Ty::new(k.dtype, k.len),
        ExprKind::Ct { key, .. } => match key.name {
            "saddr" | "daddr" => match family {
                Family::Ip6 => Ty::new(Datatype::Ipv6Addr, 128),
                _ => Ty::new(Datatype::Ipv4Addr, 32),
            },
            _ => Ty::new(key.dtype, key.len),
        },
        ExprKind::Fib { result, .. } => match result {
            FibResult::AddrType => Ty::new(Datatype::FibAddr, 32),
            FibResult::Oif => Ty::new(Datatype::IfIndex, 32),
            FibResult::OifName => Ty::new(Datatype::IfName, 128),
        },
        ExprKind::Numgen { .. } => Ty::new(Datatype::Integer, 32),
        ExprKind::Binop(_, l, _) => single_type(l, family)?,
        _ => return None,
    })
}

impl Ctx<'_> {
    /// Type a selector, or fail like nft does for a bare symbol on the left.
    pub(crate) fn selector(&mut self, e: &mut Expr) -> Result<Vec<Ty>, ErrorRecord> {
        if let ExprKind::Binop(_, l, r) = &mut e.kind {
            let lt = self.selector(l)?;
            if lt.len() != 1 {
                return Err(ErrorRecord::new(
                    l.span,
                    "Binary operation on a concatenation",
                ));
            }
            self.value(r, lt[0])?;
        }
        if let ExprKind::Concat(parts) = &mut e.kind {
            for p in parts.iter_mut() {
                if let ExprKind::Binop(..) = p.kind {
                    self.selector(p)?;
                }
            }
        }
        match selector_types(e, self.family) {
            Some(t) => Ok(t),
            None => Err(ErrorRecord::new(
                first_symbol_span(e),
                "No symbol type information",
            )),
        }
    }

    /// Resolve a constant of type `t` in place (literals, prefixes, ranges, flag lists).
    pub(crate) fn value(&mut self, e: &mut Expr, t: Ty) -> Result<(), ErrorRecord> {
        let span = e.span;
        match &mut e.kind {
            ExprKind::Literal(Literal::Str(s))
                if matches!(t.dtype, Datatype::IfName | Datatype::String)
                    && s.ends_with('*')
                    && !s.ends_with("\\*") =>
            {
                // `"eth*"`: a prefix match on the name (without the NUL).
                let stem = &s[..s.len() - 1];
                let plen = stem.len() as u32 * 8;
                let mut v = resolve(&Literal::Str(stem.to_string()), t.dtype, t.bits, span)?;
                if stem.is_empty() {
                    v.data.iter_mut().for_each(|b| *b = 0);
                }
                let inner = Expr::new(ExprKind::Value(v), span);
                e.kind = ExprKind::Prefix(Box::new(inner), plen.min(255) as u8);
                Ok(())
            }
            ExprKind::Literal(lit) => {
                let v = resolve(lit, t.dtype, t.bits, span)?;
                e.kind = ExprKind::Value(v);
                Ok(())
            }
            ExprKind::Value(_) => Ok(()),
            ExprKind::Prefix(inner, len) => {
                self.value(inner, t)?;
                if *len as u32 > t.bits {
                    return Err(ErrorRecord::new(
                        span,
                        format!(
                            "Prefix length {} is invalid for type of {} bits width",
                            len, t.bits
                        ),
                    ));
                }
                Ok(())
            }
            ExprKind::Range(lo, hi) => {
                self.value(lo, t)?;
                self.value(hi, t)?;
                if let (ExprKind::Value(a), ExprKind::Value(b)) = (&lo.kind, &hi.kind) {
                    if a.data > b.data {
                        return Err(ErrorRecord::new(span, "Range has zero or negative size"));
                    }
                }
                Ok(())
            }
            ExprKind::List(items) => {
                if !is_bitmask(t.dtype) {
                    return Err(ErrorRecord::new(span, "List is not supported here"));
                }
                let mut acc = 0u64;
                for i in items.iter_mut() {
                    self.value(i, t)?;
                    if let ExprKind::Value(v) = &i.kind {
                        acc |= v.as_u64().unwrap_or(0);
                    }
                }
                e.kind = ExprKind::Value(Value::num(t.dtype, t.bits, acc));
                Ok(())
            }
            ExprKind::Binop(op, a, b) => {
                // Constant expressions fold: `0x16 and 0x16`, `(syn | ack)`.
                let op = *op;
                self.value(a, t)?;
                self.value(b, t)?;
                let (ExprKind::Value(x), ExprKind::Value(y)) = (&a.kind, &b.kind) else {
                    return Err(ErrorRecord::new(span, "Binary operation on a non-constant"));
                };
                let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) else {
                    return Err(ErrorRecord::new(
                        span,
                        "Binary operation on a value wider than 64 bits",
                    ));
                };
                let bits = t.bits.min(64);
                let mask = if bits >= 64 {
                    u64::MAX
                } else {
                    (1u64 << bits) - 1
                };
                let r = match op {
                    BinOp::And => x & y,
                    BinOp::Or => x | y,
                    BinOp::Xor => x ^ y,
                    BinOp::Lshift => x.checked_shl(y as u32).unwrap_or(0),
                    BinOp::Rshift => x.checked_shr(y as u32).unwrap_or(0),
                } & mask;
                e.kind = ExprKind::Value(Value::num(t.dtype, t.bits, r));
                Ok(())
            }
            ExprKind::Verdict(_) if t.dtype == Datatype::Verdict => Ok(()),
            ExprKind::Concat(_) => Err(ErrorRecord::new(
                span,
                "datatype mismatch: concatenation where a single value is expected",
            )),
            _ => Err(ErrorRecord::new(
                span,
                format!("datatype mismatch, expected {}", t.dtype.name()),
            )),
        }
    }

    /// A key against a (possibly concatenated) type: `1.2.3.4 . tcp . 80`.
    pub(crate) fn key(&mut self, e: &mut Expr, tys: &[Ty]) -> Result<(), ErrorRecord> {
        if tys.len() == 1 {
            return self.value(e, tys[0]);
        }
        let span = e.span;
        let ExprKind::Concat(parts) = &mut e.kind else {
            return Err(ErrorRecord::new(
                span,
                "datatype mismatch, expected concatenation",
            ));
        };
        if parts.len() != tys.len() {
            return Err(ErrorRecord::new(
                span,
                format!(
                    "datatype mismatch, expected a concatenation of {} values, got {}",
                    tys.len(),
                    parts.len()
                ),
            ));
        }
        for (p, t) in parts.iter_mut().zip(tys) {
            self.value(p, *t)?;
        }
        Ok(())
    }

    /// A map value: verdicts for verdict maps, values otherwise.
    pub(crate) fn data(&mut self, e: &mut Expr, t: Ty) -> Result<(), ErrorRecord> {
        if t.dtype == Datatype::Verdict {
            return match &e.kind {
                ExprKind::Verdict(_) => Ok(()),
                _ => Err(ErrorRecord::new(
                    e.span,
                    "datatype mismatch, expected verdict",
                )),
            };
        }
        if matches!(e.kind, ExprKind::Verdict(_)) {
            return Err(ErrorRecord::new(
                e.span,
                format!("datatype mismatch, expected {}", t.dtype.name()),
            ));
        }
        self.value(e, t)
    }

    /// The elements of a set or map literal (or of `add element`).
    pub(crate) fn elems(
        &mut self,
        elems: &mut [Elem],
        key: &[Ty],
        data: Option<Ty>,
    ) -> Result<(), ErrorRecord> {
        self.elems_opt(elems, key, data, false)
    }

    /// Elements; `keys_only` for deletions (map values may be left out).
    pub(crate) fn elems_opt(
        &mut self,
        elems: &mut [Elem],
        key: &[Ty],
        data: Option<Ty>,
        keys_only: bool,
    ) -> Result<(), ErrorRecord> {
        for el in elems.iter_mut() {
            if !is_catchall(&el.key) {
                self.key(&mut el.key, key)?;
            }
            match (&mut el.data, data) {
                (Some(d), Some(t)) => self.data(d, t)?,
                (None, Some(_)) if keys_only => {}
                (None, Some(_)) => {
                    return Err(ErrorRecord::new(el.span, "Map element lacks a value"));
                }
                (Some(d), None) => {
                    return Err(ErrorRecord::new(
                        d.span,
                        "Set element has a value, set is not a map",
                    ));
                }
                (None, None) => {}
            }
        }
        Ok(())
    }
}

/// Where "No symbol type information" points: the first bare symbol.
fn first_symbol_span(e: &Expr) -> crate::ast::Span {
    match &e.kind {
        ExprKind::Concat(p) => p
            .iter()
            .find(|x| matches!(x.kind, ExprKind::Literal(_)))
            .map(|x| x.span)
            .unwrap_or(e.span),
        _ => e.span,
    }
}

/// Whether an element key needs an interval set (prefixes and ranges).
pub fn is_interval(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Prefix(..) | ExprKind::Range(..) => true,
        ExprKind::Concat(p) => p.iter().any(is_interval),
        _ => false,
    }
}

/// The catch-all element key `*`.
pub fn is_catchall(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Literal(Literal::Ident(s)) if s == "*")
}
