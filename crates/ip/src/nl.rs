// SPDX-License-Identifier: Apache-2.0
//! A small synchronous NETLINK_ROUTE request loop (iproute2's libnetlink.c):
//! build a message, send it, then read the ack, the one answer, or the
//! whole dump. Extended acks are on, so kernel error texts come back.

use netlink_packet_core::{Emitable, NetlinkHeader};
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr};

pub const NLMSG_ERROR: u16 = 2;
pub const NLMSG_DONE: u16 = 3;
pub const NLM_F_REQUEST: u16 = 0x1;
pub const NLM_F_MULTI: u16 = 0x2;
pub const NLM_F_ACK: u16 = 0x4;
pub const NLM_F_DUMP_INTR: u16 = 0x10;
pub const NLM_F_ROOT: u16 = 0x100;
pub const NLM_F_MATCH: u16 = 0x200;
pub const NLM_F_DUMP: u16 = NLM_F_ROOT | NLM_F_MATCH;
pub const NLM_F_REPLACE: u16 = 0x100;
pub const NLM_F_EXCL: u16 = 0x200;
pub const NLM_F_CREATE: u16 = 0x400;
pub const NLM_F_APPEND: u16 = 0x800;
const NLM_F_CAPPED: u16 = 0x100;
const NLM_F_ACK_TLVS: u16 = 0x200;
const NLMSGERR_ATTR_MSG: u16 = 1;
pub const NLA_F_NESTED: u16 = 0x8000;

const RECV_BUF: usize = 1 << 17;

/// An error the kernel returned, with its extended-ack text if any.
#[derive(Debug, Clone)]
pub struct KernelError {
    pub errno: i32,
    pub msg: Option<String>,
}

impl KernelError {
    pub fn local(errno: i32) -> KernelError {
        KernelError { errno, msg: None }
    }
    fn io(e: &std::io::Error) -> KernelError {
        KernelError::local(e.raw_os_error().unwrap_or(libc::EIO))
    }
    /// The stderr text iproute2 prints for it (with the newline).
    pub fn describe(&self) -> String {
        match &self.msg {
            Some(m) if !m.is_empty() => {
                let dot = if m.ends_with('.') { "" } else { "." };
                format!("Error: {m}{dot}\n")
            }
            _ => format!(
                "RTNETLINK answers: {}\n",
                kcommon::errno::strerror(self.errno)
            ),
        }
    }
}

/// One request being built: header, fixed family struct, attributes.
pub struct Msg {
    ty: u16,
    flags: u16,
    buf: Vec<u8>,
    nests: Vec<usize>,
}

fn align4(n: usize) -> usize {
    (n + 3) & !3
}

