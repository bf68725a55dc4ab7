// SPDX-License-Identifier: Apache-2.0
//! do_parse: the getopt loop, then family defaults and legality checks.

use super::*;

fn cmd2type(c: char, table: Table) -> u32 {
    let exp = table == Table::Expect;
    match (c, exp) {
        ('L', false) => CT_LIST,
        ('L', true) => EXP_LIST,
        ('I', false) => CT_CREATE,
        ('I', true) => EXP_CREATE,
        ('D', false) => CT_DELETE,
        ('D', true) => EXP_DELETE,
        ('G', false) => CT_GET,
        ('G', true) => EXP_GET,
        ('F', false) => CT_FLUSH,
        ('F', true) => EXP_FLUSH,
        ('E', false) => CT_EVENT,
        ('E', true) => EXP_EVENT,
        ('V', _) => CT_VERSION,
        ('h', _) => CT_HELP,
        ('C', false) => CT_COUNT,
        ('C', true) => EXP_COUNT,
        ('S', false) => CT_STATS,
        ('S', true) => EXP_STATS,
        ('U', false) => CT_UPDATE,
        ('A', false) => CT_ADD,
        _ => 0,
    }
}

/// check_type: the optional table name after a command.
fn check_type(g: &mut Getopt, attached: &Option<String>) -> Result<Table> {
    let Some(t) = g.optional_arg(attached) else {
        return Ok(Table::Conntrack);
    };
    let is = |name: &str| name.starts_with(t.as_str());
    if is("expect") {
        Ok(Table::Expect)
    } else if is("conntrack") {
        Ok(Table::Conntrack)
    } else if is("dying") {
        Ok(Table::Dying)
    } else if is("unconfirmed") {
        Ok(Table::Unconfirmed)
    } else {
        param(format!("unknown type `{t}'"))
    }
}

fn add_command(command: &mut u32, new: u32) -> Result<()> {
    if *command != 0 {
        return param("Invalid commands combination");
    }
    *command |= new;
    Ok(())
}

/// generic_opt_check: 1 = compulsory, 0 = illegal; returns whether a
/// coupled ("3") group was matched exactly, and the first partial match.
pub(crate) fn opt_check(
    options: u32,
    row: &[u8],
    names: &[&str],
    coupled: &[u32],
) -> Result<(bool, Option<usize>)> {
    let mut special = false;
    for (i, &rule) in row.iter().enumerate() {
        let name = names.get(i).copied().unwrap_or("");
        if options & (1 << i) == 0 {
            if rule == 1 {
                return param(format!(
                    "You need to supply the `--{name}' option for this command"
                ));
            }
        } else if rule == 0 {
            return param(format!("Illegal option `--{name}' with this command"));
        }
        if rule == 3 {
            special = true;
        }
    }
    if !special || coupled.is_empty() {
        return Ok((true, None));
    }
    let mut partial = None;
    for (i, &flags) in coupled.iter().enumerate() {
        if options & flags == flags {
            return Ok((true, None));
        }
        if options & flags != 0 && partial.is_none() {
            partial = Some(i);
        }
    }
    Ok((false, partial))
}

struct State {
    cmd: Cmd,
    l4flags: u32,
    label_add_del: u32,
}

