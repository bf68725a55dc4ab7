// SPDX-License-Identifier: Apache-2.0
//! Is this file a static executable for the machine we meant? Read from the
//! ELF header and the program/section headers ourselves (no `file`, no readelf):
//! class, byte order, type EXEC, machine, ARM EABI version and float ABI, and
//! no PT_INTERP, no PT_DYNAMIC, no SHT_DYNAMIC (nothing for a loader to do).

/// What one arch's kroot must be.
pub struct Want {
    /// As `file` would put it, for messages.
    pub label: &'static str,
    /// EI_CLASS: 1 = 32-bit, 2 = 64-bit.
    pub class: u8,
    /// e_machine: 62 x86-64, 183 aarch64, 40 ARM.
    pub machine: u16,
    /// ARM only: EABI version 5 with the hard-float flag (armhf).
    pub eabi5_hard_float: bool,
}

pub const AMD64: Want = Want {
    label: "ELF 64-bit LSB executable, x86-64",
    class: 2,
    machine: 62,
    eabi5_hard_float: false,
};
pub const ARM64: Want = Want {
    label: "ELF 64-bit LSB executable, ARM aarch64",
    class: 2,
    machine: 183,
    eabi5_hard_float: false,
};
pub const ARM: Want = Want {
    label: "ELF 32-bit LSB executable, ARM, EABI5, hard-float",
    class: 1,
    machine: 40,
    eabi5_hard_float: true,
};

const ET_EXEC: u16 = 2;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const SHT_DYNAMIC: u32 = 6;
const EF_ARM_EABIMASK: u32 = 0xff00_0000;
const EF_ARM_EABI_VER5: u32 = 0x0500_0000;
const EF_ARM_ABI_FLOAT_HARD: u32 = 0x400;

/// Ok when `bytes` is a static executable as `want` describes; else what is wrong.
pub fn check(bytes: &[u8], want: &Want) -> Result<(), String> {
    let f = Reader { bytes };
    if bytes.get(..4) != Some(b"\x7fELF") {
        return Err("not an ELF file (bad magic)".into());
    }
    let class = f.u8(4)?;
    if class != want.class {
        return Err(format!(
            "ELF class {class} ({}-bit), want {}-bit",
            if class == 1 { 32 } else { 64 },
            if want.class == 1 { 32 } else { 64 }
        ));
    }
    if f.u8(5)? != 1 {
        return Err("not little-endian (EI_DATA is not ELFDATA2LSB)".into());
    }
    let wide = class == 2;
    let e_type = f.u16(16)?;
    if e_type != ET_EXEC {
        return Err(format!(
            "e_type {e_type}, want ET_EXEC (2){}",
            if e_type == 3 {
                ": this is PIE or a shared object"
            } else {
                ""
            }
        ));
    }
    let machine = f.u16(18)?;
    if machine != want.machine {
        return Err(format!("e_machine {machine}, want {}", want.machine));
    }
    let flags = f.u32(if wide { 48 } else { 36 })?;
    if want.eabi5_hard_float {
        if flags & EF_ARM_EABIMASK != EF_ARM_EABI_VER5 {
            return Err(format!("e_flags {flags:#x}: not ARM EABI version 5"));
        }
        if flags & EF_ARM_ABI_FLOAT_HARD == 0 {
            return Err(format!("e_flags {flags:#x}: not the hard-float ABI"));
        }
    }
    let (phoff, phentsize, phnum) = if wide {
        (f.u64(32)?, f.u16(54)?, f.u16(56)?)
    } else {
        (u64::from(f.u32(28)?), f.u16(42)?, f.u16(44)?)
    };
    if phnum == 0 {
        return Err("no program headers".into());
    }
    for i in 0..u64::from(phnum) {
        let at = offset(phoff, i, phentsize)?;
        f.span(at, phentsize)?;
        match f.u32(at)? {
            PT_INTERP => return Err("has PT_INTERP: dynamically linked".into()),
            PT_DYNAMIC => return Err("has PT_DYNAMIC: dynamically linked or static-pie".into()),
            _ => {}
        }
    }
    let (shoff, shentsize, shnum) = if wide {
        (f.u64(40)?, f.u16(58)?, f.u16(60)?)
    } else {
        (u64::from(f.u32(32)?), f.u16(46)?, f.u16(48)?)
    };
    for i in 0..u64::from(shnum) {
        let at = offset(shoff, i, shentsize)?;
        f.span(at, shentsize)?;
        if f.u32(at + 4)? == SHT_DYNAMIC {
            return Err("has a .dynamic section".into());
        }
    }
    Ok(())
}

