import type { StoreTx } from '../../store/types.ts';
import { awsPrincipalValues, replaceAwsPrincipalValues } from '../../policy/index.ts';
import { iamArn } from '../../kernel/arns.ts';
import { Kind } from '../kinds.ts';
import { invalidPrincipal } from './errors.ts';

/**
 * Users and roles named in a trust policy are bound to the entity, as IAM does ("When you
 * save the policy, AWS transforms the ARN to a unique principal ID… there is also a reverse
 * transformation back to the ARN when the trust policy is displayed. However, if you delete
 * the role or user, then the relationship is broken… even if you recreate the user or role";
 * IAM User Guide, role trust policy examples and "AWS JSON policy elements: Principal").
 *
 *   on write  each user or role ARN in Principal.AWS / NotPrincipal.AWS is replaced by the
 *             entity's unique ID (AIDA… / AROA…), in the caller's account or any other account
 *             Tessera holds; one naming no existing user or role — another case, another path,
 *             an account Tessera does not hold, or the unique ID of a deleted entity — is
 *             refused: MalformedPolicyDocument `Invalid principal in policy: "AWS":"<value>"`.
 *             Accounts, root ARNs, role-session and federated-user ARNs, `*`, services and
 *             identity providers stay as written.
 *   stored    the bound text: the policy engine matches a unique ID only against the caller
 *             whose user or role has it, so a user or role deleted and created again under
 *             the same name is not trusted by the old grant.
 *   on read   each unique ID of an existing user or role shows as its current ARN; that of a
 *             deleted one stays a unique ID — a new entity of the same name has another ID.
 *
 * The rest of the document is kept byte for byte (see policy/principal-values.ts).
 */

type EntityKind = typeof Kind.user | typeof Kind.role;

/** A user or role ARN: its partition, account, type, and path with name (split at the last '/'). */
const USER_OR_ROLE_ARN = /^arn:([^:]*):iam::(\d{12}):(user|role)(\/.*)$/;
/** The engine's unique-ID shape (policy/principal.ts): any value of it is read as a unique ID. */
const UNIQUE_ID = /^A[A-Z]{3}[A-Z0-9]{12,}$/;
const KIND_OF_PREFIX: Readonly<Record<string, EntityKind>> = { AIDA: Kind.user, AROA: Kind.role };

/** The trust policy text to store: users and roles bound to their unique IDs. */
export async function bindTrustPolicyPrincipals(tx: StoreTx, text: string): Promise<string> {
  const bound = new Map<string, string>();
  for (const value of awsPrincipalValues(text)) {
    const id = await boundIdOf(tx, value);
    if (id !== undefined && id !== value) bound.set(value, id);
  }
  return replaceAwsPrincipalValues(text, bound);
}

/** The unique ID a principal value binds to; undefined for values that stay as written. */
async function boundIdOf(tx: StoreTx, value: string): Promise<string | undefined> {
  const arn = USER_OR_ROLE_ARN.exec(value);
  if (arn) {
    const [, partition, accountId, type, pathAndName] = arn as unknown as [string, string, string, 'user' | 'role', string];
    const path = pathAndName.slice(0, pathAndName.lastIndexOf('/') + 1);
    const name = pathAndName.slice(path.length);
    // IAM names are unique in any case, but the name in a principal ARN is case sensitive.
    const entity = partition === 'aws' ? await tx.getByName(accountId, type === 'user' ? Kind.user : Kind.role, name) : undefined;
    if (!entity || entity.name !== name || entity.path !== path) throw invalidPrincipal(value);
    return entity.id;
  }
  if (UNIQUE_ID.test(value)) {
    const kind = KIND_OF_PREFIX[value.slice(0, 4)];
    if (kind === undefined || !(await tx.get(kind, value))) throw invalidPrincipal(value);
    return value;
  }
  return undefined;
}

/**
 * Shows stored trust policies: each bound unique ID as its entity's current ARN, or as the
 * ID once the entity is gone. One per request (or per listing): it remembers what it read.
 */
export class PrincipalNames {
  readonly #tx: StoreTx;
  readonly #arns = new Map<string, Promise<string | undefined>>();

  constructor(tx: StoreTx) {
    this.#tx = tx;
  }

  async display(text: string): Promise<string> {
    const shown = new Map<string, string>();
    for (const value of awsPrincipalValues(text)) {
      const kind = UNIQUE_ID.test(value) ? KIND_OF_PREFIX[value.slice(0, 4)] : undefined;
      if (kind === undefined) continue;
      const arn = await this.#arnOf(kind, value);
      if (arn !== undefined) shown.set(value, arn);
    }
    return replaceAwsPrincipalValues(text, shown);
  }

  #arnOf(kind: EntityKind, id: string): Promise<string | undefined> {
    let arn = this.#arns.get(id);
    if (arn === undefined) {
      arn = this.#tx.get(kind, id).then((entity) => (entity ? iamArn(entity.accountId, kind, entity.path, entity.name) : undefined));
      this.#arns.set(id, arn);
    }
    return arn;
  }
}
