// SPDX-License-Identifier: Apache-2.0
//! `ip neigh` (ipneigh.c): show/flush with iproute2's state filter, and
//! add/change/replace/delete.

use netlink_packet_route::neighbour::{
    NeighbourAttribute, NeighbourFlags, NeighbourHeader, NeighbourMessage,
};

use crate::attr::Tb;
use crate::cli::{matches, Args, AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC};
use crate::ctx::{Ctx, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH};
use crate::err::{duparg, duparg2, invarg, nodev, Fail, Res};
use crate::nl::{Msg, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use crate::out::Color;
use crate::util::{
    addr_match, fmt_addr, fmt_lladdr, get_addr, get_prefix, get_u32, parse_lladdr, proto_a2n,
    proto_n2a, Prefix,
};

const NDA_DST: u16 = 1;
const NDA_LLADDR: u16 = 2;
const NDA_PROBES: u16 = 4;
const NDA_PROTOCOL: u16 = 12;
const NDA_FLAGS_EXT: u16 = 15;

const NUD_NOARP: u32 = 0x40;
const NUD_PERMANENT: u32 = 0x80;
const NTF_USE: u8 = 0x01;
const NTF_PROXY: u8 = 0x08;
const NTF_EXT_LEARNED: u8 = 0x10;
const NTF_OFFLOADED: u8 = 0x20;
const NTF_ROUTER: u8 = 0x80;

const STATES: &[(u32, &str)] = &[
    (0x01, "INCOMPLETE"),
    (0x02, "REACHABLE"),
    (0x04, "STALE"),
    (0x08, "DELAY"),
    (0x10, "PROBE"),
    (0x20, "FAILED"),
    (0x40, "NOARP"),
    (0x80, "PERMANENT"),
];

fn nud_a2n(arg: &str) -> Option<u32> {
    Some(if matches(arg, "permanent") {
        0x80
    } else if matches(arg, "reachable") {
        0x02
    } else if arg == "noarp" {
        0x40
    } else if arg == "none" {
        0
    } else if arg == "stale" {
        0x04
    } else if arg == "incomplete" {
        0x01
    } else if arg == "delay" {
        0x08
    } else if arg == "probe" {
        0x10
    } else if matches(arg, "failed") {
        0x20
    } else {
        let s = get_u32(arg)?;
        if s >= 0x100 || s & s.wrapping_sub(1) != 0 {
            return None;
        }
        s
    })
}

pub fn run(ctx: &mut Ctx, mut args: Args) -> Res {
    let Some(cmd) = args.next() else {
        return show(ctx, args, false);
    };
    let c = cmd.as_str();
    if matches(c, "add") {
        modify(ctx, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, args)
    } else if matches(c, "change") || c == "chg" {
        modify(ctx, RTM_NEWNEIGH, NLM_F_REPLACE, args)
    } else if matches(c, "replace") {
        modify(ctx, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, args)
    } else if matches(c, "delete") {
        modify(ctx, RTM_DELNEIGH, 0, args)
    } else if matches(c, "show") || matches(c, "lst") || matches(c, "list") {
        show(ctx, args, false)
    } else if matches(c, "flush") {
        show(ctx, args, true)
    } else if matches(c, "help") {
        Err(Fail::usage(crate::help::NEIGH))
    } else {
        Err(Fail::usage(format!(
            "Command \"{c}\" is unknown, try \"ip neigh help\".\n"
        )))
    }
}

struct Filter {
    family: u8,
    index: u32,
    state: u32,
    master: i64,
    unused: bool,
    proxy: bool,
    protocol: u8,
    pfx: Prefix,
}

fn show(ctx: &mut Ctx, mut args: Args, flush: bool) -> Res {
    let mut f = Filter {
        family: ctx.o.family,
        index: 0,
        state: if flush {
            !(NUD_PERMANENT | NUD_NOARP)
        } else {
            0xff & !NUD_NOARP
        },
        master: 0,
        unused: false,
        proxy: false,
        protocol: 0,
        pfx: Prefix::default(),
    };
    if flush && args.is_empty() {
        return Err(Fail::new(1, "Flush requires arguments.\n"));
    }
    let mut dev: Option<String> = None;
    let mut state_given = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "dev" => {
                let v = args.need()?;
                if dev.is_some() {
                    return Err(duparg("dev", &v));
                }
                dev = Some(v);
            }
            "master" => {
                let v = args.need()?;
                match ctx.index_of(&v) {
                    0 => return Err(invarg("Device does not exist\n", &v)),
                    i => f.master = i as i64,
                }
            }
            "vrf" => {
                let v = args.need()?;
                return Err(invarg("Not a valid VRF name\n", &v));
            }
            "nomaster" => f.master = -1,
            "unused" => f.unused = true,
            "nud" => {
                let v = args.need()?;
                if !state_given {
                    state_given = true;
                    f.state = 0;
                }
                let mut s = match nud_a2n(&v) {
                    Some(s) => s,
                    None if v == "all" => {
                        if flush {
                            !NUD_NOARP
                        } else {
                            !0
                        }
                    }
                    None => return Err(invarg("nud state is bad", &v)),
                };
                if s == 0 {
                    s = 0x100;
                }
                f.state |= s;
            }
            "proxy" => f.proxy = true,
            x if matches(x, "protocol") => {
                let v = args.need()?;
                f.protocol = match proto_a2n(&v) {
                    Some(p) => p,
                    None if v == "all" => 0,
                    None => return Err(invarg("invalid \"protocol\"\n", &v)),
                };
            }
            other => {
                let v = if other == "to" {
                    args.need()?
                } else {
                    other.to_string()
                };
                if matches(&v, "help") {
                    return Err(Fail::usage(crate::help::NEIGH));
                }
                f.pfx =
                    get_prefix(&v, f.family).map_err(|_| invarg("to value is invalid\n", &v))?;
                if f.family == AF_UNSPEC {
                    f.family = f.pfx.family;
                }
            }
        }
    }
    if let Some(d) = dev {
        f.index = ctx.index_of(&d);
        if f.index == 0 {
            return Err(nodev(&d));
        }
    }
    if flush {
        for _ in 0..10 {
            let entries = dump(ctx, &f)
                .map_err(|e| Fail::new(1, format!("{}Flush terminated\n", e.describe())))?;
            let mut flushed = 0;
            for (ty, d) in &entries {
                if *ty != RTM_NEWNEIGH || !passes(&f, d) {
                    continue;
                }
                let mut m = Msg::new(RTM_DELNEIGH, 0, &d[..12]);
                m.raw(&d[12..]);
                if ctx.nl.talk(m).is_ok() {
                    flushed += 1;
                }
            }
            if flushed == 0 {
                return Ok(());
            }
            f.state &= !0x20;
        }
        println!("*** Flush not complete bailing out after 10 rounds");
        return Err(Fail::new(1, ""));
    }
    let entries =
        dump(ctx, &f).map_err(|e| Fail::new(1, format!("{}Dump terminated\n", e.describe())))?;
    ctx.out.start();
    for (ty, d) in &entries {
        if passes(&f, d) {
            print_neigh(ctx, &f, *ty, d);
        }
    }
    ctx.out.finish();
    ctx.out.flush();
    Ok(())
}

