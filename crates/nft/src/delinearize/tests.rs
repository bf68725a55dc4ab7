// SPDX-License-Identifier: Apache-2.0
//! `check(kernel expressions as libnftnl debug text, expected rule text)`:
//! delinearize + postprocess + the text printer, no kernel needed. The
//! table has a few named sets and anonymous sets, as kube-proxy's have.

use nfnl::nftables::consts::*;
use nfnl::nftables::{Data, Expr as KExpr, Rule as KRule, Set as KSet, SetElem, Table, Verdict};

use crate::cache::{CachedSet, CachedTable};
use crate::print::{text, Opts};

fn set(
    name: &str,
    flags: u32,
    key_type: u32,
    key_len: u32,
    data_type: Option<u32>,
    elems: Vec<SetElem>,
) -> CachedSet {
    let mut s = KSet::new(2, "kube-proxy", name);
    s.flags = Some(flags);
    s.key_type = Some(key_type);
    s.key_len = Some(key_len);
    s.data_type = data_type;
    CachedSet { set: s, elems }
}

fn velem(key: &[u8], v: Verdict) -> SetElem {
    let mut e = SetElem::with_key(key.to_vec());
    e.data = Some(Data::Verdict(v));
    e
}

fn table() -> CachedTable {
    let concat = (7 << 12) | (12 << 6) | 13;
    let sets = vec![
        set("cluster-ips", 0, 7, 4, None, vec![]),
        set(
            "service-ips",
            NFT_SET_MAP,
            concat,
            12,
            Some(NFT_DATA_VERDICT),
            vec![],
        ),
        set(
            "service-nodeports",
            NFT_SET_MAP,
            (12 << 6) | 13,
            8,
            Some(NFT_DATA_VERDICT),
            vec![],
        ),
        set("aff", NFT_SET_TIMEOUT | NFT_SET_EVAL, 7, 4, None, vec![]),
        set(
            "__map0",
            NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | NFT_SET_MAP,
            4,
            4,
            Some(NFT_DATA_VERDICT),
            vec![
                velem(&1u32.to_ne_bytes(), Verdict::to_chain(NFT_GOTO, "ep2")),
                velem(&0u32.to_ne_bytes(), Verdict::to_chain(NFT_GOTO, "ep1")),
            ],
        ),
        set(
            "__set0",
            NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | NFT_SET_INTERVAL,
            7,
            4,
            None,
            vec![
                {
                    let mut e = SetElem::with_key(vec![0, 0, 0, 0]);
                    e.flags = Some(NFT_SET_ELEM_INTERVAL_END);
                    e
                },
                SetElem::with_key(vec![203, 0, 113, 0]),
                {
                    let mut e = SetElem::with_key(vec![203, 0, 114, 0]);
                    e.flags = Some(NFT_SET_ELEM_INTERVAL_END);
                    e
                },
                {
                    let mut e = SetElem::with_key(vec![198, 51, 100, 128]);
                    e.flags = Some(NFT_SET_ELEM_INTERVAL_END);
                    e
                },
                SetElem::with_key(vec![198, 51, 100, 0]),
            ],
        ),
    ];
    CachedTable::new(Table::new(2, "kube-proxy"), vec![], sets, vec![], vec![])
}

fn rule_of(lines: &[&str]) -> KRule {
    let mut r = KRule::new(2, "kube-proxy", "c");
    r.exprs = Some(
        lines
            .iter()
            .map(|l| l.parse::<KExpr>().unwrap_or_else(|e| panic!("{l}: {e}")))
            .collect(),
    );
    r
}

fn check(lines: &[&str], expect: &str) {
    let t = table();
    let r = super::rule(&t, &rule_of(lines));
    assert_eq!(text::rule(&r, &Opts::default()), expect);
}

