// SPDX-License-Identifier: Apache-2.0
//! The tarball checks of `cargo xtask test`, one function per check, each
//! an assertion with a message that says what was expected and what was found.
//! What the layout must be is written out here, not taken from dist.rs.
//!
//! Foreign binaries run under qemu-user (`qemu-aarch64-static`,
//! `qemu-arm-static`), which passes the path it was given as argv[0], so the
//! applet links dispatch exactly as they do on a real node.

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::elf;

/// How to run one arch's binaries here.
pub struct Target {
    pub arch: &'static str,
    pub elf: &'static elf::Want,
    /// qemu-user emulator, or None to run natively.
    pub runner: Option<&'static str>,
}

pub const TARGETS: &[Target] = &[
    Target {
        arch: "amd64",
        elf: &elf::AMD64,
        runner: None,
    },
    Target {
        arch: "arm64",
        elf: &elf::ARM64,
        runner: Some("qemu-aarch64-static"),
    },
    Target {
        arch: "arm",
        elf: &elf::ARM,
        runner: Some("qemu-arm-static"),
    },
];

/// The bin/ part of every tarball: (path, kind, mode, link target).
const BIN: &[(&str, char, u32, &str)] = &[
    ("./bin/", 'd', 0o755, ""),
    ("./bin/aux/", 'd', 0o755, ""),
    ("./bin/aux/nft", 'l', 0o777, "../kroot"),
    ("./bin/conntrack", 'l', 0o777, "kroot"),
    ("./bin/ip", 'l', 0o777, "kroot"),
    ("./bin/kroot", 'f', 0o755, ""),
];

/// The applets in `kroot --list` order.
const APPLETS: &str = "conntrack\nip\nnft\n";

type Check = Result<(), String>;

/// Entries sorted; bin/ exactly as k3s-root lays it out; everything else is
/// rootfs/ (minus `.keep`); root-owned; every mtime the source date.
pub fn layout(tar: &[u8], mtime: u64, rootfs: &Path) -> Check {
    let mut archive = tar::Archive::new(tar);
    let mut seen: Vec<(String, char, u32, String)> = Vec::new();
    let entries = archive.entries().map_err(|e| format!("not a tar: {e}"))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("bad tar entry: {e}"))?;
        let h = entry.header();
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = match h.entry_type() {
            tar::EntryType::Directory => 'd',
            tar::EntryType::Symlink => 'l',
            tar::EntryType::Regular => 'f',
            other => return Err(format!("{path}: unexpected entry type {other:?}")),
        };
        let mode = h.mode().map_err(|e| format!("{path}: {e}"))?;
        let (uid, gid) = (h.uid().unwrap_or(u64::MAX), h.gid().unwrap_or(u64::MAX));
        if (uid, gid) != (0, 0) {
            return Err(format!("{path}: owner {uid}:{gid}, want 0:0"));
        }
        let t = h.mtime().map_err(|e| format!("{path}: {e}"))?;
        if t != mtime {
            return Err(format!("{path}: mtime {t}, want the source date {mtime}"));
        }
        let link = entry
            .link_name_bytes()
            .map(|l| String::from_utf8_lossy(&l).into_owned())
            .unwrap_or_default();
        seen.push((path, kind, mode, link));
    }
    let paths: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    if paths != sorted {
        return Err(format!("entries are not sorted: {paths:?}"));
    }
    let bin: Vec<(String, char, u32, String)> = seen
        .iter()
        .filter(|s| s.0.starts_with("./bin/"))
        .cloned()
        .collect();
    let want: Vec<(String, char, u32, String)> = BIN
        .iter()
        .map(|(p, k, m, l)| (p.to_string(), *k, *m, l.to_string()))
        .collect();
    if bin != want {
        return Err(format!("bin/ entries\n  got  {bin:?}\n  want {want:?}"));
    }
    let mut rest: Vec<String> = seen
        .iter()
        .filter(|s| !s.0.starts_with("./bin/"))
        .map(|s| s.0.trim_end_matches('/').to_string())
        .collect();
    rest.sort();
    let mut files = Vec::new();
    rootfs_paths(rootfs, ".", &mut files)?;
    files.retain(|f| f != "./bin");
    files.sort();
    if rest != files {
        return Err(format!(
            "entries outside bin/ should be rootfs/\n  got  {rest:?}\n  want {files:?}"
        ));
    }
    Ok(())
}

