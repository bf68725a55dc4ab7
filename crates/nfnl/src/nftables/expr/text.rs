// SPDX-License-Identifier: Apache-2.0
//! The reverse of `Display`: libnftnl's debug text (`[ cmp eq reg 1
//! 0x0100a8c0 ]`) back to an [`Expr`], so `.payload` text can drive tests of
//! the stages above nfnl without a kernel. Values come back as whole 32-bit
//! words (the text does not keep the exact length). Unknown text is an error.

use std::str::FromStr;

use super::*;
use crate::nftables::data::{Data, Verdict};

fn words(toks: &[&str]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for t in toks {
        let h = t
            .strip_prefix("0x")
            .ok_or_else(|| format!("not a hex word: {t}"))?;
        let w = u32::from_str_radix(h, 16).map_err(|_| format!("bad hex word: {t}"))?;
        out.extend_from_slice(&w.to_le_bytes());
    }
    Ok(out)
}

fn num<T: FromStr>(t: Option<&&str>) -> Result<T, String> {
    let t = t.ok_or("missing number")?;
    t.trim_end_matches("ms")
        .parse()
        .map_err(|_| format!("not a number: {t}"))
}

fn hex(t: Option<&&str>) -> Result<u32, String> {
    let t = t.ok_or("missing hex")?;
    u32::from_str_radix(t.trim_start_matches("0x"), 16).map_err(|_| format!("not hex: {t}"))
}

/// The value after `key` in `toks`.
fn after<'a>(toks: &'a [&'a str], key: &str) -> Option<&'a &'a str> {
    toks.iter()
        .position(|t| *t == key)
        .and_then(|i| toks.get(i + 1))
}

fn reg_after(toks: &[&str], key: &str) -> Result<Option<u32>, String> {
    match toks.iter().position(|t| *t == key) {
        Some(i) if toks.get(i + 1) == Some(&"reg") => num(toks.get(i + 2)).map(Some),
        Some(i) => num(toks.get(i + 1)).map(Some),
        None => Ok(None),
    }
}

fn key_of(name: &str, f: fn(u32) -> &'static str) -> Result<u32, String> {
    (0..64)
        .find(|&k| f(k) == name)
        .ok_or_else(|| format!("unknown key {name}"))
}

fn verdict_code(name: &str) -> Option<i32> {
    Some(match name {
        "accept" => NF_ACCEPT,
        "drop" => NF_DROP,
        "queue" => NF_QUEUE,
        "return" => NFT_RETURN,
        "jump" => NFT_JUMP,
        "goto" => NFT_GOTO,
        "continue" => NFT_CONTINUE,
        "break" => NFT_BREAK,
        _ => return None,
    })
}

impl FromStr for Expr {
    type Err = String;

