/** ApplicationFailure type of a saga input that does not match the contract (never retried). Free of zod. */
export const INVALID_ORDER = 'InvalidOrder';
