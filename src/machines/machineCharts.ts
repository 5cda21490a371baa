import { discoveryMachine } from './discoveryMachine.js';
import { orchestratorMachine } from './orchestratorMachine.js';
import { podMachine } from './podMachine.js';
import { runtimeMachine } from './runtimeMachine.js';
import { ticketMachine } from './ticketMachine.js';
import { weakNotifyMachine } from './weakNotifyMachine.js';

/** podmesh's machines, each drawn by an inspector. */
const MACHINES = [podMachine, weakNotifyMachine, discoveryMachine, orchestratorMachine, ticketMachine, runtimeMachine] as const;

/**
 * Each of podmesh's statecharts as xstate's `machine.toJSON()`, by machine id:
 * what an inspector's hello and a recorded trace's header carry (JSON-safe,
 * the same on every call, so a trace stays byte-identical).
 */
export function machineCharts(): Record<string, unknown> {
  return Object.fromEntries(MACHINES.map((machine) => [machine.id, JSON.parse(JSON.stringify(machine.toJSON())) as unknown]));
}
