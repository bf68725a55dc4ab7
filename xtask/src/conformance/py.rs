// SPDX-License-Identifier: Apache-2.0
//! Rule tests (`tests/py/**/*.t`, FORMAT.md §1): tables/chains from `*`/`:`
//! lines, sets, elements and objects, then per rule × table × chain: flush,
//! add (with --debug=netlink for the payload check), `-s -p list table`,
//! upstream-style extraction and comparison, and a replay of the listed form.

use std::collections::HashMap;
use std::path::Path;

use super::netns::Netns;
use super::Row;

struct Table {
    family: String,
    name: String,
    chains: Vec<String>,
}

/// Worst-first order of a rule's unit results.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Match,
    Mismatch,
    Rejected,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Match => "match",
            Status::Mismatch => "mismatch",
            Status::Rejected => "rejected",
        }
    }
}

pub fn run_one(nft: &Path, corpus: &Path, rel: &str, tag: usize) -> crate::Result<Vec<Row>> {
    let path = corpus.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let payloads = Payloads::load(&path);
    let ns = Netns::new(nft, tag)?;
    let mut chain_cfg: HashMap<String, String> = HashMap::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut rows = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        let id = format!("{rel}:{}", i + 1);
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        if let Some(rest) = line.strip_prefix(':') {
            if let Some((name, cfg)) = rest.split_once(';') {
                chain_cfg
                    .entry(name.to_string())
                    .or_insert_with(|| cfg.to_string());
            }
        } else if let Some(rest) = line.strip_prefix('*') {
            let f: Vec<&str> = rest.split(';').collect();
            if f.len() < 3 {
                continue;
            }
            let t = Table {
                family: f[0].into(),
                name: f[1].into(),
                chains: f[2].split(',').map(str::to_string).collect(),
            };
            if ns
                .nft(&[&format!("add table {} {}", t.family, t.name)], None)
                .rc
                != 0
            {
                rows.push(Row::new("py-setup", &id, "table-fail", ""));
                break;
            }
            for c in &t.chains {
                let cfg = chain_cfg.get(c).cloned().unwrap_or_default();
                let cmd = format!("add chain {} {} {c} {{ {cfg}; }}", t.family, t.name);
                let r = ns.nft(&[&cmd], None);
                if r.rc != 0 {
                    rows.push(Row::new(
                        "py-setup",
                        &id,
                        "chain-fail",
                        &first_line(&r.stderr),
                    ));
                }
            }
            tables.push(t);
        } else if let Some(rest) = line.strip_prefix('!') {
            decl(&ns, &tables, &id, rest, set_cmd, &mut rows);
        } else if let Some(rest) = line.strip_prefix('?') {
            decl(&ns, &tables, &id, rest, elem_cmd, &mut rows);
        } else if let Some(rest) = line.strip_prefix('%') {
            decl(&ns, &tables, &id, rest, obj_cmd, &mut rows);
        } else {
            rule_line(&ns, &tables, &payloads, &id, line, &mut rows);
        }
    }
    Ok(rows)
}

/// `!`, `?` and `%` lines: one command per table; ok must pass, fail must fail.
fn decl(
    ns: &Netns,
    tables: &[Table],
    id: &str,
    rest: &str,
    build: fn(&Table, &str) -> String,
    rows: &mut Vec<Row>,
) {
    let (spec, want) = match rest.rfind('}') {
        Some(i)
            if rest.starts_with(|c: char| !c.is_whitespace())
                && rest.contains('{')
                && rest[i..].contains(';') =>
        {
            (&rest[..=i], rest[i + 1..].trim_start_matches(';').trim())
        }
        _ => match rest.split_once(';') {
            Some((s, w)) => (s, w.trim()),
            None => return,
        },
    };
    let mut accepted_all = true;
    let mut crashed = false;
    let mut err = String::new();
    for t in tables {
        let r = ns.nft(&[&build(t, spec)], None);
        crashed |= r.rc >= 128;
        if r.rc != 0 {
            accepted_all = false;
            if err.is_empty() {
                err = first_line(&r.stderr);
            }
        }
    }
    let (kind, status) = match (want, accepted_all, crashed) {
        ("fail", _, true) => ("py-fail", "crash"),
        ("fail", true, _) => ("py-fail", "accepted"),
        ("fail", false, _) => ("py-fail", "rejected"),
        (_, true, _) => ("py-rule", "match"),
        _ => ("py-rule", "rejected"),
    };
    let note = if err.is_empty() {
        "decl".to_string()
    } else {
        format!("decl err={err}")
    };
    rows.push(Row::new(kind, id, status, &note));
}

fn set_cmd(t: &Table, spec: &str) -> String {
    let (name, rest) = spec.split_once(' ').unwrap_or((spec, ""));
    let kind = if rest.contains(" : ") { "map" } else { "set" };
    let mut key = rest;
    let mut extra = String::new();
    for word in [" timeout ", " flags "] {
        if let Some(i) = key.find(word) {
            extra = format!("{}; ", key[i..].trim());
            key = &key[..i];
        }
    }
    format!(
        "add {kind} {} {} {name} {{ {key}; {extra}}}",
        t.family, t.name
    )
}

