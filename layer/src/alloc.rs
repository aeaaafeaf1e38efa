//! The layer's allocator: the system one, with large blocks page-aligned.
//!
//! A read's data is copied by the runtime from its own buffer into one
//! the layer allocates, and a large copy runs several times faster into
//! a page-aligned destination than into one a few bytes past a page
//! boundary, which is where the default allocator puts a large block.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks at least this large start on a page.
const PAGE_ALIGNED_MIN: usize = 64 * 1024;
/// The alignment they get.
const PAGE: usize = 4096;

pub struct PageAlignedLarge;

/// The layout the system allocator gets for `layout`: the same for a
/// block and its release, since both see the same `layout`.
fn adjusted(layout: Layout) -> Layout {
    if layout.size() >= PAGE_ALIGNED_MIN && layout.align() < PAGE {
        // A page is a power of two no larger than any sane size limit.
        Layout::from_size_align(layout.size(), PAGE).unwrap_or(layout)
    } else {
        layout
    }
}

// SAFETY: every call goes to the system allocator with a layout that
// depends on the caller's layout only, so each block is released with the
// layout it was allocated with.
unsafe impl GlobalAlloc for PageAlignedLarge {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(adjusted(layout)) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(adjusted(layout)) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, adjusted(layout)) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size`, rounded up to the
        // alignment, does not overflow.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if adjusted(layout) == layout && adjusted(new_layout) == new_layout {
            // Small before and after: the system allocator may grow in place.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        // SAFETY: as `GlobalAlloc::realloc`'s own default: a new block,
        // the bytes both blocks hold copied, the old block released.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
