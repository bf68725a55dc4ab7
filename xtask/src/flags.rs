// SPDX-License-Identifier: Apache-2.0
//! xtask's command line (argh).

use std::path::PathBuf;

use argh::FromArgs;

#[derive(FromArgs)]
/// kroot's build, test and benchmark tasks.
pub struct Xtask {
    #[argh(subcommand)]
    pub task: Task,
}

#[derive(FromArgs)]
#[argh(subcommand)]
pub enum Task {
    Dist(Dist),
    Test(Test),
    Golden(Golden),
    Conformance(Conformance),
    Bench(Bench),
    RawDump(RawDump),
}

#[derive(FromArgs)]
#[argh(subcommand, name = "dist")]
/// build static kroot for each arch and pack k3s-root-style tarballs into dist/
pub struct Dist {
    /// comma-separated arches: amd64,arm64,arm (default: all three)
    #[argh(option, default = "String::from(\"amd64,arm64,arm\")")]
    pub arch: String,
    /// output directory (default: dist/)
    #[argh(option)]
    pub out: Option<PathBuf>,
    /// also write .tar.gz files
    #[argh(switch)]
    pub gzip: bool,
}

#[derive(FromArgs)]
#[argh(subcommand, name = "test")]
/// run every test: the workspace's tests, the tarball checks, golden and conformance samples
pub struct Test {
    /// run the full golden and conformance suites, not the CI sample
    #[argh(switch)]
    pub full: bool,
}

#[derive(FromArgs)]
#[argh(subcommand, name = "golden")]
/// replay ../shared/golden cases (ip or conntrack) against our applets
pub struct Golden {
    /// which suite: ip or conntrack
    #[argh(positional)]
    pub kind: String,
    /// only the cases whose kind/NNN-name matches this regex (as the harness's ONLY)
    #[argh(option)]
    pub only: Option<String>,
    /// check the pass count against the committed ratchet and fail below it
    #[argh(switch)]
    pub ratchet: bool,
}

#[derive(FromArgs)]
#[argh(subcommand, name = "conformance")]
/// run the nftables 1.1.4 conformance corpus against our nft
pub struct Conformance {
    /// run every vector, not the CI sample
    #[argh(switch)]
    pub full: bool,
    /// check the pass count against the committed ratchet and fail below it
    #[argh(switch)]
    pub ratchet: bool,
}

#[derive(FromArgs)]
#[argh(subcommand, name = "bench")]
/// side-by-side benchmarks of our applets and the reference tools
pub struct Bench {
    /// runs per measurement (at least 5)
    #[argh(option, default = "5")]
    pub runs: u32,
    /// only the rows whose name contains one of these comma-separated texts
    #[argh(option)]
    pub only: Option<String>,
}

#[derive(FromArgs)]
#[argh(subcommand, name = "rawdump")]
/// the kernel floor of a table listing: dump its chains, rules, sets and every
/// set's elements without decoding (run by `bench` inside its namespaces)
pub struct RawDump {
    /// nftables family: ip, ip6, inet, arp, bridge, netdev
    #[argh(positional)]
    pub family: String,
    /// table name
    #[argh(positional)]
    pub table: String,
}
