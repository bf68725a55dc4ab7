// SPDX-License-Identifier: Apache-2.0
//! nfnetlink messages: `nlmsghdr` + `nfgenmsg` + attributes.
//!
//! Writing: [`Writer::msg_start`] / [`Writer::msg_end`] bracket one message in a
//! batch buffer. Reading: [`messages`] splits a received datagram into [`Msg`]s.

use netlink_packet_core::NetlinkBuffer;

use crate::attr::{AttrIter, Writer};
use crate::error::{Error, KernelError};

pub const NLMSG_HDRLEN: usize = 16;
pub const NFGENMSG_LEN: usize = 4;

// nlmsghdr types and flags (linux/netlink.h)
pub const NLMSG_NOOP: u16 = 1;
pub const NLMSG_ERROR: u16 = 2;
pub const NLMSG_DONE: u16 = 3;
pub const NLM_F_REQUEST: u16 = 0x01;
pub const NLM_F_MULTI: u16 = 0x02;
pub const NLM_F_ACK: u16 = 0x04;
pub const NLM_F_ECHO: u16 = 0x08;
pub const NLM_F_DUMP_INTR: u16 = 0x10;
pub const NLM_F_ROOT: u16 = 0x100;
pub const NLM_F_MATCH: u16 = 0x200;
pub const NLM_F_DUMP: u16 = NLM_F_ROOT | NLM_F_MATCH;
pub const NLM_F_REPLACE: u16 = 0x100;
pub const NLM_F_EXCL: u16 = 0x200;
pub const NLM_F_CREATE: u16 = 0x400;
pub const NLM_F_APPEND: u16 = 0x800;
pub const NLM_F_NONREC: u16 = 0x100;
pub const NLM_F_CAPPED: u16 = 0x100;
pub const NLM_F_ACK_TLVS: u16 = 0x200;
const NLMSGERR_ATTR_MSG: u16 = 1;
const NLMSGERR_ATTR_OFFS: u16 = 2;

// nfnetlink (linux/netfilter/nfnetlink.h)
pub const NFNETLINK_V0: u8 = 0;
pub const NFNL_SUBSYS_CTNETLINK: u8 = 1;
pub const NFNL_SUBSYS_CTNETLINK_EXP: u8 = 2;
pub const NFNL_SUBSYS_NFTABLES: u8 = 10;
pub const NFNL_MSG_BATCH_BEGIN: u16 = 0x10;
pub const NFNL_MSG_BATCH_END: u16 = 0x11;
/// BATCH_BEGIN attribute: the ruleset generation the batch was computed against
/// (big-endian u32); the kernel refuses the batch with ERESTART if it moved on.
pub const NFNL_BATCH_GENID: u16 = 1;

/// nlmsg_type of a netfilter message: subsystem in the high byte.
pub const fn nfnl_type(subsys: u8, msg: u8) -> u16 {
    ((subsys as u16) << 8) | msg as u16
}

/// Where a message starts in a [`Writer`]; hand it back to `msg_end`.
#[derive(Debug, Clone, Copy)]
pub struct MsgStart(usize);

impl MsgStart {
    /// Offset of the message in the writer's buffer.
    pub fn offset(self) -> usize {
        self.0
    }
}

impl Writer {
    /// Begin a message: nlmsghdr (length patched by `msg_end`) and nfgenmsg.
    pub fn msg_start(
        &mut self,
        nlmsg_type: u16,
        flags: u16,
        seq: u32,
        family: u8,
        res_id: u16,
    ) -> MsgStart {
        let start = self.len();
        // One 20-byte piece: nlmsghdr (length patched by msg_end, type, flags, seq, pid 0)
        // and nfgenmsg, built as one array (no per-field copies).
        let [t0, t1] = nlmsg_type.to_ne_bytes();
        let [f0, f1] = (flags | NLM_F_REQUEST).to_ne_bytes();
        let [s0, s1, s2, s3] = seq.to_ne_bytes();
        let [r0, r1] = res_id.to_be_bytes();
        #[rustfmt::skip]
        let h: [u8; NLMSG_HDRLEN + NFGENMSG_LEN] = [
            0, 0, 0, 0, t0, t1, f0, f1, s0, s1, s2, s3, 0, 0, 0, 0, family, NFNETLINK_V0, r0, r1,
        ];
        self.put_raw(&h);
        MsgStart(start)
    }

    /// Finish a message begun with `msg_start`.
    pub fn msg_end(&mut self, start: MsgStart) {
        let len = (self.len() - start.0) as u32;
        self.patch_u32(start.0, len);
    }

    /// A whole batch-begin or batch-end message (res_id = NFNL_SUBSYS_NFTABLES).
    pub fn batch_marker(&mut self, nlmsg_type: u16, seq: u32) {
        let m = self.msg_start(
            nlmsg_type,
            0,
            seq,
            libc::AF_UNSPEC as u8,
            NFNL_SUBSYS_NFTABLES as u16,
        );
        self.msg_end(m);
    }

