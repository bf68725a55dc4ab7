// SPDX-License-Identifier: Apache-2.0
//! kroot's own command line, busybox-style: `kroot APPLET ARGS…`,
//! `kroot --list`, `kroot --install [-s] DIR`, `kroot --version`, `kroot --help`
//! (options read by argh, as the project decided; the help text is our own).
//! No arguments at all prints the help, as `busybox` does.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use argh::FromArgs;

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
    let first = args[1].to_string_lossy();
    if first == "--help" || first == "-h" {
        return help();
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

/// kroot's options, read by argh (the first word starts with `-`).
#[derive(FromArgs)]
/// kroot: nft, ip and conntrack in one static binary.
struct Opts {
    /// list the applets, one a line
    #[argh(switch)]
    list: bool,
    /// print kroot's version
    #[argh(switch)]
    version: bool,
    /// make a link for every applet in DIR (hard links; symbolic with -s)
    #[argh(switch)]
    install: bool,
    /// with --install: make symbolic links
    #[argh(switch, short = 's')]
    symbolic: bool,
    /// with --install: the directory
    #[argh(positional)]
    dir: Option<String>,
}

fn parse(words: &[OsString]) -> Result<Request, String> {
    let words: Vec<String> = words
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let strs: Vec<&str> = words.iter().map(String::as_str).collect();
    let opts = match Opts::from_args(&["kroot"], &strs) {
        Ok(o) => o,
        // argh's own --help (anywhere on the line): ours is more useful.
        Err(early) if early.status.is_ok() => return Ok(Request::Help),
        Err(early) => return Err(early.output.trim_end().to_string()),
    };
    let first = words.first().cloned().unwrap_or_default();
    match (opts.list, opts.version, opts.install) {
        (true, false, false) | (false, true, false) => {
            if let Some(extra) = opts.dir {
                return Err(format!("unexpected argument '{extra}' after {first}"));
            }
            if opts.symbolic {
                return Err("-s goes with --install".into());
            }
            Ok(if opts.list {
                Request::List
            } else {
                Request::Version
            })
        }
        (false, false, true) => match opts.dir {
            Some(dir) => Ok(Request::Install {
                dir: dir.into(),
                symbolic: opts.symbolic,
            }),
            None => Err("--install needs a directory: kroot --install [-s] DIR".into()),
        },
        _ => Err("give one of --list, --install, --version, --help".into()),
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
