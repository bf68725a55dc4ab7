// SPDX-License-Identifier: Apache-2.0
//! `ip link add|set|replace|delete` (iplink.c `iplink_parse`,
//! `iplink_modify`): the generic link words, then the kind's own options.

use crate::cli::{matches, Args};
use crate::ctx::{ifinfomsg, Ctx, RTM_NEWLINK};
use crate::err::{duparg, duparg2, incomplete, invarg, missarg, Fail, Res};
use crate::nl::{Msg, NLM_F_CREATE};
use crate::util::parse_lladdr;

const IFLA_ADDRESS: u16 = 1;
const IFLA_BROADCAST: u16 = 2;
const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_LINK: u16 = 5;
const IFLA_MASTER: u16 = 10;
const IFLA_TXQLEN: u16 = 13;
const IFLA_OPERSTATE: u16 = 16;
const IFLA_LINKMODE: u16 = 17;
pub const IFLA_LINKINFO: u16 = 18;
const IFLA_NET_NS_PID: u16 = 19;
const IFLA_IFALIAS: u16 = 20;
const IFLA_AF_SPEC: u16 = 26;
const IFLA_GROUP: u16 = 27;
const IFLA_NET_NS_FD: u16 = 28;
const IFLA_NUM_TX_QUEUES: u16 = 31;
const IFLA_NUM_RX_QUEUES: u16 = 32;
const IFLA_CARRIER: u16 = 33;
const IFLA_LINK_NETNSID: u16 = 37;
const IFLA_PROTO_DOWN: u16 = 39;
const IFLA_GSO_MAX_SEGS: u16 = 40;
const IFLA_GSO_MAX_SIZE: u16 = 41;
const IFLA_NEW_IFINDEX: u16 = 49;
const IFLA_GRO_MAX_SIZE: u16 = 58;
const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const IFLA_INFO_SLAVE_DATA: u16 = 5;

const IFF_UP: u32 = 0x1;
const IFF_NOARP: u32 = 0x80;
const IFF_PROMISC: u32 = 0x100;
const IFF_NOTRAILERS: u32 = 0x20;
const IFF_ALLMULTI: u32 = 0x200;
const IFF_MULTICAST: u32 = 0x1000;
const IFF_DYNAMIC: u32 = 0x8000;

/// One request being parsed: the ifinfomsg fields plus its attributes.
pub struct LinkReq {
    pub ty: u16,
    pub flags: u16,
    pub ifi_flags: u32,
    pub ifi_change: u32,
    pub ifi_index: u32,
    pub msg: Msg,
}

impl LinkReq {
    pub fn flags_create(&self) -> bool {
        self.create()
    }
    fn create(&self) -> bool {
        self.flags & NLM_F_CREATE != 0
    }
}

/// `check_ifname`: what the kernel would take as a name.
fn valid_ifname(s: &str) -> bool {
    !s.is_empty()
        && s.len() < 16
        && s != "."
        && s != ".."
        && !s
            .bytes()
            .any(|b| b == b'/' || b == b':' || b.is_ascii_whitespace())
}

fn on_off(msg: &str, v: &str) -> Fail {
    Fail::new(
        1,
        format!("Error: argument of \"{msg}\" must be \"on\" or \"off\", not \"{v}\"\n"),
    )
}

fn flag_onoff(req: &mut LinkReq, bit: u32, word: &str, v: &str, invert: bool) -> Res {
    req.ifi_change |= bit;
    let on = match v {
        "on" => true,
        "off" => false,
        _ => return Err(on_off(word, v)),
    };
    if on != invert {
        req.ifi_flags |= bit;
    } else {
        req.ifi_flags &= !bit;
    }
    Ok(())
}

fn get_int(v: &str) -> Option<i32> {
    crate::util::parse_c_ulong(v.strip_prefix('-').unwrap_or(v)).and_then(|n| {
        let n = i64::try_from(n).ok()?;
        let n = if v.starts_with('-') { -n } else { n };
        i32::try_from(n).ok()
    })
}