/// Parse argv (argv[0] included) into a command.
pub fn do_parse(args: Vec<String>) -> Result<Cmd> {
    let mut g = Getopt::new(args, SHORTOPTS);
    let mut st = State {
        cmd: Cmd {
            command: 0,
            cmd: NUMBER_OF_CMD,
            options: 0,
            family: 0,
            table: Table::Conntrack,
            protonum: 0,
            proto: None,
            event_mask: 0,
            output: 0,
            buffer_size: None,
            tmpl: Template::default(),
            mask_src: None,
            mask_dst: None,
        },
        l4flags: 0,
        label_add_del: 0,
    };
    let mut status = 0u32;
    let mut status_mask = 0u32;
    loop {
        let long = long_opts(st.cmd.proto);
        let Some(found) = g.next(&long) else { break };
        let (val, arg) = match found {
            Found::Opt(v, a) => (v, a),
            Found::Unknown(e) => return param(format!("unknown option `{e}'")),
            Found::MissingArg(e) => return param(format!("option `{e}' requires an argument")),
        };
        if val >= PROTO_OPT_BASE {
            if let Some(p) = st.cmd.proto {
                proto_option(
                    &mut st,
                    p,
                    (val - PROTO_OPT_BASE) as usize,
                    arg.as_deref().unwrap_or(""),
                )?;
            }
            continue;
        }
        let c = char::from_u32(val).unwrap_or('\0');
        let optarg = arg.clone().unwrap_or_default();
        let c_ = &mut st.cmd;
        match c {
            'L' | 'I' | 'D' | 'G' | 'F' | 'E' | 'V' | 'h' | 'C' | 'S' | 'U' | 'A' => {
                let t = check_type(&mut g, &arg)?;
                c_.table = t;
                if c == 'L' && matches!(t, Table::Dying | Table::Unconfirmed) {
                    add_command(&mut c_.command, CT_LIST)?;
                } else if matches!(t, Table::Dying | Table::Unconfirmed) {
                    return param("Can't do that command with tables `dying' and `unconfirmed'");
                } else {
                    let ty = cmd2type(c, t);
                    if ty == 0 {
                        let kind = if t == Table::Conntrack {
                            "conntrack"
                        } else {
                            "expectations"
                        };
                        return param(format!("Can't do --{} on {kind}", long_name(val)));
                    }
                    add_command(&mut c_.command, ty)?;
                }
            }
            's' | 'd' | 'r' | 'q' => addr_opt(c_, c, &optarg, false)?,
            '[' | ']' => addr_opt(c_, c, &optarg, true)?,
            '{' | '}' => {
                let (ip, mask) = parse_addr(&optarg);
                let Some(ip) = ip else {
                    return param(format!("Invalid IP address `{optarg}'"));
                };
                set_family(&mut c_.family, family_of(ip))?;
                check_mask(val, mask, false)?;
                c_.options |= if c == '{' { O_MASK_SRC } else { O_MASK_DST };
                if c == '{' {
                    c_.mask_src = Some(ip);
                    c_.tmpl.mask.src = Some(ip);
                } else {
                    c_.mask_dst = Some(ip);
                    c_.tmpl.mask.dst = Some(ip);
                }
            }
            'p' => {
                c_.options |= O_PROTO;
                let Some((h, num)) = proto::find(&optarg) else {
                    return param(format!("`{optarg}' unsupported protocol"));
                };
                c_.proto = h;
                c_.protonum = num;
                c_.tmpl.orig.proto = Some(num);
            }
            't' => {
                c_.options |= O_TIMEOUT;
                c_.tmpl.timeout = Some(atol(&optarg) as u32);
            }
            'u' => {
                c_.options |= O_STATUS;
                super::params::parse_status(&optarg, &mut status, &mut status_mask)?;
                c_.tmpl.status = Some(status);
                let mask = if status_mask == 0 {
                    status
                } else {
                    status_mask
                };
                c_.tmpl.status_filter = Some((status, mask));
            }
            'e' => {
                c_.options |= O_EVENT_MASK;
                super::params::parse(&optarg, super::params::EVENTS, &mut c_.event_mask)?;
            }
            'o' => {
                c_.options |= O_OUTPUT;
                super::params::parse(&optarg, super::params::OUTPUT, &mut c_.output)?;
                if c_.output & O_CL != 0 {
                    crate::labels::init();
                }
                if c_.output & O_SAVE != 0
                    && c_.output & (O_EXT | O_TMS | O_IDF | O_KTMS | O_CL | O_XML) != 0
                {
                    return other(
                        "cannot combine save output with any other output type, use -o save only",
                    );
                }
            }
            'z' => c_.options |= O_ZERO,
            'n' | 'g' | 'j' => {
                c_.options |= match c {
                    'n' => O_SRC_NAT,
                    'g' => O_DST_NAT,
                    _ => O_ANY_NAT,
                };
                if let Some(a) = g.optional_arg(&arg) {
                    nat_opt(&mut st.cmd, c, val, &a)?;
                }
            }
            'w' | '(' | ')' => {
                let v = strtoul_lax(&optarg) as u16;
                match c {
                    'w' => {
                        c_.options |= O_ZONE;
                        c_.tmpl.zone = Some(v);
                    }
                    '(' => {
                        c_.options |= O_ORIG_ZONE;
                        c_.tmpl.orig.zone = Some(v);
                    }
                    _ => {
                        c_.options |= O_REPL_ZONE;
                        c_.tmpl.repl.zone = Some(v);
                    }
                }
            }
            'i' | 'c' => {
                let v = strtoul_lax(&optarg) as u32;
                if c == 'i' {
                    c_.options |= O_ID;
                    c_.tmpl.id = Some(v);
                } else {
                    c_.options |= O_SECMARK;
                    c_.tmpl.secmark = Some(v);
                }
            }
            'm' => {
                c_.options |= O_MARK;
                let (v, m) = match optarg.split_once('/') {
                    Some((v, m)) => (strtoul_lax(v), strtoul_lax(m)),
                    None => (strtoul_lax(&optarg), u32::MAX as u64),
                };
                c_.tmpl.mark = Some((v as u32, m as u32));
            }
            'l' | '<' | '>' => {
                let bit = match c {
                    'l' => O_LABEL,
                    '<' => O_ADD_LABEL,
                    _ => O_DEL_LABEL,
                };
                c_.options |= bit;
                st.label_add_del |= bit & (O_ADD_LABEL | O_DEL_LABEL);
                if st.label_add_del == O_ADD_LABEL | O_DEL_LABEL {
                    return other("cannot use --label-add and --label-del at the same time");
                }
                if c == '>' {
                    crate::labels::init();
                }
                let list = if c == '>' {
                    match g.optional_arg(&arg) {
                        Some(a) => a,
                        None => continue,
                    }
                } else {
                    optarg.clone()
                };
                crate::labels::init();
                let bits = crate::labels::parse_list(&list)?;
                let c_ = &mut st.cmd;
                let slot = if c == 'l' {
                    &mut c_.tmpl.labels
                } else {
                    &mut c_.tmpl.labels_modify
                };
                slot.get_or_insert_with(Vec::new).extend(bits);
            }
            'a' => eprintln!("WARNING: ignoring -a, deprecated option."),
            'f' => {
                c_.options |= O_FAMILY;
                if optarg.starts_with("ipv4") {
                    set_family(&mut c_.family, libc::AF_INET as u8)?;
                } else if optarg.starts_with("ipv6") {
                    set_family(&mut c_.family, libc::AF_INET6 as u8)?;
                } else {
                    return param(format!("`{optarg}' unsupported protocol"));
                }
            }
            'b' => {
                c_.options |= O_BUFFERSIZE;
                c_.buffer_size = Some(atol(&optarg) as u64);
            }
            _ => {}
        }
    }
    finish(st)
}

