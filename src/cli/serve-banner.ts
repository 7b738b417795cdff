/**
 * What `tessera serve` prints at start, without secrets:
 *
 * - The store URL as shown: a PostgreSQL URL's password (userinfo, or a `password` query
 *   parameter, as libpq and node-postgres accept) replaced by `***`.
 * - The root credentials block: the secret is shown only when this start generated it. One the
 *   operator passed (--root-secret-access-key / TESSERA_ROOT_SECRET_ACCESS_KEY: a Kubernetes or
 *   CI secret) is never echoed to stdout, which container runtimes ship to log collectors.
 */

export function storeForDisplay(store: string): string {
  if (!/^postgres(ql)?:\/\//i.test(store)) return store;
  let url: URL;
  try {
    url = new URL(store);
  } catch {
    // Unparseable: show the scheme only rather than risk a password.
    return `${store.slice(0, store.indexOf(':'))}://…`;
  }
  if (url.password !== '') url.password = '***';
  for (const name of [...url.searchParams.keys()]) {
    if (/^(password|sslpassword|sslkey)$/i.test(name)) url.searchParams.set(name, '***');
  }
  return url.toString();
}

export function rootCredentialsLines(created: { accessKeyId: string; secretAccessKey: string }, suppliedSecret: string | undefined, where: string): string {
  const supplied = suppliedSecret !== undefined && suppliedSecret === created.secretAccessKey;
  if (supplied) {
    return `Root user credentials (the secret is the one --root-secret-access-key / TESSERA_ROOT_SECRET_ACCESS_KEY gave${where}):\n` +
      `  AWS_ACCESS_KEY_ID=${created.accessKeyId}\n`;
  }
  return `Root user credentials (shown once${where}):\n  AWS_ACCESS_KEY_ID=${created.accessKeyId}\n  AWS_SECRET_ACCESS_KEY=${created.secretAccessKey}\n`;
}
