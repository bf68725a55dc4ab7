// SPDX-License-Identifier: Apache-2.0
//! Expressions (expression.h): what a rule matches on, compares with, or computes.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::datatype::Datatype;
use super::object::Elem;
use super::proto::{Base, CtKey, Field, MetaKey};
use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// As written, before eval gives it a type (`tcp`, `established`, `10.0.0.1`, `80`, `"x"`).
    Literal(Literal),
    /// A typed constant (after eval, or from the kernel).
    Value(Value),
    /// accept, drop, jump X, …
    Verdict(Verdict),
    /// `addr/len`.
    Prefix(Box<Expr>, u8),
    /// `low-high`.
    Range(Box<Expr>, Box<Expr>),
    /// `a . b . c`.
    Concat(Vec<Expr>),
    /// An anonymous set or map literal `{ e, e : d, … }`.
    Set(Vec<Elem>),
    /// `@name`.
    SetRef(String),
    /// `key map|vmap <set>` (the map is a `Set` literal or a `SetRef`).
    Map { key: Box<Expr>, map: Box<Expr> },
    /// A named header field: `ip saddr`, `tcp dport`, `th dport`.
    Payload(&'static Field),
    /// A raw payload reference `@nh,96,32` (also what unknown kernel payloads delinearize to).
    RawPayload {
        base: Base,
        /// Bits.
        offset: u32,
        len: u32,
    },
    /// `meta KEY` or the bare keys (`mark`, `iifname`, …).
    Meta(&'static MetaKey),
    /// `ct [original|reply] KEY`.
    Ct {
        key: &'static CtKey,
        dir: Option<CtDir>,
    },
    /// `fib saddr . iif type|oif|oifname`.
    Fib { flags: FibFlags, result: FibResult },
    /// `numgen random|inc mod N [offset M]`.
    Numgen {
        mode: NumgenMode,
        modulus: u32,
        offset: u32,
    },
    /// `a and b`, `a or b`, `a xor b`, `a << n`, `a >> n`.
    Binop(BinOp, Box<Expr>, Box<Expr>),
    /// Several flag values: `ct state established,related` (eval folds it to one value).
    List(Vec<Expr>),
}

/// An untyped literal token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Number(u64),
    /// An unquoted word (a symbol to resolve through the datatype: `tcp`, `new`, `local`).
    Ident(String),
    /// A quoted string.
    Str(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

/// A typed constant: `data` holds the value big-endian (most significant byte first), `bits` wide.
/// Linearize converts to the register layout the datatype's byte order asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub dtype: Datatype,
    pub bits: u32,
    pub data: Vec<u8>,
}

impl Value {
    /// A number of `bits` width (≤ 64).
    pub fn num(dtype: Datatype, bits: u32, n: u64) -> Value {
        let bytes = bits.div_ceil(8) as usize;
        let be = n.to_be_bytes();
        let data = if bytes <= 8 {
            let mut v = Vec::with_capacity(bytes);
            nfnl::attr::append(&mut v, &be[8 - bytes..]);
            v
        } else {
            let mut v = vec![0; bytes - 8];
            v.extend_from_slice(&be);
            v
        };
        Value { dtype, bits, data }
    }

    /// The value as a number, if it fits in 64 bits.
    pub fn as_u64(&self) -> Option<u64> {
        let lead = self.data.len().saturating_sub(8);
        if self.data[..lead].iter().any(|&b| b != 0) {
            return None;
        }
        Some(
            self.data[lead..]
                .iter()
                .fold(0u64, |acc, &b| (acc << 8) | b as u64),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Drop,
    Continue,
    Return,
    Jump(String),
    Goto(String),
    Queue,
}

impl Verdict {
    /// The kernel's verdict code (NF_DROP, NF_ACCEPT, NFT_JUMP, …).
    pub fn code(&self) -> i32 {
        match self {
            Verdict::Drop => 0,
            Verdict::Accept => 1,
            Verdict::Queue => 3,
            Verdict::Continue => -1,
            Verdict::Jump(_) => -3,
            Verdict::Goto(_) => -4,
            Verdict::Return => -5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    /// No operator written: equality, or set membership / flag test depending on the right side.
    Implicit,
    Eq,
    Neq,
    Lt,
    Gt,
    Lte,
    Gte,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Xor,
    Lshift,
    Rshift,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtDir {
    Original = 0,
    Reply = 1,
}

/// NFTA_FIB_F_* bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FibFlags(pub u32);

impl FibFlags {
    pub const SADDR: u32 = 1;
    pub const DADDR: u32 = 2;
    pub const MARK: u32 = 4;
    pub const IIF: u32 = 8;
    pub const OIF: u32 = 16;
    pub const PRESENT: u32 = 32;
}

/// NFT_FIB_RESULT_*.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FibResult {
    Oif = 1,
    OifName = 2,
    AddrType = 3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumgenMode {
    Inc = 0,
    Random = 1,
}
