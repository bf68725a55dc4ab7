// SPDX-License-Identifier: Apache-2.0
//! ctnetlink (NFNL_SUBSYS_CTNETLINK): conntrack entries, tuples, dumps, deletes,
//! events and statistics.
