// SPDX-License-Identifier: Apache-2.0
//! k3s-killall.sh's `ip` lines (CATALOG.md #1–#3, golden ip/152–154) run
//! against our `ip` must remove exactly what they remove with iproute2.
//!
//! Each run happens in a private mount namespace with a tmpfs on
//! /run/netns, inside namespaces built here (a node, an upstream peer and
//! two pods wired to a cni0 bridge, flannel vxlan devices) with the system
//! `ip`, and torn down at the end. Needs root and iproute2 (CI has both).

use std::path::PathBuf;
use std::process::Command;

const TOPOLOGY: &str = r#"
set -e
for ns in kt-node kt-peer cni-0a1b2c3d cni-4e5f6a7b; do $SYSIP netns add $ns; $SYSIP -n $ns link set lo up; done
$SYSIP -n kt-node link add eth0 type veth peer name eth0 netns kt-peer
$SYSIP -n kt-node addr add 10.99.0.2/24 dev eth0
$SYSIP -n kt-node link set eth0 up
$SYSIP -n kt-peer link set eth0 up
$SYSIP -n kt-node link add cni0 type bridge
$SYSIP -n kt-node addr add 10.42.0.1/24 dev cni0
$SYSIP -n kt-node link set cni0 up
for p in 0a1b2c3d 4e5f6a7b; do
  $SYSIP -n kt-node link add veth$p type veth peer name eth0 netns cni-$p
  $SYSIP -n kt-node link set veth$p master cni0
  $SYSIP -n kt-node link set veth$p up
  $SYSIP -n cni-$p link set eth0 up
done
$SYSIP -n kt-node link add flannel.1 type vxlan id 1 local 10.99.0.2 dev eth0 dstport 8472 nolearning
$SYSIP -n kt-node link set flannel.1 up
$SYSIP -n kt-node link add flannel-v6.1 type vxlan id 2 dev eth0 dstport 8472 nolearning
$SYSIP -n kt-node link add keep0 type bridge
set +e
"#;

/// remove_interfaces() and the netns part of k3s-killall.sh, verbatim.
const KILLALL: &str = r#"
ip link show 2>/dev/null | grep 'master cni0' | while read ignore iface ignore; do
    iface=${iface%%@*}
    [ -z "$iface" ] || ip link delete $iface
done
ip link delete cni0
ip link delete flannel.1
ip link delete flannel-v6.1
ip link delete kube-ipvs0
ip link delete flannel-wg
ip link delete flannel-wg-v6
ip netns show 2>/dev/null | grep cni- | xargs -r -n 1 ip netns delete
true
"#;

/// State read back with the system ip: node links, then netns names.
const READBACK: &str = r#"
echo "links:"; $SYSIP -n kt-node -o link show | awk '{print $2}' | sed 's/@.*//; s/:$//' | sort
echo "netns:"; $SYSIP netns list | awk '{print $1}' | sort
for ns in $($SYSIP netns list | awk '{print $1}'); do $SYSIP netns delete $ns; done
"#;

fn system_ip() -> Option<String> {
    ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
}

/// Build the topology, run the killall lines with `ip_dir` first in PATH
/// (inside the node netns), read the state back. Returns (state, stderr).
fn run_with(sysip: &str, ip_dir: &str) -> (String, String) {
    let script = format!(
        "mount -t tmpfs kt-netns /run/netns || exit 97\n{TOPOLOGY}\n\
         $SYSIP netns exec kt-node env PATH={ip_dir}:$PATH sh -c '{}'\n{READBACK}",
        KILLALL.replace('\'', "'\\''")
    );
    let out = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", &script])
        .env("SYSIP", sysip)
        .env("LC_ALL", "C")
        .output()
        .expect("unshare runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn our_ip_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kroot-ip-killall-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_ip"), dir.join("ip")).expect("link ip");
    dir
}

#[test]
fn killall_removes_what_iproute2_removes() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this test needs root (network and mount namespaces)"
    );
    let sysip = system_ip().expect("iproute2's ip is needed to build the topology");
    let sys_dir = std::path::Path::new(&sysip)
        .parent()
        .expect("dir")
        .to_string_lossy()
        .into_owned();
    let ours = our_ip_dir();

    let (want, want_err) = run_with(&sysip, &sys_dir);
    let (got, got_err) = run_with(&sysip, &ours.to_string_lossy());
    let _ = std::fs::remove_dir_all(&ours);

    // What iproute2 leaves: lo, eth0 and the unrelated bridge; the two
    // non-pod netns.
    let expected = "links:\neth0\nkeep0\nlo\nnetns:\nkt-node\nkt-peer\n";
    assert_eq!(
        want, expected,
        "reference run (iproute2) stderr:\n{want_err}"
    );
    assert_eq!(
        got, want,
        "our ip left a different state; stderr:\n{got_err}"
    );
    // Missing devices are reported the iproute2 way, and only those.
    for dev in ["kube-ipvs0", "flannel-wg", "flannel-wg-v6"] {
        let line = format!("Cannot find device \"{dev}\"");
        assert!(got_err.contains(&line), "missing `{line}` in:\n{got_err}");
    }
    let cannot = got_err
        .lines()
        .filter(|l| l.starts_with("Cannot find device"))
        .count();
    assert_eq!(cannot, 3, "unexpected failures:\n{got_err}");
}
