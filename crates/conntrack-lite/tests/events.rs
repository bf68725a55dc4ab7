// SPDX-License-Identifier: Apache-2.0
//! `conntrack -E` while traffic flows: our listener and the reference
//! conntrack 1.4.7 (installed by .ci/run) listen side by side to the same
//! events and must print the same lines (the `progname=` lookup races with
//! the triggering process's exit, so it is masked); SIGTERM and SIGINT end
//! both cleanly with the "N flow events have been shown." summary, exit 0.

mod common;

use std::io::Read;
use std::process::Child;
use std::time::Duration;

use common::*;

const NFT: &str = r#"
table ip ev {
  chain out { type nat hook output priority -100; policy accept;
    ip daddr 10.43.0.10 udp dport 53 dnat to 10.42.0.5:53
  }
}
"#;

struct Lab {
    node: Netns,
    /// The endpoint; kept so it lives as long as the lab.
    _pod: Netns,
    echo: Child,
    send: std::path::PathBuf,
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.echo.kill();
        let _ = self.echo.wait();
        let _ = std::fs::remove_file(&self.send);
    }
}

fn lab(tag: &str) -> Lab {
    require_root();
    let node = Netns::new(&format!("{tag}n"));
    let pod = Netns::new(&format!("{tag}d"));
    sh_ok(
        "-",
        &format!(
            "ip link add ev1 netns {} type veth peer name eth0 netns {}",
            node.name, pod.name
        ),
    );
    node.sh_ok(
        "ip addr add 10.42.0.1/24 dev ev1 && ip link set ev1 up && \
         ip route add default via 10.42.0.5",
    );
    pod.sh_ok(
        "ip addr add 10.42.0.5/24 dev eth0 && ip link set eth0 up && \
         ip route add default via 10.42.0.1",
    );
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    let nft = dir.join(format!("krct-ev-{tag}-{pid}.nft"));
    std::fs::write(&nft, NFT).expect("write nft");
    node.sh_ok(&format!("nft -f {}", nft.display()));
    let _ = std::fs::remove_file(&nft);
    let echo_py = dir.join(format!("krct-evecho-{tag}-{pid}.py"));
    std::fs::write(&echo_py, UDP_ECHO).expect("write echo");
    let echo = pod.spawn(&["python3", &echo_py.display().to_string(), "10.42.0.5"]);
    let send = dir.join(format!("krct-evsend-{tag}-{pid}.py"));
    std::fs::write(&send, UDP_SEND).expect("write send");
    Lab {
        node,
        _pod: pod,
        echo,
        send,
    }
}

/// Stop a listener with `sig`; its exit code, stdout and stderr.
fn stop(mut c: Child, sig: i32) -> (Option<i32>, String, String) {
    // SAFETY: signalling our own child by pid.
    unsafe { libc::kill(c.id() as i32, sig) };
    let status = c.wait().expect("wait listener");
    let mut out = String::new();
    let mut err = String::new();
    if let Some(mut s) = c.stdout.take() {
        let _ = s.read_to_string(&mut out);
    }
    if let Some(mut s) = c.stderr.take() {
        let _ = s.read_to_string(&mut err);
    }
    (status.code(), out, err)
}

/// Event lines with the racy `progname=` (and timestamps) masked.
fn masked(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| {
            let l = match l.find(" progname=") {
                Some(i) => &l[..i],
                None => l,
            };
            match l.split_once(']') {
                Some((ts, rest)) if ts.starts_with("[1") => format!("[TS]{rest}"),
                _ => l.to_string(),
            }
        })
        .collect()
}

fn traffic(l: &Lab) {
    let ct = conntrack();
    l.node.sh_ok(&format!(
        "{ct} -I -p udp -s 10.99.0.9 -d 10.99.0.2 --sport 1111 --dport 2222 -t 30 2>/dev/null && \
         {ct} -U -s 10.99.0.9 -m 7 >/dev/null 2>&1 && \
         python3 {send} 10.43.0.10 53 40001 >/dev/null && \
         {ct} -D -p udp --sport 1111 >/dev/null 2>&1",
        send = l.send.display()
    ));
}

