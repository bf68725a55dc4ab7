// SPDX-License-Identifier: Apache-2.0
//! One link record as text / `-o` / `-br` / JSON (ipaddress.c
//! `print_linkinfo`, `print_linkinfo_brief`, `print_link_flags`,
//! `print_stats64`), shared by `ip link` and `ip addr`.

use crate::attr::{u32_at, u64_at, Tb};
use crate::cli::AF_PACKET;
use crate::ctx::{Ctx, RTM_DELLINK, RTM_NEWLINK};
use crate::util::fmt_lladdr;

pub const IFLA_ADDRESS: u16 = 1;
pub const IFLA_BROADCAST: u16 = 2;
pub const IFLA_IFNAME: u16 = 3;
pub const IFLA_MTU: u16 = 4;
pub const IFLA_LINK: u16 = 5;
pub const IFLA_QDISC: u16 = 6;
pub const IFLA_MASTER: u16 = 10;
pub const IFLA_TXQLEN: u16 = 13;
pub const IFLA_OPERSTATE: u16 = 16;
pub const IFLA_LINKMODE: u16 = 17;
pub const IFLA_LINKINFO: u16 = 18;
pub const IFLA_IFALIAS: u16 = 20;
pub const IFLA_STATS64: u16 = 23;
pub const IFLA_AF_SPEC: u16 = 26;
pub const IFLA_GROUP: u16 = 27;
pub const IFLA_PROMISCUITY: u16 = 30;
pub const IFLA_NUM_TX_QUEUES: u16 = 31;
pub const IFLA_NUM_RX_QUEUES: u16 = 32;
pub const IFLA_CARRIER_CHANGES: u16 = 35;
pub const IFLA_LINK_NETNSID: u16 = 37;
pub const IFLA_PROTO_DOWN: u16 = 39;
pub const IFLA_GSO_MAX_SEGS: u16 = 40;
pub const IFLA_GSO_MAX_SIZE: u16 = 41;
pub const IFLA_EVENT: u16 = 44;
pub const IFLA_MIN_MTU: u16 = 50;
pub const IFLA_MAX_MTU: u16 = 51;
pub const IFLA_PROP_LIST: u16 = 52;
pub const IFLA_ALT_IFNAME: u16 = 53;
pub const IFLA_PERM_ADDRESS: u16 = 54;
pub const IFLA_PARENT_DEV_NAME: u16 = 56;
pub const IFLA_PARENT_DEV_BUS_NAME: u16 = 57;
pub const IFLA_GRO_MAX_SIZE: u16 = 58;
pub const IFLA_TSO_MAX_SIZE: u16 = 59;
pub const IFLA_TSO_MAX_SEGS: u16 = 60;
pub const IFLA_ALLMULTI: u16 = 61;

pub const IFLA_INFO_KIND: u16 = 1;
pub const IFLA_INFO_DATA: u16 = 2;
pub const IFLA_INFO_SLAVE_KIND: u16 = 4;
pub const IFLA_INFO_SLAVE_DATA: u16 = 5;

pub const IFF_UP: u32 = 0x1;
pub const IFF_POINTOPOINT: u32 = 0x10;
pub const IFF_RUNNING: u32 = 0x40;

/// Which links a listing keeps (ipaddress.c `filter`).
#[derive(Default, Clone)]
pub struct LinkFilter {
    pub ifindex: u32,
    pub up: bool,
    /// >0: only ports of this master; -1: only links without one.
    pub master: i64,
    pub kind: Option<String>,
    pub slave_kind: Option<String>,
    pub family: u8,
    pub group: Option<u32>,
}

/// The decoded fixed part of an ifinfomsg.
pub struct IfInfo {
    pub ty: u16,
    pub index: u32,
    pub flags: u32,
}

pub fn ifinfo(data: &[u8]) -> Option<(IfInfo, &[u8])> {
    if data.len() < 16 {
        return None;
    }
    let ty = u16::from_ne_bytes([data[2], data[3]]);
    Some((
        IfInfo {
            ty,
            index: u32_at(data, 4),
            flags: u32_at(data, 8),
        },
        &data[16..],
    ))
}

