// SPDX-License-Identifier: Apache-2.0
//! Standalone `ip` (the same code kroot links in), used by the crate's
//! integration tests.

fn main() {
    kcommon::sigpipe::restore_default();
    let code = ip::main(std::env::args_os().collect());
    std::process::exit(code);
}
