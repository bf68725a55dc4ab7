// SPDX-License-Identifier: Apache-2.0
//! Expressions: emit → parse round trips, libnftnl debug text as the corpus
//! `.payload` files show it, and garbage that must not panic.

use super::*;
use crate::msg::{messages, NLM_F_CREATE};
use crate::nftables::data::{Data, Verdict};
use crate::nftables::Rule;

fn check(e: Expr, expect: &str) {
    assert_eq!(e.to_string(), expect);
    let mut w = Writer::new();
    vec![e.clone()].put(&mut w, NFTA_RULE_EXPRESSIONS);
    let a = AttrIter::new(w.as_bytes()).next().unwrap().unwrap();
    assert_eq!(Vec::<Expr>::get(&a).unwrap(), vec![e]);
}

fn val(b: &[u8]) -> Option<Data> {
    Some(Data::Value(b.to_vec()))
}

#[test]
fn payload_lines() {
    check(
        Expr::Payload(Payload {
            dreg: Some(1),
            base: Some(NFT_PAYLOAD_NETWORK_HEADER),
            offset: Some(12),
            len: Some(4),
            ..Default::default()
        }),
        "[ payload load 4b @ network header + 12 => reg 1 ]",
    );
    check(
        Expr::Cmp(Cmp {
            sreg: Some(1),
            op: Some(NFT_CMP_EQ),
            data: val(&[192, 168, 0, 1]),
            ..Default::default()
        }),
        "[ cmp eq reg 1 0x0100a8c0 ]",
    );
    check(
        Expr::Cmp(Cmp {
            sreg: Some(1),
            op: Some(NFT_CMP_NEQ),
            data: val(&[0, 22]),
            ..Default::default()
        }),
        "[ cmp neq reg 1 0x00001600 ]",
    );
    check(
        Expr::Meta(Meta {
            dreg: Some(1),
            key: Some(NFT_META_L4PROTO),
            ..Default::default()
        }),
        "[ meta load l4proto => reg 1 ]",
    );
    check(
        Expr::Meta(Meta {
            sreg: Some(1),
            key: Some(NFT_META_MARK),
            ..Default::default()
        }),
        "[ meta set mark with reg 1 ]",
    );
    check(
        Expr::Bitwise(Bitwise {
            sreg: Some(1),
            dreg: Some(1),
            len: Some(4),
            mask: val(&[0, 0x40, 0, 0]),
            xor: val(&[0, 0, 0, 0]),
            ..Default::default()
        }),
        "[ bitwise reg 1 = ( reg 1 & 0x00004000 ) ^ 0x00000000 ]",
    );
}

