// SPDX-License-Identifier: Apache-2.0
//! Expectations (NFNL_SUBSYS_CTNETLINK_EXP): what `conntrack -L expect` lists.

use super::attribute::*;
use super::tuple::{RawAttr, Tuple};
use crate::attr::Writer;
use crate::error::Error;
use crate::msg::Msg;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expect {
    pub family: u8,
    pub master: Option<Tuple>,
    pub tuple: Option<Tuple>,
    pub mask: Option<Tuple>,
    pub timeout: Option<u32>,
    pub id: Option<u32>,
    pub helper: Option<String>,
    pub zone: Option<u16>,
    pub flags: Option<u32>,
    pub class: Option<u32>,
    pub other: Vec<RawAttr>,
}

impl Expect {
    pub fn from_msg(m: &Msg<'_>) -> Result<Self, Error> {
        let mut e = Expect {
            family: m.family(),
            ..Expect::default()
        };
        for a in m.attrs() {
            let a = a?;
            match a.kind {
                CTA_EXPECT_MASTER => e.master = Some(Tuple::parse(a.value)?),
                CTA_EXPECT_TUPLE => e.tuple = Some(Tuple::parse(a.value)?),
                CTA_EXPECT_MASK => e.mask = Some(Tuple::parse(a.value)?),
                CTA_EXPECT_TIMEOUT => e.timeout = Some(a.be32()?),
                CTA_EXPECT_ID => e.id = Some(a.be32()?),
                CTA_EXPECT_HELP_NAME => e.helper = Some(a.str()?.to_string()),
                CTA_EXPECT_ZONE => e.zone = Some(a.be16()?),
                CTA_EXPECT_FLAGS => e.flags = Some(a.be32()?),
                CTA_EXPECT_CLASS => e.class = Some(a.be32()?),
                _ => e.other.push(RawAttr {
                    kind: a.kind,
                    nested: a.nested,
                    value: a.value.to_vec(),
                }),
            }
        }
        Ok(e)
    }

    /// Emit the fields a GET or DELETE names an expectation by.
    pub fn emit(&self, w: &mut Writer) {
        if let Some(t) = &self.master {
            t.emit(w, CTA_EXPECT_MASTER);
        }
        if let Some(t) = &self.tuple {
            t.emit(w, CTA_EXPECT_TUPLE);
        }
        if let Some(t) = &self.mask {
            t.emit(w, CTA_EXPECT_MASK);
        }
        if let Some(v) = self.timeout {
            w.put_be32(CTA_EXPECT_TIMEOUT, v);
        }
        if let Some(v) = self.id {
            w.put_be32(CTA_EXPECT_ID, v);
        }
        if let Some(v) = self.zone {
            w.put_be16(CTA_EXPECT_ZONE, v);
        }
        for o in &self.other {
            o.emit(w);
        }
    }
}