fn rootfs_paths(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Check {
    let Ok(read) = fs::read_dir(dir) else {
        return Ok(()); // no rootfs/: nothing besides bin/
    };
    for item in read.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        if name == ".keep" {
            continue;
        }
        let rel = format!("{prefix}/{name}");
        out.push(rel.clone());
        let is_dir = item.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir {
            rootfs_paths(&item.path(), &rel, out)?;
        }
    }
    Ok(())
}

/// bin/kroot, read from the archive, is a static ELF for the arch.
pub fn static_elf(tar: &[u8], t: &Target) -> Check {
    let mut archive = tar::Archive::new(tar);
    let entries = archive.entries().map_err(|e| format!("not a tar: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("bad tar entry: {e}"))?;
        if entry.path_bytes().as_ref() == b"./bin/kroot" {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).map_err(|e| e.to_string())?;
            return elf::check(&bytes, t.elf)
                .map_err(|e| format!("bin/kroot is not a static {}: {e}", t.elf.label));
        }
    }
    Err("no ./bin/kroot in the tarball".into())
}

/// Unpack with the system's tar (as a person or k3s's installer would) into `dir`.
pub fn unpack(tar: &Path, dir: &Path) -> Check {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let out = Command::new("tar")
        .arg("-xpf")
        .arg(tar)
        .arg("-C")
        .arg(dir)
        .output()
        .map_err(|e| format!("tar: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tar -xpf {} failed: {}",
            tar.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

/// `bin/kroot --list` prints the three applets, one a line.
pub fn list(root: &Path, t: &Target) -> Check {
    let out = run(t, &root.join("bin/kroot"), &["--list"])?;
    expect(&out, APPLETS, "bin/kroot --list")
}

/// bin/aux/nft, bin/ip and bin/conntrack answer their version query through
/// the links, with the real tools' words and kroot's version.
pub fn links(root: &Path, t: &Target, version: &str) -> Check {
    for (link, arg, line) in version_calls(version) {
        let out = run(t, &root.join(link), &[arg])?;
        expect_version(t, &out, &line, version, &format!("{link} {arg}"))?;
    }
    Ok(())
}

/// The version line, exit 0, nothing on stderr. One exception: conntrack
/// 1.4.7 opens its NETLINK_NETFILTER socket before it reads its arguments
/// (strace the real one), and qemu-user refuses that protocol, so under qemu
/// `conntrack --version` may instead fail exactly as conntrack does without
/// the socket. That text is conntrack's own, so it still proves the dispatch.
fn expect_version(t: &Target, out: &Output, line: &str, version: &str, what: &str) -> Check {
    let wanted = expect(out, &format!("{line}\n"), what);
    if wanted.is_err() && t.runner.is_some() && line.starts_with("conntrack ") {
        let no_socket = format!("conntrack v1.4.7 (kroot {version}): Can't open handler\n");
        if out.status.code() == Some(1)
            && out.stdout.is_empty()
            && out.stderr == no_socket.as_bytes()
        {
            return Ok(());
        }
    }
    wanted
}

fn version_calls(version: &str) -> [(&'static str, &'static str, String); 3] {
    [
        (
            "bin/aux/nft",
            "--version",
            format!("nftables v1.1.4 (kroot {version})"),
        ),
        (
            "bin/ip",
            "-V",
            format!("ip utility, iproute2-6.1.0 (kroot {version})"),
        ),
        (
            "bin/conntrack",
            "--version",
            format!("conntrack v1.4.7 (kroot {version})"),
        ),
    ]
}

/// `kroot --install -s DIR` makes one symlink per applet to kroot's absolute
/// path, and each link dispatches.
pub fn install(root: &Path, t: &Target, version: &str) -> Check {
    let kroot = root.join("bin/kroot");
    let dir = root.join("installed");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let dir_arg = dir.to_string_lossy().into_owned();
    let out = run(t, &kroot, &["--install", "-s", &dir_arg])?;
    expect(&out, "", "bin/kroot --install -s DIR")?;
    let real = fs::canonicalize(&kroot).map_err(|e| format!("{}: {e}", kroot.display()))?;
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if names != ["conntrack", "ip", "nft"] {
        return Err(format!(
            "--install -s made {names:?}, want conntrack, ip, nft"
        ));
    }
    for name in &names {
        let link = dir.join(name);
        let target =
            fs::read_link(&link).map_err(|e| format!("{}: not a symlink ({e})", link.display()))?;
        if target != real {
            return Err(format!(
                "{} -> {}, want -> {}",
                link.display(),
                target.display(),
                real.display()
            ));
        }
    }
    for (link, arg, line) in version_calls(version) {
        let name = link.rsplit('/').next().unwrap_or(link);
        let out = run(t, &dir.join(name), &[arg])?;
        expect_version(t, &out, &line, version, &format!("installed {name} {arg}"))?;
    }
    Ok(())
}

/// `kroot --list | head -0` and friends: a write into a pipe nobody reads
/// ends the process by SIGPIPE, as it ends the C tools, with nothing on stderr
/// (no panic message, no "Broken pipe" complaint).
/// Under qemu-user conntrack cannot open its socket (see `expect_version`), so
/// there it is left out; the amd64 run covers it natively.
pub fn closed_pipes(root: &Path, t: &Target) -> Check {
    let calls: [(&str, &[&str]); 6] = [
        ("bin/kroot", &["--list"]),
        ("bin/kroot", &["--version"]),
        ("bin/kroot", &["--help"]),
        ("bin/aux/nft", &["--version"]),
        ("bin/ip", &["-V"]),
        ("bin/conntrack", &["--version"]),
    ];
    for (exe, args) in calls {
        if t.runner.is_some() && exe == "bin/conntrack" {
            continue;
        }
        let what = format!("{exe} {} | head -0", args.join(" "));
        let (reader, writer) = std::io::pipe().map_err(|e| format!("pipe: {e}"))?;
        drop(reader); // the reader is gone before the first write
        let out = command(t, &root.join(exe))
            .args(args)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("{what}: {e}"))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !stderr.is_empty() {
            return Err(format!("{what}: wrote to stderr: {stderr:?}"));
        }
        if out.status.signal() != Some(SIGPIPE) {
            return Err(format!("{what}: ended with {}, want SIGPIPE", out.status));
        }
    }
    Ok(())
}

const SIGPIPE: i32 = 13;

fn command(t: &Target, exe: &Path) -> Command {
    match t.runner {
        Some(qemu) => {
            let mut c = Command::new(qemu);
            c.arg(exe);
            c
        }
        None => Command::new(exe),
    }
}

fn run(t: &Target, exe: &Path, args: &[&str]) -> Result<Output, String> {
    command(t, exe)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match t.runner {
            Some(q) if e.kind() == std::io::ErrorKind::NotFound => format!(
                "{q} not found: apt-get install -y --no-install-recommends qemu-user-static"
            ),
            _ => format!("{}: {e}", exe.display()),
        })
}

/// Exit 0, exactly `stdout`, empty stderr.
fn expect(out: &Output, stdout: &str, what: &str) -> Check {
    let got = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.success() && got == stdout && err.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{what}: got {} stdout {got:?} stderr {err:?}; want exit 0, stdout {stdout:?}, no stderr",
        out.status
    ))
}

/// Where this arch's tarball is unpacked for the checks.
pub fn scratch(arch: &str) -> PathBuf {
    crate::dist::target_base().join("xtask-test").join(arch)
}
