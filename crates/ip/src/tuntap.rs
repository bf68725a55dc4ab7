// SPDX-License-Identifier: Apache-2.0
//! `ip tuntap` (iptuntap.c): add/del through /dev/net/tun ioctls, show
//! from a link dump plus the tun sysfs properties.

use netlink_packet_route::link::{InfoKind, LinkAttribute, LinkInfo};

use crate::attr::Tb;
use crate::cli::{matches, Args};
use crate::ctx::{link_header, link_msg, Ctx, RTM_GETLINK, RTM_NEWLINK};
use crate::err::{duparg2, invarg, Fail, Res};
use crate::link::show::{IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO};
use crate::nl::Msg;
use kcommon::errno::strerror;

const IFF_TUN: u16 = 0x0001;
const IFF_TAP: u16 = 0x0002;
const IFF_NO_PI: u16 = 0x1000;
const IFF_ONE_QUEUE: u16 = 0x2000;
const IFF_VNET_HDR: u16 = 0x4000;
const IFF_TUN_EXCL: u16 = 0x8000;
const IFF_MULTI_QUEUE: u16 = 0x0100;
const IFF_PERSIST: u16 = 0x0800;
const IFF_NOFILTER: u16 = 0x1000;

const TUNSETIFF: libc::c_ulong = 0x400454ca;
const TUNSETPERSIST: libc::c_ulong = 0x400454cb;
const TUNSETOWNER: libc::c_ulong = 0x400454cc;
const TUNSETGROUP: libc::c_ulong = 0x400454ce;

pub fn run(ctx: &mut Ctx, mut args: Args) -> Res {
    let Some(cmd) = args.next() else {
        return show(ctx);
    };
    let c = cmd.as_str();
    if matches(c, "add") {
        let (ifr, uid, gid) = parse(args, true)?;
        add(ifr, uid, gid)
    } else if matches(c, "delete") {
        let (ifr, _, _) = parse(args, false)?;
        del(ifr)
    } else if matches(c, "show") || matches(c, "lst") || matches(c, "list") {
        show(ctx)
    } else if matches(c, "help") {
        Err(Fail::usage(crate::help::TUNTAP))
    } else {
        Err(Fail::usage(format!(
            "Command \"{c}\" is unknown, try \"ip tuntap help\".\n"
        )))
    }
}

struct Ifreq {
    name: String,
    flags: u16,
}

fn lookup_id(file: &str, name: &str) -> Option<u32> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next()? == name).then_some(())?;
        f.next()?;
        f.next()?.parse().ok()
    })
}

fn parse(mut args: Args, owner: bool) -> Res<(Ifreq, Option<u32>, Option<u32>)> {
    let mut ifr = Ifreq {
        name: String::new(),
        flags: IFF_NO_PI,
    };
    let (mut uid, mut gid) = (None, None);
    while let Some(a) = args.next() {
        let w = a.as_str();
        if matches(w, "mode") {
            let v = args.need()?;
            if matches(&v, "tun") {
                if ifr.flags & IFF_TAP != 0 {
                    return Err(Fail::usage(
                        "You managed to ask for more than one tunnel mode.\n",
                    ));
                }
                ifr.flags |= IFF_TUN;
            } else if matches(&v, "tap") {
                if ifr.flags & IFF_TUN != 0 {
                    return Err(Fail::usage(
                        "You managed to ask for more than one tunnel mode.\n",
                    ));
                }
                ifr.flags |= IFF_TAP;
            } else {
                return Err(Fail::usage(format!("Unknown tunnel mode \"{v}\"\n")));
            }
        } else if owner && matches(w, "user") {
            let v = args.need()?;
            uid = Some(match v.parse::<u32>() {
                Ok(n) => n,
                Err(_) => lookup_id("/etc/passwd", &v)
                    .ok_or_else(|| Fail::usage(format!("invalid user \"{v}\"\n")))?,
            });
        } else if owner && matches(w, "group") {
            let v = args.need()?;
            gid = Some(match v.parse::<u32>() {
                Ok(n) => n,
                Err(_) => lookup_id("/etc/group", &v)
                    .ok_or_else(|| Fail::usage(format!("invalid group \"{v}\"\n")))?,
            });
        } else if matches(w, "pi") {
            ifr.flags &= !IFF_NO_PI;
        } else if matches(w, "one_queue") {
            ifr.flags |= IFF_ONE_QUEUE;
        } else if matches(w, "vnet_hdr") {
            ifr.flags |= IFF_VNET_HDR;
        } else if matches(w, "multi_queue") {
            ifr.flags |= IFF_MULTI_QUEUE;
        } else if matches(w, "dev") {
            let v = args.need()?;
            if v.is_empty() || v.len() >= 16 {
                return Err(invarg("\"dev\" not a valid ifname", &v));
            }
            ifr.name = v;
        } else {
            let v = if matches(w, "name") {
                args.need()?
            } else {
                if matches(w, "help") {
                    return Err(Fail::usage(crate::help::TUNTAP));
                }
                w.to_string()
            };
            if !ifr.name.is_empty() {
                return Err(duparg2("name", &v));
            }
            if v.is_empty() || v.len() >= 16 || v.contains('/') || v.contains(char::is_whitespace) {
                return Err(invarg("\"name\" not a valid ifname", &v));
            }
            ifr.name = v;
        }
    }
    if ifr.flags & (IFF_TUN | IFF_TAP) == 0 {
        return Err(Fail::new(1, "You failed to specify a tunnel mode\n"));
    }
    Ok((ifr, uid, gid))
}

