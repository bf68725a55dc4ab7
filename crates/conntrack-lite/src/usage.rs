// SPDX-License-Identifier: Apache-2.0
//! The help text (conntrack's usage()) and the protocol help of `-h -p P`.

/// Everything after the two version lines, byte for byte.
pub const BODY: &str = concat!(
    "\n",
    "Commands:\n",
    "  -L [table] [options]\t\tList conntrack or expectation table\n",
    "  -G [table] parameters\t\tGet conntrack or expectation\n",
    "  -D [table] parameters\t\tDelete conntrack or expectation\n",
    "  -I [table] parameters\t\tCreate a conntrack or expectation\n",
    "  -U [table] parameters\t\tUpdate a conntrack\n",
    "  -E [table] [options]\t\tShow events\n",
    "  -F [table]\t\t\tFlush table\n",
    "  -C [table]\t\t\tShow counter\n",
    "  -S\t\t\t\tShow statistics\n",
    "\n",
    "Tables: conntrack, expect, dying, unconfirmed\n",
    "\n",
    "Conntrack parameters and options:\n",
    "  -n, --src-nat ip\t\t\tsource NAT ip\n",
    "  -g, --dst-nat ip\t\t\tdestination NAT ip\n",
    "  -j, --any-nat ip\t\t\tsource or destination NAT ip\n",
    "  -m, --mark mark\t\t\tSet mark\n",
    "  -c, --secmark secmark\t\t\tSet selinux secmark\n",
    "  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY\n",
    "  -z, --zero \t\t\t\tZero counters while listing\n",
    "  -o, --output type[,...]\t\tOutput format, eg. xml\n",
    "  -l, --label label[,...]\t\tconntrack labels\n",
    "\n",
    "Expectation parameters and options:\n",
    "  --tuple-src ip\tSource address in expect tuple\n",
    "  --tuple-dst ip\tDestination address in expect tuple\n",
    "\n",
    "Updating parameters and options:\n",
    "  --label-add label\tAdd label\n",
    "  --label-del label\tDelete label\n",
    "\n",
    "Common parameters and options:\n",
    "  -s, --src, --orig-src ip\t\tSource address from original direction\n",
    "  -d, --dst, --orig-dst ip\t\tDestination address from original direction\n",
    "  -r, --reply-src ip\t\tSource addres from reply direction\n",
    "  -q, --reply-dst ip\t\tDestination address from reply direction\n",
    "  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'\n",
    "  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'\n",
    "  -t, --timeout timeout\t\tSet timeout\n",
    "  -u, --status status\t\tSet status, eg. ASSURED\n",
    "  -w, --zone value\t\tSet conntrack zone\n",
    "  --orig-zone value\t\tSet zone for original direction\n",
    "  --reply-zone value\t\tSet zone for reply direction\n",
    "  -b, --buffer-size\t\tNetlink socket buffer size\n",
    "  --mask-src ip\t\t\tSource mask address\n",
    "  --mask-dst ip\t\t\tDestination mask address\n",
    "\n",
);

/// The usage text; `prog` is argv[0] as given.
pub fn text(prog: &str) -> String {
    format!(
        "Command line interface for the connection tracking system. Version 1.4.7\nUsage: {prog} [commands] [options]\n{BODY}"
    )
}

/// `Proto `NAME' help:` and the protocol's option lines.
pub fn proto_help(name: &str, num: u8) -> String {
    let lines: &[&str] = match num {
        6 | 17 | 136 | 132 | 33 => &[
            "  --orig-port-src\t\toriginal source port\n",
            "  --orig-port-dst\t\toriginal destination port\n",
            "  --reply-port-src\t\treply source port\n",
            "  --reply-port-dst\t\treply destination port\n",
            "  --mask-port-src\t\tmask source port\n",
            "  --mask-port-dst\t\tmask destination port\n",
            "  --tuple-port-src\t\texpectation tuple src port\n",
            "  --tuple-port-src\t\texpectation tuple dst port\n",
        ],
        1 => &[
            "  --icmp-type\t\t\ticmp type\n",
            "  --icmp-code\t\t\ticmp code\n",
            "  --icmp-id\t\t\ticmp id\n",
        ],
        58 => &[
            "  --icmpv6-type\t\t\ticmpv6 type\n",
            "  --icmpv6-code\t\t\ticmpv6 code\n",
            "  --icmpv6-id\t\t\ticmpv6 id\n",
        ],
        _ => &["  no options (unsupported)\n"],
    };
    let mut s = format!("Proto `{name}' help:\n");
    for l in lines {
        s.push_str(l);
    }
    if num == 6 {
        s.push_str("  --state\t\t\tTCP state, fe. ESTABLISHED\n");
    }
    s
}
