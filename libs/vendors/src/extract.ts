/**
 * Reading meaning out of free-form vendor payloads: the text a model produced, the documents a
 * retriever returned, the query it was asked, token usage, model and collection names. Vendors
 * put these in `output`/`outputs`/`outputData` objects whose shape depends on the framework that
 * produced them, so each reader tries the common shapes in a fixed order.
 */
import { sha256Hex } from './ids';
import { childPath, isJsonObject, type JsonObject } from './validate';

/** Where documents were found, for error messages about them. */
export interface FoundDocument {
  id: string;
  /** Where the id came from; undefined when it was derived from the content. */
  idPath?: string;
  content?: string;
  contentPath?: string;
  score?: number;
}

export interface DocumentList {
  path: string;
  documents: FoundDocument[];
  /** Items of the list that were not documents (left out). */
  skipped: number;
}

const LIST_KEYS = [
  'documents',
  'results',
  'docs',
  'chunks',
  'matches',
  'source_documents',
  'source_nodes',
  'retrieved_documents',
  'retrieval.documents',
] as const;
const WRAPPER_KEYS = ['output', 'result', 'response', 'retrieval'] as const;
const ID_KEYS = ['id', 'document_id', 'doc_id', 'chunk_id', 'vector_id', 'document.id'] as const;
const CONTENT_KEYS = ['content', 'page_content', 'pageContent', 'text', 'document.content'] as const;
const SCORE_KEYS = ['score', 'relevance_score', 'similarity', 'document.score'] as const;
const FLAT_OPENINFERENCE = /^retrieval\.documents\.(\d+)\.document\.(id|content|score)$/;

function firstOf(object: JsonObject, keys: readonly string[], accept: (value: unknown) => boolean): string | undefined {
  return keys.find((key) => accept(object[key]));
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isIdLike = (value: unknown): boolean =>
  (typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value));
const isScore = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The object that carries a document's fields: OpenInference nests them under `document`, LangChain under `kwargs`. */
function documentBody(item: JsonObject, path: string): { body: JsonObject; path: string } {
  if (isJsonObject(item.document)) return { body: item.document, path: childPath(path, 'document') };
  if (item.lc !== undefined && isJsonObject(item.kwargs)) return { body: item.kwargs, path: childPath(path, 'kwargs') };
  return { body: item, path };
}

interface DocumentFields {
  id?: string;
  idPath?: string;
  content?: string;
  contentPath?: string;
  score?: number;
}

function documentFields(item: unknown, path: string): DocumentFields | undefined {
  if (typeof item === 'string') return { content: item, contentPath: path };
  if (!isJsonObject(item)) return undefined;
  const { body, path: bodyPath } = documentBody(item, path);
  const fields: DocumentFields = {};
  const metadata = isJsonObject(body.metadata) ? body.metadata : {};
  const idKey = firstOf(body, ID_KEYS, isIdLike);
  const metadataIdKey = firstOf(metadata, ID_KEYS, isIdLike);
  if (idKey !== undefined) {
    fields.id = String(body[idKey]);
    fields.idPath = childPath(bodyPath, idKey);
  } else if (metadataIdKey !== undefined) {
    fields.id = String(metadata[metadataIdKey]);
    fields.idPath = childPath(childPath(bodyPath, 'metadata'), metadataIdKey);
  }
  const contentKey = firstOf(body, CONTENT_KEYS, isText);
  if (contentKey !== undefined) {
    fields.content = body[contentKey] as string;
    fields.contentPath = childPath(bodyPath, contentKey);
  } else if (isText(metadata.text)) {
    // Pinecone keeps the chunk text in metadata.
    fields.content = metadata.text;
    fields.contentPath = childPath(childPath(bodyPath, 'metadata'), 'text');
  }
  // OpenInference may put the score beside `document` rather than inside it.
  const scoreHolder = [body, item].find((object) => firstOf(object, SCORE_KEYS, isScore) !== undefined);
  const scoreKey = scoreHolder === undefined ? undefined : firstOf(scoreHolder, SCORE_KEYS, isScore);
  if (scoreHolder !== undefined && scoreKey !== undefined) fields.score = scoreHolder[scoreKey] as number;
  return fields;
}

