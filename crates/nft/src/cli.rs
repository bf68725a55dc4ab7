// SPDX-License-Identifier: Apache-2.0
//! Command line (nftables' main.c): getopt_long-compatible options (POSIX `+` mode, short
//! option clusters, `--opt=val`, unambiguous long-option prefixes), then the input (`-f FILE`,
//! `-f -` named `/dev/stdin`, or the command words joined by spaces) through the pipeline.

use std::ffi::OsString;
use std::io::{Read, Write};

use crate::erec::Input;
use crate::source::Source;

/// Output and behaviour switches.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    pub check: bool,
    pub json: bool,
    pub terse: bool,
    pub handle: bool,
    pub numeric: bool,
    pub stateless: bool,
    pub echo: bool,
    pub debug_netlink: bool,
    pub file: Option<String>,
}

/// (short, long, takes an argument)
const OPTIONS: &[(char, &str, bool)] = &[
    ('h', "help", false),
    ('v', "version", false),
    ('V', "", false),
    ('f', "file", true),
    ('D', "define", true),
    ('i', "interactive", false),
    ('I', "includepath", true),
    ('c', "check", false),
    ('a', "handle", false),
    ('s', "stateless", false),
    ('t', "terse", false),
    ('S', "service", false),
    ('N', "reversedns", false),
    ('u', "guid", false),
    ('n', "numeric", false),
    ('y', "numeric-priority", false),
    ('p', "numeric-protocol", false),
    ('T', "numeric-time", false),
    ('e', "echo", false),
    ('j', "json", false),
    ('d', "debug", true),
    ('o', "optimize", false),
];

const HELP: &[(char, &str, &str, &str)] = &[
    ('h', "help", "", "Show this help"),
    ('v', "version", "", "Show version information"),
    ('V', "", "", "Show extended version information"),
];

/// What the command line asks for.
enum Action {
    Run { opts: Opts, words: Vec<String> },
    Exit(i32),
}

