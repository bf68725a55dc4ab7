// SPDX-License-Identifier: Apache-2.0
//! The kroot binary as callers meet it: dispatch by argv[0] and by first
//! argument, kroot's own options, `--install`, and closed pipes. Each test runs
//! the built binary (CARGO_BIN_EXE_kroot) and checks stdout, stderr and status.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const KROOT: &str = env!("CARGO_BIN_EXE_kroot");
const VERSION: &str = env!("CARGO_PKG_VERSION");
const SIGPIPE: i32 = 13;

fn kroot(args: &[&str]) -> Output {
    as_name("kroot", args)
}

/// Run kroot with `name` as argv[0], as a link of that name would.
fn as_name(name: &str, args: &[&str]) -> Output {
    Command::new(KROOT)
        .arg0(name)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run kroot")
}

#[track_caller]
fn assert_out(out: &Output, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).as_ref(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (Some(code), stdout, stderr)
    );
}

fn version_lines() -> [(&'static str, &'static str, String); 3] {
    [
        (
            "nft",
            "--version",
            format!("nftables v1.1.4 (kroot {VERSION})\n"),
        ),
        (
            "ip",
            "-V",
            format!("ip utility, iproute2-6.1.0 (kroot {VERSION})\n"),
        ),
        (
            "conntrack",
            "--version",
            format!("conntrack v1.4.7 (kroot {VERSION})\n"),
        ),
    ]
}

/// A fresh directory inside the target dir (same filesystem as the binary,
/// so hard links work).
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("kroot-cli-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

#[test]
fn list_prints_the_applets_one_a_line() {
    assert_out(&kroot(&["--list"]), 0, "conntrack\nip\nnft\n", "");
}

#[test]
fn version_prints_kroots_version() {
    assert_out(&kroot(&["--version"]), 0, &format!("kroot {VERSION}\n"), "");
}

#[test]
fn help_and_no_arguments_print_usage_on_stdout() {
    let help = kroot(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(help.stderr.is_empty());
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.starts_with(&format!("kroot {VERSION}: ")),
        "help starts with the version: {text}"
    );
    for line in [
        "Usage: kroot APPLET [ARGS]...",
        "   or: kroot --list",
        "   or: kroot --install [-s] DIR",
        "   or: kroot --version",
        "Applets: conntrack, ip, nft",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "help lacks {line:?}: {text}"
        );
    }
    assert_eq!(kroot(&["-h"]).stdout, help.stdout);
    let bare = kroot(&[]);
    assert_eq!((bare.status.code(), &bare.stdout), (Some(0), &help.stdout));
}

#[test]
fn first_argument_names_the_applet() {
    for (applet, flag, line) in version_lines() {
        assert_out(&kroot(&[applet, flag]), 0, &line, "");
    }
}

#[test]
fn argv0_names_the_applet() {
    for (applet, flag, line) in version_lines() {
        assert_out(&as_name(applet, &[flag]), 0, &line, "");
        // a path in argv[0]: only the basename counts
        let path = format!("/opt/k3s/data/bin/{applet}");
        assert_out(&as_name(&path, &[flag]), 0, &line, "");
    }
}

#[test]
fn a_renamed_kroot_is_still_the_dispatcher() {
    assert_out(
        &as_name("kroot-amd64", &["--list"]),
        0,
        "conntrack\nip\nnft\n",
        "",
    );
}

#[test]
fn unknown_applets_exit_127() {
    assert_out(
        &kroot(&["iptables", "-L"]),
        127,
        "",
        "iptables: applet not found\n",
    );
    assert_out(
        &as_name("iptables", &["-L"]),
        127,
        "",
        "iptables: applet not found\n",
    );
    // no suffix matching: "xip" is not "ip"
    assert_out(&as_name("xip", &["-V"]), 127, "", "xip: applet not found\n");
}

