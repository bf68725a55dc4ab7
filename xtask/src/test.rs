// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask test`.

use crate::flags;

pub fn run(_flags: flags::Test) -> crate::Result {
    Err("test: not written yet".into())
}
