// SPDX-License-Identifier: Apache-2.0
//! One NETLINK_NETFILTER socket: sequence numbers, requests with acks, dumps
//! (with NLM_F_DUMP_INTR reported for a retry), whole batches, and event
//! subscriptions. Everything is synchronous: kroot's applets are one-shot.

use std::os::fd::AsRawFd;

use netlink_sys::{protocols::NETLINK_NETFILTER, Socket as RawSocket, SocketAddr};

use crate::error::{Error, KernelError};
use crate::msg::{messages, Msg, NLMSG_DONE, NLMSG_ERROR, NLM_F_DUMP_INTR};

/// Big enough for the largest datagram the kernel sends on a dump (it packs
/// up to 32 KiB, or a page more with large attributes).
const RECV_BUF: usize = 1 << 17;

pub struct Socket {
    sock: RawSocket,
    seq: u32,
    buf: Vec<u8>,
}

impl Socket {
    /// Open and bind a netfilter socket, with extended acks and capped echoes.
    pub fn open() -> Result<Self, Error> {
        let mut sock = RawSocket::new(NETLINK_NETFILTER)?;
        sock.bind_auto()?;
        // Not fatal on old kernels: we only lose the extack texts.
        let _ = sock.set_ext_ack(true);
        let _ = sock.set_cap_ack(true);
        let seq = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as u32)
            .unwrap_or(1);
        Ok(Socket {
            sock,
            seq,
            buf: Vec::with_capacity(RECV_BUF),
        })
    }

    /// A fresh sequence number.
    pub fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Send one buffer (a message or a whole batch) as one datagram. Large
    /// batches need a larger send buffer: the kernel takes a batch only whole.
    pub fn send(&self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.len() > 200_000 {
            set_sockopt_int(self.sock.as_raw_fd(), libc::SO_SNDBUFFORCE, bytes.len());
            set_sockopt_int(self.sock.as_raw_fd(), libc::SO_RCVBUFFORCE, bytes.len());
        }
        let kernel = SocketAddr::new(0, 0);
        let n = self.sock.send_to(bytes, &kernel, 0)?;
        if n != bytes.len() {
            return Err(Error::Malformed(format!(
                "short send: {n} of {}",
                bytes.len()
            )));
        }
        Ok(())
    }

    /// Receive one datagram and hand each message to `f`. With `nonblock`,
    /// returns `Ok(false)` when nothing is pending.
    pub fn recv(
        &mut self,
        nonblock: bool,
        mut f: impl FnMut(Msg<'_>) -> Result<(), Error>,
    ) -> Result<bool, Error> {
        self.buf.clear();
        self.buf.reserve(RECV_BUF);
        let flags = if nonblock { libc::MSG_DONTWAIT } else { 0 };
        match self.sock.recv(&mut self.buf, flags) {
            Ok(_) => {}
            Err(e) if nonblock && e.kind() == std::io::ErrorKind::WouldBlock => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        for m in messages(&self.buf) {
            f(m?)?;
        }
        Ok(true)
    }

    /// Send a request built with NLM_F_ACK and wait for its ack (or error).
    /// Replies other than the ack are given to `f` (e.g. NLM_F_ECHO answers).
    pub fn request(
        &mut self,
        bytes: &[u8],
        seq: u32,
        mut f: impl FnMut(Msg<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.send(bytes)?;
        let mut done = false;
        let mut result = Ok(());
        while !done {
            self.recv(false, |m| {
                if m.seq != seq {
                    return Ok(());
                }
                if m.nlmsg_type == NLMSG_ERROR {
                    done = true;
                    if let Err(e) = m.ack() {
                        result = Err(Error::Kernel(e));
                    }
                    return Ok(());
                }
                f(m)
            })?;
        }
        result
    }

    /// Send a dump request (NLM_F_DUMP) and give every reply to `f` until
    /// NLMSG_DONE. A dump the kernel marks NLM_F_DUMP_INTR is read to its end and
    /// then reported as [`Error::DumpInterrupted`]: the caller starts over.
    pub fn dump(
        &mut self,
        bytes: &[u8],
        seq: u32,
        mut f: impl FnMut(Msg<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.send(bytes)?;
        let mut done = false;
        let mut interrupted = false;
        let mut failed: Option<Error> = None;
        while !done {
            self.recv(false, |m| {
                if m.seq != seq {
                    return Ok(());
                }
                if m.flags & NLM_F_DUMP_INTR != 0 {
                    interrupted = true;
                }
                match m.nlmsg_type {
                    NLMSG_DONE => done = true,
                    NLMSG_ERROR => {
                        done = true;
                        if let Err(e) = m.ack() {
                            failed = Some(Error::Kernel(e));
                        }
                    }
                    _ if failed.is_none() => {
                        if let Err(e) = f(m) {
                            failed = Some(e);
                        }
                    }
                    _ => {}
                }
                Ok(())
            })?;
        }
        match (failed, interrupted) {
            (Some(e), _) => Err(e),
            (None, true) => Err(Error::DumpInterrupted),
            (None, false) => Ok(()),
        }
    }

    /// Send a whole batch (BATCH_BEGIN … BATCH_END) and collect every error the
    /// kernel reports for it, by sequence number. The kernel handles the batch
    /// inside `sendmsg`, so all answers are queued when it returns; acks
    /// (for messages sent with NLM_F_ACK) are given to `on_ack`.
    pub fn batch(
        &mut self,
        bytes: &[u8],
        mut on_ack: impl FnMut(u32),
    ) -> Result<Vec<KernelError>, Error> {
        self.send(bytes)?;
        let mut errors = Vec::new();
        while self.recv(true, |m| {
            if m.nlmsg_type == NLMSG_ERROR {
                match m.ack() {
                    Ok(seq) => on_ack(seq),
                    Err(e) => errors.push(e),
                }
            }
            Ok(())
        })? {}
        Ok(errors)
    }

    /// Join a multicast group (for event listeners: conntrack -E, nft monitor).
    pub fn subscribe(&self, group: u32) -> Result<(), Error> {
        self.sock.add_membership(group)?;
        Ok(())
    }

    /// Set the receive buffer size (event listeners want a large one).
    pub fn set_recv_buffer(&self, bytes: usize) {
        set_sockopt_int(self.sock.as_raw_fd(), libc::SO_RCVBUFFORCE, bytes);
    }

    /// The raw file descriptor (for poll/select in event loops).
    pub fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.sock.as_raw_fd()
    }
}

fn set_sockopt_int(fd: std::os::fd::RawFd, opt: libc::c_int, val: usize) {
    let v = val.min(i32::MAX as usize) as libc::c_int;
    // SAFETY: a plain setsockopt with a valid int-sized option value.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            opt,
            &v as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}
