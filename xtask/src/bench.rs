// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask bench`.

use crate::flags;

pub fn run(_flags: flags::Bench) -> crate::Result {
    Err("bench: not written yet".into())
}