/** OpenInference span attributes flattened into one object: `retrieval.documents.0.document.id`, … */
function flattenedOpenInference(value: JsonObject, path: string): { items: unknown[]; paths: string[] } | undefined {
  const byIndex = new Map<number, JsonObject>();
  for (const [key, field] of Object.entries(value)) {
    const match = FLAT_OPENINFERENCE.exec(key);
    if (match === null) continue;
    const index = Number(match[1]);
    const document = byIndex.get(index) ?? {};
    document[`document.${match[2] ?? ''}`] = field;
    byIndex.set(index, document);
  }
  if (byIndex.size === 0) return undefined;
  const indexes = [...byIndex.keys()].sort((a, b) => a - b);
  return {
    items: indexes.map((index) => byIndex.get(index)),
    paths: indexes.map((index) => childPath(path, `retrieval.documents.${index}`)),
  };
}

interface Candidate {
  path: string;
  items: unknown[];
  /** Per-item paths, when they are not `path[i]`. */
  itemPaths?: string[];
}

/** Arrays that may hold documents, most specific first. */
function candidateLists(value: unknown, path: string, depth = 0): Candidate[] {
  if (Array.isArray(value)) return [{ path, items: value as unknown[] }];
  if (!isJsonObject(value) || depth > 1) return [];
  const found: Candidate[] = [];
  for (const key of LIST_KEYS) {
    const field = value[key];
    if (Array.isArray(field)) found.push({ path: childPath(path, key), items: field as unknown[] });
  }
  const flat = flattenedOpenInference(value, path);
  if (flat !== undefined) found.push({ path, items: flat.items, itemPaths: flat.paths });
  for (const key of WRAPPER_KEYS) {
    if (value[key] !== undefined) found.push(...candidateLists(value[key], childPath(path, key), depth + 1));
  }
  return found;
}

/** The list's items read as documents, and how many items were not documents. */
function toDocuments(candidate: Candidate, deriveMissingIds: boolean): { documents: FoundDocument[]; skipped: number } {
  const documents: FoundDocument[] = [];
  for (const [index, item] of candidate.items.entries()) {
    const fields = documentFields(item, candidate.itemPaths?.[index] ?? childPath(candidate.path, index));
    if (fields?.id !== undefined) documents.push({ ...fields, id: fields.id });
    else if (deriveMissingIds && fields?.content !== undefined)
      documents.push({ ...fields, id: `sha256:${sha256Hex(fields.content)}` });
  }
  return { documents, skipped: candidate.items.length - documents.length };
}

/**
 * Documents of a span the vendor marks as a retrieval (Basalt `retrieval`, Galtea `RETRIEVER`):
 * the first list holding documents (or an empty list). A document without an id gets
 * `sha256:<content hash>` so its text can still be matched; items that are neither text nor
 * carry an id or a content are skipped and counted. No list found → no documents.
 */
export function retrievalDocuments(output: unknown, path: string): DocumentList {
  for (const candidate of candidateLists(output, path)) {
    const { documents, skipped } = toDocuments(candidate, true);
    if (documents.length > 0 || candidate.items.length === 0) return { path: candidate.path, documents, skipped };
  }
  return { path, documents: [], skipped: 0 };
}

/**
 * Documents of a span the vendor does not mark (HoneyHive tool/chain events, Parea logs): only a
 * non-empty list whose every item has an id and a content or a score counts, so that ordinary
 * lists of objects are not mistaken for retrieved documents.
 */
export function recognizedDocuments(output: unknown, path: string): DocumentList | undefined {
  for (const candidate of candidateLists(output, path)) {
    if (candidate.items.length === 0) continue;
    const { documents, skipped } = toDocuments(candidate, false);
    const complete = documents.every((doc) => doc.content !== undefined || doc.score !== undefined);
    if (skipped === 0 && complete) return { path: candidate.path, documents, skipped: 0 };
  }
  return undefined;
}

const TEXT_KEYS = ['content', 'text', 'output', 'completion', 'answer', 'response', 'result'] as const;

/** Text blocks as Anthropic and OpenAI's newer APIs return them: `[{type:'text', text}]`. */
function blocksText(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const texts = (value as unknown[]).flatMap((block) =>
    isJsonObject(block) && typeof block.text === 'string' ? [block.text] : [],
  );
  return texts.length > 0 ? texts.join('') : undefined;
}

