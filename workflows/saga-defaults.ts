/** Defaults of the saga's options, shared by the current and the legacy saga. */
export const DEFAULT_REVIEW_TIMEOUT_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_NOTIFICATION_ATTEMPTS = 8;
