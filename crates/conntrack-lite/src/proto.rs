// SPDX-License-Identifier: Apache-2.0
//! Layer-4 protocol handlers (conntrack-tools' extensions/libct_proto_*.c):
//! the options each protocol adds once `-p` names it, which commands allow
//! them, and the state names.

use crate::table::NUMBER_OF_CMD;

/// What a protocol option sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    OrigSport,
    OrigDport,
    ReplSport,
    ReplDport,
    MaskSport,
    MaskDport,
    State,
    TupleSport,
    TupleDport,
    IcmpType,
    IcmpCode,
    IcmpId,
    Ignored,
}

#[derive(Debug)]
pub struct Proto {
    pub name: &'static str,
    pub num: u8,
    /// Long options: (name, field); the flag bit is the field's column.
    pub opts: &'static [(&'static str, usize)],
    /// Per column: what it sets, and its name in messages.
    pub columns: &'static [(Field, &'static str)],
    /// Legality per command (rows as in `table::COMMANDS_V_OPTIONS`).
    pub matrix: [&'static [u8]; NUMBER_OF_CMD],
    /// Messages when neither orig nor reply ports are complete (coupled "3").
    pub coupled: Option<(&'static str, &'static str)>,
    pub states: &'static [&'static str],
    pub state_err: &'static str,
}

const PORT_COLUMNS: &[(Field, &str)] = &[
    (Field::OrigSport, "sport"),
    (Field::OrigDport, "dport"),
    (Field::ReplSport, "reply-port-src"),
    (Field::ReplDport, "reply-port-dst"),
    (Field::MaskSport, "mask-port-src"),
    (Field::MaskDport, "mask-port-dst"),
    (Field::State, "state"),
    (Field::TupleSport, "tuple-port-src"),
    (Field::TupleDport, "tuple-port-dst"),
];

const UDP_COLUMNS: &[(Field, &str)] = &[
    (Field::OrigSport, "sport"),
    (Field::OrigDport, "dport"),
    (Field::ReplSport, "reply-port-src"),
    (Field::ReplDport, "reply-port-dst"),
    (Field::MaskSport, "mask-port-src"),
    (Field::MaskDport, "mask-port-dst"),
    (Field::TupleSport, "tuple-port-src"),
    (Field::TupleDport, "tuple-port-dst"),
];

const TCP_OPTS: &[(&str, usize)] = &[
    ("orig-port-src", 0),
    ("sport", 0),
    ("orig-port-dst", 1),
    ("dport", 1),
    ("reply-port-src", 2),
    ("reply-port-dst", 3),
    ("mask-port-src", 4),
    ("mask-port-dst", 5),
    ("state", 6),
    ("tuple-port-src", 7),
    ("tuple-port-dst", 8),
];

const UDP_OPTS: &[(&str, usize)] = &[
    ("orig-port-src", 0),
    ("sport", 0),
    ("orig-port-dst", 1),
    ("dport", 1),
    ("reply-port-src", 2),
    ("reply-port-dst", 3),
    ("mask-port-src", 4),
    ("mask-port-dst", 5),
    ("tuple-port-src", 6),
    ("tuple-port-dst", 7),
];

const SCTP_OPTS: &[(&str, usize)] = &[
    ("orig-port-src", 0),
    ("orig-port-dst", 1),
    ("reply-port-src", 2),
    ("reply-port-dst", 3),
    ("mask-port-src", 4),
    ("mask-port-dst", 5),
    ("state", 6),
    ("tuple-port-src", 7),
    ("tuple-port-dst", 8),
    ("orig-vtag", 9),
    ("reply-vtag", 10),
    ("sport", 0),
    ("dport", 1),
];

const SCTP_COLUMNS: &[(Field, &str)] = &[
    (Field::OrigSport, "sport"),
    (Field::OrigDport, "dport"),
    (Field::ReplSport, "reply-port-src"),
    (Field::ReplDport, "reply-port-dst"),
    (Field::MaskSport, "mask-port-src"),
    (Field::MaskDport, "mask-port-dst"),
    (Field::State, "state"),
    (Field::TupleSport, "tuple-port-src"),
    (Field::TupleDport, "tuple-port-dst"),
    (Field::Ignored, "orig-vtag"),
    (Field::Ignored, "reply-vtag"),
];

