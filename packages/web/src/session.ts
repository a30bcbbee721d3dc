/** What `GET /api/session` answers for a signed-in editor. */
export interface Session {
  signedIn: true;
  /** The cookie's expiry; null when signed in with a Bearer token. */
  expiresAt: string | null;
  newsletter: { name: string; lang: "en" | "ja"; publicBaseUrl: string };
  /** The local run keeps every sent message in DATA_DIR/outbox: the Outbox view is offered. */
  outbox: boolean;
}