    fn from_str(line: &str) -> Result<Expr, String> {
        let inner = line
            .trim()
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .ok_or_else(|| format!("not an expression line: {line}"))?;
        let toks: Vec<&str> = inner.split_whitespace().collect();
        let name = *toks.first().ok_or("empty expression")?;
        let t = &toks[1..];
        Ok(match name {
            "payload" if t.first() == Some(&"load") => {
                let base = match t.get(3).copied() {
                    Some("link") => NFT_PAYLOAD_LL_HEADER,
                    Some("network") => NFT_PAYLOAD_NETWORK_HEADER,
                    Some("transport") => NFT_PAYLOAD_TRANSPORT_HEADER,
                    _ => NFT_PAYLOAD_INNER_HEADER,
                };
                Expr::Payload(Payload {
                    len: Some(num(t.get(1).map(|s| s.trim_end_matches('b')).as_ref())?),
                    base: Some(base),
                    offset: Some(num(t.get(6))?),
                    dreg: reg_after(t, "=>")?,
                    ..Default::default()
                })
            }
            "cmp" => {
                let op = ["eq", "neq", "lt", "lte", "gt", "gte"]
                    .iter()
                    .position(|o| Some(o) == t.first())
                    .ok_or("bad cmp op")? as u32;
                Expr::Cmp(Cmp {
                    op: Some(op),
                    sreg: Some(num(t.get(2))?),
                    data: Some(Data::Value(words(&t[3..])?)),
                    ..Default::default()
                })
            }
            "range" => {
                let op = if t.first() == Some(&"neq") {
                    NFT_RANGE_NEQ
                } else {
                    NFT_RANGE_EQ
                };
                let vals = &t[3..];
                let half = vals.len() / 2;
                Expr::Range(Range {
                    op: Some(op),
                    sreg: Some(num(t.get(2))?),
                    from: Some(Data::Value(words(&vals[..half])?)),
                    to: Some(Data::Value(words(&vals[half..])?)),
                    ..Default::default()
                })
            }
            "meta" | "ct" => {
                let f = if name == "meta" {
                    meta_key_name
                } else {
                    ct_key_name
                };
                let key = Some(key_of(t.get(1).ok_or("missing key")?, f)?);
                let (dreg, sreg) = match t.first().copied() {
                    Some("load") => (reg_after(t, "=>")?, None),
                    _ => (None, reg_after(t, "with")?),
                };
                if name == "meta" {
                    Expr::Meta(Meta {
                        key,
                        dreg,
                        sreg,
                        ..Default::default()
                    })
                } else {
                    let direction = after(t, "dir").map(|d| u8::from(*d == "reply"));
                    Expr::Ct(Ct {
                        key,
                        dreg,
                        sreg,
                        direction,
                        ..Default::default()
                    })
                }
            }
            "immediate" => {
                let dreg = Some(num(t.get(1))?);
                let data = match t.get(2).copied().and_then(verdict_code) {
                    Some(code) => Data::Verdict(Verdict {
                        code,
                        chain: after(t, "->").map(|c| c.to_string()),
                        chain_id: None,
                    }),
                    None => Data::Value(words(&t[2..])?),
                };
                Expr::Immediate(Immediate {
                    dreg,
                    data: Some(data),
                    ..Default::default()
                })
            }
            "lookup" => Expr::Lookup(Lookup {
                sreg: Some(num(t.get(1))?),
                set: after(t, "set").map(|s| s.to_string()),
                dreg: reg_after(t, "dreg")?,
                flags: t
                    .last()
                    .filter(|x| x.starts_with("0x"))
                    .map(|x| hex(Some(x)))
                    .transpose()?,
                ..Default::default()
            }),
            "bitwise" => {
                let (dreg, sreg) = (Some(num(t.get(1))?), Some(num(t.get(5))?));
                match t.get(6).copied() {
                    Some(op @ ("<<" | ">>")) => Expr::Bitwise(Bitwise {
                        dreg,
                        sreg,
                        op: Some(if op == "<<" {
                            NFT_BITWISE_LSHIFT
                        } else {
                            NFT_BITWISE_RSHIFT
                        }),
                        len: Some(4),
                        data: Some(Data::Value(words(&t[7..t.len() - 1])?)),
                        ..Default::default()
                    }),
                    _ => {
                        let close = t.iter().position(|x| *x == ")").ok_or("bad bitwise")?;
                        let mask = words(&t[7..close])?;
                        let xor = words(&t[close + 2..])?;
                        Expr::Bitwise(Bitwise {
                            dreg,
                            sreg,
                            len: Some(mask.len() as u32),
                            mask: Some(Data::Value(mask)),
                            xor: Some(Data::Value(xor)),
                            ..Default::default()
                        })
                    }
                }
            }
            "numgen" => Expr::Numgen(Numgen {
                dreg: Some(num(t.get(1))?),
                ng_type: Some(if t.get(3) == Some(&"random") {
                    NFT_NG_RANDOM
                } else {
                    NFT_NG_INCREMENTAL
                }),
                modulus: Some(num(t.get(5))?),
                offset: after(t, "offset").map(|o| num(Some(o))).transpose()?,
                ..Default::default()
            }),
            "fib" => {
                // `fib FLAG [. FLAG…] RESULT [present] => reg N`
                let pre: Vec<&str> = t.iter().take_while(|x| **x != "=>").copied().collect();
                let present = pre.contains(&"present");
                let words: Vec<&str> = pre
                    .into_iter()
                    .filter(|x| *x != "present" && *x != ".")
                    .collect();
                let (result, names) = words.split_last().ok_or("bad fib")?;
                let mut flags = if present { NFTA_FIB_F_PRESENT } else { 0 };
                for n in names {
                    flags |= match *n {
                        "saddr" => NFTA_FIB_F_SADDR,
                        "daddr" => NFTA_FIB_F_DADDR,
                        "mark" => NFTA_FIB_F_MARK,
                        "iif" => NFTA_FIB_F_IIF,
                        "oif" => NFTA_FIB_F_OIF,
                        _ => return Err(format!("bad fib flag {n}")),
                    };
                }
                let result = ["unspec", "oif", "oifname", "type"]
                    .iter()
                    .position(|r| r == result)
                    .ok_or("bad fib result")? as u32;
                Expr::Fib(Fib {
                    dreg: reg_after(t, "=>")?,
                    result: Some(result),
                    flags: Some(flags),
                    ..Default::default()
                })
            }
            "nat" => Expr::Nat(Nat {
                nat_type: Some(if t.first() == Some(&"dnat") {
                    NFT_NAT_DNAT
                } else {
                    NFT_NAT_SNAT
                }),
                family: Some(if t.get(1) == Some(&"ip6") { 10 } else { 2 }),
                reg_addr_min: reg_after(t, "addr_min")?,
                reg_addr_max: reg_after(t, "addr_max")?,
                reg_proto_min: reg_after(t, "proto_min")?,
                reg_proto_max: reg_after(t, "proto_max")?,
                flags: after(t, "flags").map(|f| hex(Some(f))).transpose()?,
                ..Default::default()
            }),
            "masq" => Expr::Masq(Masq {
                reg_proto_min: reg_after(t, "proto_min")?,
                reg_proto_max: reg_after(t, "proto_max")?,
                flags: after(t, "flags").map(|f| hex(Some(f))).transpose()?,
                ..Default::default()
            }),
            "redir" => Expr::Redir(Redir {
                reg_proto_min: reg_after(t, "proto_min")?,
                reg_proto_max: reg_after(t, "proto_max")?,
                flags: after(t, "flags").map(|f| hex(Some(f))).transpose()?,
                ..Default::default()
            }),
            "reject" => Expr::Reject(Reject {
                reject_type: Some(num(after(t, "type"))?),
                icmp_code: Some(num(after(t, "code"))?),
                ..Default::default()
            }),
            "counter" => Expr::Counter(Counter {
                packets: Some(num(after(t, "pkts"))?),
                bytes: Some(num(after(t, "bytes"))?),
                ..Default::default()
            }),
            "dynset" => Expr::Dynset(Dynset {
                op: Some(
                    ["add", "update", "delete"]
                        .iter()
                        .position(|o| Some(o) == t.first())
                        .ok_or("bad dynset op")? as u32,
                ),
                sreg_key: reg_after(t, "reg_key")?,
                set_name: after(t, "set").map(|s| s.to_string()),
                sreg_data: reg_after(t, "sreg_data")?,
                timeout: after(t, "timeout").map(|x| num(Some(x))).transpose()?,
                ..Default::default()
            }),
            "notrack" => Expr::Notrack,
            other => return Err(format!("expression {other} is not parsed from text")),
        })
    }
}
