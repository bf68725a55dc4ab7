// SPDX-License-Identifier: Apache-2.0
//! Route records: the listing filter and the printer (iproute.c
//! `filter_nlmsg`, `print_route` and its helpers).

use netlink_packet_core::Emitable;
use netlink_packet_route::route::{RouteFlags, RouteHeader};

use crate::attr::{u32_at, Tb};
use crate::cli::{AF_INET, AF_INET6};
use crate::ctx::{Ctx, RTM_DELROUTE, RTM_NEWROUTE};
use crate::out::{put_b, Color};
use crate::util::{
    addr_match, af_bit_len, family_name, fmt_addr, proto_n2a, push_addr, push_u8, rtntype_n2a,
    scope_n2a, table_n2a, Prefix,
};

pub const RTA_DST: u16 = 1;
pub const RTA_SRC: u16 = 2;
pub const RTA_IIF: u16 = 3;
pub const RTA_OIF: u16 = 4;
pub const RTA_GATEWAY: u16 = 5;
pub const RTA_PRIORITY: u16 = 6;
pub const RTA_PREFSRC: u16 = 7;
pub const RTA_METRICS: u16 = 8;
pub const RTA_MULTIPATH: u16 = 9;
pub const RTA_FLOW: u16 = 11;
pub const RTA_CACHEINFO: u16 = 12;
pub const RTA_TABLE: u16 = 15;
pub const RTA_MARK: u16 = 16;
pub const RTA_VIA: u16 = 18;
pub const RTA_NEWDST: u16 = 19;
pub const RTA_PREF: u16 = 20;
pub const RTA_EXPIRES: u16 = 23;
pub const RTA_UID: u16 = 25;
pub const RTA_TTL_PROPAGATE: u16 = 26;
pub const RTA_NH_ID: u16 = 30;

pub const RTM_F_CLONED: u32 = 0x200;
pub const RTN_UNICAST: u8 = 1;
pub const RTN_LOCAL: u8 = 2;

/// The fixed part of an rtmsg.
#[derive(Clone, Copy, Default)]
pub struct Rtm {
    pub family: u8,
    pub dst_len: u8,
    pub src_len: u8,
    pub tos: u8,
    pub table: u8,
    pub protocol: u8,
    pub scope: u8,
    pub ty: u8,
    pub flags: u32,
}

impl Rtm {
    /// The rtmsg through netlink-packet-route's `RouteHeader` (its enums
    /// keep unknown values as `Other(u8)`, so nothing is lost).
    pub fn parse(d: &[u8]) -> Option<Rtm> {
        let h = RouteHeader::parse(d).ok()?;
        Some(Rtm {
            family: h.address_family.into(),
            dst_len: h.destination_prefix_length,
            src_len: h.source_prefix_length,
            tos: h.tos,
            table: h.table,
            protocol: h.protocol.into(),
            scope: h.scope.into(),
            ty: h.kind.into(),
            flags: h.flags.bits(),
        })
    }
    pub fn header(&self) -> RouteHeader {
        RouteHeader {
            address_family: self.family.into(),
            destination_prefix_length: self.dst_len,
            source_prefix_length: self.src_len,
            tos: self.tos,
            table: self.table,
            protocol: self.protocol.into(),
            scope: self.scope.into(),
            kind: self.ty.into(),
            flags: RouteFlags::from_bits_retain(self.flags),
        }
    }
    pub fn bytes(&self) -> [u8; 12] {
        let mut b = [0u8; 12];
        self.header().emit(&mut b);
        b
    }
}

/// iproute.c's `filter` (after `iproute_reset_filter`).
#[derive(Clone)]
pub struct RouteFilter {
    pub family: u8,
    pub tb: u32,
    pub cloned: i32,
    pub protocol: u8,
    pub protocolmask: bool,
    pub scope: u8,
    pub scopemask: bool,
    pub typemask: u64,
    pub tos: u8,
    pub tosmask: bool,
    pub iif: u32,
    pub iifmask: bool,
    pub oif: u32,
    pub oifmask: bool,
    pub mark: u32,
    pub markmask: bool,
    pub metric: u32,
    pub metricmask: bool,
    pub rprefsrc: Prefix,
    pub rvia: Prefix,
    pub rdst: Prefix,
    pub mdst: Prefix,
    pub rsrc: Prefix,
    pub msrc: Prefix,
}