#[test]
fn non_utf8_arguments_do_not_panic() {
    let out = Command::new(KROOT)
        .arg(OsStr::from_bytes(b"\xffip"))
        .output()
        .expect("run kroot");
    assert_out(&out, 127, "", "\u{fffd}ip: applet not found\n");
    let out = Command::new(KROOT)
        .arg(OsStr::from_bytes(b"--\xff"))
        .output()
        .expect("run kroot");
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn bad_options_are_usage_errors() {
    let try_help = "Try 'kroot --help' for more information.\n";
    assert_out(
        &kroot(&["--bogus"]),
        1,
        "",
        &format!("kroot: Unrecognized argument: --bogus\n{try_help}"),
    );
    assert_out(
        &kroot(&["--install"]),
        1,
        "",
        &format!("kroot: --install needs a directory: kroot --install [-s] DIR\n{try_help}"),
    );
    assert_out(
        &kroot(&["--install", "-s"]),
        1,
        "",
        &format!("kroot: --install needs a directory: kroot --install [-s] DIR\n{try_help}"),
    );
    assert_out(
        &kroot(&["--list", "extra"]),
        1,
        "",
        &format!("kroot: unexpected argument 'extra' after --list\n{try_help}"),
    );
    assert_out(
        &kroot(&["--install", "-x", "/tmp"]),
        1,
        "",
        &format!("kroot: Unrecognized argument: -x\n{try_help}"),
    );
    assert_out(
        &kroot(&["-s", "--list"]),
        1,
        "",
        &format!("kroot: -s goes with --install\n{try_help}"),
    );
    assert_out(
        &kroot(&["--list", "--version"]),
        1,
        "",
        &format!("kroot: give one of --list, --install, --version, --help\n{try_help}"),
    );
}

#[test]
fn install_makes_hard_links_that_dispatch() {
    let dir = scratch("hard");
    assert_out(
        &kroot(&["--install", dir.to_str().expect("utf-8")]),
        0,
        "",
        "",
    );
    let exe = fs::metadata(KROOT).expect("stat kroot");
    for (applet, flag, line) in version_lines() {
        let link = dir.join(applet);
        let meta = fs::symlink_metadata(&link).expect("link exists");
        assert!(
            meta.file_type().is_file(),
            "{} is a hard link",
            link.display()
        );
        assert_eq!((meta.dev(), meta.ino()), (exe.dev(), exe.ino()));
        let out = Command::new(&link).arg(flag).output().expect("run link");
        assert_out(&out, 0, &line, "");
    }
    assert_eq!(fs::read_dir(&dir).expect("read dir").count(), 3);
}

#[test]
fn install_s_makes_symlinks_to_the_executable() {
    let dir = scratch("soft");
    assert_out(
        &kroot(&["--install", "-s", dir.to_str().expect("utf-8")]),
        0,
        "",
        "",
    );
    let exe = fs::canonicalize(KROOT).expect("canonical kroot");
    for (applet, flag, line) in version_lines() {
        let link = dir.join(applet);
        assert_eq!(fs::read_link(&link).expect("a symlink"), exe);
        let out = Command::new(&link).arg(flag).output().expect("run link");
        assert_out(&out, 0, &line, "");
    }
    // again: the links already are kroot, so nothing to do and no error
    assert_out(
        &kroot(&["--install", "-s", dir.to_str().expect("utf-8")]),
        0,
        "",
        "",
    );
    assert_out(
        &kroot(&["--install", dir.to_str().expect("utf-8")]),
        0,
        "",
        "",
    );
}

#[test]
fn install_reports_each_link_it_cannot_make() {
    let dir = scratch("clash");
    fs::write(dir.join("ip"), "not kroot").expect("write ip");
    let d = dir.to_str().expect("utf-8");
    let out = kroot(&["--install", "-s", d]);
    assert_out(&out, 1, "", &format!("kroot: {d}/ip: File exists\n"));
    assert_eq!(fs::read(dir.join("ip")).expect("read ip"), b"not kroot");
    assert!(
        fs::read_link(dir.join("nft")).is_ok(),
        "the other links are made"
    );

    let missing = dir.join("missing");
    let m = missing.to_str().expect("utf-8");
    let want: String = ["conntrack", "ip", "nft"]
        .iter()
        .map(|a| format!("kroot: {m}/{a}: No such file or directory\n"))
        .collect();
    assert_out(&kroot(&["--install", m]), 1, "", &want);
}

/// `kroot --list | head -0`: the reader is gone before the first write. The C
/// tools die of SIGPIPE without a word; so must we (no panic, no message).
#[test]
fn closed_stdout_ends_quietly_by_sigpipe() {
    let calls: [(&str, &[&str]); 7] = [
        ("kroot", &["--list"]),
        ("kroot", &["--version"]),
        ("kroot", &["--help"]),
        ("kroot", &[]),
        ("nft", &["--version"]),
        ("ip", &["-V"]),
        ("conntrack", &["--version"]),
    ];
    for (name, args) in calls {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = Command::new(KROOT)
            .arg0(name)
            .args(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("run kroot");
        let what = format!("{name} {args:?} | head -0");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{what}: stderr");
        assert_eq!(out.status.signal(), Some(SIGPIPE), "{what}: {}", out.status);
    }
}

#[test]
fn closed_stderr_ends_quietly_by_sigpipe() {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(KROOT)
        .arg("nosuch")
        .stdout(Stdio::piped())
        .stderr(writer)
        .output()
        .expect("run kroot");
    assert!(out.stdout.is_empty());
    assert_eq!(out.status.signal(), Some(SIGPIPE), "{}", out.status);
}
