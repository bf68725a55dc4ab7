// SPDX-License-Identifier: Apache-2.0
//! The words both printers use (statement.c, expression.c, rule.c name
//! tables): one place says which name a construct prints as; text.rs and
//! json.rs differ only in how they write it.

use crate::ast::{
    Base, BinOp, CtDir, Datatype, Expr, ExprKind, FibResult, NatKind, NumgenMode, SetOp, Verdict,
};

/// `fib` flags, in print order.
pub const FIB_FLAGS: &[(u32, &str)] = &[
    (1, "saddr"),
    (2, "daddr"),
    (4, "mark"),
    (8, "iif"),
    (16, "oif"),
];

/// NAT flags, in print order.
pub const NAT_FLAGS: &[(u32, &str)] =
    &[(0x4, "random"), (0x10, "fully-random"), (0x8, "persistent")];

/// Table flags, in print order.
pub const TABLE_FLAGS: &[(u32, &str)] = &[(1, "dormant"), (2, "owner"), (4, "persist")];

/// The names of the bits of `bits` that `table` names, in table order.
pub fn bit_names<'n>(bits: u32, table: &[(u32, &'n str)]) -> Vec<&'n str> {
    table
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, n)| *n)
        .collect()
}

/// The verdict's keyword (`jump`/`goto` without their target).
pub fn verdict(v: &Verdict) -> &'static str {
    match v {
        Verdict::Accept => "accept",
        Verdict::Drop => "drop",
        Verdict::Continue => "continue",
        Verdict::Return => "return",
        Verdict::Queue => "queue",
        Verdict::Jump(_) => "jump",
        Verdict::Goto(_) => "goto",
    }
}

pub fn binop(op: &BinOp) -> &'static str {
    match op {
        BinOp::And => "&",
        BinOp::Or => "|",
        BinOp::Xor => "^",
        BinOp::Lshift => "<<",
        BinOp::Rshift => ">>",
    }
}

/// A raw payload's base (`@nh,…`).
pub fn base(b: &Base) -> &'static str {
    match b {
        Base::Link => "ll",
        Base::Network => "nh",
        Base::Transport => "th",
        Base::Inner => "ih",
    }
}

pub fn nat(k: &NatKind) -> &'static str {
    match k {
        NatKind::Snat => "snat",
        NatKind::Dnat => "dnat",
        NatKind::Masquerade => "masquerade",
        NatKind::Redirect => "redirect",
    }
}

pub fn fib_result(r: &FibResult) -> &'static str {
    match r {
        FibResult::Oif => "oif",
        FibResult::OifName => "oifname",
        FibResult::AddrType => "type",
    }
}

pub fn numgen_mode(m: &NumgenMode) -> &'static str {
    match m {
        NumgenMode::Inc => "inc",
        NumgenMode::Random => "random",
    }
}

pub fn ct_dir(d: &CtDir) -> &'static str {
    match d {
        CtDir::Original => "original",
        CtDir::Reply => "reply",
    }
}

/// A set statement's verb.
pub fn set_op(op: &SetOp) -> &'static str {
    match op {
        SetOp::Add => "add",
        SetOp::Update => "update",
        SetOp::Delete => "delete",
    }
}

/// The object kind an objref statement names (NFT_OBJECT_*).
pub fn objref(kind: u32) -> &'static str {
    match kind {
        1 => "counter",
        2 => "quota",
        4 => "limit",
        _ => "ct helper",
    }
}

/// A limit's time unit.
pub fn per(unit_secs: u64) -> &'static str {
    match unit_secs {
        1 => "second",
        60 => "minute",
        3600 => "hour",
        86400 => "day",
        _ => "week",
    }
}

/// Values that are flag sets: an implicit match on them is a flag test.
pub fn is_flag_value(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Value(v) if matches!(v.dtype, Datatype::CtState | Datatype::CtStatus | Datatype::TcpFlag))
}
