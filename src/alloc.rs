//! The global allocator of the `kmsc` binary and of its benchmark: mimalloc, called the
//! way the standard library calls the system allocator.
//!
//! The `mimalloc` crate hands every request to `mi_malloc_aligned`, even those whose
//! alignment any block already has. When the free list of the right size class is empty
//! (or its first block happens not to be aligned), that path falls back to over-allocating
//! from a larger size class, several times slower than a plain `mi_malloc`. kmsc makes
//! millions of small allocations (syntax trees, values), so requests that ask for no more
//! than mimalloc's natural alignment (16 bytes, and never more than their own size) go to
//! `mi_malloc`/`mi_zalloc`/`mi_realloc`; only the rare over-aligned ones take the aligned
//! entry points.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// mimalloc aligns every block of at least this size to this many bytes (`MI_MAX_ALIGN_SIZE`).
const NATURAL_ALIGN: usize = 16;

/// See the module documentation.
pub struct Allocator;

/// Whether `mi_malloc(size)` already returns memory aligned to `align`: blocks smaller than
/// 16 bytes are aligned to their (rounded) size, which is at least `align` when
/// `align <= size`.
#[inline]
fn natural(align: usize, size: usize) -> bool {
    align <= NATURAL_ALIGN && align <= size
}

// SAFETY: each method forwards to the mimalloc function with the same contract; the plain
// entry points are used only when their guaranteed alignment satisfies the layout.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if natural(layout.align(), layout.size()) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if natural(layout.align(), layout.size()) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator; mimalloc frees aligned blocks alike.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl; the new block keeps the layout's alignment.
        unsafe {
            if natural(layout.align(), new_size) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(p: *mut u8, size: usize) {
        for i in 0..size {
            // SAFETY: `p` holds at least `size` bytes.
            unsafe { *p.add(i) = (i % 251) as u8 };
        }
    }

    fn holds_pattern(p: *const u8, size: usize) -> bool {
        // SAFETY: `p` holds at least `size` initialised bytes.
        (0..size).all(|i| unsafe { *p.add(i) } == (i % 251) as u8)
    }

    /// Every size and alignment gets memory of that alignment, which keeps its bytes when
    /// it grows or shrinks, and zeroed memory is zero.
    #[test]
    fn blocks_have_the_alignment_asked_for_and_keep_their_bytes() {
        let a = Allocator;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1usize, 3, 7, 8, 12, 15, 16, 24, 40, 100, 1000, 70_000] {
                for new in [size / 2 + 1, size * 3] {
                    let layout = Layout::from_size_align(size, align).unwrap();
                    // SAFETY: layouts have a non-zero size; each block is freed once, with
                    // the layout it has at that time.
                    unsafe {
                        let p = a.alloc(layout);
                        assert!(!p.is_null());
                        assert_eq!(p as usize % align, 0, "size {size} align {align}");
                        fill(p, size);
                        let q = a.realloc(p, layout, new);
                        assert_eq!(q as usize % align, 0, "realloc {size} -> {new}, align {align}");
                        assert!(holds_pattern(q, size.min(new)));
                        a.dealloc(q, Layout::from_size_align(new, align).unwrap());
                        let z = a.alloc_zeroed(layout);
                        assert_eq!(z as usize % align, 0);
                        assert!((0..size).all(|i| *z.add(i) == 0));
                        a.dealloc(z, layout);
                    }
                }
            }
        }
    }
}
