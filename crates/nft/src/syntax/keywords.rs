// SPDX-License-Identifier: Apache-2.0
//! Words nftables' scanner always returns as keyword tokens (scanner.l, outside any scope). They
//! cannot be used as identifiers, and syntax errors name them as themselves (bison's token names).

const KEYWORDS: &[&str] = &[
    "8021ad",
    "8021q",
    "accept",
    "add",
    "ah",
    "all",
    "and",
    "arp",
    "auto-merge",
    "bridge",
    "cgroup",
    "chain",
    "comment",
    "comp",
    "constant",
    "continue",
    "counter",
    "cpu",
    "create",
    "ct",
    "day",
    "dccp",
    "define",
    "delete",
    "describe",
    "destroy",
    "device",
    "devices",
    "dnat",
    "drop",
    "dst",
    "dup",
    "dynamic",
    "ecn",
    "element",
    "elements",
    "eq",
    "esp",
    "ether",
    "exists",
    "expires",
    "export",
    "exthdr",
    "fib",
    "flags",
    "flow",
    "flowtable",
    "flush",
    "frag",
    "fwd",
    "gc-interval",
    "ge",
    "geneve",
    "get",
    "goto",
    "gre",
    "gretap",
    "gt",
    "handle",
    "hbh",
    "hook",
    "hour",
    "ibriport",
    "ibrname",
    "icmp",
    "icmpv6",
    "igmp",
    "iif",
    "iifgroup",
    "iifname",
    "iiftype",
    "import",
    "include",
    "index",
    "inet",
    "insert",
    "interval",
    "ip",
    "ip6",
    "ipsec",
    "jhash",
    "jump",
    "last",
    "le",
    "limit",
    "list",
    "log",
    "lshift",
    "lt",
    "map",
    "mark",
    "masquerade",
    "meta",
    "meter",
    "mh",
    "missing",
    "monitor",
    "ne",
    "netdev",
    "nftrace",
    "not",
    "notrack",
    "numgen",
    "obriport",
    "obrname",
    "offload",
    "oif",
    "oifgroup",
    "oifname",
    "oiftype",
    "or",
    "osf",
    "pkttype",
    "policy",
    "position",
    "priority",
    "queue",
    "quota",
    "random",
    "redefine",
    "redirect",
    "reject",
    "rename",
    "replace",
    "reset",
    "return",
    "rshift",
    "rt",
    "rt0",
    "rt2",
    "rtclassid",
    "rule",
    "ruleset",
    "sctp",
    "secmark",
    "set",
    "size",
    "skgid",
    "skuid",
    "snat",
    "socket",
    "srh",
    "symhash",
    "synproxy",
    "table",
    "tcp",
    "th",
    "time",
    "timeout",
    "tproxy",
    "type",
    "typeof",
    "udp",
    "udplite",
    "undefine",
    "update",
    "vlan",
    "vmap",
    "vni",
    "vxlan",
    "xor",
    "xt",
];

pub fn is_keyword(w: &str) -> bool {
    // Most words a large input asks about are long names (chains, sets): no keyword is.
    // The others are looked for among the keywords with their first byte only.
    let Some(&first) = w.as_bytes().first() else {
        return false;
    };
    let (lo, hi) = BY_FIRST[first as usize];
    w.len() <= MAX_KEYWORD_LEN
        && KEYWORDS
            .get(lo as usize..hi as usize)
            .is_some_and(|k| k.binary_search(&w).is_ok())
}

/// For each first byte, the range of `KEYWORDS` starting with it (empty when none does).
static BY_FIRST: [(u8, u8); 256] = {
    let mut t = [(0u8, 0u8); 256];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let b = KEYWORDS[i].as_bytes()[0] as usize;
        if t[b].1 == 0 {
            t[b].0 = i as u8;
        }
        t[b].1 = i as u8 + 1;
        i += 1;
    }
    t
};

/// The longest keyword's length.
const MAX_KEYWORD_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < KEYWORDS.len() {
        if KEYWORDS[i].len() > max {
            max = KEYWORDS[i].len();
        }
        i += 1;
    }
    max
};

#[cfg(test)]
mod tests {
    #[test]
    fn sorted() {
        assert!(super::KEYWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(super::is_keyword("ip"));
        assert!(!super::is_keyword("kube-proxy"));
        assert!(super::KEYWORDS.len() < 256);
    }

    /// The first-byte ranges find exactly what a search of the whole list finds.
    #[test]
    fn ranges_agree_with_the_whole_list() {
        let mut words: Vec<String> = super::KEYWORDS.iter().map(|k| k.to_string()).collect();
        for k in super::KEYWORDS {
            words.push(format!("{k}x"));
            words.push(k[..k.len() - 1].to_string());
            words.push(k.to_uppercase());
        }
        words.extend(["", "0", "_", "kube-proxy", "zz", "\u{e9}t\u{e9}"].map(String::from));
        for w in &words {
            assert_eq!(
                super::is_keyword(w),
                super::KEYWORDS.binary_search(&w.as_str()).is_ok(),
                "{w:?}"
            );
        }
    }
}
