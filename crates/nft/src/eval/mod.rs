// SPDX-License-Identifier: Apache-2.0
//! Evaluation (evaluate.c): datatypes, protocol context and dependencies, type checks.
