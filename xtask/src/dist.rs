// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask dist`: static musl release builds of kroot for amd64, arm64 and
//! arm, packed as k3s-root-style tarballs (recipe: ../shared/TOOLCHAIN.md).
//!
//! Pipeline, one progress line per step:
//! toolchain check → `cargo build` per arch → tar (+ gzip) → sha256sum file → size table.
//!
//! The tarball is what k3s unpacks as its data dir: `./bin/kroot` with the
//! applet links `./bin/ip`, `./bin/conntrack` and `./bin/aux/nft`, plus the
//! tree under `rootfs/`. Its bytes depend only on the sources: entries sorted,
//! uid/gid 0, one mtime (SOURCE_DATE_EPOCH or the last commit's time).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::{flags, project_root};

/// One architecture we ship, named as k3s names it.
pub struct Arch {
    /// k3s's name: `k3s-root-<name>.tar`.
    pub name: &'static str,
    pub triple: &'static str,
    /// No prebuilt std exists (every 32-bit arm musl target): build it from rust-src.
    pub build_std: bool,
}

pub const ARCHES: &[Arch] = &[
    Arch {
        name: "amd64",
        triple: "x86_64-unknown-linux-musl",
        build_std: false,
    },
    Arch {
        name: "arm64",
        triple: "aarch64-unknown-linux-musl",
        build_std: false,
    },
    Arch {
        name: "arm",
        triple: "armv7-unknown-linux-musleabihf",
        build_std: true,
    },
];

/// What one arch's dist step produced.
pub struct Built {
    pub arch: &'static Arch,
    pub kroot_size: u64,
    pub tar: PathBuf,
    pub tar_size: u64,
    pub gz_size: Option<u64>,
}

pub fn run(f: flags::Dist) -> crate::Result {
    let arches = parse_arches(&f.arch)?;
    let out = f.out.unwrap_or_else(|| project_root().join("dist"));
    let built = dist(&arches, &out, f.gzip, &target_base())?;
    print_sizes(&built);
    Ok(())
}

/// `amd64,arm64,arm` → the arches, in the order given, each once.
pub fn parse_arches(list: &str) -> crate::Result<Vec<&'static Arch>> {
    let mut arches: Vec<&'static Arch> = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let arch = ARCHES
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| format!("dist: unknown arch `{name}` (known: amd64, arm64, arm)"))?;
        if !arches.iter().any(|a| a.name == arch.name) {
            arches.push(arch);
        }
    }
    if arches.is_empty() {
        return Err("dist: --arch names no arch (known: amd64, arm64, arm)".into());
    }
    Ok(arches)
}

