// SPDX-License-Identifier: Apache-2.0
//! Issue 3, acceptance 2: the calls sigs.k8s.io/knftables makes (see
//! shared/kube-proxy/NOTES.md), replayed against our nft in a netns of their
//! own: startup probes, the listings kube-proxy parses, and the errors it
//! greps for (first stderr line). Listings are compared with the reference
//! nft's (1.0.6 → 1.1.x differences normalised, see normalize.rs).

#[path = "fixtures/out/netns.rs"]
mod netns;
#[path = "fixtures/out/normalize.rs"]
mod normalize;

use netns::*;
use normalize::*;

/// A small kube-proxy table (kpgen, 20 services) plus a named counter,
/// loaded by our nft.
fn setup() {
    let tx = kpgen(&["-n", "20", "-m", "3"]);
    let r = nft(&["-f", "-"], Some(&tx));
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, ""),
        "our nft failed to load kpgen"
    );
    let r = nft(&["add", "counter", "ip", "kube-proxy", "c1"], None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "add counter");
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

#[test]
fn version_probe() {
    let r = nft(&["--version"], None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("nftables v1.1.4"), "{}", r.stdout);
    assert_eq!(r.stderr, "");
}

#[test]
fn check_probes_change_nothing() {
    in_netns(|| {
        let r = nft(
            &["--check", "-f", "-"],
            Some("add table ip kube-proxy { comment \"test\" ; }\n"),
        );
        assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
        // destroy exists in 1.1.x, so knftables' RequireDestroy probe succeeds.
        let r = nft(
            &["--check", "-f", "-"],
            Some("destroy table ip kube-proxy\n"),
        );
        assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
        let l = oracle(&["list", "ruleset"], None);
        assert_eq!(l.stdout, "", "--check must not create anything");
    });
}

#[test]
fn listings_match_reference() {
    in_netns(|| {
        setup();
        let reference_text = oracle(&["list", "table", "ip", "kube-proxy"], None).stdout;
        let json_calls: &[&[&str]] = &[
            &["--json", "--terse", "list", "table", "ip", "kube-proxy"],
            &["--json", "list", "chain", "ip", "kube-proxy", "services"],
            // A service chain: its numgen vmap is an anonymous map.
            &[
                "--json",
                "list",
                "chain",
                "ip",
                "kube-proxy",
                "service-SA5H6MZV-ns0/svc0/tcp/p80",
            ],
            &[
                "--json",
                "list",
                "chain",
                "ip",
                "kube-proxy",
                "mark-for-masquerade",
            ],
            &["--json", "list", "set", "ip", "kube-proxy", "cluster-ips"],
            &["--json", "list", "map", "ip", "kube-proxy", "service-ips"],
            &[
                "--json",
                "list",
                "map",
                "ip",
                "kube-proxy",
                "no-endpoint-nodeports",
            ],
            &["--json", "list", "counters", "table", "ip", "kube-proxy"],
            &["--json", "list", "ruleset"],
            &["-j", "list", "tables"],
        ];
        for args in json_calls {
            let mine = nft(args, None);
            assert_eq!((mine.code, mine.stderr.as_str()), (0, ""), "{args:?}");
            let theirs = oracle(args, None);
            if let Err(e) = json_matches(&mine.stdout, &theirs.stdout, &reference_text) {
                panic!("{args:?}: {e}");
            }
        }
        let text_calls: &[&[&str]] = &[
            &["list", "table", "ip", "kube-proxy"],
            &["-a", "list", "table", "ip", "kube-proxy"],
            &["list", "ruleset"],
            &["list", "chain", "ip", "kube-proxy", "services"],
            &["-a", "list", "chain", "ip", "kube-proxy", "services"],
            &[
                "list",
                "chain",
                "ip",
                "kube-proxy",
                "service-SA5H6MZV-ns0/svc0/tcp/p80",
            ],
            &["list", "set", "ip", "kube-proxy", "cluster-ips"],
            &["list", "map", "ip", "kube-proxy", "service-ips"],
            &["list", "counters", "table", "ip", "kube-proxy"],
            &["list", "tables"],
            &["-a", "list", "tables"],
            &["list", "chains"],
            &["list", "sets"],
            &["list", "maps"],
            &["list", "sets", "table", "ip", "kube-proxy"],
            // Not knftables' calls, but what a person debugging a node types.
            &["-s", "list", "table", "ip", "kube-proxy"],
            &["-t", "list", "table", "ip", "kube-proxy"],
            &["-n", "list", "table", "ip", "kube-proxy"],
            &["-nn", "list", "ruleset"],
            &["-s", "list", "counters"],
            &["list", "counter", "ip", "kube-proxy", "c1"],
        ];
        for args in text_calls {
            let mine = nft(args, None);
            assert_eq!((mine.code, mine.stderr.as_str()), (0, ""), "{args:?}");
            let theirs = normalize_text(&oracle(args, None).stdout);
            assert!(
                mine.stdout == theirs,
                "{args:?}: {}",
                first_diff(&mine.stdout, &theirs)
            );
        }
    });
}

