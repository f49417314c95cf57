/**
 * Token usage in the session API's camelCase (the names the AI SDKs use),
 * over the contract's `TokenUsage` / `TokenLedgerEntry` (snake_case, stored).
 */
import type { TokenLedgerEntry, TokenUsage } from '../core/contract/session-model.ts';
import { InvalidInputError } from '../core/contract/errors.ts';
import { tokenUsageTotal } from '../core/contract/session-model.ts';

/** Token counts in camelCase. */
export interface Usage {
  /** Input (prompt) tokens. */
  inputTokens: number;
  /** Output tokens. */
  outputTokens: number;
  /** Input tokens served from the provider's cache. */
  cachedInputTokens: number;
  /** Reasoning tokens. */
  reasoningTokens: number;
  /** input + output + reasoning (cached input is part of input, as in lash). */
  totalTokens: number;
}

/** A turn's usage; missing counters are 0. */
export interface UsageInput {
  /** Input (prompt) tokens. */
  inputTokens?: number;
  /** Output tokens. */
  outputTokens?: number;
  /** Input tokens served from the provider's cache. */
  cachedInputTokens?: number;
  /** Reasoning tokens. */
  reasoningTokens?: number;
  /** The model billed; default the session's model id. */
  model?: string;
  /** What spent it (`turn`, `compaction`, a sub-agent, …); default `turn`. */
  source?: string;
}

/** What `session.usage()` returns: totals, and per source and model. */
export interface UsageTotals {
  /** Everything the session spent. */
  total: Usage;
  /** Per `(source, model)`, in first-seen order. */
  bySource: Array<{
    /** What spent it. */
    source: string;
    /** The model billed. */
    model: string;
    /** The tokens. */
    usage: Usage;
  }>;
}

const COUNTERS = ['inputTokens', 'outputTokens', 'cachedInputTokens', 'reasoningTokens'] as const;

/** The ledger entry of a turn's usage. */
export function ledgerEntry(input: UsageInput, defaultModel: string, path: string): TokenLedgerEntry {
  if (typeof input !== 'object' || input === null) throw new InvalidInputError(`${path}: expected an object`);
  for (const name of COUNTERS) {
    const value = input[name];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new InvalidInputError(`${path}.${name}: expected a non-negative integer (got ${String(value)})`);
    }
  }
  for (const name of ['model', 'source'] as const) {
    if (input[name] !== undefined && typeof input[name] !== 'string') throw new InvalidInputError(`${path}.${name}: expected a string`);
  }
  return {
    source: input.source ?? 'turn',
    model: input.model ?? defaultModel,
    usage: {
      input_tokens: input.inputTokens ?? 0,
      output_tokens: input.outputTokens ?? 0,
      cached_input_tokens: input.cachedInputTokens ?? 0,
      reasoning_tokens: input.reasoningTokens ?? 0,
    },
  };
}

export function addTokenUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    reasoning_tokens: a.reasoning_tokens + b.reasoning_tokens,
  };
}

export function usageOf(usage: TokenUsage): Usage {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cachedInputTokens: usage.cached_input_tokens,
    reasoningTokens: usage.reasoning_tokens,
    totalTokens: tokenUsageTotal(usage),
  };
}

export function usageTotals(ledger: readonly TokenLedgerEntry[]): UsageTotals {
  let total: TokenUsage = { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 };
  for (const entry of ledger) total = addTokenUsage(total, entry.usage);
  return {
    total: usageOf(total),
    bySource: ledger.map((entry) => ({ source: entry.source, model: entry.model, usage: usageOf(entry.usage) })),
  };
}
