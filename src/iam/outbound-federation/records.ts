import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { SecretSealer } from '../../kernel/operation.ts';
import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { Kind } from '../kinds.ts';

/**
 * Outbound identity federation of one account (IAM User Guide, "Outbound identity
 * federation"): whether its principals may call sts:GetWebIdentityToken, the account's issuer
 * URL, and the two key pairs that sign its tokens. One record per account, made at the first
 * EnableOutboundWebIdentityFederation and kept when the feature is disabled, so that enabling
 * it again gives back the same issuer and keys (relying parties that trust the issuer need not
 * be told again):
 *
 *   iam-outbound-federation  id = name = the issuer ID (random), account = the account,
 *                            data { enabled, issuer, keys: RS256 and ES384 }
 *
 * The issuer ID is random, not derived from the account, so the public issuer URL does not
 * name the account (AWS's issuers, https://<uuid>.tokens.sts.global.api.aws, do not either);
 * the discovery routes find the record by it. Private keys are sealed under the master key,
 * bound to the record (`outboundKeyContext`), and leave this module only as KeyObjects.
 */
export type SigningAlgorithm = 'RS256' | 'ES384';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES384'];

export interface OutboundSigningKey {
  /** The key's ID in the JWKS and in each token's header. */
  kid: string;
  /** The public key as a JWK (kty, n/e or crv/x/y). */
  publicJwk: Record<string, string>;
  /** The PKCS#8 PEM private key, sealed with outboundKeyContext(record id). */
  sealedPrivateKey: string;
}

export interface OutboundFederationData {
  enabled: boolean;
  /** The IssuerIdentifier: `<base URL>/_tessera/outbound/<issuer id>`, fixed at the first enable. */
  issuer: string;
  keys: Record<SigningAlgorithm, OutboundSigningKey>;
}

export type OutboundFederationRecord = EntityRecord<OutboundFederationData>;

/** The path under which an issuer's discovery documents are served (server/outbound-discovery-routes.ts). */
export const OUTBOUND_ISSUER_PATH = '/_tessera/outbound/';

/** An issuer ID: 32 lower-case hex digits (128 random bits). */
export const ISSUER_ID_PATTERN = /^[0-9a-f]{32}$/;

export function outboundKeyContext(recordId: string): string {
  return `iam:outbound-federation:${recordId}`;
}

export async function outboundFederationOf(tx: StoreTx, accountId: string): Promise<OutboundFederationRecord | undefined> {
  return (await tx.list<OutboundFederationData>(accountId, Kind.outboundFederation, { limit: 1 }))[0];
}

/** The record of an issuer ID (as the discovery routes and AssumeRoleWithWebIdentity see it). */
export async function outboundFederationByIssuerId(tx: StoreTx, issuerId: string): Promise<OutboundFederationRecord | undefined> {
  if (!ISSUER_ID_PATTERN.test(issuerId)) return undefined;
  return tx.get<OutboundFederationData>(Kind.outboundFederation, issuerId);
}

/** The issuer ID an issuer URL names, if it has Tessera's outbound issuer form. */
export function issuerIdOf(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  if (!url.pathname.startsWith(OUTBOUND_ISSUER_PATH)) return undefined;
  const id = url.pathname.slice(OUTBOUND_ISSUER_PATH.length);
  return ISSUER_ID_PATTERN.test(id) ? id : undefined;
}

/**
 * Whether `issuer` is exactly the issuer of one of this store's accounts (enabled or not):
 * AWS documents that tokens from GetWebIdentityToken cannot be used with
 * AssumeRoleWithWebIdentity, and this is how that call recognises them.
 */
export async function isOutboundIssuer(tx: StoreTx, issuer: string): Promise<boolean> {
  const id = issuerIdOf(issuer);
  if (id === undefined) return false;
  const record = await outboundFederationByIssuerId(tx, id);
  return record !== undefined && record.data.issuer === issuer;
}

/**
 * A new key pair for one algorithm: RSA 2048 for RS256, EC P-384 for ES384. Its kid is the
 * public key's RFC 7638 thumbprint, so a kid names exactly one key, on every node.
 */
export async function generateSigningKey(algorithm: SigningAlgorithm, seal: (pem: string) => string): Promise<OutboundSigningKey> {
  const pair = algorithm === 'RS256'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const publicJwk: Record<string, string> = algorithm === 'RS256'
    ? { kty: 'RSA', n: jwk['n']!, e: jwk['e']! }
    : { kty: 'EC', crv: 'P-384', x: jwk['x']!, y: jwk['y']! };
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { kid, publicJwk, sealedPrivateKey: seal(pem) };
}

/** Opens one algorithm's private key of the record (never returned as text). */
export function openSigningKey(record: OutboundFederationRecord, algorithm: SigningAlgorithm, secrets: SecretSealer): KeyObject {
  return createPrivateKey(secrets.open(record.data.keys[algorithm].sealedPrivateKey, outboundKeyContext(record.id)));
}
