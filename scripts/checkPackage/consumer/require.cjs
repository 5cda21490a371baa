// check:package's `require` step: the root and a subpath from CommonJS (require of ESM, Node 20.19+).
const root = require('podmesh');
const tickets = require('podmesh/tickets');
if (typeof root.createPodRuntime !== 'function') throw new Error('require("podmesh").createPodRuntime is ' + typeof root.createPodRuntime);
if (typeof tickets.startOrchestrator !== 'function') throw new Error('require("podmesh/tickets").startOrchestrator is ' + typeof tickets.startOrchestrator);
console.log(JSON.stringify({ exports: Object.keys(root).length, requireModule: process.features.require_module ?? null }));
