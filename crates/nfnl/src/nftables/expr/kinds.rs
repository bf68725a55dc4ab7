// SPDX-License-Identifier: Apache-2.0
//! The attributes of each kernel expression (NFTA_<KIND>_*). Every field is
//! optional: libnftnl prints (and the kernel checks) by presence.

use crate::nftables::consts::*;
use crate::nftables::data::Data;
use crate::nftables::value::Bytes;
use crate::nla_struct;

use super::Expr;

nla_struct! {
    /// `payload`: load from or write to a packet header.
    pub struct Payload {
        dreg: u32 = NFTA_PAYLOAD_DREG,
        base: u32 = NFTA_PAYLOAD_BASE,
        offset: u32 = NFTA_PAYLOAD_OFFSET,
        len: u32 = NFTA_PAYLOAD_LEN,
        sreg: u32 = NFTA_PAYLOAD_SREG,
        csum_type: u32 = NFTA_PAYLOAD_CSUM_TYPE,
        csum_offset: u32 = NFTA_PAYLOAD_CSUM_OFFSET,
        csum_flags: u32 = NFTA_PAYLOAD_CSUM_FLAGS,
    }
}

nla_struct! {
    /// `cmp`: compare a register with a constant.
    pub struct Cmp {
        sreg: u32 = NFTA_CMP_SREG,
        op: u32 = NFTA_CMP_OP,
        data: Data = NFTA_CMP_DATA,
    }
}

nla_struct! {
    /// `meta`: load (dreg) or set (sreg) packet metadata.
    pub struct Meta {
        dreg: u32 = NFTA_META_DREG,
        key: u32 = NFTA_META_KEY,
        sreg: u32 = NFTA_META_SREG,
    }
}

nla_struct! {
    /// `immediate`: a constant or a verdict into a register.
    pub struct Immediate {
        dreg: u32 = NFTA_IMMEDIATE_DREG,
        data: Data = NFTA_IMMEDIATE_DATA,
    }
}

nla_struct! {
    /// `lookup`: set membership, or map lookup into dreg.
    pub struct Lookup {
        set: String = NFTA_LOOKUP_SET,
        sreg: u32 = NFTA_LOOKUP_SREG,
        dreg: u32 = NFTA_LOOKUP_DREG,
        set_id: u32 = NFTA_LOOKUP_SET_ID,
        flags: u32 = NFTA_LOOKUP_FLAGS,
    }
}

nla_struct! {
    /// `bitwise`: mask/xor (op 0) or shifts.
    pub struct Bitwise {
        sreg: u32 = NFTA_BITWISE_SREG,
        dreg: u32 = NFTA_BITWISE_DREG,
        len: u32 = NFTA_BITWISE_LEN,
        mask: Data = NFTA_BITWISE_MASK,
        xor: Data = NFTA_BITWISE_XOR,
        op: u32 = NFTA_BITWISE_OP,
        data: Data = NFTA_BITWISE_DATA,
    }
}

nla_struct! {
    /// `byteorder`: hton/ntoh of a register.
    pub struct Byteorder {
        sreg: u32 = NFTA_BYTEORDER_SREG,
        dreg: u32 = NFTA_BYTEORDER_DREG,
        op: u32 = NFTA_BYTEORDER_OP,
        len: u32 = NFTA_BYTEORDER_LEN,
        size: u32 = NFTA_BYTEORDER_SIZE,
    }
}

nla_struct! {
    /// `ct`: load or set conntrack state.
    pub struct Ct {
        dreg: u32 = NFTA_CT_DREG,
        key: u32 = NFTA_CT_KEY,
        direction: u8 = NFTA_CT_DIRECTION,
        sreg: u32 = NFTA_CT_SREG,
    }
}

nla_struct! {
    /// `fib`: route lookup result.
    pub struct Fib {
        dreg: u32 = NFTA_FIB_DREG,
        result: u32 = NFTA_FIB_RESULT,
        flags: u32 = NFTA_FIB_FLAGS,
    }
}

nla_struct! {
    /// `numgen`: incremental or random numbers.
    pub struct Numgen {
        dreg: u32 = NFTA_NG_DREG,
        modulus: u32 = NFTA_NG_MODULUS,
        ng_type: u32 = NFTA_NG_TYPE,
        offset: u32 = NFTA_NG_OFFSET,
    }
}

nla_struct! {
    /// `hash`: jhash or symhash.
    pub struct Hash {
        sreg: u32 = NFTA_HASH_SREG,
        dreg: u32 = NFTA_HASH_DREG,
        len: u32 = NFTA_HASH_LEN,
        modulus: u32 = NFTA_HASH_MODULUS,
        seed: u32 = NFTA_HASH_SEED,
        offset: u32 = NFTA_HASH_OFFSET,
        hash_type: u32 = NFTA_HASH_TYPE,
    }
}

nla_struct! {
    /// `nat`: snat/dnat from registers.
    pub struct Nat {
        nat_type: u32 = NFTA_NAT_TYPE,
        family: u32 = NFTA_NAT_FAMILY,
        reg_addr_min: u32 = NFTA_NAT_REG_ADDR_MIN,
        reg_addr_max: u32 = NFTA_NAT_REG_ADDR_MAX,
        reg_proto_min: u32 = NFTA_NAT_REG_PROTO_MIN,
        reg_proto_max: u32 = NFTA_NAT_REG_PROTO_MAX,
        flags: u32 = NFTA_NAT_FLAGS,
    }
}

