// SPDX-License-Identifier: Apache-2.0
//! Issue 6 (load memory): large inputs go through memory files. The input text is spilled
//! (stdin and `-f FILE` alike) and its pages dropped as the parse moves on, the batch is
//! spooled to a memory file and laid out in send order in another; errors read their source
//! lines back from the spilled text and their spans from the spooled span log.
//!
//! Inputs are kpgen.py's full sync with N=1000 (5 MB of text, a 9 MB batch: both well past
//! the spill steps) with bad commands appended. Every expected error text below is what the
//! reference nft prints for the same input (compared at run time), and a failed load must
//! leave the namespace's ruleset empty.

#[path = "fixtures/in/harness.rs"]
mod harness;

use harness::*;

fn big() -> String {
    kpgen(&["-n", "1000", "-m", "10"])
}

/// (line number, line) of the last line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> (usize, String) {
    let (i, l) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .last()
        .unwrap_or_else(|| panic!("{needle:?} not in the input"));
    (i + 1, l.to_string())
}

/// Load `tx` from stdin with ours and with the reference, each in a fresh namespace: both
/// fail, with the same stderr, and leave the ruleset empty. Returns our stderr.
fn fails_alike(tx: String, check_mode: bool) -> String {
    let args: &'static [&'static str] = if check_mode {
        &["-c", "-f", "-"]
    } else {
        &["-f", "-"]
    };
    let t = tx.clone();
    let mine = in_netns(move || {
        let r = ours(args, Some(&t));
        (r, oracle(&["list", "ruleset"], None).stdout)
    });
    let reference = in_netns(move || {
        let r = oracle(args, Some(&tx));
        (r, oracle(&["list", "ruleset"], None).stdout)
    });
    assert_eq!(reference.0.code, 1, "the reference accepted it");
    assert_eq!(mine.0.code, 1, "we accepted it: {}", mine.0.stderr);
    assert_eq!(mine.0.stderr, reference.0.stderr, "stderr differs");
    assert_eq!(mine.1, "", "our failed load changed the ruleset");
    assert_eq!(
        reference.1, "",
        "the reference's failed load changed the ruleset"
    );
    mine.0.stderr
}

#[test]
fn kernel_errors_at_the_end_of_a_large_stdin_input() {
    // Two kernel errors after 5 MB: a plain rule, and a rule binding an anonymous set (the
    // schedule sends it early, far from its place in the input).
    let mut tx = big();
    tx.push_str("add rule ip kube-proxy services jump no-such-chain\n");
    tx.push_str("add rule ip kube-proxy services ip daddr { 10.9.9.1, 10.9.9.2 } jump no-such-2\n");
    let (l1, line1) = line_of(&tx, "no-such-chain");
    let (l2, line2) = line_of(&tx, "no-such-2");
    let e = fails_alike(tx, false);
    let c1 = line1.find("no-such-chain").unwrap_or(0) + 1;
    let c2 = line2.find("no-such-2").unwrap_or(0) + 1;
    assert_eq!(
        e,
        format!(
            "/dev/stdin:{l1}:{c1}-{}: Error: Could not process rule: No such file or directory\n\
             {line1}\n{}{}\n\
             /dev/stdin:{l2}:{c2}-{}: Error: Could not process rule: No such file or directory\n\
             {line2}\n{}{}\n",
            c1 + 12,
            " ".repeat(c1 - 1),
            "^".repeat(13),
            c2 + 8,
            " ".repeat(c2 - 1),
            "^".repeat(9),
        )
    );
}

#[test]
fn check_mode_error_in_the_middle_of_a_large_input() {
    // A kernel error in the middle (its line is read back from the spilled text), --check.
    let text = big();
    let cut = text.len() / 2;
    let cut = cut + text[cut..].find('\n').map(|i| i + 1).unwrap_or(0);
    let tx = format!(
        "{}add rule ip kube-proxy services jump no-such-chain\n{}",
        &text[..cut],
        &text[cut..]
    );
    let (l, _) = line_of(&tx, "no-such-chain");
    let e = fails_alike(tx, true);
    assert!(
        e.starts_with(&format!(
            "/dev/stdin:{l}:38-50: Error: Could not process rule: No such file or directory\n\
             add rule ip kube-proxy services jump no-such-chain\n"
        )),
        "{e}"
    );
}

