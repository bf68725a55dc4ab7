// SPDX-License-Identifier: Apache-2.0
//! `ip route` (iproute.c `do_iproute`): list/flush (with the filter in
//! show.rs), get, and add/change/replace/prepend/append/test/delete.

mod get;
pub mod show;
#[cfg(test)]
mod tests;

use netlink_packet_route::route::{RouteAttribute, RouteMessage};

use crate::attr::Tb;
use crate::cli::{matches, read_family, Args, AF_INET, AF_INET6, AF_UNSPEC};
use crate::ctx::{Ctx, RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE};
use crate::err::{duparg2, invarg, nodev, Fail, Res};
use crate::nl::{Msg, NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use crate::util::{get_addr, get_prefix, get_u32, proto_a2n, rtntype_a2n, scope_a2n, table_a2n};
use show::*;

pub fn run(ctx: &mut Ctx, mut args: Args) -> Res {
    let Some(cmd) = args.next() else {
        return list(ctx, args, false);
    };
    let c = cmd.as_str();
    if matches(c, "add") {
        modify(ctx, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, args)
    } else if matches(c, "change") || c == "chg" {
        modify(ctx, RTM_NEWROUTE, NLM_F_REPLACE, args)
    } else if matches(c, "replace") {
        modify(ctx, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, args)
    } else if matches(c, "prepend") {
        modify(ctx, RTM_NEWROUTE, NLM_F_CREATE, args)
    } else if matches(c, "append") {
        modify(ctx, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, args)
    } else if matches(c, "test") {
        modify(ctx, RTM_NEWROUTE, NLM_F_EXCL, args)
    } else if matches(c, "delete") {
        modify(ctx, RTM_DELROUTE, 0, args)
    } else if matches(c, "list") || matches(c, "show") || matches(c, "lst") {
        list(ctx, args, false)
    } else if matches(c, "get") {
        get::get(ctx, args)
    } else if matches(c, "flush") {
        list(ctx, args, true)
    } else if matches(c, "help") {
        Err(Fail::usage(crate::help::ROUTE))
    } else {
        Err(Fail::usage(format!(
            "Command \"{c}\" is unknown, try \"ip route help\".\n"
        )))
    }
}

fn usage() -> Fail {
    Fail::usage(crate::help::ROUTE)
}

fn list(ctx: &mut Ctx, mut args: Args, flush: bool) -> Res {
    let mut f = RouteFilter {
        tb: 254,
        ..Default::default()
    };
    let mut dump_family = ctx.o.family;
    f.family = ctx.o.family;
    if flush && args.is_empty() {
        return Err(Fail::new(1, "\"ip route flush\" requires arguments.\n"));
    }
    let (mut od, mut id) = (None, None);
    while let Some(a) = args.next() {
        let w = a.as_str();
        if matches(w, "table") {
            let v = args.need()?;
            match table_a2n(&v) {
                Some(t) => f.tb = t,
                None => match v.as_str() {
                    "all" => f.tb = 0,
                    "cache" => f.cloned = 1,
                    "help" => return Err(usage()),
                    _ => return Err(invarg("table id value is invalid\n", &v)),
                },
            }
        } else if matches(w, "cached") || matches(w, "cloned") {
            f.cloned = 1;
        } else if w == "tos" || matches(w, "dsfield") {
            let v = args.need()?;
            f.tos = get_u32(&v)
                .and_then(|t| u8::try_from(t).ok())
                .ok_or_else(|| invarg("TOS value is invalid\n", &v))?;
            f.tosmask = true;
        } else if matches(w, "protocol") {
            let v = args.need()?;
            f.protocolmask = true;
            match proto_a2n(&v) {
                Some(p) => f.protocol = p,
                None if v == "all" => {
                    f.protocol = 0;
                    f.protocolmask = false;
                }
                None => return Err(invarg("invalid \"protocol\"\n", &v)),
            }
        } else if matches(w, "scope") {
            let v = args.need()?;
            f.scopemask = true;
            match scope_a2n(&v) {
                Some(s) => f.scope = s,
                None if v == "all" => {
                    f.scope = 255;
                    f.scopemask = false;
                }
                None => return Err(invarg("invalid \"scope\"\n", &v)),
            }
        } else if matches(w, "type") {
            let v = args.need()?;
            let t = rtntype_a2n(&v).ok_or_else(|| invarg("node type value is invalid\n", &v))?;
            f.typemask = 1u64 << t.min(63);
        } else if w == "dev" || w == "oif" {
            od = Some(args.need()?);
        } else if w == "iif" {
            id = Some(args.need()?);
        } else if w == "mark" {
            let v = args.need()?;
            f.mark = get_u32(&v).ok_or_else(|| invarg("invalid mark value", &v))?;
            f.markmask = true;
        } else if matches(w, "metric") || matches(w, "priority") || w == "preference" {
            let v = args.need()?;
            f.metric = get_u32(&v).ok_or_else(|| invarg("\"metric\" value is invalid\n", &v))?;
            f.metricmask = true;
        } else if w == "via" {
            let mut v = args.need()?;
            let mut fam = read_family(&v);
            if fam == AF_UNSPEC {
                fam = dump_family;
            } else {
                v = args.need()?;
            }
            f.rvia = get_prefix(&v, fam)?;
        } else if w == "src" {
            let v = args.need()?;
            f.rprefsrc = get_prefix(&v, dump_family)?;
        } else if matches(w, "realms") {
            args.need()?;
        } else if matches(w, "from") {
            let mut v = args.need()?;
            if matches(&v, "root") {
                v = args.need()?;
                f.rsrc = get_prefix(&v, dump_family)?;
            } else if matches(&v, "match") {
                v = args.need()?;
                f.msrc = get_prefix(&v, dump_family)?;
            } else {
                if matches(&v, "exact") {
                    v = args.need()?;
                }
                f.msrc = get_prefix(&v, dump_family)?;
                f.rsrc = f.msrc;
            }
        } else {
            let mut v = w.to_string();
            if matches(&v, "to") {
                v = args.need()?;
            }
            if matches(&v, "root") {
                v = args.need()?;
                f.rdst = get_prefix(&v, dump_family)?;
            } else if matches(&v, "match") {
                v = args.need()?;
                f.mdst = get_prefix(&v, dump_family)?;
            } else {
                if matches(&v, "exact") {
                    v = args.need()?;
                }
                f.mdst = get_prefix(&v, dump_family)?;
                f.rdst = f.mdst;
            }
        }
    }
    if dump_family == AF_UNSPEC && f.tb != 0 {
        dump_family = AF_INET;
    }
    if let Some(i) = id {
        f.iif = ctx.index_of(&i);
        if f.iif == 0 {
            return Err(nodev(&i));
        }
        f.iifmask = true;
    }
    if let Some(o) = od {
        f.oif = ctx.index_of(&o);
        if f.oif == 0 {
            return Err(nodev(&o));
        }
        f.oifmask = true;
    }
    if flush {
        return flush_routes(ctx, &f, dump_family);
    }
    let routes = dump(ctx, &f, dump_family)
        .map_err(|e| Fail::new(2, format!("{}Dump terminated\n", e.describe())))?;
    ctx.out.start();
    let mut ip6_multi = false;
    for (ty, d) in routes.iter() {
        let Some(r) = Rtm::parse(d) else { continue };
        let tb = Tb::parse(&d[12..]);
        if !passes(&f, &r, &tb, &mut ip6_multi) {
            continue;
        }
        print_parsed(ctx, ty, &r, &tb, &f);
    }
    ctx.out.finish();
    ctx.out.flush();
    Ok(())
}

fn dump(
    ctx: &mut Ctx,
    f: &RouteFilter,
    family: u8,
) -> Result<crate::nl::Dump, crate::nl::KernelError> {
    let r = Rtm {
        family,
        protocol: f.protocol,
        flags: if f.cloned == 1 { RTM_F_CLONED } else { 0 },
        ..Default::default()
    };
    let mut req = RouteMessage::default();
    req.header = r.header();
    if f.tb != 0 {
        req.attributes.push(RouteAttribute::Table(f.tb));
    }
    if f.oif != 0 {
        req.attributes.push(RouteAttribute::Oif(f.oif));
    }
    ctx.nl.dump_flat(Msg::typed(RTM_GETROUTE, 0, &req))
}

fn flush_routes(ctx: &mut Ctx, f: &RouteFilter, family: u8) -> Res {
    if f.cloned == 1 {
        if family != AF_INET6 {
            let _ = std::fs::write("/proc/sys/net/ipv4/route/flush", "-1");
        }
        if family == AF_INET {
            return Ok(());
        }
    }
    for _ in 0..10 {
        let routes = dump(ctx, f, family)
            .map_err(|e| Fail::new(2, format!("{}Flush terminated\n", e.describe())))?;
        let mut flushed = 0;
        let mut ip6_multi = false;
        for (ty, d) in routes.iter() {
            if ty != RTM_NEWROUTE {
                continue;
            }
            let Some(r) = Rtm::parse(d) else { continue };
            let tb = Tb::parse(&d[12..]);
            if !passes(f, &r, &tb, &mut ip6_multi) {
                continue;
            }
            if r.family == AF_INET6
                && r.dst_len == 0
                && r.ty == 7
                && tb.u32(RTA_PRIORITY) == Some(u32::MAX)
            {
                continue;
            }
            let mut m = Msg::new(RTM_DELROUTE, 0, &d[..12]);
            m.raw(&d[12..]);
            match ctx.nl.talk(m) {
                Ok(()) => flushed += 1,
                Err(e) if e.errno == libc::ESRCH || e.errno == libc::ENOENT => {}
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

/// One `nexthop …` group member (`parse_one_nh`): rtnexthop + attributes.
fn parse_one_nh(ctx: &mut Ctx, r: &mut Rtm, args: &mut Args) -> Res<Vec<u8>> {
    let mut flags = 0u8;
    let mut hops = 0u8;
    let mut ifindex = 0u32;
    let mut attrs = Msg::new(0, 0, &[]);
    while let Some(a) = args.next() {
        match a.as_str() {
            "via" => {
                let mut v = args.need()?;
                let mut fam = read_family(&v);
                if fam == AF_UNSPEC {
                    fam = r.family;
                } else {
                    v = args.need()?;
                }
                let p = get_addr(&v, fam)?;
                if r.family == AF_UNSPEC {
                    r.family = p.family;
                }
                if p.family == r.family {
                    attrs.attr(RTA_GATEWAY, p.bytes());
                } else {
                    let mut b = vec![p.family, 0];
                    b.truncate(0);
                    b.extend_from_slice(&(p.family as u16).to_ne_bytes());
                    b.extend_from_slice(p.bytes());
                    attrs.attr(RTA_VIA, &b);
                }
            }
            "dev" => {
                let v = args.need()?;
                ifindex = ctx.index_of(&v);
                if ifindex == 0 {
                    return Err(nodev(&v));
                }
            }
            x if matches(x, "weight") => {
                let v = args.need()?;
                let w = get_u32(&v)
                    .filter(|w| (1..=256).contains(w))
                    .ok_or_else(|| invarg("\"weight\" is invalid\n", &v))?;
                hops = (w - 1) as u8;
            }
            "onlink" => flags |= 4,
            _ => {
                args.back();
                break;
            }
        }
    }
    let body = attrs.attrs_after(0).to_vec();
    let len = 8 + body.len();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&(len as u16).to_ne_bytes());
    out.push(flags);
    out.push(hops);
    out.extend_from_slice(&(ifindex as i32).to_ne_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

fn modify(ctx: &mut Ctx, cmd: u16, flags: u16, mut args: Args) -> Res {
    let mut r = Rtm {
        family: ctx.o.family,
        table: 254,
        scope: 255,
        ..Default::default()
    };
    if cmd != RTM_DELROUTE {
        r.protocol = 3;
        r.scope = 0;
        r.ty = RTN_UNICAST;
    }
    let mut attrs: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut metrics: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut mxlock = 0u32;
    let mut dev = None;
    let (mut gw_ok, mut dst_ok, mut nhs_ok, mut scope_ok, mut table_ok, mut type_ok) =
        (false, false, false, false, false, false);
    let mut nhid = 0u32;
    while let Some(a) = args.next() {
        let w = a.as_str();
        if w == "src" {
            let v = args.need()?;
            let p = get_addr(&v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            attrs.push((RTA_PREFSRC, p.bytes().to_vec()));
        } else if w == "as" {
            let mut v = args.need()?;
            if v == "to" {
                v = args.need()?;
            }
            let p = get_addr(&v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            attrs.push((RTA_NEWDST, p.bytes().to_vec()));
        } else if w == "via" {
            if gw_ok {
                return Err(invarg("use nexthop syntax to specify multiple via\n", w));
            }
            gw_ok = true;
            let mut v = args.need()?;
            let mut fam = read_family(&v);
            if fam == AF_UNSPEC {
                fam = r.family;
            } else {
                v = args.need()?;
            }
            let p = get_addr(&v, fam)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            if p.family == r.family {
                attrs.push((RTA_GATEWAY, p.bytes().to_vec()));
            } else {
                let mut b = (p.family as u16).to_ne_bytes().to_vec();
                b.extend_from_slice(p.bytes());
                attrs.push((RTA_VIA, b));
            }
        } else if w == "from" {
            let v = args.need()?;
            let p = get_prefix(&v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            if p.bytelen != 0 {
                attrs.push((RTA_SRC, p.bytes().to_vec()));
            }
            r.src_len = p.bitlen.max(0) as u8;
        } else if w == "tos" || matches(w, "dsfield") {
            let v = args.need()?;
            r.tos = get_u32(&v)
                .and_then(|t| u8::try_from(t).ok())
                .ok_or_else(|| invarg("\"tos\" value is invalid\n", &v))?;
        } else if w == "expires" {
            let v = args.need()?;
            let e = get_u32(&v).ok_or_else(|| invarg("\"expires\" value is invalid\n", &v))?;
            attrs.push((RTA_EXPIRES, e.to_ne_bytes().to_vec()));
        } else if matches(w, "metric") || matches(w, "priority") || w == "preference" {
            let v = args.need()?;
            let m = get_u32(&v).ok_or_else(|| invarg("\"metric\" value is invalid\n", &v))?;
            attrs.push((RTA_PRIORITY, m.to_ne_bytes().to_vec()));
        } else if w == "scope" {
            let v = args.need()?;
            r.scope = scope_a2n(&v).ok_or_else(|| invarg("invalid \"scope\" value\n", &v))?;
            scope_ok = true;
        } else if let Some(ax) = metric_attr(w) {
            let mut v = args.need()?;
            if v == "lock" && ax != 13 {
                mxlock |= 1 << ax;
                v = args.need()?;
            }
            let bad = || invarg(&format!("\"{w}\" value is invalid\n"), &v);
            let n = match ax {
                // rtt, rttvar, rto_min take a time (`get_time_rtt`)
                4 | 5 | 13 => {
                    let (t, raw) = time_rtt(&v).ok_or_else(bad)?;
                    match (ax, raw) {
                        (4, false) => t.saturating_mul(8),
                        (5, false) => t.saturating_mul(4),
                        _ => t,
                    }
                }
                _ => get_u32(&v).ok_or_else(bad)?,
            };
            if ax == 13 {
                mxlock |= 1 << 13;
            }
            if ax == 10 && n > 255 {
                return Err(invarg("\"hoplimit\" value is invalid\n", &v));
            }
            metrics.push((ax, n.to_ne_bytes().to_vec()));
        } else if matches(w, "congctl") {
            let mut v = args.need()?;
            if v == "lock" {
                mxlock |= 1 << 16;
                v = args.need()?;
            }
            metrics.push((16, v.into_bytes()));
        } else if matches(w, "realms") {
            let v = args.need()?;
            let n = crate::util::realms(&v)
                .ok_or_else(|| invarg("\"realm\" value is invalid\n", &v))?;
            attrs.push((RTA_FLOW, n.to_ne_bytes().to_vec()));
        } else if w == "onlink" {
            r.flags |= 4;
        } else if w == "nexthop" {
            nhs_ok = true;
            args.back();
            break;
        } else if w == "nhid" {
            let v = args.need()?;
            nhid = get_u32(&v).ok_or_else(|| invarg("\"id\" value is invalid\n", &v))?;
            attrs.push((RTA_NH_ID, nhid.to_ne_bytes().to_vec()));
        } else if matches(w, "protocol") {
            let v = args.need()?;
            r.protocol =
                proto_a2n(&v).ok_or_else(|| invarg("\"protocol\" value is invalid\n", &v))?;
        } else if matches(w, "table") {
            let v = args.need()?;
            let t = table_a2n(&v).ok_or_else(|| invarg("\"table\" value is invalid\n", &v))?;
            if t < 256 {
                r.table = t as u8;
            } else {
                r.table = 0;
                attrs.push((RTA_TABLE, t.to_ne_bytes().to_vec()));
            }
            table_ok = true;
        } else if w == "dev" || w == "oif" {
            dev = Some(args.need()?);
        } else if matches(w, "pref") {
            let v = args.need()?;
            let p = match v.as_str() {
                "low" => 3,
                "medium" => 0,
                "high" => 1,
                _ => get_u32(&v)
                    .and_then(|p| u8::try_from(p).ok())
                    .ok_or_else(|| invarg("\"pref\" value is invalid\n", &v))?,
            };
            attrs.push((RTA_PREF, vec![p]));
        } else if w == "ttl-propagate" {
            let v = args.need()?;
            let t = if matches(&v, "enabled") {
                1
            } else if matches(&v, "disabled") {
                0
            } else {
                return Err(invarg("\"ttl-propagate\" value is invalid\n", &v));
            };
            attrs.push((RTA_TTL_PROPAGATE, vec![t]));
        } else {
            let mut v = w.to_string();
            if v == "to" {
                v = args.need()?;
            }
            let first = v.as_bytes().first().copied().unwrap_or(b'0');
            if !first.is_ascii_digit() {
                if let Some(t) = rtntype_a2n(&v) {
                    r.ty = t;
                    type_ok = true;
                    v = args.need()?;
                }
            }
            if matches(&v, "help") {
                return Err(usage());
            }
            if dst_ok {
                return Err(duparg2("to", &v));
            }
            let p = get_prefix(&v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            r.dst_len = p.bitlen.max(0) as u8;
            dst_ok = true;
            if p.bytelen != 0 {
                attrs.push((RTA_DST, p.bytes().to_vec()));
            }
        }
    }
    if !dst_ok {
        return Err(usage());
    }
    if let Some(d) = dev {
        let idx = ctx.index_of(&d);
        if idx == 0 {
            return Err(nodev(&d));
        }
        attrs.push((RTA_OIF, idx.to_ne_bytes().to_vec()));
    }
    if !metrics.is_empty() {
        let mut mx = Msg::new(0, 0, &[]);
        for (t, v) in &metrics {
            mx.attr(*t, v);
        }
        if mxlock != 0 {
            mx.u32(1, mxlock);
        }
        attrs.push((RTA_METRICS, mx.attrs_after(0).to_vec()));
    }
    if nhs_ok {
        let mut mp = Vec::new();
        while let Some(a) = args.next() {
            if a != "nexthop" {
                return Err(Fail::usage(format!(
                    "Error: \"nexthop\" or end of line is expected instead of \"{a}\"\n"
                )));
            }
            if args.is_empty() {
                return Err(Fail::usage(
                    "Error: unexpected end of line after \"nexthop\"\n",
                ));
            }
            let nh = parse_one_nh(ctx, &mut r, &mut args)?;
            mp.extend_from_slice(&nh);
            while mp.len() % 4 != 0 {
                mp.push(0);
            }
        }
        if !mp.is_empty() {
            attrs.push((RTA_MULTIPATH, mp));
        }
    }
    if r.family == AF_UNSPEC {
        r.family = AF_INET;
    }
    if !table_ok && matches!(r.ty, 2 | 3 | 10 | 4) {
        r.table = 255;
    }
    if !scope_ok {
        if r.family == AF_INET6 {
            r.scope = 0;
        } else if r.ty == 2 || r.ty == 10 {
            r.scope = 254;
        } else if r.ty == 3 || r.ty == 5 || r.ty == 4 {
            r.scope = 253;
        } else if r.ty == RTN_UNICAST || r.ty == 0 {
            if cmd == RTM_DELROUTE {
                r.scope = 255;
            } else if !gw_ok && !nhs_ok && nhid == 0 {
                r.scope = 253;
            }
        }
    }
    let _ = type_ok;
    let mut m = Msg::new(cmd, flags, &r.bytes());
    for (t, v) in &attrs {
        m.attr(*t, v);
    }
    ctx.nl.talk(m).map_err(|e| crate::err::kernel(&e))
}

/// `get_time_rtt`: milliseconds from `N`, `Ns`, `Nms` (and their long
/// forms); `raw` when no unit was given.
fn time_rtt(arg: &str) -> Option<(u32, bool)> {
    let split = arg
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'x' || c == 'X'))
        .unwrap_or(arg.len());
    let (num, unit) = arg.split_at(split);
    let t: f64 = if num.contains('.') {
        num.parse().ok()?
    } else {
        crate::util::parse_c_ulong(num).filter(|v| *v <= u32::MAX as u64)? as f64
    };
    if t < 0.0 {
        return None;
    }
    let (t, raw) = match unit.to_ascii_lowercase().as_str() {
        "" => (t, true),
        "s" | "sec" | "secs" => (t * 1000.0, false),
        "ms" | "msec" | "msecs" => (t, false),
        _ => return None,
    };
    let v = t as u32;
    Some((if (v as f64) < t { v + 1 } else { v }, raw))
}

/// RTAX_* for the metric keywords that take a number.
fn metric_attr(w: &str) -> Option<u16> {
    Some(match w {
        "mtu" => 2,
        "hoplimit" => 10,
        "advmss" => 8,
        "rtt" => 4,
        "rttvar" => 5,
        "rto_min" => 13,
        _ if matches(w, "reordering") => 9,
        _ if matches(w, "window") => 3,
        _ if matches(w, "cwnd") => 7,
        _ if matches(w, "initcwnd") => 11,
        _ if matches(w, "initrwnd") => 14,
        _ if matches(w, "ssthresh") => 6,
        _ if matches(w, "quickack") => 15,
        _ if matches(w, "fastopen_no_cookie") => 17,
        _ => return None,
    })
}
