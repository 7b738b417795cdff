export type { SessionClaims, SessionKind } from '../kernel/session.ts';
export { sealSession, openSession, MAX_TOKEN_LENGTH, MAX_ISSUED_TOKEN_LENGTH, SessionTooLargeError, type OpenResult, type OpenFailure } from './seal.ts';
export { TokenKeyRing, TOKEN_KEY_KIND, type TokenKeyData, type TokenKeyRingDeps, type TokenKeyRingOptions } from './key-ring.ts';
export { tokenKeyFromBytes, TOKEN_KEY_BYTES, type TokenKey, type KeyRingSnapshot } from './token-key.ts';
export { newTokenKeyId, isWellFormedTokenKeyId } from './key-id.ts';
export { issueSessionToken, openSessionToken } from './session-tokens.ts';
