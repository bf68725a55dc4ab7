// SPDX-License-Identifier: Apache-2.0
//! `ip rule` (iprule.c): list/flush with its filter, add/delete.

use std::net::IpAddr;

use netlink_packet_core::{DefaultNla, Nla, NlasIterator, Parseable};
use netlink_packet_route::route::RouteRealm;
use netlink_packet_route::rule::{
    RuleAttribute, RuleHeader, RuleMessage, RulePortRange, RuleUidRange,
};

use crate::cli::{matches, Args, AF_INET, AF_UNSPEC};
use crate::ctx::{Ctx, RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE};
use crate::err::{invarg, Fail, Res};
use crate::nl::{Msg, NLM_F_CREATE, NLM_F_EXCL};
use crate::out::Color;
use crate::util::{
    addr_match, af_bit_len, fmt_addr, get_addr, get_prefix, get_u32, proto_a2n, proto_n2a,
    rtntype_a2n, rtntype_n2a, table_a2n, table_n2a, Prefix,
};

const FRA_DST: u16 = 1;
const FRA_SRC: u16 = 2;
const RTA_GATEWAY: u16 = 5;

const FIB_RULE_INVERT: u32 = 2;
const FIB_RULE_UNRESOLVED: u32 = 4;
const FIB_RULE_IIF_DETACHED: u32 = 8;
const FIB_RULE_OIF_DETACHED: u32 = 16;

pub fn run(ctx: &mut Ctx, mut args: Args) -> Res {
    let Some(cmd) = args.next() else {
        return list(ctx, args, false);
    };
    let c = cmd.as_str();
    if matches(c, "list") || matches(c, "lst") || matches(c, "show") {
        list(ctx, args, false)
    } else if matches(c, "add") {
        modify(ctx, RTM_NEWRULE, args)
    } else if matches(c, "delete") {
        modify(ctx, RTM_DELRULE, args)
    } else if matches(c, "flush") {
        list(ctx, args, true)
    } else if matches(c, "help") {
        Err(Fail::usage(crate::help::RULE))
    } else {
        Err(Fail::usage(format!(
            "Command \"{c}\" is unknown, try \"ip rule help\".\n"
        )))
    }
}

#[derive(Default)]
struct Filter {
    pref: Option<u32>,
    not: bool,
    tos: Option<u8>,
    fwmark: Option<u32>,
    fwmask: Option<u32>,
    iif: Option<String>,
    oif: Option<String>,
    tb: u32,
    src: Prefix,
    dst: Prefix,
    protocol: Option<u8>,
}

/// fib_rule_hdr fields: family, dst_len, src_len, tos, table, action, flags, attributes.
type Frh = (u8, u8, u8, u8, u8, u8, u32, Fra);

/// The fib_rule_hdr through netlink-packet-route's `RuleHeader`, and the
/// attributes through its typed `RuleAttribute`s.
fn frh(d: &[u8]) -> Option<Frh> {
    let h = RuleHeader::parse(d).ok()?;
    Some((
        h.family.into(),
        h.dst_len,
        h.src_len,
        h.tos,
        h.table,
        h.action.into(),
        h.flags.bits(),
        fra(d.get(12..)?),
    ))
}

/// What `print_rule` and the filter read (`tb[FRA_*]`: the last of each
/// kind wins). The legacy NAT gateway (type 5, `RTA_GATEWAY` in iproute2's
/// `print_rule`) has no typed form: its bytes come from the crate's
/// `DefaultNla`.
#[derive(Default)]
struct Fra {
    priority: Option<u32>,
    src: Option<Vec<u8>>,
    dst: Option<Vec<u8>>,
    fwmark: Option<u32>,
    fwmask: Option<u32>,
    iifname: Option<String>,
    oifname: Option<String>,
    table: Option<u32>,
    l3mdev: bool,
    uid_range: Option<(u32, u32)>,
    ip_proto: Option<u8>,
    sport: Option<(u16, u16)>,
    dport: Option<(u16, u16)>,
    suppress_prefixlen: Option<u32>,
    suppress_ifgroup: Option<u32>,
    realm: Option<(u32, u32)>,
    nat_gateway: Option<Vec<u8>>,
    goto: Option<u32>,
    protocol: Option<u8>,
}