const DCCP_OPTS: &[(&str, usize)] = &[
    ("orig-port-src", 0),
    ("orig-port-dst", 1),
    ("reply-port-src", 2),
    ("reply-port-dst", 3),
    ("mask-port-src", 4),
    ("mask-port-dst", 5),
    ("state", 6),
    ("tuple-port-src", 7),
    ("tuple-port-dst", 8),
    ("sport", 0),
    ("dport", 1),
    ("role", 9),
];

const DCCP_COLUMNS: &[(Field, &str)] = &[
    (Field::OrigSport, "sport"),
    (Field::OrigDport, "dport"),
    (Field::ReplSport, "reply-port-src"),
    (Field::ReplDport, "reply-port-dst"),
    (Field::MaskSport, "mask-port-src"),
    (Field::MaskDport, "mask-port-dst"),
    (Field::State, "state"),
    (Field::TupleSport, "tuple-port-src"),
    (Field::TupleDport, "tuple-port-dst"),
    (Field::Ignored, "role"),
];

const GRE_OPTS: &[(&str, usize)] = &[
    ("orig-key-src", 0),
    ("srckey", 0),
    ("orig-key-dst", 1),
    ("dstkey", 1),
    ("reply-key-src", 2),
    ("reply-key-dst", 3),
    ("mask-key-src", 4),
    ("mask-key-dst", 5),
    ("tuple-key-src", 6),
    ("tuple-key-dst", 7),
];

const GRE_COLUMNS: &[(Field, &str)] = &[
    (Field::OrigSport, "srckey"),
    (Field::OrigDport, "dstkey"),
    (Field::ReplSport, "reply-key-src"),
    (Field::ReplDport, "reply-key-dst"),
    (Field::MaskSport, "mask-key-src"),
    (Field::MaskDport, "mask-key-dst"),
    (Field::TupleSport, "tuple-key-src"),
    (Field::TupleDport, "tuple-key-dst"),
];

const ICMP_OPTS: &[(&str, usize)] = &[("icmp-type", 0), ("icmp-code", 1), ("icmp-id", 2)];
const ICMPV6_OPTS: &[(&str, usize)] = &[("icmpv6-type", 0), ("icmpv6-code", 1), ("icmpv6-id", 2)];
const ICMP_COLUMNS: &[(Field, &str)] = &[
    (Field::IcmpType, "icmp-type"),
    (Field::IcmpCode, "icmp-code"),
    (Field::IcmpId, "icmp-id"),
];
const ICMPV6_COLUMNS: &[(Field, &str)] = &[
    (Field::IcmpType, "icmpv6-type"),
    (Field::IcmpCode, "icmpv6-code"),
    (Field::IcmpId, "icmpv6-id"),
];

pub const TCP_STATES: &[&str] = &[
    "NONE",
    "SYN_SENT",
    "SYN_RECV",
    "ESTABLISHED",
    "FIN_WAIT",
    "CLOSE_WAIT",
    "LAST_ACK",
    "TIME_WAIT",
    "CLOSE",
    "SYN_SENT2",
];
pub const SCTP_STATES: &[&str] = &[
    "NONE",
    "CLOSED",
    "COOKIE_WAIT",
    "COOKIE_ECHOED",
    "ESTABLISHED",
    "SHUTDOWN_SENT",
    "SHUTDOWN_RECD",
    "SHUTDOWN_ACK_SENT",
    "HEARTBEAT_SENT",
    "HEARTBEAT_ACKED",
];
pub const DCCP_STATES: &[&str] = &[
    "NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE",
    "INVALID",
];

const Z: &[u8] = &[0; 11];
const PORTS_COUPLED: Option<(&str, &str)> = Some((
    "you have to specify `--sport' and `--dport'",
    "you have to specify `--reply-src-port' and `--reply-dst-port'",
));

