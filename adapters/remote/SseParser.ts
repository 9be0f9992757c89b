/**
 * An incremental parser of server-sent events (the HTML standard's `text/event-stream`), fed the bytes of
 * a response as they arrive. Each event is stamped with the time of the bytes that completed it, so that
 * a token's time is when its chunk reached this process, not when it was parsed.
 */

/** One server-sent event. */
export interface TimedSseEvent {
  /** The event's `data` lines joined with `\n` (an `error` field's value for llama.cpp's error events). */
  data: string;
  /** `event` field, or `message` when absent; `error` for llama.cpp's `error: {...}` lines. */
  type: string;
  /** `performance.now()` (ms) when the bytes that completed the event arrived. */
  time: number;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private data: string[] = [];
  private type = '';

  /**
   * Parses a piece of the stream.
   * @param bytes the bytes received
   * @param time when they arrived (`performance.now()`)
   * @returns the events these bytes completed, in order
   */
  push(bytes: Uint8Array, time: number): TimedSseEvent[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    const events: TimedSseEvent[] = [];
    for (;;) {
      const newline = this.buffer.search(/\r\n|\r|\n/);
      if (newline < 0) break;
      // A lone \r at the end of the buffer may be the first half of \r\n: wait for the next bytes.
      if (this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      const event = this.line(line, time);
      if (event) events.push(event);
    }
    return events;
  }

  /** The event left open when the stream ends without a final blank line, if any. */
  end(time: number): TimedSseEvent | null {
    this.buffer += this.decoder.decode();
    const rest = this.buffer;
    this.buffer = '';
    if (rest !== '') this.line(rest, time);
    return this.line('', time);
  }

  private line(line: string, time: number): TimedSseEvent | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.type = '';
        return null;
      }
      const event = { data: this.data.join('\n'), type: this.type || 'message', time };
      this.data = [];
      this.type = '';
      return event;
    }
    if (line.startsWith(':')) return null; // a comment (keep-alive ping)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'error') {
      // llama.cpp's server streams errors as `error: {json}` lines.
      this.type = 'error';
      this.data.push(value);
    }
    return null;
  }
}
