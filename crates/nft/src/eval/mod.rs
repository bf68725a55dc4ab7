// SPDX-License-Identifier: Apache-2.0
//! Evaluation (evaluate.c): datatypes, protocol context and dependencies, type checks, and the
//! evolving view of the ruleset a transaction builds ([`Scope`]).
//!
//! Commands are evaluated one at a time, in order, so later commands see what earlier ones
//! created (a set added on line 3 is known to the rule on line 90).

pub mod expr;
mod objects;
pub mod scope;
mod stmt;
pub mod symbols;

pub use expr::{selector_types, single_type, Ty};
pub use objects::{hook_number, prio_value, set_info};
pub use scope::{ChainInfo, NameHasher, NameMap, RuleRef, Scope, SetInfo, TableInfo};

/// A header field that does not start or end on a byte boundary: the bytes covering it and
/// how far its value is shifted left within them (payload.c `payload_expr_expand`).
pub fn unaligned(f: &Field) -> Option<(u32, u32)> {
    unaligned_bits(f.offset, f.len)
}

/// [`unaligned`] for a bit offset and length (raw payloads too).
pub fn unaligned_bits(offset: u32, len: u32) -> Option<(u32, u32)> {
    if (offset.is_multiple_of(8) && len.is_multiple_of(8)) || len == 0 || len > 64 {
        return None;
    }
    let nbytes = (offset + len).div_ceil(8) - offset / 8;
    Some((nbytes, nbytes * 8 - offset % 8 - len))
}

use crate::ast::*;
use crate::erec::ErrorRecord;

/// Where a rule goes, as eval resolved `handle`/`position`/`index`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placement {
    /// NFTA_RULE_HANDLE (replace).
    pub handle: Option<u64>,
    /// NFTA_RULE_POSITION: a kernel rule handle.
    pub position: Option<u64>,
    /// NFTA_RULE_POSITION_ID: a rule added earlier in this transaction.
    pub position_id: Option<u32>,
    /// NFTA_RULE_ID of this rule.
    pub rule_id: u32,
}

/// Per-command evaluation context.
pub struct Ctx<'s> {
    pub scope: &'s mut Scope,
    pub family: Family,
    pub table: &'s str,
    /// Transport protocol established so far in the rule (IPPROTO_*).
    pub(crate) l4: Option<u64>,
    /// Network protocol established so far (inet/bridge/netdev tables).
    pub(crate) l3: Option<Family>,
    /// `meta iiftype ether` is in place (link-layer matches outside bridge/netdev).
    pub(crate) iiftype: bool,
    /// `ether type vlan` is in place.
    pub(crate) vlan: bool,
}

impl<'s> Ctx<'s> {
    pub fn new(scope: &'s mut Scope, family: Family, table: &'s str) -> Ctx<'s> {
        Ctx {
            scope,
            family,
            table,
            l4: None,
            l3: None,
            iiftype: false,
            vlan: false,
        }
    }

    /// A set of the current table, or nft's "No such file or directory" error.
    pub(crate) fn lookup_set(&self, name: &str, span: Span) -> Result<SetInfo, ErrorRecord> {
        match self.scope.set(self.family, self.table, name) {
            Some(s) => Ok(s.clone()),
            None => Err(ErrorRecord::new(
                span,
                kcommon::errno::strerror(libc::ENOENT),
            )),
        }
    }
}

/// Evaluate one command against the scope (and update the scope with what it creates or
/// deletes). Rules get their [`Placement`]s in the order they appear in the command.
pub fn eval_cmd(scope: &mut Scope, cmd: &mut Cmd) -> Result<Vec<Placement>, ErrorRecord> {
    let mut placements = Vec::new();
    match cmd {
        Cmd::Add(obj) | Cmd::Create(obj) => objects::add(scope, obj, &mut placements)?,
        Cmd::Insert(rule) => placements.push(objects::rule_cmd(scope, rule, true, false)?),
        Cmd::Replace(rule) => placements.push(objects::rule_cmd(scope, rule, false, true)?),
        Cmd::Delete(r) | Cmd::Destroy(r) => objects::delete(scope, r)?,
        Cmd::Flush(r) => {
            if r.kind == ObjKind::Ruleset {
                scope.clear(r.family);
            }
        }
        Cmd::Reset(_) | Cmd::List(_) => {}
    }
    Ok(placements)
}
