// SPDX-License-Identifier: Apache-2.0
//! Issue 3, acceptance 3: packets through kube-proxy-style rules loaded by OUR nft.
//!
//! client netns ──veth── node netns (kpgen's rules, ip_forward) ──veth×3── endpoint netns ×3
//!
//! Each endpoint runs a tiny TCP server (a thread inside its namespace) answering its name and
//! the source address it saw. Checked: ≥30 connections to a ClusterIP reach all 3 endpoints;
//! a NodePort reaches an endpoint; the endpoint sees the node's address (masquerade), not the
//! client's; a service without endpoints is refused (not a timeout).

#[path = "fixtures/in/harness.rs"]
mod harness;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::process::Command;
use std::time::Duration;

use harness::{kpgen, ours};

/// Named namespaces, deleted when dropped (also when the test panics).
struct Netns {
    names: Vec<String>,
}

impl Netns {
    fn add(&mut self, name: &str) {
        sh(&["netns", "add", name]);
        self.names.push(name.to_string());
        sh(&["-n", name, "link", "set", "lo", "up"]);
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for n in &self.names {
            let _ = Command::new("ip").args(["netns", "del", n]).status();
        }
    }
}

fn sh(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("run ip");
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run `f` on a thread inside a named namespace.
fn in_ns<T: Send + 'static>(
    ns: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    let path = format!("/run/netns/{ns}");
    std::thread::spawn(move || {
        let file = std::fs::File::open(&path).expect("open netns");
        // SAFETY: setns on a valid namespace fd changes only this thread.
        let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(rc, 0, "setns {path}");
        f()
    })
}

/// What the test needs from kpgen's transaction.
struct Plan {
    cluster: SocketAddr,
    cluster_eps: Vec<Ipv4Addr>,
    nodeport: SocketAddr,
    nodeport_eps: Vec<Ipv4Addr>,
    no_endpoints: SocketAddr,
    ep_port: u16,
}

fn words(l: &str) -> Vec<&str> {
    l.split_whitespace().collect()
}

/// Endpoint addresses of a service chain: its numgen vmap targets' `dnat to A:P`.
fn endpoints(tx: &str, svc_chain: &str) -> (Vec<Ipv4Addr>, u16) {
    let prefix = format!("add rule ip kube-proxy {svc_chain} numgen");
    let line = tx
        .lines()
        .find(|l| l.starts_with(&prefix))
        .expect("numgen rule");
    let mut eps = Vec::new();
    let mut port = 0;
    for target in line.split("goto ").skip(1) {
        let chain = target.split_whitespace().next().unwrap_or("");
        let dnat = format!("add rule ip kube-proxy {chain} meta l4proto tcp dnat to ");
        let l = tx
            .lines()
            .find(|l| l.starts_with(&dnat))
            .expect("dnat rule");
        let (a, p) = l[dnat.len()..].split_once(':').expect("addr:port");
        eps.push(a.parse().expect("endpoint ip"));
        port = p.trim().parse().expect("port");
    }
    (eps, port)
}

fn plan(tx: &str) -> Plan {
    let node_ip: Ipv4Addr = tx
        .lines()
        .find(|l| l.starts_with("add element ip kube-proxy nodeport-ips {"))
        .map(|l| words(l)[6].parse().expect("node ip"))
        .expect("nodeport-ips element");
    // ClusterIP: the first TCP service with endpoints.
    let el = tx
        .lines()
        .find(|l| {
            l.starts_with("add element ip kube-proxy service-ips {")
                && l.contains(". tcp .")
                && l.contains("goto service-")
        })
        .expect("service-ips element");
    let w = words(el);
    let cluster = SocketAddr::new(
        w[6].parse().expect("cluster ip"),
        w[10].parse().expect("port"),
    );
    let (cluster_eps, ep_port) = endpoints(tx, w[13]);
    // NodePort: external chain → service chain.
    let el = tx
        .lines()
        .find(|l| {
            l.starts_with("add element ip kube-proxy service-nodeports {") && l.contains("tcp .")
        })
        .expect("service-nodeports element");
    let w = words(el);
    let np: u16 = w[8].parse().expect("nodeport");
    let ext = w[11];
    let goto = format!("add rule ip kube-proxy {ext} goto ");
    let svc = tx
        .lines()
        .find(|l| l.starts_with(&goto))
        .map(|l| l[goto.len()..].trim().to_string())
        .expect("external → service");
    let (nodeport_eps, _) = endpoints(tx, &svc);
    let el = tx
        .lines()
        .find(|l| l.starts_with("add element ip kube-proxy no-endpoint-services {"))
        .expect("no-endpoint service");
    let w = words(el);
    let no_endpoints = SocketAddr::new(w[6].parse().expect("ip"), w[10].parse().expect("port"));
    Plan {
        cluster,
        cluster_eps,
        nodeport: SocketAddr::new(node_ip.into(), np),
        nodeport_eps,
        no_endpoints,
        ep_port,
    }
}

/// A TCP server answering "NAME PEER\n" to every connection, forever (dies with the netns).
fn serve(ns: &str, name: String, port: u16) {
    let (tx, rx) = std::sync::mpsc::channel();
    in_ns(ns, move || {
        let l = TcpListener::bind(("0.0.0.0", port)).expect("bind");
        tx.send(()).ok();
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let peer = s
                .peer_addr()
                .map(|p| p.ip().to_string())
                .unwrap_or_default();
            let _ = s.write_all(format!("{name} {peer}\n").as_bytes());
        }
    });
    rx.recv_timeout(Duration::from_secs(5)).expect("server up");
}

