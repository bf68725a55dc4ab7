// SPDX-License-Identifier: Apache-2.0
//! `print_addrinfo` on RTM_NEWADDR payloads recorded from the kernel.

use super::list::{ifa, print_addrinfo};
use crate::cli::Opts;
use crate::ctx::{Ctx, LinkEntry, RTM_NEWADDR};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
        .collect()
}

const LO: &str = "020880fe01000000080001007f000001080002007f000001070003006c6f0000080008008000000014000600ffffffffffffffff150d0400150d0400";
const ETH: &str = "0218800003000000080001000a630002080002000a6300020700030064300000080008008000000014000600ffffffffffffffff180d0400180d0400";

fn ctx(o: Opts) -> Ctx {
    let mut c = Ctx::new(o).unwrap_or_else(|f| panic!("{}", f.msg));
    c.set_links(vec![LinkEntry {
        index: 3,
        name: "d0".into(),
        flags: 0x11043,
    }]);
    c
}

#[test]
fn text_and_oneline() {
    let mut c = ctx(Opts::default());
    let d = hex(LO);
    let a = ifa(&d).unwrap_or_else(|| panic!("short"));
    print_addrinfo(&mut c, RTM_NEWADDR, &a, false);
    assert_eq!(
        c.out.take(),
        "    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n"
    );
    let mut c = ctx(Opts {
        oneline: true,
        ..Default::default()
    });
    let d = hex(ETH);
    let a = ifa(&d).unwrap_or_else(|| panic!("short"));
    print_addrinfo(&mut c, RTM_NEWADDR, &a, true);
    // golden ip/054's shape: field 4 is ADDR/PREFIX
    assert_eq!(
        c.out.take(),
        "3: d0    inet 10.99.0.2/24 scope global d0\\       valid_lft forever preferred_lft forever\n"
    );
}

#[test]
fn json_fields() {
    let mut c = ctx(Opts {
        json: true,
        ..Default::default()
    });
    let d = hex(ETH);
    let a = ifa(&d).unwrap_or_else(|| panic!("short"));
    c.out.obj_open(None);
    print_addrinfo(&mut c, RTM_NEWADDR, &a, false);
    c.out.obj_close();
    assert_eq!(
        c.out.take(),
        "{\"family\":\"inet\",\"local\":\"10.99.0.2\",\"prefixlen\":24,\"scope\":\"global\",\"label\":\"d0\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295}"
    );
}
