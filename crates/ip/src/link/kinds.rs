// SPDX-License-Identifier: Apache-2.0
//! `-d` details of a link's kind and port kind (ipaddress.c
//! `print_linktype` with the `print_opt` of iplink_vxlan.c, iplink_bridge.c,
//! iplink_bridge_slave.c, iptuntap.c, iplink_vlan.c, iplink_macvlan.c).

use super::show::{IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA, IFLA_INFO_SLAVE_KIND};
use crate::attr::Tb;
use crate::ctx::Ctx;
use crate::util::fmt_lladdr;

pub fn print_linktype(ctx: &mut Ctx, li: &Tb) {
    ctx.out.obj_open(Some("linkinfo"));
    if let Some(kind) = li.str(IFLA_INFO_KIND) {
        ctx.out.nl();
        ctx.out.s(Some("info_kind"), "    %s ", kind);
        if has_printer(kind) {
            ctx.out.obj_open(Some("info_data"));
            if let Some(d) = li.get(IFLA_INFO_DATA) {
                print_opt(ctx, kind, &Tb::parse(d));
            }
            ctx.out.obj_close();
        }
    }
    if let Some(sk) = li.str(IFLA_INFO_SLAVE_KIND) {
        ctx.out.nl();
        ctx.out.s(Some("info_slave_kind"), "    %s_slave ", sk);
        let slave = format!("{sk}_slave");
        if has_printer(&slave) {
            ctx.out.obj_open(Some("info_slave_data"));
            if let Some(d) = li.get(IFLA_INFO_SLAVE_DATA) {
                print_opt(ctx, &slave, &Tb::parse(d));
            }
            ctx.out.obj_close();
        }
    }
    ctx.out.obj_close();
}

fn has_printer(kind: &str) -> bool {
    matches!(
        kind,
        "vxlan"
            | "geneve"
            | "bridge"
            | "bridge_slave"
            | "tun"
            | "vlan"
            | "macvlan"
            | "macvtap"
            | "vrf"
            | "vrf_slave"
    )
}

fn print_opt(ctx: &mut Ctx, kind: &str, tb: &Tb) {
    match kind {
        "vxlan" => super::tunnels::vxlan(ctx, tb),
        "geneve" => super::tunnels::geneve(ctx, tb),
        "bridge" => bridge(ctx, tb),
        "bridge_slave" => bridge_slave(ctx, tb),
        "tun" => tun(ctx, tb),
        "vlan" => vlan(ctx, tb),
        "macvlan" | "macvtap" => macvlan(ctx, tb),
        "vrf" | "vrf_slave" => {
            // IFLA_VRF_TABLE / IFLA_VRF_PORT_TABLE
            if let Some(t) = tb.u32(1) {
                ctx.out.u(Some("table"), "table %u ", t as u64);
            }
        }
        _ => {}
    }
}

pub(super) fn hex(ctx: &mut Ctx, key: &str, fmt: &str, v: u64) {
    // print_0xhex: JSON gets the "0x.." string, text the %#llx form
    let s = if v == 0 {
        "0".to_string()
    } else {
        format!("{v:#x}")
    };
    if ctx.out.json {
        ctx.out.j_str(Some(key), &s);
    } else {
        ctx.out.fp(&crate::out::fmt1(fmt, &s));
    }
}

fn bridge_id(v: &[u8]) -> String {
    if v.len() < 8 {
        return String::new();
    }
    format!(
        "{:02x}{:02x}.{:x}:{:x}:{:x}:{:x}:{:x}:{:x}",
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
    )
}

fn timer(ctx: &mut Ctx, key: &str, v: u64) {
    // clock_t in USER_HZ (100) units
    let sec = v / 100;
    let cs = v % 100;
    if ctx.out.json {
        ctx.out.j_str(Some(key), "");
        // jsonw_printf of a bare number: replace the empty string just written
        ctx.out.replace_last_value(&format!("{sec}.{cs:02}"));
    } else {
        ctx.out.fp(&format!("{key} {sec:4}.{cs:02} "));
    }
}

