// SPDX-License-Identifier: Apache-2.0
//! A throwaway named network namespace for one corpus file, and running the
//! nft under test inside it (`nsenter --net`, with TZ=UTC-2 as upstream's runner).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Netns {
    name: String,
    nft: PathBuf,
}

/// What one nft call gave back.
pub struct Run {
    pub rc: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Netns {
    pub fn new(nft: &Path, tag: usize) -> crate::Result<Netns> {
        let name = format!("kroot-conf-{}-{tag}", std::process::id());
        let _ = Command::new("ip")
            .args(["netns", "del", &name])
            .stderr(Stdio::null())
            .status();
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .map_err(|e| format!("ip netns add: {e}"))?
            .success();
        if !ok {
            return Err(format!("ip netns add {name} failed"));
        }
        Ok(Netns {
            name,
            nft: nft.to_path_buf(),
        })
    }

    /// Run any command inside the namespace (setup: links for `device "x"`).
    pub fn sh(&self, script: &str) -> bool {
        Command::new("nsenter")
            .arg(format!("--net=/run/netns/{}", self.name))
            .args(["sh", "-c", script])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// Run the nft under test with `args`, optionally feeding `stdin`.
    pub fn nft(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = Command::new("nsenter");
        cmd.arg(format!("--net=/run/netns/{}", self.name))
            .arg("env")
            .arg("TZ=UTC-2")
            .arg(&self.nft)
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = cmd.spawn();
        let out = child.and_then(|mut c| {
            if let (Some(text), Some(mut pipe)) = (stdin, c.stdin.take()) {
                let _ = pipe.write_all(text.as_bytes());
            }
            c.wait_with_output()
        });
        match out {
            Ok(o) => Run {
                // A signal (crash) has no code: report it as 128+N like a shell.
                rc: o.status.code().unwrap_or_else(|| {
                    128 + std::os::unix::process::ExitStatusExt::signal(&o.status).unwrap_or(0)
                }),
                stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            },
            Err(e) => Run {
                rc: 127,
                stdout: String::new(),
                stderr: format!("spawn failed: {e}"),
            },
        }
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .stderr(Stdio::null())
            .status();
    }
}