fn finish(mut st: State) -> Result<Cmd> {
    let c = &mut st.cmd;
    if c.family == 0
        && !matches!(
            c.command,
            CT_LIST | CT_UPDATE | CT_DELETE | CT_GET | CT_FLUSH | CT_EVENT
        )
    {
        c.family = libc::AF_INET as u8;
    }
    if c.options & O_ANY_NAT != 0 && c.options & (O_SRC_NAT | O_DST_NAT) != 0 {
        return param("cannot specify `--src-nat' or `--dst-nat' with `--any-nat'");
    }
    c.cmd = bit2cmd(c.command);
    if let Some(row) = COMMANDS_V_OPTIONS.get(c.cmd) {
        let (ok, partial) = opt_check(c.options, row, &OPTFLAGS, &[O_ORIG, O_REPL])?;
        if !ok {
            return match partial {
                Some(1) => param("you have to specify `--reply-src' and `--reply-dst'"),
                _ => param("you have to specify `--src' and `--dst'"),
            };
        }
    }
    if c.command & CT_HELP == 0 && c.cmd < NUMBER_OF_CMD {
        if let Some(p) = c.proto {
            final_check(&mut st.cmd, p, st.l4flags)?;
        } else if c.options & O_PROTO != 0 {
            // the "unknown" handler: the reply gets the protocol too
            if st.cmd.tmpl.repl_l3.is_some() && st.cmd.tmpl.repl.proto.is_none() {
                st.cmd.tmpl.repl.proto = st.cmd.tmpl.orig.proto;
            }
        }
    }
    Ok(st.cmd)
}

