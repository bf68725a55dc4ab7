// SPDX-License-Identifier: Apache-2.0
//! The command-line scanner: iproute2's prefix rule (`matches`), the global
//! options of ip.c's `main`, and a cursor over an object's arguments.

use crate::err::{incomplete, Fail, Res};

/// iproute2's `matches(arg, word) == 0`: `arg` is a non-empty prefix of `word`.
pub fn matches(arg: &str, word: &str) -> bool {
    !arg.is_empty() && word.starts_with(arg)
}

pub const AF_UNSPEC: u8 = 0;
pub const AF_INET: u8 = 2;
pub const AF_INET6: u8 = 10;
pub const AF_PACKET: u8 = 17;
pub const AF_BRIDGE: u8 = 7;
pub const AF_MPLS: u8 = 28;

/// Global options (the ip.c globals).
#[derive(Debug, Default, Clone)]
pub struct Opts {
    pub family: u8,
    pub json: bool,
    pub pretty: bool,
    pub oneline: bool,
    pub brief: bool,
    pub details: u32,
    pub stats: u32,
    pub force: bool,
    pub netns: Option<String>,
    pub batch: Option<String>,
    pub version: bool,
    pub all: bool,
    /// 0 never, 1 auto, 2 always (lib/color.c `matches_color`).
    pub color: u8,
    /// In -batch, an `ip link show` happened earlier (see addr/list.rs).
    pub sticky_link: bool,
}

/// What the option scan decided.
pub enum Start {
    Run(Opts, Vec<String>),
    Version,
}

pub fn read_family(name: &str) -> u8 {
    match name {
        "inet" => AF_INET,
        "inet6" => AF_INET6,
        "link" => AF_PACKET,
        "mpls" => AF_MPLS,
        "bridge" => AF_BRIDGE,
        _ => AF_UNSPEC,
    }
}

/// Scan the global options off the front of `args` (ip.c `main`).
pub fn scan(mut args: Vec<String>) -> Res<Start> {
    let mut o = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let raw = args[i].clone();
        if raw == "--" {
            i += 1;
            break;
        }
        if !raw.starts_with('-') {
            break;
        }
        let opt: &str = if raw.starts_with("--") {
            &raw[1..]
        } else {
            &raw
        };
        let value = |i: &mut usize| -> Res<String> {
            *i += 1;
            args.get(*i)
                .cloned()
                .ok_or_else(|| Fail::usage(crate::help::MAIN))
        };
        if matches(opt, "-loops") {
            value(&mut i)?;
        } else if matches(opt, "-family") {
            let f = value(&mut i)?;
            if f == "help" {
                return Err(Fail::usage(crate::help::MAIN));
            }
            o.family = read_family(&f);
            if o.family == AF_UNSPEC {
                return Err(crate::err::invarg("invalid protocol family", &f));
            }
        } else if opt == "-4" {
            o.family = AF_INET;
        } else if opt == "-6" {
            o.family = AF_INET6;
        } else if opt == "-0" {
            o.family = AF_PACKET;
        } else if opt == "-M" {
            o.family = AF_MPLS;
        } else if opt == "-B" {
            o.family = AF_BRIDGE;
        } else if matches(opt, "-human") || matches(opt, "-human-readable") || matches(opt, "-iec")
        {
        } else if matches(opt, "-stats") || matches(opt, "-statistics") {
            o.stats += 1;
        } else if matches(opt, "-details") {
            o.details += 1;
        } else if matches(opt, "-resolve") {
        } else if matches(opt, "-oneline") {
            o.oneline = true;
        } else if matches(opt, "-timestamp") || matches(opt, "-tshort") {
        } else if matches(opt, "-Version") {
            return Ok(Start::Version);
        } else if matches(opt, "-force") {
            o.force = true;
        } else if matches(opt, "-batch") {
            o.batch = Some(value(&mut i)?);
        } else if matches(opt, "-brief") {
            o.brief = true;
        } else if matches(opt, "-json") {
            o.json = true;
        } else if matches(opt, "-pretty") {
            o.pretty = true;
        } else if matches(opt, "-rcvbuf") {
            let v = value(&mut i)?;
            if v.parse::<u32>().is_err() {
                return Err(Fail::usage(format!("Invalid rcvbuf size '{v}'\n")));
            }
        } else if let Some(c) = color_opt(opt) {
            o.color = c;
        } else if matches(opt, "-help") {
            return Err(Fail::usage(crate::help::MAIN));
        } else if matches(opt, "-netns") {
            i += 1;
            match args.get(i) {
                Some(n) => o.netns = Some(n.clone()),
                None => return Err(incomplete()),
            }
        } else if matches(opt, "-Numeric") {
        } else if matches(opt, "-all") {
            o.all = true;
        } else if opt == "-echo" {
        } else {
            return Err(Fail::usage(format!(
                "Option \"{opt}\" is unknown, try \"ip -help\".\n"
            )));
        }
        i += 1;
    }
    let rest = args.split_off(i.min(args.len()));
    Ok(Start::Run(o, rest))
}

/// `-c`, `-color`, `-color=always|auto|never` (lib/color.c `matches_color`).
fn color_opt(opt: &str) -> Option<u8> {
    let (name, val) = match opt.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (opt, None),
    };
    if !matches(name, "-color") {
        return None;
    }
    match val {
        None | Some("") | Some("always") => Some(2),
        Some("auto") => Some(1),
        Some("never") => Some(0),
        _ => None,
    }
}

/// A cursor over one command's words.
pub struct Args {
    v: Vec<String>,
    i: usize,
}

impl Args {
    pub fn new(v: Vec<String>) -> Args {
        Args { v, i: 0 }
    }
    pub fn peek(&self) -> Option<&str> {
        self.v.get(self.i).map(|s| s.as_str())
    }
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<String> {
        let a = self.v.get(self.i).cloned();
        if a.is_some() {
            self.i += 1;
        }
        a
    }
    /// NEXT_ARG: the value of the keyword just taken, or "not complete".
    pub fn need(&mut self) -> Res<String> {
        self.next().ok_or_else(incomplete)
    }
    pub fn is_empty(&self) -> bool {
        self.i >= self.v.len()
    }
    pub fn rest(&self) -> Vec<String> {
        self.v[self.i.min(self.v.len())..].to_vec()
    }
    pub fn back(&mut self) {
        self.i = self.i.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: &[&str]) -> Opts {
        match scan(v.iter().map(|s| s.to_string()).collect()) {
            Ok(Start::Run(o, _)) => o,
            _ => panic!("scan failed"),
        }
    }

    #[test]
    fn prefix_rule() {
        assert!(matches("a", "address"));
        assert!(matches("addr", "address"));
        assert!(!matches("", "address"));
        assert!(!matches("addresses", "address"));
    }

    #[test]
    fn option_abbreviations() {
        let o = run(&["-br", "-d", "-s", "-j", "-p", "-o", "link"]);
        assert!(o.brief && o.json && o.pretty && o.oneline);
        assert_eq!((o.details, o.stats), (1, 1));
        let o = run(&["-json", "-statistics", "-details", "-4", "a"]);
        assert!(o.json);
        assert_eq!(o.family, AF_INET);
        assert!(run(&["-color=never", "r"]).netns.is_none());
    }

    #[test]
    fn unknown_option_is_usage_error() {
        match scan(vec!["-z".into(), "link".into()]) {
            Err(f) => {
                assert_eq!(f.code, 255);
                assert_eq!(f.msg, "Option \"-z\" is unknown, try \"ip -help\".\n");
            }
            Ok(_) => panic!("accepted -z"),
        }
    }
}
