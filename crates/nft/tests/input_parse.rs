// SPDX-License-Identifier: Apache-2.0
//! Parser tests: kube-proxy transactions parse without errors; syntax errors are worded like
//! nftables 1.1.x's bison parser.

use nft::erec::{print, Input};
use nft::syntax::parse;

fn kpgen(args: &[&str]) -> String {
    let out = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/kube-proxy/kpgen.py"
        ))
        .args(args)
        .output()
        .expect("python3 kpgen.py");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Parse `input`; return the error output as nft prints it for `-f -`.
fn errors(input: &str) -> String {
    let p = parse(input);
    let inp = Input {
        name: Some("/dev/stdin".into()),
        text: input.into(),
    };
    let mut out = Vec::new();
    for e in &p.errors {
        print(&mut out, &inp, e).unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn kpgen_transactions_parse() {
    for mode in [&[][..], &["--update"], &["--stale"], &["--resync"]] {
        let mut args = vec!["-n", "100", "-m", "10"];
        args.extend_from_slice(mode);
        let text = kpgen(&args);
        let p = parse(&text);
        assert_eq!(errors(&text), "", "mode {mode:?}");
        let lines = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(p.cmds.len(), lines, "mode {mode:?}");
    }
}

#[test]
fn syntax_errors() {
    let check = |input: &str, expect: &str| assert_eq!(errors(input), expect, "input: {input}");
    // nftables 1.1.x: `identifier: STRING | LAST` (1.0.6 says only "expecting string").
    check(
        "add tabel ip foo\n",
        "/dev/stdin:1:11-12: Error: syntax error, unexpected ip, expecting string or last\nadd tabel ip foo\n          ^^\n",
    );
    check(
        "add table ip foo { comment \"abc ; }\n",
        "/dev/stdin:1:28-28: Error: syntax error, unexpected junk, expecting string or quoted string or string with a trailing asterisk\nadd table ip foo { comment \"abc ; }\n                           ^\n",
    );
    check(
        "add table ip t { chain c { type filter hook input priority 0; }\n",
        "/dev/stdin:2:1-1: Error: syntax error, unexpected end of file\nadd table ip t { chain c { type filter hook input priority 0; }\n^\n",
    );
}
