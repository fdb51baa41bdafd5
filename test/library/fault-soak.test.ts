/**
 * The fault soak at test size (1,040 requests, concurrency 32, 20% faults; `npm run bench`'s
 * fault-soak suite runs more, with a heap check): every promise settles, every failure is the
 * exact typed error its fault calls for, no answer has wrong text, and the emulator's request log
 * shows each request sent exactly as often as expected (retried before any response byte, never
 * after). See bench/lib/fault-soak.ts for what each fault must produce.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runFaultSoak, SOAK_FAULTS } from "../../bench/lib/fault-soak.ts";
import * as emulator from "../../src/emulator/index.ts";
import * as library from "../../src/index.ts";

/** A multiple of 80, so 20% spreads evenly: 13 chats and 13 streams per fault kind. */
const REQUESTS = 1_040;
const PER_FAULT = (REQUESTS * 0.2) / SOAK_FAULTS.length;

describe("fault soak", () => {
  it(`${REQUESTS} requests, concurrency 32, 20% faults: all settled, typed, right text, none re-sent after bytes`, async () => {
    const report = await runFaultSoak(library, emulator, {
      requests: REQUESTS,
      concurrency: 32,
      faultRate: 0.2,
    });
    assert.deepEqual(report.problems, []);
    assert.equal(report.settled, REQUESTS);
    assert.equal(report.succeeded + report.failed, REQUESTS);
    assert.equal(report.byFault.none.requests, REQUESTS * 0.8);
    assert.equal(report.byFault.none.succeeded, REQUESTS * 0.8);
    for (const fault of SOAK_FAULTS) assert.equal(report.byFault[fault].requests, PER_FAULT, fault);
    for (const cured of ["error-retried", "rate-limit-retried", "delay", "slow"] as const) {
      assert.equal(report.byFault[cured].succeeded, PER_FAULT, cured);
      assert.deepEqual(report.byFault[cured].errors, {}, cured);
    }
    assert.deepEqual(report.byFault["error-500"].errors, { ServerError: PER_FAULT });
    assert.deepEqual(report.byFault["error-400"].errors, { InvalidRequestError: PER_FAULT });
    assert.deepEqual(report.byFault.malformed.errors, { MalformedResponseError: PER_FAULT });
    // A cut stream reports its partial text; a JSON body cut after its headers is a network error.
    assert.deepEqual(report.byFault.cut.errors, {
      NetworkError: PER_FAULT / 2,
      StreamTruncatedError: PER_FAULT / 2,
    });
    // Attempts: one each, two for those a retry cured, three for the persistent 500s.
    assert.equal(report.attempts, REQUESTS + 2 * PER_FAULT + 2 * PER_FAULT);
  });
});
