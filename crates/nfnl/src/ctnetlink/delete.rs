// SPDX-License-Identifier: Apache-2.0
//! The per-entry IPCTNL_MSG_CT_DELETE of `conntrack -D`, built in a fixed
//! buffer: byte for byte what [`super::ct_delete_into`] writes, for entries
//! whose tuple holds only what this layer knows.
//!
//! Why a second encoder: the release build optimises for size, where every
//! `Vec::extend_from_slice` of two or four bytes in [`crate::attr::Writer`]
//! is a call to musl's `memcpy` (`rep movs`), about 30 calls per message and
//! half of `conntrack -D`'s user time over 100k entries. Here every store has
//! a size known at compile time.

use std::net::IpAddr;

use super::attribute::*;
use super::message::Conntrack;
use super::tuple::Tuple;
use crate::attr::NLA_F_NESTED;
use crate::msg::{nfnl_type, NFNETLINK_V0, NFNL_SUBSYS_CTNETLINK, NLM_F_ACK, NLM_F_REQUEST};

/// Room for the largest message (144 bytes): header 20; tuple nest 4, IPv6
/// addresses 44, proto nest 52, tuple zone 8; id 8; zone 8.
const CAP: usize = 160;

/// A reusable delete message. [`DeleteMsg::fill`] rebuilds it per entry.
pub struct DeleteMsg {
    b: [u8; CAP],
    n: usize,
    ok: bool,
}

impl Default for DeleteMsg {
    fn default() -> Self {
        DeleteMsg {
            b: [0; CAP],
            n: 0,
            ok: true,
        }
    }
}

