// Seeded generators of malformed Pulumi property values for fuzz.js.
'use strict';
const rpcConst = require('@pulumi/pulumi/runtime/rpc.js');
const { Struct, Value, ListValue } = require('google-protobuf/google/protobuf/struct_pb.js');

const SIG = rpcConst.specialSigKey;
const SIGS = [rpcConst.specialSecretSig, rpcConst.specialAssetSig, rpcConst.specialArchiveSig,
  rpcConst.specialResourceSig, rpcConst.specialOutputValueSig];

/** A value given as a ready protobuf Value: what JSON cannot say (NaN, non-string signatures, 10,000 levels). */
class Malformed { constructor(value) { this.value = value; } }

const num = (n) => { const v = new Value(); v.setNumberValue(n); return v; };
const str = (s) => { const v = new Value(); v.setStringValue(s); return v; };
const obj = (fields) => { const s = new Struct(); for (const [k, x] of fields) s.getFieldsMap().set(k, x); const v = new Value(); v.setStructValue(s); return v; };
const list = (items) => { const l = new ListValue(); l.setValuesList(items); const v = new Value(); v.setListValue(l); return v; };

/**
 * Nesting built top-down, without recursion: objects, lists or both alternating. (google-protobuf copies a child's
 * array into its parent when it is set, so bottom-up building is quadratic; an empty child costs nothing.)
 */
function deep(depth, kind) {
  const root = new Value();
  let at = root;
  for (let i = 0; i < depth; i++) {
    const child = new Value();
    if (kind === 'list' || (kind === 'mixed' && i % 2 === 1)) {
      const l = new ListValue(); at.setListValue(l); l.addValues(child);
    } else {
      const s = new Struct(); at.setStructValue(s); s.getFieldsMap().set('k', child);
    }
    at = child;
  }
  at.setStringValue('bottom');
  return new Malformed(root);
}

// mulberry32: small, fast, and the same sequence for the same seed on every machine.
function mulberry32(a) {
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeRandom(seed) {
  const next = mulberry32(seed);
  const r = {
    next,
    /** An independent stream for request i, so one request can be replayed alone. */
    fork: (i) => makeRandom((Math.imul(seed, 2654435761) ^ Math.imul(i + 1, 40503)) >>> 0),
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    hugeString: () => r.pick(['urn:pulumi:', 'id-', '\u00e9\u4e2d', '%']).repeat(1 + r.int(40000)),
    number: () => r.pick([NaN, Infinity, -Infinity, 1e308, -1e308, -5, -0, 0, 0.5, 2 ** 53 + 2, 2 ** 31, -(2 ** 31) - 1, 3600, 3601, 1]),
    string: () => r.pick(['', 'not a url', 'mqtt://127.0.0.1:1', 'ftp://127.0.0.1:1', 'http://[::1', 'http://127.0.0.1:1/x?y#z',
      'kafka://127.0.0.1:1', 'nodered', 'flink', 'orbit', 'a/#', '+/x', '\u0000\u0001', '\ud83d\ude00', rpcConst.unknownValue,
      '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7', 'true', '5', '1e308', 'NaN', r.hugeString()]),
    /** One malformed or odd value of any kind. */
    value: () => {
      switch (r.int(12)) {
        case 0: return r.number();
        case 1: return r.string();
        case 2: return r.pick([true, false, null]);
        case 3: return { [SIG]: r.pick(['deadbeef', '', SIGS[0].toUpperCase(), r.hugeString()]), value: 1 };
        case 4: return new Malformed(obj([[SIG, r.pick([num(1), list([]), obj([]), list([str(SIGS[0])])])], ['value', str('x')]]));
        case 5: {
          const sig = r.pick(SIGS);
          const fields = r.pick([{}, { value: r.value() }, { hash: 5, path: ['x'], uri: {}, text: null },
            { assets: { a: r.value(), b: { [SIG]: 'zz' } } }, { urn: 7, id: [], packageVersion: true }, { value: r.value(), secret: 'yes' }]);
          return { [SIG]: sig, ...fields };
        }
        case 6: return deep(1 + r.int(r.chance(0.8) ? 300 : 3500), r.pick(['object', 'list', 'mixed']));
        case 7: return r.pick([[], [r.value(), r.value()], [null], Array.from({ length: 1 + r.int(50) }, () => r.number())]);
        case 8: return { '': 1, [r.hugeString().slice(0, 5000)]: 'k', nested: { [SIG]: 'nope' } };
        case 9: return rpcConst.unknownValue;
        case 10: return { [SIG]: SIGS[0], value: r.pick([r.value(), { [SIG]: SIGS[0], value: 'doubly' }]) };
        default: return { a: r.value() };
      }
    },
    /** A copy of o with a few properties changed, removed, added or wrapped, at random depths. */
    mutate: (o, p = 1) => {
      const copy = JSON.parse(JSON.stringify(o));
      if (!r.chance(p)) return copy;
      for (let n = 1 + r.int(3); n > 0; n--) {
        const holders = [];
        (function walk(x) {
          if (x && typeof x === 'object' && !(x instanceof Malformed)) {
            holders.push(x);
            for (const k of Object.keys(x)) walk(x[k]);
          }
        })(copy);
        const h = r.pick(holders);
        const keys = Object.keys(h);
        const k = keys.length > 0 && r.chance(0.8) ? r.pick(keys) : (Array.isArray(h) ? h.length : r.pick(['extra', 'siteName', 'kind', '']));
        switch (r.int(5)) {
          case 0: if (Array.isArray(h)) h.splice(Number(k), 1); else delete h[k]; break;
          case 1: h[k] = { [SIG]: SIGS[0], value: h[k] ?? null }; break;
          default: h[k] = r.value();
        }
      }
      return copy;
    },
    /** Recorded state as a crash or an old version may have left it: some properties only. */
    partial: (o) => {
      if (!r.chance(0.5)) return o;
      const keys = Object.keys(o).filter(() => r.chance(0.3));
      return Object.fromEntries(keys.map((k) => [k, o[k]]));
    },
  };
  return r;
}

module.exports = { makeRandom, Malformed, deep };
