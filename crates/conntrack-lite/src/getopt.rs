// SPDX-License-Identifier: Apache-2.0
//! getopt_long as glibc runs it for conntrack: short clusters (`-pudp`),
//! `--long=value` and `--long value`, unambiguous prefixes of long names,
//! optional arguments only when attached, non-options skipped (permuted to
//! the end and ignored), `--` ends the options. With a leading ':' in the
//! option string, a missing argument is reported apart from an unknown option.

/// Whether an option takes an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HasArg {
    No,
    Required,
    Optional,
}

/// A long option: its name, argument rule, and the value getopt returns.
#[derive(Debug, Clone, Copy)]
pub struct LongOpt {
    pub name: &'static str,
    pub has_arg: HasArg,
    pub val: u32,
}

/// What one step of the scan found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// An option (its value) and its argument, if one was given.
    Opt(u32, Option<String>),
    /// getopt's '?': the element that was not understood.
    Unknown(String),
    /// getopt's ':': the element whose argument is missing.
    MissingArg(String),
}

pub struct Getopt {
    args: Vec<String>,
    /// Index of the next element to look at (glibc's optind).
    pub optind: usize,
    /// Position inside a short-option cluster, 0 when not in one.
    nextchar: usize,
    short: Vec<(char, HasArg)>,
}