impl Msg {
    pub fn new(ty: u16, flags: u16, fixed: &[u8]) -> Msg {
        let mut buf = vec![0u8; 16];
        buf.extend_from_slice(fixed);
        buf.resize(align4(buf.len()), 0);
        Msg {
            ty,
            flags: flags | NLM_F_REQUEST,
            buf,
            nests: Vec::new(),
        }
    }
    /// A request whose body is a typed netlink-packet-route message
    /// (`LinkMessage`, `AddressMessage`, `RouteMessage`, …: its header
    /// struct and typed attributes, emitted by the crate).
    pub fn typed<M: Emitable>(ty: u16, flags: u16, body: &M) -> Msg {
        let mut m = Msg::new(ty, flags, &[]);
        let start = m.buf.len();
        m.buf.resize(start + body.buffer_len(), 0);
        body.emit(&mut m.buf[start..]);
        m.buf.resize(align4(m.buf.len()), 0);
        m
    }
    /// Append typed attributes (`LinkAttribute`, `RouteAttribute`, …).
    pub fn nla<A: Emitable>(&mut self, a: &A) -> &mut Msg {
        let start = self.buf.len();
        self.buf.resize(start + a.buffer_len(), 0);
        a.emit(&mut self.buf[start..]);
        self.buf.resize(align4(self.buf.len()), 0);
        self
    }
    pub fn attr(&mut self, ty: u16, data: &[u8]) -> &mut Msg {
        let len = 4 + data.len();
        self.buf.extend_from_slice(&(len as u16).to_ne_bytes());
        self.buf.extend_from_slice(&ty.to_ne_bytes());
        self.buf.extend_from_slice(data);
        self.buf.resize(align4(self.buf.len()), 0);
        self
    }
    pub fn u8(&mut self, ty: u16, v: u8) -> &mut Msg {
        self.attr(ty, &[v])
    }
    pub fn u16(&mut self, ty: u16, v: u16) -> &mut Msg {
        self.attr(ty, &v.to_ne_bytes())
    }
    pub fn be16(&mut self, ty: u16, v: u16) -> &mut Msg {
        self.attr(ty, &v.to_be_bytes())
    }
    pub fn u32(&mut self, ty: u16, v: u32) -> &mut Msg {
        self.attr(ty, &v.to_ne_bytes())
    }
    /// A NUL-terminated string attribute.
    pub fn str(&mut self, ty: u16, s: &str) -> &mut Msg {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        self.attr(ty, &v)
    }
    pub fn flag(&mut self, ty: u16) -> &mut Msg {
        self.attr(ty, &[])
    }
    pub fn nest_start(&mut self, ty: u16) -> &mut Msg {
        self.nests.push(self.buf.len());
        self.attr(ty | NLA_F_NESTED, &[])
    }
    pub fn nest_end(&mut self) -> &mut Msg {
        if let Some(start) = self.nests.pop() {
            let len = (self.buf.len() - start) as u16;
            self.buf[start..start + 2].copy_from_slice(&len.to_ne_bytes());
        }
        self
    }
    /// The attributes after a fixed struct of `fixed_len` bytes.
    pub fn attrs_after(&self, fixed_len: usize) -> &[u8] {
        self.buf.get(16 + align4(fixed_len)..).unwrap_or(&[])
    }
    /// Append already-encoded bytes (attributes of a nested message).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Msg {
        self.buf.extend_from_slice(bytes);
        self.buf.resize(align4(self.buf.len()), 0);
        self
    }
    /// Bytes of the fixed struct (after the netlink header), for edits.
    pub fn fixed_mut(&mut self) -> &mut [u8] {
        &mut self.buf[16..]
    }
    /// Frame it: netlink-packet-core's `NetlinkHeader` (length, type,
    /// flags, sequence; port 0 = the kernel fills it in).
    fn finish(&mut self, seq: u32) -> &[u8] {
        let mut hdr = NetlinkHeader::default();
        hdr.length = self.buf.len() as u32;
        hdr.message_type = self.ty;
        hdr.flags = self.flags;
        hdr.sequence_number = seq;
        hdr.emit(&mut self.buf[..16]);
        &self.buf
    }
    fn add_flags(&mut self, f: u16) {
        self.flags |= f;
    }
}

/// One received message: its type, flags and payload (after the header).
pub struct Reply<'a> {
    pub ty: u16,
    pub flags: u16,
    pub data: &'a [u8],
}

/// The netlink header at `off` of a datagram: (type, flags, seq, length),
/// None at the end or on a header that does not fit.
fn header_at(buf: &[u8], off: usize) -> Option<(u16, u16, u32, usize)> {
    let h = buf.get(off..off + 16)?;
    let len = u32::from_ne_bytes([h[0], h[1], h[2], h[3]]) as usize;
    if len < 16 || off + len > buf.len() {
        return None;
    }
    let ty = u16::from_ne_bytes([h[4], h[5]]);
    let flags = u16::from_ne_bytes([h[6], h[7]]);
    let seq = u32::from_ne_bytes([h[8], h[9], h[10], h[11]]);
    Some((ty, flags, seq, len))
}

