import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_PARAMS_DEPTH, parseRequest } from '../../../src/actors/process/podProtocol.js';

const parse = suite('parseRequest');

const run = (id: number, input: string): string => `{"id":${id},"method":"run","params":{"input":${input}}}`;
const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

parse('should take params nested exactly as deep as allowed, short or long', () => {
  // params is level 1 and input level 2, so input holds MAX_PARAMS_DEPTH - 1 levels.
  const deepest = nested(MAX_PARAMS_DEPTH - 1);
  assert.equal(parseRequest(run(1, deepest)), { id: 1, method: 'run', params: { input: JSON.parse(deepest) } });
  const padded = `{"id":2,"method":"run","params":{"pad":"${'x'.repeat(10_000)}","input":${deepest}}}`;
  assert.is((parseRequest(padded) as { method?: string }).method, 'run');
});

parse('should refuse deeper params as invalid-params with the id, short lines after parsing, long ones before', () => {
  for (const [id, levels] of [[3, MAX_PARAMS_DEPTH], [4, 3_000], [5, 200_000]] as const) {
    const answer = parseRequest(run(id, nested(levels)));
    assert.is((answer as { id: unknown }).id, id, `${levels} levels`);
    assert.is((answer as { error?: { code: string } }).error?.code, 'invalid-params', `${levels} levels`);
  }
  // Brackets inside a string are data, not depth.
  const inString = `{"id":6,"method":"notify","params":{"message":"${'['.repeat(200_000)}"}}`;
  assert.is((parseRequest(inString) as { method?: string }).method, 'notify');
});

parse.run();
