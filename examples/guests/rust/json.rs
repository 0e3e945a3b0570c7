// A small JSON parse: the input is one JSON value whose numbers are integers (up to 64 bits); the
// output is the value written back compactly, in the form JavaScript's JSON.stringify gives, then a
// newline and the sum of every number in it. Malformed input exits with code 1.
#![cfg_attr(target_arch = "wasm32", no_std, no_main)]
extern crate alloc;
use alloc::vec::Vec;
use cwl_guest as g;
g::entry!(run);

struct P<'a> {
    s: &'a [u8],
    i: usize,
    out: Vec<u8>,
    sum: i64,
}

type R = Result<(), ()>;

impl<'a> P<'a> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> R {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(())
        }
    }
    fn lit(&mut self, w: &[u8]) -> R {
        if self.s[self.i..].starts_with(w) {
            self.i += w.len();
            self.out.extend_from_slice(w);
            Ok(())
        } else {
            Err(())
        }
    }
    fn value(&mut self, depth: u32) -> R {
        if depth > 64 {
            return Err(());
        }
        self.ws();
        match self.peek().ok_or(())? {
            b'{' => self.seq(b'{', b'}', depth, true),
            b'[' => self.seq(b'[', b']', depth, false),
            b'"' => self.string(),
            b't' => self.lit(b"true"),
            b'f' => self.lit(b"false"),
            b'n' => self.lit(b"null"),
            _ => self.number(),
        }
    }
    fn seq(&mut self, open: u8, close: u8, depth: u32, obj: bool) -> R {
        self.eat(open)?;
        self.out.push(open);
        self.ws();
        if self.eat(close).is_ok() {
            self.out.push(close);
            return Ok(());
        }
        loop {
            if obj {
                self.ws();
                self.string()?;
                self.ws();
                self.eat(b':')?;
                self.out.push(b':');
            }
            self.value(depth + 1)?;
            self.ws();
            if self.eat(b',').is_ok() {
                self.out.push(b',');
                continue;
            }
            self.eat(close)?;
            self.out.push(close);
            return Ok(());
        }
    }
    fn number(&mut self) -> R {
        let neg = self.eat(b'-').is_ok();
        let start = self.i;
        let mut v: i64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            v = v.checked_mul(10).and_then(|v| v.checked_add((c - b'0') as i64)).ok_or(())?;
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0 || (digits > 1 && self.s[start] == b'0') || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return Err(());
        }
        if neg {
            v = -v;
        }
        self.sum = self.sum.wrapping_add(v);
        write_i64(&mut self.out, v);
        Ok(())
    }
    fn hex4(&mut self) -> Result<u32, ()> {
        let mut v = 0;
        for _ in 0..4 {
            let c = self.peek().ok_or(())?;
            self.i += 1;
            v = v * 16 + (c as char).to_digit(16).ok_or(())?;
        }
        Ok(v)
    }
    fn string(&mut self) -> R {
        self.eat(b'"')?;
        self.out.push(b'"');
        loop {
            let c = self.peek().ok_or(())?;
            self.i += 1;
            let ch: u32 = match c {
                b'"' => break,
                b'\\' => {
                    let e = self.peek().ok_or(())?;
                    self.i += 1;
                    match e {
                        b'"' | b'\\' | b'/' => e as u32,
                        b'b' => 8,
                        b'f' => 12,
                        b'n' => 10,
                        b'r' => 13,
                        b't' => 9,
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xd800..0xdc00).contains(&hi) && self.s[self.i..].starts_with(b"\\u") {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                } else {
                                    self.i = save;
                                    hi
                                }
                            } else {
                                hi
                            }
                        }
                        _ => return Err(()),
                    }
                }
                0..=0x1f => return Err(()),
                _ => {
                    // raw bytes (UTF-8 included) are copied as they are
                    self.out.push(c);
                    continue;
                }
            };
            escape(&mut self.out, ch);
        }
        self.out.push(b'"');
        Ok(())
    }
}

/// One code point as JSON.stringify writes it inside a string.
fn escape(out: &mut Vec<u8>, ch: u32) {
    const D: &[u8; 16] = b"0123456789abcdef";
    match ch {
        0x22 => out.extend_from_slice(b"\\\""),
        0x5c => out.extend_from_slice(b"\\\\"),
        8 => out.extend_from_slice(b"\\b"),
        12 => out.extend_from_slice(b"\\f"),
        10 => out.extend_from_slice(b"\\n"),
        13 => out.extend_from_slice(b"\\r"),
        9 => out.extend_from_slice(b"\\t"),
        // control characters and lone surrogates as \u escapes
        c if c < 0x20 || (0xd800..0xe000).contains(&c) => {
            out.extend_from_slice(b"\\u");
            for k in (0..4).rev() {
                out.push(D[((c >> (4 * k)) & 15) as usize]);
            }
        }
        c => {
            let mut b = [0u8; 4];
            out.extend_from_slice(char::from_u32(c).unwrap().encode_utf8(&mut b).as_bytes());
        }
    }
}

fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    let mut x = v.unsigned_abs();
    let mut b = [0u8; 20];
    let mut i = b.len();
    loop {
        i -= 1;
        b[i] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    out.extend_from_slice(&b[i..]);
}

fn run() {
    let s = g::read_all();
    let mut p = P { s: &s, i: 0, out: Vec::new(), sum: 0 };
    let ok = p.value(0).is_ok() && {
        p.ws();
        p.i == s.len()
    };
    if !ok {
        g::exit(1);
    }
    p.out.push(b'\n');
    write_i64(&mut p.out, p.sum);
    g::write_output(&p.out);
}