/// Split a datagram into messages.
fn split(buf: &[u8]) -> Vec<(u16, u16, u32, &[u8])> {
    let mut out = Vec::new();
    let mut off = 0;
    while let Some((ty, flags, seq, len)) = header_at(buf, off) {
        out.push((ty, flags, seq, &buf[off + 16..off + len]));
        off += align4(len);
    }
    out
}

/// NLMSG_DONE / NLMSG_ERROR of a dump: Some(Ok) at its end, Some(Err) when
/// it failed, None for a message of the dump itself.
fn end_of_dump(ty: u16, flags: u16, data: &[u8]) -> Option<Result<(), KernelError>> {
    match ty {
        NLMSG_DONE => {
            let err = if data.len() >= 4 {
                i32::from_ne_bytes([data[0], data[1], data[2], data[3]])
            } else {
                0
            };
            if err < 0 {
                let msg = if flags & NLM_F_ACK_TLVS != 0 {
                    extack_msg(data.get(4..).unwrap_or(&[]))
                } else {
                    None
                };
                return Some(Err(KernelError { errno: -err, msg }));
            }
            Some(Ok(()))
        }
        NLMSG_ERROR => {
            let e = decode_error(flags, data);
            Some(if e.errno != 0 { Err(e) } else { Ok(()) })
        }
        _ => None,
    }
}

/// Decode an NLMSG_ERROR payload (capped) into errno (positive) and extack.
fn decode_error(flags: u16, data: &[u8]) -> KernelError {
    let errno = if data.len() >= 4 {
        -i32::from_ne_bytes([data[0], data[1], data[2], data[3]])
    } else {
        libc::EIO
    };
    let mut msg = None;
    if flags & NLM_F_ACK_TLVS != 0 && data.len() >= 20 {
        let mut off = 20;
        if flags & NLM_F_CAPPED == 0 {
            let olen = u32::from_ne_bytes([data[4], data[5], data[6], data[7]]) as usize;
            off = 4 + align4(olen.max(16));
        }
        msg = extack_msg(data.get(off..).unwrap_or(&[]));
    }
    KernelError { errno, msg }
}

fn extack_msg(tlvs: &[u8]) -> Option<String> {
    for (ty, val) in crate::attr::iter(tlvs) {
        if ty == NLMSGERR_ATTR_MSG {
            return Some(crate::attr::cstr(val).to_string());
        }
    }
    None
}

/// A whole dump: the payloads back to back, and where each one is.
#[derive(Default)]
pub struct Dump {
    buf: Vec<u8>,
    msgs: Vec<(u16, usize, usize)>,
}

impl Dump {
    /// A dump of one message (a listing of one object by request).
    pub fn one(ty: u16, data: &[u8]) -> Dump {
        Dump {
            buf: data.to_vec(),
            msgs: vec![(ty, 0, data.len())],
        }
    }
    /// (message type, payload) in the order the kernel sent them.
    pub fn iter(&self) -> impl Iterator<Item = (u16, &[u8])> {
        self.msgs
            .iter()
            .filter_map(|&(ty, s, e)| Some((ty, self.buf.get(s..e)?)))
    }
}

pub struct Nl {
    sock: Socket,
    seq: u32,
    buf: Vec<u8>,
}

