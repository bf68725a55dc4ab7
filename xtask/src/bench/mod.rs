// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask bench [--runs N] [--only TEXT,TEXT…]`: our applets
//! and the reference tools side by side, in fresh namespaces, alternating run
//! by run, medians of wall/user/sys/peak RSS and the ratio ours/reference.
//! A benchmark, not a test: it asserts nothing about speed. Results go to
//! BENCHMARKS.md with the machine and date.

mod cases;
mod measure;
mod memcg;
pub mod rawdump;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{flags, project_root};
use measure::{median, Netns, Sample};

/// One row of the benchmark.
pub struct Case {
    pub name: String,
    pub tool: &'static str,
    pub args: Vec<String>,
    pub input: Option<PathBuf>,
    /// Shell run (with the system tools) in the namespace before timing.
    pub setup: String,
    /// A fresh namespace (and setup) for every run, e.g. for loads.
    pub fresh: bool,
    /// Runs of the command per sample (by a `sh` loop; times are divided by it,
    /// peak RSS is the largest run's), for commands as short as nsenter's start.
    pub repeat: u32,
}

pub fn run(f: flags::Bench) -> crate::Result {
    let runs = f.runs.max(5);
    let work = project_root().join("golden-out/bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let ours = build_static_kroot()?;
    let cases = cases::all(&work)?;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| case | ours wall | ref wall | wall ratio | ours user/sys | ref user/sys | ours RSS | ref RSS | RSS ratio | ours mem | ref mem |"
    );
    let _ = writeln!(
        table,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for case in cases.iter().filter(|c| match f.only.as_deref() {
        None => true,
        Some(list) => list.split(',').any(|o| c.name.contains(o)),
    }) {
        println!("bench: {} ({runs} runs each, alternating)", case.name);
        let row = if case.tool == "kernel" {
            floor_row(case, runs)
        } else {
            compare_row(case, &ours, runs)
        };
        println!("{row}");
        table.push_str(&row);
        table.push('\n');
    }
    // What a do-nothing command costs through the same path: RSS figures near
    // this floor measure nsenter's start, not the tool.
    let floor = Netns::new("floor")
        .and_then(|ns| measure::run(&ns.0, &["/bin/true".to_string()], None))
        .map(|s| format!("{} peak RSS, {:.3} s wall", mb(s.rss_kb), s.wall))
        .unwrap_or_else(|e| format!("not measured: {e}"));
    println!("floor (nsenter + /bin/true): {floor}");
    let _ = writeln!(
        table,
        "\nFloor (`nsenter … /bin/true`, the same path as every row): {floor}."
    );
    let sizes = sizes_table(&ours);
    println!("{sizes}");
    write_report(&table, &sizes, runs)
}

/// One ours-vs-reference row.
fn compare_row(case: &Case, ours: &Path, runs: u32) -> String {
    match bench_case(case, ours, runs) {
        Ok((o, r)) => format!(
            "| {} | {:.3} s | {:.3} s | {:.2} | {:.2}/{:.2} s | {:.2}/{:.2} s | {} | {} | {:.2} | {} | {} |",
            case.name,
            o.wall,
            r.wall,
            o.wall / r.wall.max(1e-9),
            o.user,
            o.sys,
            r.user,
            r.sys,
            mb(o.rss_kb),
            mb(r.rss_kb),
            o.rss_kb as f64 / (r.rss_kb.max(1)) as f64,
            mem(o.mem_kb),
            mem(r.mem_kb)
        ),
        Err(e) => format!(
            "| {} | failed: {} | | | | | | | | | |",
            case.name,
            e.replace('|', "/")
        ),
    }
}

/// A kernel-floor row: only our `xtask rawdump` (the kernel's share of a
/// listing), medians over `runs` in one namespace set up once.
fn floor_row(case: &Case, runs: u32) -> String {
    let sample = (|| -> crate::Result<Sample> {
        let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let mut argv = vec![exe.to_string_lossy().into_owned()];
        argv.extend(case.args.iter().cloned());
        let ns = Netns::new("kernel")?;
        ns.sh(&case.setup)?;
        let mut v = Vec::new();
        for _ in 0..runs {
            v.push(measure::run(&ns.0, &argv, None)?);
        }
        Ok(median(&v))
    })();
    match sample {
        Ok(o) => format!(
            "| {} | {:.3} s | — | — | {:.2}/{:.2} s | — | {} | — | — | {} | — |",
            case.name,
            o.wall,
            o.user,
            o.sys,
            mb(o.rss_kb),
            mem(o.mem_kb)
        ),
        Err(e) => format!(
            "| {} | failed: {} | | | | | | | | | |",
            case.name,
            e.replace('|', "/")
        ),
    }
}

/// A cgroup peak, or a dash where the machine gave no memory cgroup.
fn mem(kb: u64) -> String {
    if kb == 0 {
        "—".to_string()
    } else {
        mb(kb)
    }
}

fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

/// Medians (ours, reference) over `runs` alternating runs.
fn bench_case(case: &Case, ours: &Path, runs: u32) -> crate::Result<(Sample, Sample)> {
    let reference = reference_tool(case.tool);
    let argv = |bin: &Path| -> Vec<String> {
        let mut v = Vec::new();
        if case.repeat > 1 {
            v.push("/bin/sh".to_string());
            v.push("-c".to_string());
            v.push(format!(
                "i=0; while [ $i -lt {} ]; do \"$0\" \"$@\" >/dev/null || exit 1; i=$((i+1)); done",
                case.repeat
            ));
        }
        v.push(bin.to_string_lossy().into_owned());
        v.extend(case.args.iter().cloned());
        v
    };
    let ours_bin = ours.with_file_name(case.tool);
    let mut shared: Option<Netns> = None;
    let (mut o, mut r) = (Vec::new(), Vec::new());
    for i in 0..runs {
        for (who, bin, out) in [("ours", &ours_bin, &mut o), ("ref", &reference, &mut r)] {
            let fresh;
            let ns = if case.fresh {
                fresh = Netns::new(&format!("{who}{i}"))?;
                fresh.sh(&case.setup)?;
                &fresh
            } else {
                if shared.is_none() {
                    let ns = Netns::new("shared")?;
                    ns.sh(&case.setup)?;
                    shared = Some(ns);
                }
                shared.as_ref().ok_or("no namespace")?
            };
            let mut s = measure::run(&ns.0, &argv(bin), case.input.as_deref())
                .map_err(|e| format!("{who}: {e}"))?;
            let n = f64::from(case.repeat.max(1));
            (s.wall, s.user, s.sys) = (s.wall / n, s.user / n, s.sys / n);
            out.push(s);
        }
    }
    Ok((median(&o), median(&r)))
}

fn reference_tool(tool: &str) -> PathBuf {
    PathBuf::from(match tool {
        "nft" => "/usr/sbin/nft",
        "ip" => "/usr/sbin/ip",
        _ => "/usr/sbin/conntrack",
    })
}

/// The shipped kind of binary: static musl, release profile, with applet links.
fn build_static_kroot() -> crate::Result<PathBuf> {
    let root = project_root();
    let target = "x86_64-unknown-linux-musl";
    let status = Command::new(crate::cargo())
        .args([
            "build",
            "--quiet",
            "--release",
            "-p",
            "kroot",
            "--target",
            target,
        ])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo build --release --target {target} failed (rustup target add {target})"
        ));
    }
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join(target)
        .join("release");
    let links = root.join("golden-out/bench/bin");
    let _ = std::fs::remove_dir_all(&links);
    std::fs::create_dir_all(&links).map_err(|e| format!("{}: {e}", links.display()))?;
    let kroot = links.join("kroot");
    std::fs::copy(dir.join("kroot"), &kroot).map_err(|e| format!("copy kroot: {e}"))?;
    for tool in ["nft", "ip", "conntrack"] {
        std::os::unix::fs::symlink("kroot", links.join(tool))
            .map_err(|e| format!("link {tool}: {e}"))?;
    }
    Ok(kroot)
}

