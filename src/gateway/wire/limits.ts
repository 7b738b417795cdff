/**
 * Bounds on what the mapper reads, checked before any parsing: a request past them is refused
 * as invalid without further work. They are far above what AWS itself accepts (an S3 key is at
 * most 1,024 bytes; a URL at most 8 KiB on most AWS front ends), so no real client meets them.
 */
export const LIMITS = {
  /** Characters of the encoded path. */
  path: 8192,
  /** Characters of the raw query string. */
  query: 16384,
  /** Query or form parameters. */
  parameters: 1000,
  /** Bytes of a JSON or form body read for authorization. */
  body: 6 * 1024 * 1024,
  /** Nesting of a JSON body or of a Query parameter name. */
  depth: 32,
  /** Elements of a list that become one check each (SSM names, DynamoDB tables, S3 keys). */
  fanOut: 1000,
} as const;