fn elem_cmd(t: &Table, spec: &str) -> String {
    let (name, rest) = spec.split_once(' ').unwrap_or((spec, ""));
    let elems: Vec<&str> = rest.split(',').map(str::trim).collect();
    format!(
        "add element {} {} {name} {{ {} }}",
        t.family,
        t.name,
        elems.join(", ")
    )
}

fn obj_cmd(t: &Table, spec: &str) -> String {
    // NAME type OBJTYPE ARGS, where OBJTYPE is one word or `ct helper|timeout|expectation`.
    let (name, rest) = spec.split_once(' ').unwrap_or((spec, ""));
    let rest = rest.strip_prefix("type ").unwrap_or(rest);
    let words = if rest.starts_with("ct ") { 2 } else { 1 };
    let mut it = rest.splitn(words + 1, ' ');
    let objtype: Vec<&str> = it.by_ref().take(words).collect();
    let args = it.next().unwrap_or("");
    format!(
        "add {} {} {} {name} {args}",
        objtype.join(" "),
        t.family,
        t.name
    )
}

fn rule_line(
    ns: &Netns,
    tables: &[Table],
    payloads: &Payloads,
    id: &str,
    line: &str,
    rows: &mut Vec<Row>,
) {
    let f: Vec<&str> = line.split(';').collect();
    if f.len() < 2 || f.len() > 3 {
        return;
    }
    let (rule, want, expected) = (f[0], f[1].trim_end(), f.get(2).copied());
    if want == "fail" {
        let mut status = "rejected";
        for t in tables {
            for c in &t.chains {
                let _ = ns.nft(&[&format!("flush table {} {}", t.family, t.name)], None);
                let r = ns.nft(
                    &[&format!("add rule {} {} {c} {rule}", t.family, t.name)],
                    None,
                );
                if r.rc >= 128 {
                    status = "crash";
                } else if r.rc == 0 && status != "crash" {
                    status = "accepted";
                }
            }
        }
        rows.push(Row::new("py-fail", id, status, ""));
        return;
    }
    if want != "ok" {
        return;
    }
    let mut worst = Status::Match;
    let mut notes: Vec<String> = Vec::new();
    let mut payload_ok = true;
    for t in tables {
        for c in &t.chains {
            let (status, note, pay) = unit(ns, t, c, rule, expected, payloads);
            payload_ok &= pay;
            if status > worst {
                worst = status;
            }
            if !note.is_empty() && notes.len() < 2 {
                notes.push(format!("{}/{c}: {note}", t.family));
            }
        }
    }
    let mut note = notes.join(" | ");
    note.push_str(if payload_ok {
        " payload=match"
    } else {
        " payload=mismatch"
    });
    rows.push(Row::new("py-rule", id, worst.word(), note.trim()));
}

/// One (rule, table, chain): (listing status, note, payload matched).
fn unit(
    ns: &Netns,
    t: &Table,
    chain: &str,
    rule: &str,
    expected: Option<&str>,
    payloads: &Payloads,
) -> (Status, String, bool) {
    let table = format!("{} {}", t.family, t.name);
    let _ = ns.nft(&[&format!("flush table {table}")], None);
    let add = ns.nft(
        &[
            "--debug=netlink",
            &format!("add rule {table} {chain} {rule}"),
        ],
        None,
    );
    if add.rc != 0 {
        return (
            Status::Rejected,
            format!("err={}", first_line(&add.stderr)),
            false,
        );
    }
    let pay = payloads.check(&t.family, rule, &format!("{}{}", add.stdout, add.stderr));
    let list = ns.nft(&["-s", "-p", "list", "table", &t.family, &t.name], None);
    let got = extract(&list.stdout, chain).unwrap_or_default();
    let want = expected.unwrap_or(rule).trim_end();
    let matched = got.trim_end() == want || (rule.contains('{') && set_equal(got.trim_end(), want));
    if !matched {
        return (Status::Mismatch, format!("got={got}"), pay);
    }
    if expected.is_some() {
        let _ = ns.nft(&[&format!("flush table {table}")], None);
        let replay = ns.nft(&[&format!("add rule {table} {chain} {got}")], None);
        if replay.rc != 0 {
            return (
                Status::Mismatch,
                format!("replay-rejected={}", first_line(&replay.stderr)),
                pay,
            );
        }
    }
    (Status::Match, String::new(), pay)
}

