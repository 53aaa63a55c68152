/**
 * Two reference dialers for the pacing benchmark's frontiers (bench/pacing.ts), pure so they can
 * be checked by hand: the floor, an open-loop dialer sized by Erlang's loss formula, and the
 * ceiling, a clairvoyant dialer that knows every call before it is placed. Neither is meant for
 * production: one ignores what happens, the other knows what cannot be known.
 */

/**
 * Erlang B: the chance that a call offered `erlangs` of load finds all `servers` busy, in a loss
 * system (Poisson arrivals, any holding-time distribution). By the stable recurrence
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)).
 */
export function erlangB(servers: number, erlangs: number): number {
  let blocking = 1;
  for (let n = 1; n <= servers; n++) blocking = (erlangs * blocking) / (n + erlangs * blocking);
  return blocking;
}

/** The load (erlangs) that `servers` carry with `blocking` of it lost: Erlang B inverted, by bisection. */
export function erlangsFor(servers: number, blocking: number): number {
  let lo = 0;
  let hi = servers + 10 * Math.sqrt(servers) + 10;
  while (erlangB(servers, hi) < blocking) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (erlangB(servers, mid) < blocking) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The open-loop floor: a constant dial rate from the offered load that loses `blocking` of the
 * answered calls in Erlang's loss model, with the pool's true means and no feedback at all.
 * Answered callers arrive at λ = rate × p; each holds an agent `handleSeconds` on average; a caller
 * who finds every agent busy is lost (with a 2 s threshold against a 150 s handle, an abandon is
 * nearly a block). So rate = A / (p × handle), A = erlangsFor(agents, blocking). Dials per second.
 */
export function erlangDialRate(agents: number, blocking: number, humanShare: number, handleSeconds: number): number {
  return erlangsFor(agents, blocking) / (humanShare * handleSeconds);
}

/** What the clairvoyant dialer knows of the next dial before placing it. */
export interface Foresight {
  /** Answered by a person. */
  human: boolean;
  /** Dial to the answer (seconds). */
  answerSeconds: number;
  /** Answer to the agent free again: bridging, talk, wrap-up (seconds). */
  handleSeconds: number;
}

/**
 * The ceiling: a dialer that knows each dial's outcome, ring time and handle time, and places the
 * calls in their order (dial n is the same call for every strategy) so that each person answers
 * when an agent is free. It keeps, for each agent, when they will be free; a dial no person answers
 * goes out at once (it costs only a line); one a person answers goes out as soon as its answer
 * lands after the earliest agent's free time (plus a margin for events due the same instant), and
 * takes that agent until its answer plus its handle. Calls wait for their turn: a later dial never
 * overtakes an earlier one. Lines bound it as they bound every strategy.
 *
 * It abandons nobody by construction, and an agent idles only when the next answered call cannot
 * reach them sooner (its ring time, the line limit, the order of the calls). It is a strong
 * reference, not a proven optimum: a dialer free to reorder calls or to leave an agent idle now to
 * fit a longer call later could do a little better; nothing does better than 100%.
 */
export class ClairvoyantScheduler {
  private readonly freeAt: number[];

  constructor(
    agents: number,
    private readonly marginSeconds = 0.01,
  ) {
    this.freeAt = Array.from({ length: agents }, () => 0);
  }

  /** How many of the next dials to place at `now` (seconds), `next(i)` being the i-th of them. */
  decide(now: number, next: (i: number) => Foresight, lines: number): number {
    let n = 0;
    while (n < lines) {
      const call = next(n);
      if (call.human) {
        const agent = this.earliestFree();
        const answeredAt = now + call.answerSeconds;
        if (answeredAt < this.freeAt[agent] + this.marginSeconds) break;
        this.freeAt[agent] = answeredAt + call.handleSeconds;
      }
      n++;
    }
    return n;
  }

  /** When each agent is planned to be free (seconds). */
  plan(): readonly number[] {
    return this.freeAt;
  }

  private earliestFree(): number {
    let best = 0;
    for (let i = 1; i < this.freeAt.length; i++) if (this.freeAt[i] < this.freeAt[best]) best = i;
    return best;
  }
}
