import { setup } from 'xstate';

/** The cheapest useful xstate machine: one state, one self-handled event. The baseline of raw actor costs. */
export const bareMachine = setup({}).createMachine({ id: 'bare', on: { ping: {} } });
