import type { EventSink, ShipEvent } from './event.js';

export interface QueueLimits {
  /** Most events held between inputs and the publisher. Default 4096. */
  readonly maxEvents?: number;
  /** Most bytes (of line text) held. Default 16 MiB. */
  readonly maxBytes?: number;
}

export const QUEUE_DEFAULTS = { maxEvents: 4096, maxBytes: 16 * 1024 * 1024 } as const;

/**
 * The one bounded buffer between inputs and the publisher. When it is full, `push` waits:
 * file readers stop reading (the file is the buffer), TCP sockets are paused by their
 * input, and UDP (`offer`) drops and counts. A single event larger than `maxBytes` is still
 * admitted when the queue is empty, so an oversized event can never wedge the shipper.
 */
export class EventQueue implements EventSink {
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  private items: ShipEvent[] = [];
  private head = 0;
  private bytes = 0;
  private closed = false;
  private readonly spaceWaiters: Array<() => void> = [];
  private dataWaiter: (() => void) | undefined;
  /** Total milliseconds pushers spent waiting for room. */
  blockedMs = 0;

  constructor(limits: QueueLimits = {}) {
    this.maxEvents = limits.maxEvents ?? QUEUE_DEFAULTS.maxEvents;
    this.maxBytes = limits.maxBytes ?? QUEUE_DEFAULTS.maxBytes;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  private hasRoom(bytes: number): boolean {
    return this.size === 0 || (this.size < this.maxEvents && this.bytes + bytes <= this.maxBytes);
  }

  offer(event: ShipEvent): boolean {
    if (this.closed) throw new Error('event queue is closed');
    if (!this.hasRoom(event.bytes)) return false;
    this.add(event);
    return true;
  }

  tryPush(event: ShipEvent): boolean {
    if (this.closed) throw new Error('event queue is closed');
    // Never ahead of a waiting pusher: FIFO as with push.
    if (this.spaceWaiters.length > 0 || !this.hasRoom(event.bytes)) return false;
    this.add(event);
    return true;
  }

  async push(event: ShipEvent): Promise<void> {
    if (this.closed) throw new Error('event queue is closed');
    if (!this.hasRoom(event.bytes) || this.spaceWaiters.length > 0) {
      const started = performance.now();
      // FIFO among waiting pushers; re-check after each wake, another pusher may have filled it.
      do {
        await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
      } while (!this.hasRoom(event.bytes) && !this.closed);
      this.blockedMs += performance.now() - started;
      if (this.closed) throw new Error('event queue is closed');
    }
    this.add(event);
    // Let the next waiter try too, if there is still room.
    if (this.spaceWaiters.length > 0 && this.hasRoom(0)) this.spaceWaiters.shift()?.();
  }

  private add(event: ShipEvent): void {
    this.items.push(event);
    this.bytes += event.bytes;
    const waiter = this.dataWaiter;
    this.dataWaiter = undefined;
    waiter?.();
  }

  /**
   * Takes up to `maxEvents`/`maxBytes` events (at least one). Waits for a first event, then
   * up to `lingerMs` for the batch to fill. Returns [] once closed and drained.
   */
  async take(maxEvents: number, maxBytes: number, lingerMs: number): Promise<ShipEvent[]> {
    while (this.size === 0) {
      if (this.closed) return [];
      await new Promise<void>((resolve) => {
        this.dataWaiter = resolve;
      });
    }
    if (lingerMs > 0 && this.size < maxEvents && this.bytes < maxBytes && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, lingerMs);
        const check = () => {
          if (
            this.size >= maxEvents ||
            this.bytes >= maxBytes ||
            this.closed ||
            this.spaceWaiters.length > 0
          ) {
            clearTimeout(timer);
            resolve();
          } else {
            this.dataWaiter = check;
          }
        };
        this.dataWaiter = check;
      });
      this.dataWaiter = undefined;
    }
    const out: ShipEvent[] = [];
    let bytes = 0;
    while (this.head < this.items.length && out.length < maxEvents) {
      const next = this.items[this.head] as ShipEvent;
      if (out.length > 0 && bytes + next.bytes > maxBytes) break;
      out.push(next);
      bytes += next.bytes;
      this.head++;
    }
    this.bytes -= bytes;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.spaceWaiters.shift()?.();
    return out;
  }

  /** No more pushes; `take` drains what is held, then returns []. Waiting pushers are released with an error. */
  close(): void {
    this.closed = true;
    const waiter = this.dataWaiter;
    this.dataWaiter = undefined;
    waiter?.();
    for (const w of this.spaceWaiters.splice(0)) w();
  }
}
