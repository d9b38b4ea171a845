import "server-only";
import { headers } from "next/headers";

/** The CSP nonce proxy.ts put on this request (Next.js reads the same header for its own tags). */
export async function requestNonce(): Promise<string | undefined> {
  const policy = (await headers()).get("content-security-policy");
  return policy?.match(/'nonce-([A-Za-z0-9+/=]+)'/)?.[1];
}
