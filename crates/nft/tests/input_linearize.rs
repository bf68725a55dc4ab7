// SPDX-License-Identifier: Apache-2.0
//! Linearisation goldens: the kernel expressions we generate for kube-proxy's rules (and the
//! rest of the rule language), as libnftnl debug text, equal what the reference nft
//! printed with `--debug=netlink -f fixtures/in/rules.nft` (recorded into rules.payload; the
//! reference is not run here). Rule blocks must match one for one, in order; set-element
//! lines must match as a set (1.0.6 prints the interval set's elements twice).
//!
//! Recorded with nft 1.0.6; two blocks are edited to nftables 1.1.x's form, which is our target:
//! `th dport 30000-32767` and `meta mark 0x10-0x20` are `[ range eq reg 1 … ]` in 1.1.x (netlink_linearize.c
//! `netlink_gen_range`) where 1.0.6 printed `cmp gte` + `cmp lte`.

use nft::run::debug_netlink;

const INPUT: &str = include_str!("fixtures/in/rules.nft");
const GOLDEN: &str = include_str!("fixtures/in/rules.payload");

/// Rule blocks: a header line (`ip t c`) and its `  [ … ]` / `  userdata` lines.
fn rule_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("  ") {
            if let Some(c) = cur.as_mut() {
                c.push_str(line);
                c.push('\n');
            }
            continue;
        }
        if let Some(c) = cur.take() {
            out.push(c);
        }
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() == 3 && matches!(w[0], "ip" | "ip6" | "inet") {
            cur = Some(format!("{line}\n"));
        }
    }
    if let Some(c) = cur {
        out.push(c);
    }
    out
}

fn elements(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .split('\t')
        .filter(|s| s.starts_with("element "))
        .map(|s| s.lines().next().unwrap_or("").trim_end().to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn rules_match_reference_bytecode() {
    let ours = debug_netlink(INPUT).unwrap_or_else(|e| panic!("eval failed: {e:?}"));
    let (a, b) = (rule_blocks(&ours), rule_blocks(GOLDEN));
    assert!(b.len() > 40, "golden has the rules");
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "rule block {i} differs");
    }
    assert_eq!(a.len(), b.len(), "number of rule blocks");
}

#[test]
fn elements_match_reference() {
    let ours = debug_netlink(INPUT).unwrap_or_else(|e| panic!("eval failed: {e:?}"));
    assert_eq!(elements(&ours), elements(GOLDEN));
}

/// One `check(input, expect)` per rule: the expression lines only.
fn check(rule: &str, expect: &str) {
    let text = format!(
        "add table ip t\nadd chain ip t c\nadd chain ip t x\nadd set ip t s {{ type ipv4_addr ; }}\nadd rule ip t c {rule}\n"
    );
    let out = debug_netlink(&text).unwrap_or_else(|e| panic!("{rule}: {e:?}"));
    let blocks = rule_blocks(&out);
    let got: String = blocks
        .last()
        .map(|b| {
            b.lines()
                .skip(1)
                .map(|l| format!("{}\n", l.trim()))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(got, expect, "rule: {rule}");
}

#[test]
fn single_rules() {
    check(
        "ip saddr 192.168.0.1 accept",
        "[ payload load 4b @ network header + 12 => reg 1 ]\n[ cmp eq reg 1 0x0100a8c0 ]\n[ immediate reg 0 accept ]\n",
    );
    check(
        "ip daddr 10.0.0.0/12 drop",
        "[ payload load 4b @ network header + 16 => reg 1 ]\n[ bitwise reg 1 = ( reg 1 & 0x0000f0ff ) ^ 0x00000000 ]\n[ cmp eq reg 1 0x0000000a ]\n[ immediate reg 0 drop ]\n",
    );
    check(
        "ip saddr != @s jump x",
        "[ payload load 4b @ network header + 12 => reg 1 ]\n[ lookup reg 1 set s 0x1 ]\n[ immediate reg 0 jump -> x ]\n",
    );
    check(
        "mark and 0x4000 == 0 return",
        "[ meta load mark => reg 1 ]\n[ bitwise reg 1 = ( reg 1 & 0x00004000 ) ^ 0x00000000 ]\n[ cmp eq reg 1 0x00000000 ]\n[ immediate reg 0 return ]\n",
    );
    check(
        "tcp dport 8080 counter",
        "[ meta load l4proto => reg 1 ]\n[ cmp eq reg 1 0x00000006 ]\n[ payload load 2b @ transport header + 2 => reg 1 ]\n[ cmp eq reg 1 0x0000901f ]\n[ counter pkts 0 bytes 0 ]\n",
    );
}
