// SPDX-License-Identifier: Apache-2.0
//! Command-line parsing without a kernel: what each line becomes, and the
//! usage errors with conntrack 1.4.7's words (as the golden cases record).

use super::*;
use crate::error::Fail;

fn parse(line: &str) -> Result<Cmd> {
    let args = std::iter::once("conntrack")
        .chain(line.split_whitespace())
        .map(String::from)
        .collect();
    do_parse(args)
}

fn param_err(line: &str) -> String {
    match parse(line) {
        Err(Fail::Param(m)) => m,
        other => panic!("{line}: expected a usage error, got {other:?}"),
    }
}

#[test]
fn kube_proxy_forms() {
    let c = parse("-D --orig-dst 10.43.0.10 --dst-nat 10.42.0.5 -p udp").unwrap();
    assert_eq!(c.command, CT_DELETE);
    assert_eq!(c.family, libc::AF_INET as u8);
    assert_eq!(c.tmpl.orig.dst, "10.43.0.10".parse().ok());
    assert_eq!(c.tmpl.dnat, "10.42.0.5".parse().ok());
    assert_eq!(c.tmpl.orig.proto, Some(IPPROTO_UDP));
    let c = parse("-D -p udp --dport 53").unwrap();
    assert_eq!(c.family, 0, "no -f: both families");
    assert_eq!(c.tmpl.orig.dst_port, Some(53));
    let c = parse("-D -p udp --dport 30053 --dst-nat fd42::5 -f ipv6").unwrap();
    assert_eq!(c.family, libc::AF_INET6 as u8);
    let c = parse("-D -p udp --dport 70000").unwrap();
    assert_eq!(
        c.tmpl.orig.dst_port,
        Some(70000u32 as u16),
        "wraps like htons(atoi())"
    );
}

#[test]
fn getopt_forms() {
    let c = parse("--delete --proto udp --orig-port-dst=30053").unwrap();
    assert_eq!(c.tmpl.orig.dst_port, Some(30053));
    let c = parse("-D -pudp --dport 53").unwrap();
    assert_eq!(c.tmpl.orig.proto, Some(IPPROTO_UDP));
    assert_eq!(parse("-L expect").unwrap().command, EXP_LIST);
    assert_eq!(
        parse("-Lexpect").unwrap().command,
        CT_LIST,
        "attached table is ignored"
    );
    assert_eq!(parse("--dump").unwrap().command, CT_LIST);
    assert_eq!(parse("").unwrap().command, 0);
    let c = parse("-L -o extended,id").unwrap();
    assert_eq!(c.output, O_EXT | O_IDF);
}

#[test]
fn usage_errors_in_conntracks_words() {
    for (line, msg) in [
        ("-L -p foo", "`foo' unsupported protocol"),
        (
            "-D --orig-dst 10.43.0.300 -p udp",
            "Invalid IP address `10.43.0.300'",
        ),
        ("--bogus", "unknown option `--bogus'"),
        ("-L -o badfmt", "Bad parameter `badfmt'"),
        ("-D --dport 53", "unknown option `--dport'"),
        ("-L -f ipv5", "`ipv5' unsupported protocol"),
        (
            "-D --orig-dst 10.43.0.10 -p udp -f ipv6",
            "mismatched address family",
        ),
        ("-L -D", "Invalid commands combination"),
        ("-D --orig-dst", "option `--orig-dst' requires an argument"),
        ("-C -p udp", "Illegal option `--protonum' with this command"),
        (
            "-G -p udp --dport 53",
            "you have to specify `--src' and `--dst'",
        ),
        ("-L -p tcp --state BOGUS", "unknown TCP state `BOGUS'"),
        ("-L --state ESTABLISHED", "unknown option `--state'"),
        ("-L foo", "unknown type `foo'"),
        (
            "-D --orig-dst 10.43.0.10 --dst-nat fd42::5 -p udp",
            "mismatched address family",
        ),
        (
            "-I -p tcp -s 10.99.0.7 -d 10.99.0.2 --sport 1234 --dport 80 -t 60",
            "You need to supply the `--state' option for this command",
        ),
        (
            "-I -p udp -s 10.99.0.7 -d 10.99.0.2 --sport 1 --dport 2",
            "You need to supply the `--timeout' option for this command",
        ),
        (
            "-I -f ipv6 -p udp -s fd99::7 -d fd99::2 --sport 1 --dport 2 -t 60",
            "Illegal option `--family' with this command",
        ),
        (
            "-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 -t 5",
            "you have to specify `--sport' and `--dport'",
        ),
        (
            "-L -r 10.0.0.0/8",
            "CIDR notation unavailable for `--reply-src'",
        ),
        ("-L -s 10.0.0.0/33", "Invalid netmask"),
        (
            "-L -j 1.2.3.4 -n",
            "cannot specify `--src-nat' or `--dst-nat' with `--any-nat'",
        ),
        ("-L dying -D", "Invalid commands combination"),
        (
            "-D dying",
            "Can't do that command with tables `dying' and `unconfirmed'",
        ),
        ("-U expect", "Can't do --update on expectations"),
    ] {
        assert_eq!(param_err(line), msg, "{line}");
    }
}

#[test]
fn masks_and_nat_ports() {
    let c = parse("-L -s 10.99.0.0/16").unwrap();
    assert_ne!(c.options & O_MASK_SRC, 0);
    assert_eq!(c.mask_src, "255.255.0.0".parse().ok());
    let c = parse("-L --dst-nat 10.42.0.5:53").unwrap();
    assert_eq!(c.tmpl.dnat_port, Some(53));
    let c = parse("-L --dst-nat [fd42::5]:53").unwrap();
    assert_eq!(c.tmpl.dnat, "fd42::5".parse().ok());
    assert_eq!(
        parse("-L --dst-nat 10.42.0.5:x").err(),
        Some(Fail::Param("Invalid port `x'".into()))
    );
}

#[test]
fn inet_aton_forms() {
    assert_eq!(inet_aton("10.1"), "10.0.0.1".parse().ok());
    assert_eq!(inet_aton("0x0a.0.0.010"), "10.0.0.8".parse().ok());
    assert_eq!(inet_aton("167772161"), "10.0.0.1".parse().ok());
    assert_eq!(inet_aton("10.43.0.300"), None);
    assert_eq!(inet_aton("1.2.3.4.5"), None);
    assert_eq!(inet_aton(""), None);
}
