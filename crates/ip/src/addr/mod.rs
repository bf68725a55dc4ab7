// SPDX-License-Identifier: Apache-2.0
//! `ip address`: show/flush (list.rs) and add/change/replace/del
//! (ipaddress.c `do_ipaddr`, `ipaddr_modify`).

mod decode;
pub mod list;
#[cfg(test)]
mod tests;

use std::net::IpAddr;

use netlink_packet_core::DefaultNla;
use netlink_packet_route::address::{
    AddressAttribute, AddressFlags, AddressHeader, AddressMessage, CacheInfo,
};

use crate::cli::{matches, Args, AF_INET, AF_INET6, AF_UNSPEC};
use crate::ctx::{Ctx, RTM_DELADDR, RTM_NEWADDR};
use crate::err::{duparg, duparg2, invarg, Fail, Res};
use crate::nl::{Msg, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use crate::util::{get_addr, get_prefix, get_u32, scope_a2n, Prefix};
use list::{
    IFA_ADDRESS, IFA_ANYCAST, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_LABEL, IFA_LOCAL,
    IFA_RT_PRIORITY,
};

pub fn run(ctx: &mut Ctx, mut args: Args) -> Res {
    let Some(cmd) = args.next() else {
        return list::list(ctx, &mut args, false, false);
    };
    let c = cmd.as_str();
    if matches(c, "add") {
        modify(ctx, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, args)
    } else if matches(c, "change") || c == "chg" {
        modify(ctx, RTM_NEWADDR, NLM_F_REPLACE, args)
    } else if matches(c, "replace") {
        modify(ctx, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, args)
    } else if matches(c, "delete") {
        modify(ctx, RTM_DELADDR, 0, args)
    } else if matches(c, "list") || matches(c, "show") || matches(c, "lst") {
        list::list(ctx, &mut args, false, false)
    } else if matches(c, "flush") {
        list::list(ctx, &mut args, false, true)
    } else if matches(c, "help") {
        Err(Fail::usage(crate::help::ADDR))
    } else {
        Err(Fail::usage(format!(
            "Command \"{c}\" is unknown, try \"ip address help\".\n"
        )))
    }
}

fn set_lifetime(v: &str) -> Option<u32> {
    if v == "forever" {
        return Some(u32::MAX);
    }
    get_u32(v)
}

fn modify(ctx: &mut Ctx, cmd: u16, flags: u16, mut args: Args) -> Res {
    let mut family = ctx.o.family;
    let mut prefixlen: i32 = 0;
    let mut scope: u8 = 0;
    let mut scoped = false;
    let mut dev: Option<String> = None;
    let mut attrs: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut lcl = Prefix::default();
    let mut lcl_arg = String::new();
    let mut peer = Prefix::default();
    let (mut local_len, mut peer_len, mut brd_len, mut any_len) = (0usize, 0usize, 0i32, 0usize);
    let (mut valid, mut preferred) = (u32::MAX, u32::MAX);
    let (mut valid_set, mut pref_set) = (false, false);
    let mut ifa_flags: u32 = 0;
    let mut warnings = String::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "peer" | "remote" => {
                let v = args.need()?;
                if peer_len != 0 {
                    return Err(duparg("peer", &v));
                }
                peer = get_prefix(&v, family)?;
                peer_len = peer.bytelen;
                if family == AF_UNSPEC {
                    family = peer.family;
                }
                attrs.push((IFA_ADDRESS, peer.bytes().to_vec()));
                prefixlen = peer.bitlen;
            }
            x if matches(x, "broadcast") || x == "brd" => {
                let v = args.need()?;
                if brd_len != 0 {
                    return Err(duparg("broadcast", &v));
                }
                if v == "+" {
                    brd_len = -1;
                } else if v == "-" {
                    brd_len = -2;
                } else {
                    let addr = get_addr(&v, family)?;
                    if family == AF_UNSPEC {
                        family = addr.family;
                    }
                    attrs.push((IFA_BROADCAST, addr.bytes().to_vec()));
                    brd_len = addr.bytelen as i32;
                }
            }
            "anycast" => {
                let v = args.need()?;
                if any_len != 0 {
                    return Err(duparg("anycast", &v));
                }
                let addr = get_addr(&v, family)?;
                if family == AF_UNSPEC {
                    family = addr.family;
                }
                attrs.push((IFA_ANYCAST, addr.bytes().to_vec()));
                any_len = addr.bytelen;
            }
            "scope" => {
                let v = args.need()?;
                scope = scope_a2n(&v).ok_or_else(|| invarg("invalid scope value.", &v))?;
                scoped = true;
            }
            "dev" => dev = Some(args.need()?),
            "label" => {
                let v = args.need()?;
                let mut b = v.into_bytes();
                b.push(0);
                attrs.push((IFA_LABEL, b));
            }
            x if matches(x, "metric") || matches(x, "priority") || matches(x, "preference") => {
                let v = args.need()?;
                let m = get_u32(&v).ok_or_else(|| invarg("\"metric\" value is invalid\n", &v))?;
                attrs.push((IFA_RT_PRIORITY, m.to_ne_bytes().to_vec()));
            }
            x if matches(x, "valid_lft") => {
                if valid_set {
                    return Err(duparg("valid_lft", x));
                }
                let v = args.need()?;
                valid = set_lifetime(&v).ok_or_else(|| invarg("valid_lft value", &v))?;
                valid_set = true;
            }
            x if matches(x, "preferred_lft") => {
                if pref_set {
                    return Err(duparg("preferred_lft", x));
                }
                let v = args.need()?;
                preferred = set_lifetime(&v).ok_or_else(|| invarg("preferred_lft value", &v))?;
                pref_set = true;
            }
            x if list::flag_mask(x).is_some() => {
                let mask = list::flag_mask(x).unwrap_or(0);
                let readonly = matches!(
                    x,
                    "secondary"
                        | "temporary"
                        | "dadfailed"
                        | "deprecated"
                        | "tentative"
                        | "permanent"
                        | "stable-privacy"
                );
                let v6only = !matches!(x, "secondary" | "temporary" | "noprefixroute" | "autojoin");
                if readonly {
                    warnings.push_str(&format!(
                        "Warning: {x} option is not mutable from userspace\n"
                    ));
                } else if v6only && family != AF_INET6 {
                    warnings.push_str(&format!(
                        "Warning: {x} option can be set only for IPv6 addresses\n"
                    ));
                } else {
                    ifa_flags |= mask;
                }
            }
            other => {
                let v = if other == "local" {
                    args.need()?
                } else {
                    other.to_string()
                };
                if matches(&v, "help") {
                    return Err(Fail::usage(crate::help::ADDR));
                }
                if local_len != 0 {
                    return Err(duparg2("local", &v));
                }
                lcl = get_prefix(&v, family)?;
                lcl_arg = v;
                if family == AF_UNSPEC {
                    family = lcl.family;
                }
                attrs.push((IFA_LOCAL, lcl.bytes().to_vec()));
                local_len = lcl.bytelen;
            }
        }
    }
    let mut ifa_flags_byte = 0u8;
    if ifa_flags <= 0xff {
        ifa_flags_byte = ifa_flags as u8;
    } else {
        attrs.push((IFA_FLAGS, ifa_flags.to_ne_bytes().to_vec()));
    }
    let Some(d) = dev else {
        return Err(Fail::new(
            1,
            format!("{warnings}Not enough information: \"dev\" argument is required.\n"),
        ));
    };
    if peer_len == 0 && local_len != 0 {
        if cmd == RTM_DELADDR && lcl.family == AF_INET && !lcl.len_given {
            warnings.push_str(&format!(
                "Warning: Executing wildcard deletion to stay compatible with old scripts.\n         Explicitly specify the prefix length ({}/{}) to avoid this warning.\n         This special behaviour is likely to disappear in further releases,\n         fix your scripts!\n",
                lcl_arg,
                local_len * 8
            ));
        } else {
            peer = lcl;
            attrs.push((IFA_ADDRESS, lcl.bytes().to_vec()));
        }
    }
    if prefixlen == 0 {
        prefixlen = lcl.bitlen;
    }
    if brd_len < 0 && cmd != RTM_DELADDR {
        if family != AF_INET {
            return Err(Fail::new(
                1,
                format!("{warnings}Broadcast can be set only for IPv4 addresses\n"),
            ));
        }
        let mut brd = peer;
        if brd.bitlen <= 30 {
            let mut v = u32::from_be_bytes([brd.data[0], brd.data[1], brd.data[2], brd.data[3]]);
            for i in (brd.bitlen.max(0)..=31).rev() {
                if brd_len == -1 {
                    v |= 1 << (31 - i);
                } else {
                    v &= !(1 << (31 - i));
                }
            }
            brd.data[..4].copy_from_slice(&v.to_be_bytes());
            attrs.push((IFA_BROADCAST, brd.data[..4].to_vec()));
        }
    }
    if !scoped && cmd != RTM_DELADDR {
        scope = if lcl.family == AF_INET && lcl.bytelen >= 1 && lcl.data[0] == 127 {
            254
        } else {
            0
        };
    }
    let index = ctx.index_of(&d);
    if index == 0 {
        return Err(Fail::new(
            1,
            format!("{warnings}Cannot find device \"{d}\"\n"),
        ));
    }
    if valid_set || pref_set {
        if valid == 0 {
            return Err(Fail::new(1, format!("{warnings}valid_lft is zero\n")));
        }
        if valid < preferred {
            return Err(Fail::new(
                1,
                format!("{warnings}preferred_lft is greater than valid_lft\n"),
            ));
        }
        let mut ci = Vec::new();
        ci.extend_from_slice(&preferred.to_ne_bytes());
        ci.extend_from_slice(&valid.to_ne_bytes());
        ci.extend_from_slice(&[0u8; 8]);
        attrs.push((IFA_CACHEINFO, ci));
    }
    let mut fixed = [0u8; 8];
    fixed[0] = family;
    fixed[1] = prefixlen.max(0) as u8;
    fixed[2] = ifa_flags_byte;
    fixed[3] = scope;
    fixed[4..8].copy_from_slice(&index.to_ne_bytes());
    let mut req = AddressMessage::default();
    req.header = AddressHeader::parse(&fixed).map_err(|_| Fail::new(1, "bad ifaddrmsg\n"))?;
    req.attributes = attrs.into_iter().map(|(t, v)| typed_attr(t, v)).collect();
    let m = Msg::typed(cmd, flags, &req);
    if !warnings.is_empty() {
        eprint!("{warnings}");
    }
    ctx.nl.talk(m).map_err(|e| crate::err::kernel(&e))
}

