/** The environment a service process (API, order worker, bridge worker) starts with. */

/**
 * The caller's environment with the memory settings the services run with; a value the caller sets wins.
 *
 * MALLOC_ARENA_MAX: glibc gives threads that allocate at once their own malloc arenas (up to eight per
 * core), and memory freed in an arena stays with the process. The Temporal worker's Rust threads, its
 * workflow thread and libuv's pool each fill one. Two arenas took the order worker under overload from
 * 313 to 260 MB RSS at the same CPU (docs/benchmark.md). glibc reads it at start, so it is set here,
 * by whatever starts the process, not by the process itself.
 */
export function serviceProcessEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: '2', ...env };
}
