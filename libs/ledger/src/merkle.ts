import { createHash } from 'node:crypto';

/**
 * RFC 6962 (Certificate Transparency) Merkle tree hashing, with the proof algorithms of RFC 9162
 * §2.1. It backs signed ledger checkpoints: a checkpoint signs (size, root); an inclusion proof
 * shows an entry is in it, a consistency proof shows a later checkpoint extends an earlier one.
 *
 *   MTH({})       = SHA-256()
 *   MTH({d0})     = SHA-256(0x00 ‖ d0)                          leaf hash
 *   MTH(D[n])     = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))   node hash, k = largest power of 2 < n
 *
 * Sizes and indexes are JavaScript numbers and must be safe integers; the verifiers only divide by
 * two and test parity, so they hold for any tree a ledger can reach (32-bit bitwise operators would
 * not).
 */

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_TREE_ROOT: Buffer = createHash('sha256').digest();

export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export type MerkleCheck = { ok: true } | { ok: false; reason: string };

/** The tree head of `leaves` (leaf data, not leaf hashes). */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  return leaves.length === 0 ? EMPTY_TREE_ROOT : subtreeRoot(leaves.map(leafHash), 0, leaves.length);
}

/** RFC 6962 PATH(index, leaves): sibling hashes from the leaf up to the root. */
export function inclusionProof(index: number, leaves: readonly Uint8Array[]): Buffer[] {
  assertIndex('index', index);
  if (index >= leaves.length) throw new RangeError(`index ${index} is not below the tree size ${leaves.length}`);
  const proof: Buffer[] = [];
  collectPath(leaves.map(leafHash), index, 0, leaves.length, proof);
  return proof;
}

/**
 * RFC 6962 PROOF(size1, leaves): what proves the tree of the first `size1` leaves is a prefix of the
 * tree of all of them. Requires 0 < size1 <= leaves.length; equal sizes give an empty proof.
 */
export function consistencyProof(size1: number, leaves: readonly Uint8Array[]): Buffer[] {
  assertIndex('size1', size1);
  if (size1 === 0 || size1 > leaves.length) {
    throw new RangeError(`size1 must be in 1..${leaves.length}, got ${size1}`);
  }
  const proof: Buffer[] = [];
  collectSubproof(leaves.map(leafHash), size1, 0, leaves.length, true, proof);
  return proof;
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf with hash `leafHashValue` at `index` in the tree (`treeSize`, `root`)? */
export function verifyInclusion(
  index: number,
  treeSize: number,
  leafHashValue: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): MerkleCheck {
  if (!isIndex(index) || !isIndex(treeSize)) return failure('index and tree size must be non-negative integers');
  if (index >= treeSize) return failure(`index ${index} is not below the tree size ${treeSize}`);
  if (leafHashValue.length !== HASH_SIZE)
    return failure(`leaf hash has ${leafHashValue.length} bytes, not ${HASH_SIZE}`);
  if (proof.some((hash) => hash.length !== HASH_SIZE)) return failure(`a proof hash is not ${HASH_SIZE} bytes`);

  let fn = index;
  let sn = treeSize - 1;
  let computed: Uint8Array = leafHashValue;
  for (const sibling of proof) {
    if (sn === 0) return failure('proof is longer than the path to the root');
    if (isOdd(fn) || fn === sn) {
      computed = nodeHash(sibling, computed);
      // Climb past the levels where this node has no right sibling (the right edge of the tree).
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      computed = nodeHash(computed, sibling);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) return failure('proof is shorter than the path to the root');
  return sameBytes(computed, root) ? { ok: true } : failure('computed root does not match');
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show the tree (`size2`, `root2`) extends the tree (`size1`, `root1`)?
 * A proof from the empty tree is refused (it would prove nothing), even between two empty trees —
 * as the transparency-dev test vectors expect.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): MerkleCheck {
  if (!isIndex(size1) || !isIndex(size2)) return failure('tree sizes must be non-negative integers');
  if (size2 < size1) return failure(`size2 ${size2} is smaller than size1 ${size1}`);
  if (size1 === 0) return failure('a consistency proof from the empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length > 0) return failure('equal sizes need an empty proof');
    return sameBytes(root1, root2) ? { ok: true } : failure('equal sizes but different roots');
  }
  if (proof.length === 0) return failure('empty proof');
  if (proof.some((hash) => hash.length !== HASH_SIZE)) return failure(`a proof hash is not ${HASH_SIZE} bytes`);

  // When size1 is a power of two, its root is a node of the larger tree and the proof omits it.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  const [seed, ...rest] = path as [Uint8Array, ...Uint8Array[]];
  let firstRoot = seed;
  let secondRoot = seed;
  for (const sibling of rest) {
    if (sn === 0) return failure('proof is longer than needed');
    if (isOdd(fn) || fn === sn) {
      firstRoot = nodeHash(sibling, firstRoot);
      secondRoot = nodeHash(sibling, secondRoot);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      secondRoot = nodeHash(secondRoot, sibling);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) return failure('proof is shorter than needed');
  if (!sameBytes(firstRoot, root1)) return failure('proof does not lead to root1');
  if (!sameBytes(secondRoot, root2)) return failure('proof does not lead to root2');
  return { ok: true };
}

function subtreeRoot(hashes: readonly Buffer[], start: number, end: number): Buffer {
  if (end - start === 1) return hashes[start] as Buffer;
  const split = start + largestPowerOfTwoBelow(end - start);
  return nodeHash(subtreeRoot(hashes, start, split), subtreeRoot(hashes, split, end));
}

function collectPath(hashes: readonly Buffer[], index: number, start: number, end: number, proof: Buffer[]): void {
  if (end - start <= 1) return;
  const split = start + largestPowerOfTwoBelow(end - start);
  if (start + index < split) {
    collectPath(hashes, index, start, split, proof);
    proof.push(subtreeRoot(hashes, split, end));
  } else {
    collectPath(hashes, index - (split - start), split, end, proof);
    proof.push(subtreeRoot(hashes, start, split));
  }
}

/** RFC 6962 SUBPROOF(m, D[start:end], complete), `m` counted from `start`. */
function collectSubproof(
  hashes: readonly Buffer[],
  m: number,
  start: number,
  end: number,
  complete: boolean,
  proof: Buffer[],
): void {
  if (m === end - start) {
    if (!complete) proof.push(subtreeRoot(hashes, start, end));
    return;
  }
  const k = largestPowerOfTwoBelow(end - start);
  if (m <= k) {
    collectSubproof(hashes, m, start, start + k, complete, proof);
    proof.push(subtreeRoot(hashes, start + k, end));
  } else {
    collectSubproof(hashes, m - k, start + k, end, false, proof);
    proof.push(subtreeRoot(hashes, start, start + k));
  }
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;
const isIndex = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

function assertIndex(name: string, value: number): void {
  if (!isIndex(value)) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function failure(reason: string): MerkleCheck {
  return { ok: false, reason };
}
