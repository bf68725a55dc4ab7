// SPDX-License-Identifier: Apache-2.0
//! How one attribute value is written and read ([`AttrValue`]), and the
//! [`nla_struct!`] macro that turns a list of `field: Type = NFTA_*` lines into a
//! struct with optional fields, an `emit` and a `parse` that keeps unknown
//! attributes. Netfilter integers are big-endian on the wire.

use crate::attr::{Attr, Writer};
use crate::error::Error;

/// A value that fits in one attribute.
pub trait AttrValue: Sized {
    fn put(&self, w: &mut Writer, kind: u16);
    fn get(a: &Attr<'_>) -> Result<Self, Error>;
}

impl AttrValue for u8 {
    fn put(&self, w: &mut Writer, kind: u16) {
        w.put_u8(kind, *self)
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        a.u8()
    }
}

impl AttrValue for u16 {
    fn put(&self, w: &mut Writer, kind: u16) {
        w.put_be16(kind, *self)
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        a.be16()
    }
}

impl AttrValue for u32 {
    fn put(&self, w: &mut Writer, kind: u16) {
        w.put_be32(kind, *self)
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        a.be32()
    }
}

impl AttrValue for i32 {
    fn put(&self, w: &mut Writer, kind: u16) {
        w.put_be32(kind, *self as u32)
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        a.be32().map(|v| v as i32)
    }
}

impl AttrValue for u64 {
    fn put(&self, w: &mut Writer, kind: u16) {
        w.put_be64(kind, *self)
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        a.be64()
    }
}

impl AttrValue for String {
    fn put(&self, w: &mut Writer, kind: u16) {
        w.put_str(kind, self)
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        a.str().map(str::to_string)
    }
}

/// Raw bytes (userdata, NFTA_DATA_VALUE contents).
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub struct Bytes(pub Vec<u8>);

impl AttrValue for Bytes {
    fn put(&self, w: &mut Writer, kind: u16) {
        w.put(kind, &self.0)
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        Ok(Bytes(a.value.to_vec()))
    }
}

/// An attribute nfnl does not know, kept so decoding never loses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherAttr {
    pub kind: u16,
    pub nested: bool,
    pub value: Vec<u8>,
}

impl OtherAttr {
    pub fn from_attr(a: &Attr<'_>) -> Self {
        OtherAttr {
            kind: a.kind,
            nested: a.nested,
            value: a.value.to_vec(),
        }
    }

    pub fn emit(&self, w: &mut Writer) {
        if self.nested {
            let n = w.nest_start(self.kind);
            w.put_raw(&self.value);
            w.nest_end(n);
        } else {
            w.put(self.kind, &self.value);
        }
    }
}

/// Prefix a decode error with what was being decoded (`.context(..)`).
pub fn context(what: &str, e: Error) -> Error {
    match e {
        Error::Malformed(m) => Error::Malformed(format!("failed to parse {what}: {m}")),
        other => other,
    }
}

/// Declare a struct of optional attributes with `emit` and `parse_attrs`.
///
/// Each field is `name: Type = NFTA_CONSTANT`; `Type` implements
/// [`AttrValue`]. The struct also gets `other: Vec<OtherAttr>` for attributes
/// it does not know.
#[macro_export]
macro_rules! nla_struct {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty = $kind:expr),* $(,)? }) => {
        $crate::nla_struct!(@impl $(#[$m])* [] $name { $($(#[$fm])* $field : $ty = $kind),* });
    };
    ($(#[$m:meta])* pub struct $name:ident { family; $($(#[$fm:meta])* $field:ident : $ty:ty = $kind:expr),* $(,)? }) => {
        $crate::nla_struct!(@impl $(#[$m])* [
            /// Address family (nfgenmsg.nfgen_family): NFPROTO_IPV4 = 2, …
            pub family: u8,
        ] $name { $($(#[$fm])* $field : $ty = $kind),* });
        impl $name {
            /// Append a whole message (header, attributes) to a batch.
            pub fn emit_msg(
                &self,
                w: &mut $crate::attr::Writer,
                msg: u8,
                flags: u16,
                seq: u32,
            ) -> $crate::msg::MsgStart {
                let m = w.msg_start(
                    $crate::msg::nfnl_type($crate::msg::NFNL_SUBSYS_NFTABLES, msg),
                    flags,
                    seq,
                    self.family,
                    0,
                );
                self.emit(w);
                w.msg_end(m);
                m
            }

            /// Decode a received message of this kind.
            pub fn parse(msg: &$crate::msg::Msg<'_>) -> Result<Self, $crate::error::Error> {
                let mut s = Self::parse_attrs(msg.attrs())?;
                s.family = msg.family();
                Ok(s)
            }
        }
    };
    (@impl $(#[$m:meta])* [$($extra:tt)*] $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty = $kind:expr),* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct $name {
            $($extra)*
            $($(#[$fm])* pub $field: Option<$ty>,)*
            /// Attributes this version does not decode, kept as they came.
            pub other: Vec<$crate::nftables::value::OtherAttr>,
        }

        impl $name {
            /// Write every present attribute, in declaration order.
            pub fn emit(&self, w: &mut $crate::attr::Writer) {
                $(if let Some(v) = &self.$field {
                    $crate::nftables::value::AttrValue::put(v, w, $kind);
                })*
                for o in &self.other {
                    o.emit(w);
                }
            }

            /// Decode an attribute stream; unknown attributes go to `other`.
            pub fn parse_attrs(
                attrs: $crate::attr::AttrIter<'_>,
            ) -> Result<Self, $crate::error::Error> {
                let mut s = Self::default();
                for a in attrs {
                    let a = a.map_err(|e| $crate::nftables::value::context(stringify!($name), e))?;
                    match a.kind {
                        $(k if k == $kind => {
                            s.$field = Some(
                                <$ty as $crate::nftables::value::AttrValue>::get(&a).map_err(|e| {
                                    $crate::nftables::value::context(
                                        concat!(stringify!($name), ".", stringify!($field)),
                                        e,
                                    )
                                })?,
                            );
                        })*
                        _ => s.other.push($crate::nftables::value::OtherAttr::from_attr(&a)),
                    }
                }
                Ok(s)
            }
        }

        impl $crate::nftables::value::AttrValue for $name {
            fn put(&self, w: &mut $crate::attr::Writer, kind: u16) {
                let n = w.nest_start(kind);
                self.emit(w);
                w.nest_end(n);
            }
            fn get(a: &$crate::attr::Attr<'_>) -> Result<Self, $crate::error::Error> {
                Self::parse_attrs(a.nested())
            }
        }
    };
}

/// A nested attribute kept as raw bytes (object data whose layout depends on
/// another attribute).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawNest(pub Vec<u8>);

impl AttrValue for RawNest {
    fn put(&self, w: &mut Writer, kind: u16) {
        let n = w.nest_start(kind);
        w.put_raw(&self.0);
        w.nest_end(n);
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        Ok(RawNest(a.value.to_vec()))
    }
}

/// A list of NUL-terminated names, each in its own `item` attribute
/// (NFTA_HOOK_DEVS holds NFTA_DEVICE_NAME = 1 entries).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Names(pub Vec<String>);

impl AttrValue for Names {
    fn put(&self, w: &mut Writer, kind: u16) {
        let n = w.nest_start(kind);
        for s in &self.0 {
            w.put_str(1, s);
        }
        w.nest_end(n);
    }
    fn get(a: &Attr<'_>) -> Result<Self, Error> {
        let mut out = Vec::new();
        for x in a.nested() {
            out.push(x?.str()?.to_string());
        }
        Ok(Names(out))
    }
}
