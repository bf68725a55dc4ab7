// SPDX-License-Identifier: Apache-2.0
//! Command line (nftables' main.c): getopt_long-compatible options, then run the input or command.
