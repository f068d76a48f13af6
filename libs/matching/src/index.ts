export { matchCitations, setVectorCacheBytes, vectorCacheStats, type VectorCacheStats } from './match';
export { DEFAULT_VECTOR_CACHE_BYTES } from './vector-cache';
export { DEFAULT_MATCHER_CONFIG, MATCHER_VERSION, resolveMatcherConfig, type MatcherConfig } from './config';
export type { Citation, CitationSpan, CitationTier, VectorInput } from './types';
