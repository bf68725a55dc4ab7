// SPDX-License-Identifier: Apache-2.0
//! `ip rule` (iprule.c): list/flush with its filter, add/delete.

use netlink_packet_route::rule::{RuleHeader, RuleMessage};

use crate::attr::Tb;
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
const FRA_IIFNAME: u16 = 3;
const FRA_GOTO: u16 = 4;
const FRA_PRIORITY: u16 = 6;
const FRA_FWMARK: u16 = 10;
const FRA_FLOW: u16 = 11;
const FRA_SUPPRESS_IFGROUP: u16 = 13;
const FRA_SUPPRESS_PREFIXLEN: u16 = 14;
const FRA_TABLE: u16 = 15;
const FRA_FWMASK: u16 = 16;
const FRA_OIFNAME: u16 = 17;
const FRA_L3MDEV: u16 = 19;
const FRA_UID_RANGE: u16 = 20;
const FRA_PROTOCOL: u16 = 21;
const FRA_IP_PROTO: u16 = 22;
const FRA_SPORT_RANGE: u16 = 23;
const FRA_DPORT_RANGE: u16 = 24;
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
type Frh<'a> = (u8, u8, u8, u8, u8, u8, u32, Tb<'a>);

/// The fib_rule_hdr through netlink-packet-route's `RuleHeader`.
fn frh(d: &[u8]) -> Option<Frh<'_>> {
    let h = RuleHeader::parse(d).ok()?;
    Some((
        h.family.into(),
        h.dst_len,
        h.src_len,
        h.tos,
        h.table,
        h.action.into(),
        h.flags.bits(),
        Tb::parse(d.get(12..)?),
    ))
}

