// SPDX-License-Identifier: Apache-2.0
//! `cargo xtask conformance [--full] [--ratchet]`: our nft against the nftables
//! 1.1.4 test vectors in ../shared/conformance/nftables (FORMAT.md says how).
//! Shell dumps ([`dumps`]) and rule tests ([`py`]), each corpus file in a
//! namespace of its own. Writes golden-out/conformance/manifest.tsv (same
//! columns as the reference's manifest-ref-1.0.6.tsv), prints our counts beside
//! nft 1.0.6's, and with --ratchet fails below ci/ratchet/conformance.
//! `NFT_UNDER_TEST=/usr/sbin/nft` points it at another nft (to check the runner).

mod dumps;
mod netns;
mod py;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{flags, project_root, shared_dir};

/// One manifest row: kind, id, status, note.
pub struct Row {
    kind: String,
    id: String,
    status: String,
    note: String,
}

impl Row {
    fn new(kind: &str, id: &str, status: &str, note: &str) -> Row {
        Row {
            kind: kind.into(),
            id: id.into(),
            status: status.into(),
            note: note.replace(['\t', '\n'], " "),
        }
    }
}

/// The statuses that count as a pass, per kind.
const PASSING: [(&str, &str); 4] = [
    ("shell-dump", "exact"),
    ("shell-json", "exact"),
    ("py-rule", "match"),
    ("py-fail", "rejected"),
];

pub fn run(f: flags::Conformance) -> crate::Result {
    let corpus = shared_dir().join("conformance/nftables");
    // NFT_UNDER_TEST=/usr/sbin/nft runs the same checks on the reference
    // binary: a check of the runner itself against manifest-ref-1.0.6.tsv.
    let kroot = match std::env::var_os("NFT_UNDER_TEST") {
        Some(p) => PathBuf::from(p),
        None => crate::golden::build_kroot()?,
    };
    let out = project_root().join("golden-out/conformance");
    let bin = out.join("bin");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let nft = bin.join("nft");
    std::os::unix::fs::symlink(&kroot, &nft).map_err(|e| format!("link nft: {e}"))?;

    let (dump_files, t_files) = corpus_files(&corpus)?;
    let pick = |files: Vec<String>, every: usize| -> Vec<String> {
        if f.full {
            files
        } else {
            files.into_iter().step_by(every).collect()
        }
    };
    let dump_files = pick(dump_files, 5);
    let t_files = pick(t_files, 4);
    println!(
        "conformance: {} dumps, {} rule files ({})",
        dump_files.len(),
        t_files.len(),
        if f.full {
            "full"
        } else {
            "CI sample: every 5th dump, every 4th .t"
        }
    );
    let mut rows: Vec<Row> = Vec::new();
    for (i, rel) in dump_files.iter().enumerate() {
        rows.extend(dumps::run_one(&nft, &corpus, rel, i)?);
    }
    for (i, rel) in t_files.iter().enumerate() {
        rows.extend(py::run_one(&nft, &corpus, rel, i)?);
    }
    write_manifest(&out.join("manifest.tsv"), &rows)?;
    let passed = report(&corpus, &rows);
    println!("manifest: {}", out.join("manifest.tsv").display());
    if f.ratchet {
        let key = if f.full { "full" } else { "sample" };
        crate::golden::check_ratchet("conformance", key, passed)?;
    }
    Ok(())
}

/// `tests/shell/testcases/**/dumps/*.nft` and `tests/py/*/*.t`, sorted.
fn corpus_files(corpus: &Path) -> crate::Result<(Vec<String>, Vec<String>)> {
    let mut dumps = Vec::new();
    let mut ts = Vec::new();
    walk(corpus, &corpus.join("tests"), &mut |rel: &str| {
        if rel.starts_with("tests/shell/") && rel.contains("/dumps/") && rel.ends_with(".nft") {
            dumps.push(rel.to_string());
        } else if rel.starts_with("tests/py/") && rel.ends_with(".t") {
            ts.push(rel.to_string());
        }
    })?;
    dumps.sort();
    ts.sort();
    Ok((dumps, ts))
}

fn walk(base: &Path, dir: &Path, f: &mut dyn FnMut(&str)) -> crate::Result {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in rd.flatten() {
        let path: PathBuf = entry.path();
        if path.is_dir() {
            walk(base, &path, f)?;
        } else if let Ok(rel) = path.strip_prefix(base) {
            f(&rel.to_string_lossy());
        }
    }
    Ok(())
}

fn write_manifest(path: &Path, rows: &[Row]) -> crate::Result {
    let mut file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = String::from("kind\tid\tstatus\tnote\n");
    for r in rows {
        text.push_str(&format!("{}\t{}\t{}\t{}\n", r.kind, r.id, r.status, r.note));
    }
    file.write_all(text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Print ours vs the reference's counts over the same rows; return our passes.
fn report(corpus: &Path, rows: &[Row]) -> usize {
    let reference: BTreeMap<(String, String), String> =
        std::fs::read_to_string(corpus.join("manifest-ref-1.0.6.tsv"))
            .unwrap_or_default()
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.len() >= 3).then(|| ((f[0].to_string(), f[1].to_string()), f[2].to_string()))
            })
            .collect();
    let mut passed = 0;
    let mut failed = 0;
    for (kind, good) in PASSING {
        let ours: Vec<&Row> = rows.iter().filter(|r| r.kind == kind).collect();
        let ok = ours.iter().filter(|r| r.status == good).count();
        let ref_ok = ours
            .iter()
            .filter(|r| {
                reference
                    .get(&(r.kind.clone(), r.id.clone()))
                    .map(String::as_str)
                    == Some(good)
            })
            .count();
        println!(
            "{kind:>10}: {ok:>5}/{:<5} {good}   (nft 1.0.6 on the same rows: {ref_ok})",
            ours.len()
        );
        passed += ok;
        failed += ours.len() - ok;
    }
    let payload = rows
        .iter()
        .filter(|r| r.kind == "py-rule" && r.note.contains("payload=match"))
        .count();
    println!(
        "   payload: {payload:>5} py-rule rows whose bytecode matches the 1.1.4 .payload files"
    );
    println!(
        "conformance: {passed} of {} rows pass ({failed} not yet)",
        passed + failed
    );
    passed
}