impl Default for RouteFilter {
    fn default() -> Self {
        let mdst = Prefix {
            bitlen: -1,
            ..Default::default()
        };
        RouteFilter {
            family: 0,
            tb: 0,
            cloned: 0,
            protocol: 0,
            protocolmask: false,
            scope: 0,
            scopemask: false,
            typemask: 0,
            tos: 0,
            tosmask: false,
            iif: 0,
            iifmask: false,
            oif: 0,
            oifmask: false,
            mark: 0,
            markmask: false,
            metric: 0,
            metricmask: false,
            rprefsrc: Prefix::default(),
            rvia: Prefix::default(),
            rdst: Prefix::default(),
            mdst,
            rsrc: Prefix::default(),
            msrc: mdst,
        }
    }
}

pub fn table_of(r: &Rtm, tb: &Tb) -> u32 {
    tb.u32(RTA_TABLE).unwrap_or(r.table as u32)
}

fn pfx_from(family: u8, v: Option<&[u8]>, len: usize) -> [u8; 16] {
    let mut d = [0u8; 16];
    if let Some(v) = v {
        let n = len.min(v.len()).min(16);
        d[..n].copy_from_slice(&v[..n]);
    }
    let _ = family;
    d
}

/// `filter_nlmsg`: does this route pass?
pub fn passes(f: &RouteFilter, r: &Rtm, tb: &Tb, ip6_multi: &mut bool) -> bool {
    let table = table_of(r, tb);
    let host_len = af_bit_len(r.family);
    if f.family != 0 && r.family != f.family {
        return false;
    }
    if r.family == AF_INET6 && table != 254 {
        *ip6_multi = true;
    }
    if f.cloned == (r.flags & RTM_F_CLONED == 0) as i32 {
        return false;
    }
    if r.family == AF_INET6 && !*ip6_multi {
        if f.tb != 0 {
            if f.tb == 255 {
                if r.ty != RTN_LOCAL {
                    return false;
                }
            } else if f.tb == 254 {
                if r.ty == RTN_LOCAL {
                    return false;
                }
            } else {
                return false;
            }
        }
    } else if f.tb > 0 && f.tb != table {
        return false;
    }
    if f.protocolmask && f.protocol != r.protocol {
        return false;
    }
    if f.scopemask && f.scope != r.scope {
        return false;
    }
    if f.typemask != 0 && f.typemask & (1u64 << r.ty.min(63)) == 0 {
        return false;
    }
    if f.tosmask && f.tos != r.tos {
        return false;
    }
    let dl = r.dst_len as i32;
    let sl = r.src_len as i32;
    if f.rdst.family != 0 {
        if r.family != f.rdst.family || f.rdst.bitlen > dl {
            return false;
        }
    } else if f.rdst.len_given && f.rdst.bitlen > dl {
        return false;
    }
    if f.mdst.family != 0 {
        if r.family != f.mdst.family || (f.mdst.bitlen >= 0 && f.mdst.bitlen < dl) {
            return false;
        }
    } else if f.mdst.len_given && f.mdst.bitlen >= 0 && f.mdst.bitlen < dl {
        return false;
    }
    if f.rsrc.family != 0 {
        if r.family != f.rsrc.family || f.rsrc.bitlen > sl {
            return false;
        }
    } else if f.rsrc.len_given && f.rsrc.bitlen > sl {
        return false;
    }
    if f.msrc.family != 0 {
        if r.family != f.msrc.family || (f.msrc.bitlen >= 0 && f.msrc.bitlen < sl) {
            return false;
        }
    } else if f.msrc.len_given && f.msrc.bitlen >= 0 && f.msrc.bitlen < sl {
        return false;
    }
    if f.rvia.family != 0 {
        let mut fam = r.family;
        if let Some(v) = tb.get(RTA_VIA) {
            fam = v.first().copied().unwrap_or(0);
        }
        if fam != f.rvia.family {
            return false;
        }
    }
    if f.rprefsrc.family != 0 && r.family != f.rprefsrc.family {
        return false;
    }
    let dst = pfx_from(r.family, tb.get(RTA_DST), (dl as usize).div_ceil(8));
    let src = pfx_from(r.family, tb.get(RTA_SRC), (sl as usize).div_ceil(8));
    let hb = (host_len / 8) as usize;
    if (f.rdst.family != 0 || f.rdst.len_given) && !addr_match(&dst, &f.rdst.data, f.rdst.bitlen) {
        return false;
    }
    if (f.mdst.family != 0 || f.mdst.len_given) && !addr_match(&dst, &f.mdst.data, dl) {
        return false;
    }
    if (f.rsrc.family != 0 || f.rsrc.len_given) && !addr_match(&src, &f.rsrc.data, f.rsrc.bitlen) {
        return false;
    }
    if (f.msrc.family != 0 || f.msrc.len_given)
        && f.msrc.bitlen >= 0
        && !addr_match(&src, &f.msrc.data, sl)
    {
        return false;
    }
    if f.rvia.family != 0 {
        let mut via = [0u8; 16];
        if f.rvia.bitlen > 0 {
            if let Some(g) = tb.get(RTA_GATEWAY) {
                via = pfx_from(r.family, Some(g), hb);
            }
            if let Some(v) = tb.get(RTA_VIA) {
                via = pfx_from(r.family, v.get(2..), v.len().saturating_sub(2));
            }
        }
        if !addr_match(&via, &f.rvia.data, f.rvia.bitlen) {
            return false;
        }
    }
    if f.rprefsrc.family != 0 {
        let mut ps = [0u8; 16];
        if f.rprefsrc.bitlen > 0 {
            ps = pfx_from(r.family, tb.get(RTA_PREFSRC), hb);
        }
        if !addr_match(&ps, &f.rprefsrc.data, f.rprefsrc.bitlen) {
            return false;
        }
    }
    if f.iifmask && tb.u32(RTA_IIF).unwrap_or(0) != f.iif {
        return false;
    }
    if f.oifmask && tb.u32(RTA_OIF).unwrap_or(0) != f.oif {
        return false;
    }
    if f.markmask && tb.u32(RTA_MARK).unwrap_or(0) != f.mark {
        return false;
    }
    if f.metricmask && tb.u32(RTA_PRIORITY).unwrap_or(0) != f.metric {
        return false;
    }
    true
}