/// `iplink_parse`: returns the kind after `type` (the rest stays in `args`).
pub fn parse(ctx: &mut Ctx, args: &mut Args, req: &mut LinkReq) -> Res<Option<String>> {
    let mut name: Option<String> = None;
    let mut dev: Option<String> = None;
    let mut link: Option<String> = None;
    let (mut qlen, mut mtu, mut netns_set, mut group_set) = (false, false, false, false);
    let mut index = 0i32;
    let mut addr_len = 0usize;
    let mut kind = None;
    while let Some(a) = args.next() {
        let w = a.as_str();
        if w == "up" {
            req.ifi_change |= IFF_UP;
            req.ifi_flags |= IFF_UP;
        } else if w == "down" {
            req.ifi_change |= IFF_UP;
            req.ifi_flags &= !IFF_UP;
        } else if w == "name" {
            let v = args.need()?;
            if name.is_some() {
                return Err(duparg("name", &v));
            }
            if !valid_ifname(&v) {
                return Err(invarg("\"name\" not a valid ifname", &v));
            }
            if dev.is_none() {
                dev = Some(v.clone());
            }
            name = Some(v);
        } else if w == "index" {
            let v = args.need()?;
            if index != 0 {
                return Err(duparg("index", &v));
            }
            index = v.parse().unwrap_or(0);
            if index <= 0 {
                return Err(invarg("Invalid \"index\" value", &v));
            }
        } else if matches(w, "link") {
            link = Some(args.need()?);
        } else if matches(w, "address") {
            let v = args.need()?;
            let b = parse_lladdr(&v).map_err(|m| Fail::new(1, m))?;
            req.msg.attr(IFLA_ADDRESS, &b);
            addr_len = b.len();
        } else if matches(w, "broadcast") || w == "brd" {
            let v = args.need()?;
            let b = parse_lladdr(&v).map_err(|m| Fail::new(1, m))?;
            req.msg.attr(IFLA_BROADCAST, &b);
        } else if matches(w, "txqueuelen") || w == "qlen" || matches(w, "txqlen") {
            let v = args.need()?;
            if qlen {
                return Err(duparg("txqueuelen", &v));
            }
            let q = get_int(&v).ok_or_else(|| invarg("Invalid \"txqueuelen\" value\n", &v))?;
            req.msg.u32(IFLA_TXQLEN, q as u32);
            qlen = true;
        } else if w == "mtu" {
            let v = args.need()?;
            if mtu {
                return Err(duparg("mtu", &v));
            }
            let m = get_int(&v).ok_or_else(|| invarg("Invalid \"mtu\" value\n", &v))?;
            req.msg.u32(IFLA_MTU, m as u32);
            mtu = true;
        } else if w == "netns" {
            let v = args.need()?;
            if netns_set {
                return Err(duparg("netns", &v));
            }
            match crate::netns::open_ns(&v) {
                Ok(fd) => {
                    req.msg.u32(IFLA_NET_NS_FD, fd as u32);
                }
                Err(_) => match get_int(&v) {
                    Some(pid) => {
                        req.msg.u32(IFLA_NET_NS_PID, pid as u32);
                    }
                    None => return Err(invarg("Invalid \"netns\" value\n", &v)),
                },
            }
            netns_set = true;
        } else if w == "multicast" {
            let v = args.need()?;
            flag_onoff(req, IFF_MULTICAST, "multicast", &v, false)?;
        } else if w == "allmulticast" {
            let v = args.need()?;
            flag_onoff(req, IFF_ALLMULTI, "allmulticast", &v, false)?;
        } else if w == "promisc" {
            let v = args.need()?;
            flag_onoff(req, IFF_PROMISC, "promisc", &v, false)?;
        } else if w == "trailers" {
            let v = args.need()?;
            flag_onoff(req, IFF_NOTRAILERS, "trailers", &v, true)?;
        } else if w == "arp" {
            let v = args.need()?;
            flag_onoff(req, IFF_NOARP, "arp", &v, true)?;
        } else if matches(w, "dynamic") {
            let v = args.need()?;
            flag_onoff(req, IFF_DYNAMIC, "dynamic", &v, false)?;
        } else if w == "carrier" {
            let v = args.need()?;
            let c = match v.as_str() {
                "on" => 1,
                "off" => 0,
                _ => return Err(on_off("carrier", &v)),
            };
            req.msg.u8(IFLA_CARRIER, c);
        } else if w == "protodown" {
            let v = args.need()?;
            let c = match v.as_str() {
                "on" => 1,
                "off" => 0,
                _ => return Err(on_off("protodown", &v)),
            };
            req.msg.u8(IFLA_PROTO_DOWN, c);
        } else if matches!(
            w,
            "vf" | "xdp" | "xdpgeneric" | "xdpdrv" | "xdpoffload" | "protodown_reason"
        ) {
            return Err(Fail::new(
                1,
                format!("Error: \"{w}\" is not supported by kroot's ip.\n"),
            ));
        } else if matches(w, "master") {
            let v = args.need()?;
            let i = ctx.index_of(&v);
            if i == 0 {
                return Err(invarg("Device does not exist\n", &v));
            }
            req.msg.u32(IFLA_MASTER, i);
        } else if w == "vrf" {
            let v = args.need()?;
            return Err(invarg("Not a valid VRF name\n", &v));
        } else if matches(w, "nomaster") {
            req.msg.u32(IFLA_MASTER, 0);
        } else if matches(w, "type") {
            kind = Some(args.need()?);
            break;
        } else if matches(w, "alias") {
            let v = args.need()?;
            if v.len() >= 256 {
                return Err(invarg("alias too long\n", &v));
            }
            req.msg.attr(IFLA_IFALIAS, v.as_bytes());
        } else if w == "group" {
            let v = args.need()?;
            if group_set {
                return Err(duparg("group", &v));
            }
            let g = if v == "default" {
                Some(0)
            } else {
                crate::util::get_u32(&v)
            };
            let g = g.ok_or_else(|| invarg("Invalid \"group\" value\n", &v))?;
            req.msg.u32(IFLA_GROUP, g);
            group_set = true;
        } else if w == "mode" {
            let v = args.need()?;
            let m = match v.as_str() {
                "default" => 0,
                "dormant" => 1,
                _ => return Err(invarg("Invalid link mode\n", &v)),
            };
            req.msg.u8(IFLA_LINKMODE, m);
        } else if w == "state" {
            let v = args.need()?;
            let states = [
                "UNKNOWN",
                "NOTPRESENT",
                "DOWN",
                "LOWERLAYERDOWN",
                "TESTING",
                "DORMANT",
                "UP",
            ];
            let s = states
                .iter()
                .position(|s| s.eq_ignore_ascii_case(&v))
                .ok_or_else(|| invarg("Invalid operstate\n", &v))?;
            req.msg.u8(IFLA_OPERSTATE, s as u8);
        } else if matches(w, "numtxqueues") || matches(w, "numrxqueues") {
            let v = args.need()?;
            let n = get_int(&v).ok_or_else(|| {
                invarg(
                    if w.contains("tx") {
                        "Invalid \"numtxqueues\" value\n"
                    } else {
                        "Invalid \"numrxqueues\" value\n"
                    },
                    &v,
                )
            })?;
            req.msg.u32(
                if matches(w, "numtxqueues") {
                    IFLA_NUM_TX_QUEUES
                } else {
                    IFLA_NUM_RX_QUEUES
                },
                n as u32,
            );
        } else if matches(w, "addrgenmode") {
            let v = args.need()?;
            let m = match v.as_str() {
                "eui64" => 0,
                "none" => 1,
                "stable_secret" => 2,
                "random" => 3,
                _ => return Err(invarg("Invalid address generation mode\n", &v)),
            };
            req.msg.nest_start(IFLA_AF_SPEC);
            req.msg.nest_start(10);
            req.msg.u8(8, m);
            req.msg.nest_end();
            req.msg.nest_end();
        } else if matches(w, "link-netnsid") {
            let v = args.need()?;
            let n = get_int(&v).ok_or_else(|| invarg("Invalid \"link-netnsid\" value\n", &v))?;
            req.msg.u32(IFLA_LINK_NETNSID, n as u32);
        } else if w == "gso_max_size" || w == "gso_max_segs" || w == "gro_max_size" {
            let v = args.need()?;
            let n = crate::util::get_u32(&v)
                .ok_or_else(|| invarg(&format!("Invalid \"{w}\" value\n"), &v))?;
            let attr = match w {
                "gso_max_size" => IFLA_GSO_MAX_SIZE,
                "gso_max_segs" => IFLA_GSO_MAX_SEGS,
                _ => IFLA_GRO_MAX_SIZE,
            };
            req.msg.u32(attr, n);
        } else {
            if matches(w, "help") {
                return Err(Fail::usage(crate::help::LINK));
            }
            let v = if w == "dev" {
                args.need()?
            } else {
                w.to_string()
            };
            if dev != name {
                return Err(duparg2("dev", &v));
            }
            if v.is_empty() || v.len() >= 128 || v.contains('/') {
                return Err(invarg("\"dev\" not a valid ifname", &v));
            }
            dev = Some(v);
        }
    }
    if name.is_none() {
        name = dev.clone();
    } else if dev.is_none() {
        dev = name.clone();
    }
    if let (Some(d), true) = (dev.as_deref(), addr_len != 0 && !req.create()) {
        if let Some(halen) = ll_addr_len(ctx, d) {
            if halen != addr_len {
                return Err(Fail::new(
                    1,
                    format!("Invalid address length {addr_len} - must be {halen} bytes\n"),
                ));
            }
        }
    }
    if index != 0 && !req.create() && !netns_set {
        return Err(Fail::usage(
            "index can be used only when creating devices or when moving device to another netns.\n",
        ));
    }
    if !req.create() {
        let Some(d) = dev.clone() else {
            return Err(Fail::usage(
                "Not enough information: \"dev\" argument is required.\n",
            ));
        };
        req.ifi_index = ctx.index_of(&d);
        if req.ifi_index == 0 {
            return Err(crate::err::nodev(&d));
        }
        if name.as_deref() == Some(d.as_str()) {
            name = None;
        }
        if index != 0 {
            req.msg.u32(IFLA_NEW_IFINDEX, index as u32);
        }
    } else {
        if name != dev {
            return Err(Fail::usage(
                "both \"name\" and \"dev\" cannot be used when creating devices.\n",
            ));
        }
        if let Some(l) = link {
            let i = ctx.index_of(&l);
            if i == 0 {
                return Err(crate::err::nodev(&l));
            }
            req.msg.u32(IFLA_LINK, i);
        }
        req.ifi_index = index.max(0) as u32;
    }
    if let Some(n) = name {
        req.msg.str(IFLA_IFNAME, &n);
    }
    Ok(kind)
}

