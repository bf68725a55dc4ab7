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

/// `do_cmd`: the object by prefix, in iproute2's table order.
fn dispatch(opts: Opts, mut rest: Vec<String>) -> Res {
    let obj = rest.remove(0);
    let args = Args::new(rest);
    let o = obj.as_str();
    let ctx = |opts: Opts| Ctx::new(opts);
    if matches(o, "address") {
        addr::run(&mut ctx(opts)?, args)
    } else if matches(o, "addrlabel") || matches(o, "maddress") {
        Err(Fail::new(
            1,
            format!("Object \"{o}\" is not supported by kroot's ip.\n"),
        ))
    } else if matches(o, "route") {
        route::run(&mut ctx(opts)?, args)
    } else if matches(o, "rule") {
        rule::run(&mut ctx(opts)?, args)
    } else if matches(o, "neighbor") || matches(o, "neighbour") {
        neigh::run(&mut ctx(opts)?, args)
    } else if matches(o, "ntable") || matches(o, "ntbl") {
        Err(Fail::new(
            1,
            format!("Object \"{o}\" is not supported by kroot's ip.\n"),
        ))
    } else if matches(o, "link") {
        link::run(&mut ctx(opts)?, args)
    } else if matches(o, "l2tp")
        || matches(o, "fou")
        || matches(o, "ila")
        || matches(o, "macsec")
        || matches(o, "tunnel")
        || matches(o, "tunl")
    {
        Err(Fail::new(
            1,
            format!("Object \"{o}\" is not supported by kroot's ip.\n"),
        ))
    } else if matches(o, "tuntap") || matches(o, "tap") {
        tuntap::run(&mut ctx(opts)?, args)
    } else if matches(o, "netns") {
        netns::run(opts, args, ctx)
    } else if matches(o, "help") {
        Err(Fail::usage(help::MAIN))
    } else {
        Err(Fail::new(
            1,
            format!("Object \"{o}\" is unknown, try \"ip help\".\n"),
        ))
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
