// SPDX-License-Identifier: Apache-2.0
//! Memory footprint of one run: the peak of a memory cgroup of its own.
//!
//! wait4's peak RSS counts pages mapped into the process; a process can hold
//! memory outside it (memory files it never maps, page cache it fills). The
//! cgroup's peak charge counts all of that, plus the kernel memory the command
//! makes the kernel allocate (for a load: the ruleset itself, the same for both
//! tools). cgroup v2 (`memory.peak`) and v1 (`memory.max_usage_in_bytes`).

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;

/// A fresh child cgroup, removed when dropped.
pub struct MemCg {
    dir: PathBuf,
    peak_file: &'static str,
    procs: File,
}

impl MemCg {
    /// None when this machine gives us no memory cgroup to nest in.
    pub fn new(tag: usize) -> Option<MemCg> {
        let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
        let (base, peak_file) = own
            .lines()
            .find_map(|l| {
                let mut f = l.splitn(3, ':');
                let (_, ctrl, path) = (f.next()?, f.next()?, f.next()?);
                if ctrl.split(',').any(|c| c == "memory") {
                    Some((
                        format!("/sys/fs/cgroup/memory{path}"),
                        "memory.max_usage_in_bytes",
                    ))
                } else {
                    None
                }
            })
            .or_else(|| {
                let path = own.lines().find_map(|l| l.strip_prefix("0::"))?;
                let base = format!("/sys/fs/cgroup{path}");
                std::path::Path::new(&base)
                    .join("memory.peak")
                    .exists()
                    .then_some((base, "memory.peak"))
            })?;
        let dir = PathBuf::from(base).join(format!("kroot-bench-{}-{tag}", std::process::id()));
        std::fs::create_dir(&dir).ok()?;
        let procs = match std::fs::OpenOptions::new()
            .write(true)
            .open(dir.join("cgroup.procs"))
        {
            Ok(f) => f,
            Err(_) => {
                let _ = std::fs::remove_dir(&dir);
                return None;
            }
        };
        Some(MemCg {
            dir,
            peak_file,
            procs,
        })
    }

    /// The descriptor a child writes "0" to (itself) between fork and exec.
    pub fn procs_fd(&self) -> i32 {
        self.procs.as_raw_fd()
    }

    /// Peak charge in KiB.
    pub fn peak_kb(&self) -> Option<u64> {
        let text = std::fs::read_to_string(self.dir.join(self.peak_file)).ok()?;
        text.trim().parse::<u64>().ok().map(|b| b / 1024)
    }
}

impl Drop for MemCg {
    fn drop(&mut self) {
        // The child has been reaped: the group is empty and can go.
        let _ = std::fs::remove_dir(&self.dir);
    }
}
