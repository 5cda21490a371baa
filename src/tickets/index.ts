/**
 * `podmesh/tickets`: a ticket board, its tools, and the orchestrator hook that
 * sends each ticket lifecycle event to the workspace's companion as a weak
 * notice (docs/behaviour.md §6). A client of the runtime:
 * `startOrchestrator(runtime, { workspaceRoot })`.
 */
export {
  startOrchestrator,
  orchestratorSystemId,
  type HookResult,
  type Orchestrator,
  type PeerEnsureOutcome,
  type StartOrchestratorOptions,
  type ToolCall,
} from './startOrchestrator.js';
export { createTicketBoard, type TicketBoard, type TicketBoardOptions } from './createTicketBoard.js';
export { createTicketTools, type TicketTools, type TicketToolErrorCode } from './createTicketTools.js';
export { TICKET_TOOL_NAMES, type TicketToolMethod, type TicketToolName } from './ticketToolNames.js';
export { TicketError, type TicketErrorCode } from './ticketError.js';
export { buildTicketNotice, lifecycleEvent, type LifecycleEvent, type TicketNoticeFields } from './ticketNotice.js';
export { workspacePodNames, type WorkspacePodNames } from './workspacePodNames.js';
export { findWorkspace, openWorkspace, WORKSPACE_MARKER, type Workspace } from './findWorkspace.js';
export { readTicket, readTicketBoard, readTicketList, type TicketBoardListing } from './readTicketBoard.js';
export type { Ticket, TicketMove, TicketSummary, TicketThreadEntry, ToolResult } from './types.js';
export type { TicketState } from '../machines/ticketMachine.js';
