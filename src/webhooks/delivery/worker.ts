import { setMaxListeners } from 'node:events';
import type { BackgroundLog } from '../../domain/request-logs/request-log-service';
import { isAppError } from '../../errors';
import type { WebhookSignal } from '../signal';
import type { DeliveryQueue, ClaimedDelivery } from './claim';
import type { DeliveryEligibility } from './eligibility';
import type { DeliveryOutcomes } from './outcome';
import { outgoingMessage, postWebhook, truncate, webhookHeaders, type AttemptOutcome } from './send';
import { resolveTarget } from './target';

export interface DeliveryWorkerOptions {
  /** `WEBHOOK_POLL_MS`: a look at the queue this often, besides every poke. */
  readonly pollMs: number;
  /** `WEBHOOK_CONCURRENCY`: most deliveries in flight at once. */
  readonly concurrency: number;
  /** `WEBHOOK_LEASE_MS`: how long a claim is this worker's. */
  readonly leaseMs: number;
  /** `WEBHOOK_TIMEOUT_MS`: one attempt, DNS to response. */
  readonly timeoutMs: number;
  /** `WEBHOOKS_ALLOW_INSECURE`: loopback and plain http to it, for development and tests. */
  readonly allowInsecure: boolean;
}

export interface DeliveryWorkerParts {
  readonly queue: DeliveryQueue;
  readonly outcomes: DeliveryOutcomes;
  readonly eligibility: DeliveryEligibility;
  readonly signal: Pick<WebhookSignal, 'subscribe'>;
  readonly log: BackgroundLog;
}

/**
 * Sends pending deliveries: wakes when the outbox pokes `WebhookSignal` (after
 * a commit that published events) and every `pollMs` (for events written by
 * another process, and retries falling due), claims as many due deliveries as
 * it has free slots, and sends each on its own. Several workers, in one
 * process or many, share the queue safely: see `DeliveryQueue.claim`.
 *
 * Delivery is at least once: an attempt whose answer arrived but whose outcome
 * was not written (the process died in between) is sent again when its lease
 * runs out, with the same `webhook-id`, which is what receivers deduplicate on.
 */
export class DeliveryWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  /** Aborted by `stop()`: cuts attempts short so shutdown does not wait out a slow receiver. */
  private stopping = new AbortController();

  constructor(
    private readonly parts: DeliveryWorkerParts,
    private readonly options: DeliveryWorkerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    // Every attempt listens on this one signal until its connection closes,
    // which can outlast the attempt (a 2xx body still draining, bounded by the
    // attempt's timer) while the next attempt has already started: up to about
    // twice the concurrency at once. Not a leak, so raise Node's default cap
    // of 10 rather than have it warn about one.
    setMaxListeners(this.options.concurrency * 2 + 2, this.stopping.signal);
    this.unsubscribe = this.parts.signal.subscribe(() => this.poke());
    this.timer = setInterval(() => this.poke(), this.options.pollMs).unref();
    this.poke();
  }

  /**
   * Stops claiming, interrupts attempts in flight and hands their claims back
   * (due again at once, no attempt counted), and waits for all of it, so the
   * DataSource can be closed afterwards.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    this.unsubscribe?.();
    this.stopping.abort();
    await this.claiming;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Look at the queue now. Pokes during a claim are folded into one more claim after it. */
  poke(): void {
    if (!this.running) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claim()
      .catch((error: unknown) => this.parts.log.warn({ err: error }, 'webhook delivery: claiming due deliveries failed'))
      .finally(() => {
        this.claiming = undefined;
        if (this.claimAgain) {
          this.claimAgain = false;
          this.poke();
        }
      });
  }

  private async claim(): Promise<void> {
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return;
    const claims = await this.parts.queue.claim(free, this.options.leaseMs);
    if (!this.running) {
      // Stopped while claiming: give them back rather than start sending.
      await Promise.allSettled(claims.map((c) => this.parts.queue.release(c)));
      return;
    }
    const mayReceive = this.parts.eligibility.forBatch(new Date());
    for (const claim of claims) {
      const work = this.deliver(claim, mayReceive).finally(() => {
        this.inFlight.delete(work);
        this.poke();
      });
      this.inFlight.add(work);
    }
  }

  private async deliver(claim: ClaimedDelivery, skipReason: ReturnType<DeliveryEligibility['forBatch']>): Promise<void> {
    try {
      const reason = await skipReason(claim.endpoint, claim.event.type);
      if (reason) {
        await this.parts.outcomes.skipped(claim, reason);
        return;
      }
      const at = new Date();
      const outcome = await this.attempt(claim, at);
      if (this.stopping.signal.aborted && outcome.statusCode === null && !outcome.succeeded) {
        await this.parts.queue.release(claim);
        return;
      }
      const held = await this.parts.outcomes.attempted(claim, outcome, at);
      if (!held) {
        this.parts.log.warn({ deliveryId: claim.delivery.id }, 'webhook delivery: the lease ran out during the attempt; another worker owns it now');
      }
    } catch (error) {
      // A database error: the claim stays leased, and is claimed again when the lease runs out.
      this.parts.log.warn({ err: error, deliveryId: claim.delivery.id }, 'webhook delivery: could not complete; retried after its lease');
    }
  }

  /** One attempt; anything that goes wrong becomes a failed attempt, so the retry schedule still ends it. */
  private async attempt(claim: ClaimedDelivery, at: Date): Promise<AttemptOutcome> {
    const started = performance.now();
    const failed = (error: string): AttemptOutcome => ({
      statusCode: null,
      latencyMs: Math.round(performance.now() - started),
      succeeded: false,
      error: truncate(error),
    });
    try {
      const target = await resolveTarget(claim.endpoint.url, this.options.allowInsecure, this.options.timeoutMs);
      const message = outgoingMessage(claim.delivery, claim.event, claim.endpoint, at);
      return await postWebhook(target.url, webhookHeaders(message, at), message.body, {
        // The DNS check counts against the attempt's time: the lease was sized for one timeout.
        timeoutMs: this.options.timeoutMs,
        spentMs: performance.now() - started,
        addresses: target.addresses,
        signal: this.stopping.signal,
      });
    } catch (error) {
      if (isAppError(error)) return failed(`refused before sending: ${error.message}`);
      return failed(`could not send: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
