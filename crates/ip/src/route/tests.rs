// SPDX-License-Identifier: Apache-2.0
//! `print_route` on RTM_NEWROUTE payloads recorded from the kernel (a dump
//! of the main table in a netns set up like golden ip/070).

use super::show::{print_route, RouteFilter};
use crate::cli::Opts;
use crate::ctx::{Ctx, LinkEntry, RTM_NEWROUTE};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
        .collect()
}

const BLACKHOLE: &str = "02180000fe0300060000000008000f00fe00000008000100c0000200";
const STATIC: &str = "02180000fe0400010000000008000f00fe00000008000100cb0071000800060064000000080005000a6300010800040003000000";
const KERNEL: &str =
    "02180000fe02fd010000000008000f00fe000000080001000a630000080007000a6300020800040003000000";

fn ctx(json: bool) -> Option<Ctx> {
    let o = Opts {
        json,
        ..Default::default()
    };
    let mut c = Ctx::new(o).ok()?;
    c.set_links(vec![LinkEntry {
        index: 3,
        name: "eth0".into(),
        flags: 0x11043,
    }]);
    Some(c)
}

fn main_table() -> RouteFilter {
    RouteFilter {
        tb: 254,
        ..Default::default()
    }
}

#[test]
fn text_lines_as_iproute2() {
    let Some(mut c) = ctx(false) else {
        panic!("no NETLINK_ROUTE socket");
    };
    let f = main_table();
    for (rec, want) in [
        (BLACKHOLE, "blackhole 192.0.2.0/24 \n"),
        (
            STATIC,
            "203.0.113.0/24 via 10.99.0.1 dev eth0 proto static metric 100 \n",
        ),
        (
            KERNEL,
            "10.99.0.0/24 dev eth0 proto kernel scope link src 10.99.0.2 \n",
        ),
    ] {
        print_route(&mut c, RTM_NEWROUTE, &hex(rec), &f);
        assert_eq!(c.out.take(), want);
    }
}

#[test]
fn json_as_iproute2() {
    let Some(mut c) = ctx(true) else {
        panic!("no NETLINK_ROUTE socket");
    };
    let f = main_table();
    c.out.start();
    print_route(&mut c, RTM_NEWROUTE, &hex(BLACKHOLE), &f);
    print_route(&mut c, RTM_NEWROUTE, &hex(STATIC), &f);
    c.out.finish();
    assert_eq!(
        c.out.take(),
        "[{\"type\":\"blackhole\",\"dst\":\"192.0.2.0/24\",\"flags\":[]},{\"dst\":\"203.0.113.0/24\",\"gateway\":\"10.99.0.1\",\"dev\":\"eth0\",\"protocol\":\"static\",\"metric\":100,\"flags\":[]}]\n"
    );
}

#[test]
fn truncated_messages_do_not_panic() {
    let Some(mut c) = ctx(false) else {
        panic!("no NETLINK_ROUTE socket");
    };
    let full = hex(STATIC);
    for n in 0..full.len() {
        print_route(&mut c, RTM_NEWROUTE, &full[..n], &main_table());
    }
}
