// SPDX-License-Identifier: Apache-2.0
//! Usage errors and help texts against the recorded iproute2 bytes
//! (../shared/golden/ip/00[2-6]-*): stderr and exit status. No kernel
//! state is involved, so these run anywhere.

use std::path::PathBuf;
use std::process::Command;

fn golden(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/golden/ip")
        .join(case)
}

fn check(case: &str, args: &[&str]) {
    let dir = golden(case);
    let want_err = std::fs::read_to_string(dir.join("stderr"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let want_rc: i32 = std::fs::read_to_string(dir.join("rc"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("{}: no rc", dir.display()));
    let out = Command::new(env!("CARGO_BIN_EXE_ip"))
        .args(args)
        .output()
        .expect("run ip");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        want_err,
        "{case}: stderr"
    );
    assert_eq!(out.status.code(), Some(want_rc), "{case}: exit status");
    assert!(out.stdout.is_empty(), "{case}: nothing on stdout");
}

#[test]
fn unknown_object() {
    check("002-unknown-object", &["nosuch"]);
}

#[test]
fn unknown_option() {
    check("003-unknown-option", &["-z", "link"]);
}

#[test]
fn unknown_link_command() {
    check("004-link-unknown-command", &["link", "frob"]);
}

#[test]
fn help() {
    check("005-help", &["help"]);
}

#[test]
fn link_help() {
    check("006-link-help", &["link", "help"]);
}

#[test]
fn version() {
    let out = Command::new(env!("CARGO_BIN_EXE_ip"))
        .arg("-V")
        .output()
        .expect("run ip");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("ip utility, iproute2-6.1.0 (kroot "),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn bad_prefix_and_lladdr_fail_before_the_kernel() {
    // golden ip/257 and ip/224: local validation, exit 1, nothing changed
    let out = Command::new(env!("CARGO_BIN_EXE_ip"))
        .args(["addr", "add", "10.0.0.1/33", "dev", "lo"])
        .output()
        .expect("run ip");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: any valid prefix is expected rather than \"10.0.0.1/33\".\n"
    );
    assert_eq!(out.status.code(), Some(1));
    let out = Command::new(env!("CARGO_BIN_EXE_ip"))
        .args(["link", "set", "dev", "lo", "address", "zz:00:00:00:00:01"])
        .output()
        .expect("run ip");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "\"zz\" is invalid lladdr.\n"
    );
    assert_eq!(out.status.code(), Some(1));
}
