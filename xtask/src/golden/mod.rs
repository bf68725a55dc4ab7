// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask golden ip|conntrack`: replays ../shared/golden/<kind> against
//! our applets with the shared harness (`_harness/`: it rebuilds each case's
//! namespaces with the system tools and runs the case's command with our
//! binary first in PATH), compares with `normalize.py` masking volatile
//! fields, counts passes and checks them against the ratchet in `ci/ratchet/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{flags, project_root, shared_dir};

/// Cases CI replays (a fixed sample; `--only .` or no filter runs them all).
pub fn ci_sample(kind: &str) -> &'static str {
    match kind {
        // every fifth case plus the callers' contracts (killall, cri-dockerd,
        // check-config, CNI tap), the exit-code/usage cases and netns files
        "ip" => "ip/([0-9][0-9][05]-|00[1-6]-|15[0-5]-|05[4-8]-|16[3-6]-|34[0-5]-)",
        // version/help, list formats and filters, every kube-proxy -D form,
        // flush, events, create, update, every other usage error, and the two
        // cases compared under their volatile-file masks (052 -S, 160 -U).
        _ => "conntrack/(00[1-4]|0[1-3][05]|036|05[024]|07[0-9]|08[0-5]|095|11[034]|13[024]|15[0235]|16[013]|18[02468]|19[0246])-",
    }
}

pub fn run(f: flags::Golden) -> crate::Result {
    let kind = f.kind.as_str();
    if kind != "ip" && kind != "conntrack" {
        return Err(format!("golden: unknown suite `{kind}` (ip or conntrack)"));
    }
    let only = f.only.clone().unwrap_or_default();
    let result = replay(kind, &only)?;
    println!(
        "golden {kind}: {}/{} cases pass{}",
        result.passed.len(),
        result.selected.len(),
        if only.is_empty() {
            String::new()
        } else {
            format!(" (ONLY={only})")
        }
    );
    if f.ratchet {
        let key = if only.is_empty() { "full" } else { "sample" };
        check_ratchet(&format!("golden-{kind}"), key, result.passed.len())?;
    }
    Ok(())
}

pub struct Outcome {
    pub selected: BTreeSet<String>,
    pub passed: BTreeSet<String>,
}

/// Build kroot, link it as `ip` and `conntrack`, run the harness, count.
pub fn replay(kind: &str, only: &str) -> crate::Result<Outcome> {
    let root = project_root();
    let kroot = build_kroot()?;
    let out = root.join("golden-out").join(kind);
    let bin = out.join("bin");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    for name in ["ip", "conntrack"] {
        std::os::unix::fs::symlink(&kroot, bin.join(name))
            .map_err(|e| format!("link {name}: {e}"))?;
    }
    // What the harness's replay.sh does before it counts (its counting loop
    // normalises every case of the suite, selected or not, so we count
    // ourselves): a private mount namespace with its own /run/netns, the
    // harness, then each selected case with our binaries first in PATH.
    let lib = shared_dir().join("golden/_harness");
    let cases = if kind == "ip" {
        "cases-ip.sh"
    } else {
        "cases-ct.sh"
    };
    let script = format!(
        r#"set -u
mkdir -p /run/netns && mount -t tmpfs kr-netns /run/netns || exit 1
. "$LIB/harness.sh"
runin() {{
  if [ "$1" = "-" ]; then PATH="$CAND:$PATH" sh -c "$2"
  else ip netns exec "$1" env PATH="$CAND:$PATH" sh -c "$2"; fi
}}
. "$LIB/{cases}"
teardown"#
    );
    let log = std::fs::File::create(out.join("run.log")).map_err(|e| format!("run.log: {e}"))?;
    let status = Command::new("unshare")
        .args(["-m", "--propagation", "private", "bash", "-c", &script])
        .env("GOLD", &out)
        .env("LIB", &lib)
        .env("LC_ALL", "C")
        .env("CAND", &bin)
        .env("KIND", kind)
        .env("ONLY", only)
        .env("PATH", fast_path())
        .stdout(log.try_clone().map_err(|e| format!("run.log: {e}"))?)
        .stderr(log)
        .status()
        .map_err(|e| format!("unshare: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the golden harness failed; see {}/run.log",
            out.display()
        ));
    }
    let selected = case_dirs(&out.join(kind));
    let mut failed = BTreeSet::new();
    let mut diffs = String::new();
    for case in &selected {
        let dir = shared_dir().join("golden").join(kind).join(case);
        let masks = CaseMasks::read(&dir);
        for file in COMPARED {
            let want = dir.join(file);
            if !want.exists() || masks.skip(file) {
                continue;
            }
            let got = out.join(kind).join(case).join(file);
            let (w, g) = (
                normalized(kind, &want, false)?,
                normalized(kind, &got, true)?,
            );
            if masks.apply(file, &w) != masks.apply(file, &g) {
                failed.insert(case.clone());
                diffs.push_str(&format!("DIFF {kind}/{case}/{file}\n"));
            }
        }
    }
    let _ = std::fs::write(out.join("diffs.txt"), diffs);
    for c in &failed {
        println!("FAIL {kind}/{c}");
    }
    let passed = selected.difference(&failed).cloned().collect();
    Ok(Outcome { selected, passed })
}

