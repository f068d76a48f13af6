import { resolveMatcherConfig, type MatcherConfig } from '../src/config';
import { longestSharedRun, measureEvidence } from '../src/evidence';
import { matchCitations } from '../src/match';
import type { CitationTier } from '../src/types';
import { CATEGORIES, type Category, type LabeledAnswer } from './dataset';

/** How the matcher did on one category: a citation is "recall" for reuse, a false positive for `non`. */
export interface CategoryResult {
  readonly category: Category;
  readonly total: number;
  readonly cited: number;
  readonly verbatim: number;
  readonly ngram: number;
  readonly uncited: readonly string[];
  readonly citedFiles: readonly string[];
}

/** Runs the matcher with each answer as the output and its source passage as the only vector. */
export function evaluate(answers: readonly LabeledAnswer[], config: Partial<MatcherConfig> = {}): CategoryResult[] {
  const tiers = answers.map((answer) => tierOf(answer.answer, answer.source, config));
  return CATEGORIES.map((category) => {
    const rows = answers
      .map((answer, index) => ({ answer, tier: tiers[index] }))
      .filter((row) => row.answer.category === category);
    return {
      category,
      total: rows.length,
      cited: rows.filter((row) => row.tier !== undefined).length,
      verbatim: rows.filter((row) => row.tier === 'verbatim').length,
      ngram: rows.filter((row) => row.tier === 'ngram').length,
      uncited: rows.filter((row) => row.tier === undefined).map((row) => row.answer.file),
      citedFiles: rows.filter((row) => row.tier !== undefined).map((row) => row.answer.file),
    };
  });
}

export function tierOf(output: string, source: string, config: Partial<MatcherConfig>): CitationTier | undefined {
  return matchCitations(output, [{ id: 'source', content: source }], config)[0]?.tier;
}

/** Both tiers' statistics per answer, whatever the cut-offs. */
export interface AnswerEvidence {
  readonly answer: LabeledAnswer;
  readonly longestRun: number;
  readonly evidence: number;
}

export function measure(answers: readonly LabeledAnswer[], config: Partial<MatcherConfig> = {}): AnswerEvidence[] {
  return answers.map((answer) => ({ answer, ...measureEvidence(answer.answer, answer.source, config) }));
}

/** The closest calls on each side of each tier's cut-off. */
export interface Margins {
  /** Longest qualifying verbatim run in a `non` answer (tokens). */
  readonly nonLongestRun: number;
  /** Shortest longest-run among `cut`/`light` answers that reuse the source at all (tokens). */
  readonly reuseShortestRun: number;
  /** Highest n-gram evidence of a `non` answer (nats). */
  readonly nonMaxEvidence: number;
  /** Lowest n-gram evidence of a `heavy` answer (nats). */
  readonly heavyMinEvidence: number;
}

export function margins(measured: readonly AnswerEvidence[]): Margins {
  const of = (category: Category): AnswerEvidence[] => measured.filter((row) => row.answer.category === category);
  const copied = [...of('cut'), ...of('light')].map((row) => row.longestRun).filter((run) => run > 0);
  return {
    nonLongestRun: Math.max(0, ...of('non').map((row) => row.longestRun)),
    reuseShortestRun: Math.min(...copied),
    nonMaxEvidence: Math.max(0, ...of('non').map((row) => row.evidence)),
    heavyMinEvidence: Math.min(...of('heavy').map((row) => row.evidence)),
  };
}

/**
 * More negatives for the verbatim tier: every ordered pair of different answers to the same task
 * where at least one is a `non` answer (independent texts on one topic; some `non` answers share
 * lecture material, so this errs on the hard side). Returns the pair count and the longest run.
 */
export function longestRunAmongNonPairs(
  answers: readonly LabeledAnswer[],
  config: Partial<MatcherConfig> = {},
): { pairs: number; longestRun: number } {
  let pairs = 0;
  let longestRun = 0;
  for (const output of answers) {
    for (const vector of answers) {
      if (output === vector || output.task !== vector.task) continue;
      if (output.category !== 'non' && vector.category !== 'non') continue;
      pairs++;
      longestRun = Math.max(longestRun, longestSharedRun(output.answer, vector.answer, config));
    }
  }
  return { pairs, longestRun };
}

/** The threshold halfway, on a log scale, between the highest `non` and the lowest `heavy` evidence. */
export function midpointThreshold(measured: readonly AnswerEvidence[]): number {
  const { nonMaxEvidence, heavyMinEvidence } = margins(measured);
  return Math.sqrt(Math.max(nonMaxEvidence, 1) * Math.max(heavyMinEvidence, 1));
}

export interface Fold {
  readonly heldOutTask: string;
  /** n-gram cut-off chosen on the other tasks only. */
  readonly threshold: number;
  readonly results: CategoryResult[];
}

/** Leave-one-task-out: choose the n-gram cut-off without a task, then evaluate on that task. */
export function leaveOneTaskOut(answers: readonly LabeledAnswer[], config: Partial<MatcherConfig> = {}): Fold[] {
  const tasks = [...new Set(answers.map((answer) => answer.task))].sort();
  return tasks.map((task) => {
    const threshold = Math.round(
      midpointThreshold(
        measure(
          answers.filter((answer) => answer.task !== task),
          config,
        ),
      ),
    );
    const heldOut = answers.filter((answer) => answer.task === task);
    return { heldOutTask: task, threshold, results: evaluate(heldOut, { ...config, ngramMinEvidence: threshold }) };
  });
}

