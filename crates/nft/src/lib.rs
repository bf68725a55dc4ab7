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
pub mod syntax;

use std::ffi::OsString;
use std::io::Write;

/// The version line, as the real tool prints it, with kroot in the parentheses.
pub fn version_line() -> String {
    format!("nftables v1.1.4 (kroot {})", kcommon::KROOT_VERSION)
}

/// Run the applet. `args[0]` is the name it was called by.
pub fn main(args: Vec<OsString>) -> i32 {
    let rest: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    if rest.len() == 1 && matches!(rest[0], "--version" | "-v") {
        let _ = writeln!(std::io::stdout(), "{}", version_line());
        return 0;
    }
    let _ = writeln!(
        std::io::stderr(),
        "nft: not implemented yet in kroot {}",
        kcommon::KROOT_VERSION
    );
    1
}