/// PATH with the system directories first: a pyenv shim in front of
/// python3 costs about half a second per call, and the harness calls it often.
fn fast_path() -> String {
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("/usr/sbin:/usr/bin:/sbin:/bin:{rest}")
}

/// Build the debug kroot (into $CARGO_TARGET_DIR or target/) and return its path.
pub fn build_kroot() -> crate::Result<PathBuf> {
    let root = project_root();
    let status = Command::new(crate::cargo())
        .args(["build", "--quiet", "-p", "kroot"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build -p kroot failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("debug/kroot"))
}

/// Masks a case's own `volatile` file documents beyond what normalize.py
/// masks (golden/README.md, "Volatile fields"): `-S` counters that depend on
/// traffic history, and `-U`, whose stdout conntrack 1.4.7 prints only in part
/// ("compare only rc and the stderr count"), and `set -x` traces of a
/// pipeline's two sides, which the shell writes concurrently ("compare stderr
/// as a sorted set").
struct CaseMasks {
    stdout_unstable: bool,
    stats_counters: bool,
    trace_order: bool,
}

impl CaseMasks {
    fn read(case_dir: &Path) -> CaseMasks {
        let v = std::fs::read_to_string(case_dir.join("volatile")).unwrap_or_default();
        CaseMasks {
            stdout_unstable: v.contains("compare only rc and the stderr count"),
            stats_counters: v.contains("counter values depend on traffic history"),
            trace_order: v.contains("compare stderr as a sorted set"),
        }
    }

    fn skip(&self, file: &str) -> bool {
        self.stdout_unstable && file == "stdout"
    }

    /// The masks for one compared file.
    fn apply(&self, file: &str, text: &str) -> String {
        if self.trace_order && file == "stderr" {
            return trace_set(text);
        }
        self.counters(text)
    }

    /// `cpu=N  found=0 insert=2 …` → every counter but the CPU number masked.
    fn counters(&self, text: &str) -> String {
        if !self.stats_counters {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            if !line.starts_with("cpu=") {
                out.push_str(line);
                continue;
            }
            for (i, word) in line.split(' ').enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                match word.split_once('=') {
                    Some((k, v)) if !k.starts_with("cpu") && !v.is_empty() => {
                        let tail = v.trim_start_matches(|c: char| c.is_ascii_digit());
                        out.push_str(&format!("{k}=<N>{tail}"));
                    }
                    _ => out.push_str(word),
                }
            }
        }
        out
    }
}

/// stderr as a sorted set of lines with the `set -x` prefixes taken off: the
/// two sides of a traced pipeline write "+ " and their command line at the
/// same time, so even the prefixes interleave ("+ + grep …" then "ip link show").
fn trace_set(text: &str) -> String {
    let mut lines: Vec<&str> = text
        .lines()
        .map(|l| {
            let mut l = l;
            while let Some(rest) = l.strip_prefix("+ ") {
                l = rest;
            }
            l
        })
        .filter(|l| !l.is_empty())
        .collect();
    lines.sort_unstable();
    lines.join("\n")
}

/// The files of a case that are compared (when the golden has them).
const COMPARED: [&str; 6] = [
    "stdout",
    "stderr",
    "rc",
    "post_stdout",
    "post_stderr",
    "post_rc",
];

