// Primality of a declared modulus: the front end (a `field` declaration) and the IR verifier (a CWIR
// `field` item) both check it, with this one implementation.

/** Miller–Rabin with fixed bases: deterministic below 3.3·10^24, overwhelming beyond. */
const primeCache = new Map<bigint, boolean>();

export function isProbablePrime(n: bigint): boolean {
  let r = primeCache.get(n);
  if (r === undefined) {
    r = millerRabin(n);
    if (primeCache.size > 1000) primeCache.clear();
    primeCache.set(n, r);
  }
  return r;
}

function millerRabin(n: bigint): boolean {
  if (n < 2n) return false;
  const small = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n];
  for (const p of small) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  outer: for (const a of small) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

export function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n % m;
  b %= m;
  if (b < 0n) b += m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