fn fra(attrs: &[u8]) -> Fra {
    let ip = |a: IpAddr| match a {
        IpAddr::V4(v) => v.octets().to_vec(),
        IpAddr::V6(v) => v.octets().to_vec(),
    };
    let mut f = Fra::default();
    for nla in NlasIterator::new(attrs) {
        let Ok(nla) = nla else { break };
        match RuleAttribute::parse(&nla) {
            Ok(RuleAttribute::Priority(v)) => f.priority = Some(v),
            Ok(RuleAttribute::Source(v)) => f.src = Some(ip(v)),
            Ok(RuleAttribute::Destination(v)) => f.dst = Some(ip(v)),
            Ok(RuleAttribute::FwMark(v)) => f.fwmark = Some(v),
            Ok(RuleAttribute::FwMask(v)) => f.fwmask = Some(v),
            Ok(RuleAttribute::Iifname(v)) => f.iifname = Some(v),
            Ok(RuleAttribute::Oifname(v)) => f.oifname = Some(v),
            Ok(RuleAttribute::Table(v)) => f.table = Some(v),
            Ok(RuleAttribute::L3MDev(v)) => f.l3mdev = v,
            Ok(RuleAttribute::UidRange(r)) => f.uid_range = Some((r.start, r.end)),
            Ok(RuleAttribute::IpProtocol(p)) => f.ip_proto = Some(p.into()),
            Ok(RuleAttribute::SourcePortRange(r)) => f.sport = Some((r.start, r.end)),
            Ok(RuleAttribute::DestinationPortRange(r)) => f.dport = Some((r.start, r.end)),
            Ok(RuleAttribute::SuppressPrefixLen(v)) => f.suppress_prefixlen = Some(v),
            Ok(RuleAttribute::SuppressIfGroup(v)) => f.suppress_ifgroup = Some(v),
            Ok(RuleAttribute::Realm(r)) => f.realm = Some((r.source as u32, r.destination as u32)),
            Ok(RuleAttribute::Goto(v)) => f.goto = Some(v),
            Ok(RuleAttribute::Protocol(p)) => f.protocol = Some(p.into()),
            Ok(RuleAttribute::Other(o)) if o.kind() == RTA_GATEWAY => {
                let mut v = vec![0u8; o.value_len()];
                o.emit_value(&mut v);
                f.nat_gateway = Some(v);
            }
            _ => {}
        }
    }
    f
}

fn passes(f: &Filter, d: &[u8]) -> bool {
    let Some((family, dst_len, src_len, tos, table, _action, flags, tb)) = frh(d) else {
        return false;
    };
    let _ = family;
    if let Some(p) = f.pref {
        if tb.priority.unwrap_or(0) != p {
            return false;
        }
    }
    if f.not && flags & FIB_RULE_INVERT == 0 {
        return false;
    }
    if let Some(t) = f.tos {
        if t != tos {
            return false;
        }
    }
    if let Some(m) = f.fwmark {
        if tb.fwmark.unwrap_or(0) != m {
            return false;
        }
    }
    if let Some(m) = f.fwmask {
        if tb.fwmask.unwrap_or(0) != m {
            return false;
        }
    }
    if let Some(i) = &f.iif {
        if tb.iifname.as_deref() != Some(i.as_str()) {
            return false;
        }
    }
    if let Some(o) = &f.oif {
        if tb.oifname.as_deref() != Some(o.as_str()) {
            return false;
        }
    }
    if f.tb != 0 && tb.table.unwrap_or(table as u32) != f.tb {
        return false;
    }
    for (p, attr, len) in [(&f.src, &tb.src, src_len), (&f.dst, &tb.dst, dst_len)] {
        if p.family != 0 || p.len_given {
            if len as i32 != p.bitlen {
                return false;
            }
            if let Some(v) = attr {
                if !addr_match(v, p.bytes(), p.bitlen) {
                    return false;
                }
            } else if p.bitlen != 0 {
                return false;
            }
        }
    }
    if let Some(pr) = f.protocol {
        if tb.protocol.unwrap_or(0) != pr {
            return false;
        }
    }
    true
}

