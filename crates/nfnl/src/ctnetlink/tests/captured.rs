// SPDX-License-Identifier: Apache-2.0
//! A dump reply captured from kernel 6.18 (IPCTNL_MSG_CT_GET, AF_INET) for an
//! entry made with `conntrack -I -p tcp -s 10.99.0.1 -d 10.99.0.2 --sport 40011
//! --dport 10250 --state ESTABLISHED -u SEEN_REPLY,ASSURED -t 432000 -m 5`.

use crate::ctnetlink::attribute::*;
use crate::ctnetlink::{Conntrack, ProtoInfo, TcpInfo, Tuple};
use crate::msg::messages;

const DUMP_REPLY: &str = "f0000000000122000100000047170000020000003400018014000180080001000a630001\
080002000a6300021c0002800500010006000000060002009c4b000006000300280a0000340002801400\
0180080001000a630002080002000a6300011c000280050001000600000006000200280a000006000300\
9c4b0000080003000000000e080008000000000508000c009aa23fe508000b0000000001080007000006\
977f300004802c000180050001000300000005000200000000000500030000000000060004000a000000\
060005000a0000001c001880080001000000000008000200000000000800030000000000";

fn bytes() -> Vec<u8> {
    (0..DUMP_REPLY.len() / 2)
        .map(|i| u8::from_str_radix(&DUMP_REPLY[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn tcp(src: &str, dst: &str, sport: u16, dport: u16) -> Tuple {
    Tuple {
        src: src.parse().ok(),
        dst: dst.parse().ok(),
        proto: Some(IPPROTO_TCP),
        src_port: Some(sport),
        dst_port: Some(dport),
        ..Tuple::default()
    }
}

#[test]
fn parses_a_kernel_dump_reply() {
    let b = bytes();
    let msgs: Vec<_> = messages(&b).collect::<Result<_, _>>().unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].kind(), IPCTNL_MSG_CT_NEW);
    let ct = Conntrack::from_msg(&msgs[0]).unwrap();
    assert_eq!(ct.family, libc::AF_INET as u8);
    assert_eq!(ct.orig, Some(tcp("10.99.0.1", "10.99.0.2", 40011, 10250)));
    assert_eq!(ct.reply, Some(tcp("10.99.0.2", "10.99.0.1", 10250, 40011)));
    assert_eq!(ct.status, Some(0x0e)); // SEEN_REPLY|ASSURED|CONFIRMED
    assert_eq!(ct.mark, Some(5));
    assert_eq!(ct.id, Some(0x9aa2_3fe5));
    assert_eq!(ct.use_count, Some(1));
    assert_eq!(ct.timeout, Some(431_999));
    assert_eq!(
        ct.protoinfo,
        Some(ProtoInfo::Tcp(TcpInfo {
            state: Some(3),
            wscale_orig: Some(0),
            wscale_reply: Some(0),
            flags_orig: Some((0x0a, 0)),
            flags_reply: Some((0x0a, 0)),
        }))
    );
    // CTA_SYNPROXY (24) is not interpreted here: kept, not dropped.
    assert_eq!(ct.other.len(), 1);
    assert_eq!(ct.other[0].kind, 24);
    assert!(ct.other[0].nested);
    assert_eq!(ct.l3family(), libc::AF_INET as u8);
}

#[test]
fn reemits_what_it_parsed() {
    let b = bytes();
    let m = messages(&b).next().unwrap().unwrap();
    let ct = Conntrack::from_msg(&m).unwrap();
    let w = crate::ctnetlink::ct_request(IPCTNL_MSG_CT_NEW, 0, 1, ct.family, Some(&ct));
    let again = messages(w.as_bytes()).next().unwrap().unwrap();
    let back = Conntrack::from_msg(&again).unwrap();
    // use/counters are kernel-only and not emitted; everything else survives.
    let mut want = ct.clone();
    want.use_count = None;
    assert_eq!(back, want);
}
