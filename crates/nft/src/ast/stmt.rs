// SPDX-License-Identifier: Apache-2.0
//! Statements (statement.h): one step of a rule.

use super::expr::{CtDir, Expr, RelOp};
use super::object::Family;
use super::proto::{CtKey, MetaKey};
use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

impl Stmt {
    pub fn new(kind: StmtKind, span: Span) -> Stmt {
        Stmt { kind, span }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `left [op] right` (nftables' relational expression statement).
    Match {
        left: Expr,
        op: RelOp,
        right: Expr,
    },
    /// A verdict: `Verdict(..)` constant, or a `Map` (vmap) whose values are verdicts.
    Verdict(Expr),
    /// `counter [packets N bytes M]`.
    Counter {
        packets: u64,
        bytes: u64,
    },
    /// `counter name NAME` / `quota name NAME` (objref).
    ObjRef {
        kind: u32,
        name: Expr,
    },
    /// `meta KEY set VALUE` / `mark set …`.
    MetaSet {
        key: &'static MetaKey,
        value: Expr,
    },
    /// `ct [dir] KEY set VALUE`.
    CtSet {
        key: &'static CtKey,
        dir: Option<CtDir>,
        value: Expr,
    },
    Nat(NatStmt),
    /// `reject [with icmp|icmpv6|icmpx CODE | with tcp reset]`.
    Reject {
        kind: RejectKind,
        code: Option<Expr>,
    },
    /// `add|update|delete @set { key [timeout T] [stmts] }` (dynset).
    Set {
        op: SetOp,
        set: String,
        set_span: Span,
        key: Expr,
        timeout: Option<u64>,
        stmts: Vec<Stmt>,
    },
    Log(LogStmt),
    /// `limit rate [over] N/unit [burst B packets|bytes]`.
    Limit {
        rate: u64,
        unit_secs: u64,
        burst: u32,
        bytes: bool,
        over: bool,
    },
    Notrack,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatKind {
    Snat,
    Dnat,
    Masquerade,
    Redirect,
}

/// NF_NAT_RANGE_* flags as nft sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NatFlags(pub u32);

impl NatFlags {
    pub const MAP_IPS: u32 = 0x1;
    pub const PROTO_SPECIFIED: u32 = 0x2;
    pub const PROTO_RANDOM: u32 = 0x4;
    pub const PERSISTENT: u32 = 0x8;
    pub const PROTO_RANDOM_FULLY: u32 = 0x10;
    pub const PROTO_OFFSET: u32 = 0x20;
    pub const NETMAP: u32 = 0x40;
}

#[derive(Debug, Clone, PartialEq)]
pub struct NatStmt {
    pub kind: NatKind,
    /// `dnat ip to …` / `dnat ip6 to …` (needed in inet tables).
    pub family: Option<Family>,
    pub addr: Option<Expr>,
    pub port: Option<Expr>,
    /// Only the user-visible flags (random, fully-random, persistent).
    pub flags: NatFlags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectKind {
    /// Plain `reject`: the family's default (icmp port-unreachable, or icmpx for inet).
    Default,
    Icmp,
    Icmpv6,
    Icmpx,
    TcpReset,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    Add,
    Update,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogStmt {
    pub prefix: Option<String>,
    pub group: Option<u16>,
    pub snaplen: Option<u32>,
    pub queue_threshold: Option<u16>,
    pub level: Option<u32>,
    pub flags: u32,
}
