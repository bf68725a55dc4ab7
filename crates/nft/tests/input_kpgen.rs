// SPDX-License-Identifier: Apache-2.0
//! Issue 3, acceptance 1 (input side): kube-proxy transactions from kpgen.py (full sync, then
//! --update, --stale, --resync; N=100 and N=1000, M=10) load with OUR nft, and the kernel
//! state is the same as when the reference nft loads them: the reference nft lists the table
//! identically (text, with handles, and JSON) after every step, and the raw kernel objects
//! (set attributes and userdata, rule expressions) are the same.

#[path = "fixtures/in/harness.rs"]
mod harness;

use harness::*;

const STEPS: [&str; 4] = ["full", "--update", "--stale", "--resync"];

/// Load every step with `load`, and after each one record the reference listings.
/// The raw kernel objects: every set's attributes and userdata (handles and transaction ids
/// left out), and every rule's expressions as libnftnl debug text.
fn kernel_objects() -> String {
    let mut sock = nfnl::Socket::open().expect("netlink socket");
    let mut out = String::new();
    let mut sets = sock.nft_sets(2, Some("kube-proxy")).expect("set dump");
    sets.sort_by(|a, b| a.name.cmp(&b.name));
    for mut s in sets {
        let name = s.name.clone().unwrap_or_default();
        s.handle = None;
        s.id = None;
        out.push_str(&format!("{s:?}\n"));
        // Elements, sorted (hash sets dump in hash order).
        let mut elems: Vec<String> = sock
            .nft_elems(2, "kube-proxy", &name)
            .expect("element dump")
            .iter()
            .map(|e| {
                let mut e = e.clone();
                e.expiration = None;
                format!("  {e:?}")
            })
            .collect();
        elems.sort();
        for e in elems {
            out.push_str(&e);
            out.push('\n');
        }
    }
    for r in sock
        .nft_rules(2, Some("kube-proxy"), None)
        .expect("rule dump")
    {
        out.push_str(&format!("{r}\n"));
    }
    out
}

type Listings = (String, String, String, String);

fn sequence(n: usize, m: usize, use_ours: bool) -> Vec<Listings> {
    let (n, m) = (n.to_string(), m.to_string());
    in_netns(move || {
        let mut out = Vec::new();
        for step in STEPS {
            let mut args = vec!["-n", n.as_str(), "-m", m.as_str()];
            if step != "full" {
                args.push(step);
            }
            let tx = kpgen(&args);
            let r = if use_ours {
                ours(&["-f", "-"], Some(&tx))
            } else {
                oracle(&["-f", "-"], Some(&tx))
            };
            assert_eq!(
                (r.code, r.stderr.as_str()),
                (0, ""),
                "{} nft failed to load step {step} (N={n})",
                if use_ours { "our" } else { "the reference" }
            );
            let text = oracle(&["list", "table", "ip", "kube-proxy"], None).stdout;
            let handles = oracle(&["-a", "list", "table", "ip", "kube-proxy"], None).stdout;
            let json = oracle(&["-j", "list", "table", "ip", "kube-proxy"], None).stdout;
            assert!(
                text.starts_with("table ip kube-proxy {"),
                "step {step}: {text}"
            );
            out.push((text, handles, json, kernel_objects()));
        }
        out
    })
}

fn check(n: usize) {
    let mine = std::thread::spawn(move || sequence(n, 10, true));
    let reference = sequence(n, 10, false);
    let mine = mine.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
    for (i, step) in STEPS.iter().enumerate() {
        let (a, b) = (&mine[i], &reference[i]);
        assert!(a.0 == b.0, "N={n} after {step}: text listings differ");
        assert!(
            a.1 == b.1,
            "N={n} after {step}: listings with handles differ"
        );
        assert!(a.2 == b.2, "N={n} after {step}: JSON listings differ");
        if a.3 != b.3 {
            let (x, y): (Vec<&str>, Vec<&str>) = (a.3.lines().collect(), b.3.lines().collect());
            let i = x
                .iter()
                .zip(&y)
                .position(|(p, q)| p != q)
                .unwrap_or(x.len().min(y.len()));
            panic!(
                "N={n} after {step}: kernel objects differ at line {i}:\n  ours:      {}\n  reference: {}",
                x.get(i).unwrap_or(&"-"),
                y.get(i).unwrap_or(&"-")
            );
        }
    }
}

#[test]
fn kpgen_n100_m10_loaded_by_us_equals_reference() {
    check(100);
}

#[test]
fn kpgen_n1000_m10_loaded_by_us_equals_reference() {
    check(1000);
}
