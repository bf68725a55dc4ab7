// SPDX-License-Identifier: Apache-2.0
use std::net::IpAddr;

use crate::ctnetlink::attribute::*;
use crate::ctnetlink::{ct_request, Conntrack, Nat, ProtoInfo, RawAttr, TcpInfo, Tuple};
use crate::msg::{messages, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL};

fn ip(s: &str) -> Option<IpAddr> {
    s.parse().ok()
}

fn udp(src: &str, dst: &str, sport: u16, dport: u16) -> Tuple {
    Tuple {
        src: ip(src),
        dst: ip(dst),
        proto: Some(IPPROTO_UDP),
        src_port: Some(sport),
        dst_port: Some(dport),
        ..Tuple::default()
    }
}

#[test]
fn create_request_roundtrips() {
    let ct = Conntrack {
        family: libc::AF_INET as u8,
        orig: Some(udp("10.99.0.7", "10.43.0.10", 1, 53)),
        reply: Some(udp("10.43.0.10", "10.99.0.7", 53, 1)),
        status: Some(IPS_SEEN_REPLY | IPS_ASSURED),
        timeout: Some(30),
        mark: Some(7),
        zone: Some(3),
        nat_dst: Some(Nat {
            min_ip: ip("10.42.0.5"),
            max_ip: ip("10.42.0.5"),
            ..Nat::default()
        }),
        protoinfo: Some(ProtoInfo::Tcp(TcpInfo {
            state: Some(3),
            flags_orig: Some((0x0a, 0x0a)),
            ..TcpInfo::default()
        })),
        other: vec![RawAttr {
            kind: 99,
            nested: false,
            value: vec![1, 2, 3, 4],
        }],
        ..Conntrack::default()
    };
    let w = ct_request(
        IPCTNL_MSG_CT_NEW,
        NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
        9,
        2,
        Some(&ct),
    );
    let msgs: Vec<_> = messages(w.as_bytes()).collect::<Result<_, _>>().unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].kind(), IPCTNL_MSG_CT_NEW);
    let back = Conntrack::from_msg(&msgs[0]).unwrap();
    assert_eq!(back, ct);
}

#[test]
fn icmpv6_uses_its_own_attribute_numbers() {
    let t = Tuple {
        src: ip("fd99::1"),
        dst: ip("fd99::2"),
        proto: Some(IPPROTO_ICMPV6),
        icmp_type: Some(128),
        icmp_code: Some(0),
        icmp_id: Some(77),
        ..Tuple::default()
    };
    let mut w = crate::attr::Writer::new();
    t.emit(&mut w, CTA_TUPLE_ORIG);
    let outer = crate::attr::AttrIter::new(w.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let kinds: Vec<u16> = outer
        .nested()
        .map(|a| a.unwrap())
        .filter(|a| a.kind == CTA_TUPLE_PROTO)
        .flat_map(|p| p.nested().map(|x| x.unwrap().kind).collect::<Vec<_>>())
        .collect();
    assert_eq!(
        kinds,
        vec![
            CTA_PROTO_NUM,
            CTA_PROTO_ICMPV6_ID,
            CTA_PROTO_ICMPV6_TYPE,
            CTA_PROTO_ICMPV6_CODE
        ]
    );
    assert_eq!(Tuple::parse(outer.value).unwrap(), t);
}

#[test]
fn no_panic_on_any_truncation() {
    let ct = Conntrack {
        orig: Some(udp("fd99::2", "fd43::a", 40003, 53)),
        reply: Some(udp("fd42::5", "fd99::2", 53, 40003)),
        timeout: Some(30),
        ..Conntrack::default()
    };
    let w = ct_request(IPCTNL_MSG_CT_NEW, 0, 1, 10, Some(&ct));
    let bytes = w.as_bytes();
    for cut in 0..bytes.len() {
        let attrs = crate::attr::AttrIter::new(&bytes[20.min(cut)..cut]);
        let _ = Conntrack::parse_attrs(attrs);
        let mut junk = bytes.to_vec();
        junk[cut] ^= 0xff;
        for m in messages(&junk).flatten() {
            let _ = Conntrack::from_msg(&m);
        }
    }
}