#[test]
fn verdicts_and_actions() {
    check(
        Expr::Immediate(Immediate {
            dreg: Some(0),
            data: Some(Data::Verdict(Verdict::to_chain(
                NFT_JUMP,
                "mark-for-masquerade",
            ))),
            ..Default::default()
        }),
        "[ immediate reg 0 jump -> mark-for-masquerade ]",
    );
    check(
        Expr::Immediate(Immediate {
            dreg: Some(0),
            data: Some(Data::Verdict(Verdict::new(NF_DROP))),
            ..Default::default()
        }),
        "[ immediate reg 0 drop ]",
    );
    check(
        Expr::Lookup(Lookup {
            sreg: Some(1),
            set: Some("__set%d".into()),
            flags: Some(1),
            ..Default::default()
        }),
        "[ lookup reg 1 set __set%d 0x1 ]",
    );
    check(
        Expr::Lookup(Lookup {
            sreg: Some(1),
            dreg: Some(0),
            set: Some("__map%d".into()),
            ..Default::default()
        }),
        "[ lookup reg 1 set __map%d dreg 0 ]",
    );
    check(
        Expr::Nat(Nat {
            nat_type: Some(NFT_NAT_DNAT),
            family: Some(2),
            reg_addr_min: Some(1),
            reg_proto_min: Some(2),
            flags: Some(2),
            ..Default::default()
        }),
        "[ nat dnat ip addr_min reg 1 proto_min reg 2 flags 0x2 ]",
    );
    check(
        Expr::Masq(Masq {
            flags: Some(0x10),
            ..Default::default()
        }),
        "[ masq flags 0x10 ]",
    );
    check(Expr::Masq(Masq::default()), "[ masq ]");
    check(
        Expr::Reject(Reject {
            reject_type: Some(0),
            icmp_code: Some(3),
            ..Default::default()
        }),
        "[ reject type 0 code 3 ]",
    );
    check(
        Expr::Counter(Counter {
            packets: Some(0),
            bytes: Some(0),
            ..Default::default()
        }),
        "[ counter pkts 0 bytes 0 ]",
    );
    check(
        Expr::Numgen(Numgen {
            dreg: Some(1),
            modulus: Some(2),
            ng_type: Some(NFT_NG_INCREMENTAL),
            offset: Some(100),
            ..Default::default()
        }),
        "[ numgen reg 1 = inc mod 2 offset 100 ]",
    );
    check(
        Expr::Fib(Fib {
            dreg: Some(1),
            result: Some(NFT_FIB_RESULT_OIF),
            flags: Some(NFTA_FIB_F_DADDR | NFTA_FIB_F_PRESENT),
            ..Default::default()
        }),
        "[ fib daddr oif present => reg 1 ]",
    );
    check(
        Expr::Fib(Fib {
            dreg: Some(1),
            result: Some(NFT_FIB_RESULT_ADDRTYPE),
            flags: Some(NFTA_FIB_F_DADDR | NFTA_FIB_F_IIF),
            ..Default::default()
        }),
        "[ fib daddr . iif type => reg 1 ]",
    );
    check(
        Expr::Ct(Ct {
            dreg: Some(1),
            key: Some(NFT_CT_SRC_IP),
            direction: Some(0),
            ..Default::default()
        }),
        "[ ct load src_ip => reg 1 , dir original ]",
    );
    check(
        Expr::Dynset(Dynset {
            op: Some(0),
            sreg_key: Some(1),
            set_name: Some("map1".into()),
            sreg_data: Some(3),
            ..Default::default()
        }),
        "[ dynset add reg_key 1 set map1 sreg_data 3 ]",
    );
    check(
        Expr::Range(Range {
            sreg: Some(1),
            op: Some(NFT_RANGE_NEQ),
            from: val(&[0, 22]),
            to: val(&[0, 25]),
            ..Default::default()
        }),
        "[ range neq reg 1 0x00001600 0x00001900 ]",
    );
    check(
        Expr::Limit(Limit {
            rate: Some(400),
            unit: Some(60),
            burst: Some(5),
            limit_type: Some(0),
            flags: Some(0),
            ..Default::default()
        }),
        "[ limit rate 400/minute burst 5 type packets flags 0x0 ]",
    );
    check(
        Expr::Objref(Objref {
            imm_type: Some(1),
            imm_name: Some("cnt1".into()),
            ..Default::default()
        }),
        "[ objref type 1 name cnt1 ]",
    );
    check(
        Expr::Quota(Quota {
            bytes: Some(1024),
            consumed: Some(0),
            flags: Some(1),
            ..Default::default()
        }),
        "[ quota bytes 1024 consumed 0 flags 1 ]",
    );
    check(
        Expr::Byteorder(Byteorder {
            sreg: Some(1),
            dreg: Some(1),
            op: Some(1),
            len: Some(4),
            size: Some(2),
            ..Default::default()
        }),
        "[ byteorder reg 1 = hton(reg 1, 2, 4) ]",
    );
    check(Expr::Notrack, "[ notrack ]");
    check(
        Expr::Other {
            name: "xt".into(),
            data: vec![8, 0, 1, 0, 0, 0, 0, 1],
        },
        "[ xt ]",
    );
}

#[test]
fn rule_message_roundtrip() {
    let mut r = Rule::new(2, "kube-proxy", "services");
    r.exprs = Some(vec![
        Expr::Payload(Payload {
            dreg: Some(1),
            base: Some(1),
            offset: Some(16),
            len: Some(4),
            ..Default::default()
        }),
        Expr::Lookup(Lookup {
            sreg: Some(1),
            set: Some("cluster-ips".into()),
            ..Default::default()
        }),
        Expr::Reject(Reject {
            reject_type: Some(0),
            icmp_code: Some(3),
            ..Default::default()
        }),
    ]);
    r.set_comment("Reject traffic to invalid ports of ClusterIPs");
    let mut w = Writer::new();
    r.emit_msg(&mut w, NFT_MSG_NEWRULE, NLM_F_CREATE, 9);
    let m = messages(w.as_bytes()).next().unwrap().unwrap();
    assert_eq!(m.kind(), NFT_MSG_NEWRULE);
    let back = Rule::parse(&m).unwrap();
    assert_eq!(back, r);
    assert_eq!(
        back.comment().as_deref(),
        Some("Reject traffic to invalid ports of ClusterIPs")
    );
    assert_eq!(
        back.to_string(),
        "ip kube-proxy services\n  [ payload load 4b @ network header + 16 => reg 1 ]\n  \
         [ lookup reg 1 set cluster-ips ]\n  [ reject type 0 code 3 ]\n  \
         userdata = { \\x00.Reject traffic to invalid ports of ClusterIPs\\x00 }\n"
    );
}

