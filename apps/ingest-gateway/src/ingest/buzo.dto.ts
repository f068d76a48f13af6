// class-transformer's @Type reads design-time metadata when the class is declared.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AreRetrievedVectors, IsIsoTimestampWithZone, IsPlainObject, IsUuidShaped, MaxUtf8Bytes } from './constraints';

// Field rules of Buzo's ingest API (vendor-notes.md and seeds/buzo-generation-traces.txt).

export const LIMITS = {
  retrievalEvents: 100,
  generationEvents: 50,
  results: 200,
  contentBytes: 16 * 1024,
  outputChars: 32_000,
  idChars: 128,
  latencyMs: 600_000,
} as const;

export class SdkDto {
  @IsIn(['ts', 'python'])
  lang!: 'ts' | 'python';

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  version!: string;
}

export class QueryDto {
  @IsOptional()
  @IsString()
  @MaxUtf8Bytes(LIMITS.contentBytes)
  text?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  hash?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8192)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  embedding?: number[];
}

/** One retrieved vector; validated by `AreRetrievedVectors` (see constraints.ts for why not a nested DTO). */
export interface ResultDto {
  id: string;
  score: number;
  content?: string;
}

export class RetrievalEventDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.idChars)
  clientEventId!: string;

  @IsUuidShaped()
  collectionId!: string;

  @IsDefined()
  @IsPlainObject()
  @ValidateNested()
  @Type(() => QueryDto)
  query!: QueryDto;

  @IsArray()
  @ArrayMaxSize(LIMITS.results)
  @AreRetrievedVectors(LIMITS.contentBytes)
  results!: ResultDto[];

  @IsInt()
  @Min(0)
  @Max(LIMITS.latencyMs)
  latencyMs!: number;

  @IsInt()
  @Min(0)
  kReturned!: number;

  @IsIsoTimestampWithZone()
  timestamp!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => SdkDto)
  sdk!: SdkDto;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.idChars)
  parentQueryId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  agentId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  embeddingModelId?: string;

  @IsOptional()
  @IsBoolean()
  cacheHit?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  kRequested?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.results)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  resultsRerankedScores?: number[];

  @IsOptional()
  error?: unknown;

  @IsOptional()
  @IsPlainObject()
  metadata?: Record<string, unknown>;
}

export class RetrievalBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.retrievalEvents)
  @ValidateNested({ each: true })
  @Type(() => RetrievalEventDto)
  events!: RetrievalEventDto[];
}

export class OutputDto {
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.outputChars)
  text?: string;
}

export class GenerationEventDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.idChars)
  clientEventId!: string;

  @IsDefined()
  @IsPlainObject()
  @ValidateNested()
  @Type(() => OutputDto)
  output!: OutputDto;

  @IsInt()
  @Min(0)
  @Max(LIMITS.latencyMs)
  latencyMs!: number;

  @IsIsoTimestampWithZone()
  timestamp!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => SdkDto)
  sdk!: SdkDto;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.idChars)
  runId?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.idChars)
  parentRunId?: string;

  @IsOptional()
  @IsUuidShaped()
  collectionId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  agentId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  model?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  promptTokens?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  completionTokens?: number;

  @IsOptional()
  error?: unknown;

  @IsOptional()
  @IsPlainObject()
  metadata?: Record<string, unknown>;
}

export class GenerationBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.generationEvents)
  @ValidateNested({ each: true })
  @Type(() => GenerationEventDto)
  events!: GenerationEventDto[];
}
