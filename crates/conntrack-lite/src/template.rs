// SPDX-License-Identifier: Apache-2.0
//! The template the command line builds (conntrack's `ct_tmpl`): the entry
//! to create, get or update, and the filter that -L/-D/-U/-E apply. A field
//! set here must match (libnetfilter_conntrack's nfct_cmp with
//! NFCT_CMP_ALL|NFCT_CMP_MASK); NAT, mark, network and label filters follow
//! conntrack's own filter_* functions.

use std::net::IpAddr;

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{Conntrack, Tuple};

use crate::table::*;

#[derive(Debug, Clone, Default)]
pub struct Template {
    /// ATTR_ORIG_L3PROTO / ATTR_REPL_L3PROTO: set by address options.
    pub orig_l3: Option<u8>,
    pub repl_l3: Option<u8>,
    pub orig: Tuple,
    pub repl: Tuple,
    /// --mask-src/--mask-dst and expectation masks.
    pub mask: Tuple,
    /// --tuple-src/--tuple-dst (expectations).
    pub exptuple: Tuple,
    pub status: Option<u32>,
    /// Kernel-side status filter of -L: (value, mask).
    pub status_filter: Option<(u32, u32)>,
    /// -m VALUE[/MASK].
    pub mark: Option<(u32, u32)>,
    pub timeout: Option<u32>,
    pub id: Option<u32>,
    pub secmark: Option<u32>,
    pub zone: Option<u16>,
    /// TCP, SCTP or DCCP state, for the protocol in `orig.proto`.
    pub state: Option<u8>,
    pub snat: Option<IpAddr>,
    pub dnat: Option<IpAddr>,
    pub snat_port: Option<u16>,
    pub dnat_port: Option<u16>,
    /// Label bits to filter on, and to add/delete (-U/-I).
    pub labels: Option<Vec<u32>>,
    pub labels_modify: Option<Vec<u32>>,
    /// tcp flags for manually created entries.
    pub tcp_flags: Option<u8>,
}

/// The "network" filter of --mask-src/--mask-dst: address & mask == network.
#[derive(Debug, Clone, Copy)]
pub struct Net {
    pub network: IpAddr,
    pub mask: IpAddr,
}

/// Options and template together: what filter functions need.
pub struct Filter {
    pub options: u32,
    pub family: u8,
    pub tmpl: Template,
    pub net_src: Option<Net>,
    pub net_dst: Option<Net>,
}

impl Filter {
    /// conntrack's nfct_filter: true when `ct` is filtered OUT.
    pub fn rejects(&self, ct: &Conntrack) -> bool {
        self.nat_rejects(ct)
            || self.mark_rejects(ct)
            || self.label_rejects(ct)
            || self.network_rejects(ct)
            || (self.options & O_COMPARISON != 0 && !cmp(&self.tmpl, ct))
    }

    pub fn mark_rejects(&self, ct: &Conntrack) -> bool {
        match (self.options & O_MARK != 0, self.tmpl.mark) {
            (true, Some((value, mask))) => match ct.mark {
                Some(m) => m & mask != value,
                None => true,
            },
            _ => false,
        }
    }

    pub fn label_rejects(&self, ct: &Conntrack) -> bool {
        let Some(bits) = &self.tmpl.labels else {
            return false;
        };
        let Some(have) = &ct.labels else {
            return true;
        };
        // The kernel's label bitmap, bit b at byte b/8 (little-endian words).
        bits.iter().any(|&b| {
            have.get((b / 8) as usize)
                .is_none_or(|byte| byte & (1 << (b % 8)) == 0)
        })
    }

    pub fn network_rejects(&self, ct: &Conntrack) -> bool {
        let check = |net: &Option<Net>, pick: fn(&Tuple) -> Option<IpAddr>| -> bool {
            let Some(net) = net else { return false };
            if ct.l3family() != self.family {
                return true;
            }
            match ct.orig.as_ref().and_then(pick) {
                Some(a) => !in_net(a, net),
                None => true,
            }
        };
        check(&self.net_src, |t| t.src) || check(&self.net_dst, |t| t.dst)
    }

    pub fn nat_rejects(&self, ct: &Conntrack) -> bool {
        let o = self.options;
        let any = o & O_ANY_NAT != 0;
        let (check_s, check_d) = (any || o & O_SRC_NAT != 0, any || o & O_DST_NAT != 0);
        let t = &self.tmpl;
        let mut has_s = false;
        let mut has_d = false;
        if check_s {
            has_s = nat_match(t.snat, t.snat_port, is_snat(ct), is_spat(ct), || {
                (reply_addr(ct, false), reply_port(ct, false))
            });
        }
        if check_d {
            has_d = nat_match(t.dnat, t.dnat_port, is_dnat(ct), is_dpat(ct), || {
                (reply_addr(ct, true), reply_port(ct, true))
            });
        }
        if any {
            !(has_s || has_d)
        } else if o & O_SRC_NAT != 0 && o & O_DST_NAT != 0 {
            !(has_s && has_d)
        } else if o & O_SRC_NAT != 0 {
            !has_s
        } else if o & O_DST_NAT != 0 {
            !has_d
        } else {
            false
        }
    }
}

