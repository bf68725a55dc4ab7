// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask test`: THE test command (README, .ci/run). It runs, counting
//! each step as passed or failed (a step that cannot run counts as failed):
//!
//! 1. `cargo test --workspace` (kernel tests make their own network namespaces;
//!    they need root, as CI is);
//! 2. `dist` for amd64, arm64 and arm, with --gzip;
//! 3. per arch, the tarball checks in `test/tarball.rs`: layout, static ELF
//!    for the right machine, `--list` (natively or under qemu-user), the applet
//!    links, `--install -s`, closed pipes;
//! 4. the arm builds' `ip` under qemu (scripts/qemu-ip.sh), then the golden
//!    and conformance samples against their ratchets (`--full`: everything);
//! 5. a second `dist`, built in a separate target dir, must give identical
//!    sha256 sums: the tarballs are reproducible, not merely repackaged.
//!
//! It ends with the line `N passed, N failed` and fails if N failed > 0.

mod elf;
mod tarball;

use std::path::Path;
use std::process::Command;

use crate::dist::{self, Built};
use crate::{flags, project_root};

pub fn run(f: flags::Test) -> crate::Result {
    let mut s = Steps::default();
    let root = project_root();

    s.step("cargo test --workspace", cargo_test);

    let arches = dist::parse_arches("amd64,arm64,arm")?;
    let out = root.join("dist");
    let built = s.step("dist amd64,arm64,arm (with --gzip)", || {
        dist::dist(&arches, &out, true, &dist::target_base())
    });
    if let Some(b) = built.as_ref() {
        dist::print_sizes(b);
    }
    let version = workspace_version();
    let mtime = dist::source_date_epoch();
    for t in tarball::TARGETS {
        let b = built
            .as_ref()
            .and_then(|b| b.iter().find(|b| b.arch.name == t.arch));
        arch_checks(&mut s, t, b, &version, &mtime);
    }

    // The arm64 and arm builds' `ip` against the native one, under qemu-user.
    s.step(
        "scripts/qemu-ip.sh: ip -o link / ip addr / ip route under qemu",
        || {
            let script = root.join("scripts/qemu-ip.sh");
            let status = Command::new("bash")
                .arg(&script)
                .arg(&out)
                .status()
                .map_err(|e| format!("{}: {e}", script.display()))?;
            if !status.success() {
                return Err(format!("{}: {status}", script.display()));
            }
            Ok(())
        },
    );

    // Compatibility suites, each against its committed ratchet (ci/ratchet/):
    // CI runs fixed samples; `cargo xtask test --full` runs everything.
    let key = if f.full { "full" } else { "sample" };
    for kind in ["ip", "conntrack"] {
        s.step(
            &format!("golden {kind} ({key}) at or above its ratchet"),
            || {
                let only = if f.full {
                    ""
                } else {
                    crate::golden::ci_sample(kind)
                };
                let o = crate::golden::replay(kind, only)?;
                println!(
                    "golden {kind}: {}/{} cases pass",
                    o.passed.len(),
                    o.selected.len()
                );
                crate::golden::check_ratchet(&format!("golden-{kind}"), key, o.passed.len())
            },
        );
    }
    s.step(
        &format!("nftables conformance ({key}) at or above its ratchet"),
        || {
            crate::conformance::run(flags::Conformance {
                full: f.full,
                ratchet: true,
            })
        },
    );

    s.step(
        "second dist run (separate target dir) gives identical sha256 sums",
        || {
            let Some(first) = built.as_ref() else {
                return Err("the first dist run failed; nothing to compare".into());
            };
            let base = dist::target_base().join("dist-again");
            let again = base.join("out");
            dist::dist(&arches, &again, true, &base)?;
            same_sums(first, &out, &again)
        },
    );

    s.summary()
}