fn list(ctx: &mut Ctx, mut args: Args, flush: bool) -> Res {
    let af = if ctx.o.family == AF_UNSPEC {
        AF_INET
    } else {
        ctx.o.family
    };
    let mut f = Filter::default();
    while let Some(a) = args.next() {
        let w = a.as_str();
        if matches(w, "preference") || matches(w, "order") || matches(w, "priority") {
            let v = args.need()?;
            f.pref = Some(get_u32(&v).ok_or_else(|| invarg("preference value is invalid\n", &v))?);
        } else if w == "not" {
            f.not = true;
        } else if w == "tos" || w == "dsfield" {
            let v = args.need()?;
            f.tos = Some(
                get_u32(&v)
                    .and_then(|t| u8::try_from(t).ok())
                    .ok_or_else(|| invarg("TOS value is invalid\n", &v))?,
            );
        } else if w == "fwmark" {
            let v = args.need()?;
            let (m, k) = match v.split_once('/') {
                Some((m, k)) => (m, Some(k)),
                None => (v.as_str(), None),
            };
            f.fwmark = Some(get_u32(m).ok_or_else(|| invarg("fwmark value is invalid\n", m))?);
            if let Some(k) = k {
                f.fwmask = Some(get_u32(k).ok_or_else(|| invarg("fwmask value is invalid\n", k))?);
            }
        } else if w == "dev" || w == "iif" {
            f.iif = Some(args.need()?);
        } else if w == "oif" {
            f.oif = Some(args.need()?);
        } else if matches(w, "lookup") || matches(w, "table") {
            let v = args.need()?;
            f.tb = table_a2n(&v).ok_or_else(|| invarg("table id value is invalid\n", &v))?;
        } else if matches(w, "from") || matches(w, "src") {
            let v = args.need()?;
            f.src = get_prefix(&v, af)?;
        } else if matches(w, "protocol") {
            let v = args.need()?;
            f.protocol = match proto_a2n(&v) {
                Some(p) => Some(p),
                None if v == "all" => None,
                None => return Err(invarg("invalid \"protocol\"\n", &v)),
            };
        } else {
            let v = if matches(w, "dst") || matches(w, "to") {
                args.need()?
            } else {
                w.to_string()
            };
            f.dst = get_prefix(&v, af)?;
        }
    }
    let mut req = RuleMessage::default();
    req.header.family = af.into();
    let rules = ctx
        .nl
        .dump_all(Msg::typed(RTM_GETRULE, 0, &req))
        .map_err(|e| Fail::new(1, format!("{}Dump terminated\n", e.describe())))?;
    if flush {
        for (ty, d) in &rules {
            if *ty != RTM_NEWRULE || !passes(&f, d) {
                continue;
            }
            let Some((.., tb)) = frh(d) else { continue };
            if tb.priority.unwrap_or(0) == 0 {
                continue;
            }
            // the dumped rule, re-emitted by the crate as the delete
            let Ok(req) = RuleMessage::parse(d.as_slice()) else {
                continue;
            };
            ctx.nl
                .talk(Msg::typed(RTM_DELRULE, 0, &req))
                .map_err(|e| crate::err::kernel(&e))?;
        }
        return Ok(());
    }
    ctx.out.start();
    for (ty, d) in &rules {
        if passes(&f, d) {
            print_rule(ctx, *ty, d);
        }
    }
    ctx.out.finish();
    ctx.out.flush();
    Ok(())
}

