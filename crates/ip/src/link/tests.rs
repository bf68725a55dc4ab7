// SPDX-License-Identifier: Apache-2.0
//! `-d` kind printers on IFLA_LINKINFO built the way the kernel encodes it
//! (this test kernel has no geneve module to record from).

use super::kinds::print_linktype;
use crate::attr::Tb;
use crate::cli::Opts;
use crate::ctx::Ctx;
use crate::nl::Msg;

fn linkinfo(kind: &str, data: impl Fn(&mut Msg)) -> Vec<u8> {
    let mut m = Msg::new(0, 0, &[]);
    m.str(1, kind);
    m.nest_start(2);
    data(&mut m);
    m.nest_end();
    m.attrs_after(0).to_vec()
}

fn geneve_attrs(m: &mut Msg) {
    m.u32(1, 5); // IFLA_GENEVE_ID
    m.attr(2, &[10, 1, 1, 1]); // REMOTE
    m.u8(3, 0); // TTL
    m.u8(4, 0); // TOS
    m.u8(13, 0); // DF unset
    m.be16(5, 6081); // PORT
    m.u8(8, 0); // UDP_CSUM
    m.u8(9, 0);
    m.u8(10, 0);
}

#[test]
fn geneve_text_and_json() {
    let li = linkinfo("geneve", geneve_attrs);
    let mut c = Ctx::new(Opts::default()).unwrap_or_else(|f| panic!("{}", f.msg));
    print_linktype(&mut c, &Tb::parse(&li));
    assert_eq!(
        c.out.take(),
        "\n    geneve id 5 remote 10.1.1.1 ttl auto dstport 6081 noudpcsum noudp6zerocsumtx noudp6zerocsumrx "
    );
    let mut c = Ctx::new(Opts {
        json: true,
        ..Default::default()
    })
    .unwrap_or_else(|f| panic!("{}", f.msg));
    c.out.obj_open(None);
    print_linktype(&mut c, &Tb::parse(&li));
    c.out.obj_close();
    assert_eq!(
        c.out.take(),
        "{\"linkinfo\":{\"info_kind\":\"geneve\",\"info_data\":{\"id\":5,\"remote\":\"10.1.1.1\",\"ttl\":0,\"df\":\"unset\",\"port\":6081,\"udp_csum\":false,\"udp_zero_csum6_tx\":false,\"udp_zero_csum6_rx\":false}}}"
    );
}

#[test]
fn kind_without_printer_shows_only_its_name() {
    let li = linkinfo("dummy", |_| {});
    let mut c = Ctx::new(Opts::default()).unwrap_or_else(|f| panic!("{}", f.msg));
    print_linktype(&mut c, &Tb::parse(&li));
    assert_eq!(c.out.take(), "\n    dummy ");
}

#[test]
fn vlan_as_iproute2() {
    // a default 802.1Q vlan: protocol, id, flags {REORDER_HDR, mask ~0}
    let li = linkinfo("vlan", |m| {
        m.u16(1, 100);
        let mut fl = 1u32.to_ne_bytes().to_vec();
        fl.extend_from_slice(&u32::MAX.to_ne_bytes());
        m.attr(2, &fl);
        m.be16(5, 0x8100);
    });
    let mut c = Ctx::new(Opts::default()).unwrap_or_else(|f| panic!("{}", f.msg));
    print_linktype(&mut c, &Tb::parse(&li));
    assert_eq!(
        c.out.take(),
        "\n    vlan protocol 802.1Q id 100 <REORDER_HDR> "
    );
}
