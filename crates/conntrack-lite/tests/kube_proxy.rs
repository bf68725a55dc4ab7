// SPDX-License-Identifier: Apache-2.0
//! kube-proxy's four `conntrack -D` forms (Kubernetes ≤ 1.31) against real
//! UDP flows through ClusterIP and NodePort DNAT, IPv4 and IPv6 at once:
//! each form deletes exactly the flows it names (checked with `-L` before and
//! after), prints them, reports the count on stderr, and exits 1 with
//! "0 flow entries have been deleted." when nothing matches.

mod common;

use std::collections::BTreeSet;

use common::*;

/// node (10.99.0.2, fd99::2) between peer (10.99.0.1, fd99::1) and a pod
/// holding both endpoints (10.42.0.5/.6, fd42::5/::6).
struct Lab {
    node: Netns,
    peer: Netns,
    /// Holds both endpoints; kept so it lives as long as the lab.
    _pod: Netns,
    echo: std::process::Child,
    send: std::path::PathBuf,
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.echo.kill();
        let _ = self.echo.wait();
        let _ = std::fs::remove_file(&self.send);
    }
}

const NFT: &str = r#"
table ip kp {
  chain pre { type nat hook prerouting priority dstnat; policy accept;
    ip daddr 10.99.0.2 udp dport 30053 udp sport 42001 dnat to 10.42.0.5:53
    ip daddr 10.99.0.2 udp dport 30053 dnat to 10.42.0.6:53
  }
  chain out { type nat hook output priority -100; policy accept;
    ip daddr 10.43.0.10 udp dport 53 dnat to 10.42.0.5:53
    ip daddr 10.43.0.11 udp dport 53 udp sport 41001 dnat to 10.42.0.5:53
    ip daddr 10.43.0.11 udp dport 53 dnat to 10.42.0.6:53
  }
}
table ip6 kp6 {
  chain pre { type nat hook prerouting priority dstnat; policy accept;
    ip6 daddr fd99::2 udp dport 30053 udp sport 42001 dnat to [fd42::5]:53
    ip6 daddr fd99::2 udp dport 30053 dnat to [fd42::6]:53
  }
  chain out { type nat hook output priority -100; policy accept;
    ip6 daddr fd43::a udp dport 53 dnat to [fd42::5]:53
    ip6 daddr fd43::b udp dport 53 udp sport 41001 dnat to [fd42::5]:53
    ip6 daddr fd43::b udp dport 53 dnat to [fd42::6]:53
  }
}
"#;

fn lab(tag: &str) -> Lab {
    require_root();
    let node = Netns::new(&format!("{tag}n"));
    let peer = Netns::new(&format!("{tag}p"));
    let pod = Netns::new(&format!("{tag}d"));
    let (n, p, d) = (&node.name, &peer.name, &pod.name);
    sh_ok(
        "-",
        &format!(
            "ip link add kp0 netns {n} type veth peer name eth0 netns {p} && \
             ip link add kp1 netns {n} type veth peer name eth0 netns {d}"
        ),
    );
    node.sh_ok(
        "sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 && \
         ip addr add 10.99.0.2/24 dev kp0 && ip addr add fd99::2/64 dev kp0 nodad && \
         ip addr add 10.42.0.1/24 dev kp1 && ip addr add fd42::1/64 dev kp1 nodad && \
         ip link set kp0 up && ip link set kp1 up && \
         ip route add default via 10.99.0.1 && ip -6 route add default via fd99::1",
    );
    peer.sh_ok(
        "ip addr add 10.99.0.1/24 dev eth0 && ip addr add fd99::1/64 dev eth0 nodad && \
         ip link set eth0 up",
    );
    pod.sh_ok(
        "ip addr add 10.42.0.5/24 dev eth0 && ip addr add 10.42.0.6/24 dev eth0 && \
         ip addr add fd42::5/64 dev eth0 nodad && ip addr add fd42::6/64 dev eth0 nodad && \
         ip link set eth0 up && ip route add default via 10.42.0.1 && \
         ip -6 route add default via fd42::1",
    );
    let dir = std::env::temp_dir();
    let nft = dir.join(format!("krct-kp-{tag}-{}.nft", std::process::id()));
    std::fs::write(&nft, NFT).expect("write nft");
    node.sh_ok(&format!("nft -f {}", nft.display()));
    let _ = std::fs::remove_file(&nft);
    let echo_py = dir.join(format!("krct-echo-{tag}-{}.py", std::process::id()));
    std::fs::write(&echo_py, UDP_ECHO).expect("write echo");
    let echo_path = echo_py.display().to_string();
    let echo = pod.spawn(&[
        "python3",
        &echo_path,
        "10.42.0.5",
        "10.42.0.6",
        "fd42::5",
        "fd42::6",
    ]);
    let send = dir.join(format!("krct-send-{tag}-{}.py", std::process::id()));
    std::fs::write(&send, UDP_SEND).expect("write send");
    Lab {
        node,
        peer,
        _pod: pod,
        echo,
        send,
    }
}