fn final_check(c: &mut Cmd, p: &Proto, flags: u32) -> Result<()> {
    let cols = p.columns();
    let names: Vec<&str> = cols.iter().map(|col| col.name).collect();
    let row: Vec<u8> = cols.iter().map(|col| col.legal[c.cmd]).collect();
    let coupled: &[u32] = if p.coupled.is_some() {
        &[0b0011, 0b1100]
    } else {
        &[]
    };
    let (ok, partial) = opt_check(flags, &row, &names, coupled)?;
    if !ok {
        if let Some((orig, reply)) = p.coupled {
            return param(if partial == Some(1) { reply } else { orig });
        }
    }
    if p.num == IPPROTO_TCP {
        let mut f = IP_CT_TCP_FLAG_BE_LIBERAL | IP_CT_TCP_FLAG_SACK_PERM;
        if c.tmpl.state.unwrap_or(0) >= 7 {
            f |= IP_CT_TCP_FLAG_CLOSE_INIT;
        }
        c.tmpl.tcp_flags = Some(f);
    }
    Ok(())
}

fn check_mask(val: u32, mask: Option<i64>, allowed: bool) -> Result<()> {
    match mask {
        Some(_) if !allowed => param(format!(
            "CIDR notation unavailable for `--{}'",
            long_name(val)
        )),
        Some(-2) => param("Invalid netmask"),
        _ => Ok(()),
    }
}

/// -s/-d/-r/-q and --tuple-src/--tuple-dst.
fn addr_opt(c: &mut Cmd, opt: char, arg: &str, exp: bool) -> Result<()> {
    let (ip, mask) = parse_addr(arg);
    let Some(ip) = ip else {
        return param(format!("Invalid IP address `{arg}'"));
    };
    let fam = family_of(ip);
    set_family(&mut c.family, fam)?;
    let maskable = matches!(opt, 's' | 'd' | '[' | ']');
    check_mask(opt as u32, mask, maskable)?;
    let t = &mut c.tmpl;
    let (tuple, l3, bit) = match (opt, exp) {
        ('s', _) => (&mut t.orig, &mut t.orig_l3, O_ORIG_SRC),
        ('d', _) => (&mut t.orig, &mut t.orig_l3, O_ORIG_DST),
        ('r', _) => (&mut t.repl, &mut t.repl_l3, O_REPL_SRC),
        ('q', _) => (&mut t.repl, &mut t.repl_l3, O_REPL_DST),
        ('[', _) => (&mut t.exptuple, &mut t.orig_l3, O_EXP_SRC),
        _ => (&mut t.exptuple, &mut t.orig_l3, O_EXP_DST),
    };
    c.options |= bit;
    *l3 = Some(fam);
    if matches!(opt, 's' | 'r' | '[') {
        tuple.src = Some(ip);
    } else {
        tuple.dst = Some(ip);
    }
    let Some(bits) = mask else { return Ok(()) };
    let full = if fam == libc::AF_INET as u8 { 32 } else { 128 };
    if bits == full {
        return Ok(());
    }
    let m = netmask(fam, bits);
    if matches!(opt, 's' | '[') {
        c.options |= O_MASK_SRC;
        c.mask_src = Some(m);
        c.tmpl.mask.src = Some(m);
    } else {
        c.options |= O_MASK_DST;
        c.mask_dst = Some(m);
        c.tmpl.mask.dst = Some(m);
    }
    Ok(())
}

