/** Reported by the health endpoint and `tessera --version`. */
export const TESSERA_VERSION = '0.1.0';
