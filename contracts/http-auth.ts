/** Roles an API key holds: a storefront submits and reads orders (and cancels its own); an operator may do everything. */
import { z } from 'zod';

export const ApiRole = z.enum(['storefront', 'operator']);
export type ApiRole = z.infer<typeof ApiRole>;

/** Header carrying the API key (`Authorization: Bearer <key>` works too). */
export const API_KEY_HEADER = 'x-api-key';
