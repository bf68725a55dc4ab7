// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask conformance`.

use crate::flags;

pub fn run(_flags: flags::Conformance) -> crate::Result {
    Err("conformance: not written yet".into())
}
