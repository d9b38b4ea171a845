import "server-only";
import { cache } from "react";
import { currentSessionId } from "./auth/session-strategy";
import { getDb } from "./db";
import { getEnv } from "./env";

/** The id of the session this request carries (to mark "this device" and to keep it on "sign out others"). */
export const getCurrentSessionId = cache(() => currentSessionId(getDb(), getEnv()));
