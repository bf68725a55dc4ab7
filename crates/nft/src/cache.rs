// SPDX-License-Identifier: Apache-2.0
//! Kernel state fetched for a command (cache.c): tables, chains, sets, rules, as few dumps as needed.
