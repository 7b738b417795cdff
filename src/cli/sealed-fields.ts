import type { EntityRecord } from '../store/types.ts';
import type { SealedField, SealedValue } from '../store/reseal.ts';
import { Kind } from '../iam/kinds.ts';
import type { AccessKeyData } from '../iam/records.ts';
import type { ServerCertificateData, ServiceSpecificCredentialData } from '../iam/certificates/records.ts';
import type { MfaDeviceData } from '../iam/credentials/records.ts';
import { samlPrivateKeyContext, type SamlProviderData } from '../iam/providers/records.ts';
import { TOKEN_KEY_KIND, type TokenKeyData } from '../tokens/key-ring.ts';
import { outboundKeyContext, SIGNING_ALGORITHMS, type OutboundFederationData } from '../iam/outbound-federation/records.ts';

/**
 * Every place the store keeps a value sealed with the master key, and the context it was
 * sealed with (which must match the `secrets.seal(…, context)` call that wrote it). A new
 * sealed field must be added here, or `tessera master-key rotate` leaves it under the old key
 * and `retire` never sees it: test/integration/master-key-rotation.test.ts creates one of each
 * and fails if any sealed-looking value in the store is not listed here.
 *
 * Not at rest, so not here: DecodeAuthorizationMessage's encoded messages (sealed, handed to
 * the caller, never stored) stop opening once the key that sealed them is retired.
 */

type Data<D> = EntityRecord<D>['data'];

/** A field holding one sealed value (or none, when optional and absent). */
function single<D>(kind: string, fields: readonly (keyof D & string)[], context: (record: EntityRecord<D>) => string): SealedField {
  return {
    kind,
    map(record, each) {
      const typed = record as EntityRecord<D>;
      const data = { ...(typed.data as Data<D> & object) } as Record<string, unknown>;
      for (const name of fields) {
        const sealed = data[name];
        if (sealed === undefined) continue;
        if (typeof sealed !== 'string') throw new Error(`${kind} ${record.id}: ${name} is not a sealed value`);
        data[name] = each({ sealed, context: context(typed) });
      }
      return data;
    },
  };
}

export const SEALED_FIELDS: readonly SealedField[] = [
  single<AccessKeyData>(Kind.accessKey, ['sealedSecret'], (r) => r.id),
  single<ServiceSpecificCredentialData>(Kind.serviceSpecificCredential, ['sealedPassword', 'sealedSecret'], (r) => r.id),
  single<ServerCertificateData>(Kind.serverCertificate, ['sealedPrivateKey'], (r) => r.id),
  single<MfaDeviceData>(Kind.mfaDevice, ['sealedSeed'], (r) => r.data.serialNumber),
  single<TokenKeyData>(TOKEN_KEY_KIND, ['sealedSecret'], (r) => r.id),
  {
    kind: Kind.samlProvider,
    map(record, each: (value: SealedValue) => string) {
      const data = record.data as SamlProviderData;
      if (!Array.isArray(data.privateKeys)) throw new Error(`${Kind.samlProvider} ${record.id}: privateKeys is not a list`);
      return {
        ...data,
        privateKeys: data.privateKeys.map((key) => ({ ...key, sealedKey: each({ sealed: key.sealedKey, context: samlPrivateKeyContext(record.id, key.keyId) }) })),
      };
    },
  },
  {
    // An account's outbound federation signing keys (RS256, ES384), one sealed private key each.
    kind: Kind.outboundFederation,
    map(record, each: (value: SealedValue) => string) {
      const data = record.data as OutboundFederationData;
      if (typeof data.keys !== 'object' || data.keys === null) throw new Error(`${Kind.outboundFederation} ${record.id}: keys is not an object`);
      const keys = { ...data.keys };
      for (const alg of SIGNING_ALGORITHMS) {
        keys[alg] = { ...keys[alg], sealedPrivateKey: each({ sealed: keys[alg].sealedPrivateKey, context: outboundKeyContext(record.id) }) };
      }
      return { ...data, keys };
    },
  },
];
