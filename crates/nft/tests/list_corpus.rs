// SPDX-License-Identifier: Apache-2.0
//! The nftables 1.1.4 shell-test dumps (shared/conformance, FORMAT.md): each
//! `.nft` dump is loaded by the reference nft into a fresh netns and listed
//! by ours; `list ruleset` must reproduce the dump byte for byte, and
//! `-j list ruleset` the `.json-nft` (handles zeroed, metainfo version and
//! release name dropped, as upstream's sanitizer does). Dumps the reference
//! cannot load are skipped and counted. The counts may only go up: the
//! floor is in fixtures/out/corpus-ratchet.txt.

#[path = "fixtures/out/netns.rs"]
mod netns;

use std::path::{Path, PathBuf};

use netns::*;
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/nftables/tests/shell/testcases")
}

fn dumps() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for area in std::fs::read_dir(corpus()).expect("corpus").flatten() {
        let d = area.path().join("dumps");
        for f in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if f.path().extension().is_some_and(|e| e == "nft") {
                out.push(f.path());
            }
        }
    }
    out.sort();
    out
}

/// Every object key of a JSON text, in document order (a tiny scanner: the
/// values are compared separately; this checks nft's key order).
fn key_order(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let start = i + 1;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            let s = text.get(start..i.min(b.len())).unwrap_or("").to_string();
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && b[i] == b':' {
                keys.push(s);
            }
        } else {
            i += 1;
        }
    }
    keys
}

fn sanitize(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.contains_key("handle") {
                o.insert("handle".into(), Value::from(0));
            }
            if let Some(m) = o.get_mut("metainfo").and_then(Value::as_object_mut) {
                m.remove("version");
                m.remove("release_name");
            }
            o.values_mut().for_each(sanitize);
        }
        Value::Array(a) => a.iter_mut().for_each(sanitize),
        _ => {}
    }
}

#[derive(Default, Debug)]
struct Counts {
    loaded: usize,
    skipped: usize,
    text_exact: usize,
    json_exact: usize,
    json_total: usize,
    failures: Vec<String>,
}

fn run_one(path: &Path, c: &mut Counts) {
    let expect = std::fs::read_to_string(path).unwrap_or_default();
    let p = path.to_path_buf();
    let json_path = path.with_extension("json-nft");
    let res = in_netns(move || {
        let load = oracle(&["-f", &p.to_string_lossy()], None);
        if load.code != 0 {
            return None;
        }
        let text = nft(&["list", "ruleset"], None);
        let json = nft(&["-j", "list", "ruleset"], None);
        Some((text, json))
    });
    let Some((text, json)) = res else {
        c.skipped += 1;
        return;
    };
    c.loaded += 1;
    let name = path
        .strip_prefix(corpus())
        .unwrap_or(path)
        .display()
        .to_string();
    if text.stdout == expect && text.code == 0 {
        c.text_exact += 1;
    } else {
        c.failures.push(format!(
            "text {name}: {}",
            first_diff(&text.stdout, &expect)
        ));
    }
    if let Ok(raw) = std::fs::read_to_string(&json_path) {
        c.json_total += 1;
        let want: Option<Value> = serde_json::from_str(&raw).ok();
        let got: Option<Value> = serde_json::from_str(&json.stdout).ok();
        match (want, got) {
            (Some(mut w), Some(mut g)) => {
                sanitize(&mut w);
                sanitize(&mut g);
                // Same values, and the same keys in the same order (metainfo's
                // version and release name aside).
                let strip = |k: &Vec<String>| -> Vec<String> {
                    k.iter()
                        .filter(|x| *x != "version" && *x != "release_name")
                        .cloned()
                        .collect()
                };
                if w == g && strip(&key_order(&raw)) == strip(&key_order(&json.stdout)) {
                    c.json_exact += 1;
                } else if w == g {
                    c.failures.push(format!("json {name}: key order"));
                } else {
                    c.failures.push(format!("json {name}"));
                }
            }
            _ => c.failures.push(format!("json {name}: unparsable")),
        }
    }
}

#[test]
fn shell_dumps_list_back() {
    let mut c = Counts::default();
    for p in dumps() {
        run_one(&p, &mut c);
    }
    let ratchet = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/out/corpus-ratchet.txt"
    ))
    .expect("ratchet file");
    let floor = |key: &str| -> usize {
        ratchet
            .lines()
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim().parse().unwrap_or(0)))
            .unwrap_or(0)
    };
    eprintln!(
        "corpus dumps: {} loaded by the reference, {} skipped; text exact {}/{}; json exact {}/{}",
        c.loaded, c.skipped, c.text_exact, c.loaded, c.json_exact, c.json_total
    );
    if std::env::var_os("KROOT_CORPUS_VERBOSE").is_some() {
        for f in &c.failures {
            eprintln!("{f}");
        }
    }
    assert!(
        c.text_exact >= floor("text_exact="),
        "text exact fell below the ratchet"
    );
    assert!(
        c.json_exact >= floor("json_exact="),
        "json exact fell below the ratchet"
    );
}
