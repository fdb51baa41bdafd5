/**
 * The gateway's counters in Prometheus text format (`GET /metrics`,
 * https://prometheus.io/docs/instrumenting/exposition_formats/): requests, errors by code,
 * upstream retries, repairs, tokens, cached tokens, USD, and the upstream latency histogram.
 * Per process: a scraper adds up the instances.
 */

/** Upper bounds of the upstream latency histogram, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`).join(",")}}`;
}

class Counter {
  /**
   * Keyed by the label values as given (cheap to build on every request); each entry keeps its
   * exposition text, escaped once when the series first appears.
   */
  readonly #values = new Map<string, { labels: string; value: number }>();
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }
  add(labels: Labels, amount = 1): void {
    let key = "";
    for (const name in labels) key += `${name}\u0000${labels[name]}\u0000`;
    const series = this.#values.get(key);
    if (series === undefined) this.#values.set(key, { labels: labelText(labels), value: amount });
    else series.value += amount;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.#values.values()) {
      lines.push(`${this.name}${labels} ${value}`);
    }
    return lines.join("\n");
  }
}

/** The counters of one gateway process. */
export class GatewayMetrics {
  readonly requests = new Counter(
    "kimi_gateway_requests_total",
    "Requests served, by route and status.",
  );
  readonly errors = new Counter("kimi_gateway_errors_total", "Error answers, by error code.");
  readonly retries = new Counter(
    "kimi_gateway_upstream_retries_total",
    "Upstream requests retried.",
  );
  readonly repairs = new Counter(
    "kimi_gateway_repairs_total",
    "Request repairs applied, by field.",
  );
  readonly tokens = new Counter("kimi_gateway_tokens_total", "Tokens served, by model and kind.");
  readonly cachedTokens = new Counter(
    "kimi_gateway_cached_tokens_total",
    "Prompt tokens served from Moonshot's cache, by model.",
  );
  readonly costUsd = new Counter("kimi_gateway_cost_usd_total", "USD spent upstream, by model.");
  readonly #buckets = LATENCY_BUCKETS.map(() => 0);
  #latencyCount = 0;
  #latencySum = 0;

  /** Records one upstream round trip (to the response headers), in seconds. */
  observeLatency(seconds: number): void {
    this.#latencyCount++;
    this.#latencySum += seconds;
    for (let index = 0; index < LATENCY_BUCKETS.length; index++) {
      if (seconds <= (LATENCY_BUCKETS[index] ?? 0)) {
        this.#buckets[index] = (this.#buckets[index] ?? 0) + 1;
      }
    }
  }

  /** The exposition text. */
  render(): string {
    const name = "kimi_gateway_upstream_latency_seconds";
    const histogram = [
      `# HELP ${name} Time from sending a request upstream to its response headers.`,
      `# TYPE ${name} histogram`,
      ...LATENCY_BUCKETS.map(
        (bound, index) => `${name}_bucket{le="${bound}"} ${this.#buckets[index] ?? 0}`,
      ),
      `${name}_bucket{le="+Inf"} ${this.#latencyCount}`,
      `${name}_sum ${this.#latencySum}`,
      `${name}_count ${this.#latencyCount}`,
    ].join("\n");
    const counters = [
      this.requests,
      this.errors,
      this.retries,
      this.repairs,
      this.tokens,
      this.cachedTokens,
      this.costUsd,
    ].map((counter) => counter.render());
    return `${[...counters, histogram].join("\n")}\n`;
  }
}
