import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { allowedDeleteDocument, refusedOnlyResult, rewrittenBodyHeaders, withRefusedObjects } from './partial-delete.ts';
import { deleteDocument } from './services/s3-body.ts';

describe('DeleteObjects decided object by object: the documents', () => {
  it('the upstream document lists exactly the allowed objects, keys escaped, and keeps the quiet flag', () => {
    const objects = [{ key: 'a&b<c>.txt' }, { key: 'v.txt', versionId: '3/"x"' }];
    for (const quiet of [false, true]) {
      const parsed = deleteDocument(allowedDeleteDocument(objects, quiet));
      assert.deepEqual(parsed, { objects, quiet });
    }
  });

  it('the refused objects are added to the upstream answer, whatever its shape', () => {
    const refused = [{ key: 'x<y' }, { key: 'v', versionId: '7' }];
    const errors = '<Error><Key>x&lt;y</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'
      + '<Error><Key>v</Key><VersionId>7</VersionId><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
    const ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
    assert.equal(withRefusedObjects(`<?xml version="1.0"?><DeleteResult ${ns}><Deleted><Key>a</Key></Deleted></DeleteResult>`, refused),
      `<?xml version="1.0"?><DeleteResult ${ns}><Deleted><Key>a</Key></Deleted>${errors}</DeleteResult>`);
    assert.equal(withRefusedObjects(`<DeleteResult ${ns}/>`, refused), `<DeleteResult ${ns}>${errors}</DeleteResult>`);
    assert.equal(withRefusedObjects('<DeleteResult></DeleteResult>\n', refused), `<DeleteResult>${errors}</DeleteResult>\n`);
    assert.equal(withRefusedObjects('<Error><Code>NoSuchBucket</Code></Error>', refused), undefined);
    assert.equal(withRefusedObjects('<DeleteResultX></DeleteResultX>', refused), undefined);
    assert.equal(refusedOnlyResult(refused), `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult ${ns}>${errors}</DeleteResult>`);
  });

  it('the rewritten body carries its own Content-MD5 and none of the client body\'s checksums', () => {
    const body = Buffer.from('<Delete/>');
    const headers = rewrittenBodyHeaders({
      'content-md5': 'old', 'x-amz-checksum-crc32': 'old', 'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-trailer': 'x-amz-checksum-crc32', 'content-type': 'application/xml',
    }, body);
    assert.deepEqual(headers, { 'content-type': 'application/xml', 'content-md5': createHash('md5').update(body).digest('base64') });
  });
});
