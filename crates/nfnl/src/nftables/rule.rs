// SPDX-License-Identifier: Apache-2.0
//! Rules (NFT_MSG_NEWRULE / GETRULE / DELRULE / DESTROYRULE).

use std::fmt;

use super::consts::*;
use super::expr::Expr;
use super::udata::{self, Udata};
use super::value::Bytes;
use crate::nla_struct;

nla_struct! {
    /// A rule: where it lives, its expressions and its userdata comment.
    pub struct Rule {
        family;
        table: String = NFTA_RULE_TABLE,
        chain: String = NFTA_RULE_CHAIN,
        handle: u64 = NFTA_RULE_HANDLE,
        exprs: Vec<Expr> = NFTA_RULE_EXPRESSIONS,
        /// Insert/add relative to this rule handle.
        position: u64 = NFTA_RULE_POSITION,
        userdata: Bytes = NFTA_RULE_USERDATA,
        id: u32 = NFTA_RULE_ID,
        position_id: u32 = NFTA_RULE_POSITION_ID,
        chain_id: u32 = NFTA_RULE_CHAIN_ID,
    }
}

impl Rule {
    pub fn new(family: u8, table: &str, chain: &str) -> Self {
        Rule {
            family,
            table: Some(crate::attr::own_str(table)),
            chain: Some(crate::attr::own_str(chain)),
            ..Default::default()
        }
    }

    /// The expressions (empty when absent).
    pub fn expressions(&self) -> &[Expr] {
        self.exprs.as_deref().unwrap_or(&[])
    }

    /// The comment stored in the userdata (NFTNL_UDATA_RULE_COMMENT).
    pub fn comment(&self) -> Option<String> {
        udata::comment(self.userdata.as_ref()?, udata::NFTNL_UDATA_RULE_COMMENT)
    }

    pub fn set_comment(&mut self, comment: &str) {
        let mut u = Udata::new();
        u.put_str(udata::NFTNL_UDATA_RULE_COMMENT, comment);
        self.userdata = Some(Bytes(u.into_bytes()));
    }
}

/// `nft --debug=netlink` text of a rule: a header line
/// (`ip kube-proxy services 4 3`: family table chain [handle [position]])
/// then one `  [ … ]` line per expression and the userdata, if any.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fam = match self.family {
            1 => "inet",
            2 => "ip",
            3 => "arp",
            5 => "netdev",
            7 => "bridge",
            10 => "ip6",
            _ => "unknown",
        };
        write!(f, "{fam}")?;
        for s in [&self.table, &self.chain].into_iter().flatten() {
            write!(f, " {s}")?;
        }
        if let Some(h) = self.handle {
            write!(f, " {h}")?;
        }
        if let Some(p) = self.position {
            write!(f, " {p}")?;
        }
        writeln!(f)?;
        for e in self.expressions() {
            writeln!(f, "  {e}")?;
        }
        if let Some(u) = &self.userdata {
            writeln!(f, "  userdata = {{ {} }}", udata::Escaped(&u.0))?;
        }
        Ok(())
    }
}
