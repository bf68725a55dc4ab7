// SPDX-License-Identifier: Apache-2.0
//! conntrack-tools 1.4.7's tables, as data: commands, options, the
//! command × option legality matrix, and the long option list.

use crate::getopt::{HasArg, LongOpt};

// Commands (enum ct_command); bit numbers index the matrices.
pub const CT_LIST: u32 = 1 << 0;
pub const CT_CREATE: u32 = 1 << 1;
pub const CT_UPDATE: u32 = 1 << 2;
pub const CT_DELETE: u32 = 1 << 3;
pub const CT_GET: u32 = 1 << 4;
pub const CT_FLUSH: u32 = 1 << 5;
pub const CT_EVENT: u32 = 1 << 6;
pub const CT_VERSION: u32 = 1 << 7;
pub const CT_HELP: u32 = 1 << 8;
pub const EXP_LIST: u32 = 1 << 9;
pub const EXP_CREATE: u32 = 1 << 10;
pub const EXP_DELETE: u32 = 1 << 11;
pub const EXP_GET: u32 = 1 << 12;
pub const EXP_FLUSH: u32 = 1 << 13;
pub const EXP_EVENT: u32 = 1 << 14;
pub const CT_COUNT: u32 = 1 << 15;
pub const EXP_COUNT: u32 = 1 << 16;
pub const CT_STATS: u32 = 1 << 17;
pub const EXP_STATS: u32 = 1 << 18;
pub const CT_ADD: u32 = 1 << 19;
pub const NUMBER_OF_CMD: usize = 20;

// Options (enum ct_options).
pub const O_ORIG_SRC: u32 = 1 << 0;
pub const O_ORIG_DST: u32 = 1 << 1;
pub const O_REPL_SRC: u32 = 1 << 2;
pub const O_REPL_DST: u32 = 1 << 3;
pub const O_PROTO: u32 = 1 << 4;
pub const O_TIMEOUT: u32 = 1 << 5;
pub const O_STATUS: u32 = 1 << 6;
pub const O_ZERO: u32 = 1 << 7;
pub const O_EVENT_MASK: u32 = 1 << 8;
pub const O_EXP_SRC: u32 = 1 << 9;
pub const O_EXP_DST: u32 = 1 << 10;
pub const O_MASK_SRC: u32 = 1 << 11;
pub const O_MASK_DST: u32 = 1 << 12;
pub const O_MARK: u32 = 1 << 14;
pub const O_ID: u32 = 1 << 15;
pub const O_FAMILY: u32 = 1 << 16;
pub const O_SRC_NAT: u32 = 1 << 17;
pub const O_DST_NAT: u32 = 1 << 18;
pub const O_OUTPUT: u32 = 1 << 19;
pub const O_SECMARK: u32 = 1 << 20;
pub const O_BUFFERSIZE: u32 = 1 << 21;
pub const O_ANY_NAT: u32 = 1 << 22;
pub const O_ZONE: u32 = 1 << 23;
pub const O_LABEL: u32 = 1 << 24;
pub const O_ADD_LABEL: u32 = 1 << 25;
pub const O_DEL_LABEL: u32 = 1 << 26;
pub const O_ORIG_ZONE: u32 = 1 << 27;
pub const O_REPL_ZONE: u32 = 1 << 28;
pub const NUMBER_OF_OPT: usize = 29;

pub const O_ORIG: u32 = O_ORIG_SRC | O_ORIG_DST;
pub const O_REPL: u32 = O_REPL_SRC | O_REPL_DST;
/// Options that make a listing compare entries with the template.
pub const O_COMPARISON: u32 = O_PROTO
    | O_ORIG
    | O_REPL
    | O_MARK
    | O_SECMARK
    | O_STATUS
    | O_ID
    | O_ZONE
    | O_LABEL
    | O_ORIG_ZONE
    | O_REPL_ZONE;

/// Names used in "Illegal option `--%s'" and "You need to supply" messages.
pub const OPTFLAGS: [&str; NUMBER_OF_OPT] = [
    "src",
    "dst",
    "reply-src",
    "reply-dst",
    "protonum",
    "timeout",
    "status",
    "zero",
    "event-mask",
    "tuple-src",
    "tuple-dst",
    "mask-src",
    "mask-dst",
    "nat-range",
    "mark",
    "id",
    "family",
    "src-nat",
    "dst-nat",
    "output",
    "secmark",
    "buffer-size",
    "any-nat",
    "zone",
    "label",
    "label-add",
    "label-del",
    "orig-zone",
    "reply-zone",
];

