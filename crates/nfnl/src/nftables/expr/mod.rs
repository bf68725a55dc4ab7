// SPDX-License-Identifier: Apache-2.0
//! Kernel expressions: one [`Expr`] variant per expression name, each holding
//! its attributes ([`kinds`]); [`Other`](Expr::Other) keeps any expression nfnl
//! does not decode. Rules and dynsets carry them as NFTA_LIST_ELEM nests of
//! `{ NFTA_EXPR_NAME, NFTA_EXPR_DATA }`. `Display` prints libnftnl's debug text.

mod display;
mod kinds;
mod text;

pub use display::{ct_key_name, meta_key_name};
pub use kinds::*;

use crate::attr::{Attr, AttrIter, Writer};
use crate::error::Error;
use crate::nftables::consts::*;
use crate::nftables::value::{context, AttrValue};

/// One kernel expression.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Expr {
    Payload(Payload),
    Cmp(Cmp),
    Meta(Meta),
    Immediate(Immediate),
    Lookup(Lookup),
    Bitwise(Bitwise),
    Byteorder(Byteorder),
    Ct(Ct),
    Fib(Fib),
    Numgen(Numgen),
    Hash(Hash),
    Nat(Nat),
    Masq(Masq),
    Redir(Redir),
    Reject(Reject),
    Counter(Counter),
    Dynset(Dynset),
    Range(Range),
    Objref(Objref),
    Limit(Limit),
    Log(Log),
    Quota(Quota),
    Exthdr(Exthdr),
    Rt(Rt),
    Queue(Queue),
    Notrack,
    /// An expression nfnl does not decode: its name and raw NFTA_EXPR_DATA.
    Other {
        name: String,
        data: Vec<u8>,
    },
}

impl Expr {
    /// The kernel's name for this expression (NFTA_EXPR_NAME).
    pub fn name(&self) -> &str {
        match self {
            Expr::Payload(_) => "payload",
            Expr::Cmp(_) => "cmp",
            Expr::Meta(_) => "meta",
            Expr::Immediate(_) => "immediate",
            Expr::Lookup(_) => "lookup",
            Expr::Bitwise(_) => "bitwise",
            Expr::Byteorder(_) => "byteorder",
            Expr::Ct(_) => "ct",
            Expr::Fib(_) => "fib",
            Expr::Numgen(_) => "numgen",
            Expr::Hash(_) => "hash",
            Expr::Nat(_) => "nat",
            Expr::Masq(_) => "masq",
            Expr::Redir(_) => "redir",
            Expr::Reject(_) => "reject",
            Expr::Counter(_) => "counter",
            Expr::Dynset(_) => "dynset",
            Expr::Range(_) => "range",
            Expr::Objref(_) => "objref",
            Expr::Limit(_) => "limit",
            Expr::Log(_) => "log",
            Expr::Quota(_) => "quota",
            Expr::Exthdr(_) => "exthdr",
            Expr::Rt(_) => "rt",
            Expr::Queue(_) => "queue",
            Expr::Notrack => "notrack",
            Expr::Other { name, .. } => name,
        }
    }

    /// Write the expression's own attributes (the NFTA_EXPR_DATA contents).
    pub fn emit_data(&self, w: &mut Writer) {
        match self {
            Expr::Payload(x) => x.emit(w),
            Expr::Cmp(x) => x.emit(w),
            Expr::Meta(x) => x.emit(w),
            Expr::Immediate(x) => x.emit(w),
            Expr::Lookup(x) => x.emit(w),
            Expr::Bitwise(x) => x.emit(w),
            Expr::Byteorder(x) => x.emit(w),
            Expr::Ct(x) => x.emit(w),
            Expr::Fib(x) => x.emit(w),
            Expr::Numgen(x) => x.emit(w),
            Expr::Hash(x) => x.emit(w),
            Expr::Nat(x) => x.emit(w),
            Expr::Masq(x) => x.emit(w),
            Expr::Redir(x) => x.emit(w),
            Expr::Reject(x) => x.emit(w),
            Expr::Counter(x) => x.emit(w),
            Expr::Dynset(x) => x.emit(w),
            Expr::Range(x) => x.emit(w),
            Expr::Objref(x) => x.emit(w),
            Expr::Limit(x) => x.emit(w),
            Expr::Log(x) => x.emit(w),
            Expr::Quota(x) => x.emit(w),
            Expr::Exthdr(x) => x.emit(w),
            Expr::Rt(x) => x.emit(w),
            Expr::Queue(x) => x.emit(w),
            Expr::Notrack => {}
            Expr::Other { data, .. } => w.put_raw(data),
        }
    }

    /// Write `{ NFTA_EXPR_NAME, NFTA_EXPR_DATA }` (the inside of a list element).
    pub fn emit_body(&self, w: &mut Writer) {
        w.put_str(NFTA_EXPR_NAME, self.name());
        let n = w.nest_start(NFTA_EXPR_DATA);
        self.emit_data(w);
        w.nest_end(n);
    }