#[test]
fn unknown_attributes_are_kept() {
    let mut w = Writer::new();
    w.put_be32(NFTA_CMP_SREG, 1);
    w.put_be32(99, 7);
    let c = Cmp::parse_attrs(AttrIter::new(w.as_bytes())).unwrap();
    assert_eq!(c.other.len(), 1);
    let mut w2 = Writer::new();
    c.emit(&mut w2);
    assert_eq!(w2.as_bytes(), w.as_bytes());
}

#[test]
fn garbage_never_panics() {
    // A deterministic byte soup: every prefix and a few mutations of real bytes.
    let mut r = Rule::new(2, "t", "c");
    r.exprs = Some(vec![
        Expr::Cmp(Cmp {
            sreg: Some(1),
            op: Some(0),
            data: val(&[1, 2, 3]),
            ..Default::default()
        }),
        Expr::Immediate(Immediate {
            dreg: Some(0),
            data: Some(Data::Verdict(Verdict::to_chain(NFT_GOTO, "x"))),
            ..Default::default()
        }),
    ]);
    let mut w = Writer::new();
    r.emit(&mut w);
    let bytes = w.into_bytes();
    let mut seed = 0x1234_5678u32;
    for cut in 0..bytes.len() {
        let _ = Rule::parse_attrs(AttrIter::new(&bytes[..cut]));
        let mut b = bytes.clone();
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let i = (seed as usize) % b.len();
        b[i] ^= (seed >> 16) as u8;
        if let Ok(r) = Rule::parse_attrs(AttrIter::new(&b)) {
            let _ = r.to_string();
        }
    }
}

#[test]
fn debug_text_parses_back() {
    let lines = [
        "[ payload load 4b @ network header + 12 => reg 1 ]",
        "[ payload load 2b @ transport header + 2 => reg 10 ]",
        "[ cmp eq reg 1 0x0100a8c0 ]",
        "[ cmp neq reg 1 0x0000000a ]",
        "[ range neq reg 1 0x00001600 0x00001900 ]",
        "[ meta load l4proto => reg 9 ]",
        "[ meta set mark with reg 1 ]",
        "[ ct load state => reg 1 ]",
        "[ ct load src_ip => reg 1 , dir reply ]",
        "[ immediate reg 0 jump -> mark-for-masquerade ]",
        "[ immediate reg 0 drop ]",
        "[ immediate reg 1 0x0100400a ]",
        "[ lookup reg 1 set service-ips dreg 0 0x0 ]",
        "[ lookup reg 1 set __set%d 0x1 ]",
        "[ bitwise reg 1 = ( reg 1 & 0xffffbfff ) ^ 0x00004000 ]",
        "[ bitwise reg 1 = ( reg 1 << 0x00000002 ) ]",
        "[ numgen reg 1 = random mod 3 ]",
        "[ numgen reg 1 = inc mod 2 offset 100 ]",
        "[ fib saddr type => reg 1 ]",
        "[ fib daddr oif present => reg 1 ]",
        "[ fib saddr . iif oifname => reg 1 ]",
        "[ nat dnat ip addr_min reg 1 addr_max reg 1 proto_min reg 2 proto_max reg 2 flags 0x3 ]",
        "[ masq flags 0x10 ]",
        "[ masq ]",
        "[ redir proto_min reg 1 flags 0x2 ]",
        "[ reject type 0 code 3 ]",
        "[ counter pkts 1 bytes 1024 ]",
        "[ dynset update reg_key 1 set aff timeout 10800000ms ]",
        "[ notrack ]",
    ];
    for l in lines {
        let e: Expr = l.parse().unwrap_or_else(|err| panic!("{l}: {err}"));
        assert_eq!(e.to_string(), l);
    }
    for bad in [
        "",
        "[ ]",
        "[ cmp eq reg x 0x1 ]",
        "[ frob ]",
        "[ payload load",
        "[ bitwise reg 1 = ( reg 1 & ]",
    ] {
        assert!(bad.parse::<Expr>().is_err(), "{bad:?} should not parse");
    }
}
