/**
 * Loads the AWS SigV4 test suite (test/fixtures/sigv4-test-suite): one folder per case,
 * each with context.json, request.txt and the stages of both signing forms. Test support only.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthForm, SigningRequest } from '../types.ts';
import { parseRawHttpRequest } from './raw-http-request.ts';

export const TEST_SUITE_DIR = fileURLToPath(new URL('../../../test/fixtures/sigv4-test-suite/', import.meta.url));

export interface VectorContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

export interface VectorStages {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedRequest: SigningRequest;
}

export interface Vector {
  name: string;
  context: VectorContext;
  /** The request before signing. */
  request: SigningRequest;
  /** The signing time, context.timestamp. */
  now: Date;
  /** Stages per form, for the forms whose files exist. */
  forms: Partial<Record<AuthForm, VectorStages>>;
}

function readText(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}

function readStages(dir: string, form: AuthForm): VectorStages | undefined {
  if (!existsSync(join(dir, `${form}-signed-request.txt`))) return undefined;
  return {
    canonicalRequest: readText(dir, `${form}-canonical-request.txt`),
    stringToSign: readText(dir, `${form}-string-to-sign.txt`),
    signature: readText(dir, `${form}-signature.txt`).trim(),
    signedRequest: parseRawHttpRequest(readText(dir, `${form}-signed-request.txt`)),
  };
}

export function loadTestSuite(dir: string = TEST_SUITE_DIR): Vector[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const caseDir = join(dir, name);
      const context = JSON.parse(readText(caseDir, 'context.json')) as VectorContext;
      const forms: Partial<Record<AuthForm, VectorStages>> = {};
      for (const form of ['header', 'query'] as const) {
        const stages = readStages(caseDir, form);
        if (stages) forms[form] = stages;
      }
      return {
        name,
        context,
        request: parseRawHttpRequest(readText(caseDir, 'request.txt')),
        now: new Date(context.timestamp),
        forms,
      };
    });
}
