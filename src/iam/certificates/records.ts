import type { EntityRecord } from '../../store/types.ts';
import type { Tag } from '../tags.ts';

/**
 * Stored shapes of the certificates module's kinds. Signing certificates, SSH public keys and
 * service-specific credentials are children of their user (parentId = the user's id; the root
 * user's signing certificates use ROOT_PARENT); server certificates belong to the account.
 */

export type CredentialStatus = 'Active' | 'Inactive';

export interface ServerCertificateData {
  certificateBody: string;
  certificateChain?: string;
  /** The PEM private key, sealed with the server's master key (context: the certificate's id). Never returned. */
  sealedPrivateKey: string;
  /** The certificate's notAfter. */
  expiration: string;
  tags: Tag[];
}

export interface SigningCertificateData {
  certificateBody: string;
  status: CredentialStatus;
}

export interface SshPublicKeyData {
  /** The key in OpenSSH form (`ssh-rsa AAAA…`), without comment. */
  sshBody: string;
  /** The key as an X.509 SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`). */
  pemBody: string;
  /** MD5 of the key's SSH wire form, as colon-separated hex (how IAM shows it). */
  fingerprint: string;
  status: CredentialStatus;
}

export interface ServiceSpecificCredentialData {
  serviceName: string;
  status: CredentialStatus;
  /** Password-style services (CodeCommit, Keyspaces): user name and sealed password. */
  serviceUserName?: string;
  sealedPassword?: string;
  /** API-key-style services (Bedrock): alias and sealed secret. */
  serviceCredentialAlias?: string;
  sealedSecret?: string;
  expiresAt?: string;
}

export type ServerCertificateRecord = EntityRecord<ServerCertificateData>;
export type SigningCertificateRecord = EntityRecord<SigningCertificateData>;
export type SshPublicKeyRecord = EntityRecord<SshPublicKeyData>;
export type ServiceSpecificCredentialRecord = EntityRecord<ServiceSpecificCredentialData>;
