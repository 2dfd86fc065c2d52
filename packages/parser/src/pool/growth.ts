/** How long the pool watches its workers before it decides whether to add one. */
export const GROWTH_WINDOW_MS = 1000;
/**
 * The share of the started workers' time they were occupied (a batch handed over and not
 * yet answered) above which one more is worth its start-up. Well above a half: occupancy is
 * wall time, which a machine shared with Elasticsearch stretches; on 2 cores a consumer that
 * Elasticsearch holds back showed windows of 0.25-0.6 with its one worker (2026-12-05),
 * while a worker that is really the bottleneck is occupied nearly all the time.
 */
export const GROWTH_BUSY_SHARE = 0.75;
/**
 * Windows in a row that must show the workers that occupied, with batches waiting, before one
 * is added. One is not enough: a consumer starting on a backlog hands its first batches to
 * a worker that is still loading and compiling (its first batch runs several times slower
 * than later ones), so the first window nearly always looks saturated, and a second worker
 * started then costs a second of CPU for no throughput when Elasticsearch sets the pace
 * (half the runs of benchmarks/consumer/cpu.mjs did so on 2026-12-05). Waits alone say
 * little: a consumer hands batches over in bursts, so nearly every window has some.
 */
export const GROWTH_WINDOWS_IN_A_ROW = 2;

/**
 * Decides when the parser pool adds a worker: after GROWTH_WINDOWS_IN_A_ROW windows (each
 * at least GROWTH_WINDOW_MS) in which the started workers were occupied at least
 * GROWTH_BUSY_SHARE of their time and some batch had to wait for one. The pool tells it
 * how long each batch occupied a worker as it ends (`observe`) and each wait as it begins
 * (`waited`).
 */
export class GrowthWindow {
  private startedAt: number;
  private occupiedSeconds = 0;
  private hadWaits = false;
  private saturatedWindows = 0;

  constructor(now: number) {
    this.startedAt = now;
  }

  /** A batch had to wait for a worker. */
  waited(): void {
    this.hadWaits = true;
  }

  /**
   * Adds how long a finished batch occupied its worker; true when a worker should be added now. `width` is
   * the workers started, `stillWaiting` whether a batch waits at this moment (the next
   * window starts with that wait).
   */
  observe(occupiedSeconds: number, now: number, width: number, stillWaiting: boolean): boolean {
    this.occupiedSeconds += occupiedSeconds;
    const elapsed = (now - this.startedAt) / 1000;
    if (elapsed * 1000 < GROWTH_WINDOW_MS) return false;
    const saturated = this.hadWaits && this.occupiedSeconds >= elapsed * width * GROWTH_BUSY_SHARE;
    this.saturatedWindows = saturated ? this.saturatedWindows + 1 : 0;
    this.startedAt = now;
    this.occupiedSeconds = 0;
    this.hadWaits = stillWaiting;
    if (this.saturatedWindows < GROWTH_WINDOWS_IN_A_ROW) return false;
    // The new worker is judged on windows of its own.
    this.saturatedWindows = 0;
    return true;
  }
}