#[test]
fn kube_proxy_rules() {
    check(
        &[
            "[ payload load 4b @ network header + 16 => reg 1 ]",
            "[ cmp eq reg 1 0x01001eac ]",
            "[ payload load 1b @ network header + 12 => reg 1 ]",
            "[ cmp neq reg 1 0x0000000a ]",
            "[ immediate reg 0 jump -> mark-for-masquerade ]",
        ],
        "ip daddr 172.30.0.1 ip saddr != 10.0.0.0/8 jump mark-for-masquerade",
    );
    check(
        &[
            "[ meta load l4proto => reg 1 ]",
            "[ cmp eq reg 1 0x00000006 ]",
            "[ immediate reg 1 0x0100400a ]",
            "[ immediate reg 2 0x0000901f ]",
            "[ nat dnat ip addr_min reg 1 addr_max reg 1 proto_min reg 2 proto_max reg 2 flags 0x3 ]",
        ],
        "meta l4proto tcp dnat to 10.64.0.1:8080",
    );
    check(
        &[
            "[ payload load 4b @ network header + 16 => reg 1 ]",
            "[ meta load l4proto => reg 9 ]",
            "[ payload load 2b @ transport header + 2 => reg 10 ]",
            "[ lookup reg 1 set service-ips dreg 0 0x0 ]",
        ],
        "ip daddr . meta l4proto . th dport vmap @service-ips",
    );
    check(
        &[
            "[ numgen reg 1 = random mod 2 ]",
            "[ lookup reg 1 set __map0 dreg 0 0x0 ]",
        ],
        "numgen random mod 2 vmap { 0 : goto ep1, 1 : goto ep2 }",
    );
    check(
        &[
            "[ ct load state => reg 1 ]",
            "[ bitwise reg 1 = ( reg 1 & 0x00000008 ) ^ 0x00000000 ]",
            "[ cmp neq reg 1 0x00000000 ]",
            "[ immediate reg 0 jump -> services ]",
        ],
        "ct state new jump services",
    );
    check(
        &[
            "[ meta load mark => reg 1 ]",
            "[ bitwise reg 1 = ( reg 1 & 0xffffbfff ) ^ 0x00004000 ]",
            "[ meta set mark with reg 1 ]",
        ],
        "meta mark set meta mark | 0x00004000",
    );
    check(
        &[
            "[ meta load mark => reg 1 ]",
            "[ bitwise reg 1 = ( reg 1 & 0x00004000 ) ^ 0x00000000 ]",
            "[ cmp eq reg 1 0x00000000 ]",
            "[ immediate reg 0 return ]",
        ],
        "meta mark & 0x00004000 == 0x00000000 return",
    );
    check(&["[ masq flags 0x10 ]"], "masquerade fully-random");
    check(&["[ reject type 0 code 3 ]"], "reject");
    check(&["[ reject type 1 code 0 ]"], "reject with tcp reset");
    check(
        &["[ reject type 0 code 1 ]"],
        "reject with icmp host-unreachable",
    );
    check(
        &[
            "[ fib saddr type => reg 1 ]",
            "[ cmp eq reg 1 0x00000002 ]",
            "[ immediate reg 0 goto -> svc ]",
        ],
        "fib saddr type local goto svc",
    );
    check(
        &[
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ dynset update reg_key 1 set aff timeout 0ms ]",
        ],
        "update @aff { ip saddr }",
    );
    check(
        &[
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ lookup reg 1 set __set0 0x1 ]",
            "[ immediate reg 0 drop ]",
        ],
        "ip saddr != { 198.51.100.0/25, 203.0.113.0/24 } drop",
    );
    check(
        &[
            "[ payload load 4b @ network header + 16 => reg 1 ]",
            "[ lookup reg 1 set cluster-ips ]",
            "[ reject type 0 code 3 ]",
        ],
        "ip daddr @cluster-ips reject",
    );
    check(
        &["[ counter pkts 3 bytes 180 ]", "[ immediate reg 0 accept ]"],
        "counter packets 3 bytes 180 accept",
    );
}

#[test]
fn dependencies_are_removed() {
    check(
        &[
            "[ meta load l4proto => reg 1 ]",
            "[ cmp eq reg 1 0x00000006 ]",
            "[ payload load 2b @ transport header + 2 => reg 1 ]",
            "[ cmp eq reg 1 0x00005000 ]",
            "[ immediate reg 0 accept ]",
        ],
        "tcp dport 80 accept",
    );
    check(
        &[
            "[ meta load l4proto => reg 1 ]",
            "[ cmp eq reg 1 0x00000011 ]",
            "[ payload load 2b @ transport header + 2 => reg 1 ]",
            "[ range eq reg 1 0x00003500 0x00003600 ]",
        ],
        "udp dport 53-54",
    );
}