#[test]
fn enoent_and_eexist_errors() {
    in_netns(|| {
        setup();
        // (arguments, stdin, expected stderr) — exit status 1, nothing on stdout.
        let cases: &[(&[&str], Option<&str>, &str)] = &[
            (
                &["list", "table", "ip", "nosuch"],
                None,
                "Error: No such file or directory\nlist table ip nosuch\n              ^^^^^^\n",
            ),
            (
                &["--json", "list", "chain", "ip", "kube-proxy", "nosuch"],
                None,
                "Error: No such file or directory\nlist chain ip kube-proxy nosuch\n                         ^^^^^^\n",
            ),
            (
                &["list", "set", "ip", "kube-proxy", "nosuchset"],
                None,
                "Error: No such file or directory\nlist set ip kube-proxy nosuchset\n                       ^^^^^^^^^\n",
            ),
            (
                &["list", "table", "ip6", "kube-proxy"],
                None,
                "Error: No such file or directory; did you mean table ‘kube-proxy’ in family ip?\n\
                 list table ip6 kube-proxy\n               ^^^^^^^^^^\n",
            ),
            (
                &["list", "chain", "ip", "kube-proxy", "service"],
                None,
                "Error: No such file or directory; did you mean chain ‘services’ in table ip ‘kube-proxy’?\n\
                 list chain ip kube-proxy service\n                         ^^^^^^^\n",
            ),
        ];
        let more: &[(&[&str], Option<&str>, &str)] = &[
            (
                &["list", "counter", "ip", "kube-proxy", "nosuch"],
                None,
                "Error: No such file or directory\nlist counter ip kube-proxy nosuch\n                           ^^^^^^\n",
            ),
            (
                &["list", "counter", "ip", "nosuch", "c1"],
                None,
                "Error: No such file or directory\nlist counter ip nosuch c1\n                ^^^^^^\n",
            ),
        ];
        for (args, stdin, expect) in cases.iter().chain(more) {
            let r = nft(args, *stdin);
            assert_eq!(
                (r.code, r.stdout.as_str(), r.stderr.as_str()),
                (1, "", *expect),
                "{args:?}"
            );
        }
        // Errors from a batch: knftables only reads the first line.
        let r = nft(&["-f", "-"], Some("add chain ip nosuch c\n"));
        assert_eq!(r.code, 1);
        assert!(
            first_line(&r.stderr).contains("No such file or directory"),
            "{}",
            r.stderr
        );
        let r = nft(&["-f", "-"], Some("create table ip kube-proxy\n"));
        assert_eq!(r.code, 1);
        assert!(
            first_line(&r.stderr).contains("File exists"),
            "{}",
            r.stderr
        );
        let theirs = oracle(&["-f", "-"], Some("create table ip kube-proxy\n"));
        assert_eq!(first_line(&r.stderr), first_line(&theirs.stderr));
    });
}
