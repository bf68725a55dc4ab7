// SPDX-License-Identifier: Apache-2.0
//! No input panics: every rule line of the nftables 1.1.4 test corpus (in every family its
//! file declares), every shell dump, and damaged variants of a kube-proxy transaction go
//! through parse → eval → linearize; each either succeeds or returns error records.

use nft::run::debug_netlink;

fn corpus() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/nftables/tests")
}

fn files(dir: &std::path::Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.to_string_lossy().ends_with(ext) {
            out.push(p);
        }
    }
}

/// Run one input; a panic fails the test with the input named.
fn survive(what: &str, text: &str) -> bool {
    let t = text.to_string();
    match std::panic::catch_unwind(move || debug_netlink(&t).is_ok()) {
        Ok(ok) => ok,
        Err(_) => panic!("panic on {what}:\n{text}"),
    }
}

#[test]
fn corpus_rules_never_panic() {
    let mut ts = Vec::new();
    files(&corpus().join("py"), ".t", &mut ts);
    assert!(ts.len() > 90, "corpus found: {}", ts.len());
    let (mut total, mut ok) = (0, 0);
    for f in &ts {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let mut families = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix('*') {
                if let Some(fam) = rest.split(';').next() {
                    families.push(fam.to_string());
                }
                continue;
            }
            if line.trim().is_empty() || line.starts_with(['#', ':', '!', '?', '%', '-']) {
                continue;
            }
            let rule = line.split(';').next().unwrap_or("");
            for fam in &families {
                let input =
                    format!("add table {fam} t\nadd chain {fam} t c\nadd rule {fam} t c {rule}\n");
                total += 1;
                ok += survive(&format!("{}: {rule}", f.display()), &input) as usize;
            }
        }
    }
    eprintln!("corpus rules evaluated: {ok}/{total}");
    assert!(total > 2000, "{total}");
}

#[test]
fn corpus_dumps_never_panic() {
    let mut dumps = Vec::new();
    files(&corpus().join("shell"), ".nft", &mut dumps);
    assert!(dumps.len() > 100);
    let mut ok = 0;
    for f in &dumps {
        if let Ok(text) = std::fs::read_to_string(f) {
            ok += survive(&f.display().to_string(), &text) as usize;
        }
    }
    eprintln!("dumps evaluated: {ok}/{}", dumps.len());
}

#[test]
fn damaged_transactions_never_panic() {
    let base = "add table ip kube-proxy { comment \"rules for kube-proxy\" ; }
add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority dstnat - 10 ; }
add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment \"x\" ; }
add rule ip kube-proxy nat-prerouting ip daddr . meta l4proto . th dport vmap @service-ips
add rule ip kube-proxy nat-prerouting numgen random mod 2 vmap { 0 : goto a , 1 : goto b }
add element ip kube-proxy service-ips { 172.30.0.1 . tcp . 80 comment \"ns/svc:p\" : goto a }
add rule ip kube-proxy nat-prerouting ip saddr != { 10.0.0.0/8 , 192.168.0.0/16 } drop
add rule ip kube-proxy nat-prerouting meta l4proto tcp dnat to 10.64.0.1:8080
add rule ip kube-proxy nat-prerouting mark and 0x4000 == 0 return
";
    let bytes = base.as_bytes();
    // Truncations at every byte, and every byte replaced by a few troublemakers.
    for cut in 0..bytes.len() {
        let s = String::from_utf8_lossy(&bytes[..cut]).into_owned();
        survive(&format!("truncated at {cut}"), &s);
    }
    for i in 0..bytes.len() {
        for c in [
            b'{', b'}', b'"', b'.', b'/', b'-', b':', b'@', b'0', b'\n', b';', b'x', 0xc3,
        ] {
            let mut b = bytes.to_vec();
            b[i] = c;
            let s = String::from_utf8_lossy(&b).into_owned();
            survive(&format!("byte {i} = {c:#x}"), &s);
        }
    }
}
