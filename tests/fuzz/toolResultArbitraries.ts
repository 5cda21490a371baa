/**
 * Generators of tool results for the hook (docs/behaviour.md §6): plain ones
 * (any tool name, `isError`, summary and content, the content often a JSON
 * object near a lifecycle event) and descriptions of hostile ones, built by
 * {@link hostileResult} inside a case because fast-check itself would trip
 * over a throwing getter or a revoked proxy while generating or printing.
 */
import fc from 'fast-check';
import { anyJson } from './storedTextArbitraries.js';

/** The lifecycle table of §6, spelled out again as the oracle. */
export const TOOL_NAMES = [
  'TicketCreate', 'TicketComment', 'TicketReview', 'TicketWorkflowState', 'TicketIntakeReady', 'TicketClose', 'TicketList', 'TicketShow',
] as const;
export const COMMENT_EVENTS = ['comment', 'plan', 'decision', 'implementation_report'] as const;
export const REVIEWS = ['approve', 'request_changes'] as const;
export const TICKET_STATES = ['planning', 'ready', 'queued', 'inprogress', 'done', 'closed'] as const;

/** A ticket id as a notice may carry it (§6: one plain path segment). */
export const TICKET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Full-Unicode text: lone surrogates, controls, line breaks, now and then long. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\n', '\r', '\u0000', '\u0085', '\u2028', '\u3000', '😀', '\ud800', '\udfff', '…', 'é'), maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 100, maxLength: 1200, size: 'max' }) },
);

/** Ticket ids: real ones, well-formed ones, and near misses of the id rule. */
export const ticketId = (known: readonly string[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    ...(known.length > 0 ? [{ weight: 6, arbitrary: fc.constantFrom(...known) }] : []),
    { weight: 2, arbitrary: fc.stringMatching(TICKET_ID) },
    { weight: 2, arbitrary: fc.constantFrom('', '.', '..', '.a', '-a', 'a/b', '../x', 'a b', 'a\n', 'x'.repeat(128), 'x'.repeat(129), 'é', 'A\u0000') },
    { weight: 1, arbitrary: anyText },
    { weight: 1, arbitrary: anyJson },
  );

const maybe = <T>(usual: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: anyJson });

/** Content as JSON text: objects near a lifecycle event, any JSON, any text, or not a string at all. */
const content = (known: readonly string[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record(
          {
            ok: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: anyJson }),
            ticket: ticketId(known),
            event: maybe(fc.constantFrom(...COMMENT_EVENTS)),
            review: maybe(fc.constantFrom(...REVIEWS)),
            from: maybe(fc.constantFrom(...TICKET_STATES)),
            to: maybe(fc.constantFrom(...TICKET_STATES)),
            error: anyJson,
          },
          { requiredKeys: ['ok', 'ticket'] },
        )
        .map((fields) => JSON.stringify(fields)),
    },
    { weight: 1, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: anyText },
    { weight: 1, arbitrary: anyJson },
  );

/** A plain tool result: an object whose four fields are often, but not always, what a tool gives. */
export const plainResult = (known: readonly string[]): fc.Arbitrary<Record<string, unknown>> => {
  const fields = {
    toolName: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TOOL_NAMES) }, { weight: 1, arbitrary: anyText }, { weight: 1, arbitrary: anyJson }),
    isError: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: anyJson }),
    summary: fc.oneof({ weight: 6, arbitrary: anyText }, { weight: 1, arbitrary: anyJson }),
    content: content(known),
  };
  // Mostly all four fields; now and then any of them missing.
  return fc.oneof({ weight: 5, arbitrary: fc.record(fields) }, { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) });
};

/** A result that is a lifecycle event of the table, for one of `known`'s tickets (or any well-formed id). */
export const lifecycleResult = (known: readonly string[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.record({
    toolName: fc.constantFrom('TicketComment', 'TicketReview', 'TicketWorkflowState', 'TicketIntakeReady', 'TicketClose'),
    isError: fc.constant(false),
    summary: anyText,
    content: fc
      .record({
        ok: fc.constant(true),
        ticket: known.length > 0 ? fc.constantFrom(...known) : fc.stringMatching(TICKET_ID),
        event: fc.constantFrom(...COMMENT_EVENTS),
        review: fc.constantFrom(...REVIEWS),
        from: fc.constantFrom(...TICKET_STATES),
        to: fc.constantFrom(...TICKET_STATES),
      })
      .map((fields) => JSON.stringify(fields)),
  });

/** How a hostile result misbehaves. */
export type Hostility = 'throwing-getter' | 'throwing-proxy' | 'revoked-proxy' | 'inherited' | 'null-prototype' | 'array' | 'changing-proxy';

/** A hostile result, described: built by {@link hostileResult}. */
export interface HostileDescription {
  readonly base: Record<string, unknown>;
  readonly hostility: Hostility;
  readonly field: 'toolName' | 'isError' | 'summary' | 'content';
}

export const hostileDescription = (known: readonly string[]): fc.Arbitrary<HostileDescription> =>
  fc.record({
    base: fc.oneof(plainResult(known), lifecycleResult(known)),
    hostility: fc.constantFrom<Hostility>('throwing-getter', 'throwing-proxy', 'revoked-proxy', 'inherited', 'null-prototype', 'array', 'changing-proxy'),
    field: fc.constantFrom<HostileDescription['field']>('toolName', 'isError', 'summary', 'content'),
  });

const trap = (): never => {
  throw new Error('hostile trap');
};

/** Builds the hostile value a description stands for. */
export function hostileResult({ base, hostility, field }: HostileDescription): unknown {
  switch (hostility) {
    case 'throwing-getter':
      return Object.defineProperty({ ...base }, field, { get: trap, enumerable: true });
    case 'throwing-proxy':
      return new Proxy({ ...base }, { get: (target, key) => (key === field ? trap() : Reflect.get(target, key)), has: trap, ownKeys: trap, getPrototypeOf: trap });
    case 'revoked-proxy': {
      const { proxy, revoke } = Proxy.revocable({ ...base }, {});
      revoke();
      return proxy;
    }
    case 'inherited':
      return Object.create({ ...base }) as unknown;
    case 'null-prototype':
      return Object.assign(Object.create(null) as object, base);
    case 'array':
      return Object.assign([], base);
    case 'changing-proxy': {
      // Each read of a field answers differently: a check and a later use must not disagree.
      let reads = 0;
      return new Proxy({ ...base }, { get: (target, key) => ((reads += 1) % 2 === 0 && key === field ? 'changed' : Reflect.get(target, key)) });
    }
  }
}
