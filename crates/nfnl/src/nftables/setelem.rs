// SPDX-License-Identifier: Apache-2.0
//! Set elements (NFT_MSG_NEWSETELEM / GETSETELEM / DELSETELEM / DESTROYSETELEM):
//! a message names the table and set and nests a list of elements.

use super::consts::*;
use super::data::Data;
use super::expr::Expr;
use super::udata;
use super::value::{AttrValue, Bytes};
use crate::attr::{Attr, Writer};
use crate::error::Error;
use crate::nla_struct;

nla_struct! {
    /// One element: key (and key_end for intervals), data or verdict, timeouts.
    pub struct SetElem {
        key: Data = NFTA_SET_ELEM_KEY,
        data: Data = NFTA_SET_ELEM_DATA,
        flags: u32 = NFTA_SET_ELEM_FLAGS,
        /// Milliseconds.
        timeout: u64 = NFTA_SET_ELEM_TIMEOUT,
        /// Milliseconds left.
        expiration: u64 = NFTA_SET_ELEM_EXPIRATION,
        userdata: Bytes = NFTA_SET_ELEM_USERDATA,
        expr: Box<Expr> = NFTA_SET_ELEM_EXPR,
        objref: String = NFTA_SET_ELEM_OBJREF,
        key_end: Data = NFTA_SET_ELEM_KEY_END,
        exprs: Vec<Expr> = NFTA_SET_ELEM_EXPRESSIONS,
    }
}

impl SetElem {
    pub fn with_key(key: Vec<u8>) -> Self {
        SetElem {
            key: Some(Data::Value(key)),
            ..Default::default()
        }
    }

    /// The key bytes (empty when absent or not a value).
    pub fn key_bytes(&self) -> &[u8] {
        self.key.as_ref().and_then(Data::value).unwrap_or(&[])
    }

    pub fn is_interval_end(&self) -> bool {
        self.flags.unwrap_or(0) & NFT_SET_ELEM_INTERVAL_END != 0
    }

    /// The element comment (NFTNL_UDATA_SET_ELEM_COMMENT).
    pub fn comment(&self) -> Option<String> {
        udata::comment(self.userdata.as_ref()?, udata::NFTNL_UDATA_SET_ELEM_COMMENT)
    }

    pub fn set_comment(&mut self, comment: &str) {
        let mut u = udata::Udata::new();
        u.put_str(udata::NFTNL_UDATA_SET_ELEM_COMMENT, comment);
        self.userdata = Some(Bytes(u.into_bytes()));
    }
}

/// NFTA_SET_ELEM_LIST_ELEMENTS: a list of elements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Elems(pub Vec<SetElem>);

impl AttrValue for Elems {
    fn put(&self, w: &mut Writer, kind: u16) {
        let n = w.nest_start(kind);
        for e in &self.0 {
            e.put(w, NFTA_LIST_ELEM);
        }
        w.nest_end(n);
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        let mut out = Vec::new();
        for el in a.nested() {
            let el = el?;
            if el.kind == NFTA_LIST_ELEM {
                out.push(SetElem::get(&el)?);
            }
        }
        Ok(Elems(out))
    }
}

nla_struct! {
    /// A set-element message: which set, and its elements.
    pub struct SetElemList {
        family;
        table: String = NFTA_SET_ELEM_LIST_TABLE,
        set: String = NFTA_SET_ELEM_LIST_SET,
        elements: Elems = NFTA_SET_ELEM_LIST_ELEMENTS,
        set_id: u32 = NFTA_SET_ELEM_LIST_SET_ID,
    }
}

impl SetElemList {
    pub fn new(family: u8, table: &str, set: &str) -> Self {
        SetElemList {
            family,
            table: Some(crate::attr::own_str(table)),
            set: Some(crate::attr::own_str(set)),
            ..Default::default()
        }
    }

    /// The elements (empty when absent).
    pub fn elems(&self) -> &[SetElem] {
        self.elements
            .as_ref()
            .map(|e| e.0.as_slice())
            .unwrap_or(&[])
    }
}
