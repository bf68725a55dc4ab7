// SPDX-License-Identifier: Apache-2.0
//! `ip link` (iplink.c `do_iplink`): show through the shared listing,
//! add/set/replace/delete through `modify`.

pub mod kinds;
pub mod modify;
mod opts;
pub mod show;
#[cfg(test)]
mod tests;
mod tunnels;

use crate::cli::{matches, Args};
use crate::ctx::{Ctx, RTM_DELLINK, RTM_NEWLINK};
use crate::err::{Fail, Res};
use crate::nl::{NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};

pub fn run(ctx: &mut Ctx, mut args: Args) -> Res {
    let Some(cmd) = args.next() else {
        return crate::addr::list::list(ctx, &mut args, true, false);
    };
    let c = cmd.as_str();
    if matches(c, "add") {
        modify::modify(ctx, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, args)
    } else if matches(c, "set") || matches(c, "change") {
        modify::modify(ctx, RTM_NEWLINK, 0, args)
    } else if matches(c, "replace") {
        modify::modify(ctx, RTM_NEWLINK, NLM_F_CREATE | NLM_F_REPLACE, args)
    } else if matches(c, "delete") {
        modify::modify(ctx, RTM_DELLINK, 0, args)
    } else if matches(c, "show") || matches(c, "lst") || matches(c, "list") {
        crate::addr::list::list(ctx, &mut args, true, false)
    } else if matches(c, "xstats") || matches(c, "afstats") || matches(c, "property") {
        if matches(c, "xstats") && args.is_empty() {
            return Err(Fail::new(1, "xstats: missing argument\n"));
        }
        Err(Fail::new(
            1,
            format!("ip link {c}: not supported by kroot's ip.\n"),
        ))
    } else if matches(c, "help") {
        // `ip link help TYPE`: the kind's own help on stdout, exit 0
        let text = match args.next().as_deref() {
            Some("vxlan") => crate::help::VXLAN_USAGE,
            Some("bridge") => crate::help::BRIDGE_USAGE,
            Some("bridge_slave") => crate::help::BRIDGE_SLAVE_USAGE,
            Some("vlan") => crate::help::VLAN_USAGE,
            Some("macvlan") => crate::help::MACVLAN_USAGE,
            Some(k @ ("dummy" | "ifb" | "nlmon" | "vcan")) => {
                println!("Usage: ... {k}");
                return Ok(());
            }
            Some("macvtap") => {
                print!("{}", crate::help::MACVLAN_USAGE.replacen("macvlan", "macvtap", 1));
                return Ok(());
            }
            Some("veth") => "Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n",
            _ => return Err(Fail::usage(crate::help::LINK)),
        };
        print!("{text}");
        Ok(())
    } else {
        Err(Fail::usage(format!(
            "Command \"{c}\" is unknown, try \"ip link help\".\n"
        )))
    }
}
