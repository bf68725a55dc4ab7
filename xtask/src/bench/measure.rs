// SPDX-License-Identifier: Apache-2.0
//! One timed run of a command inside a named network namespace: wall clock from
//! spawn to reap, user/sys time and peak RSS from wait4(2)'s rusage of that one
//! child. The child is `nsenter --net=… CMD`; nsenter execs CMD in the same
//! process, so the rusage is CMD's (plus nsenter's start, about 4 MB here,
//! measured as the `floor` line so small RSS figures can be read against it).

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

#[derive(Clone, Copy, Debug, Default)]
pub struct Sample {
    pub wall: f64,
    pub user: f64,
    pub sys: f64,
    /// Peak RSS in KiB.
    pub rss_kb: u64,
    /// Peak charge of the run's own memory cgroup in KiB (0: not measured).
    pub mem_kb: u64,
}

/// Run `argv` in netns `ns` (stdin from `input`, stdout discarded). Err with
/// the first stderr line if the command fails: a failed run is not a timing.
pub fn run(ns: &str, argv: &[String], input: Option<&Path>) -> crate::Result<Sample> {
    let stdin = match input {
        Some(p) => Stdio::from(File::open(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => Stdio::null(),
    };
    let errfile = std::env::temp_dir().join(format!("kroot-bench-{}.err", std::process::id()));
    let err = File::create(&errfile).map_err(|e| format!("{}: {e}", errfile.display()))?;
    let cg = super::memcg::MemCg::new(0);
    let mut cmd = Command::new("nsenter");
    cmd.arg(format!("--net=/run/netns/{ns}"))
        .args(argv)
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(Stdio::from(err));
    if let Some(fd) = cg.as_ref().map(|c| c.procs_fd()) {
        // SAFETY: between fork and exec only write(2) runs, on a descriptor opened
        // before the fork; it moves the child into its own memory cgroup.
        unsafe {
            cmd.pre_exec(move || {
                if libc::write(fd, b"0".as_ptr().cast(), 1) != 1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let start = Instant::now();
    let child = cmd
        .spawn()
        .map_err(|e| format!("spawn {}: {e}", argv.join(" ")))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let wall = start.elapsed().as_secs_f64();
    if got != pid {
        return Err(format!("wait4 failed for {}", argv.join(" ")));
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if !ok {
        let text = std::fs::read_to_string(&errfile).unwrap_or_default();
        let _ = std::fs::remove_file(&errfile);
        return Err(format!(
            "`{}` failed: {}",
            argv.join(" "),
            text.lines().next().unwrap_or("(no stderr)")
        ));
    }
    let _ = std::fs::remove_file(&errfile);
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Sample {
        wall,
        user: secs(ru.ru_utime),
        sys: secs(ru.ru_stime),
        rss_kb: ru.ru_maxrss as u64,
        mem_kb: cg.and_then(|c| c.peak_kb()).unwrap_or(0),
    })
}

/// Median of each field separately.
pub fn median(samples: &[Sample]) -> Sample {
    let pick = |f: &dyn Fn(&Sample) -> f64| {
        let mut v: Vec<f64> = samples.iter().map(f).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        if v.is_empty() {
            0.0
        } else {
            v[v.len() / 2]
        }
    };
    Sample {
        wall: pick(&|s| s.wall),
        user: pick(&|s| s.user),
        sys: pick(&|s| s.sys),
        rss_kb: pick(&|s| s.rss_kb as f64) as u64,
        mem_kb: pick(&|s| s.mem_kb as f64) as u64,
    }
}

/// A named namespace that is deleted again when dropped.
pub struct Netns(pub String);

impl Netns {
    pub fn new(tag: &str) -> crate::Result<Netns> {
        let name = format!("kroot-bench-{}-{tag}", std::process::id());
        let _ = Command::new("ip")
            .args(["netns", "del", &name])
            .stderr(Stdio::null())
            .status();
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            return Err(format!("ip netns add {name} failed"));
        }
        Ok(Netns(name))
    }

    /// Setup with the system tools (not timed).
    pub fn sh(&self, script: &str) -> crate::Result {
        let out = Command::new("nsenter")
            .arg(format!("--net=/run/netns/{}", self.0))
            .args(["sh", "-c", script])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("setup: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "setup `{}` failed: {}",
                script.lines().next().unwrap_or(""),
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            ));
        }
        Ok(())
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.0])
            .stderr(Stdio::null())
            .status();
    }
}