fn ifreq_bytes(ifr: &Ifreq) -> [u8; 40] {
    let mut b = [0u8; 40];
    let n = ifr.name.len().min(15);
    b[..n].copy_from_slice(&ifr.name.as_bytes()[..n]);
    b[16..18].copy_from_slice(&ifr.flags.to_ne_bytes());
    b
}

fn perror(what: &str) -> Fail {
    let e = std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO);
    Fail::new(1, format!("{what}: {}\n", strerror(e)))
}

fn with_tun(f: impl FnOnce(i32) -> Res) -> Res {
    let path = c"/dev/net/tun";
    // SAFETY: valid C string; fd closed below.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDWR) };
    if fd < 0 {
        return Err(perror("open"));
    }
    let r = f(fd);
    // SAFETY: fd is ours.
    unsafe { libc::close(fd) };
    r
}

fn add(mut ifr: Ifreq, uid: Option<u32>, gid: Option<u32>) -> Res {
    ifr.flags |= IFF_TUN_EXCL;
    let mut b = ifreq_bytes(&ifr);
    with_tun(|fd| {
        // SAFETY: TUNSETIFF reads/writes a 40-byte struct ifreq we own;
        // the others take integer arguments.
        unsafe {
            if libc::ioctl(fd, TUNSETIFF as _, b.as_mut_ptr()) != 0 {
                return Err(perror("ioctl(TUNSETIFF)"));
            }
            if let Some(u) = uid {
                if libc::ioctl(fd, TUNSETOWNER as _, u as libc::c_ulong) != 0 {
                    return Err(perror("ioctl(TUNSETOWNER)"));
                }
            }
            if let Some(g) = gid {
                if libc::ioctl(fd, TUNSETGROUP as _, g as libc::c_ulong) != 0 {
                    return Err(perror("ioctl(TUNSETGROUP)"));
                }
            }
            if libc::ioctl(fd, TUNSETPERSIST as _, 1 as libc::c_ulong) != 0 {
                return Err(perror("ioctl(TUNSETPERSIST)"));
            }
        }
        Ok(())
    })
}

fn del(ifr: Ifreq) -> Res {
    let mut b = ifreq_bytes(&ifr);
    with_tun(|fd| {
        // SAFETY: as in `add`.
        unsafe {
            if libc::ioctl(fd, TUNSETIFF as _, b.as_mut_ptr()) != 0 {
                return Err(perror("ioctl(TUNSETIFF)"));
            }
            if libc::ioctl(fd, TUNSETPERSIST as _, 0 as libc::c_ulong) != 0 {
                return Err(perror("ioctl(TUNSETPERSIST)"));
            }
        }
        Ok(())
    })
}

/// A /sys/class/net/NAME/PROP number (`read_prop`, strtol base 0).
fn read_prop(name: &str, prop: &str) -> Option<i64> {
    let path = format!("/sys/class/net/{name}/{prop}");
    let s = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fopen {path}: {}", kcommon::errno::io_error(&e));
            return None;
        }
    };
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    s.parse().ok()
}

