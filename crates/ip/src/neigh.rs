// SPDX-License-Identifier: Apache-2.0
//! `ip neigh` (ipneigh.c): show/flush with iproute2's state filter, and
//! add/change/replace/delete.

use netlink_packet_core::{NlasIterator, Parseable, ParseableParametrized};
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourCacheInfo, NeighbourExtFlags, NeighbourFlags,
    NeighbourHeader, NeighbourMessage,
};

use crate::cli::{matches, Args, AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC};
use crate::ctx::{Ctx, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH};
use crate::err::{duparg, duparg2, invarg, nodev, Fail, Res};
use crate::nl::{Msg, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use crate::out::Color;
use crate::util::{
    addr_match, fmt_addr, fmt_lladdr, get_addr, get_prefix, get_u32, parse_lladdr, proto_a2n,
    proto_n2a, Prefix,
};

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
                // the dumped entry, re-emitted by the crate as the delete
                let Ok(req) = NeighbourMessage::parse(d.as_slice()) else {
                    continue;
                };
                if ctx.nl.talk(Msg::typed(RTM_DELNEIGH, 0, &req)).is_ok() {
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

/// The attributes `print_neigh` and the filter use, decoded as
/// netlink-packet-route's typed `NeighbourAttribute`s (the last of each
/// kind wins, as in `parse_rtattr`). NDA_DST keeps its bytes: for
/// AF_BRIDGE entries the crate hands them over as `Other`, and iproute2
/// picks the family by their length.
#[derive(Default)]
struct Nda {
    dst: Option<Vec<u8>>,
    lladdr: Option<Vec<u8>>,
    cacheinfo: Option<NeighbourCacheInfo>,
    probes: Option<u32>,
    protocol: u8,
    ext_flags: u32,
}

fn nda(family: u8, attrs: &[u8]) -> Nda {
    let mut n = Nda::default();
    for nla in NlasIterator::new(attrs) {
        let Ok(nla) = nla else { break };
        match NeighbourAttribute::parse_with_param(&nla, family.into()) {
            Ok(NeighbourAttribute::Destination(a)) => {
                n.dst = Some(match a {
                    NeighbourAddress::Inet(v) => v.octets().to_vec(),
                    NeighbourAddress::Inet6(v) => v.octets().to_vec(),
                    NeighbourAddress::Other(v) => v,
                    _ => continue,
                })
            }
            Ok(NeighbourAttribute::LinkLayerAddress(v)) => n.lladdr = Some(v),
            Ok(NeighbourAttribute::CacheInfo(v)) => n.cacheinfo = Some(v),
            Ok(NeighbourAttribute::Probes(v)) => n.probes = Some(v),
            Ok(NeighbourAttribute::Protocol(v)) => n.protocol = v.into(),
            Ok(NeighbourAttribute::ExtFlags(v)) => n.ext_flags = v.bits(),
            _ => {}
        }
    }
    n
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
    let tb = nda(family, &d[12..]);
    if f.pfx.family != 0 && f.pfx.bitlen > 0 {
        match tb.dst.as_deref() {
            Some(v) if v.len() == f.pfx.bytelen => {
                if !addr_match(v, f.pfx.bytes(), f.pfx.bitlen) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    if f.protocol != 0 && f.protocol != tb.protocol {
        return false;
    }
    if f.unused {
        if let Some(ci) = &tb.cacheinfo {
            if ci.refcnt != 0 {
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
    let tb = nda(family, &d[12..]);
    ctx.out.obj_open(None);
    if ty == RTM_DELNEIGH {
        ctx.out.b(Some("deleted"), "Deleted ", true);
    }
    if let Some(dst) = tb.dst.as_deref() {
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
    if let Some(ll) = &tb.lladdr {
        ctx.out.fp("lladdr ");
        ctx.out
            .cs(Some("lladdr"), Color::Mac, "%s ", &fmt_lladdr(ll));
    }
    let ext = tb.ext_flags;
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
        if let Some(ci) = &tb.cacheinfo {
            // nda_cacheinfo: confirmed, used, updated, refcnt (clock_t)
            let (confirmed, used, updated, refcnt) = (ci.confirmed, ci.used, ci.updated, ci.refcnt);
            if refcnt != 0 {
                ctx.out.u(Some("refcnt"), " ref %u", refcnt as u64);
            }
            ctx.out.u(Some("used"), " used %u", (used / 100) as u64);
            ctx.out
                .u(Some("confirmed"), "/%u", (confirmed / 100) as u64);
            ctx.out.u(Some("updated"), "/%u", (updated / 100) as u64);
        }
        if let Some(p) = tb.probes {
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
    let proto = tb.protocol;
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
    let mut req = NeighbourMessage::default();
    if let Some(p) = proto {
        req.attributes.push(NeighbourAttribute::Protocol(p.into()));
    }
    let dst_addr = match dst.bytes() {
        [a, b, c, d] => NeighbourAddress::Inet([*a, *b, *c, *d].into()),
        v => match <[u8; 16]>::try_from(v) {
            Ok(v6) => NeighbourAddress::Inet6(v6.into()),
            Err(_) => NeighbourAddress::Other(v.to_vec()),
        },
    };
    req.attributes
        .push(NeighbourAttribute::Destination(dst_addr));
    if ext != 0 {
        req.attributes.push(NeighbourAttribute::ExtFlags(
            NeighbourExtFlags::from_bits_retain(ext),
        ));
    }
    if let Some(l) = lla.filter(|l| l != "null") {
        let b = parse_lladdr(&l).map_err(|m| Fail::new(1, m))?;
        req.attributes.push(NeighbourAttribute::LinkLayerAddress(b));
    }
    let mut ifindex = 0u32;
    if let Some(d) = dev {
        ifindex = ctx.index_of(&d);
        if ifindex == 0 {
            return Err(nodev(&d));
        }
    }
    req.header.family = dst.family.into();
    req.header.ifindex = ifindex;
    req.header.state = state.into();
    req.header.flags = NeighbourFlags::from_bits_retain(ndm_flags);
    let m = Msg::typed(cmd, flags, &req);
    ctx.nl.talk(m).map_err(|e| crate::err::kernel(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::test_nla as nla;

    #[test]
    fn typed_decode_keeps_what_print_neigh_needs() {
        // NDA_DST 10.0.0.2, NDA_LLADDR, NDA_CACHEINFO (refcnt 1), NDA_PROBES 3,
        // NDA_PROTOCOL 4 (static), NDA_FLAGS_EXT 1 (managed)
        let mut ci = Vec::new();
        for v in [100u32, 200, 300, 1] {
            ci.extend_from_slice(&v.to_ne_bytes());
        }
        let mut a = nla(1, &[10, 0, 0, 2]);
        a.extend(nla(2, &[2, 0, 0x0a, 0x2a, 0, 0x99]));
        a.extend(nla(3, &ci));
        a.extend(nla(4, &3u32.to_ne_bytes()));
        a.extend(nla(12, &[4]));
        a.extend(nla(15, &1u32.to_ne_bytes()));
        let n = nda(AF_INET, &a);
        assert_eq!(n.dst.as_deref(), Some(&[10u8, 0, 0, 2][..]));
        assert_eq!(
            n.lladdr.as_deref(),
            Some(&[2u8, 0, 0x0a, 0x2a, 0, 0x99][..])
        );
        assert_eq!(
            n.cacheinfo.as_ref().map(|c| (c.used, c.refcnt)),
            Some((200, 1))
        );
        assert_eq!((n.probes, n.protocol, n.ext_flags), (Some(3), 4, 1));
        // AF_BRIDGE: the crate gives the address as bytes; a 16-byte one stays whole
        let b = nla(1, &[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(nda(AF_BRIDGE, &b).dst.map(|d| d.len()), Some(16));
        // a truncated attribute stops the walk without a panic
        assert!(nda(AF_INET, &[200, 0, 1, 0, 10]).dst.is_none());
    }
}
