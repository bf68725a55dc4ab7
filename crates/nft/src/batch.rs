// SPDX-License-Identifier: Apache-2.0
//! Batch building and sending (mnl.c, cmd.c): one transaction, kernel errors mapped back to source spans.
