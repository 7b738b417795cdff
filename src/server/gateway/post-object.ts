// S3's browser-based upload (POST Object, what presigned POSTs are): a multipart form to
// `POST /bucket` whose fields carry the key, a signed policy and the object's headers, and
// whose last part is the file. Tessera reads the fields (busboy; 20 KB at most, as S3 allows),
// checks the signature over the policy and the policy over the form (gateway/post-policy.ts),
// decides the upload as the PutObject it is (s3:PutObject on the object, with s3:authType
// POST), and streams the file upstream as a PutObject — counted against the policy's
// content-length-range, its end held back until the count passed, so a refused size stores
// nothing — then answers as S3 answers a POST: 204, or 200 / 201 (PostResponse) by
// success_action_status, or a 303 to success_action_redirect.

import busboy from 'busboy';
import type { Readable } from 'node:stream';
import { recordKeyUse } from '../../credentials/resolve-access-key.ts';
import { ANONYMOUS } from '../../kernel/principal.ts';
import { accessDenied, GatewayError, gatewayError } from '../../gateway/errors.ts';
import { checkPostPolicy, objectHeadersOf, postSignatureMatches, postSignatureOf, type LengthRange, type PostFields, type PostSignature } from '../../gateway/post-policy.ts';
import { upstreamFor } from '../../gateway/upstreams.ts';
import { objectTaggingContext } from '../../gateway/services/s3-body.ts';
import { authorizeMapped, bucketAccount, checkAccounts, targetSources } from './decision.ts';
import { encodePathPart, putUpstream, respond } from './post-object-upstream.ts';
import type { Flow } from './flow.ts';
import { presentedKey } from './sigv2-authenticate.ts';

/** S3's limit on the form's fields (everything but the file). */
const MAX_FIELDS_BYTES = 20 * 1024;

/** Whether an unsigned request is a browser-based upload: a multipart form POSTed to a bucket. */
export function isPostObject(method: string, contentType: string | undefined, bucket: string | undefined, path: string): boolean {
  if (method !== 'POST' || bucket === undefined || contentType === undefined) return false;
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return false;
  // POST /bucket (path-style) or POST / (virtual-hosted): never an object's path.
  const rest = path.split('?')[0]!.replace(/^\/+/, '');
  return rest === '' || rest === bucket || rest === `${bucket}/`;
}

interface Form {
  fields: Map<string, string>;
  file: Readable;
  filename: string;
  /** Settles when the whole body (the parts after the file too) has been read. */
  finished: Promise<void>;
}

export async function handlePostObject(flow: Flow, bucket: string): Promise<void> {
  const { ctx, deps, req } = flow;
  ctx.operation = 'PostObject';
  ctx.region = 'us-east-1';
  const upstream = upstreamFor(deps.gateway.settings, 's3')!;
  const form = await readForm(flow);
  const fields: PostFields = form.fields;

  // The key, with ${filename} replaced by the file's name (as S3 does).
  const sentKey = fields.get('key');
  if (sentKey === undefined) throw gatewayError('InvalidArgument', "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", 400, { ArgumentName: 'key', ArgumentValue: '' });
  const key = sentKey.replaceAll('${filename}', form.filename);
  if (key === '' || Buffer.byteLength(key) > 1024) throw gatewayError('KeyTooLongError', 'Your key is too long', 400);

  // Who signed: SigV4, SigV2, or nobody (the anonymous caller).
  const signature = postSignatureOf(fields);
  if ('code' in signature) throw new GatewayError(signature);
  const policy = fields.get('policy');
  let range: LengthRange | undefined;
  if (signature.version === 'none') {
    ctx.principal = ANONYMOUS;
  } else {
    if (policy === undefined) throw gatewayError('InvalidArgument', "Bucket POST must contain a field named 'policy'.  If it is specified, please check the order of the fields.", 400, { ArgumentName: 'policy', ArgumentValue: '' });
    await authenticateForm(flow, signature, policy);
  }
  if (policy !== undefined) {
    const checked = checkPostPolicy(policy, fields, bucket, deps.clock.now());
    if (!checked.ok) throw new GatewayError(checked.failure);
    range = checked.range;
  }

  // Decided as the PutObject it is, with what the form says (its ACL, encryption, metadata…).
  const principal = ctx.principal!;
  const callerAccount = principal.accountId !== '' ? principal.accountId : deps.gateway.defaultAccount();
  const ownerAccount = await bucketAccount(flow, bucket, callerAccount);
  if (flow.absentBuckets?.has(bucket)) throw gatewayError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });
  const headers = objectHeadersOf(fields);
  // The form's tags are a Tagging document; the PutObject carries them as x-amz-tagging (and
  // needs s3:PutObjectTagging, with s3:RequestObjectTag/<key>, as S3 decides a POST with tags).
  const tagging = fields.get('tagging');
  if (tagging !== undefined) {
    const tags = objectTaggingContext(Buffer.from(tagging, 'utf8'));
    if (typeof tags === 'string') throw gatewayError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
    headers['x-amz-tagging'] = new URLSearchParams(tags).toString();
  }
  const path = `/${encodePathPart(bucket)}/${key.split('/').map(encodePathPart).join('/')}`;
  const now = deps.clock.now();
  const mapper = await deps.gateway.mapper();
  const mapped = mapper.mapRequest({ service: 's3', method: 'PUT', path, query: '', headers, region: 'us-east-1', ownerAccountId: ownerAccount, requestAccountId: principal.accountId, now });
  if (mapped.kind !== 'mapped') throw gatewayError('InvalidRequest', mapped.kind === 'needs-body' ? mapped.reason : mapped.message, 400);
  const postFacts = { 's3:authType': 'POST', ...(signature.version === 'none' ? {} : { 's3:signatureversion': signature.version === 4 ? 'AWS4-HMAC-SHA256' : 'AWS' }) };
  for (const check of mapped.targets) {
    const context: Record<string, unknown> = { ...check.context, ...postFacts };
    if (signature.version !== 4 || signature.amzDate === undefined) delete context['s3:signatureAge'];
    check.context = context as typeof check.context;
  }
  const accounts = await checkAccounts(flow, mapped, callerAccount, ownerAccount);
  const sources = targetSources(flow, 's3', upstream, 'us-east-1', accounts);
  const { decided } = await authorizeMapped(flow, mapped, sources, now);
  if (decided.refusal !== undefined) {
    const denial = accessDenied('s3', principal.kind === 'anonymous' ? 'Access Denied' : decided.refusal.message);
    if (deps.gateway.settings.mode === 'enforce') throw denial;
    deps.logger.warn('gateway audit mode: forwarding a request its policies refuse', {
      requestId: ctx.requestId, service: 's3', operation: 'PostObject', principal: principal.arn, action: ctx.authorization?.action, resource: ctx.authorization?.resource, reason: ctx.authorization?.reason,
    });
  }

  // The file, streamed upstream as a PutObject in the bucket owner's account.
  const answer = await putUpstream(flow, form.file, range, { upstream, accountId: accounts[0] ?? ownerAccount, path, headers });
  // What follows the file (S3 ignores it) is read to its end, so the connection can be kept.
  await Promise.race([form.finished, new Promise((wait) => setTimeout(wait, 1000).unref())]);
  flow.bodyDone = req.complete;
  await deps.gateway.invalidate({ resources: [`arn:aws:s3:::${bucket}/${key}`], buckets: [] });
  respond(flow, fields, { bucket, key, status: answer.status, headers: answer.headers, body: answer.body });
  ctx.response = { status: flow.res.statusCode, headers: {}, body: '' };
}

