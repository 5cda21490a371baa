/**
 * `podmesh/simulation`: deterministic simulations of a podmesh deployment on
 * a simulated clock and a seeded random source (docs/simulation.md).
 */
export {
  createSimulation,
  type InvariantReport,
  type Simulation,
  type SimulationInjection,
  type SimulationOptions,
  type SimulationResult,
} from './createSimulation.js';
export { parseScenario, ScenarioError, type FaultKind, type Scenario, type WorkloadKind } from './parseScenario.js';
export { createRandom, type Random } from './createRandom.js';
