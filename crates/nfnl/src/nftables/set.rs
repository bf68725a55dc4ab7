// SPDX-License-Identifier: Apache-2.0
//! Sets and maps (NFT_MSG_NEWSET / GETSET / DELSET / DESTROYSET).

use super::consts::*;
use super::expr::Expr;
use super::udata::{self, Udata};
use super::value::{AttrValue, Bytes};
use crate::attr::{Attr, Writer};
use crate::error::Error;
use crate::nla_struct;

/// NFTA_SET_DESC_CONCAT: the byte length of each field of a concatenated key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldLens(pub Vec<u32>);

impl AttrValue for FieldLens {
    fn put(&self, w: &mut Writer, kind: u16) {
        let n = w.nest_start(kind);
        for len in &self.0 {
            let el = w.nest_start(NFTA_LIST_ELEM);
            w.put_be32(NFTA_SET_FIELD_LEN, *len);
            w.nest_end(el);
        }
        w.nest_end(n);
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        let mut out = Vec::new();
        for el in a.nested() {
            for f in el?.nested() {
                let f = f?;
                if f.kind == NFTA_SET_FIELD_LEN {
                    out.push(f.be32()?);
                }
            }
        }
        Ok(FieldLens(out))
    }
}

nla_struct! {
    /// NFTA_SET_DESC: size hint and concatenation field lengths.
    pub struct SetDesc {
        size: u32 = NFTA_SET_DESC_SIZE,
        concat: FieldLens = NFTA_SET_DESC_CONCAT,
    }
}

nla_struct! {
    /// A set or map (NFT_SET_MAP in flags). Key/data types are nft's datatype
    /// ids (concatenations packed 6 bits per field).
    pub struct Set {
        family;
        table: String = NFTA_SET_TABLE,
        name: String = NFTA_SET_NAME,
        flags: u32 = NFTA_SET_FLAGS,
        key_type: u32 = NFTA_SET_KEY_TYPE,
        key_len: u32 = NFTA_SET_KEY_LEN,
        data_type: u32 = NFTA_SET_DATA_TYPE,
        data_len: u32 = NFTA_SET_DATA_LEN,
        policy: u32 = NFTA_SET_POLICY,
        desc: SetDesc = NFTA_SET_DESC,
        id: u32 = NFTA_SET_ID,
        /// Milliseconds.
        timeout: u64 = NFTA_SET_TIMEOUT,
        /// Milliseconds.
        gc_interval: u32 = NFTA_SET_GC_INTERVAL,
        userdata: Bytes = NFTA_SET_USERDATA,
        obj_type: u32 = NFTA_SET_OBJ_TYPE,
        handle: u64 = NFTA_SET_HANDLE,
        expr: Box<Expr> = NFTA_SET_EXPR,
        exprs: Vec<Expr> = NFTA_SET_EXPRESSIONS,
    }
}

impl Set {
    pub fn new(family: u8, table: &str, name: &str) -> Self {
        Set {
            family,
            table: Some(crate::attr::own_str(table)),
            name: Some(crate::attr::own_str(name)),
            ..Default::default()
        }
    }

    pub fn flag(&self, f: u32) -> bool {
        self.flags.unwrap_or(0) & f != 0
    }

    fn udata_bytes(&self) -> &[u8] {
        self.userdata
            .as_ref()
            .map(|b| b.0.as_slice())
            .unwrap_or(&[])
    }

    /// The comment (NFTNL_UDATA_SET_COMMENT).
    pub fn comment(&self) -> Option<String> {
        udata::find(self.udata_bytes(), udata::NFTNL_UDATA_SET_COMMENT).map(udata::string)
    }

    /// Key byte order nft recorded (1 = host, 2 = big endian).
    pub fn key_byteorder(&self) -> Option<u32> {
        udata::find(self.udata_bytes(), udata::NFTNL_UDATA_SET_KEYBYTEORDER).and_then(udata::u32_of)
    }

    /// Data byte order nft recorded (maps).
    pub fn data_byteorder(&self) -> Option<u32> {
        udata::find(self.udata_bytes(), udata::NFTNL_UDATA_SET_DATABYTEORDER)
            .and_then(udata::u32_of)
    }

    /// The raw `typeof` description of the key, when the set was declared with typeof.
    pub fn key_typeof(&self) -> Option<&[u8]> {
        udata::find(self.udata_bytes(), udata::NFTNL_UDATA_SET_KEY_TYPEOF)
    }

    /// The raw `typeof` description of the data, when declared with typeof.
    pub fn data_typeof(&self) -> Option<&[u8]> {
        udata::find(self.udata_bytes(), udata::NFTNL_UDATA_SET_DATA_TYPEOF)
    }

    /// Build the userdata blob nft writes: byte orders, merge flag, comment.
    pub fn build_userdata(
        key_byteorder: Option<u32>,
        data_byteorder: Option<u32>,
        merge: bool,
        comment: Option<&str>,
    ) -> Bytes {
        let mut u = Udata::new();
        if let Some(b) = key_byteorder {
            u.put_u32(udata::NFTNL_UDATA_SET_KEYBYTEORDER, b);
        }
        if let Some(b) = data_byteorder {
            u.put_u32(udata::NFTNL_UDATA_SET_DATABYTEORDER, b);
        }
        if merge {
            u.put_u32(udata::NFTNL_UDATA_SET_MERGE_ELEMENTS, 1);
        }
        if let Some(c) = comment {
            u.put_str(udata::NFTNL_UDATA_SET_COMMENT, c);
        }
        Bytes(u.into_bytes())
    }
}