const NH_FLAGS: &[(u32, &str)] = &[
    (1, "dead"),
    (4, "onlink"),
    (2, "pervasive"),
    (8, "offload"),
    (64, "trap"),
    (0x100, "notify"),
    (16, "linkdown"),
    (32, "unresolved"),
    (0x4000, "rt_offload"),
    (0x8000, "rt_trap"),
    (0x2000_0000, "rt_offload_failed"),
];

fn print_rt_flags(ctx: &mut Ctx, flags: u32) {
    ctx.out.arr_open(Some("flags"));
    for (bit, name) in NH_FLAGS {
        if flags & bit != 0 {
            ctx.out.s(None, "%s ", name);
        }
    }
    ctx.out.arr_close();
}

const MX_NAMES: &[&str] = &[
    "",
    "lock",
    "mtu",
    "window",
    "rtt",
    "rttvar",
    "ssthresh",
    "cwnd",
    "advmss",
    "reordering",
    "hoplimit",
    "initcwnd",
    "features",
    "rto_min",
    "initrwnd",
    "quickack",
    "congctl",
    "fastopen_no_cookie",
];

fn print_metrics(ctx: &mut Ctx, m: &[u8]) {
    let tb = Tb::parse(m);
    let lock = tb.u32(1).unwrap_or(0);
    ctx.out.arr_open(Some("metrics"));
    ctx.out.obj_open(None);
    for i in 2u16..=17 {
        if !tb.has(i) && lock & (1 << i) == 0 {
            continue;
        }
        let mut val = if i != 16 { tb.u32(i).unwrap_or(0) } else { 0 };
        if i == 10 && val == u32::MAX {
            continue;
        }
        let name = MX_NAMES[i as usize];
        if !ctx.out.json {
            ctx.out.fp(&format!("{name} "));
            if lock & (1 << i) != 0 {
                ctx.out.fp("lock ");
            }
        }
        match i {
            12 => {
                let mut s = String::new();
                if val & 1 != 0 {
                    s.push_str("ecn ");
                    val &= !1;
                }
                if val != 0 {
                    s.push_str(&format!("{val:#x} "));
                }
                ctx.out.fp(&s);
            }
            4 | 5 | 13 => {
                if i == 4 {
                    val /= 8;
                } else if i == 5 {
                    val /= 4;
                }
                if ctx.out.json {
                    ctx.out.j_u(Some(name), val as u64);
                } else if val >= 1000 {
                    ctx.out.fp(&format!("{}s ", val as f64 / 1e3));
                } else {
                    ctx.out.fp(&format!("{val}ms "));
                }
            }
            16 => {
                let s = tb.str(16).unwrap_or("").to_string();
                ctx.out.s(Some("congestion"), "%s ", &s);
            }
            _ => ctx.out.u(Some(name), "%u ", val as u64),
        }
    }
    ctx.out.obj_close();
    ctx.out.arr_close();
}

