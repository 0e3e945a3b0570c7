// Fibonacci loop: the input is n as 4 little-endian bytes; the output is F(n) mod 2^64 in decimal.
#![cfg_attr(target_arch = "wasm32", no_std, no_main)]
use cwl_guest as g;
g::entry!(run);

fn run() {
    let mut n = [0u8; 4];
    g::read_input(&mut n);
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..u32::from_le_bytes(n) {
        let c = a.wrapping_add(b);
        a = b;
        b = c;
    }
    g::write_u64(a);
}
