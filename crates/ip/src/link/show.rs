// SPDX-License-Identifier: Apache-2.0
//! One link record as text / `-o` / `-br` / JSON (ipaddress.c
//! `print_linkinfo`, `print_linkinfo_brief`, `print_link_flags`,
//! `print_stats64`), shared by `ip link` and `ip addr`.

use crate::attr::{u64_at, Tb};
use crate::cli::AF_PACKET;
use crate::ctx::{Ctx, RTM_DELLINK, RTM_NEWLINK};
use crate::out::{put, put_b, put_u64, Color, Out};
use crate::util::{fmt_ll, push_ll};
use netlink_packet_route::link::LinkHeader;
use std::borrow::Cow;

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

/// The ifinfomsg through netlink-packet-route's `LinkHeader` (ARPHRD_*
/// values it does not name stay as `Other(u16)`), and the attributes after.
pub fn ifinfo(data: &[u8]) -> Option<(IfInfo, &[u8])> {
    let h = LinkHeader::parse(data).ok()?;
    Some((
        IfInfo {
            ty: h.link_layer_type.into(),
            index: h.index,
            flags: h.flags.bits(),
        },
        data.get(16..)?,
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
                out.colored_with(Color::operstate(state), |b| {
                    put(b, s);
                    pad(b, s.len(), 14);
                    put_b(b, b' ');
                });
            }
        }
        Some(s) => {
            if out.json {
                out.j_str(Some("operstate"), s);
            } else {
                out.fp("state ");
                out.colored_sp(Color::operstate(state), s);
            }
        }
    }
}

pub fn ll_type_n2a(t: u16) -> Cow<'static, str> {
    Cow::Borrowed(match t {
        0 => "netrom",
        1 => "ether",
        24 => "ieee1394",
        32 => "infiniband",
        512 => "ppp",
        768 => "ipip",
        769 => "tunnel6",
        772 => "loopback",
        776 => "sit",
        778 => "gre",
        823 => "ip6gre",
        0xfffe => "none",
        0xffff => "void",
        n => return format!("[{n}]").into(),
    })
}

/// Spaces after a piece `len` characters long, up to `width` (`%-Ns`).
fn pad(b: &mut String, len: usize, width: usize) {
    for _ in len..width {
        put_b(b, b' ');
    }
}

/// A link-layer address (`%s` + `tail`) in the link's colour, without a
/// string of its own in text.
fn ll_addr(out: &mut Out, key: &str, v: &[u8], ty: u16, tail: &str) {
    if out.json {
        out.j_str(Some(key), &fmt_ll(v, ty));
    } else {
        out.colored_with(Color::Mac, |b| {
            push_ll(b, v, ty);
            put(b, tail);
        });
    }
}