const FLAG_NAMES: &[(u32, &str)] = &[
    (0x8, "LOOPBACK"),
    (0x2, "BROADCAST"),
    (0x10, "POINTOPOINT"),
    (0x1000, "MULTICAST"),
    (0x80, "NOARP"),
    (0x200, "ALLMULTI"),
    (0x100, "PROMISC"),
    (0x400, "MASTER"),
    (0x800, "SLAVE"),
    (0x4, "DEBUG"),
    (0x8000, "DYNAMIC"),
    (0x4000, "AUTOMEDIA"),
    (0x2000, "PORTSEL"),
    (0x20, "NOTRAILERS"),
    (0x1, "UP"),
    (0x10000, "LOWER_UP"),
    (0x20000, "DORMANT"),
    (0x40000, "ECHO"),
];

pub fn print_flags(out: &mut crate::out::Out, flags: u32, mdown: bool) {
    if out.json {
        out.arr_open(Some("flags"));
    } else {
        out.fp("<");
    }
    let mut flags = flags;
    if flags & IFF_UP != 0 && flags & IFF_RUNNING == 0 {
        out.s(None, if flags != 0 { "%s," } else { "%s" }, "NO-CARRIER");
    }
    flags &= !IFF_RUNNING;
    for (bit, name) in FLAG_NAMES {
        if flags & bit != 0 {
            flags &= !bit;
            out.s(None, if flags != 0 { "%s," } else { "%s" }, name);
        }
    }
    if flags != 0 {
        if out.json {
            out.j_str(None, &format!("{flags:x}"));
        } else {
            out.fp(&format!("{flags:x}"));
        }
    }
    if mdown {
        out.s(None, ",%s", "M-DOWN");
    }
    if out.json {
        out.arr_close();
    } else {
        out.fp("> ");
    }
}

const OPER_STATES: &[&str] = &[
    "UNKNOWN",
    "NOTPRESENT",
    "DOWN",
    "LOWERLAYERDOWN",
    "TESTING",
    "DORMANT",
    "UP",
];

fn print_operstate(ctx: &mut Ctx, state: u8) {
    let out = &mut ctx.out;
    match OPER_STATES.get(state as usize) {
        None => {
            if out.json {
                out.j_u(Some("operstate_index"), state as u64);
            } else {
                out.fp(&format!("state {state:#x} "));
            }
        }
        Some(s) if ctx.o.brief => {
            if out.json {
                out.j_str(Some("operstate"), s);
            } else {
                out.fp(&format!("{s:<14} "));
            }
        }
        Some(s) => {
            if out.json {
                out.j_str(Some("operstate"), s);
            } else {
                out.fp(&format!("state {s} "));
            }
        }
    }
}

pub fn ll_type_n2a(t: u16) -> String {
    match t {
        0 => "netrom".into(),
        1 => "ether".into(),
        24 => "ieee1394".into(),
        32 => "infiniband".into(),
        512 => "ppp".into(),
        768 => "ipip".into(),
        769 => "tunnel6".into(),
        772 => "loopback".into(),
        776 => "sit".into(),
        778 => "gre".into(),
        823 => "ip6gre".into(),
        0xfffe => "none".into(),
        0xffff => "void".into(),
        n => format!("[{n}]"),
    }
}

/// `print_name_and_link`: `name`, `name@peer`, `name@ifN`; returns M-DOWN.
fn print_name_and_link(ctx: &mut Ctx, fmt_brief: bool, name: &str, tb: &Tb) -> bool {
    let mut shown = name.to_string();
    let mut mdown = false;
    if let Some(iflink) = tb.u32(IFLA_LINK) {
        if iflink != 0 {
            if tb.has(IFLA_LINK_NETNSID) {
                if ctx.out.json {
                    ctx.out.j_i(Some("link_index"), iflink as i64);
                } else {
                    shown = format!("{name}@if{iflink}");
                }
            } else {
                let link = ctx.name_of(iflink);
                if ctx.out.json {
                    ctx.out.j_str(Some("link"), &link);
                } else {
                    shown = format!("{name}@{link}");
                }
                mdown = ctx.flags_of(iflink) & IFF_UP == 0;
            }
        } else if ctx.out.json {
            ctx.out.j_null(Some("link"));
        } else {
            shown = format!("{name}@NONE");
        }
    }
    if ctx.out.json {
        ctx.out.j_str(Some("ifname"), &shown);
    } else if fmt_brief {
        ctx.out.fp(&format!("{shown:<16} "));
    } else {
        ctx.out.fp(&format!("{shown}: "));
    }
    mdown
}

