// SPDX-License-Identifier: Apache-2.0
//! The applet table: name → entry point. Each applet crate exports
//! `main(args) -> i32` with `args[0]` its own name.

use std::ffi::OsString;

pub struct Applet {
    pub name: &'static str,
    pub main: fn(Vec<OsString>) -> i32,
}

pub static APPLETS: &[Applet] = &[
    #[cfg(feature = "conntrack")]
    Applet {
        name: "conntrack",
        main: conntrack_lite::main,
    },
    #[cfg(feature = "ip")]
    Applet {
        name: "ip",
        main: ip::main,
    },
    #[cfg(feature = "nft")]
    Applet {
        name: "nft",
        main: nft::main,
    },
];

/// The applet called exactly `name` (no suffix matching).
pub fn find(name: &str) -> Option<&'static Applet> {
    APPLETS.iter().find(|a| a.name == name)
}
