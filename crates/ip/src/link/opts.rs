// SPDX-License-Identifier: Apache-2.0
//! The `type KIND ARGS` options of `ip link add|set` (link_veth.c,
//! iplink_vxlan.c, iplink_bridge.c, iplink_bridge_slave.c, iplink_vlan.c,
//! iplink_macvlan.c `parse_opt`).

use super::modify::{parse as parse_link, LinkReq};
use crate::cli::{matches, Args, AF_INET, AF_INET6, AF_UNSPEC};
use crate::ctx::{ifinfomsg, Ctx};
use crate::err::{duparg, invarg, Fail, Res};
use crate::nl::Msg;
use crate::util::{get_addr, get_u32};

pub fn known(kind: &str) -> bool {
    matches!(
        kind,
        "veth" | "vxlan" | "bridge" | "bridge_slave" | "vlan" | "macvlan" | "macvtap"
    )
}

pub fn parse(ctx: &mut Ctx, kind: &str, args: &mut Args, req: &mut LinkReq) -> Res {
    match kind {
        "veth" => veth(ctx, args, req),
        "vxlan" => vxlan(ctx, args, req),
        "bridge" => bridge(args, req),
        "bridge_slave" => bridge_slave(args, req),
        "vlan" => vlan(args, req),
        "macvlan" | "macvtap" => macvlan(args, req),
        _ => Ok(()),
    }
}

fn veth(ctx: &mut Ctx, args: &mut Args, req: &mut LinkReq) -> Res {
    const VETH_INFO_PEER: u16 = 1;
    if args.peek() != Some("peer") {
        return Err(Fail::usage(crate::help::LINK));
    }
    args.next();
    let mut peer = LinkReq {
        ty: req.ty,
        flags: req.flags,
        ifi_flags: 0,
        ifi_change: 0,
        ifi_index: 0,
        msg: Msg::new(req.ty, req.flags, &ifinfomsg(0, 0, 0, 0)),
    };
    if let Some(k) = parse_link(ctx, args, &mut peer)? {
        return Err(duparg("type", &k));
    }
    req.msg.nest_start(VETH_INFO_PEER);
    req.msg.raw(&ifinfomsg(
        0,
        peer.ifi_index,
        peer.ifi_flags,
        peer.ifi_change,
    ));
    let attrs = peer.msg.attrs_after(16).to_vec();
    req.msg.raw(&attrs);
    req.msg.nest_end();
    Ok(())
}

fn u8_of(v: &str, what: &str) -> Res<u8> {
    get_u32(v)
        .and_then(|n| u8::try_from(n).ok())
        .ok_or_else(|| invarg(what, v))
}