// Rows: LIST CREATE UPDATE DELETE GET FLUSH EVENT VERSION HELP EXP_LIST
// EXP_CREATE EXP_DELETE EXP_GET EXP_FLUSH EXP_EVENT COUNT EXP_COUNT STATS
// EXP_STATS ADD.
const TCP_MATRIX: [&[u8]; NUMBER_OF_CMD] = [
    &[2, 2, 2, 2, 0, 0, 2, 0, 0],
    &[3, 3, 3, 3, 0, 0, 1, 0, 0],
    &[2, 2, 2, 2, 0, 0, 2, 0, 0],
    &[2, 2, 2, 2, 0, 0, 2, 0, 0],
    &[3, 3, 3, 3, 0, 0, 2, 0, 0],
    Z,
    &[2, 2, 2, 2, 0, 0, 2, 0, 0],
    Z,
    Z,
    Z,
    &[1, 1, 0, 0, 1, 1, 0, 1, 1],
    &[1, 1, 1, 1, 0, 0, 0, 0, 0],
    &[1, 1, 1, 1, 0, 0, 0, 0, 0],
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    &[3, 3, 3, 3, 0, 0, 1, 0, 0],
];

const UDP_MATRIX: [&[u8]; NUMBER_OF_CMD] = [
    &[2, 2, 2, 2, 0, 0, 0, 0],
    &[3, 3, 3, 3, 0, 0, 0, 0],
    &[2, 2, 2, 2, 0, 0, 0, 0],
    &[2, 2, 2, 2, 0, 0, 0, 0],
    &[3, 3, 3, 3, 0, 0, 0, 0],
    Z,
    &[2, 2, 2, 2, 0, 0, 0, 0],
    Z,
    Z,
    Z,
    &[1, 1, 0, 0, 1, 1, 1, 1],
    &[1, 1, 1, 1, 0, 0, 0, 0],
    &[1, 1, 1, 1, 0, 0, 0, 0],
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    &[3, 3, 3, 3, 0, 0, 0, 0],
];

