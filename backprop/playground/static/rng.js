// NumPy's random generator in the page: numpy.random.default_rng(seed) is SeedSequence +
// PCG64, ported here, so that the same seed gives the same initial weights in the page as
// backprop.Network does in NumPy (tests/test_playground_browser.py checks them).
const MASK128 = (1n << 128n) - 1n;
const MASK64 = (1n << 64n) - 1n;
const PCG_MULT = (2549297995355413924n << 64n) | 4865540595714422341n;

// numpy.random.SeedSequence(seed).generate_state(nWords) as 32-bit words.
function seedSequenceWords(seed, nWords) {
  const words = [];
  let s = BigInt(seed);
  if (s === 0n) words.push(0);
  while (s > 0n) { words.push(Number(s & 0xffffffffn)); s >>= 32n; }
  let hashConst = 0x43b0d7e5;
  const hashmix = (value) => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, 0x931e8875) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x, y) => {
    const r = (Math.imul(0xca01f9dd, x) - Math.imul(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = [0, 1, 2, 3].map((i) => hashmix(i < words.length ? words[i] : 0));
  for (let src = 0; src < 4; src++) {
    for (let dst = 0; dst < 4; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  }
  for (let src = 4; src < words.length; src++) {
    for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst], hashmix(words[src]));
  }
  let hashB = 0x8b51f9dd;
  const out = [];
  for (let i = 0; i < nWords; i++) {
    let v = (pool[i % 4] ^ hashB) >>> 0;
    hashB = Math.imul(hashB, 0x58f38ded) >>> 0;
    v = Math.imul(v, hashB) >>> 0;
    out.push((v ^ (v >>> 16)) >>> 0);
  }
  return out;
}

/** numpy.random.default_rng(seed): PCG64 seeded through SeedSequence (uniform and normal). */
export class Generator {
  constructor(seed) {
    if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a whole number >= 0; got ${seed}`);
    const w = seedSequenceWords(seed, 8).map(BigInt);
    const u64 = (i) => w[2 * i] | (w[2 * i + 1] << 32n);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.state = 0n;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
    this.spare = null;
  }

  step() { this.state = (this.state * PCG_MULT + this.inc) & MASK128; }

  /** The next 64-bit output (XSL-RR), as a BigInt. */
  next64() {
    this.step();
    const hi = this.state >> 64n;
    const x = (hi ^ this.state) & MASK64;
    const rot = hi >> 58n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & MASK64;
  }

  /** A double in [0, 1): NumPy's (next64 >> 11) * 2^-53. */
  random() { return Number(this.next64() >> 11n) * (1 / 9007199254740992); }

  /** rng.uniform(low, high): low + (high - low) * random(). */
  uniform(low, high) { return low + (high - low) * this.random(); }

  /** A standard normal by Box-Muller (NumPy uses a ziggurat: same law, other draws). */
  normal() {
    if (this.spare !== null) { const z = this.spare; this.spare = null; return z; }
    const u = 1 - this.random(), v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  integer(n) { return Math.floor(this.random() * n); }

  permutation(n) {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = this.integer(i + 1); [p[i], p[j]] = [p[j], p[i]]; }
    return p;
  }
}