fn print_rule(ctx: &mut Ctx, ty: u16, d: &[u8]) {
    let Some((family, dst_len, src_len, tos, table, action, flags, tb)) = frh(d) else {
        return;
    };
    let host_len = af_bit_len(family);
    let o = &mut ctx.out;
    o.obj_open(None);
    if ty == RTM_DELRULE {
        o.b(Some("deleted"), "Deleted ", true);
    }
    o.u(Some("priority"), "%u:\t", tb.priority.unwrap_or(0) as u64);
    if flags & FIB_RULE_INVERT != 0 {
        if o.json {
            o.j_null(Some("not"));
        } else {
            o.fp("not ");
        }
    }
    if let Some(s) = &tb.src {
        o.fp("from ");
        o.cs(
            Some("src"),
            Color::family(family),
            "%s",
            &fmt_addr(family, s),
        );
        if src_len as i32 != host_len {
            o.u(Some("srclen"), "/%u", src_len as u64);
        }
    } else if src_len != 0 {
        o.s(Some("src"), "from %s", "0");
        o.u(Some("srclen"), "/%u", src_len as u64);
    } else {
        o.s(Some("src"), "from %s", "all");
    }
    if let Some(s) = &tb.dst {
        o.fp(" to ");
        o.cs(
            Some("dst"),
            Color::family(family),
            "%s",
            &fmt_addr(family, s),
        );
        if dst_len as i32 != host_len {
            o.u(Some("dstlen"), "/%u", dst_len as u64);
        }
    } else if dst_len != 0 {
        o.s(Some("dst"), " to %s", "0");
        o.u(Some("dstlen"), "/%u", dst_len as u64);
    }
    if tos != 0 {
        o.s(Some("tos"), " tos %s", &format!("0x{tos:02x}"));
    }
    let hex = |v: u32| {
        if v == 0 {
            "0".to_string()
        } else {
            format!("{v:#x}")
        }
    };
    if tb.fwmark.is_some() || tb.fwmask.is_some() {
        let mark = tb.fwmark.unwrap_or(0);
        o.s(Some("fwmark"), " fwmark %s", &hex(mark));
        if let Some(mask) = tb.fwmask.filter(|m| *m != u32::MAX) {
            o.s(Some("fwmask"), "/%s", &hex(mask));
        }
    }
    if let Some(i) = tb.iifname.as_deref() {
        o.fp(" iif ");
        o.cs(Some("iif"), Color::Ifname, "%s", i);
        if flags & FIB_RULE_IIF_DETACHED != 0 {
            if o.json {
                o.j_null(Some("iif_detached"));
            } else {
                o.fp(" [detached]");
            }
        }
    }
    if let Some(i) = tb.oifname.as_deref() {
        o.fp(" oif ");
        o.cs(Some("oif"), Color::Ifname, "%s", i);
        if flags & FIB_RULE_OIF_DETACHED != 0 {
            if o.json {
                o.j_null(Some("oif_detached"));
            } else {
                o.fp(" [detached]");
            }
        }
    }
    if tb.l3mdev {
        if o.json {
            o.j_null(Some("l3mdev"));
        } else {
            o.fp(" lookup [l3mdev-table]");
        }
    }
    if let Some((start, end)) = tb.uid_range {
        o.u(Some("uid_start"), " uidrange %u", start as u64);
        o.u(Some("uid_end"), "-%u", end as u64);
    }
    if let Some(p) = tb.ip_proto {
        let s = match p {
            6 => "tcp".to_string(),
            17 => "udp".to_string(),
            1 => "icmp".to_string(),
            58 => "ipv6-icmp".to_string(),
            132 => "sctp".to_string(),
            n => format!("ipproto-{n}"),
        };
        o.s(Some("ipproto"), " ipproto %s", &s);
    }
    for (range, key) in [(tb.sport, "sport"), (tb.dport, "dport")] {
        if let Some((s, e)) = range {
            if s == e {
                o.u(Some(key), &format!(" {key} %u"), s as u64);
            } else {
                o.u(
                    Some(&format!("{key}_start")),
                    &format!(" {key} %u"),
                    s as u64,
                );
                o.u(Some(&format!("{key}_end")), "-%u", e as u64);
            }
        }
    }
    let table = tb.table.unwrap_or(table as u32);
    if table != 0 {
        o.s(Some("table"), " lookup %s", &table_n2a(table));
        if let Some(pl) = tb.suppress_prefixlen {
            if pl as i32 != -1 {
                o.i(
                    Some("suppress_prefixlen"),
                    " suppress_prefixlength %d",
                    pl as i32 as i64,
                );
            }
        }
        if let Some(g) = tb.suppress_ifgroup {
            if g as i32 != -1 {
                let gs = if g == 0 {
                    "default".to_string()
                } else {
                    g.to_string()
                };
                o.s(Some("suppress_ifgroup"), " suppress_ifgroup %s", &gs);
            }
        }
    }
    if let Some((from, to)) = tb.realm {
        if from != 0 {
            o.s(Some("flow_from"), " realms %s/", &from.to_string());
        } else {
            o.fp(" realms ");
        }
        o.s(Some("flow_to"), "%s", &to.to_string());
    }
    match action {
        10 => {
            if let Some(g) = &tb.nat_gateway {
                o.s(Some("nat_gateway"), " map-to %s", &fmt_addr(family, g));
            } else if o.json {
                o.j_null(Some("masquerade"));
            } else {
                o.fp(" masquerade");
            }
        }
        2 => {
            match tb.goto {
                Some(g) => o.u(Some("goto"), " goto %u", g as u64),
                None => o.s(Some("goto"), " goto %s", "none"),
            }
            if flags & FIB_RULE_UNRESOLVED != 0 {
                if o.json {
                    o.j_null(Some("unresolved"));
                } else {
                    o.fp(" [unresolved]");
                }
            }
        }
        3 => {
            if o.json {
                o.j_null(Some("nop"));
            } else {
                o.fp(" nop");
            }
        }
        1 => {}
        a => o.s(Some("action"), " %s", &rtntype_n2a(a)),
    }
    if let Some(p) = tb.protocol {
        if (p != 0 && p != 2) || ctx.o.details > 0 {
            ctx.out.s(Some("protocol"), " proto %s", &proto_n2a(p));
        }
    }
    ctx.out.fp("\n");
    ctx.out.obj_close();
}

