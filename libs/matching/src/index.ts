export { matchCitations } from './match';
export { DEFAULT_MATCHER_CONFIG, MATCHER_VERSION, resolveMatcherConfig, type MatcherConfig } from './config';
export type { Citation, CitationSpan, CitationTier, VectorInput } from './types';
