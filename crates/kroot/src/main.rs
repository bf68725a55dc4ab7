// SPDX-License-Identifier: Apache-2.0
//! kroot: the multicall binary. It only dispatches: basename(argv[0]) names the
//! applet (`ip`, `nft`, `conntrack`), or `kroot APPLET ARGS…` does. kroot's own
//! options (`--list`, `--install`, `--version`, `--help`) live in `own.rs` and
//! nowhere else.

mod applets;
mod own;

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    kcommon::sigpipe::restore_default();
    let args: Vec<OsString> = std::env::args_os().collect();
    ExitCode::from(run(args) as u8)
}

/// Dispatch on argv[0]; the applet receives its own name as argv[0].
fn run(mut args: Vec<OsString>) -> i32 {
    let name = args.first().map(basename).unwrap_or_else(|| "kroot".into());
    if let Some(applet) = applets::find(&name) {
        args[0] = applet.name.into();
        return (applet.main)(args);
    }
    // Any name starting with "kroot" is the dispatcher itself (as busybox does
    // for "busybox*"), so a renamed download like `kroot-amd64` still works.
    if !name.starts_with("kroot") {
        return own::unknown_applet(&name);
    }
    own::main(args)
}

fn basename(arg: &OsString) -> String {
    Path::new(arg)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
