/**
 * Prints the matcher's quality on the Clough & Stevenson corpus (libs/matching/testdata):
 * recall per reuse category, false-positive rate on `non`, which tier fired, the margins around
 * each cut-off, leave-one-task-out results, the trigram baseline and stress cases.
 *
 *   node -r ./tools/register.cjs libs/matching/eval/evaluate.ts [--config '{"ngramMinEvidence":40}'] [--ablations]
 */
import { MATCHER_VERSION, resolveMatcherConfig, type MatcherConfig } from '../src/config';
import { configFromArgs } from '../src/jsonl';
import { loadDataset, type LabeledAnswer } from './dataset';
import {
  evaluate,
  leaveOneTaskOut,
  longestRunAmongNonPairs,
  margins,
  measure,
  separation,
  stressTests,
  trigramBaseline,
  type CategoryResult,
} from './quality';

function main(): void {
  const overrides = configFromArgs(process.argv.slice(2));
  const config = resolveMatcherConfig(overrides);
  const answers = loadDataset();
  const changed = Object.entries(overrides).map(([key, value]) => `${key}=${String(value)}`);
  console.log(`matcher ${MATCHER_VERSION}${changed.length > 0 ? ` with ${changed.join(', ')}` : ' (defaults)'}`);
  console.log(`${answers.length} answers, tasks ${[...new Set(answers.map((a) => a.task))].join(', ')}\n`);

  console.log(table(evaluate(answers, config)));

  const m = margins(measure(answers, config));
  console.log('\nmargins');
  console.log(
    `  verbatim: longest run in a non answer ${m.nonLongestRun} tokens; shortest longest-run in a cut/light answer ${m.reuseShortestRun}; cut-off ${config.verbatimMinTokens}`,
  );
  const pairwise = longestRunAmongNonPairs(answers, config);
  console.log(
    `            longest run between a non answer and another answer of its task (${pairwise.pairs} pairs): ${pairwise.longestRun} tokens`,
  );
  console.log(
    `  ngram:    highest non ${m.nonMaxEvidence.toFixed(1)} nats; lowest heavy ${m.heavyMinEvidence.toFixed(1)}; cut-off ${config.ngramMinEvidence}` +
      ` (×${(config.ngramMinEvidence / m.nonMaxEvidence).toFixed(2)} above the highest non, ×${(m.heavyMinEvidence / config.ngramMinEvidence).toFixed(2)} below the lowest heavy)`,
  );

  console.log(
    '\nleave one task out (n-gram cut-off chosen on the other task: log-midpoint of its highest non and lowest heavy)',
  );
  for (const fold of leaveOneTaskOut(answers, overrides)) {
    console.log(`  held-out task ${fold.heldOutTask}, cut-off ${fold.threshold}: ${summary(fold.results)}`);
  }

  const baseline = trigramBaseline(answers);
  console.log(
    `\nbaseline: word-trigram containment at its best threshold (just above the highest non, ${baseline.nonMax.toFixed(3)}):` +
      ` cut ${baseline.recall.cut.toFixed(2)}, light ${baseline.recall.light.toFixed(2)}, heavy ${baseline.recall.heavy.toFixed(2)}, FP ${baseline.recall.non.toFixed(2)}` +
      ` (lowest heavy ${baseline.heavyMin.toFixed(3)}: the classes overlap)`,
  );

  console.log('\nstress cases');
  for (const stress of stressTests(answers, config)) {
    console.log(`  ${stress.name.padEnd(44)} ${stress.asExpected}/${stress.total} ${stress.expected}`);
  }

  if (process.argv.includes('--ablations')) ablations(answers, overrides);
}

/** What each part of the n-gram tier buys: evidence separation with one setting changed. */
function ablations(answers: readonly LabeledAnswer[], base: Partial<MatcherConfig>): void {
  const variants: ReadonlyArray<readonly [string, Partial<MatcherConfig>]> = [
    ['defaults', {}],
    ['no stemming', { stemming: false }],
    ['adjacent pairs only (ngramSpan 1)', { ngramSpan: 1 }],
    ['ngramSpan 2', { ngramSpan: 2 }],
    ['ngramSpan 4', { ngramSpan: 4 }],
    ['n = 3 (ngramSize 3)', { ngramSize: 3 }],
    ['no seed floor (ngramMinNats 0)', { ngramMinNats: 0 }],
    ['ngramMinNats 1.5', { ngramMinNats: 1.5 }],
    ['ngramWindowTokens 80', { ngramWindowTokens: 80 }],
    ['ngramWindowTokens 150', { ngramWindowTokens: 150 }],
    ['no window (ngramWindowTokens 1e6)', { ngramWindowTokens: 1_000_000 }],
    ['ngramPassageTokens 200', { ngramPassageTokens: 200 }],
    ['no passage cap (ngramPassageTokens 1e6)', { ngramPassageTokens: 1_000_000 }],
  ];
  console.log('\nablations (n-gram evidence in nats; separation = lowest positive / highest negative)');
  console.log(
    '| variant | highest non | lowest heavy | separation | incl. stress: highest negative | lowest positive | separation |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, change] of variants) {
    const s = separation(answers, { ...base, ...change });
    console.log(
      `| ${name} | ${s.nonMax.toFixed(1)} | ${s.heavyMin.toFixed(1)} | ${(s.heavyMin / s.nonMax).toFixed(2)} | ` +
        `${s.negativeMax.toFixed(1)} | ${s.positiveMin.toFixed(1)} | ${(s.positiveMin / s.negativeMax).toFixed(2)} |`,
    );
  }
}

function table(results: readonly CategoryResult[]): string {
  const header = ['category', 'answers', 'cited', 'rate', 'verbatim', 'ngram', 'not cited'];
  const rows = results.map((r) => [
    r.category === 'non' ? 'non (FP)' : r.category,
    String(r.total),
    String(r.cited),
    (r.cited / r.total).toFixed(2),
    String(r.verbatim),
    String(r.ngram),
    (r.category === 'non' ? r.citedFiles : r.uncited).join(' ') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function summary(results: readonly CategoryResult[]): string {
  return results.map((r) => `${r.category === 'non' ? 'FP' : r.category} ${r.cited}/${r.total}`).join(', ');
}

main();