#[test]
fn unreadable_rules_do_not_panic() {
    // Registers never loaded, unknown sets, truncated data: text, no panic.
    let t = table();
    let cases: &[&[&str]] = &[
        &["[ cmp eq reg 1 0x00000001 ]"],
        &["[ lookup reg 1 set nosuch ]"],
        &["[ meta set mark with reg 3 ]"],
        &[
            "[ payload load 4b @ network header + 12 => reg 1 ]",
            "[ lookup reg 1 set service-ips dreg 0 ]",
        ],
        &["[ bitwise reg 1 = ( reg 1 & 0x00000001 ) ^ 0x00000000 ]"],
        &["[ nat dnat ip addr_min reg 4 ]"],
    ];
    for lines in cases {
        let r = super::rule(&t, &rule_of(lines));
        let _ = text::rule(&r, &Opts::default());
    }
}

/// Deterministic pseudo-random rules and sets built from odd pieces:
/// delinearize and both printers must never panic.
#[test]
fn random_rules_and_sets_never_panic() {
    let pool = [
        "[ payload load 4b @ network header + 12 => reg 1 ]",
        "[ payload load 1b @ network header + 9 => reg 9 ]",
        "[ payload load 16b @ network header + 8 => reg 2 ]",
        "[ payload load 3b @ transport header + 1 => reg 10 ]",
        "[ payload load 2b @ link header + 12 => reg 3 ]",
        "[ meta load l4proto => reg 1 ]",
        "[ meta load iifname => reg 1 ]",
        "[ meta load mark => reg 11 ]",
        "[ ct load state => reg 1 ]",
        "[ ct load src_ip => reg 1 , dir reply ]",
        "[ cmp eq reg 1 0x00000006 ]",
        "[ cmp neq reg 9 0x0000000a 0x00000001 ]",
        "[ cmp gte reg 10 0x00000001 ]",
        "[ cmp lte reg 1 0xffffffff 0xffffffff 0xffffffff 0xffffffff 0xffffffff ]",
        "[ range eq reg 1 0x00000001 0x00000002 ]",
        "[ bitwise reg 1 = ( reg 1 & 0x000000f0 ) ^ 0x00000000 ]",
        "[ bitwise reg 2 = ( reg 9 << 0x00000008 ) ]",
        "[ bitwise reg 1 = ( reg 1 & 0xffffffff ) ^ 0x00000001 ]",
        "[ immediate reg 1 0x0100000a ]",
        "[ immediate reg 2 0x00005000 ]",
        "[ immediate reg 0 goto -> x ]",
        "[ lookup reg 1 set __set0 ]",
        "[ lookup reg 9 set __map0 dreg 0 ]",
        "[ lookup reg 1 set service-ips dreg 2 ]",
        "[ lookup reg 1 set service-nodeports ]",
        "[ numgen reg 1 = random mod 0 ]",
        "[ fib daddr . iif oif present => reg 1 ]",
        "[ nat snat ip addr_min reg 1 addr_max reg 2 proto_min reg 3 proto_max reg 4 flags 0xff ]",
        "[ nat dnat ip6 addr_min reg 9 ]",
        "[ masq proto_min reg 2 proto_max reg 1 flags 0x1c ]",
        "[ redir proto_min reg 7 ]",
        "[ reject type 2 code 9 ]",
        "[ reject type 0 code 200 ]",
        "[ dynset add reg_key 1 set aff timeout 5ms ]",
        "[ dynset delete reg_key 12 set nosuch ]",
        "[ meta set mark with reg 2 ]",
        "[ ct set mark with reg 9 ]",
        "[ counter pkts 18446744073709551615 bytes 0 ]",
        "[ notrack ]",
    ];
    let exprs: Vec<KExpr> = pool.iter().map(|l| l.parse().unwrap()).collect();
    let t = table();
    let mut seed = 0x2545_f491u32;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as usize
    };
    for family in [1u8, 2, 5, 7, 10] {
        for _ in 0..400 {
            let n = next() % 7;
            let mut r = KRule::new(family, "kube-proxy", "c");
            r.exprs = Some(
                (0..n)
                    .map(|_| exprs[next() % exprs.len()].clone())
                    .collect(),
            );
            let ar = super::rule(&t, &r);
            let _ = text::rule(&ar, &Opts::default());
            let _ = crate::print::json::rule(
                &ar,
                family,
                &Opts {
                    json: true,
                    ..Default::default()
                },
            );
        }
    }
    // Sets whose elements do not fit their declared types.
    for _ in 0..300 {
        let len = next() % 20;
        let key: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let mut e = SetElem::with_key(key);
        e.flags = Some((next() % 4) as u32);
        if next() % 2 == 0 {
            e.key_end = Some(Data::Value(
                (0..next() % 13).map(|_| next() as u8).collect(),
            ));
        }
        let types = [7u32, 13, 19, 4, (7 << 12) | (12 << 6) | 13, 0x3fff_ffff, 0];
        let flags = [
            0,
            NFT_SET_INTERVAL,
            NFT_SET_MAP,
            NFT_SET_INTERVAL | NFT_SET_CONCAT,
        ];
        let cs = set(
            "s",
            flags[next() % flags.len()],
            types[next() % types.len()],
            (next() % 17) as u32,
            None,
            vec![e.clone(), e],
        );
        let tt = CachedTable::new(Table::new(2, "t"), vec![], vec![cs.clone()], vec![], vec![]);
        let s = super::set(&tt, &cs);
        let mut out = Vec::new();
        let _ = text::set(&mut out, &s, &Opts::default());
        let _ = crate::print::json::set(&s, "ip", "t", &Opts::default());
    }
}

