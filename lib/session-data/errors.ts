// Why a session-data write was refused. Nothing is written when one of these is thrown.

type SessionDataErrorCode = "too_large" | "invalid" | "conflict" | "session_ended" | "read_only" | "rate_limited";

export class SessionDataError extends Error {
  constructor(
    readonly code: SessionDataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SessionDataError";
  }
}

/** The value, serialised as JSON, is over the store's byte limit. */
export class SessionDataTooLargeError extends SessionDataError {
  constructor(
    readonly store: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(
      "too_large",
      `Session data "${store}" would be ${bytes} bytes; the limit is ${maxBytes} bytes. Nothing was saved.`,
    );
    this.name = "SessionDataTooLargeError";
  }
}

/** The value does not match the store's schema. */
export class SessionDataValidationError extends SessionDataError {
  constructor(
    readonly store: string,
    readonly issues: string[],
  ) {
    super("invalid", `Session data "${store}" is invalid (${issues.join("; ")}). Nothing was saved.`);
    this.name = "SessionDataValidationError";
  }
}

/** Too many new anonymous ids for this client address (SESSION_DATA_ADDRESS_MAX_NEW per hour). */
export class SessionDataRateLimitedError extends SessionDataError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super("rate_limited", message);
    this.name = "SessionDataRateLimitedError";
  }
}
