// SPDX-License-Identifier: Apache-2.0
//! Large load data kept out of the heap (not out of memory: the pages of a memory file are
//! charged to the run's memory cgroup like any other, only RSS leaves them out while they are
//! not mapped): anonymous memory files (memfd) written with `write`
//! and read back with `pread`, and read-only mappings of them whose pages are dropped from the
//! resident set once passed (the input text) or live only while the batch is sent.
//!
//! A mapped file is sealed first (no write, grow or shrink), so the bytes under a mapping can
//! never change or vanish while it is borrowed.

use std::fs::File;
use std::io::Write;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::fs::FileExt;

/// An anonymous file, written at its end.
pub struct Spill {
    file: File,
    len: u64,
}

impl Spill {
    /// A new, empty memory file (`None` where memfd_create is unavailable).
    pub fn new(name: &std::ffi::CStr) -> Option<Spill> {
        // SAFETY: memfd_create with a NUL-terminated name; the returned fd is ours alone.
        let fd = unsafe {
            libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING)
        };
        if fd < 0 {
            return None;
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        let file = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
        Some(Spill { file, len: 0 })
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// Append `bytes`.
    pub fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Fill `buf` from `offset`.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        self.file.read_exact_at(buf, offset)
    }

    /// Free the file's whole pages before byte `end` (they read as zeros afterwards).
    pub fn discard_before(&self, end: u64) {
        use std::os::fd::AsRawFd;
        let page = page_size() as u64;
        let hi = end.min(self.len) / page * page;
        if let (true, Ok(len)) = (hi > 0, libc::off_t::try_from(hi)) {
            // SAFETY: fallocate on our own fd; a failure only leaves the pages in place.
            unsafe {
                libc::fallocate(
                    self.file.as_raw_fd(),
                    libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE,
                    0,
                    len,
                );
            }
        }
    }

    /// Seal the file and map it read-only (the file back for an empty file or when the
    /// kernel refuses: [`Spill::into_bytes`] still has its bytes). With `populate`, every
    /// page is faulted in at once (for a buffer the kernel reads whole right away).
    pub fn map(self, populate: bool) -> Result<Mapped, Spill> {
        use std::os::fd::AsRawFd;
        let Some(len) = usize::try_from(self.len).ok().filter(|l| *l > 0) else {
            return Err(self);
        };
        let fd = self.file.as_raw_fd();
        let seals =
            libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE;
        // SAFETY: fcntl on our own fd.
        if unsafe { libc::fcntl(fd, libc::F_ADD_SEALS, seals) } != 0 {
            return Err(self);
        }
        let flags = libc::MAP_SHARED | if populate { libc::MAP_POPULATE } else { 0 };
        // SAFETY: a fresh read-only shared mapping of a sealed file of `len` bytes.
        let ptr = unsafe { libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, flags, fd, 0) };
        if ptr == libc::MAP_FAILED {
            return Err(self);
        }
        Ok(Mapped {
            _file: self.file,
            ptr: ptr.cast(),
            len,
        })
    }

    /// The whole file in memory.
    pub fn into_bytes(self) -> std::io::Result<Vec<u8>> {
        let len = usize::try_from(self.len).map_err(|_| std::io::ErrorKind::OutOfMemory)?;
        let mut v = vec![0u8; len];
        self.file.read_exact_at(&mut v, 0)?;
        Ok(v)
    }
}

/// A sealed memory file mapped read-only: its bytes stay the same for the mapping's life.
pub struct Mapped {
    _file: File,
    ptr: *const u8,
    len: usize,
}

impl Mapped {
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr..ptr+len` is a live read-only mapping of a file sealed against writes,
        // growing and shrinking, so it stays valid and unchanged until `drop`.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    /// Drop the pages wholly inside `range` from the resident set. Their contents stay in
    /// the file: touching them again reads them back.
    pub fn release(&self, range: std::ops::Range<usize>) {
        // SAFETY: `ptr`/`len` are our own shared mapping of the (sealed) file: dropping
        // its page table entries leaves the data in the file.
        unsafe { release_pages(self.ptr, self.len, page_size(), range) }
    }
}

/// Drop the whole pages inside `range` of the mapping at `ptr` (`len` bytes) from the
/// resident set with MADV_DONTNEED; touching them again faults them back in from the file.
///
/// # Safety
/// `ptr..ptr + len` must be a file mapping of this process made by mmap (page aligned), and
/// nothing may hold a `&mut` into it.
pub unsafe fn release_pages(
    ptr: *const u8,
    len: usize,
    page: usize,
    range: std::ops::Range<usize>,
) {
    let lo = range.start.div_ceil(page) * page;
    let hi = (range.end.min(len) / page) * page;
    if hi > lo {
        // SAFETY: the caller's mapping covers `lo..hi` (page multiples below `len`).
        unsafe {
            libc::madvise(
                ptr.add(lo) as *mut libc::c_void,
                hi - lo,
                libc::MADV_DONTNEED,
            );
        }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly the mapping made in `Spill::map`; no borrow outlives self.
        unsafe {
            libc::munmap(self.ptr as *mut libc::c_void, self.len);
        }
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(p).ok().filter(|p| *p > 0).unwrap_or(4096)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn mapped_bytes_survive_release() {
        let data = pattern(3 * page_size() + 100);
        let mut s = Spill::new(c"t").expect("memfd");
        s.append(&data[..1000]).expect("append");
        s.append(&data[1000..]).expect("append");
        let m = s.map(false).ok().expect("mapped");
        assert_eq!(m.bytes(), data);
        m.release(0..usize::MAX);
        assert_eq!(m.bytes(), data);
    }

    #[test]
    fn unmappable_or_empty_files_give_their_bytes_back() {
        let mut s = Spill::new(c"t").expect("memfd");
        s.append(b"add table ip t\n").expect("append");
        // No more seals allowed: map's F_ADD_SEALS fails, the bytes come back.
        // SAFETY: fcntl on the test's own memfd.
        unsafe { libc::fcntl(s.file.as_raw_fd(), libc::F_ADD_SEALS, libc::F_SEAL_SEAL) };
        let s = s.map(true).err().expect("refused");
        assert_eq!(s.into_bytes().expect("read"), b"add table ip t\n");
        let empty = Spill::new(c"t").expect("memfd");
        let empty = empty.map(false).err().expect("nothing to map");
        assert_eq!(empty.into_bytes().expect("read"), b"");
    }

    #[test]
    fn discard_frees_only_whole_pages_before_the_end() {
        let page = page_size();
        let data = pattern(3 * page);
        let mut s = Spill::new(c"t").expect("memfd");
        s.append(&data).expect("append");
        s.discard_before(2 * page as u64 + 10);
        let mut back = vec![1u8; 3 * page];
        s.read_at(&mut back, 0).expect("read");
        assert!(back[..2 * page].iter().all(|b| *b == 0));
        assert_eq!(back[2 * page..], data[2 * page..]);
    }
}
