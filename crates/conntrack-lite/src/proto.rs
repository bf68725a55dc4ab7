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

/// One option column a protocol adds: what it sets, its name in messages,
/// the long option that also names it, and whether each command allows it
/// (0 illegal, 1 compulsory, 2 optional, 3 coupled; commands in the order
/// of `table::COMMANDS_V_OPTIONS`' rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub field: Field,
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub legal: &'static [u8; NUMBER_OF_CMD],
}

/// How a protocol's columns are laid out.
#[derive(Debug)]
enum Layout {
    /// Port columns (GRE: key columns), with or without `--state`, then
    /// protocol-specific columns.
    Ports {
        keys: bool,
        state: bool,
        extra: &'static [Column],
    },
    /// ICMP's type, code and id, named as the options are.
    Icmp,
}

#[derive(Debug)]
pub struct Proto {
    pub name: &'static str,
    pub num: u8,
    /// Long options in conntrack's order (it matters for getopt's ambiguity
    /// messages); each is a column's name or alias.
    opts: &'static str,
    layout: Layout,
    /// Messages when neither orig nor reply ports are complete (coupled "3").
    pub coupled: Option<(&'static str, &'static str)>,
    pub states: &'static [&'static str],
    pub state_err: &'static str,
}

// Legality rows. Commands: LIST CREATE UPDATE DELETE GET FLUSH EVENT VERSION
// HELP EXP_LIST EXP_CREATE EXP_DELETE EXP_GET EXP_FLUSH EXP_EVENT COUNT
// EXP_COUNT STATS EXP_STATS ADD.
const ORIG: &[u8; NUMBER_OF_CMD] = &[2, 3, 2, 2, 3, 0, 2, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 3];
const REPL: &[u8; NUMBER_OF_CMD] = &[2, 3, 2, 2, 3, 0, 2, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 3];
const EXPECT: &[u8; NUMBER_OF_CMD] = &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const STATE: &[u8; NUMBER_OF_CMD] = &[2, 1, 2, 2, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const VTAG: &[u8; NUMBER_OF_CMD] = &[0, 1, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const ROLE: &[u8; NUMBER_OF_CMD] = &[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const ICMP_TC: &[u8; NUMBER_OF_CMD] = &[2, 1, 2, 2, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const ICMP_ID: &[u8; NUMBER_OF_CMD] = &[2, 2, 2, 2, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/// The port columns in order: field, legality, then the port and the GRE key
/// spelling of the name and of the alias.
#[allow(clippy::type_complexity)]
const PORTS: &[(Field, &[u8; NUMBER_OF_CMD], [&str; 2], [Option<&str>; 2])] = &[
    (
        Field::OrigSport,
        ORIG,
        ["sport", "srckey"],
        [Some("orig-port-src"), Some("orig-key-src")],
    ),
    (
        Field::OrigDport,
        ORIG,
        ["dport", "dstkey"],
        [Some("orig-port-dst"), Some("orig-key-dst")],
    ),
    (
        Field::ReplSport,
        REPL,
        ["reply-port-src", "reply-key-src"],
        [None; 2],
    ),
    (
        Field::ReplDport,
        REPL,
        ["reply-port-dst", "reply-key-dst"],
        [None; 2],
    ),
    (
        Field::MaskSport,
        EXPECT,
        ["mask-port-src", "mask-key-src"],
        [None; 2],
    ),
    (
        Field::MaskDport,
        EXPECT,
        ["mask-port-dst", "mask-key-dst"],
        [None; 2],
    ),
    (Field::State, STATE, ["state", "state"], [None; 2]),
    (
        Field::TupleSport,
        EXPECT,
        ["tuple-port-src", "tuple-key-src"],
        [None; 2],
    ),
    (
        Field::TupleDport,
        EXPECT,
        ["tuple-port-dst", "tuple-key-dst"],
        [None; 2],
    ),
];

const fn ignored(name: &'static str, legal: &'static [u8; NUMBER_OF_CMD]) -> Column {
    Column {
        field: Field::Ignored,
        name,
        alias: None,
        legal,
    }
}

impl Proto {
    /// The option columns, in flag-bit order.
    pub fn columns(&self) -> Vec<Column> {
        match self.layout {
            Layout::Ports { keys, state, extra } => {
                let k = usize::from(keys);
                let ports = PORTS.iter().filter(|c| state || c.0 != Field::State);
                ports
                    .map(|&(field, legal, names, aliases)| Column {
                        field,
                        name: names[k],
                        alias: aliases[k],
                        legal,
                    })
                    .chain(extra.iter().copied())
                    .collect()
            }
            // ICMP's options are its columns, in order.
            Layout::Icmp => self
                .opts
                .split_whitespace()
                .zip([
                    (Field::IcmpType, ICMP_TC),
                    (Field::IcmpCode, ICMP_TC),
                    (Field::IcmpId, ICMP_ID),
                ])
                .map(|(name, (field, legal))| Column {
                    field,
                    name,
                    alias: None,
                    legal,
                })
                .collect(),
        }
    }

    /// The long options with the column each sets.
    pub fn opts(&self) -> Vec<(&'static str, usize)> {
        let cols = self.columns();
        self.opts
            .split_whitespace()
            .filter_map(|o| {
                let col = cols
                    .iter()
                    .position(|c| c.name == o || c.alias == Some(o))?;
                Some((o, col))
            })
            .collect()
    }
}

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

const PORTS_COUPLED: Option<(&str, &str)> = Some((
    "you have to specify `--sport' and `--dport'",
    "you have to specify `--reply-src-port' and `--reply-dst-port'",
));

const fn ports(
    name: &'static str,
    num: u8,
    opts: &'static str,
    state: bool,
    extra: &'static [Column],
) -> Proto {
    Proto {
        name,
        num,
        opts,
        layout: Layout::Ports {
            keys: false,
            state,
            extra,
        },
        coupled: PORTS_COUPLED,
        states: &[],
        state_err: "",
    }
}

const fn icmp(name: &'static str, num: u8, opts: &'static str) -> Proto {
    Proto {
        name,
        num,
        opts,
        layout: Layout::Icmp,
        coupled: None,
        states: &[],
        state_err: "",
    }
}

/// Options as TCP and UDP list them: each short alias after its long name.
const UDP_OPTS: &str = "orig-port-src sport orig-port-dst dport reply-port-src reply-port-dst \
                        mask-port-src mask-port-dst tuple-port-src tuple-port-dst";
const TCP_OPTS: &str = "orig-port-src sport orig-port-dst dport reply-port-src reply-port-dst \
                        mask-port-src mask-port-dst state tuple-port-src tuple-port-dst";

pub static PROTOS: &[Proto] = &[
    // conntrack registers these at the head of a list: lookups see this order.
    Proto {
        name: "gre",
        num: 47,
        opts: "orig-key-src srckey orig-key-dst dstkey reply-key-src reply-key-dst \
               mask-key-src mask-key-dst tuple-key-src tuple-key-dst",
        layout: Layout::Ports {
            keys: true,
            state: false,
            extra: &[],
        },
        coupled: Some((
            "you have to specify `--srckey' and `--dstkey'",
            "you have to specify `--reply-src-key' and `--reply-dst-key'",
        )),
        states: &[],
        state_err: "",
    },
    icmp("icmpv6", 58, "icmpv6-type icmpv6-code icmpv6-id"),
    icmp("icmp", 1, "icmp-type icmp-code icmp-id"),
    Proto {
        states: DCCP_STATES,
        state_err: "Unknown DCCP state",
        ..ports(
            "dccp",
            33,
            "orig-port-src orig-port-dst reply-port-src reply-port-dst mask-port-src \
             mask-port-dst state tuple-port-src tuple-port-dst sport dport role",
            true,
            &[ignored("role", ROLE)],
        )
    },
    Proto {
        states: SCTP_STATES,
        state_err: "unknown SCTP state",
        ..ports(
            "sctp",
            132,
            "orig-port-src orig-port-dst reply-port-src reply-port-dst mask-port-src \
             mask-port-dst state tuple-port-src tuple-port-dst orig-vtag reply-vtag sport dport",
            true,
            &[ignored("orig-vtag", VTAG), ignored("reply-vtag", VTAG)],
        )
    },
    ports("udplite", 136, UDP_OPTS, false, &[]),
    ports("udp", 17, UDP_OPTS, false, &[]),
    Proto {
        states: TCP_STATES,
        state_err: "unknown TCP state",
        ..ports("tcp", 6, TCP_OPTS, true, &[])
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

#[cfg(test)]
mod tests {
    use super::*;

    fn proto(name: &str) -> &'static Proto {
        PROTOS
            .iter()
            .find(|p| p.name == name)
            .expect("known protocol")
    }

    #[test]
    fn options_keep_conntracks_order_and_columns() {
        let sctp: Vec<_> = proto("sctp").opts();
        assert_eq!(sctp.first(), Some(&("orig-port-src", 0)));
        assert_eq!(
            &sctp[9..],
            &[
                ("orig-vtag", 9),
                ("reply-vtag", 10),
                ("sport", 0),
                ("dport", 1)
            ]
        );
        let gre = proto("gre").opts();
        assert_eq!(&gre[..2], &[("orig-key-src", 0), ("srckey", 0)]);
        assert_eq!(gre.len(), 10);
        let udp: Vec<&str> = proto("udp").columns().iter().map(|c| c.name).collect();
        assert!(!udp.contains(&"state"));
        assert_eq!(udp[6], "tuple-port-src");
        let icmp = proto("icmpv6").columns();
        assert_eq!(icmp[2].name, "icmpv6-id");
        assert_eq!(icmp[2].field, Field::IcmpId);
    }

    #[test]
    fn legality_follows_the_column() {
        // -I (CREATE) needs --state for TCP, SCTP and DCCP; ports are coupled.
        let tcp = proto("tcp").columns();
        let create: Vec<u8> = tcp.iter().map(|c| c.legal[1]).collect();
        assert_eq!(create, [3, 3, 3, 3, 0, 0, 1, 0, 0]);
        // the expectation's mask and tuple ports only for EXP_CREATE
        let dccp = proto("dccp").columns();
        let exp_create: Vec<u8> = dccp.iter().map(|c| c.legal[10]).collect();
        assert_eq!(exp_create, [1, 1, 0, 0, 1, 1, 0, 1, 1, 0]);
    }
}
