/** Whether committed data survives a process crash (spec decision 7): every component reports its connection's tier. */
export type DurabilityTier = 'inline' | 'durable';