fn vxlan(ctx: &mut Ctx, args: &mut Args, req: &mut LinkReq) -> Res {
    let set_op = !req.flags_create();
    let mut vni: Option<u32> = None;
    let mut learning: Option<u8> = None;
    let mut dstport: Option<u16> = None;
    let mut saddr = None;
    let mut daddr = None;
    let mut metadata = false;
    let m = &mut req.msg;
    while let Some(a) = args.next() {
        let w = a.as_str();
        if matches(w, "id") || matches(w, "vni") {
            let v = args.need()?;
            let n = get_u32(&v)
                .filter(|n| *n < 1 << 24)
                .ok_or_else(|| invarg("invalid id", &v))?;
            vni = Some(n);
        } else if matches(w, "group") || matches(w, "remote") {
            let v = args.need()?;
            let fam = saddr
                .map(|p: crate::util::Prefix| p.family)
                .unwrap_or(AF_UNSPEC);
            let p = get_addr(&v, fam)?;
            daddr = Some(p);
        } else if matches(w, "local") {
            let v = args.need()?;
            let fam = daddr
                .map(|p: crate::util::Prefix| p.family)
                .unwrap_or(AF_UNSPEC);
            saddr = Some(get_addr(&v, fam)?);
        } else if matches(w, "dev") {
            let v = args.need()?;
            let i = ctx.index_of(&v);
            if i == 0 {
                return Err(crate::err::nodev(&v));
            }
            m.u32(3, i);
        } else if matches(w, "ttl") || matches(w, "hoplimit") {
            let v = args.need()?;
            match v.as_str() {
                "inherit" => {
                    m.flag(28);
                }
                "auto" => {
                    m.u8(5, 0);
                }
                _ => {
                    let t = get_u32(&v).ok_or_else(|| invarg("invalid TTL", &v))?;
                    if t > 255 {
                        return Err(invarg("TTL must be <= 255", &v));
                    }
                    m.u8(5, t as u8);
                }
            }
        } else if matches(w, "tos") || matches(w, "dsfield") {
            let v = args.need()?;
            let t = if v == "inherit" {
                1
            } else {
                u8_of(&v, "bad TOS value")?
            };
            m.u8(6, t);
        } else if matches(w, "ageing") {
            let v = args.need()?;
            let age = if v == "none" {
                0
            } else {
                get_u32(&v).ok_or_else(|| invarg("ageing timer", &v))?
            };
            m.u32(8, age);
        } else if matches(w, "maxaddress") {
            let v = args.need()?;
            let n = if v == "unlimited" {
                0
            } else {
                get_u32(&v).ok_or_else(|| invarg("max addresses", &v))?
            };
            m.u32(9, n);
        } else if matches(w, "port") || matches(w, "srcport") {
            let lo = args.need()?;
            let lo_n = get_u32(&lo)
                .and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| invarg("min port", &lo))?;
            let hi = args.need()?;
            let hi_n = get_u32(&hi)
                .and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| invarg("max port", &hi))?;
            if lo_n != 0 || hi_n != 0 {
                let mut b = lo_n.to_be_bytes().to_vec();
                b.extend_from_slice(&hi_n.to_be_bytes());
                m.attr(10, &b);
            }
        } else if matches(w, "dstport") {
            let v = args.need()?;
            dstport = Some(
                get_u32(&v)
                    .and_then(|n| u16::try_from(n).ok())
                    .ok_or_else(|| invarg("dst port", &v))?,
            );
        } else if matches(w, "nolearning") {
            learning = Some(0);
        } else if matches(w, "learning") {
            learning = Some(1);
        } else if matches(w, "noproxy") || matches(w, "proxy") {
            m.u8(11, !w.starts_with("no") as u8);
        } else if matches(w, "norsc") || matches(w, "rsc") {
            m.u8(12, !w.starts_with("no") as u8);
        } else if matches(w, "nol2miss") || matches(w, "l2miss") {
            m.u8(13, !w.starts_with("no") as u8);
        } else if matches(w, "nol3miss") || matches(w, "l3miss") {
            m.u8(14, !w.starts_with("no") as u8);
        } else if matches(w, "udpcsum") || matches(w, "noudpcsum") {
            m.u8(18, !w.starts_with("no") as u8);
        } else if matches(w, "udp6zerocsumtx") || matches(w, "noudp6zerocsumtx") {
            m.u8(19, !w.starts_with("no") as u8);
        } else if matches(w, "udp6zerocsumrx") || matches(w, "noudp6zerocsumrx") {
            m.u8(20, !w.starts_with("no") as u8);
        } else if matches(w, "external") {
            metadata = true;
            learning = Some(0);
            m.u8(25, 1);
        } else if matches(w, "noexternal") {
            m.u8(25, 0);
        } else if matches(w, "gbp") {
            m.flag(23);
        } else if matches(w, "gpe") {
            m.flag(27);
        } else {
            let msg = if matches(w, "help") {
                String::new()
            } else {
                format!("vxlan: unknown command \"{w}\"?\n")
            };
            return Err(Fail::new(1, format!("{msg}{}", crate::help::VXLAN_USAGE)));
        }
    }
    if metadata && vni.is_some() {
        return Err(Fail::new(
            1,
            "vxlan: both 'external' and vni cannot be specified\n",
        ));
    }
    if !metadata && vni.is_none() && !set_op {
        return Err(Fail::new(1, "vxlan: missing virtual network identifier\n"));
    }
    if dstport.is_none() && !set_op {
        eprint!("vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)\nUse 'dstport 4789' to get the IANA assigned value\nUse 'dstport 0' to get default and quiet this message\n");
    }
    if let Some(v) = vni {
        m.u32(1, v);
    }
    if let Some(s) = saddr {
        m.attr(if s.family == AF_INET { 4 } else { 17 }, s.bytes());
    }
    if let Some(d) = daddr {
        if d.family == AF_INET {
            m.attr(2, d.bytes());
        } else if d.family == AF_INET6 {
            m.attr(16, d.bytes());
        }
    }
    if !set_op || learning.is_some() {
        m.u8(7, learning.unwrap_or(1));
    }
    if let Some(p) = dstport {
        m.be16(15, p);
    }
    Ok(())
}

