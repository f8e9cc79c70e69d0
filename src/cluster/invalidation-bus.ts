import type { CacheChange, CacheInvalidation, ChangeTransport } from './cache-invalidation';
import type { LinkLog, RedisLink } from './redis-link';

/** The message on the channel: version, sender, and either a key id or `all` with a reason. */
export interface InvalidationMessage {
  v: 1;
  from: string;
  keyId?: number;
  all?: string;
}

/**
 * Key cache invalidation between instances over Redis pub/sub, on the channel
 * `<RATE_LIMIT_PREFIX>:invalidate`.
 *
 * - A change made here is published (`{"v":1,"from":"<instance>","keyId":42}`,
 *   or `"all":"<reason>"` for a policy change) on the shared command
 *   connection; every other instance drops that key (or everything) from its
 *   caches. Its own messages come back to the sender, which ignores them.
 * - Listening takes a dedicated connection (a subscribed connection can run
 *   nothing else). Each time it (re)subscribes, the caches are cleared, since
 *   messages sent while it was away are lost; until then they are not trusted
 *   (keys are read from the database).
 * - A publish that fails (Redis down on this side) is owed: once the
 *   connection is back, `all` is published, so instances that kept listening
 *   throughout still drop what they cached meanwhile.
 * - Anything unreadable on the channel clears everything: failing safe costs
 *   one database read per cached key.
 */
export class RedisInvalidationBus implements ChangeTransport {
  private owed = false;
  private readonly detach: () => void;

  constructor(
    private readonly caches: CacheInvalidation,
    private readonly publisher: RedisLink,
    private readonly subscriber: RedisLink,
    private readonly channel: string,
    private readonly instanceId: string,
    private readonly log: LinkLog,
  ) {
    this.detach = caches.attach(this);
    subscriber.client.on('message', (from: string, text: string) => {
      if (from === channel) this.receive(text);
    });
    subscriber.on('up', () => void this.subscribe());
    subscriber.on('down', () => caches.listening(false));
    publisher.on('up', () => {
      if (!this.owed) return;
      this.owed = false;
      void this.publish({ all: 'changes made while Redis was unreachable' });
    });
    if (subscriber.ready) void this.subscribe();
  }

  async publish(change: CacheChange): Promise<void> {
    if (!this.publisher.ready) {
      this.owed = true;
      return;
    }
    const message: InvalidationMessage = { v: 1, from: this.instanceId, ...change };
    try {
      await this.publisher.client.publish(this.channel, JSON.stringify(message));
    } catch (error) {
      this.owed = true;
      this.publisher.failed(error);
    }
  }

  close(): void {
    this.detach();
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.client.subscribe(this.channel);
    } catch (error) {
      // Lost again before the subscription took: the next `up` tries again.
      this.log.warn({ err: error, channel: this.channel }, 'could not subscribe to key invalidations: API keys are read from the database on every request');
      this.subscriber.failed(error);
      return;
    }
    // Whatever was published while this instance was not listening is lost.
    this.caches.received({ all: 'subscribed' });
    this.caches.listening(true);
  }

  private receive(text: string): void {
    let message: Partial<InvalidationMessage>;
    try {
      message = JSON.parse(text) as Partial<InvalidationMessage>;
    } catch {
      message = {};
    }
    if (message.from === this.instanceId) return;
    if (message.v === 1 && typeof message.keyId === 'number') return this.caches.received({ keyId: message.keyId });
    if (message.v !== 1 || typeof message.all !== 'string') {
      this.log.warn({ channel: this.channel }, 'unreadable key invalidation message: clearing every cached key');
    }
    this.caches.received({ all: typeof message.all === 'string' ? message.all : 'unreadable message' });
  }
}
