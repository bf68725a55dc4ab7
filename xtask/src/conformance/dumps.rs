// SPDX-License-Identifier: Apache-2.0
//! Shell-test dumps (FORMAT.md §2.3): load `X.nft` into an empty namespace with
//! our nft, then `list ruleset` must give the file back byte for byte and
//! `-j list ruleset`, sanitised, must equal `X.json-nft` as JSON.

use std::path::Path;

use super::netns::Netns;
use super::Row;

/// Interfaces a dump hooks (`device "x"`, `devices = { "a", "b" }`), but `lo`.
fn devices(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some(i) = line.find("device") else {
            continue;
        };
        let rest = &line[i..];
        let end = rest.find('}').unwrap_or(rest.len());
        let mut parts = rest[..end].split('"');
        parts.next();
        while let Some(name) = parts.next() {
            if name != "lo" && !name.is_empty() && !out.iter().any(|d| d == name) {
                out.push(name.to_string());
            }
            parts.next();
        }
    }
    out
}

/// JSON listing with metainfo's version/release_name and every handle masked.
fn sanitize(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(meta) = map.get_mut("metainfo").and_then(|m| m.as_object_mut()) {
                meta.insert("version".into(), "VERSION".into());
                meta.insert("release_name".into(), "RELEASE_NAME".into());
            }
            for (k, val) in map.iter_mut() {
                if k == "handle" && val.is_number() {
                    *val = 0.into();
                } else {
                    sanitize(val);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(sanitize),
        _ => {}
    }
}

fn first_diff(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}: want `{}` got `{}`", i + 1, w.trim(), g.trim());
        }
    }
    format!(
        "{} lines vs {} lines",
        want.lines().count(),
        got.lines().count()
    )
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(160).collect()
}

pub fn run_one(nft: &Path, corpus: &Path, rel: &str, tag: usize) -> crate::Result<Vec<Row>> {
    let path = corpus.join(rel);
    let want = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json_rel = rel.replace(".nft", ".json-nft");
    let json_path = corpus.join(&json_rel);
    let ns = Netns::new(nft, tag)?;
    for (i, dev) in devices(&want).iter().enumerate() {
        ns.sh(&format!("ip link add '{dev}' type veth peer name kcp{i}"));
    }
    let mut rows = Vec::new();
    let load = ns.nft(&["-f", &path.to_string_lossy()], None);
    if load.rc != 0 {
        let note = format!("err={}", first_line(&load.stderr));
        rows.push(Row::new("shell-dump", rel, "load-fail", &note));
        if json_path.exists() {
            rows.push(Row::new("shell-json", &json_rel, "load-fail", ""));
        }
        return Ok(rows);
    }
    let list = ns.nft(&["list", "ruleset"], None);
    if list.rc == 0 && list.stdout == want {
        rows.push(Row::new("shell-dump", rel, "exact", ""));
    } else {
        let note = if list.rc != 0 {
            format!("list-err={}", first_line(&list.stderr))
        } else {
            first_diff(&want, &list.stdout)
        };
        rows.push(Row::new("shell-dump", rel, "differs", &note));
    }
    if json_path.exists() {
        let want_json = std::fs::read_to_string(&json_path)
            .map_err(|e| format!("{}: {e}", json_path.display()))?;
        let got = ns.nft(&["-j", "list", "ruleset"], None);
        let status = match (
            serde_json::from_str::<serde_json::Value>(&want_json),
            serde_json::from_str::<serde_json::Value>(&got.stdout),
        ) {
            (Ok(mut w), Ok(mut g)) => {
                sanitize(&mut w);
                sanitize(&mut g);
                if w == g {
                    ("exact", String::new())
                } else {
                    ("differs", String::new())
                }
            }
            (Ok(_), Err(e)) => (
                "differs",
                format!("not JSON: {e}; rc={} {}", got.rc, first_line(&got.stderr)),
            ),
            (Err(e), _) => ("differs", format!("corpus file is not JSON: {e}")),
        };
        rows.push(Row::new("shell-json", &json_rel, status.0, &status.1));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_devices() {
        let text = "\t\ttype filter hook ingress device \"dummy1\" priority filter;\n\t\tdevices = { \"d2\", \"lo\" }\n";
        assert_eq!(devices(text), vec!["dummy1".to_string(), "d2".to_string()]);
    }

    #[test]
    fn sanitizes_handles_and_version() {
        let mut v: serde_json::Value = serde_json::from_str(
            r#"{"nftables":[{"metainfo":{"version":"1.1.4","release_name":"x","json_schema_version":1}},{"table":{"handle":7}}]}"#,
        )
        .unwrap();
        sanitize(&mut v);
        assert_eq!(v["nftables"][1]["table"]["handle"], 0);
        assert_eq!(v["nftables"][0]["metainfo"]["version"], "VERSION");
    }
}
