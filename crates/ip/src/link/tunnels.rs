// SPDX-License-Identifier: Apache-2.0
//! `-d` details of the UDP tunnel kinds (iplink_vxlan.c, iplink_geneve.c
//! `print_opt`).

use super::kinds::hex;
use crate::attr::Tb;
use crate::ctx::Ctx;
use crate::util::fmt_addr;

pub fn vxlan(ctx: &mut Ctx, tb: &Tb) {
    let o = &mut ctx.out;
    if tb.u8(25).unwrap_or(0) != 0 {
        o.b(Some("external"), "external ", true);
    }
    if tb.u8(30).unwrap_or(0) != 0 {
        o.b(Some("vnifilter"), "vnifilter", true);
    }
    if let Some(id) = tb.u32(1) {
        o.u(Some("id"), "id %u ", id as u64);
    }
    if let Some(g) = tb.get(2) {
        if g.len() == 4 && g != [0, 0, 0, 0] {
            let s = fmt_addr(2, g);
            if g[0] & 0xf0 == 0xe0 {
                o.s(Some("group"), "group %s ", &s);
            } else {
                o.s(Some("remote"), "remote %s ", &s);
            }
        }
    } else if let Some(g) = tb.get(16) {
        if g.len() == 16 && g.iter().any(|b| *b != 0) {
            let s = fmt_addr(10, g);
            if g[0] == 0xff {
                o.s(Some("group6"), "group %s ", &s);
            } else {
                o.s(Some("remote6"), "remote %s ", &s);
            }
        }
    }
    if let Some(l) = tb.get(4) {
        if l.len() == 4 && l != [0, 0, 0, 0] {
            o.s(Some("local"), "local %s ", &fmt_addr(2, l));
        }
    } else if let Some(l) = tb.get(17) {
        if l.len() == 16 && l.iter().any(|b| *b != 0) {
            o.s(Some("local6"), "local %s ", &fmt_addr(10, l));
        }
    }
    if let Some(link) = tb.u32(3) {
        if link != 0 {
            let n = ctx.name_of(link);
            ctx.out.s(Some("link"), "dev %s ", &n);
        }
    }
    let o = &mut ctx.out;
    if let Some(r) = tb.get(10) {
        if r.len() >= 4 {
            let lo = u16::from_be_bytes([r[0], r[1]]);
            let hi = u16::from_be_bytes([r[2], r[3]]);
            if o.json {
                o.obj_open(Some("port_range"));
                o.j_u(Some("low"), lo as u64);
                o.j_u(Some("high"), hi as u64);
                o.obj_close();
            } else {
                o.fp(&format!("srcport {lo} {hi} "));
            }
        }
    }
    if let Some(p) = tb.be16(15) {
        o.u(Some("port"), "dstport %u ", p as u64);
    }
    if let Some(l) = tb.u8(7) {
        o.j_bool(Some("learning"), l != 0);
        if l == 0 {
            o.fp("nolearning ");
        }
    }
    for (attr, key, txt) in [
        (11, "proxy", "proxy "),
        (12, "rsc", "rsc "),
        (13, "l2miss", "l2miss "),
        (14, "l3miss", "l3miss "),
    ] {
        if tb.u8(attr).unwrap_or(0) != 0 {
            o.b(Some(key), txt, true);
        }
    }
    let tos = tb.u8(6).unwrap_or(0);
    if tos != 0 {
        if o.json || tos != 1 {
            hex(ctx, "tos", "tos %#llx ", tos as u64);
        } else {
            ctx.out.fp("tos inherit ");
        }
    }
    let o = &mut ctx.out;
    if tb.u8(28).unwrap_or(0) != 0 {
        o.fp("ttl inherit ");
    } else if let Some(ttl) = tb.u8(5) {
        if o.json || ttl != 0 {
            o.u(Some("ttl"), "ttl %u ", ttl as u64);
        } else {
            o.fp("ttl auto ");
        }
    }
    if let Some(df) = tb.u8(29) {
        match df {
            0 => o.j_str(Some("df"), "unset"),
            1 => o.s(Some("df"), "df %s ", "set"),
            2 => o.s(Some("df"), "df %s ", "inherit"),
            _ => {}
        }
    }
    if let Some(label) = tb.get(26) {
        if label.len() >= 4 {
            let v = u32::from_be_bytes([label[0], label[1], label[2], label[3]]);
            if v != 0 {
                hex(ctx, "label", "flowlabel %#llx ", v as u64);
            }
        }
    }
    let o = &mut ctx.out;
    if let Some(age) = tb.u32(8) {
        if age == 0 {
            o.u(Some("ageing"), "ageing none ", 0);
        } else {
            o.u(Some("ageing"), "ageing %u ", age as u64);
        }
    }
    if let Some(m) = tb.u32(9) {
        if m != 0 {
            o.u(Some("limit"), "maxaddr %u ", m as u64);
        }
    }
    for (attr, key, word) in [
        (18, "udp_csum", "udpcsum "),
        (19, "udp_zero_csum6_tx", "udp6zerocsumtx "),
        (20, "udp_zero_csum6_rx", "udp6zerocsumrx "),
    ] {
        if let Some(v) = tb.u8(attr) {
            if o.json {
                o.j_bool(Some(key), v != 0);
            } else {
                if v == 0 {
                    o.fp("no");
                }
                o.fp(word);
            }
        }
    }
    if tb.u8(21).unwrap_or(0) != 0 {
        o.b(Some("remcsum_tx"), "remcsumtx ", true);
    }
    if tb.u8(22).unwrap_or(0) != 0 {
        o.b(Some("remcsum_rx"), "remcsumrx ", true);
    }
    if tb.has(23) {
        o.b(Some("gbp"), "gbp ", true);
    }
    if tb.has(27) {
        o.b(Some("gpe"), "gpe ", true);
    }
}