/// The size of bin/kroot inside a k3s-root tarball `cargo xtask dist` wrote.
fn kroot_in_tarball(path: &Path) -> Option<u64> {
    let file = std::fs::File::open(path).ok()?;
    let mut archive = tar::Archive::new(file);
    let entries = archive.entries().ok()?;
    for entry in entries.flatten() {
        let name = entry.path().ok()?.into_owned();
        if name.strip_prefix(".").unwrap_or(&name) == Path::new("bin/kroot") {
            return entry.header().size().ok();
        }
    }
    None
}

/// bin/kroot per arch (from dist/, where built) beside each reference tool
/// with the shared libraries it loads (libc and the loader left out).
fn sizes_table(ours: &Path) -> String {
    let mut t = String::from("| binary | bytes |\n|---|---:|\n");
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let _ = writeln!(t, "| kroot amd64 (this build, stripped) | {} |", size(ours));
    for arch in ["amd64", "arm64", "arm"] {
        let tarball = project_root().join(format!("dist/k3s-root-{arch}.tar"));
        if let Some(n) = kroot_in_tarball(&tarball) {
            let _ = writeln!(
                t,
                "| kroot {arch} (bin/kroot in dist/k3s-root-{arch}.tar) | {n} |"
            );
        }
    }
    for tool in ["nft", "ip", "conntrack"] {
        let bin = reference_tool(tool);
        let mut total = size(&bin);
        let mut libs = Vec::new();
        if let Ok(out) = Command::new("ldd").arg(&bin).output() {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                let Some(path) = line
                    .split("=>")
                    .nth(1)
                    .and_then(|r| r.split_whitespace().next())
                else {
                    continue;
                };
                let name = Path::new(path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if ["libc.so", "libm.so", "ld-linux", "libpthread", "libdl.so"]
                    .iter()
                    .any(|x| name.starts_with(x))
                {
                    continue;
                }
                let real = std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path));
                total += size(&real);
                libs.push(name);
            }
        }
        let _ = writeln!(
            t,
            "| reference {} + {} | {} |",
            bin.display(),
            libs.join(", "),
            total
        );
    }
    t
}