/// `print_name_and_link`: `name`, `name@peer`, `name@ifN`; returns M-DOWN.
fn print_name_and_link(ctx: &mut Ctx, fmt_brief: bool, name: &str, tb: &Tb) -> bool {
    // the text after `name@`: the peer's index, its name, or NONE
    enum Peer {
        Own,
        Index(u32),
        Named(u32),
        None,
    }
    let mut peer = Peer::Own;
    let mut mdown = false;
    if let Some(iflink) = tb.u32(IFLA_LINK) {
        if iflink != 0 {
            if tb.has(IFLA_LINK_NETNSID) {
                ctx.out.j_i(Some("link_index"), iflink as i64);
                peer = Peer::Index(iflink);
            } else {
                if ctx.out.json {
                    ctx.with_name(iflink, |out, link| out.j_str(Some("link"), link));
                }
                peer = Peer::Named(iflink);
                mdown = ctx.flags_of(iflink) & IFF_UP == 0;
            }
        } else {
            ctx.out.j_null(Some("link"));
            peer = Peer::None;
        }
    }
    if ctx.out.json {
        ctx.out.j_str(Some("ifname"), name);
        return mdown;
    }
    let shown = |b: &mut String, link: &str| {
        let start = b.len();
        put(b, name);
        match peer {
            Peer::Own => {}
            Peer::Index(i) => {
                put(b, "@if");
                put_u64(b, i as u64);
            }
            Peer::Named(_) => {
                put_b(b, b'@');
                put(b, link);
            }
            Peer::None => put(b, "@NONE"),
        }
        if fmt_brief {
            let chars = b[start..].chars().count();
            pad(b, chars, 16);
            put_b(b, b' ');
        } else {
            put(b, ": ");
        }
    };
    match peer {
        Peer::Named(i) => ctx.with_name(i, |out, link| {
            out.colored_with(Color::Ifname, |b| shown(b, link))
        }),
        _ => ctx.out.colored_with(Color::Ifname, |b| shown(b, "")),
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
        let mdown = print_name_and_link(ctx, true, name, &tb);
        if let Some(s) = tb.u8(IFLA_OPERSTATE) {
            print_operstate(ctx, s);
        }
        if f.family == AF_PACKET {
            if let Some(a) = tb.get(IFLA_ADDRESS) {
                ll_addr(&mut ctx.out, "address", a, ifi.ty, " ");
            }
            print_flags(&mut ctx.out, ifi.flags, mdown);
            ctx.out.fp("\n");
        }
        return 0;
    }
    ctx.out.i(Some("ifindex"), "%d: ", ifi.index as i64);
    let mdown = print_name_and_link(ctx, false, name, &tb);
    print_flags(&mut ctx.out, ifi.flags, mdown);
    if let Some(mtu) = tb.u32(IFLA_MTU) {
        ctx.out.u(Some("mtu"), "mtu %u ", mtu as u64);
    }
    if let Some(q) = tb.str(IFLA_QDISC) {
        ctx.out.s(Some("qdisc"), "qdisc %s ", q);
    }
    if let Some(m) = tb.u32(IFLA_MASTER) {
        ctx.with_name(m, |out, mn| out.s(Some("master"), "master %s ", mn));
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
        let gs: Cow<str> = if g == 0 {
            "default".into()
        } else {
            g.to_string().into()
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
            ll_addr(&mut ctx.out, "address", a, ifi.ty, "");
        }
        if let Some(b) = tb.get(IFLA_BROADCAST) {
            if ifi.flags & IFF_POINTOPOINT != 0 {
                ctx.out.fp(" peer ");
                ctx.out.j_bool(Some("link_pointtopoint"), true);
            } else {
                ctx.out.fp(" brd ");
            }
            ll_addr(&mut ctx.out, "broadcast", b, ifi.ty, "");
        }
        if let Some(p) = tb.get(IFLA_PERM_ADDRESS) {
            if tb.get(IFLA_ADDRESS) != Some(p) {
                ctx.out.fp(" permaddr ");
                ll_addr(&mut ctx.out, "permaddr", p, ifi.ty, "");
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

/// `print_stats64` (text and JSON), `-s` once or twice.
pub fn print_stats(ctx: &mut Ctx, tb: &Tb) {
    let Some(st) = tb.get(IFLA_STATS64) else {
        return;
    };
    let g = |i: usize| u64_at(st, i * 8);
    let (rx_packets, tx_packets, rx_bytes, tx_bytes) = (g(0), g(1), g(2), g(3));
    let (rx_errors, tx_errors, rx_dropped, tx_dropped) = (g(4), g(5), g(6), g(7));
    let (multicast, collisions) = (g(8), g(9));
    let (rx_length, rx_over, rx_crc, rx_frame, rx_fifo, rx_missed) =
        (g(10), g(11), g(12), g(13), g(14), g(15));
    let (tx_aborted, tx_carrier, tx_fifo, tx_heartbeat, tx_window) =
        (g(16), g(17), g(18), g(19), g(20));
    let (rx_compressed, tx_compressed, rx_nohandler, rx_otherhost) = (g(21), g(22), g(23), g(24));
    let carrier_changes = tb.u32(IFLA_CARRIER_CHANGES);
    let two = ctx.o.stats > 1;
    let out = &mut ctx.out;
    if out.json {
        out.obj_open(Some(if st.len() >= 25 * 8 {
            "stats64"
        } else {
            "stats"
        }));
        out.obj_open(Some("rx"));
        for (k, v) in [
            ("bytes", rx_bytes),
            ("packets", rx_packets),
            ("errors", rx_errors),
            ("dropped", rx_dropped),
            ("over_errors", rx_over),
            ("multicast", multicast),
        ] {
            out.j_u(Some(k), v);
        }
        if rx_compressed != 0 {
            out.j_u(Some("compressed"), rx_compressed);
        }
        if two {
            for (k, v) in [
                ("length_errors", rx_length),
                ("crc_errors", rx_crc),
                ("frame_errors", rx_frame),
                ("fifo_errors", rx_fifo),
                ("missed_errors", rx_missed),
            ] {
                out.j_u(Some(k), v);
            }
            if rx_nohandler != 0 {
                out.j_u(Some("nohandler"), rx_nohandler);
            }
            if rx_otherhost != 0 {
                out.j_u(Some("otherhost"), rx_otherhost);
            }
        }
        out.obj_close();
        out.obj_open(Some("tx"));
        for (k, v) in [
            ("bytes", tx_bytes),
            ("packets", tx_packets),
            ("errors", tx_errors),
            ("dropped", tx_dropped),
            ("carrier_errors", tx_carrier),
            ("collisions", collisions),
        ] {
            out.j_u(Some(k), v);
        }
        if tx_compressed != 0 {
            out.j_u(Some("compressed"), tx_compressed);
        }
        if two {
            for (k, v) in [
                ("aborted_errors", tx_aborted),
                ("fifo_errors", tx_fifo),
                ("window_errors", tx_window),
                ("heartbeat_errors", tx_heartbeat),
            ] {
                out.j_u(Some(k), v);
            }
            if let Some(c) = carrier_changes {
                out.j_u(Some("carrier_changes"), c as u64);
            }
        }
        out.obj_close();
        out.obj_close();
        return;
    }
    let mut cols = [10usize, 7, 6, 7, 7, 7, 10, 9];
    let mut size = |vals: [u64; 8]| {
        for (c, v) in cols.iter_mut().zip(vals) {
            *c = (*c).max(width(v));
        }
    };
    size([
        rx_bytes,
        rx_packets,
        rx_errors,
        rx_dropped,
        rx_missed,
        multicast,
        rx_compressed,
        0,
    ]);
    if two {
        size([
            0,
            rx_length,
            rx_crc,
            rx_frame,
            rx_fifo,
            rx_over,
            rx_nohandler,
            rx_otherhost,
        ]);
    }
    size([
        tx_bytes,
        tx_packets,
        tx_errors,
        tx_dropped,
        tx_carrier,
        collisions,
        tx_compressed,
        0,
    ]);
    if two {
        size([
            0,
            0,
            tx_aborted,
            tx_fifo,
            tx_window,
            tx_heartbeat,
            carrier_changes.unwrap_or(0) as u64,
            0,
        ]);
    }
    let sl = out.sl();
    let num = |w: usize, v: u64| format!("{v:>w$} ");
    let mut t = String::new();
    let head = |t: &mut String, dir: &str, b: &str, f: &str, comp: bool| {
        t.push_str(&format!(
            "    {dir}: {:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$} {:>w6$}{sl}",
            "bytes",
            "packets",
            "errors",
            "dropped",
            b,
            f,
            if comp { "compressed" } else { "" },
            w0 = cols[0] - 4,
            w1 = cols[1],
            w2 = cols[2],
            w3 = cols[3],
            w4 = cols[4],
            w5 = cols[5],
            w6 = cols[6],
        ));
    };
    head(&mut t, "RX", "missed", "mcast", rx_compressed != 0);
    t.push_str("    ");
    for (i, v) in [
        rx_bytes, rx_packets, rx_errors, rx_dropped, rx_missed, multicast,
    ]
    .into_iter()
    .enumerate()
    {
        t.push_str(&num(cols[i], v));
    }
    if rx_compressed != 0 {
        t.push_str(&num(cols[6], rx_compressed));
    }
    if two {
        t.push_str(sl);
        t.push_str(&format!(
            "    RX errors:{:w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}{:>w6$}{:>w7$}{sl}",
            "",
            "length",
            "crc",
            "frame",
            "fifo",
            "overrun",
            if rx_nohandler != 0 { " nohandler" } else { "" },
            if rx_otherhost != 0 { " otherhost" } else { "" },
            w0 = cols[0] - 10,
            w1 = cols[1],
            w2 = cols[2],
            w3 = cols[3],
            w4 = cols[4],
            w5 = cols[5],
            w6 = if rx_nohandler != 0 { cols[6] + 1 } else { 0 },
            w7 = if rx_otherhost != 0 { cols[7] + 1 } else { 0 },
        ));
        t.push_str(&" ".repeat(cols[0] + 5));
        for (i, v) in [rx_length, rx_crc, rx_frame, rx_fifo, rx_over]
            .into_iter()
            .enumerate()
        {
            t.push_str(&num(cols[i + 1], v));
        }
        if rx_nohandler != 0 {
            t.push_str(&num(cols[6], rx_nohandler));
        }
        if rx_otherhost != 0 {
            t.push_str(&num(cols[7], rx_otherhost));
        }
    }
    t.push_str(sl);
    head(&mut t, "TX", "carrier", "collsns", tx_compressed != 0);
    t.push_str("    ");
    for (i, v) in [
        tx_bytes, tx_packets, tx_errors, tx_dropped, tx_carrier, collisions,
    ]
    .into_iter()
    .enumerate()
    {
        t.push_str(&num(cols[i], v));
    }
    if tx_compressed != 0 {
        t.push_str(&num(cols[6], tx_compressed));
    }
    if two {
        t.push_str(sl);
        t.push_str(&format!(
            "    TX errors:{:w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}{sl}",
            "",
            "aborted",
            "fifo",
            "window",
            "heartbt",
            if carrier_changes.is_some() {
                "transns"
            } else {
                ""
            },
            w0 = cols[0] - 10,
            w1 = cols[1],
            w2 = cols[2],
            w3 = cols[3],
            w4 = cols[4],
            w5 = cols[5],
        ));
        t.push_str(&" ".repeat(cols[0] + 5));
        for (i, v) in [tx_aborted, tx_fifo, tx_window, tx_heartbeat]
            .into_iter()
            .enumerate()
        {
            t.push_str(&num(cols[i + 1], v));
        }
        if let Some(c) = carrier_changes {
            t.push_str(&num(cols[5], c as u64));
        }
    }
    out.fp(&t);
}
