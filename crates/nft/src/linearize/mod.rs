// SPDX-License-Identifier: Apache-2.0
//! Linearisation (netlink_linearize.c): statements and expressions → kernel expressions in registers.
