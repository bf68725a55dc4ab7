// SPDX-License-Identifier: Apache-2.0
//! Stateful objects (NFT_MSG_NEWOBJ / GETOBJ / GETOBJ_RESET / DELOBJ); counters decoded.

use super::consts::*;
use super::expr::{Counter, Quota};
use super::udata::{self, Udata};
use super::value::{Bytes, RawNest};
use crate::attr::{AttrIter, Writer};
use crate::error::Error;
use crate::nla_struct;

nla_struct! {
    /// A named object. `data`'s layout depends on `obj_type`.
    pub struct Obj {
        family;
        table: String = NFTA_OBJ_TABLE,
        name: String = NFTA_OBJ_NAME,
        obj_type: u32 = NFTA_OBJ_TYPE,
        data: RawNest = NFTA_OBJ_DATA,
        use_count: u32 = NFTA_OBJ_USE,
        handle: u64 = NFTA_OBJ_HANDLE,
        userdata: Bytes = NFTA_OBJ_USERDATA,
    }
}

impl Obj {
    /// A counter object with the given values.
    pub fn counter(family: u8, table: &str, name: &str, c: &Counter) -> Self {
        let mut w = Writer::new();
        c.emit(&mut w);
        Obj {
            family,
            table: Some(table.to_string()),
            name: Some(name.to_string()),
            obj_type: Some(NFT_OBJECT_COUNTER),
            data: Some(RawNest(w.into_bytes())),
            ..Default::default()
        }
    }

    /// The counter values, for a counter object.
    pub fn as_counter(&self) -> Option<Result<Counter, Error>> {
        if self.obj_type != Some(NFT_OBJECT_COUNTER) {
            return None;
        }
        let data = self.data.as_ref().map(|d| d.0.as_slice()).unwrap_or(&[]);
        Some(Counter::parse_attrs(AttrIter::new(data)))
    }

    /// The quota values, for a quota object.
    pub fn as_quota(&self) -> Option<Result<Quota, Error>> {
        if self.obj_type != Some(NFT_OBJECT_QUOTA) {
            return None;
        }
        let data = self.data.as_ref().map(|d| d.0.as_slice()).unwrap_or(&[]);
        Some(Quota::parse_attrs(AttrIter::new(data)))
    }

    /// The comment stored in the userdata (NFTNL_UDATA_OBJ_COMMENT).
    pub fn comment(&self) -> Option<String> {
        udata::comment(self.userdata.as_ref()?, udata::NFTNL_UDATA_OBJ_COMMENT)
    }

    pub fn set_comment(&mut self, comment: &str) {
        let mut u = Udata::new();
        u.put_str(udata::NFTNL_UDATA_OBJ_COMMENT, comment);
        self.userdata = Some(Bytes(u.into_bytes()));
    }
}
