// SPDX-License-Identifier: Apache-2.0
//! kroot's own command line: `kroot --list`, `kroot --install [-s] DIR`,
//! `kroot --version`, and `kroot APPLET ARGS…`.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use argh::FromArgs;

use crate::applets::{self, APPLETS};

/// Exit status for a name that is no applet (as busybox and shells use).
const NOT_FOUND: i32 = 127;

#[derive(FromArgs)]
/// kroot: nft, ip and conntrack in one static binary. Usage: kroot APPLET [ARGS…],
/// or call it through a link named after the applet.
struct Opts {
    /// list the applets, one a line
    #[argh(switch)]
    list: bool,
    /// create a link for every applet in DIR (hard links; symbolic with -s)
    #[argh(switch)]
    install: bool,
    /// with --install: make symbolic links
    #[argh(switch, short = 's')]
    symlinks: bool,
    /// print kroot's version
    #[argh(switch)]
    version: bool,
    /// the directory for --install
    #[argh(positional)]
    dir: Option<PathBuf>,
}

pub fn unknown_applet(name: &str) -> i32 {
    let _ = writeln!(std::io::stderr(), "{name}: applet not found");
    NOT_FOUND
}

pub fn main(mut args: Vec<OsString>) -> i32 {
    // `kroot APPLET ARGS…`: the first word that is not an option names the applet.
    if let Some(first) = args.get(1).and_then(|a| a.to_str()) {
        if !first.starts_with('-') {
            let first = first.to_string();
            return match applets::find(&first) {
                Some(applet) => {
                    args.remove(0);
                    (applet.main)(args)
                }
                None => unknown_applet(&first),
            };
        }
    }
    let words: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let opts = match Opts::from_args(&["kroot"], &words) {
        Ok(o) => o,
        Err(early) => {
            let ok = early.status.is_ok();
            let _ = if ok {
                writeln!(std::io::stdout(), "{}", early.output)
            } else {
                writeln!(std::io::stderr(), "{}", early.output)
            };
            return if ok { 0 } else { 1 };
        }
    };
    let mut out = std::io::stdout().lock();
    if opts.version {
        let _ = writeln!(out, "kroot {}", kcommon::KROOT_VERSION);
        return 0;
    }
    if opts.list {
        for a in APPLETS {
            let _ = writeln!(out, "{}", a.name);
        }
        return 0;
    }
    if opts.install {
        let Some(dir) = opts.dir else {
            let _ = writeln!(std::io::stderr(), "kroot: --install needs a directory");
            return 1;
        };
        return install(&dir, opts.symlinks);
    }
    let _ = writeln!(
        std::io::stderr(),
        "kroot: no applet given; try `kroot --list` or `kroot --help`"
    );
    1
}

/// busybox-style: one link per applet in `dir`, pointing at this executable.
fn install(dir: &Path, symbolic: bool) -> i32 {
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "kroot: cannot find my own executable: {}",
                kcommon::errno::io_error(&e)
            );
            return 1;
        }
    };
    let mut status = 0;
    for a in APPLETS {
        let link = dir.join(a.name);
        let made = if symbolic {
            std::os::unix::fs::symlink(&exe, &link)
        } else {
            std::fs::hard_link(&exe, &link)
        };
        if let Err(e) = made {
            let _ = writeln!(
                std::io::stderr(),
                "kroot: {}: {}",
                link.display(),
                kcommon::errno::io_error(&e)
            );
            status = 1;
        }
    }
    status
}
