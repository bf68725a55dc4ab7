// SPDX-License-Identifier: Apache-2.0
//! First pass, continued: which header a payload base means in the current
//! protocol context, and header fields narrower than the bytes loaded
//! (`ip dscp`, `ip version`), found from the mask that selects them.

use super::parse::{e, Parser, Reg};
use super::value::Part;
use crate::ast::{self, ByteOrder, ExprKind, Value};

impl Parser<'_> {
    /// The protocol whose header a payload base refers to, in this context.
    pub(super) fn proto_for(&self, base: ast::Base) -> Option<ast::Proto> {
        match base {
            ast::Base::Network => match self.family {
                2 => Some(ast::Proto::Ip),
                10 => Some(ast::Proto::Ip6),
                _ => self.l3proto,
            },
            ast::Base::Transport => Some(match self.l4proto {
                Some(6) => ast::Proto::Tcp,
                Some(17) => ast::Proto::Udp,
                Some(1) => ast::Proto::Icmp,
                Some(58) => ast::Proto::Icmpv6,
                Some(132) => ast::Proto::Sctp,
                _ => ast::Proto::Th,
            }),
            ast::Base::Link => Some(ast::Proto::Ether),
            ast::Base::Inner => None,
        }
    }

    /// A mask that selects a header field inside the loaded bytes
    /// (`ip dscp`, `ip version`): the register becomes that field.
    pub(super) fn bitfield(&self, r: &Reg, mask: &[u8]) -> Option<Reg> {
        let ExprKind::RawPayload { base, offset, len } = r.expr.kind else {
            return None;
        };
        if len > 64 || len % 8 != 0 {
            return None;
        }
        // The mask covers the loaded bytes (padding beyond them must be 0).
        let (mask, pad) = mask.split_at_checked((len / 8) as usize)?;
        if pad.iter().any(|&b| b != 0) {
            return None;
        }
        let m = mask.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64);
        let ones = m.count_ones();
        let lz = m.leading_zeros() - (64 - len);
        let sh = len - lz - ones;
        if ones == 0 || ones == len || (m >> sh).count_ones() != ones || (m >> sh) + 1 != 1 << ones
        {
            return None;
        }
        let proto = self.proto_for(base)?;
        let f = ast::FIELDS
            .iter()
            .find(|f| f.proto == proto && f.offset == offset + lz && f.len == ones)?;
        Some(Reg {
            expr: e(ExprKind::Payload(f)),
            part: Part::with_bits(f.dtype, f.len, ByteOrder::Big),
            prefix: None,
            raw: None,
            shift: Some((len, sh)),
        })
    }

    /// A constant for a shifted field: the loaded bits, shifted down.
    pub(super) fn shifted(part: &Part, bytes: &[u8], total: u32, sh: u32) -> Value {
        let n = bytes
            .iter()
            .take((total / 8) as usize)
            .fold(0u64, |acc, &b| (acc << 8) | b as u64);
        let bits = part.bits.min(63);
        Value::num(part.dtype, part.bits, (n >> sh) & ((1u64 << bits) - 1))
    }
}
