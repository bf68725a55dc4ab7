// SPDX-License-Identifier: Apache-2.0
//! `ip addr show|flush` and `ip link show` (ipaddress.c
//! `ipaddr_list_flush_or_save`, `ipaddr_filter`, `print_addrinfo`,
//! `ipaddr_flush`): fetch links and addresses, filter, print.

use std::net::IpAddr;

use netlink_packet_core::Parseable;
use netlink_packet_route::address::AddressMessage;
use netlink_packet_route::link::{InfoKind, LinkAttribute, LinkInfo};

pub use super::decode::{fmt_ip, ifa, ip_bytes, Ifa};
use crate::attr::Tb;
use crate::cli::{matches, Args, AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC};
use crate::ctx::{
    ext_mask, link_header, link_msg, Ctx, RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_DELADDR,
    RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR,
};
use crate::err::{duparg2, invarg, Fail, Res};
use crate::link::show::{print_linkinfo, print_stats, LinkFilter};
use crate::nl::Msg;
use crate::out::Color;
use crate::util::{addr_match, family_name, get_prefix, scope_a2n, scope_n2a, Prefix};

pub const IFA_ADDRESS: u16 = 1;
pub const IFA_LOCAL: u16 = 2;
pub const IFA_LABEL: u16 = 3;
pub const IFA_BROADCAST: u16 = 4;
pub const IFA_ANYCAST: u16 = 5;
pub const IFA_CACHEINFO: u16 = 6;
pub const IFA_FLAGS: u16 = 8;
pub const IFA_RT_PRIORITY: u16 = 9;

pub const IFA_F_SECONDARY: u32 = 0x01;
pub const IFA_F_PERMANENT: u32 = 0x80;
const IFA_F_DEPRECATED: u32 = 0x20;

/// ifa flag names, in iproute2's table order: (name, mask).
const FLAG_DATA: &[(&str, u32)] = &[
    ("secondary", 0x01),
    ("temporary", 0x01),
    ("nodad", 0x02),
    ("optimistic", 0x04),
    ("dadfailed", 0x08),
    ("home", 0x10),
    ("deprecated", 0x20),
    ("tentative", 0x40),
    ("permanent", 0x80),
    ("mngtmpaddr", 0x100),
    ("noprefixroute", 0x200),
    ("autojoin", 0x400),
    ("stable-privacy", 0x800),
];