fn bridge(ctx: &mut Ctx, tb: &Tb) {
    let u32s = |ctx: &mut Ctx, a: u16, k: &str, f: &str| {
        if let Some(v) = tb.u32(a) {
            ctx.out.u(Some(k), f, v as u64);
        }
    };
    let u8s = |ctx: &mut Ctx, a: u16, k: &str, f: &str| {
        if let Some(v) = tb.u8(a) {
            ctx.out.u(Some(k), f, v as u64);
        }
    };
    let u64s = |ctx: &mut Ctx, a: u16, k: &str, f: &str| {
        if let Some(v) = tb.u64(a) {
            ctx.out.u(Some(k), f, v);
        }
    };
    u32s(ctx, 1, "forward_delay", "forward_delay %u ");
    u32s(ctx, 2, "hello_time", "hello_time %u ");
    u32s(ctx, 3, "max_age", "max_age %u ");
    u32s(ctx, 4, "ageing_time", "ageing_time %u ");
    u32s(ctx, 5, "stp_state", "stp_state %u ");
    if let Some(v) = tb.u16(6) {
        ctx.out.u(Some("priority"), "priority %u ", v as u64);
    }
    u8s(ctx, 7, "vlan_filtering", "vlan_filtering %u ");
    if let Some(p) = tb.u16(8) {
        let s = match u16::from_be(p) {
            0x8100 => "802.1Q".to_string(),
            0x88a8 => "802.1ad".to_string(),
            n => format!("{n:#06x}"),
        };
        ctx.out.s(Some("vlan_protocol"), "vlan_protocol %s ", &s);
    }
    let bid = tb.get(11).map(bridge_id);
    if let Some(b) = &bid {
        ctx.out.s(Some("bridge_id"), "bridge_id %s ", b);
    }
    if tb.has(10) {
        // iproute2 6.1 prints the bridge id here (it reads IFLA_BR_BRIDGE_ID)
        let b = bid.clone().unwrap_or_default();
        ctx.out.s(Some("root_id"), "designated_root %s ", &b);
    }
    if let Some(v) = tb.u16(12) {
        ctx.out.u(Some("root_port"), "root_port %u ", v as u64);
    }
    u32s(ctx, 13, "root_path_cost", "root_path_cost %u ");
    u8s(ctx, 14, "topology_change", "topology_change %u ");
    u8s(
        ctx,
        15,
        "topology_change_detected",
        "topology_change_detected %u ",
    );
    for (a, k) in [
        (16, "hello_timer"),
        (17, "tcn_timer"),
        (18, "topology_change_timer"),
        (19, "gc_timer"),
    ] {
        if let Some(v) = tb.u64(a) {
            timer(ctx, k, v);
        }
    }
    if let Some(v) = tb.u16(39) {
        ctx.out
            .u(Some("vlan_default_pvid"), "vlan_default_pvid %u ", v as u64);
    }
    u8s(ctx, 41, "vlan_stats_enabled", "vlan_stats_enabled %u ");
    u8s(ctx, 45, "vlan_stats_per_port", "vlan_stats_per_port %u ");
    if let Some(v) = tb.u16(9) {
        hex(ctx, "group_fwd_mask", "group_fwd_mask %#llx ", v as u64);
    }
    if let Some(g) = tb.get(20) {
        ctx.out
            .s(Some("group_addr"), "group_address %s ", &fmt_lladdr(g));
    }
    u8s(ctx, 23, "mcast_snooping", "mcast_snooping %u ");
    if let Some(bm) = tb.get(46) {
        let val = crate::attr::u32_at(bm, 0);
        let mask = crate::attr::u32_at(bm, 4);
        if mask & 1 != 0 {
            ctx.out.u(
                Some("no_linklocal_learn"),
                "no_linklocal_learn %u ",
                (val & 1 != 0) as u64,
            );
        }
        if mask & 2 != 0 {
            ctx.out.u(
                Some("mcast_vlan_snooping"),
                "mcast_vlan_snooping %u ",
                (val & 2 != 0) as u64,
            );
        }
    }
    u8s(ctx, 22, "mcast_router", "mcast_router %u ");
    u8s(
        ctx,
        24,
        "mcast_query_use_ifaddr",
        "mcast_query_use_ifaddr %u ",
    );
    u8s(ctx, 25, "mcast_querier", "mcast_querier %u ");
    u32s(
        ctx,
        26,
        "mcast_hash_elasticity",
        "mcast_hash_elasticity %u ",
    );
    u32s(ctx, 27, "mcast_hash_max", "mcast_hash_max %u ");
    u32s(
        ctx,
        28,
        "mcast_last_member_cnt",
        "mcast_last_member_count %u ",
    );
    u32s(
        ctx,
        29,
        "mcast_startup_query_cnt",
        "mcast_startup_query_count %u ",
    );
    u64s(
        ctx,
        30,
        "mcast_last_member_intvl",
        "mcast_last_member_interval %llu ",
    );
    u64s(
        ctx,
        31,
        "mcast_membership_intvl",
        "mcast_membership_interval %llu ",
    );
    u64s(
        ctx,
        32,
        "mcast_querier_intvl",
        "mcast_querier_interval %llu ",
    );
    u64s(ctx, 33, "mcast_query_intvl", "mcast_query_interval %llu ");
    u64s(
        ctx,
        34,
        "mcast_query_response_intvl",
        "mcast_query_response_interval %llu ",
    );
    u64s(
        ctx,
        35,
        "mcast_startup_query_intvl",
        "mcast_startup_query_interval %llu ",
    );
    u8s(ctx, 42, "mcast_stats_enabled", "mcast_stats_enabled %u ");
    u8s(ctx, 43, "mcast_igmp_version", "mcast_igmp_version %u ");
    u8s(ctx, 44, "mcast_mld_version", "mcast_mld_version %u ");
    u8s(ctx, 36, "nf_call_iptables", "nf_call_iptables %u ");
    u8s(ctx, 37, "nf_call_ip6tables", "nf_call_ip6tables %u ");
    u8s(ctx, 38, "nf_call_arptables", "nf_call_arptables %u ");
}

