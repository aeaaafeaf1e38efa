//! Reads that land in the caller's buffer.
//!
//! `read`, `pread` and the handles' `read` method return a `list<u8>`. The
//! canonical ABI places a returned list by calling back into the guest for
//! room: the core module's `cabi_import_realloc` export if it has one, else
//! `cabi_realloc`. Bindings generators allocate that room on the heap, so a
//! read would cost an allocation, a second copy into the caller's buffer
//! and a free.
//!
//! This module exports `cabi_import_realloc`, and its reads call the
//! imports directly (not through the generated bindings, which would take
//! the room for a `Vec` to own). Before each call they *arm* the caller's
//! buffer: the next request for room that fits in it gets the
//! buffer itself, so the host (or, composed, the wasm layer) writes the
//! bytes straight where the caller wants them. Every other request, and one
//! that does not fit, goes to `cabi_realloc` as it would without this
//! module, so other imports (WASI's, wasi-libc's) are not affected.
//!
//! Nothing else runs on the thread between arming and the import's return,
//! so the armed buffer can only be taken by that call.

/// The buffer the next import's returned list may be placed in.
#[cfg(target_arch = "wasm32")]
mod armed {
    use std::cell::Cell;
    use std::ptr;

    /// The armed buffer (`start` null: nothing armed), and whether the
    /// runtime was handed it.
    struct Landing {
        start: Cell<*mut u8>,
        room: Cell<usize>,
        landed: Cell<bool>,
    }

    thread_local! {
        /// Per thread, though a wasm32-wasip2 guest has just one.
        static LANDING: Landing = const {
            Landing {
                start: Cell::new(ptr::null_mut()),
                room: Cell::new(0),
                landed: Cell::new(false),
            }
        };
    }

    unsafe extern "C" {
        /// The module's general-purpose realloc (std's or wasi-libc's),
        /// which the ABI would use for imports without this module.
        fn cabi_realloc(old: *mut u8, old_len: usize, align: usize, new_len: usize) -> *mut u8;
    }

    /// The canonical ABI's realloc for the module's imports.
    ///
    /// # Safety
    ///
    /// Called by the component runtime only, with the canonical ABI's
    /// contract for `realloc`.
    #[unsafe(export_name = "cabi_import_realloc")]
    unsafe extern "C" fn cabi_import_realloc(
        old: *mut u8,
        old_len: usize,
        align: usize,
        new_len: usize,
    ) -> *mut u8 {
        let landing = LANDING.with(|l| {
            // Taken by the first request, whatever it is.
            let start = l.start.replace(ptr::null_mut());
            // Only a fresh byte list that fits: a list of anything else, or
            // a longer one from a faulty host, takes the ordinary road.
            let fits = !start.is_null() && old.is_null() && align == 1 && new_len <= l.room.get();
            if fits {
                l.landed.set(true);
            }
            fits.then_some(start)
        });
        if let Some(start) = landing {
            return start;
        }
        // SAFETY: the caller's arguments, handed on unchanged.
        unsafe { cabi_realloc(old, old_len, align, new_len) }
    }

    /// Runs `call` with `buf` armed, and disarms it however the call ends.
    /// Returns what `call` returned and whether the runtime was handed the
    /// buffer for a list (which then starts at `buf` and fits in it).
    pub(super) fn with_armed<R>(buf: &mut [u8], call: impl FnOnce() -> R) -> (R, bool) {
        struct Disarm;
        impl Drop for Disarm {
            fn drop(&mut self) {
                LANDING.with(|l| l.start.set(ptr::null_mut()));
            }
        }
        LANDING.with(|l| {
            l.start.set(buf.as_mut_ptr());
            l.room.set(buf.len());
            l.landed.set(false);
        });
        let disarm = Disarm;
        let r = call();
        drop(disarm);
        (r, LANDING.with(|l| l.landed.get()))
    }
}

#[cfg(target_arch = "wasm32")]
mod raw {
    use std::alloc::{Layout, dealloc};
    use std::ptr;

    use super::armed::with_armed;
    use crate::bindings::vfd::posix::handles::File;
    use crate::bindings::vfd::posix::types::Errno;
    use crate::io::copy_into;