/// 0 illegal, 1 compulsory, 2 optional, 3 coupled (see `check_options`).
/// Columns: s d r q p t u z e [ ] { } a m i f n g o c b j w l < > ( )
pub const COMMANDS_V_OPTIONS: [[u8; NUMBER_OF_OPT]; NUMBER_OF_CMD] = [
    [
        2, 2, 2, 2, 2, 0, 2, 2, 0, 0, 0, 2, 2, 0, 2, 0, 2, 2, 2, 2, 2, 0, 2, 2, 2, 0, 0, 2, 2,
    ],
    [
        3, 3, 3, 3, 1, 1, 2, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 2, 0, 2, 0, 2, 2,
    ],
    [
        2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 0, 0,
    ],
    [
        2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 2, 2, 0, 0, 2, 2,
    ],
    [
        3, 3, 3, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0,
    ],
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ],
    [
        2, 2, 2, 2, 2, 0, 0, 0, 2, 0, 0, 2, 2, 0, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2,
    ],
    [0; NUMBER_OF_OPT],
    [
        0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ],
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ],
    [
        1, 1, 2, 2, 1, 1, 2, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ],
    [
        1, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ],
    [
        1, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ],
    [0; NUMBER_OF_OPT],
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ],
    [0; NUMBER_OF_OPT],
    [0; NUMBER_OF_OPT],
    [0; NUMBER_OF_OPT],
    [0; NUMBER_OF_OPT],
    [
        3, 3, 3, 3, 1, 1, 2, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 2, 0, 2, 0, 2, 2,
    ],
];

/// The short option string (with conntrack's odd characters for the
/// expectation and zone options).
pub const SHORTOPTS: &str =
    ":L::I::U::D::G::E::F::A::hVs:d:r:q:p:t:u:e:a:z[:]:{:}:m:i:f:o:n::g::c:b:C::Sj::w:l:<:>::(:):";

const fn lo(name: &'static str, has_arg: HasArg, val: char) -> LongOpt {
    LongOpt {
        name,
        has_arg,
        val: val as u32,
    }
}

use HasArg::{No, Optional as Opt, Required as Req};

pub const LONG_OPTS: &[LongOpt] = &[
    lo("dump", Opt, 'L'),
    lo("create", Opt, 'I'),
    lo("add", Opt, 'A'),
    lo("delete", Opt, 'D'),
    lo("update", Opt, 'U'),
    lo("get", Opt, 'G'),
    lo("flush", Opt, 'F'),
    lo("event", Opt, 'E'),
    lo("counter", Opt, 'C'),
    lo("stats", No, 'S'),
    lo("version", No, 'V'),
    lo("help", No, 'h'),
    lo("orig-src", Req, 's'),
    lo("src", Req, 's'),
    lo("orig-dst", Req, 'd'),
    lo("dst", Req, 'd'),
    lo("reply-src", Req, 'r'),
    lo("reply-dst", Req, 'q'),
    lo("protonum", Req, 'p'),
    lo("timeout", Req, 't'),
    lo("status", Req, 'u'),
    lo("zero", No, 'z'),
    lo("event-mask", Req, 'e'),
    lo("tuple-src", Req, '['),
    lo("tuple-dst", Req, ']'),
    lo("mask-src", Req, '{'),
    lo("mask-dst", Req, '}'),
    lo("nat-range", Req, 'a'),
    lo("mark", Req, 'm'),
    lo("secmark", Req, 'c'),
    lo("id", Opt, 'i'),
    lo("family", Req, 'f'),
    lo("src-nat", Opt, 'n'),
    lo("dst-nat", Opt, 'g'),
    lo("output", Req, 'o'),
    lo("buffer-size", Req, 'b'),
    lo("any-nat", Opt, 'j'),
    lo("zone", Req, 'w'),
    lo("label", Req, 'l'),
    lo("label-add", Req, '<'),
    lo("label-del", Opt, '>'),
    lo("orig-zone", Req, '('),
    lo("reply-zone", Req, ')'),
];

/// The long name of option value `val` (for "CIDR notation unavailable for `--%s'").
pub fn long_name(val: u32) -> &'static str {
    LONG_OPTS
        .iter()
        .find(|o| o.val == val)
        .map(|o| o.name)
        .unwrap_or("unknown")
}

/// Index of the lowest command bit (bit2cmd); NUMBER_OF_CMD for none.
pub fn bit2cmd(command: u32) -> usize {
    (0..NUMBER_OF_CMD)
        .find(|i| command & (1 << i) != 0)
        .unwrap_or(NUMBER_OF_CMD)
}

/// The "%d … have been …" summary for a command, if it has one.
pub fn exit_msg(cmd: usize) -> Option<&'static str> {
    Some(match cmd {
        0 | 4 => "flow entries have been shown.",
        1 => "flow entries have been created.",
        2 => "flow entries have been updated.",
        3 => "flow entries have been deleted.",
        6 => "flow events have been shown.",
        9 | 11 => "expectations have been shown.",
        19 => "flow entries have been added.",
        _ => return None,
    })
}
