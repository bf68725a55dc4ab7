// SPDX-License-Identifier: Apache-2.0
//! Issue 3, acceptance 4: errors. Syntax errors, evaluation errors and kernel errors print
//! nftables' `FILE:LINE:FIRST-LAST: Error: …`, the source line and carets, exit 1; the first
//! line names ENOENT/EEXIST in glibc's words (knftables greps it); a transaction with one bad
//! command changes nothing. Expected bytes were recorded from the reference nft 1.0.6 where
//! its text is the same in 1.1.x; where 1.1.x differs, the expectation follows the 1.1.4 source
//! and says so. Every case runs in a network namespace of its own.

#[path = "fixtures/in/harness.rs"]
mod harness;

use harness::*;

/// Run `input` with our `nft -f -` in a fresh namespace; return (exit code, stderr).
fn fail(input: &'static str) -> (i32, String) {
    in_netns(move || {
        let r = ours(&["-f", "-"], Some(input));
        assert_eq!(r.stdout, "", "nothing on stdout for {input:?}");
        (r.code, r.stderr)
    })
}

fn check(input: &'static str, expect: &str) {
    let (code, stderr) = fail(input);
    assert_eq!(stderr, expect, "stderr for {input:?}");
    assert_eq!(code, 1, "exit code for {input:?}");
}

// ---- syntax errors ----

#[test]
fn syntax_unknown_keyword() {
    // 1.1.x grammar: `identifier: STRING | LAST` (1.0.6 prints only "expecting string").
    check(
        "add tabel ip foo\n",
        "/dev/stdin:1:11-12: Error: syntax error, unexpected ip, expecting string or last\n\
         add tabel ip foo\n          ^^\n",
    );
}

#[test]
fn syntax_unterminated_string() {
    check(
        "add table ip foo { comment \"abc ; }\n",
        "/dev/stdin:1:28-28: Error: syntax error, unexpected junk, expecting string or quoted string or string with a trailing asterisk\n\
         add table ip foo { comment \"abc ; }\n                           ^\n",
    );
}

#[test]
fn syntax_missing_brace() {
    check(
        "add table ip t { chain c { type filter hook input priority 0; }\n",
        "/dev/stdin:2:1-1: Error: syntax error, unexpected end of file\n\
         add table ip t { chain c { type filter hook input priority 0; }\n^\n",
    );
}

#[test]
fn bad_address() {
    check(
        "add rule ip t c ip saddr 1.2.3.256 drop\n",
        "/dev/stdin:1:26-34: Error: Could not resolve hostname: Name or service not known\n\
         add rule ip t c ip saddr 1.2.3.256 drop\n                         ^^^^^^^^^\n",
    );
}

#[test]
fn bad_prefix_and_unknown_symbol() {
    check(
        "add rule ip t c ip saddr 10.0.0.0/33 drop\n",
        "/dev/stdin:1:26-36: Error: Prefix length 33 is invalid for type of 32 bits width\n\
         add rule ip t c ip saddr 10.0.0.0/33 drop\n                         ^^^^^^^^^^^\n",
    );
    check(
        "add rule ip t c foo bar\n",
        "/dev/stdin:1:17-19: Error: No symbol type information\n\
         add rule ip t c foo bar\n                ^^^\n",
    );
}

#[test]
fn several_syntax_errors_are_all_reported() {
    let (code, stderr) = fail("add tabel ip foo\nadd table ip ok\nadd tabel ip bar\n");
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("Error: syntax error").count(), 2, "{stderr}");
    assert!(stderr.starts_with("/dev/stdin:1:11-12: Error:"), "{stderr}");
    assert!(stderr.contains("/dev/stdin:3:11-12: Error:"), "{stderr}");
}

// ---- evaluation and kernel errors ----

