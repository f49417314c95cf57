/** A clock the test moves by hand, so leases expire without sleeping. */
export class ManualClock {
  now: number;
  constructor(start = 1_700_000_000_000) {
    this.now = start;
  }
  /** Pass this as the component's `clock` option. */
  readonly clock = (): number => this.now;
  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}
