// SPDX-License-Identifier: Apache-2.0
//! `ip netns` (ipnetns.c) and the netns switch behind `-n` and `exec`
//! (lib/namespace.c `netns_switch`): /run/netns/NAME files bind-mounted from
//! a namespace's /proc/self/ns/net.

use std::ffi::CString;
use std::os::fd::{AsRawFd, IntoRawFd};

use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};

use crate::attr::Tb;
use crate::cli::{matches, Args};
use crate::ctx::{Ctx, RTM_NEWNSID};
use crate::err::{Fail, Res};
use crate::nl::Msg;
use kcommon::errno::strerror;

pub const NETNS_RUN_DIR: &str = "/run/netns";
const NETNSA_NSID: u16 = 1;

fn errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

fn cstr(s: &str) -> CString {
    CString::new(s).unwrap_or_default()
}

/// Entries of /run/netns in readdir order.
pub fn list_names() -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(NETNS_RUN_DIR) else {
        return Vec::new();
    };
    rd.filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

fn ns_path(name: &str) -> String {
    if name.contains('/') {
        name.to_string()
    } else {
        format!("{NETNS_RUN_DIR}/{name}")
    }
}

/// `netns_get_fd`: an fd on the named netns (kept open for the process).
pub fn open_ns(name: &str) -> Result<i32, i32> {
    match std::fs::File::open(ns_path(name)) {
        Ok(f) => Ok(f.into_raw_fd()),
        Err(e) => Err(e.raw_os_error().unwrap_or(libc::ENOENT)),
    }
}

/// `netns_switch`: enter the netns and give it its own /sys.
pub fn switch(name: &str) -> Res {
    let path = ns_path(name);
    let f = std::fs::File::open(&path).map_err(|e| {
        Fail::usage(format!(
            "Cannot open network namespace \"{name}\": {}\n",
            strerror(e.raw_os_error().unwrap_or(libc::ENOENT))
        ))
    })?;
    // SAFETY: setns/unshare/mount/umount2 take valid fds and C strings.
    unsafe {
        if libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) < 0 {
            return Err(Fail::usage(format!(
                "setting the network namespace \"{name}\" failed: {}\n",
                strerror(errno())
            )));
        }
        if libc::unshare(libc::CLONE_NEWNS) < 0 {
            return Err(Fail::usage(format!(
                "unshare failed: {}\n",
                strerror(errno())
            )));
        }
        let root = cstr("/");
        let none = cstr("none");
        let empty = cstr("");
        if libc::mount(
            empty.as_ptr(),
            root.as_ptr(),
            none.as_ptr(),
            libc::MS_SLAVE | libc::MS_REC,
            std::ptr::null(),
        ) < 0
        {
            return Err(Fail::usage(format!(
                "\"mount --make-rslave /\" failed: {}\n",
                strerror(errno())
            )));
        }
        let sys = cstr("/sys");
        let sysfs = cstr("sysfs");
        let nm = cstr(name);
        let mut flags: libc::c_ulong = 0;
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(sys.as_ptr(), &mut st) == 0 && st.f_flag & libc::ST_RDONLY != 0 {
            flags = libc::MS_RDONLY;
        }
        if libc::umount2(sys.as_ptr(), libc::MNT_DETACH) < 0 {
            // no /sys to replace: carry on like iproute2
        }
        let _ = libc::mount(
            nm.as_ptr(),
            sys.as_ptr(),
            sysfs.as_ptr(),
            flags,
            std::ptr::null(),
        );
    }
    bind_etc(name);
    Ok(())
}

/// /etc/netns/NAME/* bind-mounted over /etc/* (`bind_etc`).
fn bind_etc(name: &str) {
    let dir = format!("/etc/netns/{name}");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in rd.flatten() {
        let fname = e.file_name().to_string_lossy().into_owned();
        let src = cstr(&format!("{dir}/{fname}"));
        let dst = cstr(&format!("/etc/{fname}"));
        let none = cstr("none");
        // SAFETY: valid C strings.
        unsafe {
            let _ = libc::mount(
                src.as_ptr(),
                dst.as_ptr(),
                none.as_ptr(),
                libc::MS_BIND,
                std::ptr::null(),
            );
        }
    }
}

fn invalid_name(n: &str) -> bool {
    n.contains('/') || n == "." || n == ".."
}

