// SPDX-License-Identifier: Apache-2.0
//! A regular input file read where it is: a read-only shared mapping of the file itself, so
//! its bytes are the page cache's (the file's), not a copy of ours.
//!
//! A mapping of a file that is truncated under it faults (SIGBUS) on the pages past the new
//! end. Every live mapping is registered here, and a SIGBUS handler installed with the first
//! one puts zero pages (starting with a comment mark, [`CUT_FILL`]) over the rest of a
//! registered mapping that faults (the read that faulted then reads them) and marks the
//! mapping as cut; a fault
//! anywhere else gets the default action back (dies as it would without the handler).
//! [`FileMap::unchanged`] reports a cut, and any change of the file's size or modification
//! time since it was mapped, so the caller can refuse to use what it read.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Once;

/// How many mappings can be guarded at once (a run maps one input).
const SLOTS: usize = 8;

/// A guarded address range: `[start, end)` (start 0: free), and whether it was cut.
struct Slot {
    start: AtomicUsize,
    end: AtomicUsize,
    cut: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)]
const FREE: Slot = Slot {
    start: AtomicUsize::new(0),
    end: AtomicUsize::new(0),
    cut: AtomicBool::new(false),
};
static GUARDED: [Slot; SLOTS] = [FREE; SLOTS];
/// The zero pages that replace a cut file's tail begin with `#` four times: a character the
/// cut split (at most three bytes short) is completed by at most three of them, and the
/// lexer reads the rest as one comment running to the end (zeros are not a newline), so a
/// pass over a cut text makes no token of it.
const CUT_FILL: u8 = b'#';
const CUT_MARK: usize = 4;
static PAGE: AtomicUsize = AtomicUsize::new(4096);
static INSTALL: Once = Once::new();
static INSTALLED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigbus(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for an SA_SIGINFO handler.
    let addr = unsafe { (*info).si_addr() } as usize;
    let page = PAGE.load(Ordering::Relaxed);
    for s in &GUARDED {
        let (start, end) = (
            s.start.load(Ordering::Acquire),
            s.end.load(Ordering::Acquire),
        );
        if start != 0 && (start..end).contains(&addr) {
            let lo = addr / page * page;
            // SAFETY: replaces pages of our own registered read-only mapping (from the
            // faulting page to its end) with anonymous zero pages; mmap is a plain system
            // call, safe in a signal handler.
            let p = unsafe {
                libc::mmap(
                    lo as *mut libc::c_void,
                    end - lo,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if p != libc::MAP_FAILED {
                // SAFETY: the first bytes of the fresh writable zero pages (at least a page),
                // then the whole range made read-only again.
                unsafe {
                    std::ptr::write_bytes(p.cast::<u8>(), CUT_FILL, CUT_MARK);
                    libc::mprotect(p, end - lo, libc::PROT_READ);
                }
                s.cut.store(true, Ordering::Release);
                return;
            }
        }
    }
    // Not ours (or the zero pages could not be mapped): the default action, as if no
    // handler were installed, when the faulting access runs again.
    // SAFETY: signal() with SIG_DFL is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGBUS, libc::SIG_DFL);
    }
}

fn install() -> bool {
    INSTALL.call_once(|| {
        // SAFETY: sysconf has no preconditions.
        let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        PAGE.store(
            usize::try_from(p).ok().filter(|p| *p > 0).unwrap_or(4096),
            Ordering::Relaxed,
        );
        // SAFETY: a zeroed sigaction with our SA_SIGINFO handler and an empty mask.
        let ok = unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_sigbus as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut()) == 0
        };
        INSTALLED.store(ok, Ordering::Release);
    });
    INSTALLED.load(Ordering::Acquire)
}

/// What identifies the file's contents as mapped: size and modification time.
#[derive(PartialEq, Eq, Clone, Copy, Debug)]
struct Stamp {
    size: i64,
    mtime: (i64, i64),
}

// The conversions are no-ops on 64-bit targets; on 32-bit arm st_mtime_nsec is an i32.
#[allow(clippy::useless_conversion)]
fn stamp(file: &File) -> Option<Stamp> {
    // SAFETY: fstat on an open fd into a zeroed stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(file.as_raw_fd(), &mut st) } != 0 {
        return None;
    }
    Some(Stamp {
        size: st.st_size,
        mtime: (i64::from(st.st_mtime), i64::from(st.st_mtime_nsec)),
    })
}

/// A regular file mapped read-only where it is.
pub struct FileMap {
    file: File,
    ptr: *const u8,
    len: usize,
    slot: usize,
    stamp: Stamp,
}