    /// Decode one expression from its name and NFTA_EXPR_DATA bytes.
    pub fn from_parts(name: &str, data: &[u8]) -> Result<Expr, Error> {
        let it = AttrIter::new(data);
        let ctx = |e| context(&format!("expression {name}"), e);
        Ok(match name {
            "payload" => Expr::Payload(Payload::parse_attrs(it).map_err(ctx)?),
            "cmp" => Expr::Cmp(Cmp::parse_attrs(it).map_err(ctx)?),
            "meta" => Expr::Meta(Meta::parse_attrs(it).map_err(ctx)?),
            "immediate" => Expr::Immediate(Immediate::parse_attrs(it).map_err(ctx)?),
            "lookup" => Expr::Lookup(Lookup::parse_attrs(it).map_err(ctx)?),
            "bitwise" => Expr::Bitwise(Bitwise::parse_attrs(it).map_err(ctx)?),
            "byteorder" => Expr::Byteorder(Byteorder::parse_attrs(it).map_err(ctx)?),
            "ct" => Expr::Ct(Ct::parse_attrs(it).map_err(ctx)?),
            "fib" => Expr::Fib(Fib::parse_attrs(it).map_err(ctx)?),
            "numgen" => Expr::Numgen(Numgen::parse_attrs(it).map_err(ctx)?),
            "hash" => Expr::Hash(Hash::parse_attrs(it).map_err(ctx)?),
            "nat" => Expr::Nat(Nat::parse_attrs(it).map_err(ctx)?),
            "masq" => Expr::Masq(Masq::parse_attrs(it).map_err(ctx)?),
            "redir" => Expr::Redir(Redir::parse_attrs(it).map_err(ctx)?),
            "reject" => Expr::Reject(Reject::parse_attrs(it).map_err(ctx)?),
            "counter" => Expr::Counter(Counter::parse_attrs(it).map_err(ctx)?),
            "dynset" => Expr::Dynset(Dynset::parse_attrs(it).map_err(ctx)?),
            "range" => Expr::Range(Range::parse_attrs(it).map_err(ctx)?),
            "objref" => Expr::Objref(Objref::parse_attrs(it).map_err(ctx)?),
            "limit" => Expr::Limit(Limit::parse_attrs(it).map_err(ctx)?),
            "log" => Expr::Log(Log::parse_attrs(it).map_err(ctx)?),
            "quota" => Expr::Quota(Quota::parse_attrs(it).map_err(ctx)?),
            "exthdr" => Expr::Exthdr(Exthdr::parse_attrs(it).map_err(ctx)?),
            "rt" => Expr::Rt(Rt::parse_attrs(it).map_err(ctx)?),
            "queue" => Expr::Queue(Queue::parse_attrs(it).map_err(ctx)?),
            "notrack" => Expr::Notrack,
            _ => Expr::Other {
                name: name.to_string(),
                data: data.to_vec(),
            },
        })
    }

    /// Decode `{ NFTA_EXPR_NAME, NFTA_EXPR_DATA }`.
    pub fn parse_body(attrs: AttrIter<'_>) -> Result<Expr, Error> {
        let mut name = None;
        let mut data: &[u8] = &[];
        for a in attrs {
            let a = a.map_err(|e| context("expression", e))?;
            match a.kind {
                NFTA_EXPR_NAME => name = Some(a.str().map_err(|e| context("expression name", e))?),
                NFTA_EXPR_DATA => data = a.value,
                _ => {}
            }
        }
        let name =
            name.ok_or_else(|| Error::Malformed("failed to parse expression: no name".into()))?;
        Expr::from_parts(name, data)
    }
}

/// A single nested expression (NFTA_DYNSET_EXPR, NFTA_SET_EXPR).
impl AttrValue for Box<Expr> {
    fn put(&self, w: &mut Writer, kind: u16) {
        let n = w.nest_start(kind);
        self.emit_body(w);
        w.nest_end(n);
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        Expr::parse_body(a.nested()).map(Box::new)
    }
}

/// An expression list (NFTA_RULE_EXPRESSIONS, NFTA_*_EXPRESSIONS).
impl AttrValue for Vec<Expr> {
    fn put(&self, w: &mut Writer, kind: u16) {
        let n = w.nest_start(kind);
        for e in self {
            let el = w.nest_start(NFTA_LIST_ELEM);
            e.emit_body(w);
            w.nest_end(el);
        }
        w.nest_end(n);
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        let mut out = Vec::new();
        for el in a.nested() {
            let el = el.map_err(|e| context("expression list", e))?;
            if el.kind == NFTA_LIST_ELEM {
                out.push(Expr::parse_body(el.nested())?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