fn modify(ctx: &mut Ctx, cmd: u16, mut args: Args) -> Res {
    let mut family = ctx.o.family;
    let (mut dst_len, mut src_len, mut tos, mut table, mut action, mut flags) =
        (0u8, 0u8, 0u8, 0u8, 0u8, 0u32);
    // the request's typed attributes, in command-line order
    let mut m: Vec<RuleAttribute> = Vec::new();
    let mut table_ok = false;
    let mut tid = 0u32;
    let mut l3mdev = false;
    let mut msg_flags = 0;
    if cmd == RTM_NEWRULE {
        if args.is_empty() {
            return Err(Fail::new(1, "\"ip rule add\" requires arguments.\n"));
        }
        msg_flags = NLM_F_CREATE | NLM_F_EXCL;
        action = 1;
    }
    if cmd == RTM_DELRULE && args.is_empty() {
        return Err(Fail::new(1, "\"ip rule del\" requires arguments.\n"));
    }
    let mut warn = String::new();
    while let Some(a) = args.next() {
        let w = a.as_str();
        if w == "not" {
            flags |= FIB_RULE_INVERT;
        } else if w == "from" || w == "to" {
            let v = args.need()?;
            let p = get_prefix(&v, family)?;
            if family == AF_UNSPEC {
                family = p.family;
            }
            if w == "from" {
                src_len = p.bitlen.max(0) as u8;
                m.push(addr_attr(FRA_SRC, p.bytes(), RuleAttribute::Source));
            } else {
                dst_len = p.bitlen.max(0) as u8;
                m.push(addr_attr(FRA_DST, p.bytes(), RuleAttribute::Destination));
            }
        } else if matches(w, "preference") || matches(w, "order") || matches(w, "priority") {
            let v = args.need()?;
            let p = get_u32(&v).ok_or_else(|| invarg("preference value is invalid\n", &v))?;
            m.push(RuleAttribute::Priority(p));
        } else if w == "tos" || matches(w, "dsfield") {
            let v = args.need()?;
            tos = get_u32(&v)
                .and_then(|t| u8::try_from(t).ok())
                .ok_or_else(|| invarg("TOS value is invalid\n", &v))?;
        } else if w == "fwmark" {
            let v = args.need()?;
            let (mk, mask) = match v.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (v.as_str(), None),
            };
            let mark = get_u32(mk).ok_or_else(|| invarg("fwmark value is invalid\n", mk))?;
            m.push(RuleAttribute::FwMark(mark));
            if let Some(k) = mask {
                let mask = get_u32(k).ok_or_else(|| invarg("fwmask value is invalid\n", k))?;
                m.push(RuleAttribute::FwMask(mask));
            }
        } else if matches(w, "realms") {
            let v = args.need()?;
            let r = crate::util::realms(&v).ok_or_else(|| invarg("invalid realms\n", &v))?;
            m.push(RuleAttribute::Realm(RouteRealm {
                source: (r >> 16) as u16,
                destination: r as u16,
            }));
        } else if matches(w, "protocol") {
            let v = args.need()?;
            let p = proto_a2n(&v).ok_or_else(|| invarg("\"protocol\" value is invalid\n", &v))?;
            m.push(RuleAttribute::Protocol(p.into()));
        } else if matches(w, "table") || w == "lookup" {
            let v = args.need()?;
            tid = table_a2n(&v).ok_or_else(|| invarg("invalid table ID\n", &v))?;
            if tid < 256 {
                table = tid as u8;
            } else {
                table = 0;
                m.push(RuleAttribute::Table(tid));
            }
            table_ok = true;
        } else if matches(w, "suppress_prefixlength") || w == "sup_pl" {
            let v = args.need()?;
            let pl = v
                .parse::<i32>()
                .ok()
                .filter(|p| *p >= 0)
                .ok_or_else(|| invarg("suppress_prefixlength value is invalid\n", &v))?;
            m.push(RuleAttribute::SuppressPrefixLen(pl as u32));
        } else if matches(w, "suppress_ifgroup") || w == "sup_group" {
            let v = args.need()?;
            let g = if v == "default" { Some(0) } else { get_u32(&v) };
            let g = g.ok_or_else(|| invarg("Invalid \"suppress_ifgroup\" value\n", &v))?;
            m.push(RuleAttribute::SuppressIfGroup(g));
        } else if w == "dev" || w == "iif" || w == "oif" {
            let v = args.need()?;
            if v.is_empty() || v.len() >= 16 || v.contains('/') || v.contains(' ') {
                return Err(invarg(
                    if w == "oif" {
                        "\"oif\" not a valid ifname"
                    } else {
                        "\"iif\"/\"dev\" not a valid ifname"
                    },
                    &v,
                ));
            }
            m.push(if w == "oif" {
                RuleAttribute::Oifname(v)
            } else {
                RuleAttribute::Iifname(v)
            });
        } else if w == "l3mdev" {
            m.push(RuleAttribute::L3MDev(true));
            table_ok = true;
            l3mdev = true;
        } else if w == "uidrange" {
            let v = args.need()?;
            let r = v
                .split_once('-')
                .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
            let (s, e) = r.ok_or_else(|| invarg("invalid UID range\n", &v))?;
            m.push(RuleAttribute::UidRange(RuleUidRange { start: s, end: e }));
        } else if w == "nat" || matches(w, "map-to") {
            let v = args.need()?;
            warn.push_str("Warning: route NAT is deprecated\n");
            let p = get_addr(&v, AF_INET).map_err(|_| {
                Fail::new(
                    1,
                    format!("Error: an IP address is expected rather than \"{v}\"\n"),
                )
            })?;
            // legacy NAT: no typed form in the crate
            m.push(RuleAttribute::Other(DefaultNla::new(
                RTA_GATEWAY,
                p.bytes().to_vec(),
            )));
            action = 10;
        } else if w == "sport" || w == "dport" {
            let v = args.need()?;
            let (s, e) = match v.split_once('-') {
                Some((a, b)) => (a.parse::<u16>().ok(), b.parse::<u16>().ok()),
                None => (v.parse::<u16>().ok(), v.parse::<u16>().ok()),
            };
            let (Some(s), Some(e)) = (s, e) else {
                return Err(invarg(
                    if w == "sport" {
                        "invalid port range\n"
                    } else {
                        "invalid dport range\n"
                    },
                    &v,
                ));
            };
            let r = RulePortRange { start: s, end: e };
            m.push(if w == "sport" {
                RuleAttribute::SourcePortRange(r)
            } else {
                RuleAttribute::DestinationPortRange(r)
            });
        } else if w == "ipproto" {
            let v = args.need()?;
            let p = match v.as_str() {
                "tcp" => 6,
                "udp" => 17,
                "icmp" => 1,
                "sctp" => 132,
                _ => get_u32(&v)
                    .and_then(|p| u8::try_from(p).ok())
                    .ok_or_else(|| invarg("Invalid \"ipproto\" value\n", &v))?,
            };
            m.push(RuleAttribute::IpProtocol(p.into()));
        } else {
            let v = if w == "type" {
                args.need()?
            } else {
                w.to_string()
            };
            if matches(&v, "help") {
                return Err(Fail::usage(crate::help::RULE));
            } else if matches(&v, "goto") {
                let t = args.need()?;
                let g = get_u32(&t).ok_or_else(|| invarg("invalid target\n", &t))?;
                m.push(RuleAttribute::Goto(g));
                action = 2;
            } else if matches(&v, "nop") {
                action = 3;
            } else {
                action = match v.as_str() {
                    "blackhole" => 6,
                    "unreachable" => 7,
                    "prohibit" => 8,
                    _ => rtntype_a2n(&v).ok_or_else(|| invarg("Failed to parse rule type", &v))?,
                };
            }
            table_ok = true;
        }
    }
    if l3mdev && tid != 0 {
        return Err(Fail::new(
            1,
            "table can not be specified for l3mdev rules\n",
        ));
    }
    if family == AF_UNSPEC {
        family = AF_INET;
    }
    if !table_ok && cmd == RTM_NEWRULE {
        table = 254;
    }
    let hdr = [family, dst_len, src_len, tos, table, 0, 0, action];
    let mut fixed = hdr.to_vec();
    fixed.extend_from_slice(&flags.to_ne_bytes());
    let mut msg = RuleMessage::default();
    msg.header = RuleHeader::parse(&fixed).map_err(|_| Fail::new(1, "bad fib_rule_hdr\n"))?;
    msg.attributes = m;
    let req = Msg::typed(cmd, msg_flags, &msg);
    if !warn.is_empty() {
        eprint!("{warn}");
    }
    ctx.nl.talk(req).map_err(|e| crate::err::kernel(&e))
}

