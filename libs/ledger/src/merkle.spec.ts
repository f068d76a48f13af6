import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  consistencyProof,
  EMPTY_TREE_ROOT,
  inclusionProof,
  leafHash,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from './index';

// transparency-dev/merkle test vectors (Apache 2.0; see testdata/merkle/README.md and LICENSE).
const VECTORS = path.join(__dirname, '../testdata/merkle');

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function vectorFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    if (statSync(file).isDirectory()) return vectorFiles(file);
    return file.endsWith('.json') ? [file] : [];
  });
}

function load<T>(kind: 'inclusion' | 'consistency'): [string, T][] {
  const root = path.join(VECTORS, kind);
  return vectorFiles(root).map((file) => [path.relative(root, file), JSON.parse(readFileSync(file, 'utf8')) as T]);
}

const bytes = (base64: string): Buffer => Buffer.from(base64, 'base64');
const hashes = (proof: string[] | null): Buffer[] => (proof ?? []).map(bytes);

// The leaves behind the vectors (and RFC 6962's reference tests), with the tree roots of each prefix.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (hex) => Buffer.from(hex, 'hex'),
);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 6962 Merkle tree', () => {
  it('hashes the empty tree, leaves and prefixes as RFC 6962 does', () => {
    expect(merkleRoot([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(EMPTY_TREE_ROOT.equals(merkleRoot([]))).toBe(true);
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(ROOTS[0]);
    for (let size = 1; size <= LEAVES.length; size++) {
      expect(merkleRoot(LEAVES.slice(0, size)).toString('hex')).toBe(ROOTS[size - 1]);
    }
  });

  describe('inclusion vectors', () => {
    const vectors = load<InclusionVector>('inclusion');

    it('includes the expected number of vectors, negative ones among them', () => {
      expect(vectors).toHaveLength(98);
      expect(vectors.filter(([, vector]) => vector.wantErr).length).toBeGreaterThan(80);
    });

    it.each(vectors)('%s', (_file, vector) => {
      const check = verifyInclusion(
        vector.leafIdx,
        vector.treeSize,
        bytes(vector.leafHash),
        hashes(vector.proof),
        bytes(vector.root),
      );
      expect(check.ok).toBe(!vector.wantErr);
    });

    it('produces the proofs of the happy-path vectors', () => {
      for (const [file, vector] of vectors) {
        if (!file.endsWith('happy-path.json')) continue;
        const leaves = LEAVES.slice(0, vector.treeSize);
        expect(inclusionProof(vector.leafIdx, leaves)).toEqual(hashes(vector.proof));
        expect(merkleRoot(leaves)).toEqual(bytes(vector.root));
      }
    });
  });

  describe('consistency vectors', () => {
    const vectors = load<ConsistencyVector>('consistency');

    it('includes the expected number of vectors, negative ones among them', () => {
      expect(vectors).toHaveLength(98);
      expect(vectors.filter(([, vector]) => vector.wantErr).length).toBeGreaterThan(80);
    });

    it.each(vectors)('%s', (_file, vector) => {
      const check = verifyConsistency(
        vector.size1,
        vector.size2,
        hashes(vector.proof),
        bytes(vector.root1),
        bytes(vector.root2),
      );
      expect(check.ok).toBe(!vector.wantErr);
    });

    it('produces the proofs of the happy-path vectors', () => {
      for (const [file, vector] of vectors) {
        if (!file.endsWith('happy-path.json')) continue;
        expect(consistencyProof(vector.size1, LEAVES.slice(0, vector.size2))).toEqual(hashes(vector.proof));
      }
    });
  });

  describe('proofs it produces, for every tree of up to 33 leaves', () => {
    const leaves = Array.from({ length: 33 }, (_, index) => Buffer.from(`entry ${index}`));
    const trees = leaves.map((_, index) => leaves.slice(0, index + 1));

    it('verify', () => {
      for (const tree of trees) {
        const root = merkleRoot(tree);
        tree.forEach((leaf, index) => {
          expect(verifyInclusion(index, tree.length, leafHash(leaf), inclusionProof(index, tree), root)).toEqual({
            ok: true,
          });
        });
        for (let size1 = 1; size1 <= tree.length; size1++) {
          const root1 = merkleRoot(tree.slice(0, size1));
          expect(verifyConsistency(size1, tree.length, consistencyProof(size1, tree), root1, root)).toEqual({
            ok: true,
          });
        }
      }
    });

    it('fail for another leaf, another index, or a rewritten history', () => {
      for (const tree of trees.slice(1)) {
        const root = merkleRoot(tree);
        const size = tree.length;
        // The same history with its last leaf rewritten: consistent with no earlier tree it claims to extend.
        const forkedRoot = merkleRoot([...tree.slice(0, size - 1), Buffer.from('rewritten')]);
        tree.forEach((leaf, index) => {
          const proof = inclusionProof(index, tree);
          expect(verifyInclusion(index, size, leafHash(Buffer.from('forged')), proof, root).ok).toBe(false);
          expect(verifyInclusion((index + 1) % size, size, leafHash(leaf), proof, root).ok).toBe(false);
        });
        for (let size1 = 1; size1 < size; size1++) {
          const root1 = merkleRoot(tree.slice(0, size1));
          expect(verifyConsistency(size1, size, consistencyProof(size1, tree), root1, forkedRoot).ok).toBe(false);
        }
      }
    });
  });

  it('explains why a proof fails', () => {
    const root = merkleRoot(LEAVES);
    const proof = inclusionProof(2, LEAVES);
    expect(verifyInclusion(2, 8, leafHash(LEAVES[2] as Buffer), proof.slice(1), root)).toEqual({
      ok: false,
      reason: 'proof is shorter than the path to the root',
    });
    expect(verifyConsistency(0, 8, [], EMPTY_TREE_ROOT, root)).toEqual({
      ok: false,
      reason: 'a consistency proof from the empty tree proves nothing',
    });
  });

  it('refuses to build proofs outside the tree', () => {
    expect(() => inclusionProof(8, LEAVES)).toThrow(RangeError);
    expect(() => consistencyProof(0, LEAVES)).toThrow(RangeError);
    expect(() => consistencyProof(9, LEAVES)).toThrow(RangeError);
    expect(consistencyProof(8, LEAVES)).toEqual([]);
  });
});