fn bridge(args: &mut Args, req: &mut LinkReq) -> Res {
    // (word, IFLA_BR_* attribute, payload width in bytes)
    const OPTS: &[(&str, u16, u8)] = &[
        ("forward_delay", 1, 4),
        ("hello_time", 2, 4),
        ("max_age", 3, 4),
        ("ageing_time", 4, 4),
        ("stp_state", 5, 4),
        ("priority", 6, 2),
        ("vlan_filtering", 7, 1),
        ("group_fwd_mask", 9, 2),
        ("mcast_router", 22, 1),
        ("mcast_snooping", 23, 1),
        ("mcast_query_use_ifaddr", 24, 1),
        ("mcast_querier", 25, 1),
        ("mcast_hash_elasticity", 26, 4),
        ("mcast_hash_max", 27, 4),
        ("mcast_last_member_count", 28, 4),
        ("mcast_startup_query_count", 29, 4),
        ("nf_call_iptables", 36, 1),
        ("nf_call_ip6tables", 37, 1),
        ("nf_call_arptables", 38, 1),
        ("vlan_default_pvid", 39, 2),
        ("vlan_stats_enabled", 41, 1),
        ("mcast_stats_enabled", 42, 1),
        ("mcast_igmp_version", 43, 1),
        ("mcast_mld_version", 44, 1),
        ("vlan_stats_per_port", 45, 1),
    ];
    let m = &mut req.msg;
    while let Some(a) = args.next() {
        let w = a.as_str();
        let Some(&(_, attr, width)) = OPTS.iter().find(|(n, _, _)| *n == w) else {
            if matches(w, "help") {
                return Err(Fail::new(1, crate::help::BRIDGE_USAGE));
            }
            return Err(Fail::new(
                1,
                format!(
                    "bridge: unknown command \"{w}\"?\n{}",
                    crate::help::BRIDGE_USAGE
                ),
            ));
        };
        let v = args.need()?;
        let n = get_u32(&v).ok_or_else(|| invarg(&format!("invalid {w}"), &v))?;
        match width {
            1 => m.u8(attr, n as u8),
            2 => m.u16(attr, n as u16),
            _ => m.u32(attr, n),
        };
    }
    Ok(())
}

fn bridge_slave(args: &mut Args, req: &mut LinkReq) -> Res {
    let m = &mut req.msg;
    while let Some(a) = args.next() {
        let w = a.as_str();
        let onoff = |v: &str| -> Res<u8> {
            match v {
                "on" => Ok(1),
                "off" => Ok(0),
                _ => Err(Fail::new(
                    1,
                    format!("Error: argument of \"{w}\" must be \"on\" or \"off\", not \"{v}\"\n"),
                )),
            }
        };
        let attr = match w {
            "hairpin" => 4,
            "guard" => 5,
            "root_block" => 6,
            "fastleave" => 7,
            "learning" => 8,
            "flood" => 9,
            "proxy_arp" => 10,
            "proxy_arp_wifi" => 12,
            "mcast_flood" => 27,
            "mcast_to_unicast" => 28,
            "vlan_tunnel" => 29,
            "bcast_flood" => 30,
            "neigh_suppress" => 32,
            "isolated" => 33,
            "state" | "priority" | "cost" => 0,
            _ => {
                return Err(Fail::new(
                    1,
                    format!(
                        "bridge_slave: unknown option \"{w}\"?\n{}",
                        crate::help::BRIDGE_SLAVE_USAGE
                    ),
                ))
            }
        };
        let v = args.need()?;
        match w {
            "state" => {
                m.u8(1, u8_of(&v, "state is invalid")?);
            }
            "priority" => {
                m.u16(
                    2,
                    get_u32(&v).ok_or_else(|| invarg("priority is invalid", &v))? as u16,
                );
            }
            "cost" => {
                m.u32(3, get_u32(&v).ok_or_else(|| invarg("cost is invalid", &v))?);
            }
            _ => {
                m.u8(attr, onoff(&v)?);
            }
        }
    }
    Ok(())
}

fn vlan(args: &mut Args, req: &mut LinkReq) -> Res {
    let m = &mut req.msg;
    let mut id_set = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "id" => {
                let v = args.need()?;
                let id = get_u32(&v)
                    .filter(|n| *n <= 0xffff)
                    .ok_or_else(|| invarg("id is invalid", &v))?;
                m.u16(1, id as u16);
                id_set = true;
            }
            "protocol" => {
                let v = args.need()?;
                let p: u16 = match v.to_ascii_lowercase().as_str() {
                    "802.1q" => 0x8100,
                    "802.1ad" => 0x88a8,
                    _ => return Err(invarg("protocol is invalid", &v)),
                };
                m.be16(5, p);
            }
            w => {
                return Err(Fail::new(
                    1,
                    format!(
                        "vlan: unknown command \"{w}\"?\n{}",
                        crate::help::VLAN_USAGE
                    ),
                ))
            }
        }
    }
    if !id_set && req.flags_create() {
        return Err(Fail::new(1, "8021q: VLAN device id is required\n"));
    }
    Ok(())
}

fn macvlan(args: &mut Args, req: &mut LinkReq) -> Res {
    let m = &mut req.msg;
    while let Some(a) = args.next() {
        match a.as_str() {
            "mode" => {
                let v = args.need()?;
                let mode = match v.as_str() {
                    "private" => 1,
                    "vepa" => 2,
                    "bridge" => 4,
                    "passthru" => 8,
                    "source" => 16,
                    _ => return Err(Fail::new(1, format!("Error: argument of \"mode\" must be \"private\", \"vepa\", \"bridge\", \"passthru\" or \"source\", not \"{v}\"\n"))),
                };
                m.u32(1, mode);
            }
            w => {
                return Err(Fail::new(
                    1,
                    format!(
                        "macvlan: unknown option \"{w}\"?\n{}",
                        crate::help::MACVLAN_USAGE
                    ),
                ))
            }
        }
    }
    Ok(())
}
