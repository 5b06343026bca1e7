/** Length limits of the messages sent to a saga, shared by the zod schemas and the workflow's checks. */
export const messageLimits = { actor: 100, note: 1000, reason: 500 } as const;