pub fn run(
    ctx_opts: crate::cli::Opts,
    mut args: Args,
    make_ctx: impl Fn(crate::cli::Opts) -> Res<Ctx>,
) -> Res {
    let Some(cmd) = args.next() else {
        let mut ctx = make_ctx(ctx_opts)?;
        return list(&mut ctx);
    };
    if !ctx_opts.all {
        if let Some(n) = args.peek() {
            if invalid_name(n) {
                return Err(Fail::usage(format!("Invalid netns name \"{n}\"\n")));
            }
        }
    }
    let c = cmd.as_str();
    if matches(c, "list") || matches(c, "show") || matches(c, "lst") {
        let mut ctx = make_ctx(ctx_opts)?;
        list(&mut ctx)
    } else if matches(c, "list-id") {
        let mut ctx = make_ctx(ctx_opts)?;
        list_id(&mut ctx, args)
    } else if matches(c, "help") {
        Err(Fail::usage(crate::help::NETNS))
    } else if matches(c, "add") {
        add(args, true)
    } else if matches(c, "set") {
        let mut ctx = make_ctx(ctx_opts)?;
        set(&mut ctx, args)
    } else if matches(c, "delete") {
        delete(args, ctx_opts.all)
    } else if matches(c, "identify") {
        identify(args)
    } else if matches(c, "exec") {
        if ctx_opts.all {
            exec_all(args)
        } else {
            exec(args)
        }
    } else if matches(c, "pids") {
        pids(args)
    } else if matches(c, "attach") {
        add(args, false)
    } else {
        Err(Fail::usage(format!(
            "Command \"{c}\" is unknown, try \"ip netns help\".\n"
        )))
    }
}

fn list(ctx: &mut Ctx) -> Res {
    ctx.out.start();
    for (name, id) in ctx.netns_ids() {
        if name == "." || name == ".." {
            continue;
        }
        ctx.out.obj_open(None);
        ctx.out.s(Some("name"), "%s", &name);
        if let Some(id) = id {
            ctx.out.u(Some("id"), " (id: %d)", id as u64);
        }
        ctx.out.fp("\n");
        ctx.out.obj_close();
    }
    ctx.out.finish();
    ctx.out.flush();
    Ok(())
}

