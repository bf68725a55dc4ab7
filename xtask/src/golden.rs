// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask golden`.

use crate::flags;

pub fn run(_flags: flags::Golden) -> crate::Result {
    Err("golden: not written yet".into())
}