/// The one rule line of `chain` in a listing, leading tabs removed and the
/// white space before every `}` deleted (upstream's output_clean()).
fn extract(listing: &str, chain: &str) -> Option<String> {
    let head = format!("chain {chain} {{");
    let mut lines = listing.lines().skip_while(|l| l.trim() != head);
    lines.next()?;
    let rule = lines
        .take_while(|l| l.trim() != "}")
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with("type "))?;
    let mut out = String::new();
    for piece in rule.trim_start_matches('\t').split('}') {
        if !out.is_empty() {
            out = out.trim_end().to_string();
            out.push('}');
        }
        out.push_str(piece);
    }
    Some(out)
}

/// set_check_element(): the first anonymous set's elements may come in any order.
fn set_equal(a: &str, b: &str) -> bool {
    let split = |s: &str| -> Option<(String, Vec<String>, String)> {
        let i = s.find('{')?;
        let j = s.find('}')?;
        if j < i {
            return None;
        }
        let mut elems: Vec<String> = s[i + 1..j].split(',').map(|e| e.replace(' ', "")).collect();
        elems.sort();
        Some((s[..i].to_string(), elems, s[j..].to_string()))
    };
    matches!((split(a), split(b)), (Some(x), Some(y)) if x == y)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(160).collect()
}

/// `.t.payload` and `.t.payload.<family>` blocks, looked up as FORMAT.md §1.6 says.
struct Payloads {
    generic: String,
    by_family: HashMap<String, String>,
}

impl Payloads {
    fn load(t: &Path) -> Payloads {
        let read = |suffix: &str| std::fs::read_to_string(format!("{}{suffix}", t.display())).ok();
        let mut by_family = HashMap::new();
        for fam in ["ip", "ip6", "inet", "arp", "bridge", "netdev"] {
            if let Some(text) = read(&format!(".payload.{fam}")) {
                by_family.insert(fam.to_string(), text);
            }
        }
        Payloads {
            generic: read(".payload").unwrap_or_default(),
            by_family,
        }
    }

    fn block<'a>(text: &'a str, rule: &str) -> Option<Vec<&'a str>> {
        let mut lines = text.lines();
        while let Some(l) = lines.next() {
            if l.starts_with('#') && l.get(2..).map(str::trim) == Some(rule.trim()) {
                return Some(lines.take_while(|l| !l.trim().is_empty()).collect());
            }
        }
        None
    }

    fn check(&self, family: &str, rule: &str, output: &str) -> bool {
        let block = self
            .by_family
            .get(family)
            .and_then(|t| Self::block(t, rule))
            .or_else(|| Self::block(&self.generic, rule));
        let Some(block) = block else { return false };
        let want: Vec<&str> = block
            .into_iter()
            .filter(|l| l.contains('[') && l.contains(']'))
            .collect();
        let got: Vec<&str> = output
            .lines()
            .filter(|l| l.contains('[') && l.contains(']'))
            .filter(|l| !(l.starts_with("family ") && l.contains(" [nf_tables]")))
            .collect();
        if got.len() < want.len() {
            return false;
        }
        want.iter().zip(got.iter()).all(|(w, g)| {
            if w == g {
                return true;
            }
            if w.contains("element")
                && w.contains("[end]")
                && g.contains("element")
                && g.contains("[end]")
            {
                let chunks = |s: &str| {
                    let mut v: Vec<String> =
                        s.split("[end]").map(|c| c.trim().to_string()).collect();
                    v.sort();
                    v
                };
                return chunks(w) == chunks(g);
            }
            false
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_like_upstream() {
        let listing = "table ip t {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tip saddr { 1.1.1.1, 2.2.2.2 } counter\n\t}\n}\n";
        assert_eq!(
            extract(listing, "input").unwrap(),
            "ip saddr { 1.1.1.1, 2.2.2.2} counter"
        );
    }

    #[test]
    fn set_order_tolerance() {
        assert!(set_equal("icmp code { 2, 4, 54}", "icmp code { 54, 2, 4}"));
        assert!(!set_equal("icmp code { 2, 4}", "icmp type { 2, 4}"));
    }

    #[test]
    fn builds_declarations() {
        let t = Table {
            family: "ip".into(),
            name: "t".into(),
            chains: vec![],
        };
        assert_eq!(
            set_cmd(&t, "set1 type ipv4_addr timeout 60s"),
            "add set ip t set1 { type ipv4_addr; timeout 60s; }"
        );
        assert_eq!(
            set_cmd(&t, "m type ipv4_addr : mark"),
            "add map ip t m { type ipv4_addr : mark; }"
        );
        assert_eq!(
            elem_cmd(&t, "set1 1.1.1.1,2.2.2.2"),
            "add element ip t set1 { 1.1.1.1, 2.2.2.2 }"
        );
        assert_eq!(
            obj_cmd(&t, "qt1 type quota 25 mbytes"),
            "add quota ip t qt1 25 mbytes"
        );
        assert_eq!(
            obj_cmd(&t, "cth type ct helper { type \"ftp\" protocol tcp; }"),
            "add ct helper ip t cth { type \"ftp\" protocol tcp; }"
        );
    }
}