fn listen(l: &Lab, bin: &str, args: &[&str]) -> Child {
    let mut argv = vec![bin, "-E"];
    argv.extend_from_slice(args);
    l.node.spawn(&argv)
}

fn run_pair(tag: &str, args: &[&str], sig: i32) -> (Vec<String>, String) {
    let l = lab(tag);
    let ours = listen(&l, conntrack(), args);
    let reference = listen(&l, "/usr/sbin/conntrack", args);
    std::thread::sleep(Duration::from_millis(500));
    traffic(&l);
    std::thread::sleep(Duration::from_millis(300));
    let (rc, out, err) = stop(ours, sig);
    let (ref_rc, ref_out, ref_err) = stop(reference, sig);
    assert_eq!(ref_rc, Some(0), "reference conntrack -E: {ref_err}");
    assert_eq!(rc, Some(0), "our conntrack -E: {err}");
    assert_eq!(masked(&out), masked(&ref_out), "event lines differ");
    let n = out.lines().count();
    let want =
        |tool: &str| format!("conntrack v1.4.7 ({tool}): {n} flow events have been shown.\n");
    assert_eq!(err, want(&format!("kroot {}", env!("CARGO_PKG_VERSION"))));
    assert_eq!(ref_err, want("conntrack-tools"));
    (masked(&out), out)
}

#[test]
fn events_match_the_reference_and_sigterm_ends_cleanly() {
    let (lines, raw) = run_pair("ea", &[], libc::SIGTERM);
    // userspace NEW/UPDATE/DESTROY of the -I/-U/-D entry, and the kernel's
    // NEW/UPDATE for the DNATed flow (no [USERSPACE] tag: portid 0).
    let has = |prefix: &str, needle: &str| {
        lines
            .iter()
            .any(|l| l.starts_with(prefix) && l.contains(needle))
    };
    assert!(has("    [NEW] udp      17 30 src=10.99.0.9 dst=10.99.0.2 sport=1111 dport=2222 [UNREPLIED] src=10.99.0.2 dst=10.99.0.9 sport=2222 dport=1111 mark=0 [USERSPACE] portid=", ""), "{raw}");
    assert!(
        has(" [UPDATE] udp      17 ", "mark=7 [USERSPACE] portid="),
        "{raw}"
    );
    assert!(
        has(
            "[DESTROY] udp      17 ",
            "sport=1111 dport=2222 [UNREPLIED]"
        ),
        "{raw}"
    );
    assert!(
        has("    [NEW] udp      17 30 src=10.42.0.1 dst=10.43.0.10 sport=40001 dport=53 [UNREPLIED] src=10.42.0.5 dst=10.42.0.1 sport=53 dport=40001", ""),
        "{raw}"
    );
    assert!(
        has(
            " [UPDATE] udp      17 ",
            "src=10.42.0.5 dst=10.42.0.1 sport=53 dport=40001"
        ),
        "{raw}"
    );
}

#[test]
fn event_mask_filter_timestamp_and_sigint() {
    let (lines, raw) = run_pair(
        "eb",
        &["-e", "NEW", "-p", "udp", "-o", "timestamp"],
        libc::SIGINT,
    );
    assert_eq!(lines.len(), 2, "{raw}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("[TS]\t    [NEW] udp      17 30 ")),
        "{raw}"
    );
}

#[test]
fn idle_listener_prints_zero_events() {
    let l = lab("ec");
    let ours = listen(&l, conntrack(), &[]);
    std::thread::sleep(Duration::from_millis(300));
    let (rc, out, err) = stop(ours, libc::SIGTERM);
    assert_eq!(rc, Some(0));
    assert_eq!(out, "");
    assert_eq!(
        err,
        format!(
            "conntrack v1.4.7 (kroot {}): 0 flow events have been shown.\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    drop(l);
}