    /// A BATCH_BEGIN bound to ruleset generation `genid` (NFNL_BATCH_GENID): the kernel
    /// answers it with ERESTART and runs nothing if the ruleset changed since.
    pub fn batch_begin_at(&mut self, seq: u32, genid: u32) {
        let m = self.msg_start(
            NFNL_MSG_BATCH_BEGIN,
            0,
            seq,
            libc::AF_UNSPEC as u8,
            NFNL_SUBSYS_NFTABLES as u16,
        );
        self.put_be32(NFNL_BATCH_GENID, genid);
        self.msg_end(m);
    }
}

/// One received netlink message.
#[derive(Debug, Clone, Copy)]
pub struct Msg<'a> {
    pub nlmsg_type: u16,
    pub flags: u16,
    pub seq: u32,
    pub portid: u32,
    /// Everything after the nlmsghdr (for netfilter: nfgenmsg + attributes).
    pub payload: &'a [u8],
}

impl<'a> Msg<'a> {
    /// Netfilter subsystem (high byte of the type).
    pub fn subsys(&self) -> u8 {
        (self.nlmsg_type >> 8) as u8
    }

    /// Message kind within the subsystem (low byte of the type).
    pub fn kind(&self) -> u8 {
        (self.nlmsg_type & 0xff) as u8
    }

    /// nfgenmsg.nfgen_family.
    pub fn family(&self) -> u8 {
        self.payload.first().copied().unwrap_or(0)
    }

    /// nfgenmsg.res_id (host order; the generation id in nf_tables' GETGEN reply is an attribute).
    pub fn res_id(&self) -> u16 {
        match self.payload.get(2..4) {
            Some(b) => u16::from_be_bytes([b[0], b[1]]),
            None => 0,
        }
    }

    /// The attributes after the nfgenmsg.
    pub fn attrs(&self) -> AttrIter<'a> {
        AttrIter::new(self.payload.get(NFGENMSG_LEN..).unwrap_or(&[]))
    }

    /// For NLMSG_ERROR: `Ok(seq)` for an ack, `Err` for an error.
    pub fn ack(&self) -> Result<u32, KernelError> {
        let p = self.payload;
        let errno = p
            .get(0..4)
            .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
            .unwrap_or(0);
        // The echoed request header holds the sequence number we sent.
        let seq = p
            .get(12..16)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
            .unwrap_or(self.seq);
        if errno == 0 {
            return Ok(seq);
        }
        let mut err = KernelError {
            errno: -errno,
            seq,
            msg: None,
            offset: None,
        };
        if self.flags & NLM_F_ACK_TLVS != 0 {
            // With NLM_F_CAPPED only the echoed header is there; else the whole request.
            let echoed = if self.flags & NLM_F_CAPPED != 0 {
                NLMSG_HDRLEN
            } else {
                p.get(4..8)
                    .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize)
                    .unwrap_or(NLMSG_HDRLEN)
            };
            let tlvs = p.get(4 + ((echoed + 3) & !3)..).unwrap_or(&[]);
            for a in AttrIter::new(tlvs).flatten() {
                match a.kind {
                    NLMSGERR_ATTR_MSG => err.msg = a.str().ok().map(str::to_string),
                    NLMSGERR_ATTR_OFFS => {
                        err.offset = a
                            .value
                            .get(0..4)
                            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                    }
                    _ => {}
                }
            }
        }
        Err(err)
    }
}

/// Split a datagram into messages (netlink-packet-core's `NetlinkBuffer`
/// checks the framing). Malformed framing is an error, not a panic.
pub fn messages(buf: &[u8]) -> impl Iterator<Item = Result<Msg<'_>, Error>> {
    let mut rest = buf;
    std::iter::from_fn(move || {
        if rest.len() < NLMSG_HDRLEN {
            return None;
        }
        let nl = match NetlinkBuffer::new_checked(rest) {
            Ok(nl) => nl,
            Err(e) => {
                rest = &[];
                return Some(Err(Error::Malformed(e.to_string())));
            }
        };
        let len = nl.length() as usize;
        let msg = Msg {
            nlmsg_type: nl.message_type(),
            flags: nl.flags(),
            seq: nl.sequence_number(),
            portid: nl.port_number(),
            payload: nl.payload(),
        };
        rest = rest.get((len + 3) & !3..).unwrap_or(&[]);
        Some(Ok(msg))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_roundtrip() {
        let mut w = Writer::new();
        let m = w.msg_start(nfnl_type(NFNL_SUBSYS_NFTABLES, 0), NLM_F_ACK, 7, 2, 0);
        w.put_str(1, "kube-proxy");
        w.msg_end(m);
        let msgs: Vec<_> = messages(w.as_bytes()).map(Result::unwrap).collect();
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].seq, 7);
        assert_eq!(msgs[0].subsys(), NFNL_SUBSYS_NFTABLES);
        assert_eq!(msgs[0].family(), 2);
        let a = msgs[0].attrs().next().unwrap().unwrap();
        assert_eq!(a.str().unwrap(), "kube-proxy");
    }

    #[test]
    fn garbage_does_not_panic() {
        let junk = [0xffu8; 40];
        assert!(messages(&junk).any(|m| m.is_err()));
    }
}