/** The fields up to the file (S3 ignores any after it), and the file as a stream. */
function readForm(flow: Flow): Promise<Form> {
  const { req } = flow;
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fieldNameSize: 256, fieldSize: MAX_FIELDS_BYTES, fields: 100, files: 1, parts: 102 } });
    } catch (err) {
      reject(gatewayError('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', 400));
      return;
    }
    const fields = new Map<string, string>();
    let size = 0;
    let settled = false;
    const finished = new Promise<void>((done) => {
      parser.once('close', done);
      parser.once('error', () => done());
    });
    const fail = (error: GatewayError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      size += name.length + value.length;
      if (size > MAX_FIELDS_BYTES || info.valueTruncated || info.nameTruncated) {
        fail(gatewayError('MaxPostPreDataLengthExceeded', 'Your POST request fields preceding the upload file were too large.', 400));
        return;
      }
      const lower = name.toLowerCase();
      if (!fields.has(lower)) fields.set(lower, value);
    });
    parser.on('file', (name, stream, info) => {
      if (settled) {
        stream.resume();
        return;
      }
      if (name.toLowerCase() !== 'file') {
        stream.resume();
        fail(gatewayError('InvalidArgument', 'POST requires exactly one file upload per request.', 400, { ArgumentName: 'file', ArgumentValue: '0' }));
        return;
      }
      settled = true;
      resolve({ fields, file: stream, filename: info.filename ?? '', finished });
    });
    parser.on('error', () => fail(gatewayError('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', 400)));
    parser.on('close', () => fail(gatewayError('InvalidArgument', 'POST requires exactly one file upload per request.', 400, { ArgumentName: 'file', ArgumentValue: '0' })));
    req.pipe(parser);
  });
}

/** The form's signature over its policy, with the key it names (a long-term key or a session's). */
async function authenticateForm(flow: Flow, signature: Exclude<PostSignature, { version: 'none' }>, policy: string): Promise<void> {
  const { ctx, deps } = flow;
  const key = await presentedKey(ctx, deps, signature.accessKeyId, signature.securityToken);
  const signingKey = signature.version === 4 ? deps.signingKeys.signingKey(key.secretAccessKey, signature.date, signature.region, signature.service) : key.secretAccessKey;
  if (!postSignatureMatches(signature, policy, signingKey)) {
    throw gatewayError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403, { AWSAccessKeyId: signature.accessKeyId, StringToSign: policy, SignatureProvided: signature.signature });
  }
  ctx.principal = key.principal;
  if (key.use === undefined) return;
  recordKeyUse(deps.store, signature.accessKeyId, key.use).catch((err) => {
    deps.logger.warn('could not record access key use', { requestId: ctx.requestId, accessKeyId: signature.accessKeyId, error: String(err) });
  });
}