/// Build every arch in `arches` (cargo target dirs under `target_base`) and
/// pack it into `out`.
pub fn dist(
    arches: &[&'static Arch],
    out: &Path,
    gzip: bool,
    target_base: &Path,
) -> crate::Result<Vec<Built>> {
    step("checking the toolchain (rustup targets, rust-src, apt packages)");
    ensure_toolchain(arches)?;
    let mtime = source_date_epoch()?;
    let rootfs = rootfs_entries(&project_root().join("rootfs"))?;
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut built = Vec::new();
    for arch in arches {
        let kroot = build(arch, target_base)?;
        let exe = fs::read(&kroot).map_err(|e| format!("{}: {e}", kroot.display()))?;
        let tar_name = format!("k3s-root-{}.tar", arch.name);
        step(&format!(
            "[{}] packing {}/{tar_name}",
            arch.name,
            out.display()
        ));
        let tar = tarball(&exe, &rootfs, mtime)?;
        let mut sums = vec![(tar_name.clone(), sha256_hex(&tar))];
        write(&out.join(&tar_name), &tar)?;
        let gz_path = out.join(format!("{tar_name}.gz"));
        let gz_size = if gzip {
            step(&format!(
                "[{}] compressing {}",
                arch.name,
                gz_path.display()
            ));
            let gz = gzip_bytes(&tar)?;
            sums.push((format!("{tar_name}.gz"), sha256_hex(&gz)));
            write(&gz_path, &gz)?;
            Some(gz.len() as u64)
        } else {
            // A .tar.gz from an earlier --gzip run would not match this run's sums.
            let _ = fs::remove_file(&gz_path);
            None
        };
        let sum_path = out.join(format!("sha256sum-{}.txt", arch.name));
        step(&format!("[{}] writing {}", arch.name, sum_path.display()));
        let text: String = sums.iter().map(|(n, h)| format!("{h}  {n}\n")).collect();
        write(&sum_path, text.as_bytes())?;
        built.push(Built {
            arch,
            kroot_size: exe.len() as u64,
            tar: out.join(&tar_name),
            tar_size: tar.len() as u64,
            gz_size,
        });
    }
    Ok(built)
}

fn step(what: &str) {
    println!("dist: {what}");
}

fn write(path: &Path, bytes: &[u8]) -> crate::Result {
    fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------- toolchain

/// Add missing rustup targets and rust-src ourselves; name missing apt packages.
fn ensure_toolchain(arches: &[&'static Arch]) -> crate::Result {
    let installed = output("rustup", &["target", "list", "--installed"])?;
    for arch in arches.iter().filter(|a| !a.build_std) {
        if !installed.lines().any(|l| l.trim() == arch.triple) {
            step(&format!("rustup target add {}", arch.triple));
            run_ok(Command::new("rustup").args(["target", "add", arch.triple]))?;
        }
    }
    if arches.iter().any(|a| a.build_std) {
        let components = output("rustup", &["component", "list", "--installed"])?;
        if !components.lines().any(|l| l.starts_with("rust-src")) {
            step("rustup component add rust-src");
            run_ok(Command::new("rustup").args(["component", "add", "rust-src"]))?;
        }
    }
    let mut missing: Vec<&str> = Vec::new();
    if arches.iter().any(|a| a.name == "amd64") && !on_path("cc") {
        missing.push("gcc");
    }
    if arches.iter().any(|a| a.name == "arm")
        && (!on_path(ARM_CC)
            || !on_path(ARM_AR)
            || !Path::new("/usr/lib/arm-linux-musleabihf/libc.a").exists())
    {
        missing.push("musl-dev:armhf");
    }
    if missing.is_empty() {
        return Ok(());
    }
    let armhf = if missing.contains(&"musl-dev:armhf") {
        "dpkg --add-architecture armhf && "
    } else {
        ""
    };
    Err(format!(
        "dist: missing apt packages: {list}; install them with:\n    \
         {armhf}(apt-get update || true) && apt-get install -y --no-install-recommends {list}",
        list = missing.join(" ")
    ))
}

const ARM_CC: &str = "arm-linux-musleabihf-gcc";
const ARM_AR: &str = "arm-linux-gnueabihf-ar";

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false)
}

/// Stdout of a command that must succeed.
fn output(program: &str, args: &[&str]) -> crate::Result<String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e} (is it installed and on PATH?)"))?;
    if !out.status.success() {
        return Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn run_ok(cmd: &mut Command) -> crate::Result {
    let status = cmd
        .status()
        .map_err(|e| format!("{:?}: {e}", cmd.get_program()))?;
    if !status.success() {
        return Err(format!("{cmd:?} failed ({status})"));
    }
    Ok(())
}

// ---------------------------------------------------------------- build

/// The normal cargo target dir (CARGO_TARGET_DIR or target/).
pub fn target_base() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"))
}