/// Print one link. Returns -1 when filtered out, 0 for brief, 1 printed.
pub fn print_linkinfo(
    ctx: &mut Ctx,
    msg_ty: u16,
    data: &[u8],
    f: &LinkFilter,
    do_link: bool,
) -> i32 {
    if msg_ty != RTM_NEWLINK && msg_ty != RTM_DELLINK {
        return 0;
    }
    let Some((ifi, attrs)) = ifinfo(data) else {
        return -1;
    };
    if f.ifindex != 0 && ifi.index != f.ifindex {
        return -1;
    }
    if f.up && ifi.flags & IFF_UP == 0 {
        return -1;
    }
    let tb = Tb::parse(attrs);
    let Some(name) = tb.str(IFLA_IFNAME) else {
        return -1;
    };
    let name = name.to_string();
    if let (Some(g), Some(want)) = (tb.u32(IFLA_GROUP), f.group) {
        if g != want {
            return -1;
        }
    }
    match tb.u32(IFLA_MASTER) {
        Some(m) if (f.master > 0 && m as i64 != f.master) || f.master == -1 => return -1,
        None if f.master > 0 => return -1,
        _ => {}
    }
    let li = tb.nested(IFLA_LINKINFO);
    if let Some(k) = &f.kind {
        if !tb.has(IFLA_LINKINFO) || li.str(IFLA_INFO_KIND).unwrap_or("") != k {
            return -1;
        }
    }
    if let Some(k) = &f.slave_kind {
        if !tb.has(IFLA_LINKINFO) || li.str(IFLA_INFO_SLAVE_KIND).unwrap_or("") != k {
            return -1;
        }
    }
    if msg_ty == RTM_DELLINK {
        ctx.out.b(Some("deleted"), "Deleted ", true);
    }
    if ctx.o.brief {
        let mdown = print_name_and_link(ctx, true, &name, &tb);
        if let Some(s) = tb.u8(IFLA_OPERSTATE) {
            print_operstate(ctx, s);
        }
        if f.family == AF_PACKET {
            if let Some(a) = tb.get(IFLA_ADDRESS) {
                ctx.out.s(Some("address"), "%s ", &fmt_lladdr(a));
            }
            print_flags(&mut ctx.out, ifi.flags, mdown);
            ctx.out.fp("\n");
        }
        return 0;
    }
    ctx.out.i(Some("ifindex"), "%d: ", ifi.index as i64);
    let mdown = print_name_and_link(ctx, false, &name, &tb);
    print_flags(&mut ctx.out, ifi.flags, mdown);
    if let Some(mtu) = tb.u32(IFLA_MTU) {
        ctx.out.u(Some("mtu"), "mtu %u ", mtu as u64);
    }
    if let Some(q) = tb.str(IFLA_QDISC) {
        ctx.out.s(Some("qdisc"), "qdisc %s ", q);
    }
    if let Some(m) = tb.u32(IFLA_MASTER) {
        let mn = ctx.name_of(m);
        ctx.out.s(Some("master"), "master %s ", &mn);
    }
    if let Some(s) = tb.u8(IFLA_OPERSTATE) {
        print_operstate(ctx, s);
    }
    if do_link {
        if let Some(mode) = tb.u8(IFLA_LINKMODE) {
            match mode {
                0 => ctx.out.s(Some("linkmode"), "mode %s ", "DEFAULT"),
                1 => ctx.out.s(Some("linkmode"), "mode %s ", "DORMANT"),
                m => ctx.out.i(Some("linkmode_index"), "mode %d ", m as i64),
            }
        }
    }
    if let Some(g) = tb.u32(IFLA_GROUP) {
        let gs = if g == 0 {
            "default".to_string()
        } else {
            g.to_string()
        };
        ctx.out.s(Some("group"), "group %s ", &gs);
    }
    if let Some(q) = tb.u32(IFLA_TXQLEN) {
        if q != 0 {
            ctx.out.i(Some("txqlen"), "qlen %d", q as i64);
        }
    }
    if f.family == 0 || f.family == AF_PACKET || ctx.o.details > 0 {
        ctx.out.nl();
        ctx.out
            .s(Some("link_type"), "    link/%s ", &ll_type_n2a(ifi.ty));
        if let Some(a) = tb.get(IFLA_ADDRESS) {
            ctx.out.s(Some("address"), "%s", &fmt_lladdr(a));
        }
        if let Some(b) = tb.get(IFLA_BROADCAST) {
            if ifi.flags & IFF_POINTOPOINT != 0 {
                ctx.out.fp(" peer ");
                ctx.out.j_bool(Some("link_pointtopoint"), true);
            } else {
                ctx.out.fp(" brd ");
            }
            ctx.out.s(Some("broadcast"), "%s", &fmt_lladdr(b));
        }
        if let Some(p) = tb.get(IFLA_PERM_ADDRESS) {
            if tb.get(IFLA_ADDRESS) != Some(p) {
                ctx.out.fp(" permaddr ");
                ctx.out.s(Some("permaddr"), "%s", &fmt_lladdr(p));
            }
        }
    }
    if let Some(id) = tb.u32(IFLA_LINK_NETNSID) {
        let id = id as i32;
        if ctx.out.json {
            ctx.out.j_i(Some("link_netnsid"), id as i64);
        } else if id >= 0 {
            match ctx.netns_name(id) {
                Some(n) => ctx.out.fp(&format!(" link-netns {n}")),
                None => ctx.out.fp(&format!(" link-netnsid {id}")),
            }
        } else {
            ctx.out.fp(" link-netnsid unknown");
        }
    }
    if tb.u8(IFLA_PROTO_DOWN).unwrap_or(0) != 0 {
        ctx.out.b(Some("proto_down"), " protodown on ", true);
    }
    if ctx.o.details > 0 {
        print_details(ctx, &tb, do_link);
    }
    if do_link || ctx.o.details > 0 {
        if let Some(a) = tb.str(IFLA_IFALIAS) {
            let sl = ctx.out.sl();
            ctx.out.fp(&format!("{sl}    "));
            ctx.out.s(Some("ifalias"), "alias %s", a);
        }
    }
    if do_link && ctx.o.stats > 0 {
        ctx.out.nl();
        print_stats(ctx, &tb);
    }
    if let Some(pl) = tb.get(IFLA_PROP_LIST) {
        ctx.out.arr_open(Some("altnames"));
        for (ty, v) in crate::attr::iter(pl) {
            if ty != IFLA_ALT_IFNAME {
                continue;
            }
            let sl = ctx.out.sl();
            ctx.out.fp(&format!("{sl}    altname "));
            ctx.out.s(None, "%s", crate::attr::cstr(v));
        }
        ctx.out.arr_close();
    }
    ctx.out.fp("\n");
    1
}