/// `show_processes`: who holds /dev/net/tun open on this device.
fn show_processes(o: &mut crate::out::Out, name: &str) {
    o.arr_open(Some("processes"));
    let me = std::process::id().to_string();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        o.arr_close();
        return;
    };
    for p in procs.flatten() {
        let pid = p.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) || pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let fdn = fd.file_name().to_string_lossy().into_owned();
            match std::fs::read_link(fd.path()) {
                Ok(t) if t.as_os_str() == "/dev/net/tun" => {}
                Ok(_) => continue,
                Err(e) => {
                    eprintln!("readlink: {}", kcommon::errno::io_error(&e));
                    continue;
                }
            }
            let Ok(info) = std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{fdn}")) else {
                continue;
            };
            let attached = info.lines().any(|l| {
                l.split_once(':')
                    .is_some_and(|(k, v)| k == "iff" && v.trim() == name)
            });
            if attached {
                let comm = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .map(|c| c.trim_end().to_string())
                    .unwrap_or_else(|_| "<NULL>".into());
                o.s(Some("name"), "%s", &comm);
                o.u(Some("pid"), "(%d)", pid.parse().unwrap_or(0));
            }
        }
    }
    o.arr_close();
}

fn show(ctx: &mut Ctx) -> Res {
    let req = link_msg(
        link_header(0, 0, 0, 0),
        vec![LinkAttribute::LinkInfo(vec![LinkInfo::Kind(InfoKind::Tun)])],
    );
    let m = Msg::typed(RTM_GETLINK, 0, &req);
    let links = ctx
        .nl
        .dump_all(m)
        .map_err(|e| Fail::new(1, format!("{}Dump terminated\n", e.describe())))?;
    ctx.out.start();
    for (ty, d) in &links {
        if *ty != RTM_NEWLINK || d.len() < 16 {
            continue;
        }
        let iftype = u16::from_ne_bytes([d[2], d[3]]);
        if iftype != 0xfffe && iftype != 1 {
            continue;
        }
        let tb = Tb::parse(&d[16..]);
        let Some(name) = tb.str(IFLA_IFNAME) else {
            continue;
        };
        if tb.nested(IFLA_LINKINFO).str(IFLA_INFO_KIND) != Some("tun") {
            continue;
        }
        let Some(flags) = read_prop(name, "tun_flags") else {
            continue;
        };
        let Some(owner) = read_prop(name, "owner") else {
            continue;
        };
        let Some(group) = read_prop(name, "group") else {
            continue;
        };
        let flags = flags as u16 as u32;
        let o = &mut ctx.out;
        o.obj_open(None);
        o.s(Some("ifname"), "%s:", name);
        o.arr_open(Some("flags"));
        let f16 = flags as u16;
        for (cond, w) in [
            (f16 & IFF_TUN != 0, "tun"),
            (f16 & IFF_TAP != 0, "tap"),
            (f16 & IFF_NO_PI == 0, "pi"),
            (f16 & IFF_ONE_QUEUE != 0, "one_queue"),
            (f16 & IFF_MULTI_QUEUE != 0, "multi_queue"),
            (f16 & IFF_VNET_HDR != 0, "vnet_hdr"),
            (f16 & IFF_PERSIST != 0, "persist"),
            (f16 & IFF_NOFILTER == 0, "filter"),
        ] {
            if cond {
                o.s(None, " %s", w);
            }
        }
        let rest = f16
            & !(IFF_TUN
                | IFF_TAP
                | IFF_NO_PI
                | IFF_ONE_QUEUE
                | IFF_MULTI_QUEUE
                | IFF_VNET_HDR
                | IFF_PERSIST
                | IFF_NOFILTER);
        if rest != 0 {
            o.s(None, " %s", &format!("{rest:#x}"));
        }
        o.arr_close();
        if owner != -1 {
            o.u(Some("user"), " user %ld", owner as u64);
        }
        if group != -1 {
            o.u(Some("group"), " group %ld", group as u64);
        }
        if ctx.o.details > 0 {
            let sl = o.sl();
            o.fp(&format!("{sl}\tAttached to processes:"));
            show_processes(o, name);
        }
        o.obj_close();
        o.fp("\n");
    }
    ctx.out.finish();
    ctx.out.flush();
    Ok(())
}
