// SPDX-License-Identifier: Apache-2.0
//! Comma-separated keyword lists: -u status, -e events, -o output
//! (conntrack's parse_parameter and parse_parameter_mask).

use nfnl::ctnetlink::attribute::*;

use super::{EV_DEL, EV_NEW, EV_UPD, O_CL, O_EXT, O_IDF, O_KTMS, O_SAVE, O_TMS, O_XML};
use crate::error::{param, Result};

const IPS_OFFLOAD_BIT: u32 = IPS_OFFLOAD;
const IPS_HW_OFFLOAD_BIT: u32 = IPS_HW_OFFLOAD;

pub const STATUS: &[(&str, u32)] = &[
    ("ASSURED", IPS_ASSURED),
    ("SEEN_REPLY", IPS_SEEN_REPLY),
    ("UNSET", 0),
    ("FIXED_TIMEOUT", IPS_FIXED_TIMEOUT),
    ("EXPECTED", IPS_EXPECTED),
    ("OFFLOAD", IPS_OFFLOAD_BIT),
    ("HW_OFFLOAD", IPS_HW_OFFLOAD_BIT),
];
pub const EVENTS: &[(&str, u32)] = &[
    ("ALL", EV_NEW | EV_UPD | EV_DEL),
    ("NEW", EV_NEW),
    ("UPDATES", EV_UPD),
    ("DESTROY", EV_DEL),
];
pub const OUTPUT: &[(&str, u32)] = &[
    ("xml", O_XML),
    ("extended", O_EXT),
    ("timestamp", O_TMS),
    ("id", O_IDF),
    ("ktimestamp", O_KTMS),
    ("labels", O_CL),
    ("userspace", 0),
    ("save", O_SAVE),
];

/// strncasecmp(word, keyword, len(word)) == 0.
fn prefix_of(word: &str, keyword: &str) -> bool {
    let w = word.as_bytes();
    let k = keyword.as_bytes();
    w.len() <= k.len() && w.eq_ignore_ascii_case(&k[..w.len()])
}

/// One keyword; Ok(false) when it is unknown.
fn one(word: &str, table: &[(&str, u32)], value: &mut u32) -> bool {
    if prefix_of(word, "SRC_NAT") {
        eprintln!("WARNING: ignoring SRC_NAT, use --src-nat instead");
        return true;
    }
    if prefix_of(word, "DST_NAT") {
        eprintln!("WARNING: ignoring DST_NAT, use --dst-nat instead");
        return true;
    }
    match table.iter().find(|(k, _)| prefix_of(word, k)) {
        Some((_, v)) => {
            *value |= v;
            true
        }
        None => false,
    }
}

/// parse_parameter: every comma-separated word must be a keyword (or a
/// prefix of one); the message quotes the rest of the list from the bad word.
pub fn parse(arg: &str, table: &[(&str, u32)], value: &mut u32) -> Result<()> {
    let mut rest = arg;
    loop {
        let (word, next) = match rest.find(',') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        if word.is_empty() || !one(word, table, value) {
            return param(format!("Bad parameter `{rest}'"));
        }
        match next {
            Some(n) => rest = n,
            None => return Ok(()),
        }
    }
}

/// parse_parameter_mask for -u: `!WORD` goes to the mask, UNREPLIED means
/// "SEEN_REPLY clear".
pub fn parse_status(arg: &str, status: &mut u32, mask: &mut u32) -> Result<()> {
    let mut rest = arg;
    loop {
        let (word, next) = match rest.find(',') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (neg, w) = match word.strip_prefix('!') {
            Some(w) => (true, w),
            None => (false, word),
        };
        if w.is_empty() && next.is_some() {
            return param(format!("Bad parameter `{}'", &rest[usize::from(neg)..]));
        }
        if !neg && w.starts_with("UNREPLIED") {
            *mask |= IPS_SEEN_REPLY;
        } else {
            let target = if neg { &mut *mask } else { &mut *status };
            if w.is_empty() || !one(w, STATUS, target) {
                return param(format!("Bad parameter `{}'", &rest[usize::from(neg)..]));
            }
        }
        match next {
            Some(n) => rest = n,
            None => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_words_and_prefixes() {
        let mut v = 0;
        parse("extended,id", OUTPUT, &mut v).unwrap();
        assert_eq!(v, O_EXT | O_IDF);
        let mut v = 0;
        parse("ext", OUTPUT, &mut v).unwrap();
        assert_eq!(v, O_EXT);
        assert!(parse("badfmt", OUTPUT, &mut 0).is_err());
        assert!(parse("xml,", OUTPUT, &mut 0).is_err());
    }

    #[test]
    fn status_mask_forms() {
        let (mut s, mut m) = (0, 0);
        parse_status("SEEN_REPLY,ASSURED", &mut s, &mut m).unwrap();
        assert_eq!((s, m), (IPS_SEEN_REPLY | IPS_ASSURED, 0));
        let (mut s, mut m) = (0, 0);
        parse_status("UNREPLIED", &mut s, &mut m).unwrap();
        assert_eq!((s, m), (0, IPS_SEEN_REPLY));
        let (mut s, mut m) = (0, 0);
        parse_status("!ASSURED", &mut s, &mut m).unwrap();
        assert_eq!((s, m), (0, IPS_ASSURED));
    }
}
