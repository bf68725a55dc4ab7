// SPDX-License-Identifier: Apache-2.0
//! kroot's own command line, busybox-style: `kroot APPLET ARGS…`,
//! `kroot --list`, `kroot --install [-s] DIR`, `kroot --version`, `kroot --help`.
//! No arguments at all prints the help, as `busybox` does.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::applets::{self, APPLETS};

/// Exit status for a name that is no applet (as busybox and shells use).
const NOT_FOUND: i32 = 127;
/// Exit status for a bad kroot command line.
const USAGE: i32 = 1;

pub fn unknown_applet(name: &str) -> i32 {
    let _ = writeln!(std::io::stderr(), "{name}: applet not found");
    NOT_FOUND
}

/// What `kroot …` asked for.
enum Request {
    Help,
    List,
    Version,
    Install { dir: OsString, symbolic: bool },
}

pub fn main(mut args: Vec<OsString>) -> i32 {
    let Some(first) = args.get(1) else {
        return help();
    };
    // `kroot APPLET ARGS…`: a first word that is not an option names the applet.
    if !first.as_encoded_bytes().starts_with(b"-") {
        let name = first.to_string_lossy().into_owned();
        return match applets::find(&name) {
            Some(applet) => {
                args.remove(0);
                args[0] = applet.name.into();
                (applet.main)(args)
            }
            None => unknown_applet(&name),
        };
    }
    match parse(&args[1..]) {
        Ok(Request::Help) => help(),
        Ok(Request::List) => {
            let mut out = std::io::stdout().lock();
            for a in APPLETS {
                let _ = writeln!(out, "{}", a.name);
            }
            0
        }
        Ok(Request::Version) => {
            let _ = writeln!(std::io::stdout(), "kroot {}", kcommon::KROOT_VERSION);
            0
        }
        Ok(Request::Install { dir, symbolic }) => install(Path::new(&dir), symbolic),
        Err(msg) => {
            let _ = writeln!(
                std::io::stderr(),
                "kroot: {msg}\nTry 'kroot --help' for more information."
            );
            USAGE
        }
    }
}

/// kroot's options (the first word starts with `-`).
fn parse(words: &[OsString]) -> Result<Request, String> {
    let word = |i: usize| words.get(i).map(|w| w.to_string_lossy().into_owned());
    let first = word(0).unwrap_or_default();
    let (request, used) = match first.as_str() {
        "--help" | "-h" => (Request::Help, 1),
        "--list" => (Request::List, 1),
        "--version" => (Request::Version, 1),
        "--install" => {
            let symbolic = word(1).as_deref() == Some("-s");
            let at = if symbolic { 2 } else { 1 };
            let Some(dir) = words.get(at) else {
                return Err("--install needs a directory: kroot --install [-s] DIR".into());
            };
            if dir.as_encoded_bytes().starts_with(b"-") {
                return Err(format!(
                    "unrecognized option '{}' after --install",
                    dir.to_string_lossy()
                ));
            }
            let dir = dir.clone();
            (Request::Install { dir, symbolic }, at + 1)
        }
        other => return Err(format!("unrecognized option '{other}'")),
    };
    match word(used) {
        Some(extra) => Err(format!("unexpected argument '{extra}' after {first}")),
        None => Ok(request),
    }
}

fn help() -> i32 {
    let names: Vec<&str> = APPLETS.iter().map(|a| a.name).collect();
    let text = format!(
        "kroot {version}: nft, ip and conntrack in one static binary.\n\
         \n\
         Usage: kroot APPLET [ARGS]...\n   \
         or: kroot --list\n   \
         or: kroot --install [-s] DIR\n   \
         or: kroot --version\n   \
         or: APPLET [ARGS]...\n\
         \n\
         \tkroot acts as the applet it is called as: make a link named after\n\
         \tthe applet (kroot --install does it) or name the applet first.\n\
         \t--install makes hard links in DIR, symbolic ones with -s; a name\n\
         \tthat already is this executable is left as it is.\n\
         \n\
         Applets: {names}\n",
        version = kcommon::KROOT_VERSION,
        names = names.join(", "),
    );
    let _ = std::io::stdout().write_all(text.as_bytes());
    0
}

/// busybox-style: one link per applet in `dir`, pointing at this executable
/// (hard links; symbolic with `-s`, to the executable's absolute path).
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
        let Err(e) = made else { continue };
        if e.kind() == std::io::ErrorKind::AlreadyExists && same_file(&link, &exe) {
            continue; // already installed: running --install twice is fine
        }
        let _ = writeln!(
            std::io::stderr(),
            "kroot: {}: {}",
            link.display(),
            kcommon::errno::io_error(&e)
        );
        status = 1;
    }
    status
}

/// Does `path` (following links) lead to the same file as `exe`?
fn same_file(path: &Path, exe: &Path) -> bool {
    match (std::fs::metadata(path), std::fs::metadata(exe)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}