/// `nl_get_ll_addr_len`: the length of the device's link-layer address.
fn ll_addr_len(ctx: &mut Ctx, dev: &str) -> Option<usize> {
    let mut m = Msg::new(crate::ctx::RTM_GETLINK, 0, &ifinfomsg(0, 0, 0, 0));
    m.str(IFLA_IFNAME, dev);
    let (_, data) = ctx.nl.request(m).ok()?;
    let tb = crate::attr::Tb::parse(data.get(16..)?);
    tb.get(IFLA_ADDRESS).map(|a| a.len())
}

pub fn modify(ctx: &mut Ctx, ty: u16, flags: u16, mut args: Args) -> Res {
    let mut req = LinkReq {
        ty,
        flags,
        ifi_flags: 0,
        ifi_change: 0,
        ifi_index: 0,
        msg: Msg::new(ty, flags, &ifinfomsg(ctx.o.family, 0, 0, 0)),
    };
    let kind = parse(ctx, &mut args, &mut req)?;
    if let Some(kind) = &kind {
        req.msg.nest_start(IFLA_LINKINFO);
        req.msg.attr(IFLA_INFO_KIND, kind.as_bytes());
        let data_attr = if kind.ends_with("_slave") {
            IFLA_INFO_SLAVE_DATA
        } else {
            IFLA_INFO_DATA
        };
        if !args.is_empty() {
            if super::opts::known(kind) {
                req.msg.nest_start(data_attr);
                super::opts::parse(ctx, kind, &mut args, &mut req)?;
                req.msg.nest_end();
            } else {
                let first = args.peek().unwrap_or("").to_string();
                if matches(&first, "help") {
                    return Err(Fail::usage(crate::help::LINK));
                }
                return Err(Fail::new(
                    1,
                    format!(
                        "Garbage instead of arguments \"{first} ...\". Try \"ip link help\".\n"
                    ),
                ));
            }
        }
        req.msg.nest_end();
    } else if flags & NLM_F_CREATE != 0 {
        return Err(Fail::new(
            1,
            "Not enough information: \"type\" argument is required\n",
        ));
    }
    let (fl, ch, idx) = (req.ifi_flags, req.ifi_change, req.ifi_index);
    let fixed = req.msg.fixed_mut();
    fixed[4..8].copy_from_slice(&idx.to_ne_bytes());
    fixed[8..12].copy_from_slice(&fl.to_ne_bytes());
    fixed[12..16].copy_from_slice(&ch.to_ne_bytes());
    let _ = ty == RTM_NEWLINK;
    ctx.nl.talk(req.msg).map_err(|e| crate::err::kernel(&e))?;
    ctx.reset_links();
    Ok(())
}

/// Unused-argument guard for kinds that take none.
pub fn no_more(args: &Args) -> Res {
    match args.peek() {
        None => Ok(()),
        Some(_) => Err(incomplete()),
    }
}

pub fn need_dev(ctx: &mut Ctx, v: &str) -> Res<u32> {
    match ctx.index_of(v) {
        0 => Err(crate::err::nodev(v)),
        i => Ok(i),
    }
}

pub fn missing(key: &str) -> Fail {
    missarg(key)
}
