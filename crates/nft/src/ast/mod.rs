// SPDX-License-Identifier: Apache-2.0
//! The command/object/statement/expression tree shared by every stage (rule.c, statement.c, expression.c).
//!
//! The parser builds it, eval types it, linearize turns it into kernel expressions; on the way back
//! delinearize rebuilds it from kernel objects and the printers print it. Every node carries a
//! [`Span`] (byte offsets into the input; `Span::NONE` for nodes that came from the kernel).
//!
//! Invariant: the tree knows no netlink; constants keep their [`Datatype`] so they stay printable.

mod cmd;
mod datatype;
mod expr;
mod object;
mod proto;
mod span;
mod stmt;

pub use cmd::{Cmd, ListCmd, ListWhat, ObjKind, ObjRef, Object};
pub use datatype::{ByteOrder, Datatype};
pub use expr::{
    BinOp, CtDir, Expr, ExprKind, FibFlags, FibResult, Literal, NumgenMode, RelOp, Value, Verdict,
};
pub use object::{
    BaseChain, Chain, ChainId, Elem, Family, Obj, ObjBody, Prio, Rule, RuleId, Set, SetFlags,
    SetKey, SetPolicy, Table, TableId,
};
pub use proto::{
    ct_key, ct_key_by_id, field, field2, meta_key, meta_key_by_id, Base, CtKey, Field, MetaKey,
    Proto, CT_KEYS, FIELDS, META_KEYS,
};
pub use span::Span;
pub use stmt::{LogStmt, NatFlags, NatKind, NatStmt, RejectKind, SetOp, Stmt, StmtKind};
