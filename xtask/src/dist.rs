// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask dist`.

use crate::flags;

pub fn run(_flags: flags::Dist) -> crate::Result {
    Err("dist: not written yet".into())
}
