import { foldSegment, normalizeText } from './normalize';

describe('normalizeText', () => {
  it('folds case and treats whitespace and punctuation as one separator', () => {
    expect(normalizeText('  Hello,\tWORLD!!  It’s—fine…').text).toBe('hello world it s fine');
  });

  it('applies NFKC: fullwidth letters, ligatures, NBSP, superscripts, math letters', () => {
    expect(normalizeText('Ｉｎｈｅｒｉｔａｎｃｅ').text).toBe('inheritance');
    expect(normalizeText('ﬁle ﬂow').text).toBe('file flow');
    expect(normalizeText('a\u00a0b\u2003c').text).toBe('a b c');
    expect(normalizeText('x²').text).toBe('x2');
    expect(normalizeText('𝐀𝐁𝐂').text).toBe('abc');
  });

  it('composes combining marks so decomposed and precomposed forms agree', () => {
    expect(normalizeText('cafe\u0301').text).toBe(normalizeText('café').text);
    expect(normalizeText('CAFÉ').text).toBe('café');
  });

  it('uses full case folding', () => {
    expect(normalizeText('STRASSE straße').text).toBe('strasse strasse');
    expect(normalizeText('ΣΟΦΟΣ σοφος').text).toBe('σοφοσ σοφοσ');
  });

  it('gives each character of space-less scripts its own token', () => {
    expect(normalizeText('継承は、クラス').text).toBe('継 承 は ク ラ ス');
  });

  it('maps every normalized character back to the original range it came from', () => {
    const original = 'Ａ ﬁx, cafe\u0301!';
    const { text, starts, ends } = normalizeText(original);
    expect(text).toBe('a fix café');
    expect(original.slice(starts[0], ends[0])).toBe('Ａ');
    expect(original.slice(starts[2], ends[2])).toBe('ﬁ');
    expect(original.slice(starts[3], ends[3])).toBe('ﬁ');
    expect(original.slice(starts[9], ends[9])).toBe('e\u0301');
  });

  it('drops emoji and other symbols, including astral ones', () => {
    expect(normalizeText('ok 👍🏽 done').text).toBe('ok done');
  });
});

describe('foldSegment', () => {
  it('separates what is not a letter, digit or mark', () => {
    expect(foldSegment('“')).toBe(' ');
    expect(foldSegment('½')).toBe('1 2');
  });
});