fn write_report(table: &str, sizes: &str, runs: u32) -> crate::Result {
    let sh = |cmd: &str| {
        Command::new("sh")
            .args(["-c", cmd])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let machine = format!(
        "{} cores ({}), {} memory, kernel {}, {}",
        sh("nproc"),
        sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"),
        sh("free -h | awk '/Mem:/{print $2}'"),
        sh("uname -r"),
        sh("nft --version; ip -V; conntrack --version 2>&1 | head -1").replace('\n', "; ")
    );
    let text = format!(
        "# Benchmarks\n\n\
         Produced by `cargo xtask bench` (add `--only TEXT,TEXT` for the rows whose names contain one, `--runs N` for more runs).\n\
         Ours is the static musl release build (`bin/kroot`); the reference tools are Debian's.\n\
         Each row runs ours and the reference alternately, {runs} times each, every command inside\n\
         a network namespace of its own; figures are medians. Peak RSS comes from wait4(2) and\n\
         includes nsenter's start (nsenter execs the command in the same process): see the floor.\n\
         `mem` is the peak charge of a memory cgroup made for the one run: besides RSS it counts memory\n\
         the process holds unmapped (memory files, page cache it fills) and the kernel memory it makes\n\
         the kernel allocate (for a load, the ruleset itself: the same for both tools).\n\n\
         Date: {}  \nMachine: {machine}\n\n{table}\n## Binary sizes\n\n{sizes}",
        sh("date -u +%Y-%m-%dT%H:%MZ"),
    );
    let path = project_root().join("BENCHMARKS.md");
    // The hand-written reading of the numbers (from `## Analysis` on) survives a rerun.
    let kept = std::fs::read_to_string(&path)
        .ok()
        .and_then(|old| old.find("\n## Analysis").map(|i| old[i..].to_string()))
        .unwrap_or_default();
    let text = format!("{text}{kept}");
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}
