import { createServer } from 'node:http';

/**
 * A fast stand-in for S3, for the gateway benchmark: a bare node:http server answering
 * ListBuckets, GetObject (a small object), HeadBucket, GetBucketEncryption and PutObject (the
 * body is drained and counted), in S3's XML, without checking signatures — so that the
 * upstream does not dominate what is measured.
 */
const OBJECT = Buffer.alloc(1024, 'x');
const LIST = '<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>bench</ID><DisplayName>bench</DisplayName></Owner><Buckets><Bucket><Name>bench</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>';

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  if (req.method === 'PUT') {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      res.writeHead(200, { ETag: `"${bytes}"`, 'Content-Length': '0' });
      res.end();
    });
    return;
  }
  req.resume();
  if (path === '/') {
    res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(LIST)) });
    res.end(LIST);
    return;
  }
  if (req.method === 'HEAD') {
    res.writeHead(200, { 'Content-Length': '0' });
    res.end();
    return;
  }
  // A bucket's default encryption, as S3 answers it since 2023 (SSE-S3): the gateway reads it
  // before an upload, to know whether a KMS key is used on the writer's behalf.
  if (req.url?.includes('encryption')) {
    const body = '<?xml version="1.0" encoding="UTF-8"?>\n<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>';
    res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
    return;
  }
  if (req.url?.includes('policy') || req.url?.includes('tagging')) {
    const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist</Message></Error>';
    res.writeHead(404, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', ETag: '"bench"', 'Content-Length': String(OBJECT.length) });
  res.end(OBJECT);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address !== null) console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
