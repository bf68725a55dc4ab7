// SPDX-License-Identifier: Apache-2.0
//! netlink-packet-core's traits for the ctnetlink types, so they work with
//! the rust-netlink crates: `Emitable` writes the attribute stream (what
//! follows the nfgenmsg), `Parseable<[u8]>` reads it back.

use netlink_packet_core::{DecodeError, Emitable, Parseable};

use super::message::Conntrack;
use crate::attr::{AttrIter, Writer};

impl Emitable for Conntrack {
    fn buffer_len(&self) -> usize {
        let mut w = Writer::new();
        Conntrack::emit(self, &mut w);
        w.len()
    }

    /// Writes as much as fits (never panics, unlike the trait allows).
    fn emit(&self, buffer: &mut [u8]) {
        let mut w = Writer::new();
        Conntrack::emit(self, &mut w);
        let n = w.len().min(buffer.len());
        buffer[..n].copy_from_slice(&w.as_bytes()[..n]);
    }
}

impl Parseable<[u8]> for Conntrack {
    fn parse(buf: &[u8]) -> Result<Self, DecodeError> {
        Conntrack::parse_attrs(AttrIter::new(buf))
            .map_err(|e| DecodeError::from(format!("failed to parse conntrack attributes: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctnetlink::attribute::IPPROTO_UDP;
    use crate::ctnetlink::Tuple;

    #[test]
    fn emitable_and_parseable_agree() {
        let t = Tuple {
            src: "10.0.0.1".parse().ok(),
            dst: "10.0.0.2".parse().ok(),
            proto: Some(IPPROTO_UDP),
            src_port: Some(1),
            dst_port: Some(2),
            ..Tuple::default()
        };
        let ct = Conntrack {
            orig: Some(t),
            mark: Some(3),
            ..Conntrack::default()
        };
        let mut buf = vec![0u8; Emitable::buffer_len(&ct)];
        Emitable::emit(&ct, &mut buf);
        let back = <Conntrack as Parseable<[u8]>>::parse(&buf[..]).unwrap();
        assert_eq!(back, ct);
        assert!(<Conntrack as Parseable<[u8]>>::parse(&[0xff, 0xff, 1, 0, 9][..]).is_err());
        Emitable::emit(&ct, &mut [0u8; 3]); // too small: truncated, no panic
    }
}
