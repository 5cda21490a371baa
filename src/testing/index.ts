/**
 * `podmesh/testing`: seams for tests of programs built on podmesh. A store
 * that fails its next write on demand, a transport that fails or hangs its
 * next notify, and a transport that reaches the pods of another runtime in
 * the same process (two simulated hosts). For corrupt records, plant stored
 * text with the memory store's `writeRaw`.
 */
export { createFaultyStore, type FaultyStore } from './createFaultyStore.js';
export { createFaultyTransport, type FaultyTransport } from './createFaultyTransport.js';
export { createRuntimeTransport } from './createRuntimeTransport.js';