/** The comparison point from the issue: word-trigram containment of the answer in the source. */
export function trigramContainment(output: string, source: string): number {
  const trigrams = (text: string): string[] => {
    const words =
      text
        .normalize('NFKC')
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [];
    return words.slice(2).map((word, index) => `${words[index]} ${words[index + 1]} ${word}`);
  };
  const outputTrigrams = trigrams(output);
  const sourceTrigrams = new Set(trigrams(source));
  if (outputTrigrams.length === 0) return 0;
  return outputTrigrams.filter((trigram) => sourceTrigrams.has(trigram)).length / outputTrigrams.length;
}

export interface BaselineResult {
  /** The most favourable threshold for the baseline: just above the highest `non` containment. */
  readonly threshold: number;
  readonly recall: Readonly<Record<Category, number>>;
  readonly nonMax: number;
  readonly heavyMin: number;
}

export function trigramBaseline(answers: readonly LabeledAnswer[]): BaselineResult {
  const scored = answers.map((answer) => ({ answer, score: trigramContainment(answer.answer, answer.source) }));
  const of = (category: Category): number[] =>
    scored.filter((row) => row.answer.category === category).map((row) => row.score);
  const nonMax = Math.max(...of('non'));
  const threshold = nonMax + 1e-9;
  const recall = Object.fromEntries(
    CATEGORIES.map((category) => {
      const scores = of(category);
      return [category, scores.filter((score) => score >= threshold).length / scores.length];
    }),
  ) as Record<Category, number>;
  return { threshold, recall, nonMax, heavyMin: Math.min(...of('heavy')) };
}

export interface StressCase {
  readonly name: string;
  readonly expected: 'cited' | 'not cited';
  /** [output, vector] pairs. */
  readonly pairs: ReadonlyArray<readonly [string, string]>;
}

/**
 * Situations the short answers do not show on their own: a long output that keeps to the
 * vector's topic, a paraphrase inside such an output, and a source passage inside a long chunk.
 */
export function stressCases(answers: readonly LabeledAnswer[]): StressCase[] {
  const tasks = [...new Set(answers.map((answer) => answer.task))].sort();
  const non = (task: string): string[] =>
    answers.filter((a) => a.task === task && a.category === 'non').map((a) => a.answer);
  const sourceOf = (task: string): string => answers.find((a) => a.task === task)?.source ?? '';
  const heavy = answers.filter((answer) => answer.category === 'heavy');
  // A 16 KB chunk: the source passage in the middle of the other tasks' answers.
  const longChunk = (task: string): string => {
    const padding = answers
      .filter((answer) => answer.task !== task)
      .map((answer) => answer.answer)
      .join('\n\n');
    const half = Math.max(0, Math.floor((16_000 - sourceOf(task).length) / 2));
    return `${padding.slice(0, half)}\n\n${sourceOf(task)}\n\n${padding.slice(half, 2 * half)}`;
  };
  const embedded = (answer: LabeledAnswer): string => {
    const others = non(answer.task);
    const middle = Math.floor(others.length / 2);
    return [...others.slice(0, middle), answer.answer, ...others.slice(middle)].join('\n\n');
  };
  return [
    {
      name: 'all non answers of a task as one output',
      expected: 'not cited',
      pairs: tasks.map((task) => [non(task).join('\n\n'), sourceOf(task)] as const),
    },
    {
      name: 'heavy answer inside that output',
      expected: 'cited',
      pairs: heavy.map((answer) => [embedded(answer), answer.source] as const),
    },
    {
      name: 'heavy answer, source inside a 16 KB chunk',
      expected: 'cited',
      pairs: heavy.map((answer) => [answer.answer, longChunk(answer.task)] as const),
    },
    {
      name: 'non answer, source inside a 16 KB chunk',
      expected: 'not cited',
      pairs: answers.filter((a) => a.category === 'non').map((a) => [a.answer, longChunk(a.task)] as const),
    },
  ];
}

export interface StressResult {
  readonly name: string;
  readonly expected: 'cited' | 'not cited';
  readonly total: number;
  readonly asExpected: number;
}

export function stressTests(answers: readonly LabeledAnswer[], config: Partial<MatcherConfig> = {}): StressResult[] {
  const settings = resolveMatcherConfig(config);
  return stressCases(answers).map(({ name, expected, pairs }) => ({
    name,
    expected,
    total: pairs.length,
    asExpected: pairs.filter(
      ([output, vector]) => (tierOf(output, vector, settings) !== undefined) === (expected === 'cited'),
    ).length,
  }));
}

/** How well the n-gram evidence separates reuse from topical overlap (what a cut-off can exploit). */
export interface Separation {
  readonly nonMax: number;
  readonly heavyMin: number;
  /** Lowest reuse evidence over heavy answers and the stress cases that should be cited. */
  readonly positiveMin: number;
  /** Highest evidence over non answers and the stress cases that should not be cited. */
  readonly negativeMax: number;
}

export function separation(answers: readonly LabeledAnswer[], config: Partial<MatcherConfig> = {}): Separation {
  const { nonMaxEvidence, heavyMinEvidence } = margins(measure(answers, config));
  let positiveMin = heavyMinEvidence;
  let negativeMax = nonMaxEvidence;
  for (const stress of stressCases(answers)) {
    for (const [output, vector] of stress.pairs) {
      const { evidence } = measureEvidence(output, vector, config);
      if (stress.expected === 'cited') positiveMin = Math.min(positiveMin, evidence);
      else negativeMax = Math.max(negativeMax, evidence);
    }
  }
  return { nonMax: nonMaxEvidence, heavyMin: heavyMinEvidence, positiveMin, negativeMax };
}
