import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import {
  TICKET_EVENT_TYPES,
  TICKET_STATES,
  canMoveTicket,
  nextTicketState,
  ticketMachine,
  ticketMoveEvent,
  ticketSnapshot,
} from '../../src/machines/ticketMachine.js';
import type { TicketEventType, TicketState } from '../../src/machines/ticketMachine.js';

const machine = suite('ticketMachine');

const ALLOWED: readonly [TicketState, TicketState, TicketEventType][] = [
  ['planning', 'ready', 'ticket.ready'],
  ['ready', 'queued', 'ticket.queue'],
  ['queued', 'inprogress', 'ticket.start'],
  ['inprogress', 'queued', 'ticket.requeue'],
  ['inprogress', 'done', 'ticket.finish'],
  ['planning', 'closed', 'ticket.close'],
  ['ready', 'closed', 'ticket.close'],
  ['queued', 'closed', 'ticket.close'],
  ['inprogress', 'closed', 'ticket.close'],
  ['done', 'closed', 'ticket.close'],
];

machine('should name the six states as the machine does', () => {
  assert.equal([...TICKET_STATES].sort(), Object.keys(ticketMachine.states).sort());
  assert.is(ticketMachine.id, 'ticket');
});

machine('should allow every move of the lifecycle through its event', () => {
  for (const [from, to, event] of ALLOWED) {
    assert.is(ticketMoveEvent(from, to), event, `${from} -> ${to}`);
    assert.ok(canMoveTicket(from, to));
    const next = nextTicketState(from, { type: event, at: 'T1' }, { ticket: 'X', updatedAt: 'T0' });
    assert.equal(next, { state: to, context: { ticket: 'X', updatedAt: 'T1' } });
  }
});

machine('should forbid every other pair of states', () => {
  const allowed = new Set(ALLOWED.map(([from, to]) => `${from}->${to}`));
  const forbidden: string[] = [];
  for (const from of TICKET_STATES) {
    for (const to of TICKET_STATES) {
      if (allowed.has(`${from}->${to}`)) continue;
      forbidden.push(`${from}->${to}`);
      assert.is(ticketMoveEvent(from, to), undefined, `${from} -> ${to}`);
      assert.not.ok(canMoveTicket(from, to));
    }
  }
  // 36 pairs minus 10 allowed, including every stay-put and every jump.
  assert.is(forbidden.length, 26);
  for (const pair of ['planning->queued', 'ready->inprogress', 'done->inprogress', 'queued->done', 'ready->planning']) {
    assert.ok(forbidden.includes(pair), pair);
  }
});

machine('should refuse events that do not belong to a state', () => {
  assert.is(nextTicketState('planning', { type: 'ticket.start', at: 'T' }), undefined);
  assert.is(nextTicketState('done', { type: 'ticket.requeue', at: 'T' }), undefined);
});

machine('should treat values outside the six states as no move', () => {
  assert.is(ticketMoveEvent('bogus' as TicketState, 'ready'), undefined);
  assert.is(ticketMoveEvent('planning', '__proto__' as TicketState), undefined);
});

machine('should make closed final, taking no event at all', () => {
  const closed = ticketSnapshot('closed');
  assert.is(closed.status, 'done');
  for (const type of TICKET_EVENT_TYPES) assert.not.ok(closed.can({ type, at: 'T' }), type);
  assert.is(ticketMachine.states.closed?.type, 'final');
});

machine('should run as an actor from planning to closed', () => {
  const actor = createActor(ticketMachine, { input: { ticket: 'A', createdAt: 'T0' } });
  actor.start();
  try {
    assert.is(actor.getSnapshot().value, 'planning');
    actor.send({ type: 'ticket.ready', at: 'T1' });
    actor.send({ type: 'ticket.queue', at: 'T2' });
    actor.send({ type: 'ticket.start', at: 'T3' });
    actor.send({ type: 'ticket.finish', at: 'T4' });
    actor.send({ type: 'ticket.close', at: 'T5' });
    const snapshot = actor.getSnapshot();
    assert.is(snapshot.value, 'closed');
    assert.is(snapshot.status, 'done');
    assert.equal(snapshot.context, { ticket: 'A', updatedAt: 'T5' });
  } finally {
    actor.stop();
  }
});

machine('should name every action and guard in toJSON', () => {
  const json = ticketMachine.toJSON();
  const named = ticketMachine.implementations;
  let transitions = 0;
  for (const node of Object.values(json.states ?? {})) {
    for (const list of [node.entry, node.exit]) {
      for (const action of list) assert.type(action, 'string');
    }
    for (const transition of node.transitions) {
      transitions += 1;
      for (const action of transition.actions) {
        // An inline function would show up as an object without a registered name.
        const name = typeof action === 'string' ? action : (action as { type?: unknown }).type;
        assert.type(name, 'string');
        assert.ok(Object.hasOwn(named.actions, name as string), `action ${String(name)}`);
      }
      const guard = (transition as { guard?: unknown }).guard;
      if (guard !== undefined) {
        const name = typeof guard === 'string' ? guard : (guard as { type?: unknown }).type;
        assert.ok(Object.hasOwn(named.guards, name as string), `guard ${String(name)}`);
      }
    }
  }
  assert.is(transitions, ALLOWED.length);
  assert.ok(JSON.stringify(json).includes('stampUpdatedAt'));
});

machine.run();
