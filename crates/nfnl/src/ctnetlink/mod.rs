// SPDX-License-Identifier: Apache-2.0
//! ctnetlink (NFNL_SUBSYS_CTNETLINK and _EXP): conntrack entries, tuples,
//! expectations, statistics; request builders for dumps, gets, creates,
//! updates, deletes and flushes. Events arrive as the same [`Conntrack`]
//! messages on the NFNLGRP_CONNTRACK_* multicast groups.

pub mod attribute;
mod core;
mod delete;
mod expect;
mod message;
mod request;
mod stats;
mod tuple;

#[cfg(test)]
mod tests;

pub use delete::DeleteMsg;
pub use expect::Expect;
pub use message::{Conntrack, Counters, Nat, ProtoInfo, TcpInfo, Timestamp};
pub use request::{ct_delete_into, ct_request, exp_request, EventKind};
pub use stats::{global_entries, CpuStats};
pub use tuple::{RawAttr, Tuple};
