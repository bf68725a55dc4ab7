// SPDX-License-Identifier: Apache-2.0
//! Delinearisation (netlink_delinearize.c): kernel expressions → statements, dependencies removed.