fn print_cache_flags(ctx: &mut Ctx, flags: u32) {
    let mut flags = flags & !0xffff;
    const NAMES: &[(u32, &str)] = &[
        (0x8000_0000, "local"),
        (0x4000_0000, "reject"),
        (0x2000_0000, "mc"),
        (0x1000_0000, "brd"),
        (0x0800_0000, "dst-nat"),
        (0x0080_0000, "src-nat"),
        (0x0040_0000, "masq"),
        (0x0002_0000, "dst-direct"),
        (0x0400_0000, "src-direct"),
        (0x0004_0000, "redirected"),
        (0x0100_0000, "redirect"),
        (0x0020_0000, "fastroute"),
        (0x0001_0000, "notify"),
        (0x0008_0000, "proxy"),
    ];
    if ctx.out.json {
        ctx.out.arr_open(Some("cache"));
    } else {
        let sl = ctx.out.sl();
        ctx.out.fp(&format!("{sl}    cache "));
        if flags == 0 {
            return;
        }
        ctx.out.fp("<");
    }
    for (bit, name) in NAMES {
        if flags & bit != 0 {
            flags &= !bit;
            if ctx.out.json {
                ctx.out.j_str(None, name);
            } else {
                ctx.out
                    .fp(&format!("{name}{}", if flags != 0 { "," } else { "> " }));
            }
        }
    }
    if flags != 0 {
        if ctx.out.json {
            ctx.out.j_str(Some("flags"), &format!("{flags:x}"));
        } else {
            ctx.out.fp(&format!("{flags:x}>"));
        }
    }
    if ctx.out.json {
        ctx.out.arr_close();
    }
}

fn print_multipath(ctx: &mut Ctx, r: &Rtm, mp: &[u8]) {
    ctx.out.arr_open(Some("nexthops"));
    let mut off = 0;
    while off + 8 <= mp.len() {
        let len = crate::attr::u16_at(mp, off) as usize;
        if len < 8 || off + len > mp.len() {
            break;
        }
        let flags = mp[off + 2];
        let hops = mp[off + 3];
        let ifindex = u32_at(mp, off + 4);
        ctx.out.obj_open(None);
        let sl = ctx.out.sl();
        ctx.out.fp(&format!("{sl}\tnexthop "));
        let tb = Tb::parse(&mp[off + 8..off + len]);
        if let Some(g) = tb.get(RTA_GATEWAY) {
            gateway(ctx, r.family, g);
        }
        let dev = ctx.name_of(ifindex);
        ctx.out.s(Some("dev"), "dev %s ", &dev);
        ctx.out.i(Some("weight"), "weight %d ", hops as i64 + 1);
        print_rt_flags(ctx, flags as u32);
        ctx.out.obj_close();
        off += (len + 3) & !3;
    }
    ctx.out.arr_close();
}

fn gateway(ctx: &mut Ctx, family: u8, g: &[u8]) {
    if ctx.out.json {
        ctx.out.j_str(Some("gateway"), &fmt_addr(family, g));
    } else {
        ctx.out.fp("via ");
        ctx.out.colored_with(Color::family(family), |b| {
            push_addr(b, family, g);
            put_b(b, b' ');
        });
    }
}

fn ifidx(ctx: &mut Ctx, idx: u32, prefix: &str) {
    ctx.with_name(idx, |out, name| {
        if out.json {
            out.j_str(Some(prefix), name);
        } else {
            out.fp(prefix);
            out.fp(" ");
            out.colored_sp(Color::Ifname, name);
        }
    });
}