impl FileMap {
    /// Map `file` when it is a regular, non-empty file and the guard is in place; the file
    /// back otherwise (to be read some other way).
    pub fn new(file: File) -> Result<FileMap, File> {
        // SAFETY: fstat on an open fd into a zeroed stat.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(file.as_raw_fd(), &mut st) } != 0
            || st.st_mode & libc::S_IFMT != libc::S_IFREG
        {
            return Err(file);
        }
        let (Some(stamp), Some(len)) = (
            stamp(&file),
            usize::try_from(st.st_size).ok().filter(|l| *l > 0),
        ) else {
            return Err(file);
        };
        if !install() {
            return Err(file);
        }
        // SAFETY: a fresh read-only shared mapping of `len` bytes of an open file.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(file);
        }
        let page = PAGE.load(Ordering::Relaxed);
        let (start, end) = (ptr as usize, ptr as usize + len.div_ceil(page) * page);
        let slot = GUARDED.iter().position(|s| {
            s.start
                .compare_exchange(0, usize::MAX, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        });
        let Some(slot) = slot else {
            // SAFETY: the mapping just made, never borrowed.
            unsafe { libc::munmap(ptr, len) };
            return Err(file);
        };
        let s = &GUARDED[slot];
        s.cut.store(false, Ordering::Release);
        s.end.store(end, Ordering::Release);
        s.start.store(start, Ordering::Release);
        Ok(FileMap {
            file,
            ptr: ptr.cast(),
            len,
            slot,
            stamp,
        })
    }

    /// The mapped bytes. A file cut under the mapping reads as zeros from the cut on.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr..ptr+len` stays mapped readable until `drop` (pages past a cut are
        // replaced by zero pages by the SIGBUS guard instead of faulting).
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    /// Whether the bytes are still the file's as mapped: not cut under the mapping, and the
    /// same size and modification time.
    pub fn unchanged(&self) -> bool {
        !GUARDED[self.slot].cut.load(Ordering::Acquire) && stamp(&self.file) == Some(self.stamp)
    }

    /// Drop the pages wholly inside `range` from the resident set (the page cache keeps them).
    pub fn release(&self, range: std::ops::Range<usize>) {
        // SAFETY: `ptr`/`len` are our own read-only mapping; dropping page table entries of
        // pages the parser has passed only makes a later touch read them again.
        unsafe {
            crate::spill::release_pages(self.ptr, self.len, PAGE.load(Ordering::Relaxed), range)
        }
    }

    /// Read the whole file from its start (for a text that is not UTF-8).
    pub fn into_file(self) -> File {
        let me = std::mem::ManuallyDrop::new(self);
        me.unmap();
        // SAFETY: `me` is never used or dropped again; its file is moved out once.
        unsafe { std::ptr::read(&me.file) }
    }

    fn unmap(&self) {
        GUARDED[self.slot].start.store(0, Ordering::Release);
        // SAFETY: unmapping exactly the mapping made in `new` (or the zero pages that replaced
        // its tail); no borrow of it outlives self.
        unsafe {
            libc::munmap(self.ptr as *mut libc::c_void, self.len);
        }
    }
}

impl Drop for FileMap {
    fn drop(&mut self) {
        self.unmap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp(name: &str, data: &[u8]) -> (std::path::PathBuf, File) {
        let path = std::env::temp_dir().join(format!("kroot-fm-{}-{name}", std::process::id()));
        let mut f = File::create(&path).expect("create");
        f.write_all(data).expect("write");
        let f = File::open(&path).expect("open");
        (path, f)
    }

    #[test]
    fn truncated_under_the_mapping_reads_zeros_and_is_reported() {
        let page = 4096;
        let data: Vec<u8> = (0..5 * page).map(|i| b'a' + (i % 26) as u8).collect();
        let (path, f) = temp("cut", &data);
        let Ok(m) = FileMap::new(f) else {
            panic!("not mapped")
        };
        assert_eq!(m.bytes(), data);
        assert!(m.unchanged());
        m.release(0..usize::MAX);
        // Cut to a page and a half: the pages past the end would fault.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|w| w.set_len(page as u64 + 100))
            .expect("truncate");
        let b = m.bytes();
        assert_eq!(b.len(), data.len());
        assert_eq!(b[..page], data[..page]);
        assert_eq!(b[2 * page..2 * page + 4], *b"####");
        assert!(b[2 * page + 4..].iter().all(|c| *c == 0));
        assert!(!m.unchanged());
        drop(m);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn rewritten_file_is_reported_and_others_are_not_mapped() {
        let (path, f) = temp("rw", b"add table ip t\n");
        let Ok(m) = FileMap::new(f) else {
            panic!("not mapped")
        };
        assert!(m.unchanged());
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut w| w.write_all(b"add table ip u\n"))
            .expect("append");
        assert!(!m.unchanged());
        drop(m);
        let (empty, f) = temp("empty", b"");
        assert!(FileMap::new(f).is_err(), "an empty file is not mapped");
        let dir = File::open(std::env::temp_dir()).expect("open dir");
        assert!(FileMap::new(dir).is_err(), "a directory is not mapped");
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(&empty);
    }
}