function textOf(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return value;
  if (depth > 3) return undefined;
  if (Array.isArray(value)) return blocksText(value);
  if (!isJsonObject(value)) return undefined;
  const choices = value.choices;
  if (Array.isArray(choices) && choices.length > 0) {
    const first: unknown = choices[0];
    if (isJsonObject(first)) {
      const fromChoice = textOf(first.message, depth + 1) ?? (typeof first.text === 'string' ? first.text : undefined);
      if (fromChoice !== undefined) return fromChoice;
    }
  }
  for (const key of TEXT_KEYS) {
    const field = value[key];
    if (typeof field === 'string') return field;
    const nested = key === 'content' ? blocksText(field) : textOf(field, depth + 1);
    if (nested !== undefined) return nested;
  }
  return isJsonObject(value.message) ? textOf(value.message, depth + 1) : undefined;
}

/**
 * The text a model produced: a string output; `{content|text|output|completion|answer|response|result}`;
 * OpenAI's `choices[0].message.content` / `choices[0].text`; `message.content`; text content blocks.
 * Empty text counts as none.
 */
export function outputText(output: unknown): string | undefined {
  const text = textOf(output, 0);
  return text === undefined || text.length === 0 ? undefined : text;
}

const QUERY_KEYS = ['query', 'question', 'input', 'q', 'text', 'prompt'] as const;

/** The query of a retrieval: a string input, or its `query`/`question`/`input`/… field. */
export function queryText(input: unknown): string | undefined {
  if (typeof input === 'string') return input.length > 0 ? input : undefined;
  if (!isJsonObject(input)) return undefined;
  const key = firstOf(input, QUERY_KEYS, (value) => typeof value === 'string' && value.length > 0);
  return key === undefined ? undefined : (input[key] as string);
}

const K_KEYS = ['top_k', 'topK', 'k', 'limit'] as const;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** How many results a retrieval asked for, when its input says (`top_k`, `topK`, `k`, `limit`). */
export function requestedCount(input: unknown): number | undefined {
  if (!isJsonObject(input)) return undefined;
  const key = firstOf(input, K_KEYS, isCount);
  return key === undefined ? undefined : (input[key] as number);
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cost?: number;
}

const USAGE_KEYS = {
  inputTokens: ['input_tokens', 'prompt_tokens', 'inputTokens', 'promptTokens'],
  outputTokens: ['output_tokens', 'completion_tokens', 'outputTokens', 'completionTokens'],
  totalTokens: ['total_tokens', 'totalTokens'],
} as const;
const isCost = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * Token counts and cost from free-form objects (metadata, `usage` blocks), first source first.
 * Values that are not non-negative integers (or a non-negative cost) are ignored: these objects
 * are the client's own, not the vendor's schema.
 */
export function usageFrom(...sources: unknown[]): Usage {
  const usage: Usage = {};
  const objects = sources.flatMap((source) =>
    isJsonObject(source) ? [source, ...(isJsonObject(source.usage) ? [source.usage] : [])] : [],
  );
  for (const object of objects) {
    for (const field of ['inputTokens', 'outputTokens', 'totalTokens'] as const) {
      const key = firstOf(object, USAGE_KEYS[field], isCount);
      if (usage[field] === undefined && key !== undefined) usage[field] = object[key] as number;
    }
    const costKey = firstOf(object, ['cost', 'total_cost'], isCost);
    if (usage.cost === undefined && costKey !== undefined) usage.cost = object[costKey] as number;
  }
  return usage;
}

/** A string field found in free-form objects, with where it was. */
export interface FoundString {
  value: string;
  path: string;
}

export interface Source {
  value: unknown;
  path: string;
}

/** The first non-empty string under one of `keys` in the sources, first source first. */
export function findString(sources: readonly Source[], keys: readonly string[]): FoundString | undefined {
  for (const source of sources) {
    if (!isJsonObject(source.value)) continue;
    const object = source.value;
    const key = firstOf(object, keys, (value) => typeof value === 'string' && value.length > 0);
    if (key !== undefined) return { value: object[key] as string, path: childPath(source.path, key) };
  }
  return undefined;
}

/** Where a vendor retrieval names its collection: `collectionId`, `collection_id`, `collection`, `index`. */
export const COLLECTION_KEYS = ['collectionId', 'collection_id', 'collection', 'index'] as const;
export const MODEL_KEYS = ['model', 'model_name', 'modelName'] as const;
export const SESSION_KEYS = ['sessionId', 'session_id'] as const;
export const USER_KEYS = ['user_id', 'userId', 'id'] as const;
