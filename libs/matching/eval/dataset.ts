import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Category = 'cut' | 'light' | 'heavy' | 'non';

export const CATEGORIES: readonly Category[] = ['cut', 'light', 'heavy', 'non'];

/** One labeled answer with the source passage it was written against. */
export interface LabeledAnswer {
  readonly file: string;
  readonly task: string;
  readonly category: Category;
  readonly answer: string;
  readonly source: string;
}

/** The copy of the corpus kept beside the code, so tests run from the repository alone. */
export const DATASET_DIR = join(__dirname, '..', 'testdata', 'clough-stevenson-2011');

/** Reads labels.csv and the texts it names (answers only; the source passages come along). */
export function loadDataset(dir: string = DATASET_DIR): LabeledAnswer[] {
  const lines = readFileSync(join(dir, 'labels.csv'), 'utf8').trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(',');
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`labels.csv has no ${name} column`);
    return index;
  };
  const [fileAt, sourceAt, taskAt, categoryAt] = ['file', 'source_file', 'task', 'category'].map(column);
  const answers: LabeledAnswer[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const category = cells[categoryAt ?? 0] ?? '';
    if (category === 'orig') continue;
    if (!isCategory(category)) throw new Error(`unknown category ${category} in ${line}`);
    const file = cells[fileAt ?? 0] ?? '';
    answers.push({
      file,
      task: cells[taskAt ?? 0] ?? '',
      category,
      answer: readText(join(dir, 'texts', file)),
      source: readText(join(dir, 'texts', cells[sourceAt ?? 0] ?? '')),
    });
  }
  return answers;
}

function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

/** The corpus mixes UTF-8 and Windows-1252 files: decode as UTF-8, fall back to cp1252. */
export function readText(path: string): string {
  return decodeText(readFileSync(path));
}

export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeCp1252(bytes);
  }
}

// Windows-1252 0x80–0x9F (Node's TextDecoder treats 'windows-1252' as Latin-1 for these bytes).
const CP1252_HIGH = [
  0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd,
  0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0xfffd, 0x017e, 0x0178,
];

function decodeCp1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes)
    text += String.fromCharCode(byte >= 0x80 && byte < 0xa0 ? (CP1252_HIGH[byte - 0x80] ?? 0xfffd) : byte);
  return text;
}