#[test]
fn enoent_from_eval_and_kernel() {
    check(
        "add chain ip nosuch c\n",
        "/dev/stdin:1:14-19: Error: No such file or directory\n\
         add chain ip nosuch c\n             ^^^^^^\n",
    );
    check(
        "add rule ip nosuch c tcp dport 80 drop\n",
        "/dev/stdin:1:13-18: Error: Could not process rule: No such file or directory\n\
         add rule ip nosuch c tcp dport 80 drop\n            ^^^^^^\n",
    );
    check(
        "add table ip t\nadd chain ip t c\nadd rule ip t c jump nosuch\n",
        "/dev/stdin:3:22-27: Error: Could not process rule: No such file or directory\n\
         add rule ip t c jump nosuch\n                     ^^^^^^\n",
    );
    check(
        "add table ip t\ndelete chain ip t nosuch\n",
        "/dev/stdin:2:19-24: Error: Could not process rule: No such file or directory\n\
         delete chain ip t nosuch\n                  ^^^^^^\n",
    );
    check(
        "add table ip t\nadd chain ip t c\ndelete rule ip t c handle 999\n",
        "/dev/stdin:3:27-29: Error: Could not process rule: No such file or directory\n\
         delete rule ip t c handle 999\n                          ^^^\n",
    );
    check(
        "add table ip t\nadd chain ip t c\nadd rule ip t c ip saddr @nosuch drop\n",
        "/dev/stdin:3:26-32: Error: No such file or directory\n\
         add rule ip t c ip saddr @nosuch drop\n                         ^^^^^^^\n",
    );
    check(
        "add table ip t\nadd map ip t m { type ipv4_addr : verdict ; }\nadd element ip t m { 1.2.3.4 : goto nosuch }\n",
        "/dev/stdin:3:22-28: Error: Could not process rule: No such file or directory\n\
         add element ip t m { 1.2.3.4 : goto nosuch }\n                     ^^^^^^^\n",
    );
}

#[test]
fn eexist() {
    check(
        "add table ip t\ncreate table ip t\n",
        "/dev/stdin:2:17-17: Error: Could not process rule: File exists\n\
         create table ip t\n                ^\n",
    );
    check(
        "add table ip t\nadd chain ip t c\ncreate chain ip t c\n",
        "/dev/stdin:3:19-19: Error: Could not process rule: File exists\n\
         create chain ip t c\n                  ^\n",
    );
    check(
        "add table ip t\nadd set ip t s { type ipv4_addr ; }\nadd element ip t s { 1.2.3.4 }\ncreate element ip t s { 1.2.3.4 }\n",
        "/dev/stdin:4:25-31: Error: Could not process rule: File exists\n\
         create element ip t s { 1.2.3.4 }\n                        ^^^^^^^\n",
    );
}

#[test]
fn kernel_error_without_attribute_points_at_the_command() {
    // EOPNOTSUPP for snat in a filter chain: no extack attribute, so the whole command
    // (through its newline) is marked.
    check(
        "add table inet f\nadd chain inet f c { type filter hook input priority 0 ; }\nadd rule inet f c ip saddr 10.0.0.0/8 snat ip to 1.2.3.4\n",
        "/dev/stdin:3:1-57: Error: Could not process rule: Operation not supported\n\
         add rule inet f c ip saddr 10.0.0.0/8 snat ip to 1.2.3.4\n\
         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n",
    );
}

#[test]
fn kernel_errors_of_a_moved_rule_keep_input_order_and_spans() {
    // Batch shaping sends the rule binding an anonymous set (line 5) before the rule of
    // line 4 (another chain, no dependency between them); each error still points at its
    // own command, and they are printed in input order, as the reference prints them.
    check(
        "add table ip t\nadd chain ip t a\nadd chain ip t c\nadd rule ip t a jump nosuch1\n\
         add rule ip t c ip daddr { 1.1.1.1, 2.2.2.2 } jump nosuch2\n",
        "/dev/stdin:4:22-28: Error: Could not process rule: No such file or directory\n\
         add rule ip t a jump nosuch1\n                     ^^^^^^^\n\
         /dev/stdin:5:52-58: Error: Could not process rule: No such file or directory\n\
         add rule ip t c ip daddr { 1.1.1.1, 2.2.2.2 } jump nosuch2\n\
         \x20                                                  ^^^^^^^\n",
    );
}

#[test]
fn command_line_input_has_no_file_prefix() {
    let r = in_netns(|| ours(&["add", "chain", "ip", "nosuch", "c"], None));
    assert_eq!(
        r.stderr,
        "Error: No such file or directory\nadd chain ip nosuch c\n             ^^^^^^\n"
    );
    assert_eq!(r.code, 1);
}

// ---- one bad command changes nothing ----

