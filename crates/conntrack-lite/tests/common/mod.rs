// SPDX-License-Identifier: Apache-2.0
//! Test helpers: throwaway network namespaces (created with `ip netns add`,
//! deleted on drop), commands run inside them, and the `conntrack` binary
//! under test. Needs root, as CI runs the tests.

#![allow(dead_code)]

use std::process::{Command, Output, Stdio};

/// The binary under test.
pub fn conntrack() -> &'static str {
    env!("CARGO_BIN_EXE_conntrack")
}

/// A named netns that disappears with the value.
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new(tag: &str) -> Netns {
        let name = format!("krct-{tag}-{}", std::process::id());
        let _ = Command::new("ip").args(["netns", "del", &name]).output();
        sh_ok("-", &format!("ip netns add {name}"));
        let ns = Netns { name };
        ns.sh_ok("ip link set lo up");
        ns
    }

    /// Run `sh -c script` inside the namespace.
    pub fn sh(&self, script: &str) -> Output {
        sh(&self.name, script)
    }

    /// Like `sh`, panicking with the output when it fails.
    pub fn sh_ok(&self, script: &str) -> String {
        sh_ok(&self.name, script)
    }

    /// Run our conntrack with `args` inside the namespace.
    pub fn conntrack(&self, args: &[&str]) -> Output {
        Command::new("ip")
            .args(["netns", "exec", &self.name, conntrack()])
            .args(args)
            .env("LC_ALL", "C")
            .output()
            .expect("ip netns exec")
    }

    /// A spawned command inside the namespace (for servers and listeners).
    pub fn spawn(&self, argv: &[&str]) -> std::process::Child {
        Command::new("ip")
            .args(["netns", "exec", &self.name])
            .args(argv)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn in netns")
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}

pub fn sh(ns: &str, script: &str) -> Output {
    let mut c = if ns == "-" {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    } else {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns, "sh", "-c", script]);
        c
    };
    c.env("LC_ALL", "C").output().expect("sh")
}

pub fn sh_ok(ns: &str, script: &str) -> String {
    let o = sh(ns, script);
    assert!(
        o.status.success(),
        "`{script}` in {ns} failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// These tests build namespaces: they need root (CI runs them as root).
pub fn require_root() {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(euid, 0, "conntrack netns tests must run as root");
}

/// Python: send one UDP datagram from `sport` to `dst`:`dport` (retrying
/// until the echo comes back), print the address that answered.
pub const UDP_SEND: &str = r#"
import socket, sys
dst, dport, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fam = socket.AF_INET6 if ':' in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind(('::' if fam == socket.AF_INET6 else '0.0.0.0', sport))
s.settimeout(0.3)
for _ in range(30):
    s.sendto(b'ping', (dst, dport))
    try:
        data, peer = s.recvfrom(100)
        print(peer[0]); sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)
"#;

/// Python: UDP echo on port 53 of every address given.
pub const UDP_ECHO: &str = r#"
import socket, select, sys
socks = []
for a in sys.argv[1:]:
    fam = socket.AF_INET6 if ':' in a else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a, 53))
    socks.append(s)
while True:
    r, _, _ = select.select(socks, [], [])
    for s in r:
        data, peer = s.recvfrom(100)
        s.sendto(data, peer)
"#;
