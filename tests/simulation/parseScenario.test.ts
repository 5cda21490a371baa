import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario, ScenarioError } from '../../src/simulation/parseScenario.js';

const parse = suite('parseScenario');

function fails(value: unknown, path: string, message: RegExp): void {
  try {
    parseScenario(value);
  } catch (error) {
    assert.instance(error, ScenarioError);
    assert.is((error as ScenarioError).path, path);
    assert.is((error as ScenarioError).code, 'invalid-scenario');
    assert.match((error as Error).message, message);
    return;
  }
  assert.unreachable(`expected a ScenarioError at ${path}`);
}

parse('should fill in defaults for a minimal scenario', () => {
  const scenario = parseScenario({ name: 'tiny' });
  assert.is(scenario.workspaces, 1);
  assert.is(scenario.pods, 10);
  assert.is(scenario.steps, 100);
  assert.is(scenario.initialPeers, 'reciprocal');
  assert.is(scenario.remoteCompanions, true);
  assert.is(scenario.faults.stop, 0);
  assert.ok(scenario.workload.lifecycle > 0);
});

parse('should name the path of every problem', () => {
  fails(null, '', /JSON object/);
  fails([], '', /JSON object/);
  fails({}, 'name', /non-empty/);
  fails({ name: 'x', pod: 3 }, 'pod', /unknown key/);
  fails({ name: 'x', workspaces: 0 }, 'workspaces', /integer from 1/);
  fails({ name: 'x', workspaces: 3, pods: 5 }, 'pods', /integer from 6/);
  fails({ name: 'x', steps: 1.5 }, 'steps', /integer/);
  fails({ name: 'x', initialPeers: 'both' }, 'initialPeers', /one of reciprocal/);
  fails({ name: 'x', remoteCompanions: 'yes' }, 'remoteCompanions', /true or false/);
  fails({ name: 'x', workload: { lifecycle: -1 } }, 'workload.lifecycle', /≥ 0/);
  fails({ name: 'x', faults: { explode: 1 } }, 'faults.explode', /unknown key/);
  fails({ name: 'x', schedule: {} }, 'schedule', /array/);
  fails({ name: 'x', schedule: [{ step: 1 }] }, 'schedule[0].fault', /required/);
  fails({ name: 'x', steps: 10, schedule: [{ step: 10, fault: 'stop' }] }, 'schedule[0].step', /0 to 9/);
  fails({ name: 'x', schedule: [{ step: 1, fault: 'stop', workspace: 1 }] }, 'schedule[0].workspace', /0 to 0/);
});

parse('should sort the schedule by step', () => {
  const scenario = parseScenario({ name: 'x', schedule: [{ step: 9, fault: 'start' }, { step: 2, fault: 'stop' }] });
  assert.equal(scenario.schedule.map((s) => s.step), [2, 9]);
});

parse.run();