nla_struct! {
    /// `masq`: masquerade.
    pub struct Masq {
        flags: u32 = NFTA_MASQ_FLAGS,
        reg_proto_min: u32 = NFTA_MASQ_REG_PROTO_MIN,
        reg_proto_max: u32 = NFTA_MASQ_REG_PROTO_MAX,
    }
}

nla_struct! {
    /// `redir`: redirect to the local machine.
    pub struct Redir {
        reg_proto_min: u32 = NFTA_REDIR_REG_PROTO_MIN,
        reg_proto_max: u32 = NFTA_REDIR_REG_PROTO_MAX,
        flags: u32 = NFTA_REDIR_FLAGS,
    }
}

nla_struct! {
    /// `reject`: ICMP unreachable or TCP reset.
    pub struct Reject {
        reject_type: u32 = NFTA_REJECT_TYPE,
        icmp_code: u8 = NFTA_REJECT_ICMP_CODE,
    }
}

nla_struct! {
    /// `counter`: packets and bytes.
    pub struct Counter {
        bytes: u64 = NFTA_COUNTER_BYTES,
        packets: u64 = NFTA_COUNTER_PACKETS,
    }
}

nla_struct! {
    /// `dynset`: add/update/delete set elements from the packet path.
    pub struct Dynset {
        set_name: String = NFTA_DYNSET_SET_NAME,
        set_id: u32 = NFTA_DYNSET_SET_ID,
        op: u32 = NFTA_DYNSET_OP,
        sreg_key: u32 = NFTA_DYNSET_SREG_KEY,
        sreg_data: u32 = NFTA_DYNSET_SREG_DATA,
        /// Milliseconds.
        timeout: u64 = NFTA_DYNSET_TIMEOUT,
        expr: Box<Expr> = NFTA_DYNSET_EXPR,
        flags: u32 = NFTA_DYNSET_FLAGS,
        exprs: Vec<Expr> = NFTA_DYNSET_EXPRESSIONS,
    }
}

nla_struct! {
    /// `range`: from <= reg <= to (or not).
    pub struct Range {
        sreg: u32 = NFTA_RANGE_SREG,
        op: u32 = NFTA_RANGE_OP,
        from: Data = NFTA_RANGE_FROM_DATA,
        to: Data = NFTA_RANGE_TO_DATA,
    }
}

nla_struct! {
    /// `objref`: a named stateful object, directly or through a map.
    pub struct Objref {
        imm_type: u32 = NFTA_OBJREF_IMM_TYPE,
        imm_name: String = NFTA_OBJREF_IMM_NAME,
        set_sreg: u32 = NFTA_OBJREF_SET_SREG,
        set_name: String = NFTA_OBJREF_SET_NAME,
        set_id: u32 = NFTA_OBJREF_SET_ID,
    }
}

nla_struct! {
    /// `limit`: token bucket.
    pub struct Limit {
        rate: u64 = NFTA_LIMIT_RATE,
        /// Seconds.
        unit: u64 = NFTA_LIMIT_UNIT,
        burst: u32 = NFTA_LIMIT_BURST,
        limit_type: u32 = NFTA_LIMIT_TYPE,
        flags: u32 = NFTA_LIMIT_FLAGS,
    }
}

nla_struct! {
    /// `log`: syslog or nflog.
    pub struct Log {
        group: u16 = NFTA_LOG_GROUP,
        prefix: String = NFTA_LOG_PREFIX,
        snaplen: u32 = NFTA_LOG_SNAPLEN,
        qthreshold: u16 = NFTA_LOG_QTHRESHOLD,
        level: u32 = NFTA_LOG_LEVEL,
        flags: u32 = NFTA_LOG_FLAGS,
    }
}

nla_struct! {
    /// `quota`: byte quota.
    pub struct Quota {
        bytes: u64 = NFTA_QUOTA_BYTES,
        flags: u32 = NFTA_QUOTA_FLAGS,
        consumed: u64 = NFTA_QUOTA_CONSUMED,
    }
}

nla_struct! {
    /// `exthdr`: IPv6 extension headers, TCP/IP options.
    pub struct Exthdr {
        dreg: u32 = NFTA_EXTHDR_DREG,
        exthdr_type: u8 = NFTA_EXTHDR_TYPE,
        offset: u32 = NFTA_EXTHDR_OFFSET,
        len: u32 = NFTA_EXTHDR_LEN,
        flags: u32 = NFTA_EXTHDR_FLAGS,
        op: u32 = NFTA_EXTHDR_OP,
        sreg: u32 = NFTA_EXTHDR_SREG,
    }
}

nla_struct! {
    /// `rt`: routing information.
    pub struct Rt {
        dreg: u32 = NFTA_RT_DREG,
        key: u32 = NFTA_RT_KEY,
    }
}

nla_struct! {
    /// `queue`: hand the packet to userspace.
    pub struct Queue {
        num: u16 = NFTA_QUEUE_NUM,
        total: u16 = NFTA_QUEUE_TOTAL,
        flags: u16 = NFTA_QUEUE_FLAGS,
        sreg_qnum: u32 = NFTA_QUEUE_SREG_QNUM,
    }
}

/// Userdata blobs (`NFTA_*_USERDATA`) are raw bytes in nftables' TLV format.
pub type Userdata = Bytes;