/// `cargo build --release` of the kroot binary for one arch; returns its path.
/// Each triple gets its own target dir (`<base>/dist-<triple>`), so the arm
/// build-std flags never invalidate the other arches' builds.
fn build(arch: &Arch, base: &Path) -> crate::Result<PathBuf> {
    let dir = base.join(format!("dist-{}", arch.triple));
    let env_triple = arch.triple.to_uppercase().replace('-', "_");
    let mut rustflags = vec![
        // Plain static executables (no static-pie): no PT_INTERP, no PT_DYNAMIC.
        "-Crelocation-model=static".to_string(),
        "-Ctarget-feature=+crt-static".to_string(),
    ];
    rustflags.extend(remap_flags()?);
    let mut cmd = Command::new(crate::cargo());
    cmd.current_dir(project_root())
        .args(["build", "--quiet", "--release", "--locked"])
        .args(["-p", "kroot", "--bin", "kroot", "--target", arch.triple])
        .env("CARGO_TARGET_DIR", &dir)
        // Our rustflags are per target; a global RUSTFLAGS would override them.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS");
    match arch.name {
        "arm64" => {
            cmd.env(format!("CARGO_TARGET_{env_triple}_LINKER"), "rust-lld");
        }
        "arm" => {
            let native = arm_native_dir(&dir)?;
            rustflags.push("-Clink-self-contained=no".into());
            rustflags.push(format!("-Lnative={}", native.display()));
            let t = arch.triple.replace('-', "_");
            cmd.arg("-Zbuild-std=std,panic_abort")
                .env("RUSTC_BOOTSTRAP", "1")
                // musl 1.2.3 has a 64-bit time_t on 32-bit arm; tell the libc crate.
                .env("RUST_LIBC_UNSTABLE_MUSL_V1_2_3", "1")
                .env(format!("CARGO_TARGET_{env_triple}_LINKER"), ARM_CC)
                .env(format!("CC_{t}"), ARM_CC)
                .env(format!("AR_{t}"), ARM_AR);
        }
        _ => {}
    }
    cmd.env(
        format!("CARGO_TARGET_{env_triple}_RUSTFLAGS"),
        rustflags.join(" "),
    );
    step(&format!(
        "[{}] cargo build --release --target {}{} (in {})",
        arch.name,
        arch.triple,
        if arch.build_std {
            " -Zbuild-std=std,panic_abort"
        } else {
            ""
        },
        dir.display()
    ));
    run_ok(&mut cmd)?;
    let exe = dir.join(arch.triple).join("release/kroot");
    if !exe.is_file() {
        return Err(format!(
            "cargo build succeeded but {} is missing",
            exe.display()
        ));
    }
    Ok(exe)
}

/// std's unwind crate links `-lunwind`; libgcc_eh.a has the same ARM EHABI
/// symbols. A directory holding `libunwind.a -> libgcc_eh.a` satisfies it.
fn arm_native_dir(target: &Path) -> crate::Result<PathBuf> {
    let eh = output(ARM_CC, &["-print-file-name=libgcc_eh.a"])?;
    let eh = PathBuf::from(eh.trim());
    if !eh.is_absolute() || !eh.exists() {
        return Err(format!(
            "{ARM_CC} does not know libgcc_eh.a; reinstall it: \
             apt-get install -y --no-install-recommends musl-dev:armhf"
        ));
    }
    let dir = target.join("native");
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let link = dir.join("libunwind.a");
    let _ = fs::remove_file(&link);
    std::os::unix::fs::symlink(&eh, &link).map_err(|e| format!("{}: {e}", link.display()))?;
    Ok(dir)
}

/// Machine-specific source paths (cargo registry, rust-src) out of the binary,
/// so the same sources give the same bytes in any checkout or home directory.
fn remap_flags() -> crate::Result<Vec<String>> {
    let mut flags = Vec::new();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(home) = cargo_home {
        flags.push(format!("--remap-path-prefix={}=/cargo", home.display()));
    }
    let sysroot = output("rustc", &["--print", "sysroot"])?;
    flags.push(format!("--remap-path-prefix={}=/rustc", sysroot.trim()));
    if flags.iter().any(|f| f.contains(' ')) {
        return Err("dist: CARGO_HOME or the rustc sysroot contains a space".into());
    }
    Ok(flags)
}

// ---------------------------------------------------------------- tar