impl Lab {
    /// One flow: `from` sends to dst:dport from sport and gets the echo
    /// back, from the address it sent to (the reply is un-NATed).
    fn flow(&self, from: &Netns, dst: &str, dport: u16, sport: u16) {
        let answered = from.sh_ok(&format!(
            "python3 {} {dst} {dport} {sport}",
            self.send.display()
        ));
        assert_eq!(
            answered.trim(),
            dst,
            "echo for {dst}:{dport} from port {sport}"
        );
    }

    /// The flows -L shows, as "ORIG-SRC:SPORT->ORIG-DST:DPORT=>REPLY-SRC".
    fn flows(&self) -> BTreeSet<String> {
        let o = self.node.conntrack(&["-L", "-p", "udp"]);
        assert!(o.status.success(), "conntrack -L: {}", text(&o.stderr));
        text(&o.stdout).lines().map(key).collect()
    }

    fn delete(&self, args: &[&str]) -> (i32, BTreeSet<String>, String) {
        let mut a = vec!["-D"];
        a.extend_from_slice(args);
        let o = self.node.conntrack(&a);
        let printed = text(&o.stdout).lines().map(key).collect();
        (o.status.code().unwrap_or(-1), printed, text(&o.stderr))
    }
}

/// A flow line reduced to its identity.
fn key(line: &str) -> String {
    let f: Vec<&str> = line.split_whitespace().collect();
    let get = |k: &str, nth: usize| -> String {
        f.iter()
            .filter_map(|w| w.strip_prefix(k))
            .nth(nth)
            .unwrap_or("?")
            .to_string()
    };
    format!(
        "{}:{}->{}:{}=>{}",
        get("src=", 0),
        get("sport=", 0),
        get("dst=", 0),
        get("dport=", 0),
        get("src=", 1)
    )
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn version() -> String {
    format!("conntrack v1.4.7 (kroot {})", env!("CARGO_PKG_VERSION"))
}

#[test]
fn the_four_delete_forms_ipv4_and_ipv6() {
    let l = lab("kp");
    // ClusterIP flows from the node (DNAT in output) and NodePort flows from
    // the peer (DNAT in prerouting), for both families, plus direct flows.
    for (svc_a, svc_b, node_ip, pod1) in [
        ("10.43.0.10", "10.43.0.11", "10.99.0.2", "10.42.0.5"),
        ("fd43::a", "fd43::b", "fd99::2", "fd42::5"),
    ] {
        l.flow(&l.node, svc_a, 53, 40001);
        l.flow(&l.node, svc_b, 53, 41001);
        l.flow(&l.node, svc_b, 53, 41002);
        l.flow(&l.peer, node_ip, 30053, 42001);
        l.flow(&l.peer, node_ip, 30053, 42002);
        l.flow(&l.node, pod1, 53, 43001);
    }
    let all = l.flows();
    let want_all = set(&[
        "10.99.0.2:40001->10.43.0.10:53=>10.42.0.5",
        "10.99.0.2:41001->10.43.0.11:53=>10.42.0.5",
        "10.99.0.2:41002->10.43.0.11:53=>10.42.0.6",
        "10.99.0.1:42001->10.99.0.2:30053=>10.42.0.5",
        "10.99.0.1:42002->10.99.0.2:30053=>10.42.0.6",
        "10.42.0.1:43001->10.42.0.5:53=>10.42.0.5",
        "fd99::2:40001->fd43::a:53=>fd42::5",
        "fd99::2:41001->fd43::b:53=>fd42::5",
        "fd99::2:41002->fd43::b:53=>fd42::6",
        "fd99::1:42001->fd99::2:30053=>fd42::5",
        "fd99::1:42002->fd99::2:30053=>fd42::6",
        "fd42::1:43001->fd42::5:53=>fd42::5",
    ]);
    assert_eq!(all, want_all, "flows before any delete");

    let mut left = all.clone();
    let steps: Vec<(Vec<&str>, Vec<&str>)> = vec![
        // ClearEntriesForNAT: one endpoint of a ClusterIP went away
        (
            vec![
                "--orig-dst",
                "10.43.0.11",
                "--dst-nat",
                "10.42.0.6",
                "-p",
                "udp",
            ],
            vec!["10.99.0.2:41002->10.43.0.11:53=>10.42.0.6"],
        ),
        (
            vec![
                "--orig-dst",
                "fd43::b",
                "--dst-nat",
                "fd42::6",
                "-p",
                "udp",
                "-f",
                "ipv6",
            ],
            vec!["fd99::2:41002->fd43::b:53=>fd42::6"],
        ),
        // ClearEntriesForPortNAT: one endpoint of a NodePort went away
        (
            vec!["-p", "udp", "--dport", "30053", "--dst-nat", "10.42.0.6"],
            vec!["10.99.0.1:42002->10.99.0.2:30053=>10.42.0.6"],
        ),
        (
            vec![
                "-p",
                "udp",
                "--dport",
                "30053",
                "--dst-nat",
                "fd42::6",
                "-f",
                "ipv6",
            ],
            vec!["fd99::1:42002->fd99::2:30053=>fd42::6"],
        ),
        // ClearEntriesForIP: a ClusterIP gained endpoints or was deleted
        (
            vec!["--orig-dst", "10.43.0.10", "-p", "udp"],
            vec!["10.99.0.2:40001->10.43.0.10:53=>10.42.0.5"],
        ),
        (
            vec!["--orig-dst", "fd43::a", "-p", "udp", "-f", "ipv6"],
            vec!["fd99::2:40001->fd43::a:53=>fd42::5"],
        ),
        // ClearEntriesForPort: with -f ipv6 only the IPv6 NodePort flows go
        (
            vec!["-p", "udp", "--dport", "30053", "-f", "ipv6"],
            vec!["fd99::1:42001->fd99::2:30053=>fd42::5"],
        ),
        (
            vec!["-p", "udp", "--dport", "30053"],
            vec!["10.99.0.1:42001->10.99.0.2:30053=>10.42.0.5"],
        ),
    ];
    for (args, gone) in steps {
        let gone = set(&gone);
        let (rc, printed, stderr) = l.delete(&args);
        assert_eq!(rc, 0, "{args:?}: {stderr}");
        assert_eq!(printed, gone, "{args:?} printed");
        assert_eq!(
            stderr,
            format!(
                "{}: {} flow entries have been deleted.\n",
                version(),
                gone.len()
            ),
            "{args:?}"
        );
        left = left.difference(&gone).cloned().collect();
        assert_eq!(l.flows(), left, "after {args:?}");
        // the same form again matches nothing: rc 1 and the sentence kube-proxy greps
        let (rc, printed, stderr) = l.delete(&args);
        assert_eq!(rc, 1, "{args:?} again");
        assert!(printed.is_empty());
        assert_eq!(
            stderr,
            format!("{}: 0 flow entries have been deleted.\n", version())
        );
    }
    // ClusterIP flows to svc B's remaining endpoint and the direct flows are untouched.
    assert_eq!(
        left,
        set(&[
            "10.99.0.2:41001->10.43.0.11:53=>10.42.0.5",
            "10.42.0.1:43001->10.42.0.5:53=>10.42.0.5",
            "fd99::2:41001->fd43::b:53=>fd42::5",
            "fd42::1:43001->fd42::5:53=>fd42::5",
        ])
    );
    drop(l);
}

#[test]
fn dport_without_family_hits_both_families_and_usage_errors_change_nothing() {
    let l = lab("kq");
    l.flow(&l.peer, "10.99.0.2", 30053, 42001);
    l.flow(&l.peer, "fd99::2", 30053, 42001);
    let before = l.flows();
    assert_eq!(before.len(), 2);
    // usage errors: exit 2, conntrack's texts, nothing deleted
    for (args, msg) in [
        (
            vec!["--orig-dst", "10.43.0.300", "-p", "udp"],
            "Invalid IP address `10.43.0.300'",
        ),
        (vec!["--dport", "30053"], "unknown option `--dport'"),
        (
            vec!["--orig-dst", "10.43.0.10", "-p", "udp", "-f", "ipv6"],
            "mismatched address family",
        ),
        (
            vec!["-p", "bogus", "--dport", "53"],
            "`bogus' unsupported protocol",
        ),
    ] {
        let (rc, printed, stderr) = l.delete(&args);
        assert_eq!(rc, 2, "{args:?}");
        assert!(printed.is_empty());
        assert_eq!(
            stderr,
            format!(
                "{}: {msg}\nTry `conntrack -h' or 'conntrack --help' for more information.\n",
                version()
            )
        );
        assert_eq!(l.flows(), before);
    }
    let (rc, printed, _) = l.delete(&["-p", "udp", "--dport", "30053"]);
    assert_eq!(rc, 0);
    assert_eq!(printed, before);
    assert!(l.flows().is_empty());
}