/// One attribute of the request as netlink-packet-route's typed
/// `AddressAttribute`; a value whose length does not fit the typed form
/// (an address of another family) goes as the crate's `DefaultNla`.
fn typed_attr(t: u16, v: Vec<u8>) -> AddressAttribute {
    let ip = |v: &[u8]| -> Option<IpAddr> {
        match v.len() {
            4 => Some(IpAddr::from(<[u8; 4]>::try_from(v).ok()?)),
            16 => Some(IpAddr::from(<[u8; 16]>::try_from(v).ok()?)),
            _ => None,
        }
    };
    let u32v = |v: &[u8]| {
        v.get(..4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_ne_bytes)
    };
    let typed = match t {
        IFA_LOCAL => ip(&v).map(AddressAttribute::Local),
        IFA_ADDRESS => ip(&v).map(AddressAttribute::Address),
        IFA_BROADCAST => match ip(&v) {
            Some(IpAddr::V4(a)) => Some(AddressAttribute::Broadcast(a)),
            _ => None,
        },
        IFA_ANYCAST => match ip(&v) {
            Some(IpAddr::V6(a)) => Some(AddressAttribute::Anycast(a)),
            _ => None,
        },
        IFA_LABEL => v
            .split_last()
            .filter(|(z, _)| **z == 0)
            .and_then(|(_, s)| std::str::from_utf8(s).ok())
            .map(|s| AddressAttribute::Label(s.to_string())),
        IFA_FLAGS => u32v(&v).map(|f| AddressAttribute::Flags(AddressFlags::from_bits_retain(f))),
        IFA_RT_PRIORITY => u32v(&v).map(AddressAttribute::RoutePriority),
        IFA_CACHEINFO if v.len() == 16 => {
            CacheInfo::parse(&v).ok().map(AddressAttribute::CacheInfo)
        }
        _ => None,
    };
    typed.unwrap_or_else(|| AddressAttribute::Other(DefaultNla::new(t, v)))
}
