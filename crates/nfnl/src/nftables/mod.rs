// SPDX-License-Identifier: Apache-2.0
//! nf_tables (NFNL_SUBSYS_NFTABLES): typed tables, chains, rules, expressions,
//! sets, elements, objects and the generation id; emit and parse both ways;
//! kernel expressions print as libnftnl's debug text.
