import { restartDelayMs, restartPolicy } from '../../scripts/restart-backoff';

/** The waits the supervisor chooses for a service that crashes after each of these run times. */
function waitsAfterCrashes(runTimesMs: readonly number[]): number[] {
  const waits: number[] = [];
  let last: number | undefined;
  for (const ranForMs of runTimesMs) {
    last = restartDelayMs(last, ranForMs);
    waits.push(last);
  }
  return waits;
}

describe('the restart backoff of the supervisor', () => {
  it('restarts a worker killed about once a minute after one second, every time', () => {
    expect(waitsAfterCrashes([59_000, 61_000, 58_000, 60_000, 62_000, 59_500])).toEqual([
      1_000, 1_000, 1_000, 1_000, 1_000, 1_000,
    ]);
  });

  it('doubles the wait of a service that crashes right after each start, up to 30 seconds', () => {
    expect(waitsAfterCrashes([300, 200, 250, 400, 300, 350, 300])).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('starts again from one second once a service ran healthy after a crash loop', () => {
    expect(waitsAfterCrashes([500, 500, 500, restartPolicy.healthyAfterMs, 500])).toEqual([
      1_000, 2_000, 4_000, 1_000, 2_000,
    ]);
  });

  it('counts a run just short of the healthy threshold as part of the crash loop', () => {
    expect(waitsAfterCrashes([500, restartPolicy.healthyAfterMs - 1])).toEqual([1_000, 2_000]);
  });
});