fn bridge_slave(ctx: &mut Ctx, tb: &Tb) {
    const STATES: [&str; 5] = [
        "disabled",
        "listening",
        "learning",
        "forwarding",
        "blocking",
    ];
    let onoff = |ctx: &mut Ctx, a: u16, k: &str, f: &str| {
        if let Some(v) = tb.u8(a) {
            ctx.out.onoff(k, f, v != 0);
        }
    };
    if let Some(s) = tb.u8(1) {
        match STATES.get(s as usize) {
            Some(n) => ctx.out.s(Some("state"), "state %s ", n),
            None => ctx.out.i(Some("state_index"), "state (%d) ", s as i64),
        }
    }
    if let Some(v) = tb.u16(2) {
        ctx.out.i(Some("priority"), "priority %d ", v as i64);
    }
    if let Some(v) = tb.u32(3) {
        ctx.out.i(Some("cost"), "cost %d ", v as i32 as i64);
    }
    onoff(ctx, 4, "hairpin", "hairpin %s ");
    onoff(ctx, 5, "guard", "guard %s ");
    onoff(ctx, 6, "root_block", "root_block %s ");
    onoff(ctx, 7, "fastleave", "fastleave %s ");
    onoff(ctx, 8, "learning", "learning %s ");
    onoff(ctx, 9, "flood", "flood %s ");
    if let Some(v) = tb.u16(17) {
        hex(ctx, "id", "port_id %#llx ", v as u64);
    }
    if let Some(v) = tb.u16(18) {
        hex(ctx, "no", "port_no %#llx ", v as u64);
    }
    if let Some(v) = tb.u16(15) {
        ctx.out
            .u(Some("designated_port"), "designated_port %u ", v as u64);
    }
    if let Some(v) = tb.u16(16) {
        ctx.out
            .u(Some("designated_cost"), "designated_cost %u ", v as u64);
    }
    if let Some(b) = tb.get(14) {
        ctx.out
            .s(Some("bridge_id"), "designated_bridge %s ", &bridge_id(b));
    }
    if let Some(b) = tb.get(13) {
        ctx.out
            .s(Some("root_id"), "designated_root %s ", &bridge_id(b));
    }
    for (a, k) in [
        (23, "hold_timer"),
        (21, "message_age_timer"),
        (22, "forward_delay_timer"),
    ] {
        if let Some(v) = tb.u64(a) {
            timer(ctx, k, v);
        }
    }
    if let Some(v) = tb.u8(19) {
        ctx.out.u(
            Some("topology_change_ack"),
            "topology_change_ack %u ",
            v as u64,
        );
    }
    if let Some(v) = tb.u8(20) {
        ctx.out
            .u(Some("config_pending"), "config_pending %u ", v as u64);
    }
    onoff(ctx, 10, "proxy_arp", "proxy_arp %s ");
    onoff(ctx, 12, "proxy_arp_wifi", "proxy_arp_wifi %s ");
    if let Some(v) = tb.u8(25) {
        ctx.out
            .u(Some("multicast_router"), "mcast_router %u ", v as u64);
    }
    if let Some(v) = tb.u8(7) {
        ctx.out.fp(if v != 0 {
            "mcast_fast_leave on "
        } else {
            "mcast_fast_leave off "
        });
    }
    onoff(ctx, 27, "mcast_flood", "mcast_flood %s ");
    onoff(ctx, 30, "bcast_flood", "bcast_flood %s ");
    onoff(ctx, 28, "mcast_to_unicast", "mcast_to_unicast %s ");
    onoff(ctx, 32, "neigh_suppress", "neigh_suppress %s ");
    if let Some(m) = tb.u16(31) {
        hex(ctx, "group_fwd_mask", "group_fwd_mask %#llx ", m as u64);
        let mut parts = Vec::new();
        for i in 0..16 {
            if m & (1 << i) != 0 {
                parts.push(match i {
                    0 => "stp".to_string(),
                    2 => "lacp".to_string(),
                    14 => "lldp".to_string(),
                    _ => format!("{:#x}", 1u32 << i),
                });
            }
        }
        let s = if parts.is_empty() {
            "0x0".to_string()
        } else {
            parts.join(",")
        };
        ctx.out
            .s(Some("group_fwd_mask_str"), "group_fwd_mask_str %s ", &s);
    }
    onoff(ctx, 29, "vlan_tunnel", "vlan_tunnel %s ");
    onoff(ctx, 33, "isolated", "isolated %s ");
    onoff(ctx, 39, "locked", "locked %s ");
    if let Some(b) = tb.u32(34) {
        let n = ctx.name_of(b);
        ctx.out.s(Some("backup_port"), "backup_port %s ", &n);
    }
}