/// An address attribute as the crate's typed form (4 or 16 bytes), else as
/// its `DefaultNla` (a prefix of another family).
fn addr_attr(ty: u16, b: &[u8], typed: fn(IpAddr) -> RuleAttribute) -> RuleAttribute {
    match b.len() {
        4 => <[u8; 4]>::try_from(b).map(|v| typed(IpAddr::from(v))).ok(),
        16 => <[u8; 16]>::try_from(b).map(|v| typed(IpAddr::from(v))).ok(),
        _ => None,
    }
    .unwrap_or_else(|| RuleAttribute::Other(DefaultNla::new(ty, b.to_vec())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::test_nla as nla;

    #[test]
    fn typed_decode_keeps_what_print_rule_needs() {
        let mut a = nla(6, &103u32.to_ne_bytes());
        a.extend(nla(FRA_SRC, &[1, 2, 3, 4]));
        a.extend(nla(11, &((3u32 << 16) | 4).to_ne_bytes()));
        a.extend(nla(23, &[0xe8, 0x03, 0xd0, 0x07]));
        a.extend(nla(22, &[6]));
        a.extend(nla(RTA_GATEWAY, &[10, 0, 0, 9]));
        a.extend(nla(6, &104u32.to_ne_bytes()));
        let f = fra(&a);
        assert_eq!(f.priority, Some(104), "the last one wins, as in tb[]");
        assert_eq!(f.src.as_deref(), Some(&[1u8, 2, 3, 4][..]));
        assert_eq!(f.realm, Some((3, 4)));
        assert_eq!(f.sport, Some((1000, 2000)));
        assert_eq!(f.ip_proto, Some(6));
        assert_eq!(f.nat_gateway.as_deref(), Some(&[10u8, 0, 0, 9][..]));
        assert!(f.dst.is_none() && f.table.is_none());
    }
}
