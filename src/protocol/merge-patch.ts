// JSON Merge Patch (RFC 7396), the format of models/patches.json.
// Objects merge member by member, `null` deletes a member, any other value
// replaces the target outright (arrays included: a patch restates a whole list).
// Keys named "$comment" are explanations for readers and are never applied.

const COMMENT_KEY = '$comment';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return stripComments(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === COMMENT_KEY) continue;
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key !== COMMENT_KEY) result[key] = stripComments(inner);
  }
  return result;
}
