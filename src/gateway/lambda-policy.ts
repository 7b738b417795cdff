// A Lambda function policy as AWS's GetPolicy answers it. Lambda writes each AddPermission
// statement's principal as an object — an account ID as `{"AWS": "arn:aws:iam::<id>:root"}`,
// a service as `{"Service": "<service>"}` — but an S3-compatible upstream such as moto keeps
// the member as sent (`"Principal": "111122223333"`). A bare string other than "*" is not a
// valid policy principal, so the decision point would read the whole policy as one that grants
// nothing: a function shared with another account (or one of its users or roles) would be
// refused to it. The read policy is rewritten into Lambda's own shape before it is decided.

/** `text` with every string principal but "*" in Lambda's object form; anything else unchanged. */
export function lambdaPolicyAsAws(text: string, partition = 'aws'): string {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof document !== 'object' || document === null || !Array.isArray((document as { Statement?: unknown }).Statement)) return text;
  let changed = false;
  const statements = ((document as { Statement: unknown[] }).Statement).map((statement) => {
    if (typeof statement !== 'object' || statement === null) return statement;
    const principal = (statement as { Principal?: unknown }).Principal;
    if (typeof principal !== 'string' || principal === '*') return statement;
    const shaped = principalObject(principal, partition);
    if (shaped === undefined) return statement;
    changed = true;
    return { ...statement, Principal: shaped };
  });
  return changed ? JSON.stringify({ ...(document as object), Statement: statements }) : text;
}

/** Whether Lambda takes `principal` as AddPermission's Principal (an account ID, an ARN, a service principal). */
export function isLambdaPrincipal(principal: string): boolean {
  return principalObject(principal, 'aws') !== undefined;
}

/** AddPermission's Principal member as Lambda stores it; undefined for a value Lambda rejects. */
function principalObject(principal: string, partition: string): Record<string, string> | undefined {
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:${partition}:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  // A service principal (s3.amazonaws.com, events.amazonaws.com, …).
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal)) return { Service: principal };
  return undefined;
}
