// SPDX-License-Identifier: Apache-2.0
//! The `nft` applet. Entry point: [`main`] (argv in, exit status out).

// Input path: cli → syntax → eval → linearize → batch → kernel.
// Output path: kernel → cache → delinearize → print.
pub mod ast;
pub mod batch;
pub mod cache;
pub mod cli;
pub mod delinearize;
pub mod erec;
pub mod eval;
pub mod linearize;
pub mod print;
pub mod run;
pub mod syntax;

use std::ffi::OsString;

/// The version line, as the real tool prints it, with kroot in the parentheses.
pub fn version_line() -> String {
    format!("nftables v1.1.4 (kroot {})", kcommon::KROOT_VERSION)
}

/// Run the applet. `args[0]` is the name it was called by.
pub fn main(args: Vec<OsString>) -> i32 {
    cli::main(args)
}
