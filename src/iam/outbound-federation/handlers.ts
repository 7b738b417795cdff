import { isoSeconds } from '../../kernel/clock.ts';
import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable } from '../handler.ts';
import { Kind } from '../kinds.ts';
import { featureDisabled, featureEnabled, noIssuerBaseUrl } from './errors.ts';
import { issuerBaseUrl, issuerUrl } from './issuer-url.ts';
import {
  generateSigningKey, outboundFederationOf, outboundKeyContext,
  type OutboundFederationData,
} from './records.ts';

/**
 * EnableOutboundWebIdentityFederation, DisableOutboundWebIdentityFederation and
 * GetOutboundWebIdentityFederationInfo (IAM User Guide, "Getting started with outbound identity
 * federation"). The first enable makes the account's issuer (a random ID under this server's
 * URL, issuer-url.ts) and its two signing key pairs; disabling only turns token vending off,
 * and enabling again brings back the same issuer and keys. Each answers the model's error for
 * asking the state the account is already in: FeatureEnabled (409) for a second enable,
 * FeatureDisabled (404) for disabling what is off and for reading the configuration of an
 * account that never enabled it.
 */

async function enable(_input: object, ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const existing = await outboundFederationOf(ctx.store, accountId);
  if (existing?.data.enabled) throw featureEnabled();
  if (existing) {
    const updated = await ctx.store.transaction(async (tx) => {
      const current = await outboundFederationOf(tx, accountId);
      if (!current || current.data.enabled) throw featureEnabled();
      return tx.update<OutboundFederationData>({ ...current, data: { ...current.data, enabled: true } });
    });
    return { IssuerIdentifier: updated.data.issuer };
  }

  const base = issuerBaseUrl(ctx.endpoint);
  if (base === undefined) throw noIssuerBaseUrl();
  const id = Buffer.from(ctx.random.bytes(16)).toString('hex');
  const seal = (pem: string) => ctx.secrets.seal(pem, outboundKeyContext(id));
  // Key generation (tens of milliseconds for RSA) happens before the transaction opens.
  const keys = { RS256: await generateSigningKey('RS256', seal), ES384: await generateSigningKey('ES384', seal) };
  const issuer = issuerUrl(base, id);
  const created = await ctx.store.transaction(async (tx) => {
    // Two first enables racing: the one that commits first wins, the other is told it is on.
    if (await outboundFederationOf(tx, accountId)) throw featureEnabled();
    return tx.insert<OutboundFederationData>({
      accountId, kind: Kind.outboundFederation, id, name: id, parentId: '', path: '/', createdAt: isoSeconds(ctx.clock.now()),
      data: { enabled: true, issuer, keys },
    });
  });
  return { IssuerIdentifier: created.data.issuer };
}

async function disable(_input: object, ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const current = await outboundFederationOf(tx, ctx.principal.accountId);
    if (!current?.data.enabled) throw featureDisabled();
    await tx.update<OutboundFederationData>({ ...current, data: { ...current.data, enabled: false } });
  });
  return {};
}

async function info(_input: object, ctx: OperationContext) {
  const current = await outboundFederationOf(ctx.store, ctx.principal.accountId);
  if (!current) throw featureDisabled();
  return { IssuerIdentifier: current.data.issuer, JwtVendingEnabled: current.data.enabled };
}

export const handlers = {
  EnableOutboundWebIdentityFederation: enable,
  DisableOutboundWebIdentityFederation: disable,
  GetOutboundWebIdentityFederationInfo: info,
} satisfies IamHandlerTable;
