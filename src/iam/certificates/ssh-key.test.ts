import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSshPublicKey } from './ssh-key.ts';

/** What `ssh-keygen` says of a key: its MD5 fingerprint and its OpenSSH line. */
function sshKeygen(pem: string): { fingerprint: string; line: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-ssh-'));
  try {
    writeFileSync(join(dir, 'key.pem'), pem);
    const line = execFileSync('ssh-keygen', ['-i', '-m', 'PKCS8', '-f', join(dir, 'key.pem')], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, 'key.pub'), `${line} someone@host\n`);
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', join(dir, 'key.pub')], { encoding: 'utf8' });
    return { fingerprint: /MD5:([0-9a-f:]+)/.exec(out)![1]!, line };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

test('an RSA key gives ssh-keygen\'s OpenSSH line and MD5 fingerprint, from either form', () => {
  const reference = sshKeygen(rsa);
  const fromPem = parseSshPublicKey(rsa);
  assert.equal(fromPem.ssh, reference.line);
  assert.equal(fromPem.fingerprint, reference.fingerprint);
  assert.equal(fromPem.fingerprint.length, 47);
  const fromSsh = parseSshPublicKey(`${reference.line} alice@laptop\n`);
  assert.deepEqual(fromSsh, fromPem);
  assert.equal(fromSsh.pem, rsa);
});

test('ssh-ed25519 keys and PKCS#1 RSA PEM are read too', () => {
  const ed = generateKeyPairSync('ed25519').publicKey;
  const edPem = ed.export({ type: 'spki', format: 'pem' }).toString();
  const parsed = parseSshPublicKey(edPem);
  assert.match(parsed.ssh, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=*$/);
  assert.deepEqual(parseSshPublicKey(parsed.ssh), parsed);
  const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  assert.match(parseSshPublicKey(pkcs1).ssh, /^ssh-rsa AAAAB3NzaC1yc2E/);
});

test('unknown formats are UnrecognizedPublicKeyEncoding; broken or weak keys are InvalidPublicKey', () => {
  const code = (body: string): string | undefined => {
    try {
      parseSshPublicKey(body);
      return undefined;
    } catch (err) {
      return (err as { code?: string }).code;
    }
  };
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  assert.equal(code('ecdsa-sha2-nistp256 AAAAE2VjZHNh'), 'UnrecognizedPublicKeyEncoding');
  assert.equal(code('hello'), 'UnrecognizedPublicKeyEncoding');
  assert.equal(code(ec), 'UnrecognizedPublicKeyEncoding');
  assert.equal(code('ssh-rsa !!!'), 'InvalidPublicKey');
  assert.equal(code('ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB'), 'InvalidPublicKey');
  assert.equal(code(`ssh-ed25519 ${parseSshPublicKey(rsa).ssh.split(' ')[1]}`), 'InvalidPublicKey');
  assert.equal(code('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'), 'InvalidPublicKey');
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  assert.equal(code(weak), 'InvalidPublicKey');
});
