/**
 * Several API processes behind one client, as a load balancer puts them: each request goes to the next
 * one in turn, so a retry of a request that met a dead or refusing API lands on another. The run's
 * driver takes it where it would take one API's client.
 */
import type { ApiAnswer, ApiClient } from './api-client';

export type ApiRequester = Pick<ApiClient, 'request'>;

export class ApiBalancer implements ApiRequester {
  private next = 0;

  constructor(private readonly apis: readonly ApiClient[]) {
    if (apis.length === 0) throw new Error('an API balancer needs at least one API');
  }

  request(...args: Parameters<ApiClient['request']>): Promise<ApiAnswer> {
    const api = this.apis[this.next % this.apis.length]!;
    this.next += 1;
    return api.request(...args);
  }
}