fn print_details(ctx: &mut Ctx, tb: &Tb, do_link: bool) {
    let u = |ctx: &mut Ctx, attr: u16, key: &str, fmt: &str| {
        if let Some(v) = tb.u32(attr) {
            ctx.out.u(Some(key), fmt, v as u64);
        }
    };
    u(ctx, IFLA_PROMISCUITY, "promiscuity", " promiscuity %u ");
    u(ctx, IFLA_ALLMULTI, "allmulti", " allmulti %u ");
    u(ctx, IFLA_MIN_MTU, "min_mtu", "minmtu %u ");
    u(ctx, IFLA_MAX_MTU, "max_mtu", "maxmtu %u ");
    if tb.has(IFLA_LINKINFO) {
        super::kinds::print_linktype(ctx, &tb.nested(IFLA_LINKINFO));
    }
    if do_link {
        if let Some(af) = tb.get(IFLA_AF_SPEC) {
            print_af_spec(ctx, af);
        }
    }
    u(ctx, IFLA_NUM_TX_QUEUES, "num_tx_queues", "numtxqueues %u ");
    u(ctx, IFLA_NUM_RX_QUEUES, "num_rx_queues", "numrxqueues %u ");
    u(ctx, IFLA_GSO_MAX_SIZE, "gso_max_size", "gso_max_size %u ");
    u(ctx, IFLA_GSO_MAX_SEGS, "gso_max_segs", "gso_max_segs %u ");
    u(ctx, IFLA_TSO_MAX_SIZE, "tso_max_size", "tso_max_size %u ");
    u(ctx, IFLA_TSO_MAX_SEGS, "tso_max_segs", "tso_max_segs %u ");
    u(ctx, IFLA_GRO_MAX_SIZE, "gro_max_size", "gro_max_size %u ");
    if let Some(s) = tb.str(IFLA_PARENT_DEV_BUS_NAME) {
        ctx.out.s(Some("parentbus"), "parentbus %s ", s);
    }
    if let Some(s) = tb.str(IFLA_PARENT_DEV_NAME) {
        ctx.out.s(Some("parentdev"), "parentdev %s ", s);
    }
}

