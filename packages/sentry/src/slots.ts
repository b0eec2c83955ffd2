/**
 * At most `limit` of our events in a Sentry queue at once (the SDK's queue holds 64 and drops the rest with no
 * reason given); the others wait their turn, bounded by their invocation's wait. Under Lambda Managed Instances
 * (many invocations in one process) 200 failures at once are all sent, or each warned with the true reason.
 */
export class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  /** Resolves true with a slot, or false when `bound` ms passed first; `ahead` is how many were queued before. */
  acquire(bound: number): { ahead: number; got: Promise<boolean> } {
    if (this.used < this.limit) {
      this.used++;
      return { ahead: 0, got: Promise.resolve(true) };
    }
    const ahead = this.waiting.length;
    const got = new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const take = (): void => {
        clearTimeout(timer);
        this.used++;
        resolve(true);
      };
      this.waiting.push(take);
      timer = setTimeout(() => {
        const i = this.waiting.indexOf(take);
        if (i !== -1) this.waiting.splice(i, 1);
        resolve(false);
      }, bound);
    });
    return { ahead, got };
  }
  release(): void {
    this.used--;
    this.waiting.shift()?.();
  }
}