impl DeleteMsg {
    /// Build the delete naming `ct` (original tuple, id, zone; family from
    /// the tuple). False when the entry does not fit the fixed layout (the
    /// tuple carries attributes kept raw): use `ct_delete_into` then.
    pub fn fill(&mut self, seq: u32, ct: &Conntrack) -> bool {
        self.n = 0;
        self.ok = true;
        if ct.orig.as_ref().is_some_and(|t| !t.other.is_empty()) {
            return false;
        }
        self.put(0u32.to_ne_bytes());
        self.put(nfnl_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE).to_ne_bytes());
        self.put((NLM_F_ACK | NLM_F_REQUEST).to_ne_bytes());
        self.put(seq.to_ne_bytes());
        self.put(0u32.to_ne_bytes());
        self.put([ct.l3family(), NFNETLINK_V0]);
        self.put(0u16.to_be_bytes());
        if let Some(t) = &ct.orig {
            self.tuple(t);
        }
        if let Some(v) = ct.id {
            self.attr(CTA_ID, v.to_be_bytes());
        }
        if let Some(v) = ct.zone {
            self.attr(CTA_ZONE, v.to_be_bytes());
        }
        let len = (self.n as u32).to_ne_bytes();
        self.set(0, len);
        self.ok
    }

    /// The message built by the last successful [`DeleteMsg::fill`].
    pub fn as_bytes(&self) -> &[u8] {
        self.b.get(..self.n).unwrap_or(&[])
    }

    /// As `Tuple::emit(w, CTA_TUPLE_ORIG)` for a tuple without raw attributes.
    fn tuple(&mut self, t: &Tuple) {
        let outer = self.nest_start(CTA_TUPLE_ORIG);
        if t.src.is_some() || t.dst.is_some() {
            let ip = self.nest_start(CTA_TUPLE_IP);
            for (addr, v4kind, v6kind) in [
                (t.src, CTA_IP_V4_SRC, CTA_IP_V6_SRC),
                (t.dst, CTA_IP_V4_DST, CTA_IP_V6_DST),
            ] {
                match addr {
                    Some(IpAddr::V4(a)) => self.attr(v4kind, a.octets()),
                    Some(IpAddr::V6(a)) => self.attr(v6kind, a.octets()),
                    None => {}
                }
            }
            self.nest_end(ip);
        }
        if let Some(proto) = t.proto {
            let p = self.nest_start(CTA_TUPLE_PROTO);
            self.attr(CTA_PROTO_NUM, [proto]);
            let v6 = proto == IPPROTO_ICMPV6;
            let pick = |a: u16, b: u16| if v6 { b } else { a };
            if let Some(v) = t.src_port {
                self.attr(CTA_PROTO_SRC_PORT, v.to_be_bytes());
            }
            if let Some(v) = t.dst_port {
                self.attr(CTA_PROTO_DST_PORT, v.to_be_bytes());
            }
            if let Some(v) = t.icmp_id {
                self.attr(
                    pick(CTA_PROTO_ICMP_ID, CTA_PROTO_ICMPV6_ID),
                    v.to_be_bytes(),
                );
            }
            if let Some(v) = t.icmp_type {
                self.attr(pick(CTA_PROTO_ICMP_TYPE, CTA_PROTO_ICMPV6_TYPE), [v]);
            }
            if let Some(v) = t.icmp_code {
                self.attr(pick(CTA_PROTO_ICMP_CODE, CTA_PROTO_ICMPV6_CODE), [v]);
            }
            self.nest_end(p);
        }
        if let Some(z) = t.zone {
            self.attr(CTA_TUPLE_ZONE, z.to_be_bytes());
        }
        self.nest_end(outer);
    }

    /// Append `N` bytes (a fixed-size move, never a `memcpy` call).
    fn put<const N: usize>(&mut self, a: [u8; N]) {
        let end = self.n + N;
        self.set(self.n, a);
        if self.ok {
            self.n = end;
        }
    }

    /// Overwrite `N` bytes at `at`; out of room marks the message unusable.
    fn set<const N: usize>(&mut self, at: usize, a: [u8; N]) {
        let slot = self
            .b
            .get_mut(at..at + N)
            .and_then(|d| <&mut [u8; N]>::try_from(d).ok());
        match slot {
            Some(d) => *d = a,
            None => self.ok = false,
        }
    }

    /// One attribute with an `N`-byte payload, padded to 4 bytes.
    fn attr<const N: usize>(&mut self, kind: u16, v: [u8; N]) {
        self.put(((4 + N) as u16).to_ne_bytes());
        self.put(kind.to_ne_bytes());
        self.put(v);
        match N % 4 {
            1 => self.put([0u8; 3]),
            2 => self.put([0u8; 2]),
            3 => self.put([0u8; 1]),
            _ => {}
        }
    }

    fn nest_start(&mut self, kind: u16) -> usize {
        let at = self.n;
        self.put(0u16.to_ne_bytes());
        self.put((kind | NLA_F_NESTED).to_ne_bytes());
        at
    }

    fn nest_end(&mut self, at: usize) {
        let len = ((self.n - at) as u16).to_ne_bytes();
        self.set(at, len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::Writer;
    use crate::ctnetlink::{ct_delete_into, RawAttr};

    fn tuple(src: &str, dst: &str, proto: Option<u8>) -> Tuple {
        Tuple {
            src: src.parse().ok(),
            dst: dst.parse().ok(),
            proto,
            ..Default::default()
        }
    }

    fn entries() -> Vec<Conntrack> {
        let mut out = Vec::new();
        let mut udp = tuple("10.0.0.1", "10.96.0.10", Some(IPPROTO_UDP));
        udp.src_port = Some(40000);
        udp.dst_port = Some(53);
        let mut tcp6 = tuple("fd00::1", "fd96::a", Some(IPPROTO_TCP));
        tcp6.src_port = Some(1);
        tcp6.dst_port = Some(443);
        tcp6.zone = Some(7);
        let mut icmp = tuple("192.168.1.1", "192.168.1.2", Some(IPPROTO_ICMP));
        icmp.icmp_id = Some(0x1234);
        icmp.icmp_type = Some(8);
        icmp.icmp_code = Some(0);
        let mut icmp6 = tuple("fe80::1", "fe80::2", Some(IPPROTO_ICMPV6));
        icmp6.icmp_id = Some(9);
        icmp6.icmp_type = Some(128);
        icmp6.icmp_code = Some(0);
        let gre = tuple("10.1.1.1", "10.2.2.2", Some(47));
        let bare = tuple("", "", None);
        for (i, t) in [udp, tcp6, icmp, icmp6, gre, bare].into_iter().enumerate() {
            out.push(Conntrack {
                family: libc::AF_INET as u8,
                orig: Some(t),
                id: (i % 2 == 0).then_some(0xdead_0000 + i as u32),
                zone: (i % 3 == 1).then_some(3),
                ..Default::default()
            });
        }
        out.push(Conntrack::default());
        out
    }

    #[test]
    fn same_bytes_as_the_writer() {
        let mut fast = DeleteMsg::default();
        let mut w = Writer::new();
        for (i, ct) in entries().iter().enumerate() {
            let seq = 1000 + i as u32;
            assert!(fast.fill(seq, ct), "entry {i} fits");
            ct_delete_into(&mut w, seq, ct);
            assert_eq!(fast.as_bytes(), w.as_bytes(), "entry {i}: {ct:?}");
        }
    }

    #[test]
    fn raw_tuple_attributes_are_left_to_the_writer() {
        let mut ct = entries().remove(0);
        if let Some(t) = ct.orig.as_mut() {
            t.other.push(RawAttr {
                kind: 99,
                nested: false,
                value: vec![1, 2, 3],
            });
        }
        assert!(!DeleteMsg::default().fill(1, &ct));
    }
}
