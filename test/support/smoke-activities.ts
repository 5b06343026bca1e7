export function createSmokeActivities() {
  return {
    // eslint-disable-next-line @typescript-eslint/require-await
    async greet(name: string): Promise<string> {
      return `hello ${name} from pid ${process.pid}`;
    },
  };
}
export type SmokeActivities = ReturnType<typeof createSmokeActivities>;
