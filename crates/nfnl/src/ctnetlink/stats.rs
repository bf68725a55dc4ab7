// SPDX-License-Identifier: Apache-2.0
//! Statistics replies: per-CPU counters (IPCTNL_MSG_CT_GET_STATS_CPU,
//! IPCTNL_MSG_EXP_GET_STATS_CPU) and the global entry count
//! (IPCTNL_MSG_CT_GET_STATS).

use super::attribute::CTA_STATS_GLOBAL_ENTRIES;
use crate::error::Error;
use crate::msg::Msg;

/// One CPU's counters: the CPU number (nfgenmsg.res_id) and every u32
/// attribute as (attribute type, value), in the order received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CpuStats {
    pub cpu: u16,
    pub counters: Vec<(u16, u32)>,
}

impl CpuStats {
    pub fn from_msg(m: &Msg<'_>) -> Result<Self, Error> {
        let mut s = CpuStats {
            cpu: m.res_id(),
            counters: Vec::new(),
        };
        for a in m.attrs() {
            let a = a?;
            if let Ok(v) = a.be32() {
                s.counters.push((a.kind, v));
            }
        }
        Ok(s)
    }

    /// The counter of attribute type `kind`.
    pub fn get(&self, kind: u16) -> Option<u32> {
        self.counters
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| *v)
    }
}

/// The number of entries in the table, from a GET_STATS reply.
pub fn global_entries(m: &Msg<'_>) -> Result<Option<u32>, Error> {
    for a in m.attrs() {
        let a = a?;
        if a.kind == CTA_STATS_GLOBAL_ENTRIES {
            return Ok(Some(a.be32()?));
        }
    }
    Ok(None)
}
