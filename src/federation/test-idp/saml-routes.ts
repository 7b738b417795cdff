/**
 * The built-in test identity provider's SAML routes (filled by the SAML federation module):
 * given a request path and body, answers with metadata or a minted SAML response, or
 * undefined when the path is not a SAML route.
 */
export interface TestIdpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type TestIdpRoute = (method: string, path: string, query: URLSearchParams, body: string) => Promise<TestIdpResponse | undefined>;

export const samlRoutes: TestIdpRoute = async () => undefined;
