// SPDX-License-Identifier: Apache-2.0
//! Standalone `conntrack` (the same code kroot's multicall runs).

fn main() {
    kcommon::sigpipe::restore_default();
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(a) = args.first_mut() {
        *a = "conntrack".into();
    }
    std::process::exit(conntrack_lite::main(args));
}