fn nat_match(
    want_ip: Option<IpAddr>,
    want_port: Option<u16>,
    is_nat: bool,
    is_pat: bool,
    got: impl Fn() -> (Option<IpAddr>, Option<u16>),
) -> bool {
    let (ip, port) = got();
    let mut has = false;
    if let Some(w) = want_ip {
        has = is_nat && ip == Some(w);
    }
    if let Some(p) = want_port {
        let ok = is_pat && port == Some(p);
        if want_ip.is_some() && has && !ok {
            has = false;
        }
        if want_ip.is_none() && ok {
            has = true;
        }
    }
    if want_ip.is_none() && want_port.is_none() && (is_nat || is_pat) {
        has = true;
    }
    has
}

/// The reply tuple's source (DNAT) or destination (SNAT) address.
fn reply_addr(ct: &Conntrack, src: bool) -> Option<IpAddr> {
    let r = ct.reply.as_ref()?;
    if src {
        r.src
    } else {
        r.dst
    }
}

fn reply_port(ct: &Conntrack, src: bool) -> Option<u16> {
    let r = ct.reply.as_ref()?;
    if src {
        r.src_port
    } else {
        r.dst_port
    }
}

fn status_allows(ct: &Conntrack, bit: u32) -> bool {
    ct.status.is_none_or(|s| s & bit != 0)
}

/// libnetfilter_conntrack's NFCT_GOPT_IS_SNAT: reply dst differs from orig src.
pub fn is_snat(ct: &Conntrack) -> bool {
    status_allows(ct, IPS_SRC_NAT_DONE)
        && matches!((&ct.orig, &ct.reply), (Some(o), Some(r)) if r.dst != o.src)
}

pub fn is_dnat(ct: &Conntrack) -> bool {
    status_allows(ct, IPS_DST_NAT_DONE)
        && matches!((&ct.orig, &ct.reply), (Some(o), Some(r)) if r.src != o.dst)
}

pub fn is_spat(ct: &Conntrack) -> bool {
    status_allows(ct, IPS_SRC_NAT_DONE)
        && matches!((&ct.orig, &ct.reply), (Some(o), Some(r)) if r.dst_port != o.src_port)
}

pub fn is_dpat(ct: &Conntrack) -> bool {
    status_allows(ct, IPS_DST_NAT_DONE)
        && matches!((&ct.orig, &ct.reply), (Some(o), Some(r)) if r.src_port != o.dst_port)
}

fn in_net(a: IpAddr, net: &Net) -> bool {
    match (a, net.network, net.mask) {
        (IpAddr::V4(a), IpAddr::V4(n), IpAddr::V4(m)) => {
            u32::from(a) & u32::from(m) == u32::from(n)
        }
        (IpAddr::V6(a), IpAddr::V6(n), IpAddr::V6(m)) => {
            u128::from(a) & u128::from(m) == u128::from(n)
        }
        _ => false,
    }
}

fn l3_of(t: Option<&Tuple>, family: u8) -> Option<u8> {
    t.and_then(Tuple::family).or(Some(family))
}

/// Compare a strict field: set in the template ⇒ must be set and equal.
fn strict<T: PartialEq>(want: Option<T>, got: Option<T>) -> bool {
    match want {
        Some(w) => got == Some(w),
        None => true,
    }
}

fn cmp_tuple(l3: Option<u8>, want: &Tuple, ct_l3: Option<u8>, got: Option<&Tuple>) -> bool {
    let empty = Tuple::default();
    let got = got.unwrap_or(&empty);
    if !strict(l3, ct_l3) {
        return false;
    }
    if let Some(p) = want.proto {
        if got.proto != Some(p) {
            return false;
        }
        match p {
            IPPROTO_ICMP | IPPROTO_ICMPV6
                if !strict(want.icmp_id, got.icmp_id)
                    || !strict(want.icmp_code, got.icmp_code)
                    || !strict(want.icmp_type, got.icmp_type) =>
            {
                return false;
            }
            IPPROTO_TCP | IPPROTO_UDP | IPPROTO_UDPLITE | IPPROTO_DCCP | IPPROTO_SCTP
                if !strict(want.src_port, got.src_port) || !strict(want.dst_port, got.dst_port) =>
            {
                return false;
            }
            _ => {}
        }
    }
    strict(want.src, got.src)
        && strict(want.dst, got.dst)
        && want.zone.is_none_or(|z| got.zone.unwrap_or(0) == z)
}

/// nfct_cmp(template, ct, NFCT_CMP_ALL | NFCT_CMP_MASK).
pub fn cmp(t: &Template, ct: &Conntrack) -> bool {
    let fam = ct.family;
    if !strict(t.id, ct.id) {
        return false;
    }
    if let Some(s) = t.status {
        match ct.status {
            Some(cs) if cs & s == s => {}
            _ => return false,
        }
    }
    if t.state.is_some() && !strict(t.state, ct_state(ct)) {
        return false;
    }
    if let Some(z) = t.zone {
        if ct.zone.unwrap_or(0) != z {
            return false;
        }
    }
    cmp_tuple(
        t.orig_l3,
        &t.orig,
        l3_of(ct.orig.as_ref(), fam),
        ct.orig.as_ref(),
    ) && cmp_tuple(
        t.repl_l3,
        &t.repl,
        l3_of(ct.reply.as_ref(), fam),
        ct.reply.as_ref(),
    )
}

/// The protocol state of an entry (TCP, SCTP or DCCP).
pub fn ct_state(ct: &Conntrack) -> Option<u8> {
    use nfnl::ctnetlink::ProtoInfo;
    match &ct.protoinfo {
        Some(ProtoInfo::Tcp(t)) => t.state,
        Some(ProtoInfo::Sctp { state }) | Some(ProtoInfo::Dccp { state }) => *state,
        _ => None,
    }
}
