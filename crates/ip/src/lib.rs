// SPDX-License-Identifier: Apache-2.0
//! The `ip` applet: iproute2 6.1's `ip`, for the objects k3s, flannel, CNI
//! plugins and operators use. Entry point: [`main`] (argv in, exit status
//! out). Data flows one way: `cli` scans the words, an object module builds
//! netlink requests (`nl`), answers are decoded (`attr`) and printed through
//! the shared output layer (`out`).

pub mod addr;
pub mod attr;
pub mod cli;
pub mod ctx;
pub mod err;
pub mod help;
pub mod link;
pub mod neigh;
pub mod netns;
pub mod nl;
pub mod out;
pub mod route;
pub mod rule;
pub mod tuntap;
pub mod util;

use std::ffi::OsString;
use std::io::Write;

use cli::{matches, Args, Opts, Start};
use ctx::Ctx;
use err::{Fail, Res};

/// The version line, as the real tool prints it, with kroot in the parentheses.
pub fn version_line() -> String {
    format!(
        "ip utility, iproute2-6.1.0 (kroot {})",
        kcommon::KROOT_VERSION
    )
}

/// Run the applet. `args[0]` is the name it was called by.
pub fn main(args: Vec<OsString>) -> i32 {
    let words: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let code = match run(words) {
        Ok(()) => 0,
        Err(f) => {
            let _ = std::io::stdout().flush();
            let _ = std::io::stderr().write_all(f.msg.as_bytes());
            f.code
        }
    };
    let _ = std::io::stdout().flush();
    code
}

fn run(words: Vec<String>) -> Res {
    let (opts, rest) = match cli::scan(words)? {
        Start::Version => {
            println!("{}", version_line());
            return Ok(());
        }
        Start::Run(o, rest) => (o, rest),
    };
    if let Some(ns) = &opts.netns {
        netns::switch(ns)?;
    }
    if let Some(file) = opts.batch.clone() {
        return batch(&opts, &file);
    }
    if rest.is_empty() {
        return Err(Fail::usage(help::MAIN));
    }
    dispatch(opts, rest)
}

/// The objects of ip.c's `cmds[]`, in its order (the prefix rule picks the
/// first match, so `ip n` is neighbor and `ip m` is maddress).
const OBJECTS: &[(&str, Obj)] = &[
    ("address", Obj::Addr),
    ("addrlabel", Obj::Unsupported),
    ("maddress", Obj::Unsupported),
    ("route", Obj::Route),
    ("rule", Obj::Rule),
    ("neighbor", Obj::Neigh),
    ("neighbour", Obj::Neigh),
    ("ntable", Obj::Unsupported),
    ("ntbl", Obj::Unsupported),
    ("link", Obj::Link),
    ("l2tp", Obj::Unsupported),
    ("fou", Obj::Unsupported),
    ("ila", Obj::Unsupported),
    ("macsec", Obj::Unsupported),
    ("tunnel", Obj::Unsupported),
    ("tunl", Obj::Unsupported),
    ("tuntap", Obj::Tuntap),
    ("tap", Obj::Tuntap),
    ("token", Obj::Unsupported),
    ("tcpmetrics", Obj::Unsupported),
    ("tcp_metrics", Obj::Unsupported),
    ("monitor", Obj::Unsupported),
    ("xfrm", Obj::Unsupported),
    ("mroute", Obj::Unsupported),
    ("mrule", Obj::Unsupported),
    ("netns", Obj::Netns),
    ("netconf", Obj::Unsupported),
    ("vrf", Obj::Unsupported),
    ("sr", Obj::Unsupported),
    ("nexthop", Obj::Unsupported),
    ("mptcp", Obj::Unsupported),
    ("ioam", Obj::Unsupported),
    ("help", Obj::Help),
    ("stats", Obj::Unsupported),
];

#[derive(Clone, Copy)]
enum Obj {
    Addr,
    Route,
    Rule,
    Neigh,
    Link,
    Tuntap,
    Netns,
    Help,
    Unsupported,
}

/// `do_cmd`: the object by prefix, in iproute2's table order.
fn dispatch(opts: Opts, mut rest: Vec<String>) -> Res {
    let obj = rest.remove(0);
    let args = Args::new(rest);
    let Some(&(name, which)) = OBJECTS.iter().find(|(n, _)| matches(&obj, n)) else {
        return Err(Fail::new(
            1,
            format!("Object \"{obj}\" is unknown, try \"ip help\".\n"),
        ));
    };
    match which {
        Obj::Addr => addr::run(&mut Ctx::new(opts)?, args),
        Obj::Route => route::run(&mut Ctx::new(opts)?, args),
        Obj::Rule => rule::run(&mut Ctx::new(opts)?, args),
        Obj::Neigh => neigh::run(&mut Ctx::new(opts)?, args),
        Obj::Link => link::run(&mut Ctx::new(opts)?, args),
        Obj::Tuntap => tuntap::run(&mut Ctx::new(opts)?, args),
        Obj::Netns => netns::run(opts, args, Ctx::new),
        Obj::Help => Err(Fail::usage(help::MAIN)),
        Obj::Unsupported => Err(Fail::new(
            1,
            format!("Object \"{name}\" is not supported by kroot's ip.\n"),
        )),
    }
}

/// `-batch FILE` (`-` is stdin): one command per line, stop at the first
/// failure unless `-force`.
fn batch(opts: &Opts, file: &str) -> Res {
    let text = if file == "-" {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s);
        s
    } else {
        std::fs::read_to_string(file).map_err(|e| {
            Fail::new(
                255,
                format!(
                    "Cannot open file \"{file}\" for reading: {}\n",
                    kcommon::errno::io_error(&e)
                ),
            )
        })?
    };
    let mut failed = None;
    let mut opts = opts.clone();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        if words.is_empty() {
            continue;
        }
        let link_show = words.first().is_some_and(|w| matches(w, "link"))
            && words
                .get(1)
                .is_none_or(|c| matches(c, "show") || matches(c, "lst") || matches(c, "list"));
        let r = dispatch(opts.clone(), words);
        if link_show {
            opts.sticky_link = true;
        }
        if let Err(f) = r {
            let _ = std::io::stdout().flush();
            let _ = std::io::stderr().write_all(f.msg.as_bytes());
            let _ = writeln!(std::io::stderr(), "Command failed {file}:{}", n + 1);
            failed = Some(f.code);
            if !opts.force {
                break;
            }
        }
    }
    match failed {
        Some(_) => Err(Fail::new(1, "")),
        None => Ok(()),
    }
}
