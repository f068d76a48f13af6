import { canonicalize, JcsError, type JsonValue } from './index';

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalize (RFC 8785)', () => {
  // RFC 8785 Appendix B: IEEE-754 bit patterns and their canonical text.
  const numberTable: readonly (readonly [string, string])[] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];

  it.each(numberTable)('serializes the double 0x%s as %s (Appendix B)', (bits, expected) => {
    expect(canonicalize(fromBits(bits))).toBe(expected);
  });

  it.each(['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000'])(
    'rejects the non-finite double 0x%s (Appendix B)',
    (bits) => {
      expect(() => canonicalize(fromBits(bits))).toThrow(JcsError);
    },
  );

  it.each([
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [0.1, '0.1'],
    [1.5e-7, '1.5e-7'],
    [1e-7, '1e-7'],
    [-17, '-17'],
    [4.5, '4.5'],
    [0.30000000000000004, '0.30000000000000004'],
  ])('serializes %p as %s', (value, expected) => {
    expect(canonicalize(value)).toBe(expected);
  });

  it('reproduces the RFC 8785 section 3.2.2 example', () => {
    // The input as the RFC writes it, escapes and all, parsed as any JSON reader would.
    const input = JSON.parse(
      String.raw`{
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
      }`,
    ) as JsonValue;
    expect(canonicalize(input)).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('sorts members by UTF-16 code units, as the RFC 8785 section 3.2.3 example shows', () => {
    const input = JSON.parse(
      String.raw`{
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
      }`,
    ) as JsonValue;
    // Read the order from the text: JavaScript objects would list the integer-like key "1" first.
    const valuesInOrder = [...canonicalize(input).matchAll(/:"([^"]+)"/g)].map((match) => match[1]);
    expect(valuesInOrder).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('sorts recursively, keeps array order, and writes no whitespace', () => {
    const value = { b: [3, 1, { z: true, a: null }], a: { d: 'x', c: [] }, aa: {}, A: 0, _: false };
    expect(canonicalize(value)).toBe('{"A":0,"_":false,"a":{"c":[],"d":"x"},"aa":{},"b":[3,1,{"a":null,"z":true}]}');
  });

  it('escapes every BMP code unit exactly as RFC 8785 section 3.2.2.2 says', () => {
    const shortEscapes: Record<number, string> = {
      8: '\\b',
      9: '\\t',
      10: '\\n',
      12: '\\f',
      13: '\\r',
      34: '\\"',
      92: '\\\\',
    };
    for (let unit = 0; unit <= 0xffff; unit++) {
      if (unit >= 0xd800 && unit <= 0xdfff) continue;
      const char = String.fromCharCode(unit);
      const body = shortEscapes[unit] ?? (unit < 0x20 ? `\\u${unit.toString(16).padStart(4, '0')}` : char);
      if (canonicalize(char) !== `"${body}"`) {
        throw new Error(`U+${unit.toString(16)}: got ${canonicalize(char)}, expected "${body}"`);
      }
    }
    expect(canonicalize('\u001f\u007f\u2028\u2029/')).toBe('"\\u001f\u007f\u2028\u2029/"');
  });

  it('keeps well-formed surrogate pairs and rejects lone surrogates, as section 3.2.2.2 requires', () => {
    expect(canonicalize('🦜 \ud83d\ude00')).toBe('"🦜 😀"');
    for (const lone of ['\ud800', 'a\udead', '\udc00\ud800', 'x\ud83d']) {
      expect(() => canonicalize(lone)).toThrow(/lone surrogate/);
      expect(() => canonicalize({ [lone]: 1 })).toThrow(/lone surrogate/);
    }
  });

  it('writes -0 as 0 and rejects NaN and infinities', () => {
    expect(canonicalize([-0, 0])).toBe('[0,0]');
    expect(() => canonicalize(NaN)).toThrow('NaN is not a JSON number');
    expect(() => canonicalize({ a: [Infinity] })).toThrow('cannot canonicalize value at $.a[0]: Infinity is not');
  });

  it('omits undefined members like JSON.stringify, but refuses undefined in arrays', () => {
    expect(canonicalize({ a: undefined, b: 1, c: undefined })).toBe('{"b":1}');
    expect(canonicalize({ a: undefined })).toBe('{}');
    expect(() => canonicalize([1, undefined] as unknown as JsonValue)).toThrow(
      'at $[1]: undefined is not a JSON value',
    );
    // eslint-disable-next-line no-sparse-arrays -- a hole is an undefined element too
    expect(() => canonicalize([1, , 3] as unknown as JsonValue)).toThrow('at $[1]');
  });

  it('refuses values that are not JSON, naming where they sit', () => {
    class Point {
      x = 1;
    }
    const cases: readonly (readonly [unknown, string])[] = [
      [{ when: new Date(0) }, 'at $.when: a Date is not a plain object'],
      [{ m: new Map() }, 'at $.m: a Map is not a plain object'],
      [[new Point()], 'at $[0]: a Point is not a plain object'],
      [{ b: Buffer.from('x') }, 'at $.b: a Buffer is not a plain object'],
      [{ n: 10n }, 'at $.n: bigint 10n is not a JSON value'],
      [{ f: () => 1 }, 'at $.f: a function is not a JSON value'],
      [{ s: Symbol('s') }, 'at $.s: a symbol is not a JSON value'],
      [{ 'a b': { c: [0, new String('x')] } }, 'at $["a b"].c[1]: a String is not a plain object'],
      [undefined, 'at $: undefined is not a JSON value'],
    ];
    for (const [value, message] of cases) {
      expect(() => canonicalize(value as JsonValue)).toThrow(message);
    }
  });

  it('accepts null-prototype objects and an own "__proto__" member from JSON.parse', () => {
    const bare = Object.assign(Object.create(null) as Record<string, JsonValue>, { b: 2, a: 1 });
    expect(canonicalize(bare)).toBe('{"a":1,"b":2}');
    expect(canonicalize(JSON.parse('{"__proto__":{"x":1},"a":0}') as JsonValue)).toBe('{"__proto__":{"x":1},"a":0}');
  });

  it('fails cleanly on a cyclic value', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic as JsonValue)).toThrow(/nested deeper than 1000 levels/);
  });

  it('matches JSON.stringify of the sorted value for ordinary data', () => {
    const value = { z: 'café 日本 🦜', y: [1.5, -2, true, null], x: { q: 'line\nbreak "quoted"', p: 0.000001 } };
    const sorted = { x: { p: 0.000001, q: 'line\nbreak "quoted"' }, y: [1.5, -2, true, null], z: 'café 日本 🦜' };
    expect(canonicalize(value)).toBe(JSON.stringify(sorted));
  });
});