    /// The return area of `result<list<u8>, errno>`: the case byte, then
    /// (at offset 4, the list's alignment) the list's address and length,
    /// or the errno.
    #[repr(C, align(4))]
    struct ReadResult([u8; 12]);

    #[link(wasm_import_module = "vfd:posix/descriptors@0.1.0")]
    unsafe extern "C" {
        #[link_name = "read"]
        fn import_read(fd: i32, len: i32, ret: *mut ReadResult);
        #[link_name = "pread"]
        fn import_pread(fd: i32, len: i32, offset: i64, ret: *mut ReadResult);
    }

    #[link(wasm_import_module = "vfd:posix/handles@0.1.0")]
    unsafe extern "C" {
        #[link_name = "[method]file.read"]
        fn import_file_read(file: i32, len: i32, ret: *mut ReadResult);
    }

    /// Runs a read import with `buf` armed and lifts its result.
    fn read_with(buf: &mut [u8], call: impl FnOnce(*mut ReadResult)) -> Result<usize, Errno> {
        let mut ret = ReadResult([0; 12]);
        let ((), landed) = with_armed(buf, || call(&mut ret));
        let b = &ret.0;
        let word =
            |at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
        if b[0] != 0 {
            // SAFETY: the component runtime wrote a valid errno case.
            return Err(unsafe { Errno::_lift(b[4]) });
        }
        let (ptr, len) = (ptr::with_exposed_provenance_mut::<u8>(word(4)), word(8));
        if landed {
            // The bytes are in `buf` already: the list was placed there.
            return Ok(len.min(buf.len()));
        }
        if len == 0 {
            // Nothing to copy, and `cabi_realloc` took no room for it.
            return Ok(0);
        }
        // SAFETY: the list did not fit, so `cabi_realloc` placed it: `len`
        // readable bytes, now ours, freed as the generated bindings would.
        unsafe {
            let n = copy_into(std::slice::from_raw_parts(ptr, len), buf);
            dealloc(ptr, Layout::from_size_align_unchecked(len, 1));
            Ok(n)
        }
    }

    pub(crate) fn read(fd: u32, buf: &mut [u8]) -> Result<usize, Errno> {
        let len = crate::io::clamp_len(buf.len());
        // SAFETY: the import's canonical ABI signature, and a return area
        // of its size and alignment.
        read_with(buf, |ret| unsafe {
            import_read(fd as i32, len as i32, ret)
        })
    }

    pub(crate) fn pread(fd: u32, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        let len = crate::io::clamp_len(buf.len());
        // SAFETY: as in `read`.
        read_with(buf, |ret| unsafe {
            import_pread(fd as i32, len as i32, offset as i64, ret)
        })
    }

    pub(crate) fn file_read(file: &File, buf: &mut [u8]) -> Result<usize, Errno> {
        let len = crate::io::clamp_len(buf.len());
        // SAFETY: as in `read`; `file` is borrowed for the call, as the
        // method's `borrow<file>` asks.
        read_with(buf, |ret| unsafe {
            import_file_read(file.handle() as i32, len as i32, ret)
        })
    }
}

#[cfg(target_arch = "wasm32")]
pub(crate) use raw::{file_read, pread, read};

/// Elsewhere (the host-target build used for lints and docs) there are no
/// component imports to call directly: the generated bindings stand in.
#[cfg(not(target_arch = "wasm32"))]
mod generated {
    use crate::bindings::vfd::posix::descriptors;
    use crate::bindings::vfd::posix::handles::File;
    use crate::bindings::vfd::posix::types::Errno;
    use crate::io::{clamp_len, copy_into};

    pub(crate) fn read(fd: u32, buf: &mut [u8]) -> Result<usize, Errno> {
        let data = descriptors::read(fd, clamp_len(buf.len()))?;
        Ok(copy_into(&data, buf))
    }

    pub(crate) fn pread(fd: u32, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        let data = descriptors::pread(fd, clamp_len(buf.len()), offset)?;
        Ok(copy_into(&data, buf))
    }

    pub(crate) fn file_read(file: &File, buf: &mut [u8]) -> Result<usize, Errno> {
        let data = file.read(clamp_len(buf.len()))?;
        Ok(copy_into(&data, buf))
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use generated::{file_read, pread, read};