fn dump(ctx: &mut Ctx, f: &Filter) -> Result<Vec<(u16, Vec<u8>)>, crate::nl::KernelError> {
    let mut req = NeighbourMessage::default();
    req.header.family = f.family.into();
    if f.proxy {
        req.header.flags = NeighbourFlags::from_bits_retain(NTF_PROXY);
    }
    if f.index != 0 {
        req.attributes.push(NeighbourAttribute::IfIndex(f.index));
    }
    if f.master > 0 {
        req.attributes
            .push(NeighbourAttribute::Controller(f.master as u32));
    }
    ctx.nl.dump_all(Msg::typed(RTM_GETNEIGH, 0, &req))
}

/// The fixed part of an ndmsg.
struct Ndm {
    family: u8,
    ifindex: u32,
    state: u32,
    flags: u8,
}

/// The ndmsg through netlink-packet-route's `NeighbourHeader` (state
/// combinations it does not name stay as `Other(u16)`).
fn ndm(d: &[u8]) -> Option<Ndm> {
    let h = NeighbourHeader::parse(d).ok()?;
    Some(Ndm {
        family: h.family.into(),
        ifindex: h.ifindex,
        state: u16::from(h.state) as u32,
        flags: h.flags.bits(),
    })
}

fn passes(f: &Filter, d: &[u8]) -> bool {
    let Some(Ndm {
        family,
        ifindex,
        state,
        flags,
    }) = ndm(d)
    else {
        return false;
    };
    if f.family != 0 && f.family != family {
        return false;
    }
    if f.index != 0 && f.index != ifindex {
        return false;
    }
    if f.state & state == 0
        && flags & NTF_PROXY == 0
        && flags & NTF_EXT_LEARNED == 0
        && (state != 0 || f.state & 0x100 == 0)
    {
        return false;
    }
    let tb = Tb::parse(&d[12..]);
    if f.pfx.family != 0 && f.pfx.bitlen > 0 {
        match tb.get(NDA_DST) {
            Some(v) if v.len() == f.pfx.bytelen => {
                if !addr_match(v, f.pfx.bytes(), f.pfx.bitlen) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    let proto = tb.u8(NDA_PROTOCOL).unwrap_or(0);
    if f.protocol != 0 && f.protocol != proto {
        return false;
    }
    if f.unused {
        if let Some(ci) = tb.get(3) {
            if crate::attr::u32_at(ci, 12) != 0 {
                return false;
            }
        }
    }
    true
}

fn print_neigh(ctx: &mut Ctx, f: &Filter, ty: u16, d: &[u8]) {
    let Some(Ndm {
        family,
        ifindex,
        state,
        flags,
    }) = ndm(d)
    else {
        return;
    };
    let tb = Tb::parse(&d[12..]);
    ctx.out.obj_open(None);
    if ty == RTM_DELNEIGH {
        ctx.out.b(Some("deleted"), "Deleted ", true);
    }
    if let Some(dst) = tb.get(NDA_DST) {
        let fam = if family == AF_BRIDGE {
            if dst.len() == 16 {
                AF_INET6
            } else {
                AF_INET
            }
        } else {
            family
        };
        ctx.out
            .cs(Some("dst"), Color::family(fam), "%s ", &fmt_addr(fam, dst));
    }
    if f.index == 0 && ifindex != 0 {
        ctx.out.fp("dev ");
        let n = ctx.name_of(ifindex);
        ctx.out.cs(Some("dev"), Color::Ifname, "%s ", &n);
    }
    if let Some(ll) = tb.get(NDA_LLADDR) {
        ctx.out.fp("lladdr ");
        ctx.out
            .cs(Some("lladdr"), Color::Mac, "%s ", &fmt_lladdr(ll));
    }
    let ext = tb.u32(NDA_FLAGS_EXT).unwrap_or(0);
    for (cond, name) in [
        (flags & NTF_ROUTER != 0, "router"),
        (flags & NTF_PROXY != 0, "proxy"),
        (ext & 1 != 0, "managed"),
        (flags & NTF_EXT_LEARNED != 0, "extern_learn"),
        (flags & NTF_OFFLOADED != 0, "offload"),
    ] {
        if cond {
            if ctx.out.json {
                ctx.out.j_null(Some(name));
            } else {
                ctx.out.fp(&format!("{name} "));
            }
        }
    }
    if ctx.o.stats > 0 {
        if let Some(ci) = tb.get(3) {
            // nda_cacheinfo: confirmed, used, updated, refcnt (clock_t)
            let (confirmed, used, updated, refcnt) = (
                crate::attr::u32_at(ci, 0),
                crate::attr::u32_at(ci, 4),
                crate::attr::u32_at(ci, 8),
                crate::attr::u32_at(ci, 12),
            );
            if refcnt != 0 {
                ctx.out.u(Some("refcnt"), " ref %u", refcnt as u64);
            }
            ctx.out.u(Some("used"), " used %u", (used / 100) as u64);
            ctx.out
                .u(Some("confirmed"), "/%u", (confirmed / 100) as u64);
            ctx.out.u(Some("updated"), "/%u", (updated / 100) as u64);
        }
        if let Some(p) = tb.u32(NDA_PROBES) {
            ctx.out.u(Some("probes"), "probes %u ", p as u64);
        }
    }
    if state != 0 {
        ctx.out.arr_open(Some("state"));
        let mut s = state;
        for (bit, name) in STATES {
            if s & bit != 0 {
                s &= !bit;
                ctx.out.s(None, "%s ", name);
            }
        }
        ctx.out.arr_close();
    }
    let proto = tb.u8(NDA_PROTOCOL).unwrap_or(0);
    if proto != 0 {
        ctx.out.s(Some("protocol"), "proto %s ", &proto_n2a(proto));
    }
    ctx.out.fp("\n");
    ctx.out.obj_close();
}

fn modify(ctx: &mut Ctx, cmd: u16, flags: u16, mut args: Args) -> Res {
    let mut state: u16 = NUD_PERMANENT as u16;
    let mut ndm_flags = 0u8;
    let mut ext = 0u32;
    let mut dev = None;
    let (mut dst_ok, mut dev_ok) = (false, false);
    let mut lla: Option<String> = None;
    let mut dst = Prefix::default();
    let mut proto = None;
    while let Some(a) = args.next() {
        let w = a.as_str();
        if matches(w, "lladdr") {
            let v = args.need()?;
            if lla.is_some() {
                return Err(duparg("lladdr", &v));
            }
            lla = Some(v);
        } else if w == "nud" {
            let v = args.need()?;
            state = nud_a2n(&v).ok_or_else(|| invarg("nud state is bad", &v))? as u16;
        } else if matches(w, "proxy") {
            let v = args.need()?;
            if matches(&v, "help") {
                return Err(Fail::usage(crate::help::NEIGH));
            }
            if dst_ok {
                return Err(duparg("address", &v));
            }
            dst = get_addr(&v, ctx.o.family)?;
            dst_ok = true;
            dev_ok = true;
            ndm_flags |= NTF_PROXY;
        } else if w == "router" {
            ndm_flags |= NTF_ROUTER;
        } else if w == "use" {
            ndm_flags |= NTF_USE;
        } else if w == "managed" {
            ext |= 1;
            state = 0;
        } else if matches(w, "extern_learn") {
            ndm_flags |= NTF_EXT_LEARNED;
        } else if w == "dev" {
            dev = Some(args.need()?);
            dev_ok = true;
        } else if matches(w, "protocol") {
            let v = args.need()?;
            proto =
                Some(proto_a2n(&v).ok_or_else(|| invarg("\"protocol\" value is invalid\n", &v))?);
        } else {
            let mut v = w.to_string();
            if v == "to" || matches(&v, "help") {
                v = args.need()?;
            }
            if dst_ok {
                return Err(duparg2("to", &v));
            }
            dst = get_addr(&v, ctx.o.family)?;
            dst_ok = true;
        }
    }
    if !dev_ok || !dst_ok || dst.family == AF_UNSPEC {
        return Err(Fail::usage(
            "Device and destination are required arguments.\n",
        ));
    }
    let mut attrs = Msg::new(0, 0, &[]);
    if let Some(p) = proto {
        attrs.u8(NDA_PROTOCOL, p);
    }
    attrs.attr(NDA_DST, dst.bytes());
    if ext != 0 {
        attrs.u32(NDA_FLAGS_EXT, ext);
    }
    if let Some(l) = lla.filter(|l| l != "null") {
        let b = parse_lladdr(&l).map_err(|m| Fail::new(1, m))?;
        attrs.attr(NDA_LLADDR, &b);
    }
    let mut ifindex = 0u32;
    if let Some(d) = dev {
        ifindex = ctx.index_of(&d);
        if ifindex == 0 {
            return Err(nodev(&d));
        }
    }
    let mut nd = [0u8; 12];
    nd[0] = dst.family;
    nd[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    nd[8..10].copy_from_slice(&state.to_ne_bytes());
    nd[10] = ndm_flags;
    let mut m = Msg::new(cmd, flags, &nd);
    m.raw(attrs.attrs_after(0));
    ctx.nl.talk(m).map_err(|e| crate::err::kernel(&e))
}