fn print_af_spec(ctx: &mut Ctx, af: &[u8]) {
    const IFLA_INET6_ADDR_GEN_MODE: u16 = 8;
    let Some((_, inet6)) = crate::attr::iter(af).find(|(t, _)| *t == 10) else {
        return;
    };
    let tb = Tb::parse(inet6);
    if let Some(mode) = tb.u8(IFLA_INET6_ADDR_GEN_MODE) {
        let s = match mode {
            0 => "eui64".to_string(),
            1 => "none".to_string(),
            2 => "stable_secret".to_string(),
            3 => "random".to_string(),
            m => format!("{m:#04x}"),
        };
        ctx.out
            .s(Some("inet6_addr_gen_mode"), "addrgenmode %s ", &s);
    }
}

/// Column width of a number (`size_columns`).
fn width(v: u64) -> usize {
    v.to_string().len()
}

pub fn print_stats(ctx: &mut Ctx, tb: &Tb) {
    let Some(st) = tb.get(IFLA_STATS64) else {
        return;
    };
    let g = |i: usize| u64_at(st, i * 8);
    let (rx_packets, tx_packets, rx_bytes, tx_bytes) = (g(0), g(1), g(2), g(3));
    let (rx_errors, tx_errors, rx_dropped, tx_dropped) = (g(4), g(5), g(6), g(7));
    let (multicast, collisions) = (g(8), g(9));
    let rx_over = g(11);
    let rx_missed = g(15);
    let tx_carrier = g(17);
    let (rx_compressed, tx_compressed) = (g(21), g(22));
    let out = &mut ctx.out;
    if out.json {
        out.obj_open(Some(if st.len() >= 25 * 8 {
            "stats64"
        } else {
            "stats"
        }));
        out.obj_open(Some("rx"));
        out.j_u(Some("bytes"), rx_bytes);
        out.j_u(Some("packets"), rx_packets);
        out.j_u(Some("errors"), rx_errors);
        out.j_u(Some("dropped"), rx_dropped);
        out.j_u(Some("over_errors"), rx_over);
        out.j_u(Some("multicast"), multicast);
        if rx_compressed != 0 {
            out.j_u(Some("compressed"), rx_compressed);
        }
        out.obj_close();
        out.obj_open(Some("tx"));
        out.j_u(Some("bytes"), tx_bytes);
        out.j_u(Some("packets"), tx_packets);
        out.j_u(Some("errors"), tx_errors);
        out.j_u(Some("dropped"), tx_dropped);
        out.j_u(Some("carrier_errors"), tx_carrier);
        out.j_u(Some("collisions"), collisions);
        if tx_compressed != 0 {
            out.j_u(Some("compressed"), tx_compressed);
        }
        out.obj_close();
        out.obj_close();
        return;
    }
    let mut cols = [10usize, 7, 6, 7, 7, 7, 10, 9];
    let rx = [
        rx_bytes,
        rx_packets,
        rx_errors,
        rx_dropped,
        rx_missed,
        multicast,
        rx_compressed,
        0,
    ];
    let tx = [
        tx_bytes,
        tx_packets,
        tx_errors,
        tx_dropped,
        tx_carrier,
        collisions,
        tx_compressed,
        0,
    ];
    for vals in [rx, tx] {
        for (c, v) in cols.iter_mut().zip(vals) {
            *c = (*c).max(width(v));
        }
    }
    let sl = out.sl();
    let head = |a: &str, b: &str, comp: bool| {
        format!(
            "    {a}: {:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$} {:>w6$}{sl}",
            "bytes",
            "packets",
            "errors",
            "dropped",
            b,
            if a == "RX" { "mcast" } else { "collsns" },
            if comp { "compressed" } else { "" },
            w0 = cols[0] - 4,
            w1 = cols[1],
            w2 = cols[2],
            w3 = cols[3],
            w4 = cols[4],
            w5 = cols[5],
            w6 = cols[6],
        )
    };
    let nums = |vals: &[u64; 8], comp: bool| {
        let mut s = String::from("    ");
        for (i, v) in vals.iter().take(6).enumerate() {
            s.push_str(&format!("{:>w$} ", v, w = cols[i]));
        }
        if comp {
            s.push_str(&format!("{:>w$} ", vals[6], w = cols[6]));
        }
        s
    };
    let t = head("RX", "missed", rx_compressed != 0);
    out.fp(&t);
    let t = nums(&rx, rx_compressed != 0);
    out.fp(&t);
    out.fp(sl);
    let t = head("TX", "carrier", tx_compressed != 0);
    out.fp(&t);
    let t = nums(&tx, tx_compressed != 0);
    out.fp(&t);
}
