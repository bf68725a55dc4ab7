// SPDX-License-Identifier: Apache-2.0
//! Printers (rule.c print paths, json.c): text listing and JSON output.
