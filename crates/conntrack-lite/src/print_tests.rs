// SPDX-License-Identifier: Apache-2.0
//! Output formats without a kernel: entries built by hand must print as the
//! golden cases recorded conntrack 1.4.7 printing them.

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{Conntrack, EventKind, ProtoInfo, TcpInfo, Tuple};

use crate::print::{default, Flags};

fn tuple(src: &str, dst: &str, proto: u8, sport: u16, dport: u16) -> Tuple {
    let mut t = Tuple::default();
    t.src = src.parse().ok();
    t.dst = dst.parse().ok();
    t.proto = Some(proto);
    t.src_port = Some(sport);
    t.dst_port = Some(dport);
    t
}

fn time_wait() -> Conntrack {
    let mut ct = Conntrack::default();
    ct.family = libc::AF_INET as u8;
    ct.orig = Some(tuple("10.99.0.1", "10.99.0.2", IPPROTO_TCP, 40010, 6443));
    ct.reply = Some(tuple("10.99.0.2", "10.99.0.1", IPPROTO_TCP, 6443, 40010));
    ct.status = Some(IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED);
    ct.timeout = Some(119);
    ct.mark = Some(0);
    ct.use_count = Some(1);
    ct.id = Some(484649483);
    ct.protoinfo = Some(ProtoInfo::Tcp(TcpInfo {
        state: Some(7),
        ..TcpInfo::default()
    }));
    ct
}

#[test]
fn default_extended_and_id() {
    let ct = time_wait();
    assert_eq!(
        default(&ct, None, Flags::default()),
        "tcp      6 119 TIME_WAIT src=10.99.0.1 dst=10.99.0.2 sport=40010 dport=6443 src=10.99.0.2 dst=10.99.0.1 sport=6443 dport=40010 [ASSURED] mark=0 use=1"
    );
    let f = Flags {
        layer3: true,
        id: true,
        ..Flags::default()
    };
    assert_eq!(
        default(&ct, None, f),
        "ipv4     2 tcp      6 119 TIME_WAIT src=10.99.0.1 dst=10.99.0.2 sport=40010 dport=6443 src=10.99.0.2 dst=10.99.0.1 sport=6443 dport=40010 [ASSURED] mark=0 use=1 id=484649483"
    );
}

#[test]
fn icmp_unreplied_and_event_tags() {
    let mut ct = Conntrack::default();
    let mut o = Tuple::default();
    o.src = "10.99.0.1".parse().ok();
    o.dst = "10.99.0.2".parse().ok();
    o.proto = Some(IPPROTO_ICMP);
    o.icmp_type = Some(8);
    o.icmp_code = Some(0);
    o.icmp_id = Some(4660);
    let mut r = o.clone();
    r.src = o.dst;
    r.dst = o.src;
    r.icmp_type = Some(0);
    ct.orig = Some(o);
    ct.reply = Some(r);
    ct.status = Some(IPS_CONFIRMED);
    ct.timeout = Some(29);
    ct.mark = Some(0);
    ct.use_count = Some(1);
    assert_eq!(
        default(&ct, None, Flags::default()),
        "icmp     1 29 src=10.99.0.1 dst=10.99.0.2 type=8 code=0 id=4660 [UNREPLIED] src=10.99.0.2 dst=10.99.0.1 type=0 code=0 id=4660 mark=0 use=1"
    );
    ct.use_count = None;
    ct.mark = None;
    assert!(default(&ct, Some(EventKind::Destroy), Flags::default())
        .starts_with("[DESTROY] icmp     1 29 "));
    assert!(default(&ct, Some(EventKind::New), Flags::default()).starts_with("    [NEW] icmp"));
    assert!(default(&ct, Some(EventKind::Update), Flags::default()).starts_with(" [UPDATE] icmp"));
}

#[test]
fn xml_flow() {
    let ct = time_wait();
    assert_eq!(
        crate::xml::flow(&ct, None, Flags::default()),
        "<flow><meta direction=\"original\"><layer3 protonum=\"2\" protoname=\"ipv4\"><src>10.99.0.1</src><dst>10.99.0.2</dst></layer3><layer4 protonum=\"6\" protoname=\"tcp\"><sport>40010</sport><dport>6443</dport></layer4></meta><meta direction=\"reply\"><layer3 protonum=\"2\" protoname=\"ipv4\"><src>10.99.0.2</src><dst>10.99.0.1</dst></layer3><layer4 protonum=\"6\" protoname=\"tcp\"><sport>6443</sport><dport>40010</dport></layer4></meta><meta direction=\"independent\"><state>TIME_WAIT</state><timeout>119</timeout><mark>0</mark><use>1</use><id>484649483</id><assured/></meta></flow>"
    );
}

#[test]
fn save_line() {
    let ct = time_wait();
    assert_eq!(
        crate::save::line(&ct, Some(EventKind::New), true),
        "-A -t 119 -u SEEN_REPLY,ASSURED -s 10.99.0.1 -d 10.99.0.2 -r 10.99.0.2 -q 10.99.0.1 -p tcp --sport 40010 --dport 6443 --reply-port-src 6443 --reply-port-dst 40010 --state TIME_WAIT"
    );
}