#[test]
fn syntax_error_at_the_end_of_a_large_input() {
    let mut tx = big();
    tx.push_str("add table ip t {\n");
    let lines = tx.lines().count();
    let e = fails_alike(tx, false);
    assert_eq!(
        e,
        format!(
            "/dev/stdin:{}:1-1: Error: syntax error, unexpected end of file\nadd table ip t {{\n^\n",
            lines + 1
        )
    );
}

#[test]
fn large_file_and_stdin_load_the_same_ruleset_as_the_reference() {
    let tx = big();
    let path = std::env::temp_dir().join(format!("kroot-spill-{}.nft", std::process::id()));
    std::fs::write(&path, &tx).expect("write the input file");
    let file = path.to_string_lossy().into_owned();
    let f = file.clone();
    let from_file = in_netns(move || {
        let r = ours(&["-f", &f], None);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "load from {f}");
        oracle(&["list", "ruleset"], None).stdout
    });
    let t = tx.clone();
    let from_stdin = in_netns(move || {
        let r = ours(&["-f", "-"], Some(&t));
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "load from stdin");
        oracle(&["list", "ruleset"], None).stdout
    });
    let reference = in_netns(move || {
        let r = oracle(&["-f", "-"], Some(&tx));
        assert_eq!(r.code, 0, "reference load: {}", r.stderr);
        oracle(&["list", "ruleset"], None).stdout
    });
    // An error names the file and shows its line, read back from the spill.
    std::fs::write(
        &path,
        tx_bad_tail(std::fs::read_to_string(&path).unwrap_or_default()),
    )
    .expect("write the bad input file");
    let f = file.clone();
    let bad = in_netns(move || ours(&["-f", &f], None));
    let f = file.clone();
    let bad_ref = in_netns(move || oracle(&["-f", &f], None));
    let _ = std::fs::remove_file(&path);
    assert!(
        from_file.starts_with("table ip kube-proxy {"),
        "{from_file}"
    );
    assert!(
        from_file == reference,
        "file load differs from the reference"
    );
    assert!(
        from_stdin == reference,
        "stdin load differs from the reference"
    );
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.starts_with(&format!("{file}:")) && bad.stderr.contains("no-such-chain\n"),
        "{}",
        bad.stderr
    );
    assert_eq!(bad.stderr, bad_ref.stderr);
}

fn tx_bad_tail(mut tx: String) -> String {
    tx.push_str("add rule ip kube-proxy services jump no-such-chain\n");
    tx
}

/// A regular `-f FILE` is read in place (mapped, not copied). Cut to a line boundary while a
/// run reads it (at growing delays, in-process): no run dies of the signal a mapping of a cut
/// file raises; each either loads (cut before the file was opened, or after the batch was
/// sent) or fails with the one clear error and changes nothing; and at least one run saw the
/// cut.
#[test]
fn file_truncated_during_the_run_gives_a_clear_error() {
    let tx = big();
    let half = tx[..tx.len() / 2].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let path = std::env::temp_dir().join(format!("kroot-cut-{}.nft", std::process::id()));
    let file = path.to_string_lossy().into_owned();
    let want =
        format!("Error: {file}: the file changed while it was read (truncated or rewritten)\n");
    let mut seen = 0;
    for delay_ms in [0u64, 2, 5, 10, 20, 40, 80, 160, 320, 640] {
        std::fs::write(&path, &tx).expect("write the input file");
        let p = path.clone();
        let cutter = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            std::fs::OpenOptions::new()
                .write(true)
                .open(&p)
                .and_then(|w| w.set_len(half as u64))
                .expect("truncate");
        });
        let f = file.clone();
        let (r, after) = in_netns(move || {
            let r = ours(&["-f", &f], None);
            (r, oracle(&["list", "ruleset"], None).stdout)
        });
        let _ = cutter.join();
        if r.code == 1 {
            assert_eq!(r.stderr, want, "delay {delay_ms} ms");
            assert_eq!(after, "", "a failed run changed the ruleset");
            seen += 1;
        } else {
            assert_eq!((r.code, r.stderr.as_str()), (0, ""), "delay {delay_ms} ms");
            assert!(after.starts_with("table ip kube-proxy {"), "{after}");
        }
    }
    let _ = std::fs::remove_file(&path);
    assert!(seen > 0, "no run saw the file cut");
}