const BASE: &str = "add table ip kube-proxy { comment \"rules for kube-proxy\" ; }
add chain ip kube-proxy services
add set ip kube-proxy cluster-ips { type ipv4_addr ; comment \"Active ClusterIPs\" ; }
add element ip kube-proxy cluster-ips { 172.30.0.1 }
add rule ip kube-proxy services ip daddr @cluster-ips accept
";

/// A transaction: good commands of every kind, and one bad one (at the end, in the middle).
const TX_KERNEL_ERROR: &str = "add chain ip kube-proxy svc-a
add rule ip kube-proxy svc-a meta l4proto tcp dnat to 10.0.0.1:80
add element ip kube-proxy cluster-ips { 172.30.0.2 }
flush chain ip kube-proxy services
delete element ip kube-proxy cluster-ips { 172.30.0.1 }
add rule ip kube-proxy services jump no-such-chain
add table ip other
";

const TX_EVAL_ERROR: &str = "add chain ip kube-proxy svc-b
add rule ip kube-proxy svc-b ip daddr @no-such-set drop
add element ip kube-proxy cluster-ips { 172.30.0.3 }
";

fn unchanged_after(tx: &'static str, check_mode: bool) -> String {
    in_netns(move || {
        let r = ours(&["-f", "-"], Some(BASE));
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "base load");
        let before = oracle(&["-a", "list", "ruleset"], None).stdout;
        let ours_before = ours(&["-a", "list", "ruleset"], None).stdout;
        assert!(before.contains("172.30.0.1"), "{before}");
        let args: &[&str] = if check_mode {
            &["--check", "-f", "-"]
        } else {
            &["-f", "-"]
        };
        let r = ours(args, Some(tx));
        assert_eq!(r.code, 1, "the transaction must fail: {}", r.stderr);
        let after = oracle(&["-a", "list", "ruleset"], None).stdout;
        let ours_after = ours(&["-a", "list", "ruleset"], None).stdout;
        assert_eq!(before, after, "reference listing changed");
        assert_eq!(ours_before, ours_after, "our listing changed");
        r.stderr
    })
}

#[test]
fn one_bad_command_changes_nothing() {
    let e = unchanged_after(TX_KERNEL_ERROR, false);
    assert_eq!(
        e,
        "/dev/stdin:6:38-50: Error: Could not process rule: No such file or directory\n\
         add rule ip kube-proxy services jump no-such-chain\n                                     ^^^^^^^^^^^^^\n"
    );
    let e = unchanged_after(TX_EVAL_ERROR, false);
    assert!(
        e.lines()
            .next()
            .unwrap_or("")
            .contains("No such file or directory"),
        "{e}"
    );
    let e = unchanged_after(TX_KERNEL_ERROR, true);
    assert!(e.starts_with(
        "/dev/stdin:6:38-50: Error: Could not process rule: No such file or directory\n"
    ));
}

// ---- knftables' probes ----

#[test]
fn knftables_probes() {
    in_netns(|| {
        let v = ours(&["--version"], None);
        assert_eq!(v.code, 0);
        assert!(v.stdout.starts_with("nftables v1.") && !v.stdout.starts_with("nftables v1.0.0 "));
        let c = ours(
            &["--check", "-f", "-"],
            Some("add table ip kube-proxy { comment \"test\" ; }\n"),
        );
        assert_eq!((c.code, c.stdout.as_str(), c.stderr.as_str()), (0, "", ""));
        let d = ours(
            &["--check", "-f", "-"],
            Some("destroy table ip kube-proxy\n"),
        );
        assert_eq!((d.code, d.stdout.as_str(), d.stderr.as_str()), (0, "", ""));
        // --check applies nothing.
        assert_eq!(oracle(&["list", "ruleset"], None).stdout, "");
        // destroy of something missing is not an error; delete is.
        let d = ours(&["-f", "-"], Some("destroy table ip kube-proxy\n"));
        assert_eq!(d.code, 0, "{}", d.stderr);
        let d = ours(&["-f", "-"], Some("delete table ip kube-proxy\n"));
        assert_eq!(d.code, 1);
        assert!(d
            .stderr
            .lines()
            .next()
            .unwrap_or("")
            .contains("No such file or directory"));
    });
}

#[test]
fn options_after_commands_and_bad_options() {
    let r = ours(&["list", "ruleset", "-a"], None);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "Error: syntax error, options must be specified before commands\nnft list ruleset -a "
    );
    assert_eq!(r.stdout, "\n   ^             ~~\n");
    let r = ours(&["--foo"], None);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "nft: unrecognized option '--foo'\n")
    );
    let r = ours(&["-x"], None);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "nft: invalid option -- 'x'\n")
    );
    let r = ours(&["-f"], None);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "nft: option requires an argument -- 'f'\n")
    );
    let r = ours(&[], None);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "nft: no command specified\n")
    );
    let r = ours(&["-f", "/nonexistent/file.nft"], None);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "internal:0:0-0: Error: Could not open file \"/nonexistent/file.nft\": No such file or directory\n\n\n"
        )
    );
}
