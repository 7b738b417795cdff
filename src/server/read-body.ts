import type { IncomingMessage, ServerResponse } from 'node:http';

/** Content-Length as sent (node:http has already refused a malformed one); 0 when absent. */
export function declaredLength(req: IncomingMessage): number {
  const value = req.headers['content-length'];
  return value === undefined ? 0 : Number(value);
}

/** Whether the request carries a body at all (a length, or chunked framing). */
export function hasBody(req: IncomingMessage): boolean {
  return declaredLength(req) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * The body, or undefined as soon as it grows past `limit`: reading stops there and what was
 * read is dropped. `Expect: 100-continue` is answered when reading starts.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.pause();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    if (expectsContinue) res.writeContinue();
  });
}
