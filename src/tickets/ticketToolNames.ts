/**
 * The ticket tools, spelled once: each method of `TicketTools` and the tool
 * name a tool result carries (the names of the lifecycle table in
 * docs/behaviour.md §6).
 */
export const TICKET_TOOL_NAMES = {
  create: 'TicketCreate',
  comment: 'TicketComment',
  review: 'TicketReview',
  setState: 'TicketWorkflowState',
  intakeReady: 'TicketIntakeReady',
  close: 'TicketClose',
  list: 'TicketList',
  show: 'TicketShow',
} as const;

/** A method of `TicketTools`. */
export type TicketToolMethod = keyof typeof TICKET_TOOL_NAMES;

/** A tool name, as a tool result carries it. */
export type TicketToolName = (typeof TICKET_TOOL_NAMES)[TicketToolMethod];

/** The methods, in table order. */
export const TICKET_TOOL_METHODS = Object.keys(TICKET_TOOL_NAMES) as TicketToolMethod[];

/** True when `value` names a method of `TicketTools`. */
export function isTicketToolMethod(value: unknown): value is TicketToolMethod {
  return typeof value === 'string' && Object.hasOwn(TICKET_TOOL_NAMES, value);
}
