// SPDX-License-Identifier: Apache-2.0
//! The command/object/statement/expression tree shared by every stage (rule.c, statement.c, expression.c).
