import type { CompiledPolicy } from '../../policy/index.ts';

/**
 * GetContextKeysFor*Policy: every context key the policies reference — condition keys and
 * the keys of policy variables in Resource, NotResource and condition values — in
 * document order, spelled as first written. AWS keeps the spelling of the policy (its CLI
 * example answers `aws:username`, `aws:CurrentTime` for a policy using
 * `${aws:username}` and `aws:CurrentTime`); since key names are case-insensitive, a key
 * written twice in different cases is listed once.
 */
export function contextKeysOf(policies: readonly CompiledPolicy[]): string[] {
  const keys = new Map<string, string>();
  for (const policy of policies) {
    for (const statement of policy.statements) {
      for (const { key, lower } of statement.referencedKeys) if (!keys.has(lower)) keys.set(lower, key);
    }
  }
  return [...keys.values()];
}