/// The one mtime of every entry: SOURCE_DATE_EPOCH, else the last commit's time.
pub fn source_date_epoch() -> crate::Result<u64> {
    if let Some(v) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let v = v.to_string_lossy();
        return v
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH={v} is not a number of seconds"));
    }
    let out = Command::new("git")
        .args(["log", "-1", "--format=%ct"])
        .current_dir(project_root())
        .output()
        .map_err(|e| format!("git: {e} (or set SOURCE_DATE_EPOCH)"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    match text.trim().parse() {
        Ok(t) if out.status.success() => Ok(t),
        _ => Err("dist: no git history to date the tarball; set SOURCE_DATE_EPOCH".into()),
    }
}

/// One tar entry. Paths are written as k3s-root's own `tar cf - ./bin ./etc`
/// writes them: `./bin/`, `./bin/kroot`, directories with a trailing slash.
enum Body {
    Dir,
    File { data: Vec<u8>, mode: u32 },
    Symlink(String),
}

struct Entry {
    path: String,
    body: Body,
}

/// What lies under rootfs/ (the `.keep` placeholders excepted), as entries.
fn rootfs_entries(rootfs: &Path) -> crate::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    if rootfs.is_dir() {
        walk(rootfs, ".", &mut entries)?;
    }
    Ok(entries)
}

fn walk(dir: &Path, prefix: &str, entries: &mut Vec<Entry>) -> crate::Result {
    let read = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for item in read {
        let item = item.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = item.file_name();
        let name = name
            .to_str()
            .ok_or_else(|| format!("{}: file name is not UTF-8", item.path().display()))?;
        if name == ".keep" {
            continue;
        }
        let path = item.path();
        let meta = fs::symlink_metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let rel = format!("{prefix}/{name}");
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            entries.push(Entry {
                path: rel,
                body: Body::Symlink(target.to_string_lossy().into_owned()),
            });
        } else if meta.is_dir() {
            entries.push(Entry {
                path: format!("{rel}/"),
                body: Body::Dir,
            });
            walk(&path, &rel, entries)?;
        } else if meta.is_file() {
            use std::os::unix::fs::PermissionsExt;
            let exec = meta.permissions().mode() & 0o111 != 0;
            let data = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            entries.push(Entry {
                path: rel,
                body: Body::File {
                    data,
                    mode: if exec { 0o755 } else { 0o644 },
                },
            });
        } else {
            return Err(format!("{}: not a file, directory or link", path.display()));
        }
    }
    Ok(())
}

