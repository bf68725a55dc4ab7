// SPDX-License-Identifier: Apache-2.0
//! The benchmark rows (issue 6): kube-proxy-scale nft loads and listings, ip
//! listings over 1000 links and 10k routes, conntrack over 100k flows.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::Case;
use crate::shared_dir;

/// kpgen.py output for `args`, cached under `work`.
fn kpgen(work: &Path, name: &str, args: &[&str]) -> crate::Result<PathBuf> {
    let path = work.join(name);
    if path.exists() {
        return Ok(path);
    }
    let script = shared_dir().join("kube-proxy/kpgen.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(args)
        .output()
        .map_err(|e| format!("python3 {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!("kpgen.py {} failed", args.join(" ")));
    }
    std::fs::write(&path, &out.stdout).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

pub fn all(work: &Path) -> crate::Result<Vec<Case>> {
    let full1k = kpgen(work, "full-1000.nft", &["-n", "1000", "-m", "10"])?;
    let full5k = kpgen(work, "full-5000.nft", &["-n", "5000", "-m", "10"])?;
    let update5k = kpgen(
        work,
        "update-5000.nft",
        &["-n", "5000", "-m", "10", "--update"],
    )?;
    let resync5k = kpgen(
        work,
        "resync-5000.nft",
        &["-n", "5000", "-m", "10", "--resync"],
    )?;
    // The state the update/resync/listing rows start from, loaded by the reference nft.
    let loaded5k = format!("/usr/sbin/nft -f {}", full5k.display());
    let nft = |name: &str, args: &str, input: Option<&PathBuf>, setup: &str, fresh: bool| Case {
        name: name.into(),
        tool: "nft",
        args: words(args),
        input: input.cloned(),
        setup: setup.into(),
        fresh,
        repeat: 1,
    };
    let mut cases = vec![
        nft("nft full sync N=1000", "-f -", Some(&full1k), "true", true),
        nft("nft full sync N=5000", "-f -", Some(&full5k), "true", true),
        nft(
            "nft --update N=5000",
            "-f -",
            Some(&update5k),
            &loaded5k,
            true,
        ),
        nft(
            "nft --resync N=5000",
            "-f -",
            Some(&resync5k),
            &loaded5k,
            true,
        ),
        nft(
            "nft --check -f N=5000",
            "--check -f -",
            Some(&full5k),
            "true",
            false,
        ),
        nft(
            "nft --json --terse list table N=5000",
            "--json --terse list table ip kube-proxy",
            None,
            &loaded5k,
            false,
        ),
        nft(
            "nft list table N=5000",
            "list table ip kube-proxy",
            None,
            &loaded5k,
            false,
        ),
        nft(
            "nft list ruleset N=5000",
            "list ruleset",
            None,
            &loaded5k,
            false,
        ),
        // The kernel's share of those listings (issue 6's floor): the same
        // dumps with nothing decoded or printed.
        Case {
            name: "kernel floor: raw dumps of the N=5000 table".into(),
            tool: "kernel",
            args: words("rawdump ip kube-proxy"),
            input: None,
            setup: loaded5k.clone(),
            fresh: false,
            repeat: 1,
        },
    ];
    let links = ip_setup(work)?;
    for args in ["-o addr", "link", "route"] {
        cases.push(Case {
            name: format!("ip {args} (1000 links, 10k routes)"),
            tool: "ip",
            args: words(args),
            input: None,
            setup: links.clone(),
            fresh: false,
            // A run takes milliseconds, about what starting nsenter costs: each
            // sample runs the command 50 times in a row (figures are per run).
            repeat: 50,
        });
    }
    let flows = ct_setup(work)?;
    cases.push(Case {
        name: "conntrack -L (100k flows)".into(),
        tool: "conntrack",
        args: words("-L"),
        input: None,
        setup: flows.clone(),
        fresh: false,
        repeat: 1,
    });
    cases.push(Case {
        name: "conntrack -D -p udp (100k flows)".into(),
        tool: "conntrack",
        args: words("-D -p udp"),
        input: None,
        setup: flows,
        fresh: true,
        repeat: 1,
    });
    Ok(cases)
}

/// 500 veth pairs (1000 links) with an address each and 10k routes, by `ip -batch`.
fn ip_setup(work: &Path) -> crate::Result<String> {
    let path = work.join("ip-setup.batch");
    let mut b = String::new();
    for i in 0..500 {
        b.push_str(&format!("link add va{i} type veth peer name vb{i}\n"));
    }
    for i in 0..500 {
        let (hi, lo) = (i / 250, i % 250);
        b.push_str(&format!(
            "addr add 10.{hi}.{lo}.1/24 dev va{i}\nlink set va{i} up\nlink set vb{i} up\n"
        ));
    }
    for r in 0..10_000 {
        let dev = r % 500;
        let (hi, lo) = (dev / 250, dev % 250);
        b.push_str(&format!(
            "route add 172.{}.{}.0/24 via 10.{hi}.{lo}.2 dev va{dev}\n",
            16 + r / 256,
            r % 256
        ));
    }
    std::fs::write(&path, b).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(format!("ip link set lo up && ip -batch {}", path.display()))
}

/// 100k UDP flows over lo, tracked because a ct rule loads conntrack in the netns.
fn ct_setup(work: &Path) -> crate::Result<String> {
    let py = work.join("ct-flows.py");
    let script = "import socket\n\
                  s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
                  for i in range(100000):\n\
                  \x20   s.sendto(b'x', ('127.0.%d.%d' % (1 + i // 50000, 1 + (i % 50000) // 1000), 1024 + i % 1000))\n";
    std::fs::write(&py, script).map_err(|e| format!("{}: {e}", py.display()))?;
    Ok(format!(
        "ip link set lo up && /usr/sbin/nft 'add table ip t; add chain ip t o {{ type filter hook output priority 0; }}; add rule ip t o ct state new counter' && python3 {}",
        py.display()
    ))
}
