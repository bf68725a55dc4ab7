// SPDX-License-Identifier: Apache-2.0
//! The ruleset generation id (NFT_MSG_GETGEN / NEWGEN).

use super::consts::*;
use crate::nla_struct;

nla_struct! {
    /// Generation id (bumped by every committed batch) and the last writer.
    pub struct Gen {
        family;
        id: u32 = NFTA_GEN_ID,
        proc_pid: u32 = NFTA_GEN_PROC_PID,
        proc_name: String = NFTA_GEN_PROC_NAME,
    }
}
