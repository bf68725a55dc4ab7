// SPDX-License-Identifier: Apache-2.0
//! A table bigger than one dump datagram: `-L` prints every entry once, and
//! `-D`, which deletes from inside the dump (one request per entry while the
//! kernel is still dumping), deletes exactly the entries its filter names,
//! prints each of them once, and leaves the others.

mod common;

use std::collections::BTreeSet;

use common::*;

/// UDP flows from 127.0.0.1 to 127.0.{1,2}.x, one per destination port.
const FLOWS_PY: &str = r#"
import socket, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(n):
    s.sendto(b'x', ('127.0.%d.%d' % (1 + i % 2, 1 + i // 1000), 1024 + i % 1000))
"#;

const FLOWS: usize = 3000;

/// The entry without its timeout (it counts down between two listings).
fn key(line: &str) -> String {
    let mut w: Vec<&str> = line.split_whitespace().collect();
    if w.len() > 2 {
        w.remove(2);
    }
    w.join(" ")
}

fn keys(stdout: &[u8]) -> BTreeSet<String> {
    text(stdout).lines().map(key).collect()
}

#[test]
fn delete_streams_over_a_table_of_many_datagrams() {
    require_root();
    let ns = Netns::new("bulk");
    ns.sh_ok(
        "nft 'add table ip t; add chain ip t o { type filter hook output priority 0; }; \
         add rule ip t o ct state new counter'",
    );
    let py = std::env::temp_dir().join(format!("krct-bulk-{}.py", std::process::id()));
    std::fs::write(&py, FLOWS_PY).expect("write flows script");
    ns.sh_ok(&format!("python3 {} {FLOWS}", py.display()));
    let _ = std::fs::remove_file(&py);
    // Three TCP entries that -D -p udp must leave alone.
    for sport in [1, 2, 3] {
        let sport = sport.to_string();
        let o = ns.conntrack(&[
            "-I",
            "-p",
            "tcp",
            "-s",
            "10.0.0.1",
            "-d",
            "10.0.0.2",
            "--sport",
            &sport,
            "--dport",
            "80",
            "--state",
            "ESTABLISHED",
            "-t",
            "100",
            "-u",
            "SEEN_REPLY",
        ]);
        assert!(o.status.success(), "conntrack -I: {}", text(&o.stderr));
    }

    let all = ns.conntrack(&["-L"]);
    assert!(all.status.success(), "-L: {}", text(&all.stderr));
    let lines = text(&all.stdout).lines().count();
    assert_eq!(lines, FLOWS + 3, "-L prints every entry once");
    assert!(
        text(&all.stderr).contains(&format!("{} flow entries have been shown.", FLOWS + 3)),
        "-L count: {}",
        text(&all.stderr)
    );
    let udp_before = keys(&ns.conntrack(&["-L", "-p", "udp"]).stdout);
    assert_eq!(udp_before.len(), FLOWS);

    let del = ns.conntrack(&["-D", "-p", "udp"]);
    assert!(del.status.success(), "-D: {}", text(&del.stderr));
    let summary = text(&del.stderr);
    assert!(
        summary.starts_with("conntrack v1.4.7 (kroot ")
            && summary.ends_with(&format!("): {FLOWS} flow entries have been deleted.\n")),
        "-D summary: {summary}"
    );
    let printed: Vec<String> = text(&del.stdout).lines().map(key).collect();
    assert_eq!(printed.len(), FLOWS, "each deleted entry printed once");
    let printed: BTreeSet<String> = printed.into_iter().collect();
    assert_eq!(printed, udp_before, "-D prints the entries -L showed");

    let after = ns.conntrack(&["-L"]);
    let left = text(&after.stdout);
    assert_eq!(left.lines().count(), 3, "only the TCP entries stay: {left}");
    assert!(left.lines().all(|l| l.starts_with("tcp ")), "{left}");

    // -o save prints what -D deleted as the command that deletes it.
    let saved = ns.conntrack(&["-D", "-o", "save", "-p", "tcp", "--sport", "2"]);
    assert!(
        saved.status.success(),
        "-D -o save: {}",
        text(&saved.stderr)
    );
    let line = text(&saved.stdout);
    assert!(
        line.starts_with("-D -t ")
            && line.trim_end().ends_with(
                "-u SEEN_REPLY -s 10.0.0.1 -d 10.0.0.2 -r 10.0.0.2 -q 10.0.0.1 -p tcp \
                 --sport 2 --dport 80 --reply-port-src 80 --reply-port-dst 2 --state ESTABLISHED"
            ),
        "-D -o save: {line}"
    );
    assert_eq!(text(&ns.conntrack(&["-L"]).stdout).lines().count(), 2);

    // Nothing left to delete: 0 entries, exit status 1, as conntrack does.
    let again = ns.conntrack(&["-D", "-p", "udp"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("0 flow entries have been deleted."));
}