impl Nl {
    pub fn open() -> Result<Nl, KernelError> {
        let mut sock = Socket::new(NETLINK_ROUTE).map_err(|e| KernelError::io(&e))?;
        sock.bind_auto().map_err(|e| KernelError::io(&e))?;
        let _ = sock.set_ext_ack(true);
        let _ = sock.set_cap_ack(true);
        let _ = sock.set_netlink_get_strict_chk(true);
        let seq = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as u32)
            .unwrap_or(1);
        Ok(Nl {
            sock,
            seq,
            buf: Vec::with_capacity(RECV_BUF),
        })
    }

    fn send(&mut self, msg: &mut Msg) -> Result<u32, KernelError> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let bytes = msg.finish(seq);
        let kernel = SocketAddr::new(0, 0);
        self.sock
            .send_to(bytes, &kernel, 0)
            .map_err(|e| KernelError::io(&e))?;
        Ok(seq)
    }

    fn recv(&mut self) -> Result<(), KernelError> {
        self.buf.clear();
        self.buf.reserve(RECV_BUF);
        loop {
            match self.sock.recv(&mut self.buf, 0) {
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(KernelError::io(&e)),
            }
        }
    }

    /// Send a request that wants an ack; Ok when the kernel says 0.
    pub fn talk(&mut self, mut msg: Msg) -> Result<(), KernelError> {
        msg.add_flags(NLM_F_ACK);
        self.exchange(msg).map(|_| ())
    }

    /// Send a request and return the kernel's one answer (e.g. RTM_GETROUTE).
    pub fn request(&mut self, msg: Msg) -> Result<(u16, Vec<u8>), KernelError> {
        match self.exchange(msg)? {
            Some(r) => Ok(r),
            None => Err(KernelError::local(libc::ENODATA)),
        }
    }

    fn exchange(&mut self, mut msg: Msg) -> Result<Option<(u16, Vec<u8>)>, KernelError> {
        let seq = self.send(&mut msg)?;
        loop {
            self.recv()?;
            let mut answer = None;
            for (ty, flags, mseq, data) in split(&self.buf) {
                if mseq != seq {
                    continue;
                }
                if ty == NLMSG_ERROR {
                    let e = decode_error(flags, data);
                    if e.errno != 0 {
                        return Err(e);
                    }
                    return Ok(answer);
                }
                answer = Some((ty, data.to_vec()));
            }
            if answer.is_some() {
                return Ok(answer);
            }
        }
    }

    /// Dump: `f` gets every message of the answer. Errors in the middle of
    /// the dump come back as Err (the caller prints "Dump terminated").
    pub fn dump(&mut self, mut msg: Msg, mut f: impl FnMut(&Reply<'_>)) -> Result<(), KernelError> {
        msg.add_flags(NLM_F_DUMP);
        let seq = self.send(&mut msg)?;
        loop {
            self.recv()?;
            let mut done = false;
            for (ty, flags, mseq, data) in split(&self.buf) {
                if mseq != seq {
                    continue;
                }
                match end_of_dump(ty, flags, data) {
                    Some(r) => {
                        r?;
                        done = true;
                    }
                    None => f(&Reply { ty, flags, data }),
                }
            }
            if done {
                return Ok(());
            }
        }
    }

    /// Dump into one buffer: each datagram is received straight after the
    /// one before, and the messages stay where they landed (no allocation
    /// or copy per message: a route table of 10k entries is 10k messages,
    /// 1000 links are 1.5 MB).
    pub fn dump_flat(&mut self, mut msg: Msg) -> Result<Dump, KernelError> {
        msg.add_flags(NLM_F_DUMP);
        let seq = self.send(&mut msg)?;
        let mut d = Dump::default();
        loop {
            let mut off = d.buf.len();
            d.buf.reserve(RECV_BUF);
            loop {
                match self.sock.recv(&mut d.buf, 0) {
                    Ok(_) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(KernelError::io(&e)),
                }
            }
            let mut done = false;
            while let Some((ty, flags, mseq, len)) = header_at(&d.buf, off) {
                if mseq == seq {
                    let data = &d.buf[off + 16..off + len];
                    match end_of_dump(ty, flags, data) {
                        Some(r) => {
                            r?;
                            done = true;
                        }
                        None => d.msgs.push((ty, off + 16, off + len)),
                    }
                }
                off += align4(len);
            }
            if done {
                return Ok(d);
            }
        }
    }

    /// Dump into owned messages (type, payload).
    pub fn dump_all(&mut self, msg: Msg) -> Result<Vec<(u16, Vec<u8>)>, KernelError> {
        let mut v = Vec::new();
        self.dump(msg, |r| v.push((r.ty, r.data.to_vec())))?;
        Ok(v)
    }
}