/// A file as the harness's normalize.py masks it. On our side the version
/// strings first get the reference tools' words back: the one difference the
/// issues allow (`(kroot X.Y.Z)` where the real tool names itself).
fn normalized(kind: &str, path: &Path, ours: bool) -> crate::Result<String> {
    if !path.exists() {
        return Ok(String::from("<missing>"));
    }
    let norm = shared_dir().join("golden/_harness/normalize.py");
    let input = if ours {
        let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = unversion(&String::from_utf8_lossy(&text));
        let tmp = path.with_extension("unversioned");
        std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
        tmp
    } else {
        path.to_path_buf()
    };
    let out = Command::new("python3")
        .env("PATH", fast_path())
        .arg(&norm)
        .arg(kind)
        .arg(&input)
        .output()
        .map_err(|e| format!("python3 {}: {e}", norm.display()))?;
    if !out.status.success() {
        return Err(format!("normalize.py failed on {}", input.display()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `(kroot 0.1.0)` → the reference tools' own words in their version lines.
fn unversion(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("(kroot ") {
        let Some(j) = rest[i..].find(')') else { break };
        let before = &rest[..i];
        if before.ends_with("iproute2-6.1.0 ") {
            out.push_str(before.trim_end());
            out.push_str(", libbpf 1.1.2");
        } else {
            out.push_str(before);
            out.push_str("(conntrack-tools)");
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

fn case_dirs(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `ci/ratchet/NAME` holds lines `KEY COUNT`; fewer passes than COUNT fails.
pub fn check_ratchet(name: &str, key: &str, passed: usize) -> crate::Result {
    let path = project_root().join("ci/ratchet").join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let floor = text
        .lines()
        .filter_map(|l| l.split_once(' '))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .ok_or_else(|| format!("{}: no `{key} N` line", path.display()))?;
    if passed < floor {
        return Err(format!(
            "{name} {key}: {passed} pass, below the ratchet of {floor}"
        ));
    }
    if passed > floor {
        println!(
            "{name} {key}: {passed} pass, above the ratchet of {floor}: raise it in {}",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_counters_are_masked_but_not_the_cpu() {
        let m = CaseMasks {
            stdout_unstable: false,
            stats_counters: true,
            trace_order: false,
        };
        let a = "cpu=0   \tfound=0 invalid=0 insert=2 \ncpu=1   \tfound=3 invalid=0 insert=0 \n";
        let b = "cpu=0   \tfound=1 invalid=0 insert=0 \ncpu=1   \tfound=0 invalid=0 insert=2 \n";
        assert_eq!(m.apply("stdout", a), m.apply("stdout", b));
        let other_cpu = a.replace("cpu=1", "cpu=2");
        assert_ne!(m.apply("stdout", a), m.apply("stdout", &other_cpu));
        let other_word = a.replace("insert", "inserted");
        assert_ne!(m.apply("stdout", a), m.apply("stdout", &other_word));
    }

    #[test]
    fn traced_pipelines_compare_as_a_set() {
        let m = CaseMasks {
            stdout_unstable: false,
            stats_counters: false,
            trace_order: true,
        };
        let recorded = "+ ip link show\n+ grep master cni0\n+ ip link delete cni0\n";
        let raced = "+ + grep master cni0\nip link show\n+ ip link delete cni0\n";
        assert_eq!(m.apply("stderr", recorded), m.apply("stderr", raced));
        let missing = "+ ip link show\n+ grep master cni0\n";
        assert_ne!(m.apply("stderr", recorded), m.apply("stderr", missing));
        // Only stderr is compared this way.
        assert_ne!(m.apply("stdout", recorded), m.apply("stdout", raced));
    }

    #[test]
    fn version_words() {
        assert_eq!(
            unversion("conntrack v1.4.7 (kroot 0.1.0): 3 flow entries"),
            "conntrack v1.4.7 (conntrack-tools): 3 flow entries"
        );
        assert_eq!(
            unversion("ip utility, iproute2-6.1.0 (kroot 0.1.0)\n"),
            "ip utility, iproute2-6.1.0, libbpf 1.1.2\n"
        );
    }
}