pub fn flag_mask(name: &str) -> Option<u32> {
    FLAG_DATA.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

#[derive(Default, Clone)]
pub struct AddrFilter {
    pub link: LinkFilter,
    pub scope: u8,
    pub scopemask: u8,
    pub flags: u32,
    pub flagmask: u32,
    pub label: Option<String>,
    pub pfx: Prefix,
    pub oneline: bool,
}

fn glob(pat: &str, s: &str) -> bool {
    match pat.split_once('*') {
        None => pat == s,
        Some((pre, rest)) => {
            if !s.starts_with(pre) {
                return false;
            }
            let tail = &s[pre.len()..];
            (0..=tail.len()).any(|i| tail.is_char_boundary(i) && glob(rest, &tail[i..]))
        }
    }
}

/// Does this address pass the filter (everything but the family)?
fn addr_passes(ctx: &mut Ctx, f: &AddrFilter, a: &Ifa) -> bool {
    if (f.scope ^ a.scope) & f.scopemask != 0 {
        return false;
    }
    if (f.flags ^ a.all_flags()) & f.flagmask != 0 {
        return false;
    }
    if let Some(l) = &f.label {
        let label = match &a.label {
            Some(s) => s.clone(),
            None => ctx.name_of(a.index),
        };
        if !glob(l, &label) {
            return false;
        }
    }
    if f.pfx.family != 0 && f.pfx.bitlen > 0 {
        match a.local().map(|ip| ip_bytes(&ip)) {
            Some(v)
                if (v.len() == 4 && f.pfx.family == AF_INET)
                    || (v.len() == 16 && f.pfx.family == AF_INET6) =>
            {
                if !addr_match(&v, f.pfx.bytes(), f.pfx.bitlen) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// `print_addrinfo` for one address (filters already applied by caller).
pub fn print_addrinfo(ctx: &mut Ctx, msg_ty: u16, a: &Ifa, oneline_prefix: bool) {
    let brief = ctx.o.brief;
    if msg_ty == RTM_DELADDR {
        ctx.out.b(Some("deleted"), "Deleted ", true);
    }
    if !brief {
        if oneline_prefix {
            let dev = ctx.name_of(a.index);
            if ctx.out.json {
                ctx.out.j_i(Some("index"), a.index as i64);
                ctx.out.j_str(Some("dev"), &dev);
            } else {
                ctx.out.fp(&format!("{}: {}", a.index, dev));
            }
        }
        let name = family_name(a.family);
        if !name.starts_with('?') {
            ctx.out.s(Some("family"), "    %s ", name);
        } else {
            ctx.out
                .i(Some("family_index"), "    family %d ", a.family as i64);
        }
    }
    let flags = a.all_flags();
    if let Some(local) = a.local() {
        let fc = Color::family(a.family);
        ctx.out.cs(Some("local"), fc, "%s", &fmt_ip(&local));
        if let Some(addr) = a.address {
            if addr != local {
                ctx.out.fp(" peer ");
                ctx.out.cs(Some("address"), fc, "%s", &fmt_ip(&addr));
            }
        }
        ctx.out.i(Some("prefixlen"), "/%d ", a.prefixlen as i64);
        if let Some(m) = a.metric {
            ctx.out.u(Some("metric"), "metric %u ", m as u64);
        }
    }
    if brief {
        return;
    }
    if let Some(b) = a.broadcast {
        ctx.out.fp("brd ");
        ctx.out.cs(
            Some("broadcast"),
            Color::family(a.family),
            "%s ",
            &fmt_ip(&IpAddr::V4(b)),
        );
    }
    if let Some(b) = a.anycast {
        ctx.out.fp("any ");
        ctx.out.cs(
            Some("anycast"),
            Color::family(a.family),
            "%s ",
            &fmt_ip(&IpAddr::V6(b)),
        );
    }
    ctx.out.s(Some("scope"), "scope %s ", &scope_n2a(a.scope));
    let mut fl = flags;
    for (name, mask) in FLAG_DATA {
        if *mask == IFA_F_PERMANENT {
            if fl & mask == 0 {
                ctx.out.b(Some("dynamic"), "dynamic ", true);
            }
        } else if fl & mask != 0 {
            if *mask == IFA_F_SECONDARY && a.family == AF_INET6 {
                ctx.out.b(Some("temporary"), "temporary ", true);
            } else {
                ctx.out.fp(&format!("{name} "));
                ctx.out.j_bool(Some(name), true);
            }
        }
        fl &= !mask;
    }
    if fl != 0 {
        if ctx.out.json {
            ctx.out.j_str(Some("ifa_flags"), &format!("{fl:02x}"));
        } else {
            ctx.out.fp(&format!("flags {fl:02x} "));
        }
    }
    if let Some(l) = &a.label {
        ctx.out.s(Some("label"), "%s", l);
    }
    if let Some(ci) = &a.cacheinfo {
        let prefered = ci.ifa_preferred;
        let valid = ci.ifa_valid;
        ctx.out.nl();
        ctx.out.fp("       valid_lft ");
        if valid == u32::MAX {
            ctx.out.j_u(Some("valid_life_time"), u32::MAX as u64);
            ctx.out.fp("forever");
        } else {
            ctx.out.u(Some("valid_life_time"), "%usec", valid as u64);
        }
        ctx.out.fp(" preferred_lft ");
        if prefered == u32::MAX {
            ctx.out.j_u(Some("preferred_life_time"), u32::MAX as u64);
            ctx.out.fp("forever");
        } else if flags & IFA_F_DEPRECATED != 0 {
            ctx.out
                .i(Some("preferred_life_time"), "%dsec", prefered as i32 as i64);
        } else {
            ctx.out
                .u(Some("preferred_life_time"), "%usec", prefered as u64);
        }
    }
    ctx.out.fp("\n");
}

/// Dump addresses (of one link when `index` is set).
pub fn dump_addrs(ctx: &mut Ctx, family: u8, index: u32) -> Res<crate::nl::Dump> {
    let mut req = AddressMessage::default();
    req.header.family = family.into();
    req.header.index = index;
    let m = Msg::typed(RTM_GETADDR, 0, &req);
    ctx.nl
        .dump_flat(m)
        .map_err(|e| Fail::new(1, format!("{}Dump terminated\n", e.describe())))
}

enum Action {
    List,
    Flush,
}

/// `ip link show …` (do_link) or `ip addr show|flush …`.
pub fn list(ctx: &mut Ctx, args: &mut Args, do_link: bool, flush: bool) -> Res {
    // ipaddress.c's `do_link` is a global that `ip link show` sets and
    // nothing resets: later commands of the same -batch print links the
    // `ip link` way (and `addr show dev X` shows only the link).
    let link_style = do_link || ctx.o.sticky_link;
    let action = if flush { Action::Flush } else { Action::List };
    let mut f = AddrFilter {
        oneline: ctx.o.oneline,
        ..Default::default()
    };
    f.link.family = if do_link { AF_PACKET } else { ctx.o.family };
    let family = f.link.family;
    if flush {
        if args.is_empty() {
            return Err(Fail::new(1, "Flush requires arguments.\n"));
        }
        if family == AF_PACKET {
            return Err(Fail::new(1, "Cannot flush link addresses.\n"));
        }
    }
    let mut filter_dev: Option<String> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "to" => {
                let v = args.need()?;
                f.pfx = get_prefix(&v, f.link.family)?;
                if f.link.family == AF_UNSPEC {
                    f.link.family = f.pfx.family;
                }
            }
            "scope" => {
                let v = args.need()?;
                f.scopemask = 0xff;
                match scope_a2n(&v) {
                    Some(s) => f.scope = s,
                    None => {
                        if v != "all" {
                            return Err(invarg("invalid \"scope\"\n", &v));
                        }
                        f.scope = 255;
                        f.scopemask = 0;
                    }
                }
            }
            "up" => f.link.up = true,
            "label" => f.label = Some(args.need()?),
            "group" => {
                let v = args.need()?;
                let g = if v == "default" {
                    Some(0)
                } else {
                    crate::util::get_u32(&v)
                };
                match g {
                    Some(g) => f.link.group = Some(g),
                    None => return Err(invarg("Invalid \"group\" value\n", &v)),
                }
            }
            "master" => {
                let v = args.need()?;
                match ctx.index_of(&v) {
                    0 => return Err(invarg("Device does not exist\n", &v)),
                    i => f.link.master = i as i64,
                }
            }
            "vrf" => {
                let v = args.need()?;
                return Err(invarg("Not a valid VRF name\n", &v));
            }
            "nomaster" => f.link.master = -1,
            "type" => {
                let v = args.need()?;
                match v.strip_suffix("_slave") {
                    Some(k) if v.len() > 6 => f.link.slave_kind = Some(k.to_string()),
                    _ => f.link.kind = Some(v),
                }
            }
            other => {
                if flag_filter(other, &mut f).is_some() {
                    continue;
                }
                let dev = if other == "dev" {
                    args.need()?
                } else {
                    if matches(other, "help") {
                        return Err(Fail::usage(if do_link {
                            crate::help::LINK
                        } else {
                            crate::help::ADDR
                        }));
                    }
                    other.to_string()
                };
                if filter_dev.is_some() {
                    return Err(duparg2("dev", &dev));
                }
                filter_dev = Some(dev);
            }
        }
    }
    if let Some(d) = &filter_dev {
        match ctx.index_of(d) {
            0 => return Err(Fail::new(1, format!("Device \"{d}\" does not exist.\n"))),
            i => f.link.ifindex = i,
        }
    }
    if let Action::Flush = action {
        return flush_addrs(ctx, &f);
    }
    let mut ext = RTEXT_FILTER_VF;
    if ctx.o.stats == 0 {
        ext |= RTEXT_FILTER_SKIP_STATS;
    }
    // links: one (by index) or all
    let links: crate::nl::Dump = if f.link.ifindex != 0 {
        let mask = ext_mask(if do_link { RTEXT_FILTER_VF } else { ext });
        let req = link_msg(
            link_header(0, f.link.ifindex, 0, 0),
            vec![LinkAttribute::ExtMask(mask)],
        );
        let m = Msg::typed(RTM_GETLINK, 0, &req);
        match ctx.nl.request(m) {
            Ok((ty, data)) => crate::nl::Dump::one(ty, &data),
            Err(e) => return Err(crate::err::kernel(&e)),
        }
    } else {
        // iplink_filter_req: the kernel filters by master and kind
        let mut attrs = vec![LinkAttribute::ExtMask(ext_mask(RTEXT_FILTER_VF))];
        if f.link.master != 0 {
            attrs.push(LinkAttribute::Controller(f.link.master as u32));
        }
        if let Some(k) = &f.link.kind {
            attrs.push(LinkAttribute::LinkInfo(vec![LinkInfo::Kind(
                InfoKind::from(k.as_str()),
            )]));
        }
        let m = Msg::typed(RTM_GETLINK, 0, &link_msg(link_header(0, 0, 0, 0), attrs));
        let all = f.link.master == 0 && f.link.kind.is_none();
        let links = ctx
            .nl
            .dump_flat(m)
            .map_err(|e| Fail::new(1, format!("{}Dump terminated\n", e.describe())))?;
        if all {
            ctx.remember_links(&links);
        }
        links
    };
    let family = if f.link.ifindex != 0 && f.link.group.is_none() && link_style {
        AF_PACKET
    } else {
        f.link.family
    };
    let mut dump = crate::nl::Dump::default();
    let no_link = family != AF_PACKET && f.oneline;
    if family != AF_PACKET {
        dump = dump_addrs(ctx, family, f.link.ifindex)?;
    }
    let addrs: Vec<(u16, &[u8])> = dump.iter().collect();
    // Each link's addresses, in dump order, found once (not a scan of
    // every address per link: that was quadratic with 1000 links).
    let mut by_index: std::collections::HashMap<u32, Vec<usize>> = Default::default();
    for (i, (_, d)) in addrs.iter().enumerate() {
        if d.len() >= 8 {
            by_index
                .entry(crate::attr::u32_at(d, 4))
                .or_default()
                .push(i);
        }
    }
    let none: Vec<usize> = Vec::new();
    ctx.out.start();
    for (ty, data) in links.iter() {
        let Some((ifi, _)) = crate::link::show::ifinfo(data) else {
            continue;
        };
        let mine = by_index.get(&ifi.index).unwrap_or(&none);
        if family != AF_PACKET && !link_has_match(ctx, &f, mine.iter().map(|&i| addrs[i].1)) {
            continue;
        }
        ctx.out.obj_open(None);
        let mut res = 0;
        if ctx.o.brief || !no_link {
            res = print_linkinfo(ctx, ty, data, &f.link, link_style);
        }
        if res >= 0 && family != AF_PACKET {
            ctx.out.arr_open(Some("addr_info"));
            for &(aty, adata) in mine.iter().map(|&i| &addrs[i]) {
                if aty != RTM_NEWADDR {
                    continue;
                }
                let Some(a) = ifa(adata) else { continue };
                if a.index != ifi.index || (family != 0 && family != a.family) {
                    continue;
                }
                if f.link.up && ifi.flags & 1 == 0 {
                    continue;
                }
                if !addr_passes(ctx, &f, &a) {
                    continue;
                }
                ctx.out.obj_open(None);
                print_addrinfo(ctx, aty, &a, f.oneline);
                ctx.out.obj_close();
            }
            ctx.out.arr_close();
            if ctx.o.brief {
                ctx.out.fp("\n");
            }
        }
        if res > 0 && !link_style && ctx.o.stats > 0 {
            if let Some((_, attrs)) = crate::link::show::ifinfo(data) {
                let tb = Tb::parse(attrs);
                print_stats(ctx, &tb);
                ctx.out.nl();
            }
        }
        ctx.out.obj_close();
        ctx.out.flush_if_text();
    }
    ctx.out.finish();
    ctx.out.flush();
    Ok(())
}

/// `ipaddr_filter`: keep a link if one of its addresses passes, or (without
/// a family) if it has none at all.
fn link_has_match<'a>(ctx: &mut Ctx, f: &AddrFilter, mine: impl Iterator<Item = &'a [u8]>) -> bool {
    let mut missing = true;
    for d in mine {
        let Some(a) = ifa(d) else { continue };
        missing = false;
        if f.link.family != 0 && f.link.family != a.family {
            continue;
        }
        if addr_passes(ctx, f, &a) {
            return true;
        }
    }
    missing && (f.link.family == AF_UNSPEC || f.link.family == AF_PACKET)
}

/// A FLAG-LIST word (`get_filter`); None when it is not one.
fn flag_filter(arg: &str, f: &mut AddrFilter) -> Option<()> {
    let (mut inv, mut name) = match arg.strip_prefix('-') {
        Some(n) => (true, n),
        None => (false, arg),
    };
    if name == "dynamic" {
        inv = !inv;
        name = "permanent";
    } else if name == "primary" {
        inv = !inv;
        name = "secondary";
    }
    let mask = flag_mask(name)?;
    if inv {
        f.flags &= !mask;
    } else {
        f.flags |= mask;
    }
    f.flagmask |= mask;
    Some(())
}

fn flush_addrs(ctx: &mut Ctx, f: &AddrFilter) -> Res {
    for _round in 0..10 {
        let addrs = dump_addrs(ctx, f.link.family, f.link.ifindex)
            .map_err(|e| Fail::new(1, e.msg.replace("Dump terminated", "Flush terminated")))?;
        let mut flushed = 0;
        for (ty, d) in addrs.iter() {
            if ty != RTM_NEWADDR {
                continue;
            }
            let Some(a) = ifa(d) else { continue };
            if f.link.ifindex != 0 && a.index != f.link.ifindex {
                continue;
            }
            if f.link.family != 0 && a.family != f.link.family {
                continue;
            }
            if !addr_passes(ctx, f, &a) {
                continue;
            }
            // the answer itself, re-emitted by the crate as the request
            let Ok(req) = AddressMessage::parse(d) else {
                continue;
            };
            let m = Msg::typed(RTM_DELADDR, 0, &req);
            match ctx.nl.talk(m) {
                Ok(()) => flushed += 1,
                Err(e) if e.errno == libc::EADDRNOTAVAIL || e.errno == libc::ENOENT => {}
                Err(e) => {
                    return Err(Fail::new(
                        2,
                        format!(
                            "Failed to send flush request: {}\n",
                            kcommon::errno::strerror(e.errno)
                        ),
                    ))
                }
            }
        }
        if flushed == 0 {
            return Ok(());
        }
    }
    Ok(())
}
