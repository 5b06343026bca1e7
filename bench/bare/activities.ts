/** The bare workflow's only activity: it does nothing, so what it costs is Temporal's scheduling alone. */
export function noop(): Promise<void> {
  return Promise.resolve();
}
