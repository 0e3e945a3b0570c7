//! cwl-guest: the SDK of ChainWeave zkVM guests written in Rust (spec/guests.md).
//!
//! Built for `wasm32-unknown-unknown` it is `no_std`: input, output and exit go through the host
//! imports of module `zkvm` (spec/wasm.md), a panic exits with code 101, and `alloc` is served by a
//! bump allocator that grows linear memory and never frees (a guest is one short run). Built for the
//! host the same calls go to stdin, stdout and `std::process::exit`, so one source runs natively as
//! the reference for the VM run.
//!
//! A guest names its entry with `cwl_guest::entry!(run)`: on wasm32 that is the export `_start`,
//! which the zkVM frontend runs; on the host it is `main`.
#![cfg_attr(target_arch = "wasm32", no_std)]
// rustc before 1.68 has no default handler for a failed allocation in a no_std program; the build
// passes `--cfg cwl_oom_handler` to such a compiler (tooling/guest), which then needs this feature.
#![cfg_attr(all(target_arch = "wasm32", cwl_oom_handler), feature(alloc_error_handler))]

extern crate alloc;
use alloc::vec::Vec;

#[cfg(target_arch = "wasm32")]
mod zkvm {
    #[link(wasm_import_module = "zkvm")]
    extern "C" {
        pub fn input_len() -> i32;
        pub fn read_input(ptr: *mut u8, len: i32);
        pub fn write_output(ptr: *const u8, len: i32);
        pub fn exit(code: i32) -> !;
    }
}

/// Precompiles: accelerated host functions of the zkVM. Declared here so guests can name them; the
/// VM does not provide them yet, and an import that is not provided makes the build fail (E0691),
/// so the examples use the software versions in their own source. Unused imports are not linked.
#[cfg(target_arch = "wasm32")]
pub mod precompile {
    #[link(wasm_import_module = "zkvm")]
    extern "C" {
        /// One SHA-256 compression: `state` (8 big-endian-valued u32 words) updated with the
        /// 64-byte `block`.
        pub fn sha256_compress(state: *mut u32, block: *const u8);
        /// The Keccak-f[1600] permutation of the 25 lanes at `state`.
        pub fn keccak_f(state: *mut u64);
        /// ECDSA over secp256k1: 1 when the 64-byte signature (r ‖ s) of the 32-byte message hash
        /// verifies under the 33- or 65-byte SEC1 public key of length `pk_len`, else 0.
        pub fn secp256k1_verify(hash: *const u8, sig: *const u8, pk: *const u8, pk_len: i32) -> i32;
    }
}

/// Bytes of input not read yet.
pub fn input_len() -> usize {
    #[cfg(target_arch = "wasm32")]
    return unsafe { zkvm::input_len() } as usize;
    #[cfg(not(target_arch = "wasm32"))]
    return host::left();
}

/// Fills `buf` with the next input bytes; when fewer are left the guest panics (exit code 101), in
/// the VM as natively.
pub fn read_input(buf: &mut [u8]) {
    if buf.len() > input_len() {
        panic!("read_input: fewer than {} bytes left", buf.len());
    }
    #[cfg(target_arch = "wasm32")]
    unsafe {
        zkvm::read_input(buf.as_mut_ptr(), buf.len() as i32)
    }
    #[cfg(not(target_arch = "wasm32"))]
    host::read(buf)
}

/// The rest of the input.
pub fn read_all() -> Vec<u8> {
    let mut v = alloc::vec![0u8; input_len()];
    read_input(&mut v);
    v
}

/// Appends `bytes` to the output.
pub fn write_output(bytes: &[u8]) {
    #[cfg(target_arch = "wasm32")]
    unsafe {
        zkvm::write_output(bytes.as_ptr(), bytes.len() as i32)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::io::Write;
        let mut o = std::io::stdout();
        o.write_all(bytes).unwrap();
        o.flush().unwrap();
    }
}

/// Halts with `code` (0 is success).
pub fn exit(code: i32) -> ! {
    #[cfg(target_arch = "wasm32")]
    unsafe {
        zkvm::exit(code)
    }
    #[cfg(not(target_arch = "wasm32"))]
    std::process::exit(code)
}

/// Writes `v` in decimal.
pub fn write_u64(v: u64) {
    let mut b = [0u8; 20];
    let mut i = b.len();
    let mut x = v;
    loop {
        i -= 1;
        b[i] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    write_output(&b[i..]);
}

/// Writes `bytes` as lower-case hex.
pub fn write_hex(bytes: &[u8]) {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut v = Vec::with_capacity(bytes.len() * 2);
    for &x in bytes {
        v.push(D[(x >> 4) as usize]);
        v.push(D[(x & 15) as usize]);
    }
    write_output(&v);
}

/// The guest's entry: `_start` on wasm32 (then exit code 0), `main` on the host.
#[macro_export]
macro_rules! entry {
    ($f:path) => {
        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub extern "C" fn _start() {
            $f();
            $crate::exit(0)
        }
        #[cfg(not(target_arch = "wasm32"))]
        fn main() {
            $f()
        }
    };
}

#[cfg(not(target_arch = "wasm32"))]
mod host {
    use std::io::Read;
    use std::sync::Mutex;
    /// stdin, read whole at the first use, and how much of it the guest has read
    static STATE: Mutex<Option<(Vec<u8>, usize)>> = Mutex::new(None);
    fn with<R>(f: impl FnOnce(&mut (Vec<u8>, usize)) -> R) -> R {
        let mut g = STATE.lock().unwrap();
        let s = g.get_or_insert_with(|| {
            let mut v = Vec::new();
            std::io::stdin().read_to_end(&mut v).unwrap();
            (v, 0)
        });
        f(s)
    }
    pub fn left() -> usize {
        with(|s| s.0.len() - s.1)
    }
    pub fn read(buf: &mut [u8]) {
        let ok = with(|s| {
            if s.0.len() - s.1 < buf.len() {
                return false;
            }
            buf.copy_from_slice(&s.0[s.1..s.1 + buf.len()]);
            s.1 += buf.len();
            true
        });
        assert!(ok, "read_input: fewer than {} bytes left", buf.len());
    }
}

#[cfg(target_arch = "wasm32")]
mod rt {
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    /// Hands out memory upwards from the end of linear memory as it was at the first allocation,
    /// growing the memory when a request passes its end; `dealloc` does nothing.
    struct Bump {
        next: UnsafeCell<usize>,
        end: UnsafeCell<usize>,
    }
    // One thread: a guest has no others.
    unsafe impl Sync for Bump {}

    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            let (next, end) = (&mut *self.next.get(), &mut *self.end.get());
            if *end == 0 {
                *end = core::arch::wasm32::memory_size(0) * 65536;
                *next = *end;
            }
            let start = (*next + l.align() - 1) & !(l.align() - 1);
            let stop = match start.checked_add(l.size()) {
                Some(s) => s,
                None => return core::ptr::null_mut(),
            };
            if stop > *end {
                let pages = (stop - *end + 65535) / 65536;
                if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                    return core::ptr::null_mut();
                }
                *end += pages * 65536;
            }
            *next = stop;
            start as *mut u8
        }
        unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
    }

    #[global_allocator]
    static ALLOC: Bump = Bump { next: UnsafeCell::new(0), end: UnsafeCell::new(0) };

    /// A panic ends the run with exit code 101, as a panicking native Rust program does.
    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        crate::exit(101)
    }

    #[cfg(cwl_oom_handler)]
    #[alloc_error_handler]
    fn oom(_: Layout) -> ! {
        crate::exit(102)
    }
}
