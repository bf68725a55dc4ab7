// SPDX-License-Identifier: Apache-2.0
//! Kernel round trips, each in a network namespace of its own (the test
//! thread unshares its netns; children it starts inherit it). The reference
//! `nft` (installed by .ci/run) loads a kube-proxy-like ruleset; our dumps must
//! print exactly the rule text its `--debug=netlink` listing prints.

use std::process::Command;

use super::consts::*;
use crate::socket::Socket;

/// Run `f` on a thread that lives in a fresh network namespace.
fn in_netns<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    std::thread::spawn(move || {
        // SAFETY: unshare only changes this thread's namespace membership.
        if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
            return None;
        }
        Some(f())
    })
    .join()
    .ok()
    .flatten()
}

const RULESET: &str = r#"add table ip kube-proxy { comment "rules for kube-proxy" ; }
add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }
add chain ip kube-proxy mark-for-masquerade
add chain ip kube-proxy masquerading
add chain ip kube-proxy services
add chain ip kube-proxy ep1
add chain ip kube-proxy ep2
add chain ip kube-proxy filt
add set ip kube-proxy cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }
add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP" ; }
add set ip kube-proxy aff { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }
add rule ip kube-proxy nat-prerouting jump services
add rule ip kube-proxy filter-input ct state new jump filt
add rule ip kube-proxy mark-for-masquerade mark set mark or 0x004000
add rule ip kube-proxy masquerading mark and 0x004000 == 0 return
add rule ip kube-proxy masquerading mark set mark xor 0x004000
add rule ip kube-proxy masquerading masquerade fully-random
add rule ip kube-proxy filt ip daddr @cluster-ips reject comment "Reject traffic"
add rule ip kube-proxy filt ip daddr { 172.30.0.0/16 } drop comment "Drop"
add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
add rule ip kube-proxy services ip daddr 172.30.0.1 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy services numgen random mod 2 vmap { 0 : goto ep1 , 1 : goto ep2 }
add rule ip kube-proxy ep1 meta l4proto tcp dnat to 10.64.0.1:8080
add rule ip kube-proxy ep1 update @aff { ip saddr }
add rule ip kube-proxy ep1 ip saddr @aff goto ep2
add rule ip kube-proxy filt ip saddr != { 1.2.3.4 , 5.6.7.8 } drop
add rule ip kube-proxy filt fib saddr type local jump mark-for-masquerade comment "local"
add rule ip kube-proxy ep2 counter
add element ip kube-proxy service-ips { 172.30.0.1 . tcp . 80 : goto ep1 }
add element ip kube-proxy cluster-ips { 172.30.0.1, 172.30.0.2 }
"#;

fn oracle(args: &[&str], stdin: Option<&str>) -> Option<String> {
    use std::io::Write;
    let mut cmd = Command::new("nft");
    cmd.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().ok()?;
    if let Some(s) = stdin {
        child.stdin.take()?.write_all(s.as_bytes()).ok()?;
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().ok()?;
    assert!(out.status.success(), "reference nft {args:?} failed");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The rule blocks of `nft --debug=netlink list …` (a header line naming the
/// family, table, chain and handle, then `  [ … ]` and userdata lines).
fn rule_blocks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("ip kube-proxy ") && !line.contains(" @") {
            if let Some(c) = cur.take() {
                out.push(c);
            }
            cur = Some(format!("{line}\n"));
        } else if line.starts_with("  ") {
            if let Some(c) = cur.as_mut() {
                c.push_str(line);
                c.push('\n');
            }
        } else if let Some(c) = cur.take() {
            out.push(c);
        }
    }
    out.extend(cur);
    out
}

#[test]
fn dumps_match_reference_debug_text() {
    let Some(res) = in_netns(|| {
        oracle(&["-f", "-"], Some(RULESET))?;
        let reference = oracle(
            &["--debug=netlink", "list", "table", "ip", "kube-proxy"],
            None,
        )?;
        let mut s = Socket::open().ok()?;
        let rules = s.nft_rules(2, Some("kube-proxy"), None).ok()?;
        let ours: Vec<String> = rules.iter().map(|r| r.to_string()).collect();
        let gen1 = s.nft_gen().ok()?;
        let tables = s.nft_tables(0).ok()?;
        let chains = s.nft_chains(2, Some("kube-proxy")).ok()?;
        let sets = s.nft_sets(2, Some("kube-proxy")).ok()?;
        let elems = s.nft_elems(2, "kube-proxy", "cluster-ips").ok()?;
        let missing = s.nft_table(2, "nosuch").err().and_then(|e| e.errno());
        Some((reference, ours, gen1, tables, chains, sets, elems, missing))
    }) else {
        panic!("could not create a network namespace (tests run as root)");
    };
    let Some((reference, ours, gen1, tables, chains, sets, elems, missing)) = res else {
        panic!("kernel round trip failed");
    };
    let expected = rule_blocks(&reference);
    assert_eq!(expected.len(), 17, "{reference}");
    assert_eq!(ours, expected);
    assert!(gen1 > 0);
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].comment().as_deref(), Some("rules for kube-proxy"));
    assert_eq!(chains.len(), 8);
    let nat = chains
        .iter()
        .find(|c| c.name.as_deref() == Some("nat-prerouting"))
        .unwrap();
    let hook = nat.hook.as_ref().unwrap();
    assert_eq!((hook.hooknum, hook.priority), (Some(0), Some(-100)));
    assert_eq!(nat.chain_type.as_deref(), Some("nat"));
    let map = sets
        .iter()
        .find(|s| s.name.as_deref() == Some("service-ips"))
        .unwrap();
    assert!(map.flag(NFT_SET_MAP));
    assert_eq!(map.comment().as_deref(), Some("ClusterIP"));
    assert_eq!(
        (map.key_len, map.data_type),
        (Some(12), Some(NFT_DATA_VERDICT))
    );
    let aff = sets
        .iter()
        .find(|s| s.name.as_deref() == Some("aff"))
        .unwrap();
    assert_eq!(aff.timeout, Some(10_800_000));
    let mut keys: Vec<Vec<u8>> = elems.iter().map(|e| e.key_bytes().to_vec()).collect();
    keys.sort();
    assert_eq!(keys, vec![vec![172, 30, 0, 1], vec![172, 30, 0, 2]]);
    assert_eq!(missing, Some(libc::ENOENT));
}
