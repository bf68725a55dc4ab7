// SPDX-License-Identifier: Apache-2.0
//! Batches are bound to the ruleset generation their cache was read at (NFNL_BATCH_GENID, as
//! nftables does): the batch shaping relies on that view (flushes dropped for chains that did
//! not exist, anonymous-set names chosen), so a batch computed against a ruleset another
//! writer has changed since must run nothing, and nft evaluates it again.

#[path = "fixtures/in/harness.rs"]
mod harness;

use harness::*;
use nfnl::msg::{nfnl_type, NFNL_MSG_BATCH_END, NFNL_SUBSYS_NFTABLES, NLM_F_ACK, NLM_F_CREATE};
use nfnl::nftables::consts::{NFTA_TABLE_NAME, NFT_MSG_NEWTABLE};
use nfnl::{Socket, Writer};

/// BATCH_BEGIN(genid) + NEWTABLE ip `name` + BATCH_END; the kernel's errors.
fn add_table_at(sock: &mut Socket, genid: u32, name: &str) -> Vec<nfnl::KernelError> {
    let begin = sock.next_seq();
    let mut w = Writer::new();
    w.batch_begin_at(begin, genid);
    let seq = sock.next_seq();
    let m = w.msg_start(
        nfnl_type(NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWTABLE),
        NLM_F_ACK | NLM_F_CREATE,
        seq,
        libc::AF_INET as u8,
        0,
    );
    w.put_str(NFTA_TABLE_NAME, name);
    w.msg_end(m);
    let end = sock.next_seq();
    w.batch_marker(NFNL_MSG_BATCH_END, end);
    sock.batch(w.as_bytes(), |_| {}).expect("batch sent")
}

#[test]
fn a_batch_for_an_old_generation_runs_nothing() {
    in_netns(|| {
        let mut sock = Socket::open().expect("netlink");
        let gen = sock.nft_gen().expect("generation");
        // At the current generation the batch runs.
        assert!(add_table_at(&mut sock, gen, "first").is_empty());
        // `gen` is now stale: the kernel refuses the whole batch with ERESTART.
        let errs = add_table_at(&mut sock, gen, "second");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].errno, libc::ERESTART);
        let listed = ours(&["list", "tables"], None).stdout;
        assert_eq!(listed, "table ip first\n");
    });
}

#[test]
fn our_batches_carry_the_generation_and_still_commit() {
    in_netns(|| {
        // Every load below is bound to the generation read just before it; each one
        // changes the generation the next one reads.
        for i in 0..3 {
            let tx = format!("add table ip t{i}\nadd chain ip t{i} c\nflush chain ip t{i} c\n");
            let tx: &'static str = Box::leak(tx.into_boxed_str());
            let r = ours(&["-f", "-"], Some(tx));
            assert_eq!((r.code, r.stderr.as_str()), (0, ""), "load {i}");
        }
        let listed = ours(&["list", "tables"], None).stdout;
        assert_eq!(listed, "table ip t0\ntable ip t1\ntable ip t2\n");
    });
}