fn make_run_dir_shared() -> Res {
    let dir = cstr(NETNS_RUN_DIR);
    let none = cstr("none");
    let empty = cstr("");
    // SAFETY: valid C strings; plain syscalls.
    unsafe {
        if libc::mkdir(dir.as_ptr(), 0o755) < 0 && errno() != libc::EEXIST {
            return Err(Fail::new(
                1,
                format!("mkdir {NETNS_RUN_DIR} failed: {}\n", strerror(errno())),
            ));
        }
        loop {
            if libc::mount(
                empty.as_ptr(),
                dir.as_ptr(),
                none.as_ptr(),
                libc::MS_SHARED | libc::MS_REC,
                std::ptr::null(),
            ) == 0
            {
                break;
            }
            if errno() != libc::EINVAL {
                return Err(Fail::new(
                    1,
                    format!(
                        "mount --make-shared {NETNS_RUN_DIR} failed: {}\n",
                        strerror(errno())
                    ),
                ));
            }
            if libc::mount(
                dir.as_ptr(),
                dir.as_ptr(),
                none.as_ptr(),
                libc::MS_BIND | libc::MS_REC,
                std::ptr::null(),
            ) < 0
            {
                return Err(Fail::new(
                    1,
                    format!(
                        "mount --bind {NETNS_RUN_DIR} {NETNS_RUN_DIR} failed: {}\n",
                        strerror(errno())
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn add(mut args: Args, create: bool) -> Res {
    let Some(name) = args.next() else {
        return Err(Fail::new(1, "No netns name specified\n"));
    };
    let proc_path = if create {
        "/proc/self/ns/net".to_string()
    } else {
        let Some(pid) = args.next() else {
            return Err(Fail::new(1, "No pid specified\n"));
        };
        format!("/proc/{pid}/ns/net")
    };
    make_run_dir_shared()?;
    let path = format!("{NETNS_RUN_DIR}/{name}");
    let cpath = cstr(&path);
    // SAFETY: valid C strings; fd closed right away.
    unsafe {
        let fd = libc::open(
            cpath.as_ptr(),
            libc::O_RDONLY | libc::O_CREAT | libc::O_EXCL,
            0,
        );
        if fd < 0 {
            return Err(Fail::new(
                1,
                format!(
                    "Cannot create namespace file \"{path}\": {}\n",
                    strerror(errno())
                ),
            ));
        }
        libc::close(fd);
        if create && libc::unshare(libc::CLONE_NEWNET) < 0 {
            let e = errno();
            libc::unlink(cpath.as_ptr());
            return Err(Fail::new(
                1,
                format!(
                    "Failed to create a new network namespace \"{name}\": {}\n",
                    strerror(e)
                ),
            ));
        }
        let src = cstr(&proc_path);
        let none = cstr("none");
        if libc::mount(
            src.as_ptr(),
            cpath.as_ptr(),
            none.as_ptr(),
            libc::MS_BIND,
            std::ptr::null(),
        ) < 0
        {
            let e = errno();
            libc::unlink(cpath.as_ptr());
            return Err(Fail::new(
                1,
                format!("Bind {proc_path} -> {path} failed: {}\n", strerror(e)),
            ));
        }
    }
    Ok(())
}

fn delete_one(name: &str) -> Res {
    let path = format!("{NETNS_RUN_DIR}/{name}");
    let c = cstr(&path);
    // SAFETY: valid C string.
    unsafe {
        libc::umount2(c.as_ptr(), libc::MNT_DETACH);
        if libc::unlink(c.as_ptr()) < 0 {
            return Err(Fail::new(
                1,
                format!(
                    "Cannot remove namespace file \"{path}\": {}\n",
                    strerror(errno())
                ),
            ));
        }
    }
    Ok(())
}

fn delete(mut args: Args, all: bool) -> Res {
    match args.next() {
        Some(n) => delete_one(&n),
        None if all => {
            for n in list_names() {
                delete_one(&n)?;
            }
            Ok(())
        }
        None => Err(Fail::new(1, "No netns name specified\n")),
    }
}

fn set(ctx: &mut Ctx, mut args: Args) -> Res {
    let (Some(name), Some(id)) = (args.next(), args.next()) else {
        return Err(Fail::new(1, "No netns name specified\n"));
    };
    let nsid: i32 = if id == "auto" {
        -1
    } else {
        match id.parse::<i32>() {
            Ok(n) if n >= 0 => n,
            _ => return Err(crate::err::invarg("Invalid \"netnsid\" value\n", &id)),
        }
    };
    let f = std::fs::File::open(format!("{NETNS_RUN_DIR}/{name}")).map_err(|e| {
        Fail::new(
            1,
            format!(
                "Cannot open network namespace \"{name}\": {}\n",
                strerror(e.raw_os_error().unwrap_or(2))
            ),
        )
    })?;
    let mut req = NsidMessage::default();
    req.attributes.push(NsidAttribute::Fd(f.as_raw_fd() as u32));
    req.attributes.push(NsidAttribute::Id(nsid));
    ctx.nl
        .talk(Msg::typed(RTM_NEWNSID, 0, &req))
        .map_err(|e| crate::err::kernel(&e))
}

fn identify(mut args: Args) -> Res {
    let path = match args.next() {
        Some(pid) => format!("/proc/{pid}/ns/net"),
        None => "/proc/self/ns/net".to_string(),
    };
    use std::os::unix::fs::MetadataExt;
    let me = std::fs::metadata(&path).map_err(|e| {
        Fail::new(
            1,
            format!(
                "Cannot open network namespace: {}\n",
                strerror(e.raw_os_error().unwrap_or(2))
            ),
        )
    })?;
    let mut out = String::new();
    for n in list_names() {
        if let Ok(m) = std::fs::metadata(format!("{NETNS_RUN_DIR}/{n}")) {
            if m.dev() == me.dev() && m.ino() == me.ino() {
                out.push_str(&n);
                out.push('\n');
            }
        }
    }
    print!("{out}");
    Ok(())
}

fn exec(mut args: Args) -> Res {
    let Some(name) = args.next() else {
        return Err(Fail::new(1, "No netns name specified\n"));
    };
    let cmd = args.rest();
    if cmd.is_empty() {
        return Err(Fail::new(1, "No command specified\n"));
    }
    switch(&name)?;
    let c: Vec<CString> = cmd.iter().map(|s| cstr(s)).collect();
    let mut argv: Vec<*const libc::c_char> = c.iter().map(|s| s.as_ptr()).collect();
    argv.push(std::ptr::null());
    // SAFETY: argv is a NULL-terminated array of valid C strings.
    unsafe {
        libc::execvp(c[0].as_ptr(), argv.as_ptr());
    }
    Err(Fail::new(
        1,
        format!("exec of \"{}\" failed: {}\n", cmd[0], strerror(errno())),
    ))
}

/// `ip netns list-id [target-nsid N]`: the nsids this netns has assigned.
fn list_id(ctx: &mut Ctx, mut args: Args) -> Res {
    let mut target: Option<i32> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "target-nsid" => {
                if target.is_some() {
                    return Err(crate::err::duparg("target-nsid", &a));
                }
                let v = args.need()?;
                match v.parse::<i32>() {
                    Ok(n) if n >= 0 => target = Some(n),
                    Ok(_) => {
                        return Err(crate::err::invarg(
                            "\"target-nsid\" value should be >= 0",
                            &v,
                        ))
                    }
                    Err(_) => {
                        return Err(crate::err::invarg("\"target-nsid\" value is invalid", &v))
                    }
                }
            }
            _ => return Err(Fail::usage(crate::help::NETNS)),
        }
    }
    let mut req = NsidMessage::default();
    if let Some(t) = target {
        req.attributes.push(NsidAttribute::TargetNsid(t));
    }
    let m = Msg::typed(crate::ctx::RTM_GETNSID, 0, &req);
    let ids = ctx
        .nl
        .dump_all(m)
        .map_err(|e| Fail::new(1, format!("{}Dump terminated\n", e.describe())))?;
    let names = ctx.netns_ids();
    ctx.out.start();
    for (ty, d) in &ids {
        if *ty != RTM_NEWNSID || d.len() < 4 {
            continue;
        }
        let tb = Tb::parse(&d[4..]);
        let Some(nsid) = tb.u32(NETNSA_NSID).map(|v| v as i32) else {
            continue;
        };
        let current = tb.u32(5).map(|v| v as i32);
        ctx.out.obj_open(None);
        if nsid < 0 {
            ctx.out.fp("nsid unassigned ");
        } else {
            ctx.out.i(Some("nsid"), "nsid %d ", nsid as i64);
        }
        if let Some(c) = current {
            if c < 0 {
                ctx.out.fp("current-nsid unassigned ");
            } else {
                ctx.out
                    .i(Some("current-nsid"), "current-nsid %d ", c as i64);
            }
        }
        let key = current.unwrap_or(nsid);
        let by = |k: i32| names.iter().find(|(_, id)| *id == Some(k));
        if let Some((n, _)) = by(key).or_else(|| by(nsid)) {
            ctx.out.s(Some("name"), "(iproute2 netns name: %s)", n);
        }
        ctx.out.fp("\n");
        ctx.out.obj_close();
    }
    ctx.out.finish();
    ctx.out.flush();
    Ok(())
}

/// `ip netns pids NAME`: the processes whose netns is NAME.
fn pids(mut args: Args) -> Res {
    use std::os::unix::fs::MetadataExt;
    let Some(name) = args.next() else {
        return Err(Fail::new(1, "No netns name specified\n"));
    };
    if !args.is_empty() {
        return Err(Fail::new(1, "extra arguments specified\n"));
    }
    let ns = std::fs::metadata(format!("{NETNS_RUN_DIR}/{name}")).map_err(|e| {
        Fail::new(
            1,
            format!(
                "Cannot open network namespace: {}\n",
                strerror(e.raw_os_error().unwrap_or(2))
            ),
        )
    })?;
    let mut out = String::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let pid = e.file_name().to_string_lossy().into_owned();
            if !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            if let Ok(m) = std::fs::metadata(format!("/proc/{pid}/ns/net")) {
                if m.dev() == ns.dev() && m.ino() == ns.ino() {
                    out.push_str(&pid);
                    out.push('\n');
                }
            }
        }
    }
    print!("{out}");
    Ok(())
}

/// `ip -all netns exec CMD…`: run CMD in every named netns in turn.
fn exec_all(args: Args) -> Res {
    use std::io::Write;
    use std::os::unix::process::CommandExt;
    let cmd = args.rest();
    if cmd.is_empty() {
        return Err(Fail::new(1, "No command specified\n"));
    }
    for name in list_names() {
        print!("\nnetns: {name}\n");
        let _ = std::io::stdout().flush();
        let ns = name.clone();
        let mut c = std::process::Command::new(&cmd[0]);
        c.args(&cmd[1..]);
        // SAFETY: the child only enters the netns before exec; the parent
        // is single-threaded.
        unsafe {
            c.pre_exec(move || {
                switch(&ns).map_err(|f| {
                    let _ = std::io::stderr().write_all(f.msg.as_bytes());
                    std::io::Error::from_raw_os_error(libc::EINVAL)
                })
            });
        }
        if let Err(e) = c.status() {
            if e.raw_os_error() != Some(libc::EINVAL) {
                eprintln!(
                    "exec of \"{}\" failed: {}",
                    cmd[0],
                    kcommon::errno::io_error(&e)
                );
            }
        }
    }
    Ok(())
}

/// Decode an RTM_NEWNSID answer (used by tests).
pub fn nsid_from_reply(data: &[u8]) -> Option<i32> {
    let tb = Tb::parse(data.get(4..)?);
    tb.u32(NETNSA_NSID).map(|v| v as i32)
}