fn offset(base: u64, index: u64, size: u16) -> Result<usize, String> {
    index
        .checked_mul(u64::from(size))
        .and_then(|o| o.checked_add(base))
        .and_then(|o| usize::try_from(o).ok())
        .ok_or_else(|| "header table offset overflows".to_string())
}

/// Little-endian reads that fail instead of panicking on a short file.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&self, at: usize) -> Result<[u8; N], String> {
        at.checked_add(N)
            .and_then(|end| self.bytes.get(at..end))
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| format!("truncated ELF (needed {N} bytes at offset {at})"))
    }
    /// The `len` bytes at `at` must all be in the file.
    fn span(&self, at: usize, len: u16) -> Result<(), String> {
        at.checked_add(usize::from(len))
            .filter(|end| *end <= self.bytes.len())
            .map(|_| ())
            .ok_or_else(|| format!("truncated ELF (header table entry at offset {at})"))
    }
    fn u8(&self, at: usize) -> Result<u8, String> {
        Ok(self.take::<1>(at)?[0])
    }
    fn u16(&self, at: usize) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.take(at)?))
    }
    fn u32(&self, at: usize) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(at)?))
    }
    fn u64(&self, at: usize) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(at)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal 64-bit ELF: header + one program header of type `pt`.
    fn elf64(e_type: u16, machine: u16, pt: u32) -> Vec<u8> {
        let mut b = vec![0u8; 64 + 56];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = 2; // 64-bit
        b[5] = 1; // little-endian
        b[6] = 1; // EV_CURRENT
        b[16..18].copy_from_slice(&e_type.to_le_bytes());
        b[18..20].copy_from_slice(&machine.to_le_bytes());
        b[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        b[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
        b[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
        b[64..68].copy_from_slice(&pt.to_le_bytes());
        b
    }

    /// A minimal 32-bit ARM ELF with the given e_flags.
    fn elf32_arm(flags: u32) -> Vec<u8> {
        let mut b = vec![0u8; 52 + 32];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = 1;
        b[5] = 1;
        b[16..18].copy_from_slice(&ET_EXEC.to_le_bytes());
        b[18..20].copy_from_slice(&40u16.to_le_bytes());
        b[28..32].copy_from_slice(&52u32.to_le_bytes()); // e_phoff
        b[36..40].copy_from_slice(&flags.to_le_bytes());
        b[42..44].copy_from_slice(&32u16.to_le_bytes());
        b[44..46].copy_from_slice(&1u16.to_le_bytes());
        b[52..56].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
        b
    }

    #[test]
    fn accepts_static_executables() {
        assert_eq!(check(&elf64(ET_EXEC, 62, 1), &AMD64), Ok(()));
        assert_eq!(check(&elf64(ET_EXEC, 183, 1), &ARM64), Ok(()));
        assert_eq!(check(&elf32_arm(0x0500_0400), &ARM), Ok(()));
    }

    #[test]
    fn rejects_what_is_not_static_or_not_ours() {
        let interp = check(&elf64(ET_EXEC, 62, PT_INTERP), &AMD64);
        assert!(interp.is_err_and(|e| e.contains("PT_INTERP")));
        let pie = check(&elf64(3, 62, PT_DYNAMIC), &AMD64);
        assert!(pie.is_err_and(|e| e.contains("ET_EXEC")));
        let dynamic = check(&elf64(ET_EXEC, 62, PT_DYNAMIC), &AMD64);
        assert!(dynamic.is_err_and(|e| e.contains("PT_DYNAMIC")));
        let machine = check(&elf64(ET_EXEC, 62, 1), &ARM64);
        assert!(machine.is_err_and(|e| e.contains("e_machine 62")));
        let soft = check(&elf32_arm(0x0500_0200), &ARM);
        assert!(soft.is_err_and(|e| e.contains("hard-float")));
        let eabi4 = check(&elf32_arm(0x0400_0400), &ARM);
        assert!(eabi4.is_err_and(|e| e.contains("EABI version 5")));
        let class = check(&elf32_arm(0x0500_0400), &AMD64);
        assert!(class.is_err_and(|e| e.contains("32-bit")));
    }

    #[test]
    fn rejects_this_dynamically_linked_test_binary() {
        let exe = std::env::current_exe().expect("current_exe");
        let bytes = std::fs::read(exe).expect("read own executable");
        assert!(check(&bytes, &AMD64).is_err());
    }

    #[test]
    fn truncated_or_garbage_input_is_an_error_not_a_panic() {
        let full = elf64(ET_EXEC, 62, 1);
        for len in 0..full.len() {
            assert!(check(&full[..len], &AMD64).is_err(), "length {len}");
        }
        let mut huge = full.clone();
        huge[32..40].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(check(&huge, &AMD64).is_err());
        assert!(check(b"#!/bin/sh\n", &AMD64).is_err());
    }
}