/// --src-nat/--dst-nat/--any-nat with an address (and optional :port).
fn nat_opt(c: &mut Cmd, opt: char, val: u32, arg: &str) -> Result<()> {
    let (addr, port) = split_address_and_port(arg)?;
    let (ip, mask) = parse_addr(&addr);
    let Some(ip) = ip else {
        return param(format!("Invalid IP address `{addr}'"));
    };
    set_family(&mut c.family, family_of(ip))?;
    check_mask(val, mask, false)?;
    c.tmpl.orig_l3 = Some(family_of(ip));
    let port = port.map(|p| atol(&p) as u16);
    if matches!(opt, 'g' | 'j') {
        c.tmpl.dnat = Some(ip);
        c.tmpl.dnat_port = port;
    }
    if matches!(opt, 'n' | 'j') {
        c.tmpl.snat = Some(ip);
        c.tmpl.snat_port = port;
    }
    Ok(())
}

fn split_address_and_port(arg: &str) -> Result<(String, Option<String>)> {
    let (addr, port) = if let Some(start) = arg.find('[') {
        let inner = &arg[start + 1..];
        let Some(close) = inner.find(']') else {
            return param("No closing ']' around IPv6 address");
        };
        if close == 0 {
            return param("No IPv6 address specified");
        }
        match inner[close..].find(':') {
            Some(i) => (
                inner[..close].to_string(),
                Some(inner[close + i + 1..].to_string()),
            ),
            None => (arg.to_string(), None),
        }
    } else {
        match arg.find(':') {
            Some(i) if !arg[i + 1..].contains(':') => {
                (arg[..i].to_string(), Some(arg[i + 1..].to_string()))
            }
            _ => (arg.to_string(), None),
        }
    };
    if let Some(p) = &port {
        if p.is_empty() {
            return param("No port specified after `:'");
        }
        if !p.chars().all(|c| c.is_ascii_digit()) || p.parse::<u32>().map_or(true, |v| v > 65535) {
            return param(format!("Invalid port `{p}'"));
        }
    }
    Ok((addr, port))
}

/// An option the protocol handler added (--sport, --state, --icmp-type, …).
fn proto_option(st: &mut State, p: &Proto, col: usize, arg: &str) -> Result<()> {
    let Some(field) = p.columns().get(col).map(|c| c.field) else {
        return Ok(());
    };
    let t = &mut st.cmd.tmpl;
    let num = p.num;
    let port = atol(arg) as u16;
    match field {
        Field::OrigSport => {
            t.orig.src_port = Some(if num == IPPROTO_GRE {
                strtoul_lax(arg) as u16
            } else {
                port
            });
            t.orig.proto = Some(num);
        }
        Field::OrigDport => {
            t.orig.dst_port = Some(if num == IPPROTO_GRE {
                strtoul_lax(arg) as u16
            } else {
                port
            });
            t.orig.proto = Some(num);
        }
        Field::ReplSport => {
            t.repl.src_port = Some(port);
            t.repl.proto = Some(num);
        }
        Field::ReplDport => {
            t.repl.dst_port = Some(port);
            t.repl.proto = Some(num);
        }
        Field::MaskSport => t.mask.src_port = Some(port),
        Field::MaskDport => t.mask.dst_port = Some(port),
        Field::TupleSport => t.exptuple.src_port = Some(port),
        Field::TupleDport => t.exptuple.dst_port = Some(port),
        Field::State => {
            let i = p.states.iter().position(|s| *s == arg);
            match (i, num == IPPROTO_TCP && arg == "LISTEN") {
                (_, true) => t.state = Some(9), // TCP_CONNTRACK_LISTEN is SYN_SENT2's number
                (Some(i), _) => t.state = Some(i as u8),
                (None, _) => return param(format!("{} `{arg}'", p.state_err)),
            }
        }
        Field::IcmpType | Field::IcmpCode | Field::IcmpId => {
            let v = atol(arg);
            match field {
                Field::IcmpType => t.orig.icmp_type = Some(v as u8),
                Field::IcmpCode => t.orig.icmp_code = Some(v as u8),
                _ => t.orig.icmp_id = Some(v as u16),
            }
            t.orig.proto = Some(num);
            if t.repl_l3.is_some() {
                t.repl.proto = Some(num);
            }
        }
        Field::Ignored => {}
    }
    st.l4flags |= 1 << col;
    Ok(())
}