impl Getopt {
    /// `args[0]` is the program name. `shortopts` is in getopt's syntax.
    pub fn new(args: Vec<String>, shortopts: &str) -> Self {
        let mut short = Vec::new();
        let chars: Vec<char> = shortopts.trim_start_matches(':').chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let colons = chars[i + 1..]
                .iter()
                .take_while(|&&x| x == ':')
                .count()
                .min(2);
            short.push((
                c,
                match colons {
                    0 => HasArg::No,
                    1 => HasArg::Required,
                    _ => HasArg::Optional,
                },
            ));
            i += 1 + colons;
        }
        Getopt {
            args,
            optind: 1,
            nextchar: 0,
            short,
        }
    }

    /// conntrack's `get_optional_arg`: after an option whose optional
    /// argument was not attached, take the next element if it does not look
    /// like an option. (An attached argument is ignored: conntrack's quirk.)
    pub fn optional_arg(&mut self, attached: &Option<String>) -> Option<String> {
        if attached.is_some() || self.nextchar != 0 {
            return None;
        }
        let next = self.args.get(self.optind)?;
        if next.starts_with('-') || next.starts_with('!') {
            return None;
        }
        self.optind += 1;
        Some(next.clone())
    }

    /// The next option, or None at the end.
    pub fn next(&mut self, long: &[LongOpt]) -> Option<Found> {
        if self.nextchar == 0 {
            loop {
                let a = self.args.get(self.optind)?;
                if a == "--" {
                    self.optind = self.args.len();
                    return None;
                }
                if a.len() > 1 && a.starts_with('-') {
                    break;
                }
                self.optind += 1; // a non-option: permuted away, ignored
            }
            let a = self.args[self.optind].clone();
            if let Some(body) = a.strip_prefix("--") {
                self.optind += 1;
                return Some(self.long_opt(&a, body, long));
            }
            self.nextchar = 1;
        }
        self.short_opt()
    }

    fn long_opt(&mut self, whole: &str, body: &str, long: &[LongOpt]) -> Found {
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let opt = match long.iter().find(|o| o.name == name) {
            Some(o) => *o,
            None => {
                let cands: Vec<&LongOpt> =
                    long.iter().filter(|o| o.name.starts_with(name)).collect();
                let Some(first) = cands.first() else {
                    return Found::Unknown(whole.to_string());
                };
                if cands
                    .iter()
                    .any(|o| o.has_arg != first.has_arg || o.val != first.val)
                {
                    return Found::Unknown(whole.to_string());
                }
                **first
            }
        };
        match opt.has_arg {
            HasArg::No if value.is_some() => Found::Unknown(whole.to_string()),
            HasArg::No | HasArg::Optional => Found::Opt(opt.val, value),
            HasArg::Required => match value {
                Some(v) => Found::Opt(opt.val, Some(v)),
                None => match self.args.get(self.optind) {
                    Some(v) => {
                        let v = v.clone();
                        self.optind += 1;
                        Found::Opt(opt.val, Some(v))
                    }
                    None => Found::MissingArg(whole.to_string()),
                },
            },
        }
    }

    fn short_opt(&mut self) -> Option<Found> {
        let elem = self.args.get(self.optind)?.clone();
        let chars: Vec<char> = elem.chars().collect();
        let c = *chars.get(self.nextchar)?;
        self.nextchar += 1;
        let rest: String = chars[self.nextchar..].iter().collect();
        let at_end = rest.is_empty();
        let finish = |g: &mut Getopt| {
            g.nextchar = 0;
            g.optind += 1;
        };
        let Some(&(_, has_arg)) = self.short.iter().find(|(s, _)| *s == c) else {
            if at_end {
                finish(self);
            }
            return Some(Found::Unknown(elem));
        };
        Some(match has_arg {
            HasArg::No => {
                if at_end {
                    finish(self);
                }
                Found::Opt(c as u32, None)
            }
            HasArg::Optional => {
                finish(self);
                Found::Opt(c as u32, (!at_end).then_some(rest))
            }
            HasArg::Required => {
                finish(self);
                if !at_end {
                    Found::Opt(c as u32, Some(rest))
                } else if let Some(v) = self.args.get(self.optind).cloned() {
                    self.optind += 1;
                    Found::Opt(c as u32, Some(v))
                } else {
                    Found::MissingArg(elem)
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &[LongOpt] = &[
        LongOpt {
            name: "orig-dst",
            has_arg: HasArg::Required,
            val: 'd' as u32,
        },
        LongOpt {
            name: "dst",
            has_arg: HasArg::Required,
            val: 'd' as u32,
        },
        LongOpt {
            name: "dst-nat",
            has_arg: HasArg::Optional,
            val: 'g' as u32,
        },
        LongOpt {
            name: "delete",
            has_arg: HasArg::Optional,
            val: 'D' as u32,
        },
        LongOpt {
            name: "dump",
            has_arg: HasArg::Optional,
            val: 'L' as u32,
        },
    ];

    fn all(args: &[&str]) -> Vec<Found> {
        let mut g = Getopt::new(
            std::iter::once("conntrack")
                .chain(args.iter().copied())
                .map(String::from)
                .collect(),
            ":L::D::d:p:g::",
        );
        std::iter::from_fn(|| g.next(LONG)).collect()
    }

    #[test]
    fn clusters_prefixes_and_equals() {
        assert_eq!(
            all(&["-D", "--orig-d=10.0.0.1", "-pudp", "extra", "--dump"]),
            vec![
                Found::Opt('D' as u32, None),
                Found::Opt('d' as u32, Some("10.0.0.1".into())),
                Found::Opt('p' as u32, Some("udp".into())),
                Found::Opt('L' as u32, None),
            ]
        );
    }

    #[test]
    fn ambiguous_unknown_and_missing() {
        assert_eq!(all(&["--d"]), vec![Found::Unknown("--d".into())]);
        assert_eq!(all(&["--bogus"]), vec![Found::Unknown("--bogus".into())]);
        assert_eq!(
            all(&["--orig-dst"]),
            vec![Found::MissingArg("--orig-dst".into())]
        );
        assert_eq!(all(&["-p"]), vec![Found::MissingArg("-p".into())]);
        assert_eq!(all(&["-x"]), vec![Found::Unknown("-x".into())]);
    }

    #[test]
    fn required_argument_may_look_like_an_option() {
        assert_eq!(
            all(&["-p", "-D"]),
            vec![Found::Opt('p' as u32, Some("-D".into()))]
        );
    }
}
