// SPDX-License-Identifier: Apache-2.0
//! Issue 3, acceptance 1: kube-proxy transactions (kpgen.py: full sync, then
//! --update, --stale, --resync) loaded into a fresh netns; our text and JSON
//! listings of the table must equal the reference nft's, except for the
//! named nft 1.0.6 → 1.1.x format differences, each one rule of
//! [`normalize_text`] / [`normalize_json`].
//!
//! Each sequence runs twice: loaded by the reference nft, and loaded by our
//! nft (in process, through its command line); every listing of ours goes
//! through our command line too (`nft list table …`).

#[path = "fixtures/out/netns.rs"]
mod netns;
#[path = "fixtures/out/normalize.rs"]
mod normalize;

use netns::*;
use normalize::*;
use serde_json::Value;

fn compare_listings(step: &str) {
    for handle in [false, true] {
        let args: &[&str] = if handle {
            &["-a", "list", "table", "ip", "kube-proxy"]
        } else {
            &["list", "table", "ip", "kube-proxy"]
        };
        let out = nft(args, None);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (0, ""),
            "{step}: our listing failed"
        );
        let theirs = normalize_text(&oracle(args, None).stdout);
        assert!(
            out.stdout == theirs,
            "{step} (text, -a {handle}): {}",
            first_diff(&out.stdout, &theirs)
        );
    }
    let reference_text = oracle(&["list", "table", "ip", "kube-proxy"], None).stdout;
    for terse in [false, true] {
        let args: &[&str] = if terse {
            &["-j", "-t", "list", "table", "ip", "kube-proxy"]
        } else {
            &["-j", "list", "table", "ip", "kube-proxy"]
        };
        let out = nft(args, None);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (0, ""),
            "{step}: our JSON listing failed"
        );
        let mine = out.stdout;
        let mut theirs: Value =
            serde_json::from_str(&oracle(args, None).stdout).expect("reference JSON");
        normalize_json(&mut theirs);
        add_comments(&mut theirs, &reference_text);
        let mine_v: Value = serde_json::from_str(&mine).expect("our JSON parses");
        assert!(
            mine.ends_with("]}\n") && !mine[..mine.len() - 1].contains('\n'),
            "one line"
        );
        if mine_v != theirs {
            let a: Vec<String> = mine_v["nftables"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.to_string())
                .collect();
            let b: Vec<String> = theirs["nftables"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.to_string())
                .collect();
            let i = a
                .iter()
                .zip(&b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            panic!(
                "{step} (json, terse {terse}): item {i} differs ({} vs {} items)\n  ours:   {}\n  theirs: {}",
                a.len(),
                b.len(),
                a.get(i).map(String::as_str).unwrap_or("-"),
                b.get(i).map(String::as_str).unwrap_or("-")
            );
        }
    }
}

fn run_sequence(n: usize, m: usize, we_load: bool) {
    let (n, m) = (n.to_string(), m.to_string());
    in_netns(move || {
        let base = ["-n", n.as_str(), "-m", m.as_str()];
        for mode in ["full", "--update", "--stale", "--resync"] {
            let mut args = base.to_vec();
            if mode != "full" {
                args.push(mode);
            }
            let tx = kpgen(&args);
            let load = if we_load {
                nft(&["-f", "-"], Some(&tx))
            } else {
                oracle(&["-f", "-"], Some(&tx))
            };
            let who = if we_load { "our" } else { "the reference" };
            assert_eq!(
                load.code, 0,
                "{who} nft failed to load {mode}: {}",
                load.stderr
            );
            compare_listings(&format!("N={n} M={m} after {mode}, loaded by {who} nft"));
        }
    });
}

#[test]
fn kpgen_n100_m10_reference_loads() {
    run_sequence(100, 10, false);
}

#[test]
fn kpgen_n100_m10_we_load() {
    run_sequence(100, 10, true);
}

#[test]
fn kpgen_n1000_m10_reference_loads() {
    run_sequence(1000, 10, false);
}

#[test]
fn kpgen_n1000_m10_we_load() {
    run_sequence(1000, 10, true);
}