/// A user or group name from /etc/passwd or /etc/group (getpwuid/getgrgid).
pub fn id_name(file: &str, id: u32) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _pw = f.next()?;
        let n: u32 = f.next()?.parse().ok()?;
        (n == id).then(|| name.to_string())
    })
}

fn tun(ctx: &mut Ctx, tb: &Tb) {
    if let Some(t) = tb.u8(3) {
        let s = match t {
            1 => "tun",
            2 => "tap",
            _ => "UNKNOWN",
        };
        ctx.out.s(Some("type"), "type %s ", s);
    }
    if let Some(v) = tb.u8(4) {
        ctx.out.onoff("pi", "pi %s ", v != 0);
    }
    if let Some(v) = tb.u8(5) {
        ctx.out.onoff("vnet_hdr", "vnet_hdr %s ", v != 0);
    }
    if tb.u8(7).unwrap_or(0) == 0 {
        ctx.out.j_bool(Some("multi_queue"), false);
    } else {
        ctx.out.b(Some("multi_queue"), "multi_queue ", true);
        if let Some(n) = tb.u32(8) {
            ctx.out.u(Some("numqueues"), "numqueues %u ", n as u64);
        }
        if let Some(n) = tb.u32(9) {
            ctx.out.u(Some("numdisabled"), "numdisabled %u ", n as u64);
        }
    }
    if let Some(v) = tb.u8(6) {
        ctx.out.onoff("persist", "persist %s ", v != 0);
    }
    if let Some(uid) = tb.u32(1) {
        match id_name("/etc/passwd", uid) {
            Some(n) => ctx.out.s(Some("user"), "user %s ", &n),
            None => ctx.out.u(Some("user"), "user %u ", uid as u64),
        }
    }
    if let Some(gid) = tb.u32(2) {
        match id_name("/etc/group", gid) {
            Some(n) => ctx.out.s(Some("group"), "group %s ", &n),
            None => ctx.out.u(Some("group"), "group %u ", gid as u64),
        }
    }
}