/// The tarball: bin/ with kroot and its applet links, plus rootfs.
fn tarball(kroot: &[u8], rootfs: &[Entry], mtime: u64) -> crate::Result<Vec<u8>> {
    let mut entries = vec![
        Entry {
            path: "./bin/".into(),
            body: Body::Dir,
        },
        Entry {
            path: "./bin/aux/".into(),
            body: Body::Dir,
        },
        Entry {
            path: "./bin/kroot".into(),
            body: Body::File {
                data: kroot.to_vec(),
                mode: 0o755,
            },
        },
    ];
    // k3s-root puts ip and conntrack in bin/ and nft in bin/aux/.
    for (path, target) in [
        ("./bin/ip", "kroot"),
        ("./bin/conntrack", "kroot"),
        ("./bin/aux/nft", "../kroot"),
    ] {
        entries.push(Entry {
            path: path.into(),
            body: Body::Symlink(target.into()),
        });
    }
    for e in rootfs {
        if entries.iter().any(|b| b.path == e.path) {
            if matches!(e.body, Body::Dir) {
                continue; // rootfs/bin/ merges into ours
            }
            return Err(format!(
                "rootfs{} clashes with kroot's own entry",
                &e.path[1..]
            ));
        }
        entries.push(Entry {
            path: e.path.clone(),
            body: match &e.body {
                Body::Dir => Body::Dir,
                Body::File { data, mode } => Body::File {
                    data: data.clone(),
                    mode: *mode,
                },
                Body::Symlink(t) => Body::Symlink(t.clone()),
            },
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let mut tar = tar::Builder::new(Vec::new());
    for e in &entries {
        let header = header(e, mtime)?;
        let data: &[u8] = match &e.body {
            Body::File { data, .. } => data,
            _ => &[],
        };
        tar.append(&header, data)
            .map_err(|err| format!("tar {}: {err}", e.path))?;
    }
    tar.into_inner().map_err(|e| format!("tar: {e}"))
}

/// A GNU header (what GNU tar writes), root-owned, with the name bytes as given.
fn header(e: &Entry, mtime: u64) -> crate::Result<tar::Header> {
    let mut h = tar::Header::new_gnu();
    let name = e.path.as_bytes();
    let field = &mut h.as_old_mut().name;
    if name.len() >= field.len() {
        return Err(format!("{}: path too long for a tar header", e.path));
    }
    field[..name.len()].copy_from_slice(name);
    let (kind, mode, size) = match &e.body {
        Body::Dir => (tar::EntryType::Directory, 0o755, 0),
        Body::File { data, mode } => (tar::EntryType::Regular, *mode, data.len() as u64),
        Body::Symlink(target) => {
            h.set_link_name_literal(target)
                .map_err(|err| format!("{}: {err}", e.path))?;
            (tar::EntryType::Symlink, 0o777, 0)
        }
    };
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_size(size);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h.set_username("root")
        .map_err(|err| format!("tar: {err}"))?;
    h.set_groupname("root")
        .map_err(|err| format!("tar: {err}"))?;
    h.set_cksum();
    Ok(h)
}

/// gzip with a fixed header: no name, mtime 0, OS "Unix" (as `gzip -n`).
fn gzip_bytes(data: &[u8]) -> crate::Result<Vec<u8>> {
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(3)
        .write(Vec::new(), flate2::Compression::best());
    gz.write_all(data).map_err(|e| format!("gzip: {e}"))?;
    gz.finish().map_err(|e| format!("gzip: {e}"))
}

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------- report

pub fn print_sizes(built: &[Built]) {
    println!();
    println!(
        "{:<6} {:>12} {:>14} {:>14}  tarball",
        "arch", "bin/kroot", ".tar", ".tar.gz"
    );
    for b in built {
        let gz = b.gz_size.map(thousands).unwrap_or_else(|| "-".into());
        println!(
            "{:<6} {:>12} {:>14} {:>14}  {}",
            b.arch.name,
            thousands(b.kroot_size),
            thousands(b.tar_size),
            gz,
            b.tar.display()
        );
    }
}

/// 1323672 → "1,323,672".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1323672), "1,323,672");
    }

    #[test]
    fn arches_parse_in_order_once() {
        let a = parse_arches("arm, amd64,arm").map_err(|e| e.to_string());
        let names: Vec<&str> = a.iter().flatten().map(|a| a.name).collect();
        assert_eq!(names, ["arm", "amd64"]);
        assert!(parse_arches("amd64,riscv64").is_err());
        assert!(parse_arches(",").is_err());
    }

    #[test]
    fn tarball_is_deterministic_and_readable() {
        let rootfs = vec![Entry {
            path: "./etc/".into(),
            body: Body::Dir,
        }];
        let a = tarball(b"\x7fELF fake", &rootfs, 1_700_000_000).expect("tar");
        let b = tarball(b"\x7fELF fake", &rootfs, 1_700_000_000).expect("tar");
        assert_eq!(a, b, "same input must give the same bytes");
        let mut archive = tar::Archive::new(&a[..]);
        let mut got = Vec::new();
        for e in archive.entries().expect("entries") {
            let e = e.expect("entry");
            let h = e.header();
            assert_eq!((h.uid().ok(), h.gid().ok()), (Some(0), Some(0)));
            assert_eq!(h.mtime().ok(), Some(1_700_000_000));
            let link = e
                .link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).into_owned());
            got.push((String::from_utf8_lossy(&e.path_bytes()).into_owned(), link));
        }
        let want = [
            ("./bin/", None),
            ("./bin/aux/", None),
            ("./bin/aux/nft", Some("../kroot")),
            ("./bin/conntrack", Some("kroot")),
            ("./bin/ip", Some("kroot")),
            ("./bin/kroot", None),
            ("./etc/", None),
        ];
        let want: Vec<(String, Option<String>)> = want
            .iter()
            .map(|(p, l)| (p.to_string(), l.map(String::from)))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn gzip_header_has_no_time_or_name() {
        let gz = gzip_bytes(b"hello").expect("gzip");
        // magic, CM=deflate, FLG=0 (no name), MTIME=0, XFL, OS=3
        assert_eq!(&gz[..4], &[0x1f, 0x8b, 8, 0]);
        assert_eq!(&gz[4..8], &[0, 0, 0, 0]);
        assert_eq!(gz[9], 3);
    }
}
