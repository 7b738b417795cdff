import type { IamHandlerTable } from '../handler.ts';
import { serverCertificateHandlers } from './server-certificates.ts';
import { signingCertificateHandlers } from './signing-certificates.ts';
import { sshPublicKeyHandlers } from './ssh-public-keys.ts';
import { serviceCredentialHandlers } from './service-credentials.ts';

/** The IAM operations implemented by the certificates module. */
export const handlers = {
  ...serverCertificateHandlers,
  ...signingCertificateHandlers,
  ...sshPublicKeyHandlers,
  ...serviceCredentialHandlers,
} satisfies IamHandlerTable;