/// `addr` or `addr/len` (when `len` is not the host length), appended
/// without the fmt machinery (10k routes).
fn push_prefix(b: &mut String, family: u8, a: &[u8], len: u8, host_len: i32) {
    push_addr(b, family, a);
    if len as i32 != host_len {
        put_b(b, b'/');
        push_u8(b, len);
    }
}

/// `print_route` for one RTM_NEWROUTE/DELROUTE message.
pub fn print_route(ctx: &mut Ctx, ty: u16, data: &[u8], f: &RouteFilter) {
    if ty != RTM_NEWROUTE && ty != RTM_DELROUTE {
        return;
    }
    let Some(r) = Rtm::parse(data) else { return };
    let tb = Tb::parse(&data[12..]);
    print_parsed(ctx, ty, &r, &tb, f);
}

/// `print_route` of a message already parsed (the listing parsed it for
/// the filter).
pub fn print_parsed(ctx: &mut Ctx, ty: u16, r: &Rtm, tb: &Tb, f: &RouteFilter) {
    if ty != RTM_NEWROUTE && ty != RTM_DELROUTE {
        return;
    }
    let r = *r;
    let host_len = af_bit_len(r.family);
    let table = table_of(&r, tb);
    let details = ctx.o.details > 0;
    ctx.out.obj_open(None);
    if ty == RTM_DELROUTE {
        ctx.out.b(Some("deleted"), "Deleted ", true);
    }
    if (r.ty != RTN_UNICAST || details)
        && (f.typemask == 0 || f.typemask & (1u64 << r.ty.min(63)) != 0)
    {
        ctx.out.s(Some("type"), "%s ", &rtntype_n2a(r.ty));
    }
    if let Some(d) = tb.get(RTA_DST) {
        if ctx.out.json {
            let mut s = String::new();
            push_prefix(&mut s, r.family, d, r.dst_len, host_len);
            ctx.out.j_str(Some("dst"), &s);
        } else {
            ctx.out.colored_with(Color::family(r.family), |b| {
                push_prefix(b, r.family, d, r.dst_len, host_len);
                put_b(b, b' ');
            });
        }
    } else if r.dst_len != 0 {
        ctx.out.s(Some("dst"), "%s ", &format!("0/{} ", r.dst_len));
    } else {
        ctx.out.s(Some("dst"), "%s ", "default");
    }
    if let Some(s) = tb.get(RTA_SRC) {
        let t = if r.src_len as i32 != host_len {
            format!("{}/{}", fmt_addr(r.family, s), r.src_len)
        } else {
            fmt_addr(r.family, s)
        };
        ctx.out
            .cs(Some("from"), Color::family(r.family), "from %s ", &t);
    } else if r.src_len != 0 {
        ctx.out
            .s(Some("src"), "from %s ", &format!("0/{}", r.src_len));
    }
    if let Some(n) = tb.u32(RTA_NH_ID) {
        ctx.out.u(Some("nhid"), "nhid %u ", n as u64);
    }
    if let Some(n) = tb.get(RTA_NEWDST) {
        let s = fmt_addr(r.family, n);
        if ctx.out.json {
            ctx.out.j_str(Some("to"), &s);
        } else {
            ctx.out.fp("as to ");
            ctx.out.colored(Color::family(r.family), &format!("{s} "));
        }
    }
    if r.tos != 0 && !f.tosmask {
        ctx.out
            .s(Some("tos"), "tos %s ", &format!("0x{:02x}", r.tos));
    }
    if let Some(g) = tb.get(RTA_GATEWAY) {
        if f.rvia.bitlen != host_len {
            gateway(ctx, r.family, g);
        }
    }
    if let Some(v) = tb.get(RTA_VIA) {
        if v.len() >= 2 {
            let fam = v[0];
            let addr = fmt_addr(fam, &v[2..]);
            if ctx.out.json {
                ctx.out.obj_open(Some("via"));
                ctx.out.j_str(Some("family"), family_name(fam));
                ctx.out.j_str(Some("host"), &addr);
                ctx.out.obj_close();
            } else {
                ctx.out.fp(&format!("via {} ", family_name(fam)));
                ctx.out.colored(Color::family(fam), &format!("{addr} "));
            }
        }
    }
    if let Some(o) = tb.u32(RTA_OIF) {
        if !f.oifmask {
            ifidx(ctx, o, "dev");
        }
    }
    if table != 0 && (table != 254 || details) && f.tb == 0 {
        ctx.out.s(Some("table"), "table %s ", &table_n2a(table));
    }
    if r.flags & RTM_F_CLONED == 0 {
        if (r.protocol != 3 || details) && !f.protocolmask {
            ctx.out
                .s(Some("protocol"), "proto %s ", &proto_n2a(r.protocol));
        }
        if (r.scope != 0 || details) && !f.scopemask {
            ctx.out.s(Some("scope"), "scope %s ", &scope_n2a(r.scope));
        }
    }
    if let Some(p) = tb.get(RTA_PREFSRC) {
        if f.rprefsrc.bitlen != host_len {
            let s = fmt_addr(r.family, p);
            if ctx.out.json {
                ctx.out.j_str(Some("prefsrc"), &s);
            } else {
                ctx.out.fp("src ");
                ctx.out.colored(Color::family(r.family), &format!("{s} "));
            }
        }
    }
    if let Some(m) = tb.u32(RTA_PRIORITY) {
        if !f.metricmask {
            ctx.out.u(Some("metric"), "metric %u ", m as u64);
        }
    }
    print_rt_flags(ctx, r.flags);
    if let Some(mark) = tb.u32(RTA_MARK) {
        if mark != 0 {
            if ctx.out.json {
                ctx.out.j_u(Some("mark"), mark as u64);
            } else if mark >= 16 {
                ctx.out.fp(&format!("mark {mark:#x} "));
            } else {
                ctx.out.fp(&format!("mark {mark} "));
            }
        }
    }
    if let Some(uid) = tb.u32(RTA_UID) {
        ctx.out.u(Some("uid"), "uid %u ", uid as u64);
    }
    if r.family == AF_INET && r.flags & RTM_F_CLONED != 0 {
        print_cache_flags(ctx, r.flags);
    }
    if r.family == AF_INET || r.family == AF_INET6 {
        if let Some(ci) = tb.get(RTA_CACHEINFO) {
            let expires = u32_at(ci, 8) as i32;
            let error = u32_at(ci, 12);
            if expires != 0 {
                ctx.out
                    .i(Some("expires"), "expires %dsec ", (expires / 100) as i64);
            }
            if error != 0 {
                ctx.out.u(Some("error"), "error %u ", error as u64);
            }
            if ctx.o.stats > 0 {
                let (clntref, lastuse, used) = (u32_at(ci, 0), u32_at(ci, 4), u32_at(ci, 16));
                if clntref != 0 {
                    ctx.out.u(Some("users"), "users %u ", clntref as u64);
                }
                if used != 0 {
                    ctx.out.u(Some("used"), "used %u ", used as u64);
                }
                if lastuse != 0 {
                    ctx.out.u(Some("age"), "age %usec ", (lastuse / 100) as u64);
                }
            }
            let id = u32_at(ci, 20);
            if id != 0 {
                if ctx.out.json {
                    ctx.out.j_str(Some("ipid"), &format!("{id:#x}"));
                } else {
                    ctx.out.fp(&format!("ipid 0x{id:04x} "));
                }
            }
        }
    }
    if let Some(m) = tb.get(RTA_METRICS) {
        print_metrics(ctx, m);
    }
    if let Some(i) = tb.u32(RTA_IIF) {
        if !f.iifmask {
            ifidx(ctx, i, "iif");
        }
    }
    if let Some(p) = tb.u8(RTA_PREF) {
        match p {
            3 => ctx.out.s(Some("pref"), "pref %s", "low"),
            0 => ctx.out.s(Some("pref"), "pref %s", "medium"),
            1 => ctx.out.s(Some("pref"), "pref %s", "high"),
            n => ctx.out.u(Some("pref"), "%u", n as u64),
        }
    }
    if let Some(t) = tb.u8(RTA_TTL_PROPAGATE) {
        if ctx.out.json {
            ctx.out.j_bool(Some("ttl-propogate"), t != 0);
        } else {
            ctx.out.fp(&format!(
                "ttl-propogate {}",
                if t != 0 { "enabled" } else { "disabled" }
            ));
        }
    }
    if let Some(mp) = tb.get(RTA_MULTIPATH) {
        print_multipath(ctx, &r, mp);
    }
    ctx.out.fp("\n");
    ctx.out.obj_close();
}
