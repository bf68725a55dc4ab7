// SPDX-License-Identifier: Apache-2.0
//! Chains (NFT_MSG_NEWCHAIN / GETCHAIN / DELCHAIN / DESTROYCHAIN) and their hook.

use super::consts::*;
use super::expr::Counter;
use super::udata::{self, Udata};
use super::value::{Bytes, Names};
use crate::nla_struct;

nla_struct! {
    /// NFTA_CHAIN_HOOK: hook number, priority, device(s).
    pub struct Hook {
        hooknum: u32 = NFTA_HOOK_HOOKNUM,
        priority: i32 = NFTA_HOOK_PRIORITY,
        dev: String = NFTA_HOOK_DEV,
        devs: Names = NFTA_HOOK_DEVS,
    }
}

nla_struct! {
    /// A chain; base chains have a hook, a type and a policy.
    pub struct Chain {
        family;
        table: String = NFTA_CHAIN_TABLE,
        handle: u64 = NFTA_CHAIN_HANDLE,
        name: String = NFTA_CHAIN_NAME,
        hook: Hook = NFTA_CHAIN_HOOK,
        /// NF_ACCEPT (1) or NF_DROP (0).
        policy: u32 = NFTA_CHAIN_POLICY,
        use_count: u32 = NFTA_CHAIN_USE,
        chain_type: String = NFTA_CHAIN_TYPE,
        counters: Counter = NFTA_CHAIN_COUNTERS,
        flags: u32 = NFTA_CHAIN_FLAGS,
        id: u32 = NFTA_CHAIN_ID,
        userdata: Bytes = NFTA_CHAIN_USERDATA,
    }
}

impl Chain {
    pub fn new(family: u8, table: &str, name: &str) -> Self {
        Chain {
            family,
            table: Some(crate::attr::own_str(table)),
            name: Some(crate::attr::own_str(name)),
            ..Default::default()
        }
    }

    /// A base chain has a hook.
    pub fn is_base(&self) -> bool {
        self.hook.is_some()
    }

    /// The comment stored in the userdata (NFTNL_UDATA_CHAIN_COMMENT).
    pub fn comment(&self) -> Option<String> {
        udata::comment(self.userdata.as_ref()?, udata::NFTNL_UDATA_CHAIN_COMMENT)
    }

    pub fn set_comment(&mut self, comment: &str) {
        let mut u = Udata::new();
        u.put_str(udata::NFTNL_UDATA_CHAIN_COMMENT, comment);
        self.userdata = Some(Bytes(u.into_bytes()));
    }
}
