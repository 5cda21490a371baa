import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as root from '../src/index.js';
import * as machines from '../src/machines/index.js';
import * as processEntry from '../src/actors/process/index.js';
import * as simulation from '../src/simulation/index.js';
import * as testing from '../src/testing/index.js';
import * as inspector from '../src/inspector/index.js';
import * as nats from '../src/actors/nats/index.js';
import * as tickets from '../src/tickets/index.js';

const entries = suite('package entries');

/** The values the root exports for an embedding program (types are not visible at run time). */
const ROOT_VALUES = [
  'CorruptMetadataError',
  'FileLockError',
  'InvalidPodNameError',
  'MissingPodError',
  'NotVisibleError',
  'PodmeshError',
  'RuntimeStoppedError',
  'SelfPeerError',
  'StateMissingError',
  'TimeoutError',
  'createFsNoticeJournal',
  'createFsPodStore',
  'createMemoryPodStore',
  'createPodRuntime',
  'formatOutcome',
  'isValidPodName',
  'validatePodName',
];

/** Values 0.1 exported from the root that now live elsewhere, with their new home. */
const MOVED: Record<string, Record<string, unknown>> = {
  podmeshErrorCode: {},
  MAX_POD_NAME_BYTES: {},
  visibilityOf: machines,
  workspacePodNames: tickets,
  createTicketBoard: tickets,
  TicketError: tickets,
  createTicketTools: tickets,
  buildTicketNotice: tickets,
  lifecycleEvent: tickets,
  podMachine: machines,
  renderNotice: machines,
  weakNotifyMachine: machines,
  discoveryMachine: machines,
  orchestratorMachine: machines,
  ticketMachine: machines,
  runtimeMachine: machines,
  createSimulation: simulation,
  parseScenario: simulation,
  ScenarioError: simulation,
  createRandom: simulation,
  createFaultyStore: testing,
  createFaultyTransport: testing,
  createRuntimeTransport: testing,
  startPodServer: processEntry,
  createSocketTransport: processEntry,
  PodRequestError: processEntry,
  resolvePodmeshPaths: processEntry,
  podSocketPath: processEntry,
  PodAlreadyRunningError: processEntry,
  POD_METHODS: processEntry,
  MAX_REQUEST_LINE_BYTES: processEntry,
};

entries('should export from the root exactly the values an embedding program needs, and the deprecated aliases', () => {
  const current = Object.keys(root).filter((name) => !(name in MOVED) && name !== 'formatDelivery');
  assert.equal(current.sort(), [...ROOT_VALUES].sort());
});

entries('should keep every renamed or moved value of 0.1 as the very same value', () => {
  assert.is(root.formatDelivery, root.formatOutcome, 'formatDelivery is formatOutcome');
  for (const [name, home] of Object.entries(MOVED)) {
    assert.ok(name in root, `${name} is still exported from the root`);
    if (name in home) assert.is((root as Record<string, unknown>)[name], home[name], `${name} is the same value as in its new entry`);
  }
});

entries('should give every subpath entry its own concept', () => {
  assert.type(machines.weakNotifyMachine, 'object');
  assert.type(machines.decideWeakNotify, 'function');
  assert.type(processEntry.startPodServer, 'function');
  assert.type(tickets.startOrchestrator, 'function');
  assert.type(simulation.createSimulation, 'function');
  assert.type(testing.createFaultyStore, 'function');
  for (const name of ['createRuntimeInspector', 'startInspectorServer', 'createHomeFeed', 'createNatsFeed', 'createTraceFeed'] as const) assert.type(inspector[name], 'function');
  for (const name of ['createNatsTransport', 'startNatsPodServer', 'createNatsKvPodStore'] as const) assert.type(nats[name], 'function');
  // Names new in 0.2 live only in their subpath: the root does not grow with the domains.
  for (const name of ['startOrchestrator', 'orchestratorSystemId', 'TICKET_TOOL_NAMES', 'decideWeakNotify', 'walkWeakNotify', 'WEAK_NOTIFY_CHECKS', 'createNatsTransport']) {
    assert.not.ok(name in root, `${name} is not in the root`);
  }
});

entries.run();
