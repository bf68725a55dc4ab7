// SPDX-License-Identifier: Apache-2.0
//! nf_tables (NFNL_SUBSYS_NFTABLES): typed tables, chains, rules, expressions,
//! sets, elements, objects and the generation id; emit and parse both ways;
//! kernel expressions print as libnftnl's debug text.
//!
//! Every object is a struct of optional attributes (kernel names in
//! [`consts`]) with `emit`/`emit_msg` and `parse_attrs`/`parse`; attributes
//! nfnl does not know are kept in `other`. Decoding never panics.
//!
//! Building a batch:
//! ```
//! use nfnl::nftables::{consts::*, Table};
//! use nfnl::msg::{NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NLM_F_ACK, NLM_F_CREATE};
//! let mut w = nfnl::Writer::new();
//! w.batch_marker(NFNL_MSG_BATCH_BEGIN, 1);
//! Table::new(2, "filter").emit_msg(&mut w, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK, 2);
//! w.batch_marker(NFNL_MSG_BATCH_END, 3);
//! ```

pub mod consts;
pub mod data;
pub mod dump;
pub mod expr;
pub mod udata;
pub mod value;

mod chain;
mod gen;
mod obj;
mod rule;
mod set;
mod setelem;
mod table;

#[cfg(test)]
mod kernel_tests;

pub use chain::{Chain, Hook};
pub use data::{Data, Verdict};
pub use dump::Dumped;
pub use expr::Expr;
pub use gen::Gen;
pub use obj::Obj;
pub use rule::Rule;
pub use set::{FieldLens, Set, SetDesc};
pub use setelem::{Elems, SetElem, SetElemList};
pub use table::Table;
pub use value::{Bytes, Names, OtherAttr, RawNest};
