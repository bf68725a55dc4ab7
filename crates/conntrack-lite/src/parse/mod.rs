// SPDX-License-Identifier: Apache-2.0
//! The command line (conntrack's do_parse): getopt scan, option values,
//! family rules, then the command × option legality checks.

mod cmdline;
mod params;
#[cfg(test)]
mod tests;

pub use cmdline::do_parse;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nfnl::ctnetlink::attribute::*;

use crate::error::{other, param, Result};
use crate::getopt::{Found, Getopt, HasArg, LongOpt};
use crate::proto::{self, Field, Proto};
use crate::table::*;
use crate::template::Template;

// -o flags (conntrack's _O_*).
pub const O_XML: u32 = 1 << 0;
pub const O_EXT: u32 = 1 << 1;
pub const O_TMS: u32 = 1 << 2;
pub const O_IDF: u32 = 1 << 3;
pub const O_KTMS: u32 = 1 << 4;
pub const O_CL: u32 = 1 << 5;
pub const O_SAVE: u32 = 1 << 6;

// -e flags.
pub const EV_NEW: u32 = 1;
pub const EV_UPD: u32 = 2;
pub const EV_DEL: u32 = 4;

/// Which table a command works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Conntrack,
    Expect,
    Dying,
    Unconfirmed,
}

/// The parsed command line.
#[derive(Debug, Clone)]
pub struct Cmd {
    pub command: u32,
    pub cmd: usize,
    pub options: u32,
    pub family: u8,
    pub table: Table,
    pub protonum: u8,
    pub proto: Option<&'static Proto>,
    pub event_mask: u32,
    pub output: u32,
    pub buffer_size: Option<u64>,
    pub tmpl: Template,
    /// --mask-src/--mask-dst prefix lengths as given.
    pub mask_src: Option<IpAddr>,
    pub mask_dst: Option<IpAddr>,
}

const PROTO_OPT_BASE: u32 = 0x1000;

fn long_opts(p: Option<&Proto>) -> Vec<LongOpt> {
    let mut v = LONG_OPTS.to_vec();
    if let Some(p) = p {
        for (name, col) in p.opts() {
            v.push(LongOpt {
                name,
                has_arg: HasArg::Required,
                val: PROTO_OPT_BASE + col as u32,
            });
        }
    }
    v
}

/// C's strtoul(s, &end, 0) with `*end == '\0'` required (None otherwise).
pub fn strtoul(s: &str) -> Option<u64> {
    let t = s.trim_start();
    let (t, neg) = match t.strip_prefix('-') {
        Some(r) => (r, true),
        None => (t.strip_prefix('+').unwrap_or(t), false),
    };
    let (digits, radix) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (h, 16)
    } else if t.len() > 1 && t.starts_with('0') {
        (&t[1..], 8)
    } else {
        (t, 10)
    };
    if digits.is_empty() {
        return if radix == 8 { Some(0) } else { None };
    }
    let v = u64::from_str_radix(digits, radix).ok()?;
    Some(if neg { v.wrapping_neg() } else { v })
}

/// C's strtoul(s, NULL, 0): the longest valid prefix, 0 when none.
pub fn strtoul_lax(s: &str) -> u64 {
    let t = s.trim_start();
    let (t, neg) = match t.strip_prefix('-') {
        Some(r) => (r, true),
        None => (t.strip_prefix('+').unwrap_or(t), false),
    };
    let (body, radix) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (h, 16)
    } else if t.starts_with('0') {
        (t, 8)
    } else {
        (t, 10)
    };
    let mut v: u64 = 0;
    for c in body.chars() {
        match c.to_digit(radix) {
            Some(d) => v = v.saturating_mul(radix as u64).saturating_add(d as u64),
            None => break,
        }
    }
    if neg {
        v.wrapping_neg()
    } else {
        v
    }
}

/// C's atoi/atol: optional sign and decimal digits, 0 when none.
pub fn atol(s: &str) -> i64 {
    let t = s.trim_start();
    let (t, neg) = match t.strip_prefix('-') {
        Some(r) => (r, true),
        None => (t.strip_prefix('+').unwrap_or(t), false),
    };
    let mut v: i64 = 0;
    for c in t.chars() {
        match c.to_digit(10) {
            Some(d) => v = v.wrapping_mul(10).wrapping_add(d as i64),
            None => break,
        }
    }
    if neg {
        -v
    } else {
        v
    }
}

/// glibc's inet_aton: 1 to 4 parts, each decimal, octal or hex.
pub fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut vals = Vec::with_capacity(4);
    for p in &parts {
        if p.is_empty() || !p.chars().next()?.is_ascii_digit() {
            return None;
        }
        vals.push(strtoul(p).filter(|v| *v <= u32::MAX as u64)? as u32);
    }
    let last = *vals.last()?;
    let n = vals.len();
    let max_last: u64 = match n {
        1 => u32::MAX as u64,
        2 => 0xff_ffff,
        3 => 0xffff,
        _ => 0xff,
    };
    if vals[..n - 1].iter().any(|v| *v > 0xff) || last as u64 > max_last {
        return None;
    }
    let mut addr: u32 = 0;
    for (i, v) in vals[..n - 1].iter().enumerate() {
        addr |= v << (24 - 8 * i);
    }
    Some(Ipv4Addr::from(addr | last))
}

/// conntrack's parse_addr: an address and its /prefix (None = none given,
/// Some(-2) = invalid).
fn parse_addr(arg: &str) -> (Option<IpAddr>, Option<i64>) {
    let buf: String = arg.chars().take(45).collect();
    let (addr, mask) = match buf.split_once('/') {
        Some((a, m)) => {
            let ok = !m.is_empty() && m.chars().all(|c| c.is_ascii_digit());
            let v = if ok {
                m.parse::<i64>().unwrap_or(-2)
            } else {
                -2
            };
            (a.to_string(), Some(v))
        }
        None => (buf, None),
    };
    let ip = inet_aton(&addr)
        .map(IpAddr::V4)
        .or_else(|| addr.parse::<Ipv6Addr>().ok().map(IpAddr::V6));
    let mask = match (ip, mask) {
        (Some(IpAddr::V4(_)), Some(m)) if m > 32 => Some(-2),
        (Some(IpAddr::V6(_)), Some(m)) if m > 128 => Some(-2),
        (_, m) => m,
    };
    (ip, mask)
}

fn family_of(ip: IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => libc::AF_INET as u8,
        IpAddr::V6(_) => libc::AF_INET6 as u8,
    }
}

fn set_family(family: &mut u8, new: u8) -> Result<()> {
    if *family == 0 {
        *family = new;
    } else if *family != new {
        return param("mismatched address family");
    }
    Ok(())
}

fn netmask(family: u8, bits: i64) -> IpAddr {
    let b = bits.clamp(0, 128) as u32;
    if family == libc::AF_INET as u8 {
        IpAddr::V4(Ipv4Addr::from(if b == 0 {
            0
        } else {
            u32::MAX << (32 - b.min(32))
        }))
    } else {
        IpAddr::V6(Ipv6Addr::from(if b == 0 {
            0
        } else {
            u128::MAX << (128 - b)
        }))
    }
}
