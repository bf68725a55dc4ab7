// SPDX-License-Identifier: Apache-2.0
//! `ip route get` (iproute.c `iproute_get`): one RTM_GETROUTE, one answer.

use super::show::*;
use super::usage;
use crate::cli::{matches, Args, AF_INET, AF_INET6, AF_UNSPEC};
use crate::ctx::{Ctx, RTM_GETROUTE};
use crate::err::{invarg, nodev, Fail, Res};
use crate::nl::Msg;
use crate::util::{get_prefix, get_u32};

pub fn get(ctx: &mut Ctx, mut args: Args) -> Res {
    let mut r = Rtm {
        family: ctx.o.family,
        ..Default::default()
    };
    let mut attrs: Vec<(u16, Vec<u8>)> = Vec::new();
    let (mut idev, mut odev) = (None, None);
    let mut mark = 0u32;
    let mut found = false;
    let mut fibmatch = false;
    let mut warn = String::new();
    while let Some(a) = args.next() {
        let w = a.as_str();
        if w == "tos" || matches(w, "dsfield") {
            let v = args.need()?;
            r.tos = get_u32(&v)
                .and_then(|t| u8::try_from(t).ok())
                .ok_or_else(|| invarg("TOS value is invalid\n", &v))?;
        } else if matches(w, "from") {
            let v = args.need()?;
            if matches(&v, "help") {
                return Err(usage());
            }
            let p = get_prefix(&v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            if p.bytelen != 0 {
                attrs.push((RTA_SRC, p.bytes().to_vec()));
            }
            r.src_len = p.bitlen.max(0) as u8;
        } else if matches(w, "iif") {
            idev = Some(args.need()?);
        } else if matches(w, "mark") {
            let v = args.need()?;
            mark = get_u32(&v).ok_or_else(|| invarg("invalid mark value", &v))?;
        } else if matches(w, "oif") || w == "dev" {
            odev = Some(args.need()?);
        } else if matches(w, "notify") {
            r.flags |= 0x100;
        } else if matches(w, "connected") {
        } else if matches(w, "uid") {
            let v = args.need()?;
            let u = get_u32(&v).ok_or_else(|| invarg("invalid UID\n", &v))?;
            attrs.push((RTA_UID, u.to_ne_bytes().to_vec()));
        } else if matches(w, "fibmatch") {
            fibmatch = true;
        } else if matches(w, "sport") || matches(w, "dport") {
            let v = args.need()?;
            let p = get_u32(&v)
                .and_then(|p| u16::try_from(p).ok())
                .ok_or_else(|| {
                    invarg(
                        if w.starts_with('s') {
                            "invalid sport\n"
                        } else {
                            "invalid dport\n"
                        },
                        &v,
                    )
                })?;
            attrs.push((
                if matches(w, "sport") { 28 } else { 29 },
                p.to_be_bytes().to_vec(),
            ));
        } else if matches(w, "ipproto") {
            let v = args.need()?;
            let p = match v.as_str() {
                "tcp" => 6,
                "udp" => 17,
                "icmp" => 1,
                "ipv6-icmp" | "icmpv6" => 58,
                "sctp" => 132,
                _ => get_u32(&v)
                    .and_then(|p| u8::try_from(p).ok())
                    .ok_or_else(|| invarg("Invalid \"ipproto\" value\n", &v))?
                    as u32,
            };
            attrs.push((27, vec![p as u8]));
        } else {
            let mut v = w.to_string();
            if v == "to" {
                v = args.need()?;
            }
            if matches(&v, "help") {
                return Err(usage());
            }
            let p = get_prefix(&v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            if p.bytelen != 0 {
                attrs.push((RTA_DST, p.bytes().to_vec()));
            }
            if r.family == AF_INET && p.bitlen != 32 {
                warn.push_str(&format!(
                    "Warning: /{} as prefix is invalid, only /32 (or none) is supported.\n",
                    p.bitlen
                ));
                r.dst_len = 32;
            } else if r.family == AF_INET6 && p.bitlen != 128 {
                warn.push_str(&format!(
                    "Warning: /{} as prefix is invalid, only /128 (or none) is supported.\n",
                    p.bitlen
                ));
                r.dst_len = 128;
            } else {
                r.dst_len = p.bitlen.max(0) as u8;
            }
            found = true;
        }
    }
    if !warn.is_empty() {
        eprint!("{warn}");
    }
    if !found {
        return Err(Fail::new(1, "need at least a destination address\n"));
    }
    if let Some(i) = idev {
        let idx = ctx.index_of(&i);
        if idx == 0 {
            return Err(nodev(&i));
        }
        attrs.push((RTA_IIF, idx.to_ne_bytes().to_vec()));
    }
    if let Some(o) = odev {
        let idx = ctx.index_of(&o);
        if idx == 0 {
            return Err(nodev(&o));
        }
        attrs.push((RTA_OIF, idx.to_ne_bytes().to_vec()));
    }
    if mark != 0 {
        attrs.push((RTA_MARK, mark.to_ne_bytes().to_vec()));
    }
    if r.family == AF_UNSPEC {
        r.family = AF_INET;
    }
    if r.family == AF_INET {
        r.flags |= 0x1000;
    }
    if fibmatch {
        r.flags |= 0x2000;
    }
    let mut m = Msg::new(RTM_GETROUTE, 0, &r.bytes());
    for (t, v) in &attrs {
        m.attr(*t, v);
    }
    let (ty, data) = ctx.nl.request(m).map_err(|e| crate::err::kernel(&e))?;
    let f = RouteFilter {
        cloned: 2,
        ..Default::default()
    };
    ctx.out.start();
    print_route(ctx, ty, &data, &f);
    ctx.out.finish();
    ctx.out.flush();
    Ok(())
}