#[test]
fn header_bitfields() {
    // From the corpus' ip/ip.t.payload.
    check(
        &[
            "[ payload load 1b @ network header + 1 => reg 1 ]",
            "[ bitwise reg 1 = ( reg 1 & 0x000000fc ) ^ 0x00000000 ]",
            "[ cmp eq reg 1 0x00000020 ]",
        ],
        "ip dscp cs1",
    );
    check(
        &[
            "[ payload load 1b @ network header + 1 => reg 1 ]",
            "[ bitwise reg 1 = ( reg 1 & 0x000000fc ) ^ 0x00000000 ]",
            "[ cmp neq reg 1 0x000000e0 ]",
        ],
        "ip dscp != cs7",
    );
    check(
        &[
            "[ payload load 1b @ network header + 0 => reg 1 ]",
            "[ bitwise reg 1 = ( reg 1 & 0x000000f0 ) ^ 0x00000000 ]",
            "[ cmp eq reg 1 0x00000040 ]",
        ],
        "ip version 4",
    );
}

/// Bridge tables: `ether type ip` is the dependency of an IPv4 (icmp) match
/// and is not listed (tests/py/bridge/icmpX.t); on its own it stays.
#[test]
fn bridge_ether_type_dependency() {
    let t = CachedTable::new(Table::new(7, "t"), vec![], vec![], vec![], vec![]);
    let case = |lines: &[&str], expect: &str| {
        let mut r = rule_of(lines);
        r.family = 7;
        let got = text::rule(&super::rule(&t, &r), &Opts::default());
        assert_eq!(got, expect);
    };
    let ether = |v: &str| {
        [
            "[ payload load 2b @ link header + 12 => reg 1 ]".to_string(),
            format!("[ cmp eq reg 1 {v} ]"),
        ]
    };
    let icmp = |ty: &str, proto: &str| {
        [
            "[ meta load l4proto => reg 1 ]".to_string(),
            format!("[ cmp eq reg 1 {proto} ]"),
            "[ payload load 1b @ transport header + 0 => reg 1 ]".to_string(),
            format!("[ cmp eq reg 1 {ty} ]"),
        ]
    };
    let joined =
        |a: &[String], b: &[String]| -> Vec<String> { a.iter().chain(b).cloned().collect() };
    let v4 = joined(&ether("0x00000008"), &icmp("0x00000008", "0x00000001"));
    let v4: Vec<&str> = v4.iter().map(String::as_str).collect();
    case(&v4, "icmp type echo-request");
    let v6 = joined(&ether("0x0000dd86"), &icmp("0x00000080", "0x0000003a"));
    let v6: Vec<&str> = v6.iter().map(String::as_str).collect();
    case(&v6, "icmpv6 type echo-request");
    let alone = joined(
        &ether("0x00000008"),
        &["[ counter pkts 0 bytes 0 ]".to_string()],
    );
    let alone: Vec<&str> = alone.iter().map(String::as_str).collect();
    case(&alone, "ether type ip counter packets 0 bytes 0");
}
