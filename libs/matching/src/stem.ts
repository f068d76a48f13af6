/**
 * Porter (1980) suffix-stripping stemmer for English, written from the published algorithm
 * (M. F. Porter, "An algorithm for suffix stripping", Program 14(3)), following the reference
 * C implementation's step order. Input is one lower-case word; words of one or two letters,
 * and words with characters outside a–z, are returned unchanged.
 *
 * Stemming lets a paraphrase that inflects differently ("inherits" / "inherited" /
 * "inheritance") still share n-grams with its source.
 */
export function stem(word: string): string {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
  return new PorterStemmer(word).run();
}

class PorterStemmer {
  private readonly b: string[];
  /** Index of the last letter of the current stem. */
  private k: number;
  /** End of the stem before a matched suffix (set by `ends`). */
  private j = 0;

  constructor(word: string) {
    this.b = word.split('');
    this.k = word.length - 1;
  }

  run(): string {
    this.step1ab();
    if (this.k > 0) {
      this.step1c();
      this.step2();
      this.step3();
      this.step4();
      this.step5();
    }
    return this.b.slice(0, this.k + 1).join('');
  }

  private at(i: number): string {
    return this.b[i] ?? '';
  }

  private isConsonant(i: number): boolean {
    switch (this.at(i)) {
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
        return false;
      case 'y':
        return i === 0 ? true : !this.isConsonant(i - 1);
      default:
        return true;
    }
  }

  /** Number of vowel-consonant sequences in b[0..j]: [C](VC)^m[V]. */
  private measure(): number {
    let n = 0;
    let i = 0;
    const j = this.j;
    for (;;) {
      if (i > j) return n;
      if (!this.isConsonant(i)) break;
      i++;
    }
    i++;
    for (;;) {
      for (;;) {
        if (i > j) return n;
        if (this.isConsonant(i)) break;
        i++;
      }
      i++;
      n++;
      for (;;) {
        if (i > j) return n;
        if (!this.isConsonant(i)) break;
        i++;
      }
      i++;
    }
  }

  private vowelInStem(): boolean {
    for (let i = 0; i <= this.j; i++) if (!this.isConsonant(i)) return true;
    return false;
  }

  private doubleConsonant(i: number): boolean {
    return i >= 1 && this.at(i) === this.at(i - 1) && this.isConsonant(i);
  }

  /** consonant-vowel-consonant ending at i, the last consonant not w, x or y ("hop", not "how"). */
  private cvc(i: number): boolean {
    if (i < 2 || !this.isConsonant(i) || this.isConsonant(i - 1) || !this.isConsonant(i - 2)) return false;
    const ch = this.at(i);
    return ch !== 'w' && ch !== 'x' && ch !== 'y';
  }

  private ends(suffix: string): boolean {
    const len = suffix.length;
    if (len > this.k + 1) return false;
    for (let i = 0; i < len; i++) if (this.b[this.k - len + 1 + i] !== suffix[i]) return false;
    this.j = this.k - len;
    return true;
  }

  private setTo(replacement: string): void {
    for (let i = 0; i < replacement.length; i++) this.b[this.j + 1 + i] = replacement[i] ?? '';
    this.k = this.j + replacement.length;
  }

  private replaceIfMeasured(replacement: string): void {
    if (this.measure() > 0) this.setTo(replacement);
  }

  /** Plurals and -ed / -ing. */
  private step1ab(): void {
    if (this.at(this.k) === 's') {
      if (this.ends('sses')) this.k -= 2;
      else if (this.ends('ies')) this.setTo('i');
      else if (this.at(this.k - 1) !== 's') this.k--;
    }
    if (this.ends('eed')) {
      if (this.measure() > 0) this.k--;
    } else if ((this.ends('ed') || this.ends('ing')) && this.vowelInStem()) {
      this.k = this.j;
      if (this.ends('at')) this.setTo('ate');
      else if (this.ends('bl')) this.setTo('ble');
      else if (this.ends('iz')) this.setTo('ize');
      else if (this.doubleConsonant(this.k)) {
        this.k--;
        const ch = this.at(this.k);
        if (ch === 'l' || ch === 's' || ch === 'z') this.k++;
      } else {
        this.j = this.k;
        if (this.measure() === 1 && this.cvc(this.k)) this.setTo('e');
      }
    }
  }

  /** Terminal y to i when there is another vowel in the stem. */
  private step1c(): void {
    if (this.ends('y') && this.vowelInStem()) this.b[this.k] = 'i';
  }

  /** Double suffixes to single ones (-ization → -ize). */
  private step2(): void {
    const rules = STEP2[this.at(this.k - 1)];
    if (!rules) return;
    for (const [suffix, replacement] of rules) {
      if (this.ends(suffix)) {
        this.replaceIfMeasured(replacement);
        return;
      }
    }
  }

  /** -ic-, -full, -ness and the like. */
  private step3(): void {
    const rules = STEP3[this.at(this.k)];
    if (!rules) return;
    for (const [suffix, replacement] of rules) {
      if (this.ends(suffix)) {
        this.replaceIfMeasured(replacement);
        return;
      }
    }
  }

  /** Strips -ant, -ence, … in context <c>vcvc<v>. */
  private step4(): void {
    const suffixes = STEP4[this.at(this.k - 1)];
    if (!suffixes) return;
    let matched = false;
    for (const suffix of suffixes) {
      if (this.ends(suffix)) {
        matched = suffix !== 'ion' || this.at(this.j) === 's' || this.at(this.j) === 't';
        break;
      }
    }
    if (matched && this.measure() > 1) this.k = this.j;
  }

  /** Removes a final -e and -ll → -l when m > 1. */
  private step5(): void {
    this.j = this.k;
    if (this.at(this.k) === 'e') {
      const m = this.measure();
      if (m > 1 || (m === 1 && !this.cvc(this.k - 1))) this.k--;
    }
    // As in the reference implementation, m is still measured up to the original end here.
    if (this.at(this.k) === 'l' && this.doubleConsonant(this.k) && this.measure() > 1) this.k--;
  }
}

const STEP2: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  a: [
    ['ational', 'ate'],
    ['tional', 'tion'],
  ],
  c: [
    ['enci', 'ence'],
    ['anci', 'ance'],
  ],
  e: [['izer', 'ize']],
  l: [
    ['bli', 'ble'],
    ['alli', 'al'],
    ['entli', 'ent'],
    ['eli', 'e'],
    ['ousli', 'ous'],
  ],
  o: [
    ['ization', 'ize'],
    ['ation', 'ate'],
    ['ator', 'ate'],
  ],
  s: [
    ['alism', 'al'],
    ['iveness', 'ive'],
    ['fulness', 'ful'],
    ['ousness', 'ous'],
  ],
  t: [
    ['aliti', 'al'],
    ['iviti', 'ive'],
    ['biliti', 'ble'],
  ],
  g: [['logi', 'log']],
};

const STEP3: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  e: [
    ['icate', 'ic'],
    ['ative', ''],
    ['alize', 'al'],
  ],
  i: [['iciti', 'ic']],
  l: [
    ['ical', 'ic'],
    ['ful', ''],
  ],
  s: [['ness', '']],
};

const STEP4: Readonly<Record<string, readonly string[]>> = {
  a: ['al'],
  c: ['ance', 'ence'],
  e: ['er'],
  i: ['ic'],
  l: ['able', 'ible'],
  n: ['ant', 'ement', 'ment', 'ent'],
  o: ['ion', 'ou'],
  s: ['ism'],
  t: ['ate', 'iti'],
  u: ['ous'],
  v: ['ive'],
  z: ['ize'],
};