/// iplink_vlan.c `vlan_print_opt`.
fn vlan(ctx: &mut Ctx, tb: &Tb) {
    if tb.get(5).is_some_and(|p| p.len() < 2) {
        return;
    }
    let Some(id) = tb.u16(1) else {
        return;
    };
    let proto = match tb.be16(5) {
        Some(0x8100) => "802.1Q".to_string(),
        Some(0x88a8) => "802.1ad".to_string(),
        Some(n) => format!("0x{n:x}"),
        None => "802.1q".to_string(),
    };
    let o = &mut ctx.out;
    o.s(Some("protocol"), "protocol %s ", &proto);
    o.u(Some("id"), "id %u ", id as u64);
    if let Some(fl) = tb.get(2) {
        if fl.len() < 8 {
            return;
        }
        let mut flags = crate::attr::u32_at(fl, 0);
        if o.json {
            o.arr_open(Some("flags"));
        } else {
            o.fp("<");
        }
        for (bit, name) in [
            (1, "REORDER_HDR"),
            (2, "GVRP"),
            (8, "MVRP"),
            (4, "LOOSE_BINDING"),
            (16, "BRIDGE_BINDING"),
        ] {
            if flags & bit != 0 {
                flags &= !bit;
                o.s(None, if flags != 0 { "%s," } else { "%s" }, name);
            }
        }
        if flags != 0 {
            o.s(None, "%s", &format!("{flags:x}"));
        }
        if o.json {
            o.arr_close();
        } else {
            o.fp("> ");
        }
    }
    for (attr, key, word) in [
        (4, "ingress_qos", "ingress-qos-map"),
        (3, "egress_qos", "egress-qos-map"),
    ] {
        let Some(map) = tb.get(attr) else { continue };
        o.arr_open(Some(key));
        o.nl();
        o.fp(&format!("      {word} {{ "));
        for (_, m) in crate::attr::iter(map) {
            let (from, to) = (crate::attr::u32_at(m, 0), crate::attr::u32_at(m, 4));
            if o.json {
                o.obj_open(None);
                o.j_u(Some("from"), from as u64);
                o.j_u(Some("to"), to as u64);
                o.obj_close();
            } else {
                o.fp(&format!("{from}:{to} "));
            }
        }
        o.arr_close();
        o.fp("} ");
    }
}

/// iplink_macvlan.c `macvlan_print_opt` (macvlan and macvtap).
fn macvlan(ctx: &mut Ctx, tb: &Tb) {
    let Some(m) = tb.u32(1) else {
        return;
    };
    let s = match m {
        1 => "private",
        2 => "vepa",
        4 => "bridge",
        8 => "passthru",
        16 => "source",
        _ => "unknown",
    };
    let o = &mut ctx.out;
    o.s(Some("mode"), "mode %s ", s);
    let flags = tb.u16(2).unwrap_or(0);
    if flags & 1 != 0 {
        o.b(Some("nopromisc"), "nopromisc ", true);
    }
    if flags & 2 != 0 {
        o.b(Some("nodst"), "nodst ", true);
    }
    if let Some(q) = tb.u32(7) {
        o.u(Some("bcqueuelen"), "bcqueuelen %lu ", q as u64);
    }
    if let Some(q) = tb.u32(8) {
        o.u(Some("usedbcqueuelen"), "usedbcqueuelen %lu ", q as u64);
    }
    if m != 16 {
        return;
    }
    let Some(count) = tb.u32(6) else {
        return;
    };
    o.i(Some("macaddr_count"), "remotes (%d) ", count as i32 as i64);
    let Some(data) = tb.get(5) else {
        return;
    };
    o.arr_open(Some("macaddr_data"));
    for (ty, a) in crate::attr::iter(data) {
        if ty != 4 || a.len() < 6 {
            continue;
        }
        let mac = fmt_lladdr(&a[..6]);
        if o.json {
            o.j_str(None, &mac);
        } else {
            o.fp(&format!("{mac} "));
        }
    }
    o.arr_close();
}
