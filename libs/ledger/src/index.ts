export { canonicalize, JcsError, type JsonArray, type JsonObject, type JsonPrimitive, type JsonValue } from './jcs';
export {
  canonicalEntry,
  canonicalEntryParts,
  chainEntries,
  ChainVerifier,
  entryHash,
  genesisHash,
  InvalidEntryError,
  isSha256Hex,
  verifyChain,
  withSeq,
  type CanonicalParts,
  type ChainedEntry,
  type ChainHead,
  type ChainVerifierOptions,
  type ExportLine,
  type LedgerEntry,
  type NewLedgerEntry,
  type VerifyFailure,
  type VerifyResult,
  type VerifySuccess,
} from './chain';
export { ExportFormatError, formatExportLine, parseExportLine, parseExportLines } from './export';
export { verifyExport, type OrgVerification } from './verify-export';
export {
  consistencyProof,
  EMPTY_TREE_ROOT,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
  type MerkleCheck,
} from './merkle';
