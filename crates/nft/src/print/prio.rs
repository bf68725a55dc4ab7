// SPDX-License-Identifier: Apache-2.0
//! Chain priorities as nft names them (rule.c `prio2str`): a standard name
//! within ±10 of the value, when that name is valid for the hook.

const STD: &[(i32, &str)] = &[
    (-300, "raw"),
    (-150, "mangle"),
    (-100, "dstnat"),
    (0, "filter"),
    (50, "security"),
    (100, "srcnat"),
];

const BRIDGE: &[(i32, &str)] = &[
    (-300, "dstnat"),
    (-200, "filter"),
    (100, "out"),
    (300, "srcnat"),
];

fn valid(family: u8, name: &str, hook: &str) -> bool {
    match (family, name) {
        (7, "dstnat") => hook == "prerouting",
        (7, "srcnat") => hook == "postrouting",
        (7, "out") => hook == "output",
        (_, "dstnat") => hook == "prerouting",
        (_, "srcnat") => hook == "postrouting",
        (5, "filter") => true,
        (5, _) => false,
        _ => true,
    }
}

/// `dstnat - 10`, `filter`, `-110`.
pub fn text(family: u8, hook: &str, prio: i32, numeric: bool) -> String {
    if !numeric {
        let table = if family == 7 { BRIDGE } else { STD };
        for &(v, name) in table {
            if (prio - v).abs() <= 10 {
                if !valid(family, name, hook) {
                    break;
                }
                let off = prio - v;
                return match off {
                    0 => name.to_string(),
                    o if o > 0 => format!("{name} + {o}"),
                    o => format!("{name} - {}", -o),
                };
            }
        }
    }
    prio.to_string()
}

/// Hook number → name for a family.
pub fn hook_name(family: u8, hooknum: u32) -> &'static str {
    match (family, hooknum) {
        (5, 0) => "ingress",
        (5, 1) => "egress",
        (3, 0) => "input",
        (3, 1) => "output",
        (_, 0) => "prerouting",
        (_, 1) => "input",
        (_, 2) => "forward",
        (_, 3) => "output",
        (_, 4) => "postrouting",
        (_, 5) => "ingress",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_per_hook() {
        assert_eq!(text(2, "prerouting", -110, false), "dstnat - 10");
        assert_eq!(text(2, "output", -110, false), "-110");
        assert_eq!(text(2, "output", -100, false), "-100");
        assert_eq!(text(2, "postrouting", 100, false), "srcnat");
        assert_eq!(text(2, "input", 0, false), "filter");
        assert_eq!(text(1, "prerouting", -300, false), "raw");
        assert_eq!(text(2, "input", 5, true), "5");
    }
}