fn parse_args(prog: &str, args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> Action {
    let mut opts = Opts::default();
    let mut define = false;
    let mut interactive = false;
    let mut i = 0;
    // Options after the first command word are refused (nft_options_check).
    {
        let mut skip = false;
        let mut nonopt = false;
        for a in args {
            if a.starts_with('{') {
                break;
            } else if skip {
                skip = false;
                continue;
            } else if !a.starts_with('-') {
                nonopt = true;
                continue;
            }
            if nonopt {
                let _ = writeln!(
                    err,
                    "Error: syntax error, options must be specified before commands"
                );
                let line: Vec<&str> = std::iter::once(prog)
                    .chain(args.iter().map(String::as_str))
                    .collect();
                let _ = write!(err, "{} ", line.join(" "));
                let pos: usize = std::iter::once(prog)
                    .chain(args.iter().map(String::as_str))
                    .take_while(|x| !std::ptr::eq(*x, a.as_str()))
                    .map(|x| x.len() + 1)
                    .sum();
                let _ = writeln!(out, "\n   ^{}", " ".repeat(pos.saturating_sub(4)) + "~~");
                return Action::Exit(1);
            }
            skip = OPTIONS.iter().any(|(c, l, arg)| {
                *arg && (a.chars().nth(1) == Some(*c) || a.strip_prefix("--") == Some(l))
            });
        }
    }
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        i += 1;
        let mut found: Vec<(char, Option<String>)> = Vec::new();
        if let Some(long) = a.strip_prefix("--") {
            let (name, val) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let exact = OPTIONS.iter().find(|(_, l, _)| !l.is_empty() && *l == name);
            let cands: Vec<_> = OPTIONS
                .iter()
                .filter(|(_, l, _)| !l.is_empty() && l.starts_with(name))
                .collect();
            let opt = match (exact, cands.len()) {
                (Some(o), _) => o,
                (None, 1) => cands[0],
                (None, 0) => {
                    let _ = writeln!(err, "{prog}: unrecognized option '--{name}'");
                    return Action::Exit(1);
                }
                (None, _) => {
                    let list: Vec<String> =
                        cands.iter().map(|(_, l, _)| format!("'--{l}'")).collect();
                    let _ = writeln!(
                        err,
                        "{prog}: option '--{name}' is ambiguous; possibilities: {}",
                        list.join(" ")
                    );
                    return Action::Exit(1);
                }
            };
            let val = if opt.2 {
                match val {
                    Some(v) => Some(v),
                    None if i < args.len() => {
                        i += 1;
                        Some(args[i - 1].clone())
                    }
                    None => {
                        let _ = writeln!(err, "{prog}: option '--{}' requires an argument", opt.1);
                        return Action::Exit(1);
                    }
                }
            } else if val.is_some() {
                let _ = writeln!(
                    err,
                    "{prog}: option '--{}' doesn't allow an argument",
                    opt.1
                );
                return Action::Exit(1);
            } else {
                None
            };
            found.push((opt.0, val));
        } else {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                let Some(opt) = OPTIONS.iter().find(|(s, _, _)| *s == c) else {
                    let _ = writeln!(err, "{prog}: invalid option -- '{c}'");
                    return Action::Exit(1);
                };
                if opt.2 {
                    let rest: String = chars[k..].iter().collect();
                    let val = if !rest.is_empty() {
                        rest
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        let _ = writeln!(err, "{prog}: option requires an argument -- '{c}'");
                        return Action::Exit(1);
                    };
                    found.push((c, Some(val)));
                    break;
                }
                found.push((c, None));
            }
        }
        for (c, val) in found {
            match c {
                'h' => {
                    help(prog, out);
                    return Action::Exit(0);
                }
                'v' => {
                    let _ = writeln!(out, "{}", crate::version_line());
                    return Action::Exit(0);
                }
                'V' => {
                    let _ = writeln!(
                        out,
                        "{}\n  cli:\t\tno\n  json:\t\tyes\n  minigmp:\tno\n  libxtables:\tno",
                        crate::version_line()
                    );
                    return Action::Exit(0);
                }
                'c' => opts.check = true,
                'f' => {
                    if interactive {
                        let _ = writeln!(
                            err,
                            "Error: -i/--interactive and -f/--file options cannot be combined"
                        );
                        return Action::Exit(1);
                    }
                    opts.file = val;
                }
                'i' => {
                    if opts.file.is_some() {
                        let _ = writeln!(
                            err,
                            "Error: -i/--interactive and -f/--file options cannot be combined"
                        );
                        return Action::Exit(1);
                    }
                    interactive = true;
                }
                'D' => define = true,
                'n' => opts.numeric = true,
                's' => opts.stateless = true,
                'a' => opts.handle = true,
                'e' => opts.echo = true,
                'j' => opts.json = true,
                't' => opts.terse = true,
                'd' => {
                    for level in val.unwrap_or_default().split(',') {
                        match level {
                            "netlink" | "all" => opts.debug_netlink = true,
                            "scanner" | "parser" | "eval" | "mnl" | "proto-ctx" | "segtree" => {}
                            _ => {
                                let _ = writeln!(err, "Error: invalid debug parameter `{level}'");
                                return Action::Exit(1);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if opts.file.is_none() && define {
        let _ = writeln!(
            err,
            "Error: -D/--define can only be used with -f/--filename"
        );
        return Action::Exit(1);
    }
    let words: Vec<String> = args[i..].to_vec();
    if words.is_empty() && opts.file.is_none() {
        if interactive {
            let _ = writeln!(err, "{prog}: interactive CLI not supported in this build");
        } else {
            let _ = writeln!(err, "{prog}: no command specified");
        }
        return Action::Exit(1);
    }
    Action::Run { opts, words }
}

fn help(prog: &str, out: &mut dyn Write) {
    let line = |out: &mut dyn Write, c: char, l: &str, arg: &str, h: &str| {
        let mut o = format!("  -{c}");
        if !l.is_empty() {
            o.push_str(&format!(", --{l}"));
        }
        if !arg.is_empty() {
            o.push_str(&format!(" {arg}"));
        }
        let _ = writeln!(out, "{o:<34}{h}");
    };
    let _ = write!(
        out,
        "Usage: {prog} [ options ] [ cmds... ]\n\nOptions (general):\n"
    );
    for (c, l, a, h) in HELP {
        line(out, *c, l, a, h);
    }
    let _ = write!(out, "\nOptions (ruleset input handling):\n");
    for (c, l, a, h) in [
        ('f', "file", "<filename>", "Read input from <filename>"),
        (
            'D',
            "define",
            "<name=value>",
            "Define variable, e.g. --define foo=1.2.3.4",
        ),
        ('i', "interactive", "", "Read input from interactive CLI"),
        (
            'I',
            "includepath",
            "<directory>",
            "Add <directory> to the paths searched for include files. Default is: /etc",
        ),
        (
            'c',
            "check",
            "",
            "Check commands validity without actually applying the changes.",
        ),
        ('o', "optimize", "", "Optimize ruleset"),
    ] {
        line(out, c, l, a, h);
    }
    let _ = write!(out, "\nOptions (ruleset list formatting):\n");
    for (c, l, a, h) in [
        ('a', "handle", "", "Output rule handle."),
        (
            's',
            "stateless",
            "",
            "Omit stateful information of ruleset.",
        ),
        ('t', "terse", "", "Omit contents of sets."),
        (
            'S',
            "service",
            "",
            "Translate ports to service names as described in /etc/services.",
        ),
        ('N', "reversedns", "", "Translate IP addresses to names."),
        (
            'u',
            "guid",
            "",
            "Print UID/GID as defined in /etc/passwd and /etc/group.",
        ),
        ('n', "numeric", "", "Print fully numerical output."),
        (
            'y',
            "numeric-priority",
            "",
            "Print chain priority numerically.",
        ),
        (
            'p',
            "numeric-protocol",
            "",
            "Print layer 4 protocols numerically.",
        ),
        ('T', "numeric-time", "", "Print time values numerically."),
    ] {
        line(out, c, l, a, h);
    }
    let _ = write!(out, "\nOptions (command output formatting):\n");
    for (c, l, a, h) in [
        ('e', "echo", "", "Echo what has been added, inserted or replaced."),
        ('j', "json", "", "Format output in JSON"),
        ('d', "debug", "<level [,level...]>", "Specify debugging level (scanner, parser, eval, netlink, mnl, proto-ctx, segtree, all)"),
    ] {
        line(out, c, l, a, h);
    }
    let _ = writeln!(out);
}

/// Read the `-f` input: `-` is stdin, named `/dev/stdin` in messages.
fn read_input(file: &str, stdin: &mut dyn Read, err: &mut dyn Write) -> Option<Source> {
    let res = if file == "-" {
        Source::read("/dev/stdin".to_string(), stdin)
    } else {
        std::fs::File::open(file).and_then(|f| Source::open(file.to_string(), f))
    };
    let name = if file == "-" { "/dev/stdin" } else { file };
    match res {
        Ok(source) => Some(source),
        Err(e) if e.raw_os_error() == Some(libc::EISDIR) => {
            let _ = writeln!(err, "input in flex scanner failed");
            None
        }
        Err(e) => {
            let errno = e.raw_os_error().unwrap_or(libc::EIO);
            let _ = write!(
                err,
                "internal:0:0-0: Error: Could not open file \"{}\": {}\n\n\n",
                name,
                kcommon::errno::strerror(errno)
            );
            None
        }
    }
}

/// The applet: argv in, exit status out.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let mut stdin = std::io::stdin().lock();
    let rc = main_with(&args, &mut stdin, &mut out, &mut err);
    let _ = out.flush();
    rc
}

/// The applet with explicit streams (tests run it in-process, in a namespace of their own).
pub fn main_with(
    args: &[String],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let prog = args.first().cloned().unwrap_or_else(|| "nft".into());
    let rest = args.get(1..).unwrap_or(&[]);
    let (opts, words) = match parse_args(&prog, rest, out, err) {
        Action::Exit(rc) => return rc,
        Action::Run { opts, words } => (opts, words),
    };
    let input = match &opts.file {
        Some(f) if words.is_empty() => match read_input(f, stdin, err) {
            Some(i) => i,
            None => return 1,
        },
        _ => Source::in_memory(Input {
            name: None,
            text: words.join(" "),
        }),
    };
    crate::memstat::mark("input");
    crate::run::run(&input, &opts, out, err)
}
