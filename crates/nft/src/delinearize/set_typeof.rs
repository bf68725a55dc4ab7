// SPDX-License-Identifier: Apache-2.0
//! `typeof` set declarations from the set userdata (NFTNL_UDATA_SET_KEY_TYPEOF
//! / _DATA_TYPEOF): `{ 0: expression type, 1: { expression data } }`, where a
//! concatenation's data lists one such pair per part. nft writes payloads
//! as (protocol description id, template index), meta and ct as their keys.
//! Anything not understood gives `None` and the set prints with `type`.

use nfnl::nftables::udata;

use crate::ast::{self, meta_key_by_id, CtDir, Expr, ExprKind, NumgenMode, Proto, Span, FIELDS};

// nftables' enum expr_types values stored in the userdata.
const EXPR_PAYLOAD: u32 = 7;
const EXPR_META: u32 = 9;
const EXPR_CT: u32 = 12;
const EXPR_CONCAT: u32 = 13;
const EXPR_NUMGEN: u32 = 23;

/// nftables' enum proto_desc_id → our protocol, and its template names in
/// template order (index 1 is the first field).
fn proto_templates(desc: u32) -> Option<(Proto, &'static [&'static str])> {
    Some(match desc {
        4 => (
            Proto::Icmp,
            &[
                "type", "code", "checksum", "id", "sequence", "gateway", "mtu",
            ],
        ),
        6 => (Proto::Udp, &["sport", "dport", "length", "checksum"]),
        8 => (
            Proto::Tcp,
            &[
                "sport", "dport", "sequence", "ackseq", "doff", "reserved", "flags", "window",
                "checksum", "urgptr",
            ],
        ),
        10 => (Proto::Sctp, &["sport", "dport", "vtag", "checksum"]),
        11 => (Proto::Th, &["sport", "dport"]),
        12 => (
            Proto::Ip,
            &[
                "version",
                "hdrlength",
                "dscp",
                "ecn",
                "length",
                "id",
                "frag-off",
                "ttl",
                "protocol",
                "checksum",
                "saddr",
                "daddr",
            ],
        ),
        13 => (
            Proto::Ip6,
            &[
                "version",
                "dscp",
                "ecn",
                "flowlabel",
                "length",
                "nexthdr",
                "hoplimit",
                "saddr",
                "daddr",
            ],
        ),
        17 => (Proto::Ether, &["daddr", "saddr", "type"]),
        _ => return None,
    })
}

fn u32_at(tlvs: &[(u8, &[u8])], kind: u8) -> Option<u32> {
    tlvs.iter()
        .find(|(k, _)| *k == kind)
        .and_then(|(_, v)| udata::u32_of(v))
}

fn one(etype: u32, data: &[u8]) -> Option<Vec<Expr>> {
    let tlvs: Vec<(u8, &[u8])> = udata::iter(data).collect();
    let e = |k| Expr::new(k, Span::NONE);
    Some(match etype {
        EXPR_PAYLOAD => {
            let (proto, names) = proto_templates(u32_at(&tlvs, 0)?)?;
            let name = *names.get((u32_at(&tlvs, 1)? as usize).checked_sub(1)?)?;
            let f = FIELDS.iter().find(|f| f.proto == proto && f.name == name)?;
            vec![e(ExprKind::Payload(f))]
        }
        EXPR_META => vec![e(ExprKind::Meta(meta_key_by_id(u32_at(&tlvs, 0)?)?))],
        EXPR_CT => {
            let key = ast::ct_key_by_id(u32_at(&tlvs, 0)?)?;
            let dir = match u32_at(&tlvs, 1) {
                Some(0) => Some(CtDir::Original),
                Some(1) => Some(CtDir::Reply),
                _ => None,
            };
            vec![e(ExprKind::Ct { key, dir })]
        }
        EXPR_NUMGEN => {
            let mode = if u32_at(&tlvs, 0)? == 1 {
                NumgenMode::Random
            } else {
                NumgenMode::Inc
            };
            vec![e(ExprKind::Numgen {
                mode,
                modulus: u32_at(&tlvs, 1)?,
                offset: u32_at(&tlvs, 2).unwrap_or(0),
            })]
        }
        EXPR_CONCAT => {
            let mut out = Vec::new();
            for (_, part) in tlvs {
                out.extend(typeof_exprs(part)?);
            }
            // `type a . b` declarations leave an empty concatenation here.
            if out.is_empty() {
                return None;
            }
            out
        }
        _ => return None,
    })
}

/// The expressions of a typeof declaration, or `None` when unknown.
pub fn typeof_exprs(buf: &[u8]) -> Option<Vec<Expr>> {
    let tlvs: Vec<(u8, &[u8])> = udata::iter(buf).collect();
    let etype = u32_at(&tlvs, 0)?;
    let data = tlvs.iter().find(|(k, _)| *k == 1).map(|(_, v)| *v)?;
    one(etype, data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::{text, Opts};

    fn tlv(kind: u8, v: &[u8]) -> Vec<u8> {
        let mut out = vec![kind, v.len() as u8];
        out.extend_from_slice(v);
        out
    }

    fn expr(etype: u32, data: Vec<u8>) -> Vec<u8> {
        [tlv(0, &etype.to_ne_bytes()), tlv(1, &data)].concat()
    }

    fn show(buf: &[u8]) -> String {
        typeof_exprs(buf)
            .map(|v| {
                v.iter()
                    .map(|x| text::expr(x, &Opts::default()))
                    .collect::<Vec<_>>()
                    .join(" . ")
            })
            .unwrap_or_else(|| "-".into())
    }

    #[test]
    fn decodes_what_nft_writes() {
        let ip_saddr = expr(
            7,
            [tlv(0, &12u32.to_ne_bytes()), tlv(1, &11u32.to_ne_bytes())].concat(),
        );
        let tcp_dport = expr(
            7,
            [tlv(0, &8u32.to_ne_bytes()), tlv(1, &2u32.to_ne_bytes())].concat(),
        );
        assert_eq!(show(&ip_saddr), "ip saddr");
        assert_eq!(show(&expr(9, tlv(0, &3u32.to_ne_bytes()))), "meta mark");
        let ct = [tlv(0, &12u32.to_ne_bytes()), tlv(1, &0u32.to_ne_bytes())].concat();
        assert_eq!(show(&expr(12, ct)), "ct original proto-dst");
        let concat = [tlv(0, &ip_saddr), tlv(1, &tcp_dport)].concat();
        assert_eq!(show(&expr(13, concat)), "ip saddr . tcp dport");
        assert_eq!(show(&expr(99, vec![])), "-");
        assert_eq!(show(&expr(13, vec![])), "-");
        assert_eq!(show(&[3, 200, 1]), "-");
    }
}
