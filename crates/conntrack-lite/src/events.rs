// SPDX-License-Identifier: Apache-2.0
//! -E: print conntrack (or expectation) events until SIGINT/SIGTERM, then
//! the "N flow events have been shown." summary and exit status 0.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use nfnl::ctnetlink::attribute::*;
use nfnl::ctnetlink::{Conntrack, EventKind, Expect};
use nfnl::{Error, Socket};

use crate::error::{errno_of, other, prefix, Result};
use crate::parse::{Cmd, EV_DEL, EV_NEW, EV_UPD, O_CL, O_EXT, O_IDF, O_KTMS, O_SAVE, O_TMS, O_XML};
use crate::print::Flags;

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn install_handlers() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction with only a plain handler set is valid;
        // the handler only stores to an atomic. No SA_RESTART: poll returns EINTR.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

/// Block until the socket is readable; false when a stop signal came.
fn wait_readable(fd: i32) -> bool {
    loop {
        if STOP.load(Ordering::SeqCst) {
            return false;
        }
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&mut p, 1, -1) };
        if r > 0 {
            return true;
        }
    }
}

/// The program owning a netlink port (conntrack's get_progname): the
/// socket inode from /proc/net/netlink, then the process holding it.
fn progname(portid: u32) -> Option<String> {
    let table = std::fs::read_to_string("/proc/net/netlink").ok()?;
    let inode = table.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let proto: i32 = f.get(1)?.parse().ok()?;
        let port: u32 = f.get(2)?.parse().ok()?;
        (proto == 12 && port == portid).then(|| f.get(9)?.parse::<u64>().ok())?
    })?;
    let owner = |pid: u32| -> Option<String> {
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
        let want = format!("socket:[{inode}]");
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path()).ok()?.to_string_lossy() == want {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
                let start = stat.find('(')? + 1;
                let end = stat[start..].find(')')? + start;
                return Some(stat[start..end].to_string());
            }
        }
        None
    };
    if let Some(n) = owner(portid) {
        return Some(n);
    }
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if pid <= 1 || pid == portid {
            continue;
        }
        if let Some(n) = owner(pid) {
            return Some(n);
        }
    }
    None
}

fn timestamp_prefix() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("[{:08}.{:06}]\t", d.as_secs(), d.subsec_micros())
}

fn summary(counter: u32, xml: bool, expect: bool) -> ! {
    let mut o = std::io::stdout().lock();
    if xml {
        let _ = o.write_all(if expect {
            b"</expect>\n"
        } else {
            b"</conntrack>\n"
        });
    }
    let _ = o.flush();
    let what = if expect { "expectation" } else { "flow" };
    eprintln!("{}{counter} {what} events have been shown.", prefix());
    std::process::exit(0);
}

pub fn run(cmd: &Cmd, expect: bool) -> Result<()> {
    let Ok(mut sock) = Socket::open() else {
        return other("Can't open netlink socket");
    };
    let mask = if cmd.event_mask != 0 {
        cmd.event_mask
    } else {
        EV_NEW | EV_UPD | EV_DEL
    };
    let groups = if expect {
        [
            NFNLGRP_CONNTRACK_EXP_NEW,
            NFNLGRP_CONNTRACK_EXP_UPDATE,
            NFNLGRP_CONNTRACK_EXP_DESTROY,
        ]
    } else {
        [
            NFNLGRP_CONNTRACK_NEW,
            NFNLGRP_CONNTRACK_UPDATE,
            NFNLGRP_CONNTRACK_DESTROY,
        ]
    };
    for (bit, g) in [EV_NEW, EV_UPD, EV_DEL].into_iter().zip(groups) {
        if mask & bit != 0 && sock.subscribe(g).is_err() {
            return other("Can't open netlink socket");
        }
    }
    if let Some(size) = cmd.buffer_size {
        sock.set_recv_buffer(size as usize);
        eprintln!(
            "NOTICE: Netlink socket buffer size has been set to {} bytes.",
            rcvbuf(sock.as_raw_fd())
        );
    }
    let filter = crate::commands::filter_for(cmd)?;
    install_handlers();
    let mut counter = 0u32;
    let mut xml_open = false;
    loop {
        if !wait_readable(sock.as_raw_fd()) {
            summary(counter, xml_open, expect);
        }
        let mut lines: Vec<String> = Vec::new();
        let r = sock.recv(true, |m| {
            if expect {
                if let Ok(e) = Expect::from_msg(&m) {
                    let mut l = String::new();
                    if cmd.output & O_TMS != 0 && cmd.output & O_XML == 0 {
                        l.push_str(&crate::expect::tms_prefix());
                    }
                    l.push_str(&crate::expect::line(&e, Some(EventKind::of(&m))));
                    lines.push(l);
                }
                return Ok(());
            }
            let Ok(ct) = Conntrack::from_msg(&m) else {
                return Ok(());
            };
            if (cmd.family != 0 && cmd.family != m.family()) || filter.rejects(&ct) {
                return Ok(());
            }
            let ev = match EventKind::of(&m) {
                EventKind::Unknown => None,
                k => Some(k),
            };
            let o = cmd.output;
            let mut l = String::new();
            if o & O_SAVE != 0 {
                l.push_str(&crate::save::line(&ct, ev, false));
            } else {
                let f = Flags {
                    layer3: o & O_EXT != 0,
                    id: o & O_IDF != 0,
                    ktimestamp: o & O_KTMS != 0,
                    time: o & O_TMS != 0 && o & O_XML != 0,
                    labels: o & O_CL != 0,
                };
                if o & O_XML != 0 {
                    if !xml_open {
                        xml_open = true;
                        l.push_str(crate::xml::HEADER);
                    }
                    l.push_str(&crate::xml::flow(&ct, ev, f));
                } else {
                    if o & O_TMS != 0 {
                        l.push_str(&timestamp_prefix());
                    }
                    l.push_str(&crate::print::default(&ct, ev, f));
                }
            }
            if m.portid != 0 {
                match progname(m.portid) {
                    Some(p) => {
                        l.push_str(&format!(" [USERSPACE] portid={} progname={p}", m.portid))
                    }
                    None => l.push_str(&format!(" [USERSPACE] portid={}", m.portid)),
                }
            }
            lines.push(l);
            Ok(())
        });
        let mut out = std::io::stdout().lock();
        for l in &lines {
            let _ = writeln!(out, "{l}");
            counter += 1;
        }
        let _ = out.flush();
        drop(out);
        match r {
            Ok(_) => {}
            Err(e) if errno_of(&e) == libc::ENOBUFS => {
                eprintln!(
                    "WARNING: We have hit ENOBUFS! We are losing events.\nThis message means that the current netlink socket buffer size is too small.\nPlease, check --buffer-size in conntrack(8) manpage."
                );
            }
            Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return other(format!(
                    "failed to received netlink event: {}",
                    kcommon::errno::strerror(errno_of(&e))
                ))
            }
        }
    }
}

fn rcvbuf(fd: i32) -> usize {
    let mut v: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt into an int we own, with its size.
    unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            &mut v as *mut libc::c_int as *mut libc::c_void,
            &mut len,
        );
    }
    v.max(0) as usize
}
