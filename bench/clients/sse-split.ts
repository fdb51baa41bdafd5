/**
 * The least a streaming client must do with Moonshot's SSE body (`data: <json>\n\n` events,
 * docs/moonshot-wire.md): cut the text on blank lines and `JSON.parse` each event's data. The
 * floor clients feed it decoded text as it arrives.
 */

interface ChunkBody {
  choices: { delta?: { content?: string } }[];
}

/** Counts content chunks in an SSE text stream fed piece by piece. */
export class SseSplitter {
  #buffer = "";
  /** Content chunks seen so far. */
  chunks = 0;
  /** `performance.now()` at the first content chunk. */
  firstChunkAt = 0;

  /** Takes the next piece of decoded text. */
  feed(text: string): void {
    const buffer = this.#buffer + text;
    let start = 0;
    let end = buffer.indexOf("\n\n", start);
    while (end !== -1) {
      this.#event(buffer.slice(start, end));
      start = end + 2;
      end = buffer.indexOf("\n\n", start);
    }
    this.#buffer = start === 0 ? buffer : buffer.slice(start);
  }

  #event(event: string): void {
    // One `data:` line per event on this wire; `: keep-alive` comments carry no data.
    if (!event.startsWith("data:")) return;
    const data = event.charCodeAt(5) === 0x20 ? event.slice(6) : event.slice(5);
    if (data === "[DONE]") return;
    const chunk = JSON.parse(data) as ChunkBody;
    if (chunk.choices[0]?.delta?.content) {
      if (this.chunks === 0) this.firstChunkAt = performance.now();
      this.chunks++;
    }
  }
}
