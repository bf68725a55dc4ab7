// SPDX-License-Identifier: Apache-2.0
//! The `conntrack` applet. Entry point: [`main`] (argv in, exit status out).

use std::ffi::OsString;
use std::io::Write;

/// The version line, as the real tool prints it, with kroot in the parentheses.
pub fn version_line() -> String {
    format!("conntrack v1.4.7 (kroot {})", kcommon::KROOT_VERSION)
}

/// Run the applet. `args[0]` is the name it was called by.
pub fn main(args: Vec<OsString>) -> i32 {
    let rest: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    if rest.len() == 1 && matches!(rest[0], "--version" | "-V") {
        let _ = writeln!(std::io::stdout(), "{}", version_line());
        return 0;
    }
    let _ = writeln!(
        std::io::stderr(),
        "conntrack: not implemented yet in kroot {}",
        kcommon::KROOT_VERSION
    );
    1
}
