// SPDX-License-Identifier: Apache-2.0
//! Small helpers shared by kroot's applets (the uucore of kroot).
//!
//! Invariant: nothing here knows about netlink or any applet's grammar.

pub mod bytes;
pub mod errno;
pub mod fxhash;
pub mod sigpipe;

/// kroot's own version, shown in the parentheses of each applet's version string.
pub const KROOT_VERSION: &str = env!("CARGO_PKG_VERSION");
