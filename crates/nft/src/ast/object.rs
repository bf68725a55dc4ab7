// SPDX-License-Identifier: Apache-2.0
//! Ruleset objects (rule.h): tables, chains, rules, sets/maps, elements, stateful objects.
//! The same structs serve `add …` commands, `table … { … }` blocks and listings.

use super::datatype::Datatype;
use super::expr::Expr;
use super::span::Span;
use super::stmt::Stmt;

/// Address family (NFPROTO_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Ip,
    Ip6,
    Inet,
    Arp,
    Bridge,
    Netdev,
}

impl Family {
    /// NFPROTO_* number, as sent in nfgenmsg.
    pub fn nfproto(self) -> u8 {
        match self {
            Family::Inet => 1,
            Family::Ip => 2,
            Family::Arp => 3,
            Family::Netdev => 5,
            Family::Bridge => 7,
            Family::Ip6 => 10,
        }
    }

    pub fn from_nfproto(n: u8) -> Option<Family> {
        Some(match n {
            1 => Family::Inet,
            2 => Family::Ip,
            3 => Family::Arp,
            5 => Family::Netdev,
            7 => Family::Bridge,
            10 => Family::Ip6,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::Ip => "ip",
            Family::Ip6 => "ip6",
            Family::Inet => "inet",
            Family::Arp => "arp",
            Family::Bridge => "bridge",
            Family::Netdev => "netdev",
        }
    }

    pub fn from_name(s: &str) -> Option<Family> {
        Some(match s {
            "ip" => Family::Ip,
            "ip6" => Family::Ip6,
            "inet" => Family::Inet,
            "arp" => Family::Arp,
            "bridge" => Family::Bridge,
            "netdev" => Family::Netdev,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `[family] table` as written in a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableId {
    pub family: Family,
    pub name: String,
    pub span: Span,
}

/// `[family] table chain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainId {
    pub table: TableId,
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub family: Option<Family>,
    pub name: String,
    pub handle: Option<u64>,
    /// NFT_TABLE_F_* (dormant = 1, owner = 2, persist = 4).
    pub flags: u32,
    pub comment: Option<String>,
    /// `use` count from the kernel (listings only).
    pub use_count: Option<u32>,
    pub chains: Vec<Chain>,
    pub sets: Vec<Set>,
    pub objs: Vec<Obj>,
    pub span: Span,
}

/// A chain. `table` is `None` inside a `table … { }` block until eval fills it in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chain {
    pub table: Option<TableId>,
    pub name: String,
    pub name_span: Span,
    pub handle: Option<u64>,
    pub base: Option<BaseChain>,
    pub comment: Option<String>,
    pub rules: Vec<Rule>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BaseChain {
    /// "filter", "nat", "route".
    pub kind: String,
    pub kind_span: Span,
    /// "prerouting", "input", "forward", "output", "postrouting", "ingress", "egress".
    pub hook: String,
    pub hook_span: Span,
    pub devices: Vec<String>,
    pub prio: Prio,
    pub prio_span: Span,
    /// NF_ACCEPT (1) or NF_DROP (0); `None` when not given.
    pub policy: Option<u32>,
    /// NFT_CHAIN_F_* as the kernel reports them (listings only).
    pub flags: u32,
}

/// A chain priority as written: a number, or a standard name plus an offset (`dstnat - 10`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prio {
    Num(i32),
    Named(String, i32),
}

/// A rule. For `add`/`insert`/`replace` the location fields say where it goes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rule {
    pub chain: Option<ChainId>,
    pub handle: Option<u64>,
    /// `position N` (a handle).
    pub position: Option<u64>,
    /// `index N` (0-based rule number).
    pub index: Option<u64>,
    pub stmts: Vec<Stmt>,
    pub comment: Option<String>,
    pub span: Span,
    /// Span of `handle N` / `position N` / `index N`, for errors.
    pub loc_span: Span,
}

/// Identifies a rule for `delete|destroy|reset rule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleId {
    pub chain: ChainId,
    pub handle: u64,
    pub span: Span,
}

/// NFT_SET_* flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SetFlags(pub u32);

impl SetFlags {
    pub const ANONYMOUS: u32 = 0x1;
    pub const CONSTANT: u32 = 0x2;
    pub const INTERVAL: u32 = 0x4;
    pub const MAP: u32 = 0x8;
    pub const TIMEOUT: u32 = 0x10;
    pub const EVAL: u32 = 0x20;
    pub const OBJECT: u32 = 0x40;
    pub const CONCAT: u32 = 0x80;
    pub const EXPR: u32 = 0x100;

    pub fn has(self, f: u32) -> bool {
        self.0 & f != 0
    }
}

/// A set/map key or data declaration: `type a . b` or `typeof expr . expr`.
#[derive(Debug, Clone, PartialEq)]
pub enum SetKey {
    Types(Vec<Datatype>),
    Typeof(Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetPolicy {
    Performance,
    Memory,
}

/// A named set or map (`is_map`), or an anonymous one after eval.
#[derive(Debug, Clone, PartialEq)]
pub struct Set {
    pub table: Option<TableId>,
    pub name: String,
    pub name_span: Span,
    pub handle: Option<u64>,
    pub is_map: bool,
    pub key: SetKey,
    pub key_span: Span,
    /// Map data type (`: verdict`, `: ipv4_addr . inet_service`).
    pub data: Option<SetKey>,
    pub flags: SetFlags,
    /// Default element timeout, milliseconds.
    pub timeout: Option<u64>,
    /// Garbage collection interval, milliseconds.
    pub gc_interval: Option<u64>,
    pub size: Option<u32>,
    pub policy: Option<SetPolicy>,
    pub auto_merge: bool,
    pub comment: Option<String>,
    /// Statements attached to every element (`counter` in a set declaration).
    pub stmts: Vec<Stmt>,
    pub elems: Vec<Elem>,
    pub span: Span,
}

/// One set or map element: `key [timeout T] [expires T] [counter] [comment "c"] [: data]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Elem {
    pub key: Expr,
    pub data: Option<Expr>,
    /// Milliseconds.
    pub timeout: Option<u64>,
    /// Milliseconds left (listings only).
    pub expires: Option<u64>,
    pub comment: Option<String>,
    /// Per-element statements (e.g. `counter packets 0 bytes 0`).
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

/// A stateful object (`counter NAME`, `quota NAME`).
#[derive(Debug, Clone, PartialEq)]
pub struct Obj {
    pub table: Option<TableId>,
    pub name: String,
    pub name_span: Span,
    pub handle: Option<u64>,
    pub body: ObjBody,
    pub comment: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjBody {
    Counter { packets: u64, bytes: u64 },
    Quota { bytes: u64, used: u64, over: bool },
}
