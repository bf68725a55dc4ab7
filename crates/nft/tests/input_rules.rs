// SPDX-License-Identifier: Apache-2.0
//! Rule placement and the rest of the command set, loaded by our nft in a namespace of its own:
//! `add rule … index N` / `insert rule … index N` (counting rules added earlier in the same
//! transaction), `position N`, `replace rule … handle N`, `delete rule … handle N`, flush and
//! destroy of every object kind, counters. The expected listings were recorded from the
//! reference nft loading the same input.

#[path = "fixtures/in/harness.rs"]
mod harness;

use harness::*;

fn load(input: &str) {
    let r = ours(&["-f", "-"], Some(input));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "input:\n{input}");
}

fn listing() -> String {
    oracle(&["-a", "list", "ruleset"], None).stdout
}

#[test]
fn index_position_handle() {
    in_netns(|| {
        load(
            "add table ip t
add chain ip t c
add rule ip t c ip saddr 1.1.1.1 accept
add rule ip t c ip saddr 2.2.2.2 accept
add rule ip t c index 0 ip saddr 3.3.3.3 accept
insert rule ip t c index 1 ip saddr 4.4.4.4 accept
insert rule ip t c ip saddr 5.5.5.5 accept
",
        );
        assert_eq!(
            listing(),
            "table ip t { # handle 1
\tchain c { # handle 1
\t\tip saddr 5.5.5.5 accept # handle 6
\t\tip saddr 1.1.1.1 accept # handle 2
\t\tip saddr 4.4.4.4 accept # handle 5
\t\tip saddr 3.3.3.3 accept # handle 4
\t\tip saddr 2.2.2.2 accept # handle 3
\t}
}
"
        );
        load(
            "add rule ip t c position 2 ip saddr 6.6.6.6 drop
insert rule ip t c position 3 ip saddr 7.7.7.7 drop
replace rule ip t c handle 4 ip saddr 8.8.8.8 drop
delete rule ip t c handle 5
add rule ip t c index 2 ip saddr 9.9.9.9 drop
",
        );
        assert_eq!(
            listing(),
            "table ip t { # handle 1
\tchain c { # handle 1
\t\tip saddr 5.5.5.5 accept # handle 6
\t\tip saddr 1.1.1.1 accept # handle 2
\t\tip saddr 6.6.6.6 drop # handle 7
\t\tip saddr 9.9.9.9 drop # handle 9
\t\tip saddr 8.8.8.8 drop # handle 4
\t\tip saddr 7.7.7.7 drop # handle 8
\t\tip saddr 2.2.2.2 accept # handle 3
\t}
}
"
        );
        let r = ours(&["-f", "-"], Some("add rule ip t c index 99 accept\n"));
        assert_eq!(
            r.stderr,
            "/dev/stdin:1:17-24: Error: Could not process rule: No such file or directory\n\
             add rule ip t c index 99 accept\n                ^^^^^^^^\n"
        );
    });
}

#[test]
fn flush_destroy_counters() {
    in_netns(|| {
        load(
            "add table ip t { comment \"c\" ; }
add chain ip t a
add chain ip t b { comment \"helper\" ; }
add counter ip t cnt { packets 5 bytes 10 ; comment \"x\" ; }
add set ip t s { type ipv4_addr ; flags interval ; }
add map ip t m { type inet_proto . inet_service : verdict ; }
add element ip t s { 10.0.0.0/8, 192.168.1.1 }
add element ip t m { tcp . 80 : jump b, udp . 53 : goto b }
add rule ip t a counter name cnt
add rule ip t a meta l4proto . th dport vmap @m
add rule ip t b ip saddr @s return
",
        );
        let full = listing();
        assert!(
            full.contains(
                "\tcounter cnt { # handle 3\n\t\tcomment \"x\"\n\t\tpackets 5 bytes 10\n"
            ),
            "{full}"
        );
        assert!(
            full.contains("elements = { 10.0.0.0/8, 192.168.1.1 }"),
            "{full}"
        );
        assert!(
            full.contains("elements = { udp . 53 : goto b,\n\t\t\t     tcp . 80 : jump b }"),
            "{full}"
        );
        load(
            "flush chain ip t a
flush set ip t s
delete element ip t m { udp . 53 }
destroy chain ip t nosuch
destroy set ip t nosuch
destroy element ip t m { sctp . 1 }
",
        );
        let after = listing();
        assert!(!after.contains("counter name"), "{after}");
        assert!(!after.contains("10.0.0.0/8"), "{after}");
        assert!(
            after.contains("elements = { tcp . 80 : jump b }"),
            "{after}"
        );
        load(
            "delete counter ip t cnt
flush table ip t
delete map ip t m
delete set ip t s
delete chain ip t a
delete chain ip t b
",
        );
        assert_eq!(listing(), "table ip t { # handle 1\n\tcomment \"c\"\n}\n");
        load("flush ruleset\n");
        assert_eq!(listing(), "");
    });
}

#[test]
fn typeof_sets_keep_their_expressions() {
    in_netns(|| {
        load(
            "add table ip t
add set ip t a { typeof ip saddr ; }
add set ip t b { typeof ip saddr . tcp dport ; }
add map ip t c { typeof meta mark : ip daddr ; }
add set ip t d { typeof ct mark ; }
add map ip t e { typeof ip daddr . meta l4proto . th dport : verdict ; }
",
        );
        assert_eq!(
            oracle(&["list", "ruleset"], None).stdout,
            "table ip t {
\tset a {
\t\ttypeof ip saddr
\t}

\tset b {
\t\ttypeof ip saddr . tcp dport
\t}

\tmap c {
\t\ttypeof meta mark : ip daddr
\t}

\tset d {
\t\ttypeof ct mark
\t}

\tmap e {
\t\ttypeof ip daddr . meta l4proto . th dport : verdict
\t}
}
"
        );
    });
}