const SCTP_MATRIX: [&[u8]; NUMBER_OF_CMD] = [
    &[2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 0],
    &[3, 3, 3, 3, 0, 0, 1, 0, 0, 1, 1],
    &[2, 2, 2, 2, 0, 0, 2, 0, 0, 2, 2],
    &[2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 0],
    &[3, 3, 3, 3, 0, 0, 2, 0, 0, 2, 2],
    Z,
    &[2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 0],
    Z,
    Z,
    Z,
    &[1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0],
    &[1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    &[1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    &[3, 3, 3, 3, 0, 0, 1, 0, 0, 1, 1],
];

const DCCP_MATRIX: [&[u8]; NUMBER_OF_CMD] = [
    &[2, 2, 2, 2, 0, 0, 2, 0, 0, 0],
    &[3, 3, 3, 3, 0, 0, 1, 0, 0, 1],
    &[2, 2, 2, 2, 0, 0, 2, 0, 0, 0],
    &[2, 2, 2, 2, 0, 0, 2, 0, 0, 0],
    &[3, 3, 3, 3, 0, 0, 2, 0, 0, 0],
    Z,
    &[2, 2, 2, 2, 0, 0, 2, 0, 0, 0],
    Z,
    Z,
    Z,
    &[1, 1, 0, 0, 1, 1, 0, 1, 1, 0],
    &[1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    &[1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    &[3, 3, 3, 3, 0, 0, 1, 0, 0, 1],
];

const ICMP_MATRIX: [&[u8]; NUMBER_OF_CMD] = [
    &[2, 2, 2],
    &[1, 1, 2],
    &[2, 2, 2],
    &[2, 2, 2],
    &[1, 1, 2],
    Z,
    &[2, 2, 2],
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    Z,
    &[1, 1, 2],
];

pub static PROTOS: &[Proto] = &[
    // conntrack registers these at the head of a list: lookups see this order.
    Proto {
        name: "gre",
        num: 47,
        opts: GRE_OPTS,
        columns: GRE_COLUMNS,
        matrix: UDP_MATRIX,
        coupled: Some((
            "you have to specify `--srckey' and `--dstkey'",
            "you have to specify `--reply-src-key' and `--reply-dst-key'",
        )),
        states: &[],
        state_err: "",
    },
    Proto {
        name: "icmpv6",
        num: 58,
        opts: ICMPV6_OPTS,
        columns: ICMPV6_COLUMNS,
        matrix: ICMP_MATRIX,
        coupled: None,
        states: &[],
        state_err: "",
    },
    Proto {
        name: "icmp",
        num: 1,
        opts: ICMP_OPTS,
        columns: ICMP_COLUMNS,
        matrix: ICMP_MATRIX,
        coupled: None,
        states: &[],
        state_err: "",
    },
    Proto {
        name: "dccp",
        num: 33,
        opts: DCCP_OPTS,
        columns: DCCP_COLUMNS,
        matrix: DCCP_MATRIX,
        coupled: PORTS_COUPLED,
        states: DCCP_STATES,
        state_err: "Unknown DCCP state",
    },
    Proto {
        name: "sctp",
        num: 132,
        opts: SCTP_OPTS,
        columns: SCTP_COLUMNS,
        matrix: SCTP_MATRIX,
        coupled: PORTS_COUPLED,
        states: SCTP_STATES,
        state_err: "unknown SCTP state",
    },
    Proto {
        name: "udplite",
        num: 136,
        opts: UDP_OPTS,
        columns: UDP_COLUMNS,
        matrix: UDP_MATRIX,
        coupled: PORTS_COUPLED,
        states: &[],
        state_err: "",
    },
    Proto {
        name: "udp",
        num: 17,
        opts: UDP_OPTS,
        columns: UDP_COLUMNS,
        matrix: UDP_MATRIX,
        coupled: PORTS_COUPLED,
        states: &[],
        state_err: "",
    },
    Proto {
        name: "tcp",
        num: 6,
        opts: TCP_OPTS,
        columns: PORT_COLUMNS,
        matrix: TCP_MATRIX,
        coupled: PORTS_COUPLED,
        states: TCP_STATES,
        state_err: "unknown TCP state",
    },
];

/// Protocol names from /etc/protocols for numbers conntrack has no handler for
/// (glibc's getprotobyname/getprotobynumber on a stock system).
const PROTOCOLS: &[(&str, u8)] = &[
    ("ip", 0),
    ("hopopt", 0),
    ("igmp", 2),
    ("ggp", 3),
    ("ipencap", 4),
    ("st", 5),
    ("egp", 8),
    ("igp", 9),
    ("pup", 12),
    ("hmp", 20),
    ("xns-idp", 22),
    ("rdp", 27),
    ("iso-tp4", 29),
    ("xtp", 36),
    ("ddp", 37),
    ("idpr-cmtp", 38),
    ("ipv6", 41),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("idrp", 45),
    ("rsvp", 46),
    ("esp", 50),
    ("ah", 51),
    ("skip", 57),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("rspf", 73),
    ("vmtp", 81),
    ("eigrp", 88),
    ("ospf", 89),
    ("ax.25", 93),
    ("ipip", 94),
    ("etherip", 97),
    ("encap", 98),
    ("pim", 103),
    ("ipcomp", 108),
    ("vrrp", 112),
    ("l2tp", 115),
    ("isis", 124),
    ("fc", 133),
    ("mobility-header", 135),
    ("mpls-in-ip", 137),
    ("manet", 138),
    ("hip", 139),
    ("shim6", 140),
    ("wesp", 141),
    ("rohc", 142),
    ("ethernet", 143),
];

/// conntrack's findproto: a handler name (any case), a protocol name, or a
/// number 0..=255. `None` is "unsupported protocol".
pub fn find(name: &str) -> Option<(Option<&'static Proto>, u8)> {
    if let Some(p) = PROTOS.iter().find(|p| p.name.eq_ignore_ascii_case(name)) {
        return Some((Some(p), p.num));
    }
    if let Some((_, n)) = PROTOCOLS.iter().find(|(n, _)| *n == name) {
        return Some((PROTOS.iter().find(|p| p.num == *n), *n));
    }
    let n = crate::parse::strtoul(name)?;
    if n > 255 {
        return None;
    }
    let n = n as u8;
    Some((PROTOS.iter().find(|p| p.num == n), n))
}

/// The protocol's name for printing (libnetfilter_conntrack's proto2str).
pub fn print_name(num: u8) -> &'static str {
    match num {
        6 => "tcp",
        17 => "udp",
        136 => "udplite",
        1 => "icmp",
        58 => "icmpv6",
        132 => "sctp",
        47 => "gre",
        33 => "dccp",
        _ => "unknown",
    }
}
