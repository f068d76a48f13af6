import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import type { MatcherConfig } from '@cairn/matching';
import { ServiceConfig } from '@cairn/service-kit';

/** Matcher thresholds can be overridden per deployment; unset ones keep the documented defaults. */
export class MatcherServiceConfig extends ServiceConfig {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MATCHER_VERBATIM_MIN_TOKENS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1000)
  MATCHER_NGRAM_MIN_EVIDENCE?: number;

  /**
   * Memory for the cache of tokenized vectors (hot chunks skip re-tokenizing), in MiB; 0 turns it
   * off. Unset: the library default (32 MiB). Changes speed only, never a citation.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(4096)
  MATCHER_VECTOR_CACHE_MB?: number;

  matcherOverrides(): Partial<MatcherConfig> {
    return {
      ...(this.MATCHER_VERBATIM_MIN_TOKENS === undefined
        ? {}
        : { verbatimMinTokens: this.MATCHER_VERBATIM_MIN_TOKENS }),
      ...(this.MATCHER_NGRAM_MIN_EVIDENCE === undefined ? {} : { ngramMinEvidence: this.MATCHER_NGRAM_MIN_EVIDENCE }),
    };
  }
}