/// Connect from the client namespace; `Ok(reply)` or the connect error kind.
fn connect(ns: &str, to: SocketAddr) -> Result<String, std::io::ErrorKind> {
    in_ns(ns, move || {
        let mut s =
            TcpStream::connect_timeout(&to, Duration::from_secs(3)).map_err(|e| e.kind())?;
        s.set_read_timeout(Some(Duration::from_secs(3))).ok();
        let mut r = String::new();
        s.read_to_string(&mut r).map_err(|e| e.kind())?;
        Ok(r.trim().to_string())
    })
    .join()
    .expect("client thread")
}

#[test]
fn kube_proxy_datapath() {
    let tx = kpgen(&["-n", "20", "-m", "3"]);
    let p = plan(&tx);
    assert_eq!(p.cluster_eps.len(), 3);
    assert_eq!(p.nodeport_eps.len(), 3);

    let tag = std::process::id();
    let client = format!("kpc{tag}");
    let node = format!("kpn{tag}");
    let eps: Vec<String> = (1..=3).map(|i| format!("kpe{i}-{tag}")).collect();
    let mut guard = Netns { names: Vec::new() };
    guard.add(&client);
    guard.add(&node);
    for e in &eps {
        guard.add(e);
    }
    let node_ip = match p.nodeport.ip() {
        std::net::IpAddr::V4(a) => a,
        _ => unreachable!("kpgen is IPv4"),
    };
    // client ↔ node
    sh(&[
        "link", "add", "kc", "netns", &client, "type", "veth", "peer", "name", "kn", "netns", &node,
    ]);
    sh(&["-n", &client, "addr", "add", "192.0.2.10/24", "dev", "kc"]);
    sh(&["-n", &client, "link", "set", "kc", "up"]);
    sh(&[
        "-n",
        &node,
        "addr",
        "add",
        &format!("{node_ip}/32"),
        "dev",
        "kn",
    ]);
    sh(&["-n", &node, "addr", "add", "192.0.2.1/24", "dev", "kn"]);
    sh(&["-n", &node, "link", "set", "kn", "up"]);
    sh(&[
        "-n",
        &client,
        "route",
        "add",
        "172.30.0.0/16",
        "via",
        "192.0.2.1",
    ]);
    // Like a real node, the node has a default route (so forwarding reaches the filter hooks).
    sh(&[
        "-n", &node, "link", "add", "up0", "type", "veth", "peer", "name", "up1",
    ]);
    sh(&["-n", &node, "link", "set", "up1", "up"]);
    sh(&["-n", &node, "link", "set", "up0", "up"]);
    sh(&["-n", &node, "route", "add", "default", "dev", "up0"]);
    sh(&[
        "-n",
        &client,
        "route",
        "add",
        &format!("{node_ip}/32"),
        "via",
        "192.0.2.1",
    ]);
    // node ↔ endpoint i: 10.200.i.0/24; endpoint i owns the i-th endpoint of both services.
    for (i, e) in eps.iter().enumerate() {
        let n = i + 1;
        let (nside, eside) = (format!("ke{n}"), "eth0".to_string());
        sh(&[
            "link", "add", &nside, "netns", &node, "type", "veth", "peer", "name", &eside, "netns",
            e,
        ]);
        sh(&[
            "-n",
            &node,
            "addr",
            "add",
            &format!("10.200.{n}.1/24"),
            "dev",
            &nside,
        ]);
        sh(&["-n", &node, "link", "set", &nside, "up"]);
        sh(&[
            "-n",
            e,
            "addr",
            "add",
            &format!("10.200.{n}.2/24"),
            "dev",
            &eside,
        ]);
        for a in [p.cluster_eps[i], p.nodeport_eps[i]] {
            sh(&["-n", e, "addr", "add", &format!("{a}/32"), "dev", &eside]);
            sh(&[
                "-n",
                &node,
                "route",
                "add",
                &format!("{a}/32"),
                "via",
                &format!("10.200.{n}.2"),
            ]);
        }
        sh(&["-n", e, "link", "set", &eside, "up"]);
        sh(&[
            "-n",
            e,
            "route",
            "add",
            "default",
            "via",
            &format!("10.200.{n}.1"),
        ]);
        serve(e, format!("ep{n}"), p.ep_port);
    }
    let fwd = Command::new("ip")
        .args([
            "netns",
            "exec",
            &node,
            "sysctl",
            "-qw",
            "net.ipv4.ip_forward=1",
        ])
        .status()
        .expect("sysctl");
    assert!(fwd.success());

    // The rules, loaded by our nft inside the node namespace.
    let txc = tx.clone();
    let load = in_ns(&node, move || ours(&["-f", "-"], Some(&txc)))
        .join()
        .expect("load");
    assert_eq!(
        (load.code, load.stderr.as_str()),
        (0, ""),
        "our nft must load kpgen's rules"
    );

    // ≥30 connections to the ClusterIP reach all three endpoints, masqueraded.
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..30 {
        let r = connect(&client, p.cluster).unwrap_or_else(|e| panic!("ClusterIP connect: {e:?}"));
        let (name, peer) = r.split_once(' ').expect("reply");
        let n: usize = name[2..].parse().expect("ep number");
        assert_eq!(
            peer,
            format!("10.200.{n}.1"),
            "the endpoint must see the node's address (masquerade), not the client's"
        );
        *seen.entry(name.to_string()).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 3, "all endpoints reached: {seen:?}");

    // A NodePort reaches an endpoint.
    let r = connect(&client, p.nodeport).unwrap_or_else(|e| panic!("NodePort connect: {e:?}"));
    assert!(r.starts_with("ep"), "{r}");

    // A service with no endpoints is rejected: refused, not a timeout.
    let started = std::time::Instant::now();
    assert_eq!(
        connect(&client, p.no_endpoints),
        Err(std::io::ErrorKind::ConnectionRefused)
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "rejected quickly"
    );
}