fn passes(f: &Filter, d: &[u8]) -> bool {
    let Some((family, dst_len, src_len, tos, table, _action, flags, tb)) = frh(d) else {
        return false;
    };
    let _ = family;
    if let Some(p) = f.pref {
        if tb.u32(FRA_PRIORITY).unwrap_or(0) != p {
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
        if tb.u32(FRA_FWMARK).unwrap_or(0) != m {
            return false;
        }
    }
    if let Some(m) = f.fwmask {
        if tb.u32(FRA_FWMASK).unwrap_or(0) != m {
            return false;
        }
    }
    if let Some(i) = &f.iif {
        if tb.str(FRA_IIFNAME) != Some(i.as_str()) {
            return false;
        }
    }
    if let Some(o) = &f.oif {
        if tb.str(FRA_OIFNAME) != Some(o.as_str()) {
            return false;
        }
    }
    if f.tb != 0 && tb.u32(FRA_TABLE).unwrap_or(table as u32) != f.tb {
        return false;
    }
    for (p, attr, len) in [(&f.src, FRA_SRC, src_len), (&f.dst, FRA_DST, dst_len)] {
        if p.family != 0 || p.len_given {
            if len as i32 != p.bitlen {
                return false;
            }
            if let Some(v) = tb.get(attr) {
                if !addr_match(v, p.bytes(), p.bitlen) {
                    return false;
                }
            } else if p.bitlen != 0 {
                return false;
            }
        }
    }
    if let Some(pr) = f.protocol {
        if tb.u8(FRA_PROTOCOL).unwrap_or(0) != pr {
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
            let tb = Tb::parse(d.get(12..).unwrap_or(&[]));
            if tb.u32(FRA_PRIORITY).unwrap_or(0) == 0 {
                continue;
            }
            let mut m = Msg::new(RTM_DELRULE, 0, &d[..12]);
            m.raw(&d[12..]);
            ctx.nl.talk(m).map_err(|e| crate::err::kernel(&e))?;
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
    o.u(
        Some("priority"),
        "%u:\t",
        tb.u32(FRA_PRIORITY).unwrap_or(0) as u64,
    );
    if flags & FIB_RULE_INVERT != 0 {
        if o.json {
            o.j_null(Some("not"));
        } else {
            o.fp("not ");
        }
    }
    if let Some(s) = tb.get(FRA_SRC) {
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
    if let Some(s) = tb.get(FRA_DST) {
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
    if tb.has(FRA_FWMARK) || tb.has(FRA_FWMASK) {
        let mark = tb.u32(FRA_FWMARK).unwrap_or(0);
        o.s(Some("fwmark"), " fwmark %s", &hex(mark));
        if let Some(mask) = tb.u32(FRA_FWMASK).filter(|m| *m != u32::MAX) {
            o.s(Some("fwmask"), "/%s", &hex(mask));
        }
    }
    if let Some(i) = tb.str(FRA_IIFNAME) {
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
    if let Some(i) = tb.str(FRA_OIFNAME) {
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
    if tb.u8(FRA_L3MDEV).unwrap_or(0) != 0 {
        if o.json {
            o.j_null(Some("l3mdev"));
        } else {
            o.fp(" lookup [l3mdev-table]");
        }
    }
    if let Some(r) = tb.get(FRA_UID_RANGE) {
        o.u(
            Some("uid_start"),
            " uidrange %u",
            crate::attr::u32_at(r, 0) as u64,
        );
        o.u(Some("uid_end"), "-%u", crate::attr::u32_at(r, 4) as u64);
    }
    if let Some(p) = tb.u8(FRA_IP_PROTO) {
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
    for (attr, key) in [(FRA_SPORT_RANGE, "sport"), (FRA_DPORT_RANGE, "dport")] {
        if let Some(r) = tb.get(attr) {
            let (s, e) = (crate::attr::u16_at(r, 0), crate::attr::u16_at(r, 2));
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
    let table = tb.u32(FRA_TABLE).unwrap_or(table as u32);
    if table != 0 {
        o.s(Some("table"), " lookup %s", &table_n2a(table));
        if let Some(pl) = tb.u32(FRA_SUPPRESS_PREFIXLEN) {
            if pl as i32 != -1 {
                o.i(
                    Some("suppress_prefixlen"),
                    " suppress_prefixlength %d",
                    pl as i32 as i64,
                );
            }
        }
        if let Some(g) = tb.u32(FRA_SUPPRESS_IFGROUP) {
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
    if let Some(fl) = tb.u32(FRA_FLOW) {
        let (from, to) = (fl >> 16, fl & 0xffff);
        if from != 0 {
            o.s(Some("flow_from"), " realms %s/", &from.to_string());
        } else {
            o.fp(" realms ");
        }
        o.s(Some("flow_to"), "%s", &to.to_string());
    }
    match action {
        10 => {
            if let Some(g) = tb.get(RTA_GATEWAY) {
                o.s(Some("nat_gateway"), " map-to %s", &fmt_addr(family, g));
            } else if o.json {
                o.j_null(Some("masquerade"));
            } else {
                o.fp(" masquerade");
            }
        }
        2 => {
            match tb.u32(FRA_GOTO) {
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
    if let Some(p) = tb.u8(FRA_PROTOCOL) {
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
    let mut m = Msg::new(0, 0, &[]);
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
                m.attr(FRA_SRC, p.bytes());
            } else {
                dst_len = p.bitlen.max(0) as u8;
                m.attr(FRA_DST, p.bytes());
            }
        } else if matches(w, "preference") || matches(w, "order") || matches(w, "priority") {
            let v = args.need()?;
            let p = get_u32(&v).ok_or_else(|| invarg("preference value is invalid\n", &v))?;
            m.u32(FRA_PRIORITY, p);
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
            m.u32(FRA_FWMARK, mark);
            if let Some(k) = mask {
                let mask = get_u32(k).ok_or_else(|| invarg("fwmask value is invalid\n", k))?;
                m.u32(FRA_FWMASK, mask);
            }
        } else if matches(w, "realms") {
            let v = args.need()?;
            let r = get_u32(&v).ok_or_else(|| invarg("invalid realms\n", &v))?;
            m.u32(FRA_FLOW, r);
        } else if matches(w, "protocol") {
            let v = args.need()?;
            let p = proto_a2n(&v).ok_or_else(|| invarg("\"protocol\" value is invalid\n", &v))?;
            m.u8(FRA_PROTOCOL, p);
        } else if matches(w, "table") || w == "lookup" {
            let v = args.need()?;
            tid = table_a2n(&v).ok_or_else(|| invarg("invalid table ID\n", &v))?;
            if tid < 256 {
                table = tid as u8;
            } else {
                table = 0;
                m.u32(FRA_TABLE, tid);
            }
            table_ok = true;
        } else if matches(w, "suppress_prefixlength") || w == "sup_pl" {
            let v = args.need()?;
            let pl = v
                .parse::<i32>()
                .ok()
                .filter(|p| *p >= 0)
                .ok_or_else(|| invarg("suppress_prefixlength value is invalid\n", &v))?;
            m.u32(FRA_SUPPRESS_PREFIXLEN, pl as u32);
        } else if matches(w, "suppress_ifgroup") || w == "sup_group" {
            let v = args.need()?;
            let g = if v == "default" { Some(0) } else { get_u32(&v) };
            let g = g.ok_or_else(|| invarg("Invalid \"suppress_ifgroup\" value\n", &v))?;
            m.u32(FRA_SUPPRESS_IFGROUP, g);
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
            m.str(if w == "oif" { FRA_OIFNAME } else { FRA_IIFNAME }, &v);
        } else if w == "l3mdev" {
            m.u8(FRA_L3MDEV, 1);
            table_ok = true;
            l3mdev = true;
        } else if w == "uidrange" {
            let v = args.need()?;
            let r = v
                .split_once('-')
                .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
            let (s, e) = r.ok_or_else(|| invarg("invalid UID range\n", &v))?;
            let mut b = s.to_ne_bytes().to_vec();
            b.extend_from_slice(&e.to_ne_bytes());
            m.attr(FRA_UID_RANGE, &b);
        } else if w == "nat" || matches(w, "map-to") {
            let v = args.need()?;
            warn.push_str("Warning: route NAT is deprecated\n");
            let p = get_addr(&v, AF_INET).map_err(|_| {
                Fail::new(
                    1,
                    format!("Error: an IP address is expected rather than \"{v}\"\n"),
                )
            })?;
            m.attr(RTA_GATEWAY, p.bytes());
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
            let mut b = s.to_ne_bytes().to_vec();
            b.extend_from_slice(&e.to_ne_bytes());
            m.attr(
                if w == "sport" {
                    FRA_SPORT_RANGE
                } else {
                    FRA_DPORT_RANGE
                },
                &b,
            );
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
            m.u8(FRA_IP_PROTO, p);
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
                m.u32(FRA_GOTO, g);
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
    let mut req = Msg::new(cmd, msg_flags, &fixed);
    req.raw(m.attrs_after(0));
    if !warn.is_empty() {
        eprint!("{warn}");
    }
    ctx.nl.talk(req).map_err(|e| crate::err::kernel(&e))
}
