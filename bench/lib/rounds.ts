/**
 * Interleaved measurement: every round runs each client once, starting with a different client
 * each round, so machine drift (thermal, other processes, GC of the emulator) spreads evenly
 * over the clients instead of landing on whichever ran last.
 */
import type { RoundPlan } from "../config.ts";

/** Per-client accumulation across rounds. */
export interface RoundState<T> {
  samples: T[];
  elapsedMs: number;
  calls: number;
  error: string | undefined;
}

/**
 * Runs `measure(client)` for every client in every round; a client whose call throws is
 * marked failed (with the reason) and skipped afterwards.
 */
export async function runRounds<C, T>(
  clients: readonly C[],
  plan: RoundPlan,
  measure: (client: C) => Promise<{ samples: T[]; elapsedMs: number }>,
  describe: (error: unknown) => string,
): Promise<RoundState<T>[]> {
  const states: RoundState<T>[] = clients.map(() => ({
    samples: [],
    elapsedMs: 0,
    calls: 0,
    error: undefined,
  }));
  for (let round = 0; round < plan.rounds; round++) {
    for (let offset = 0; offset < clients.length; offset++) {
      const index = (round + offset) % clients.length;
      const client = clients[index];
      const state = states[index];
      if (client === undefined || state === undefined || state.error !== undefined) continue;
      try {
        const result = await measure(client);
        state.samples.push(...result.samples);
        state.elapsedMs += result.elapsedMs;
        state.calls += result.samples.length;
      } catch (error) {
        state.error = describe(error);
      }
    }
  }
  return states;
}
