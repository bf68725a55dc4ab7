// SPDX-License-Identifier: Apache-2.0
//! Tables (NFT_MSG_NEWTABLE / GETTABLE / DELTABLE / DESTROYTABLE).

use super::consts::*;
use super::udata::{self, Udata};
use super::value::Bytes;
use crate::nla_struct;

nla_struct! {
    /// A table: name, flags (dormant/owner), use count, handle, userdata comment.
    pub struct Table {
        family;
        name: String = NFTA_TABLE_NAME,
        flags: u32 = NFTA_TABLE_FLAGS,
        use_count: u32 = NFTA_TABLE_USE,
        handle: u64 = NFTA_TABLE_HANDLE,
        userdata: Bytes = NFTA_TABLE_USERDATA,
        owner: u32 = NFTA_TABLE_OWNER,
    }
}

impl Table {
    pub fn new(family: u8, name: &str) -> Self {
        Table {
            family,
            name: Some(crate::attr::own_str(name)),
            ..Default::default()
        }
    }

    /// The comment stored in the userdata (NFTNL_UDATA_TABLE_COMMENT).
    pub fn comment(&self) -> Option<String> {
        udata::comment(self.userdata.as_ref()?, udata::NFTNL_UDATA_TABLE_COMMENT)
    }

    pub fn set_comment(&mut self, comment: &str) {
        let mut u = Udata::new();
        u.put_str(udata::NFTNL_UDATA_TABLE_COMMENT, comment);
        self.userdata = Some(Bytes(u.into_bytes()));
    }
}
