// SPDX-License-Identifier: Apache-2.0
//! Error records and their printer (erec.c): `file:line:col: Error: …`, source line, carets.