/// iplink_geneve.c `geneve_print_opt` (IFLA_GENEVE_*).
pub fn geneve(ctx: &mut Ctx, tb: &Tb) {
    let o = &mut ctx.out;
    if tb.has(6) {
        o.b(Some("external"), "external ", true);
    }
    if let Some(id) = tb.u32(1) {
        o.u(Some("id"), "id %u ", id as u64);
    }
    if let Some(r) = tb.get(2) {
        if r.len() == 4 && r != [0, 0, 0, 0] {
            o.s(Some("remote"), "remote %s ", &fmt_addr(2, r));
        }
    } else if let Some(r) = tb.get(7) {
        if r.len() == 16 && r.iter().any(|b| *b != 0) && r[0] != 0xff {
            o.s(Some("remote6"), "remote %s ", &fmt_addr(10, r));
        }
    }
    if tb.u8(12).unwrap_or(0) != 0 {
        o.fp("ttl inherit ");
    } else if let Some(ttl) = tb.u8(3) {
        if o.json || ttl != 0 {
            o.u(Some("ttl"), "ttl %u ", ttl as u64);
        } else {
            o.fp("ttl auto ");
        }
    }
    let tos = tb.u8(4).unwrap_or(0);
    if tos != 0 {
        if ctx.out.json || tos != 1 {
            hex(ctx, "tos", "tos %#llx ", tos as u64);
        } else {
            ctx.out.fp("tos inherit ");
        }
    }
    if let Some(df) = tb.u8(13) {
        match df {
            0 => ctx.out.j_str(Some("df"), "unset"),
            1 => ctx.out.s(Some("df"), "df %s ", "set"),
            2 => ctx.out.s(Some("df"), "df %s ", "inherit"),
            _ => {}
        }
    }
    if let Some(label) = tb.get(11) {
        if label.len() >= 4 {
            let v = u32::from_be_bytes([label[0], label[1], label[2], label[3]]);
            if v != 0 {
                hex(ctx, "label", "flowlabel %#llx ", v as u64);
            }
        }
    }
    let o = &mut ctx.out;
    if let Some(p) = tb.be16(5) {
        o.u(Some("port"), "dstport %u ", p as u64);
    }
    for (attr, key, word) in [
        (8, "udp_csum", "udpcsum "),
        (9, "udp_zero_csum6_tx", "udp6zerocsumtx "),
        (10, "udp_zero_csum6_rx", "udp6zerocsumrx "),
    ] {
        if let Some(v) = tb.u8(attr) {
            if o.json {
                o.j_bool(Some(key), v != 0);
            } else {
                if v == 0 {
                    o.fp("no");
                }
                o.fp(word);
            }
        }
    }
    if tb.has(14) {
        o.b(Some("inner_proto_inherit"), "innerprotoinherit ", true);
    }
}