/// Every check of one arch's tarball; all fail if the tarball was not built.
fn arch_checks(
    s: &mut Steps,
    t: &tarball::Target,
    built: Option<&Built>,
    version: &crate::Result<String>,
    mtime: &crate::Result<u64>,
) {
    let a = t.arch;
    let tar = built.map(|b| b.tar.clone());
    let bytes = s.step(&format!("[{a}] read k3s-root-{a}.tar"), || {
        let tar = tar
            .as_ref()
            .ok_or("no tarball: dist failed for this arch")?;
        std::fs::read(tar).map_err(|e| format!("{}: {e}", tar.display()))
    });
    let rootfs = project_root().join("rootfs");
    s.step(&format!("[{a}] tarball layout, owners, mtimes"), || {
        let bytes = bytes.as_ref().ok_or("no tarball")?;
        tarball::layout(bytes, mtime.clone()?, &rootfs)
    });
    s.step(
        &format!("[{a}] bin/kroot is a static {}", t.elf.label),
        || tarball::static_elf(bytes.as_ref().ok_or("no tarball")?, t),
    );
    let dir = tarball::scratch(a);
    let unpacked = s
        .step(&format!("[{a}] unpack with tar -xpf"), || {
            tarball::unpack(tar.as_ref().ok_or("no tarball")?, &dir)
        })
        .is_some();
    let need = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err("not unpacked".to_string())
        }
    };
    let how = t.runner.unwrap_or("natively");
    s.step(&format!("[{a}] bin/kroot --list ({how})"), || {
        need(unpacked)?;
        tarball::list(&dir, t)
    });
    s.step(
        &format!("[{a}] bin/aux/nft, bin/ip, bin/conntrack dispatch"),
        || {
            need(unpacked)?;
            tarball::links(&dir, t, version.as_ref()?)
        },
    );
    s.step(
        &format!("[{a}] kroot --install -s DIR makes working links"),
        || {
            need(unpacked)?;
            tarball::install(&dir, t, version.as_ref()?)
        },
    );
    let which = if t.runner.is_some() {
        "kroot, nft, ip; conntrack needs NETLINK_NETFILTER, which qemu-user lacks"
    } else {
        "kroot, nft, ip, conntrack"
    };
    s.step(
        &format!("[{a}] closed stdout pipes end quietly ({which})"),
        || {
            need(unpacked)?;
            tarball::closed_pipes(&dir, t)
        },
    );
}

fn cargo_test() -> crate::Result {
    let status = Command::new(crate::cargo())
        .current_dir(project_root())
        .args(["test", "--workspace", "--locked"])
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo test --workspace: {status}"));
    }
    Ok(())
}

/// The sha256sum files of both runs are byte for byte the same.
fn same_sums(first: &[Built], a: &Path, b: &Path) -> crate::Result {
    for built in first {
        let name = format!("sha256sum-{}.txt", built.arch.name);
        let read = |dir: &Path| -> crate::Result<String> {
            let p = dir.join(&name);
            std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))
        };
        let (x, y) = (read(a)?, read(b)?);
        if x != y {
            return Err(format!("{name} differs between runs:\n{x}---\n{y}"));
        }
        if x.lines().count() != 2 {
            return Err(format!("{name} should list the .tar and the .tar.gz:\n{x}"));
        }
    }
    Ok(())
}

/// `[workspace.package] version` from the root Cargo.toml: the version every
/// applet's version line must carry.
fn workspace_version() -> crate::Result<String> {
    let path = project_root().join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut in_package = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if let (true, Some(v)) = (in_package, line.strip_prefix("version")) {
            let v = v
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            return Ok(v.to_string());
        }
    }
    Err(format!(
        "{}: no [workspace.package] version",
        path.display()
    ))
}

/// Steps run so far, and how they went.
#[derive(Default)]
struct Steps {
    passed: usize,
    failed: Vec<String>,
}

impl Steps {
    /// Run one step, print `ok`/`FAIL` with the reason, keep count.
    fn step<T>(&mut self, name: &str, f: impl FnOnce() -> crate::Result<T>) -> Option<T> {
        println!("test: {name} ...");
        let start = std::time::Instant::now();
        let result = f();
        let took = format!("{:.1}s", start.elapsed().as_secs_f64());
        match result {
            Ok(v) => {
                println!("test: ok   {name} ({took})");
                self.passed += 1;
                Some(v)
            }
            Err(e) => {
                println!(
                    "test: FAIL {name} ({took})\n      {}",
                    e.replace('\n', "\n      ")
                );
                self.failed.push(name.to_string());
                None
            }
        }
    }

    fn summary(self) -> crate::Result {
        for name in &self.failed {
            println!("failed: {name}");
        }
        println!("{} passed, {} failed", self.passed, self.failed.len());
        if self.failed.is_empty() {
            Ok(())
        } else {
            Err(format!("{} step(s) failed", self.failed.len()))
        }
    }
}
